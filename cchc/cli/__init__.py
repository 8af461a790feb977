"""The command line, ``python -m cchc <command>``: a thin layer over the same functions the pages use.

Each command is one ``add_<command>_parser(commands)`` that registers its options and handler, in a module by
purpose: :mod:`cchc.cli.reports` (registries, templates, validation, ingest), :mod:`cchc.cli.exports` (the view
API's figures, the drafted report), :mod:`cchc.cli.operations` (running an installation), :mod:`cchc.cli.evidence`
(the PAR criteria, evidence files); ``export`` has kinds registered the same way in
:data:`cchc.cli.exports.EXPORTS`. Adding a command is one function plus one line in
:data:`COMMANDS`. A user's mistake (unknown unit, malformed period, missing file, busy database) prints a
Vietnamese message on stderr and exits with 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from cchc.cli.base import STORE_OPTIONS, CliError, Parser
from cchc.cli.evidence import add_criteria_parser, add_evidence_parser
from cchc.cli.exports import add_export_parser, add_report_parser
from cchc.cli.operations import (
    add_backup_parser,
    add_migrate_parser,
    add_reset_parser,
    add_restore_parser,
    add_sample_parser,
    add_serve_parser,
    add_user_parser,
)
from cchc.cli.reports import (
    add_indicators_parser,
    add_ingest_parser,
    add_template_parser,
    add_units_parser,
    add_validate_parser,
)
from cchc.store import StoreBusy


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (CliError, StoreBusy) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (``… | head``): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # a file that cannot be read or written
        print(f"Lỗi: không đọc/ghi được «{error.filename or ''}»: {error.strerror or error}.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m cchc", description="Theo dõi Kế hoạch cải cách hành chính tỉnh Hưng Yên "
                     "2016–2020 từ dòng lệnh.")
    parser.set_defaults(**dict.fromkeys(STORE_OPTIONS))  # a command's own --data-dir, when given, replaces None
    commands = parser.add_subparsers(metavar="LỆNH", required=True, parser_class=Parser)
    for add in COMMANDS:
        add(commands)
    return parser


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_units_parser, add_indicators_parser, add_template_parser, add_validate_parser, add_ingest_parser,
    add_export_parser, add_report_parser, add_sample_parser, add_reset_parser, add_backup_parser, add_restore_parser,
    add_user_parser, add_migrate_parser, add_serve_parser, add_criteria_parser, add_evidence_parser,
]
