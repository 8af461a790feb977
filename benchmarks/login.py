"""Login refusals take the same time: an unknown name, a wrong password, an inactive account, a waiting address.

Run ``python benchmarks/login.py [--rounds 20]``: each kind of refusal is timed ``rounds`` times with the
production argon2id parameters (64 MiB, 3 passes), interleaved, into a fresh data folder; the baseline is a
successful login. Printed: the median of each, and the ratio of the slowest to the fastest refusal (goal: within
1.25; before the change an unknown name took about 0.1 s and a locked account was answered without hashing).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc import auth  # noqa: E402
from cchc.auth import LoginFailed  # noqa: E402
from cchc.store import Store  # noqa: E402

PASSWORD = "mật-khẩu-đủ-dài-1"
ATTEMPTS = {  # (name, password, origin)
    "success (baseline)": ("admin", PASSWORD, "10.0.0.1"),
    "unknown name": ("khong-co-ai", PASSWORD, "10.0.0.2"),
    "wrong password": ("admin", "sai-mat-khau-roi", "10.0.0.3"),
    "inactive account": ("ld.cu", PASSWORD, "10.0.0.4"),
    "waiting address": ("admin", PASSWORD, "10.6.6.6"),
}


def prepare(store: Store) -> None:
    auth.ensure_admin(store, {auth.ENV_ADMIN_PASSWORD: PASSWORD})
    admin = auth.operator("admin")
    auth.create_user(store, admin, "ld.cu", "lanh_dao", PASSWORD)
    auth.update_user(store, admin, "ld.cu", role="lanh_dao", active=False)
    for _ in range(auth.MAX_FAILED_LOGINS):
        try_login(store, "admin", "sai-mat-khau-roi", "10.6.6.6")


def try_login(store: Store, name: str, password: str, origin: str) -> float:
    started = time.perf_counter()
    with suppress(LoginFailed):
        auth.authenticate(store, name, password, origin=origin)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cchc-login-") as tmp:
        store = Store(Path(tmp) / "data")
        prepare(store)
        times: dict[str, list[float]] = {kind: [] for kind in ATTEMPTS}
        for _ in range(args.rounds):
            for kind, attempt in ATTEMPTS.items():
                times[kind].append(try_login(store, *attempt))
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    for kind, median in medians.items():
        print(f"{kind:20} {1000 * median:7.1f} ms (median of {args.rounds})")
    refusals = [m for kind, m in medians.items() if not kind.startswith("success")]
    print(f"slowest / fastest refusal: {max(refusals) / min(refusals):.2f}   (goal: <= 1.25)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
