"""Evidence files: a zip bomb disguised as .docx is refused from its directory, in bounded time and memory.

Run ``python benchmarks/evidence.py [--mib 256] [--rounds 5]``: a real .docx carrying one more member of
``--mib`` MiB of zeros (deflated about a thousandfold) goes through :func:`cchc.sniff.sniff`; the baseline,
in the same run, is what a check that opens the archive would do: inflate every member (streamed, 1 MiB at a
time). Printed: the median time and the traced peak memory (tracemalloc) of each, and their ratios. Also
timed, for scale: attaching one small PDF and listing the evidence of an embedded store holding ``--rows``
attached files.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from contextlib import suppress
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc import evidence  # noqa: E402
from cchc.auth import User  # noqa: E402
from cchc.guard import Refused  # noqa: E402
from cchc.sample.evidence import pdf_bytes  # noqa: E402
from cchc.sniff import sniff  # noqa: E402
from cchc.store import Store  # noqa: E402

CLERK = User("cb.snv", "don_vi", ("SNV",), "bench")


def bomb(mib: int) -> bytes:
    document, out = docx.Document(), io.BytesIO()
    document.save(out)
    bigger = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(bigger, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        with target.open("word/media/image1.png", "w") as member:
            for _ in range(mib):
                member.write(b"\0" * (1 << 20))
    return bigger.getvalue()


def refuse(data: bytes) -> None:
    with suppress(Refused):
        sniff(data, "bom.docx")


def inflate(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            with archive.open(name) as member:
                while member.read(1 << 20):
                    pass


def measure(work, data: bytes, rounds: int) -> tuple[float, int]:
    times, peak = [], 0
    for _ in range(rounds):
        tracemalloc.start()
        started = time.perf_counter()
        work(data)
        times.append(time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return statistics.median(times), peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=500)
    args = parser.parse_args(argv)
    data = bomb(args.mib)
    print(f"zip bomb: {len(data) / 1024:.0f} KiB, expands to {args.mib} MiB")
    refused, refused_peak = measure(refuse, data, args.rounds)
    inflated, inflated_peak = measure(inflate, data, args.rounds)
    print(f"refused (sniff):     {refused * 1000:8.2f} ms, peak {refused_peak / 1024:8.0f} KiB")
    print(f"inflated (baseline): {inflated * 1000:8.2f} ms, peak {inflated_peak / 1024:8.0f} KiB")
    print(f"ratio: {inflated / refused:.0f}x faster, {inflated_peak / max(refused_peak, 1):.1f}x less memory")
    with tempfile.TemporaryDirectory(prefix="cchc-evidence-") as tmp:
        store = Store(Path(tmp) / "data", database_url="")
        files = [(f"qd-{n}.pdf", pdf_bytes((f"Quyet dinh so {n}",))) for n in range(args.rows)]
        started = time.perf_counter()
        evidence.attach(store, CLERK, "SNV", 2020, "1.1", files)
        batch = time.perf_counter() - started
        started = time.perf_counter()
        evidence.attach(store, CLERK, "SNV", 2020, "1.2", [("mot.pdf", pdf_bytes(("Mot tep",)))])
        one = time.perf_counter() - started
        started = time.perf_counter()
        listed = evidence.listing(store, "SNV", 2020)
        listing = time.perf_counter() - started
    print(f"attach {args.rows} PDFs at once: {batch * 1000:.0f} ms; attach one: {one * 1000:.1f} ms; "
          f"list {len(listed)} rows: {listing * 1000:.1f} ms (embedded store)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
