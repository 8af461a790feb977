"""Fuzz the upload path: mutate valid reports and check that every file ends accepted or refused with a code.

Run ``python benchmarks/fuzz.py [--seconds 600] [--seed N]`` for the long run (the test suite runs a short one
of a fixed number of files, ``tests/test_fuzz.py``). Each file is one or more mutations of a valid .xlsx or
.ods report: XML attribute spellings (single quotes, spaces around ``=``, line breaks, a namespace prefix),
character references and DTD/entity declarations, far cell references, shared strings referred to by many
cells, ODS repeat counts, truncated or corrupted parts, and zip fields (sizes, methods, flipped bytes). Each goes
through :func:`cchc.ingest.check_file` (the dry run an upload gets: parsed in a limited worker process, then
validated). A Python exception, a refusal without a known code, a file taking longer than the worker's wall
limit, or this process's peak memory growing by more than ``MEMORY_BUDGET_MIB`` fails the run. Printed: files
per second, outcomes by code, the slowest file.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import struct
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc import sandbox  # noqa: E402
from cchc.catalog import load_catalog  # noqa: E402
from cchc.ingest import check_file  # noqa: E402
from cchc.report import MESSAGES  # noqa: E402
from cchc.sample.generate import filled_workbook, make_story, received_at  # noqa: E402
from cchc.templates import workbook_bytes  # noqa: E402

ODS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "valid.ods"
MEMORY_BUDGET_MIB = 256
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

Mutation = Callable[[random.Random, str, bytes], bytes]  # (rng, member name, member bytes) → new bytes


def single_quotes(rng: random.Random, name: str, xml: bytes) -> bytes:
    return re.sub(rb'="([^"\']*)"', rb"='\1'", xml)


def spaced_equals(rng: random.Random, name: str, xml: bytes) -> bytes:
    return re.sub(rb'(\s[\w:.-]+)="', lambda m: m[1] + rng.choice([b" = ", b"\n=\t", b"  ="]) + b'"', xml)


def broken_lines(rng: random.Random, name: str, xml: bytes) -> bytes:
    return xml.replace(b'" ', b'"\n\t  ')


def prefixed(rng: random.Random, name: str, xml: bytes) -> bytes:
    """Cells and rows written ``x:c`` / ``x:row`` with ``x`` bound to the main namespace."""
    xml = xml.replace(b'xmlns="' + MAIN_NS + b'"', b'xmlns="' + MAIN_NS + b'" xmlns:x="' + MAIN_NS + b'"', 1)
    return re.sub(rb"<(/?)(c|row|v|is|t)([\s>/])", rb"<\1x:\2\3", xml)


def char_refs(rng: random.Random, name: str, xml: bytes) -> bytes:
    """Letters of texts written as character references (``S`` → ``&#83;``)."""
    return re.sub(rb">([A-Za-z]{1,4})<", lambda m: b">" + b"".join(b"&#%d;" % c for c in m[1]) + b"<", xml)


def entity_declaration(rng: random.Random, name: str, xml: bytes) -> bytes:
    entity = rng.choice([b'<!ENTITY e "SNV">', b'<!ENTITY e SYSTEM "file:///etc/passwd">',
                         b'<!ENTITY a "aaaaaaaaaa"><!ENTITY e "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'])
    head = b"<!DOCTYPE x [" + entity + b"]>"
    return head + re.sub(rb">([A-Z]{3})<", rb">&e;<", xml, count=1)


def far_reference(rng: random.Random, name: str, xml: bytes) -> bytes:
    row = rng.choice([70_000, 1_048_576, 99_999_999_999])
    column = rng.choice([b"Z", b"XFD", b"AAAA"])
    return re.sub(rb'(<(?:\w+:)?c\b[^>]*?\br=)"[A-Z]+\d+"', lambda m: m[1] + b'"%s%d"' % (column, row), xml, count=1)


def repeat_counts(rng: random.Random, name: str, xml: bytes) -> bytes:
    big = rng.choice([1_000, 65_536, 1_048_576, 10 ** 12])
    return re.sub(rb'number-(rows|columns)-repeated="\d+"', lambda m: b'number-%s-repeated="%d"' % (m[1], big), xml,
                  count=rng.randint(1, 4))


def truncated(rng: random.Random, name: str, xml: bytes) -> bytes:
    return xml[:rng.randrange(len(xml) + 1)]


def flipped(rng: random.Random, name: str, xml: bytes) -> bytes:
    data = bytearray(xml)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


XML_MUTATIONS: tuple[Mutation, ...] = (single_quotes, spaced_equals, broken_lines, prefixed, char_refs,
                                       entity_declaration, far_reference, repeat_counts, truncated, flipped)


def rezip(data: bytes, change: Callable[[str, bytes], bytes], extra: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, change(item.filename, src.read(item.filename)))
        for name, content in extra:
            dst.writestr(name, content)
    return out.getvalue()


def shared_strings(rng: random.Random, data: bytes) -> bytes:
    """A shared string of random length that a random number of new cells refer to."""
    text = b"x" * rng.choice([10, 5_000, 40_000])
    cells = rng.choice([1, 100, 3_000])
    rows = b"".join(b'<row r="%d"><c r="H%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(60, 60 + cells))
    sst = b'<sst xmlns="' + MAIN_NS + b'"><si><t>' + text + b"</t></si></sst>"
    last = max(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/"))
    return rezip(data, lambda n, d: d.replace(b"</sheetData>", rows + b"</sheetData>") if n == last else d,
                 extra=(("xl/sharedStrings.xml", sst),))


def zip_fields(rng: random.Random, data: bytes) -> bytes:
    """Damage the container itself: declared sizes, the method id, bytes anywhere, or its end."""
    data = bytearray(data)
    kind = rng.choice(["size", "method", "bytes", "cut"])
    at = data.find(b"PK\x01\x02", rng.randrange(len(data) // 2))
    if kind == "size" and at >= 0:
        struct.pack_into("<I", data, at + 24, rng.choice([0, 1, 0xFFFF_FFF0]))
    elif kind == "method" and at >= 0:
        struct.pack_into("<H", data, at + 10, rng.choice([1, 12, 14, 99]))
    elif kind == "bytes":
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    else:
        del data[rng.randrange(len(data)):]
    return bytes(data)


def mutate(rng: random.Random, base: bytes) -> tuple[str, bytes]:
    """One to three mutations of ``base``; a label naming them."""
    labels, data = [], base
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        if choice < 0.7:
            names = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                     if n.endswith(".xml") and ("worksheets" in n or n in ("content.xml", "xl/workbook.xml"))]
            member, mutation = rng.choice(names), rng.choice(XML_MUTATIONS)
            data = rezip(data, lambda n, d, m=member, f=mutation: f(rng, n, d) if n == m else d)
            labels.append(f"{mutation.__name__}({member})")
        elif choice < 0.85 and b"xl/workbook.xml" in data and b"xl/sharedStrings.xml" not in data:
            data, _ = shared_strings(rng, data), labels.append("shared_strings")
        else:
            data, _ = zip_fields(rng, data), labels.append("zip_fields")
            break  # a damaged container cannot be unzipped for further mutations
    return " + ".join(labels), data


@dataclass
class Summary:
    files: int = 0
    seconds: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    failures: list[str] = field(default_factory=list)


def bases() -> list[tuple[str, bytes]]:
    catalog, story = load_catalog(), make_story()
    unit = catalog.unit_by_code["SNV"]
    xlsx = workbook_bytes(filled_workbook(story, unit, "2018", catalog, received_at(story, unit.code, "2018")))
    return [("xlsx", xlsx), ("ods", ODS.read_bytes())]


def run(*, files: int | None = None, seconds: float | None = None, seed: int = 1) -> Summary:
    """Fuzz ``files`` files or for ``seconds`` (whichever is given); every failure is listed in the summary."""
    rng, summary, originals = random.Random(seed), Summary(), bases()
    peak = _peak_mib()
    started = time.perf_counter()
    while (files is None or summary.files < files) and (seconds is None or time.perf_counter() - started < seconds):
        kind, base = rng.choice(originals)
        label, data = mutate(rng, base)
        began = time.perf_counter()
        try:
            checked = check_file(data, f"fuzz.{kind}")
        except Exception as error:  # noqa: BLE001 - a crash is what the run looks for
            summary.failures.append(f"{label}: {type(error).__name__}: {error}")
            continue
        finally:
            summary.files += 1
        took = time.perf_counter() - began
        codes = sorted({i.code for i in checked.report.errors})
        summary.outcomes["accepted" if checked.report.ok else codes[0] if codes else "?"] += 1
        summary.slowest = max(summary.slowest, (took, label))
        if not checked.report.ok and not set(codes) <= set(MESSAGES):
            summary.failures.append(f"{label}: unknown codes {codes}")
        if took > sandbox.WALL_SECONDS + 5:
            summary.failures.append(f"{label}: {took:.1f} s")
    summary.seconds = time.perf_counter() - started
    if _peak_mib() - peak > MEMORY_BUDGET_MIB:
        summary.failures.append(f"peak memory grew by {_peak_mib() - peak} MiB")
    return summary


def _peak_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    summary = run(seconds=args.seconds, seed=args.seed)
    print(f"{summary.files} files in {summary.seconds:.0f} s ({summary.files / summary.seconds:.1f} files/s), "
          f"seed {args.seed}")
    for outcome, count in summary.outcomes.most_common():
        print(f"  {outcome:24} {count}")
    print(f"slowest: {summary.slowest[0]:.2f} s ({summary.slowest[1]})")
    for failure in summary.failures:
        print(f"FAILED {failure}")
    return 1 if summary.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
