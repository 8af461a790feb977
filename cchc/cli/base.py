"""What every command shares: the parser (Vietnamese help; a misuse in argparse's own words), the user-mistake
error, and the arguments most commands take (data folder, period, output file)."""

from __future__ import annotations

import argparse
import csv
import getpass
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NoReturn, TypeVar

from cchc import auth, backup
from cchc.config import data_dir, database_url
from cchc.periods import Period, PeriodError, parse_period
from cchc.report import make_issue
from cchc.store import Store

Handler = Callable[[argparse.Namespace], int]
R = TypeVar("R")


class CliError(Exception):
    """A user's mistake: the message is printed on stderr and the exit code is 2."""


class Parser(argparse.ArgumentParser):
    """The parser of every command: a misuse prints the usage and ``Lỗi: lệnh viết sai — …`` with argparse's own
    words (not rewritten: they change between Python versions), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: lệnh viết sai — {message}\n")


STORE_OPTIONS = ("data_dir", "database_url")  # where the data is: None means the environment's or the default


def command(commands, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
    """A subcommand with ``--data-dir`` and ``--database-url`` (every command takes them, before or after a
    sub-command: ``user --data-dir D list`` = ``user list --data-dir D``) and its handler. Their default
    (None) is the root parser's (:data:`STORE_OPTIONS`), so a sub-command's default never replaces a value given
    to its parent command."""
    parser = commands.add_parser(name, help=help, description=help)
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, metavar="THƯ_MỤC",
                        help="thư mục dữ liệu (mặc định: biến môi trường CCHC_DATA_DIR, nếu không có thì ./data)")
    parser.add_argument("--database-url", default=argparse.SUPPRESS, metavar="postgresql://…",
                        help="cơ sở dữ liệu PostgreSQL (mặc định: biến môi trường CCHC_DATABASE_URL, nếu không có thì "
                        "tệp DuckDB trong thư mục dữ liệu)")
    parser.set_defaults(handler=handler)
    return parser


def open_store(args: argparse.Namespace) -> Store:
    return Store(data_dir(args.data_dir), database_url=database_url(args.database_url))


def period_arg(text: str) -> Period:
    """The period, or a CliError with the same Vietnamese message the validation gives."""
    try:
        return parse_period(text)
    except PeriodError as error:
        code = "unknown-period" if "outside" in str(error) else "malformed-period"
        raise CliError(make_issue(code, value=text).message) from None


def emit(rows: Iterable[Sequence[object]], columns: Sequence[str], fmt: str) -> None:
    """Rows on stdout as CSV (``fmt == 'csv'``) or as an aligned text table."""
    text = [["" if v is None else str(v) for v in row] for row in rows]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(text)
        return
    widths = [max([len(c), *(len(r[i]) for r in text)]) for i, c in enumerate(columns)]
    for row in [list(columns), *text]:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def existing_paths(paths: Sequence[str]) -> list[Path]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise CliError("Không tìm thấy: " + ", ".join(f"«{p}»" for p in missing) + ".")
    return [Path(p) for p in paths]


def output_kind(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CliError(f"Tệp xuất «{path}» phải có đuôi .csv hoặc .xlsx.")
    return suffix[1:]


def operator() -> auth.User:
    """Whoever runs the command line holds the data folder, so acts as an administrator under their login."""
    return auth.operator(getpass.getuser(), "cli")


def admin_call(call: Callable[[], R]) -> R:
    """Run an account or backup operation; its refusals (Vietnamese already) become CliErrors."""
    try:
        return call()
    except (auth.AuthError, backup.BackupError) as error:
        raise CliError(str(error)) from None
