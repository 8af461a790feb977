"""The command line, ``python -m cchc <command>``: a thin layer over the same functions the pages use.

Each command is one ``add_<command>_parser(commands)`` that registers its options and handler; ``export``
has kinds registered the same way in :data:`EXPORTS`. Adding a command is one function plus one line in
:data:`COMMANDS`. A user's mistake (unknown unit, malformed period, missing file, busy database) prints a
Vietnamese message on stderr and exits with 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path

from cchc import auth, backup, clock, ingest, migrate, views
from cchc.catalog import BLOCKS, load_catalog
from cchc.completeness import completeness
from cchc.config import ENV_DATA_DIR, data_dir, database_url
from cchc.export import (
    BLOCK_NAMES,
    completeness_file,
    csv_bytes,
    progress_file,
    ranking_file,
    targets_xlsx,
    values_xlsx,
)
from cchc.periods import Period, PeriodError, parse_period
from cchc.progress import BLOCK_TOTALS, PROVINCE
from cchc.report import make_issue
from cchc.store import Store, StoreBusy

Handler = Callable[[argparse.Namespace], int]
UNIT_COLUMNS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to")
INDICATOR_COLUMNS = ("code", "area", "task", "name_vi", "measure", "direction", "applies_to", "target",
                     "target_year", "comparison", "required", "name_en", "source")
VALUE_COLUMNS = ("unit", "period", "indicator", "numerator", "denominator", "value", "note", "source_cell",
                 "submission_id")
PROGRESS_MIN_FILES = 20


class CliError(Exception):
    """A user's mistake: the message is printed on stderr and the exit code is 2."""


_ARGPARSE_VI = (  # argparse's own messages, in Vietnamese
    (re.compile(r"the following arguments are required: (.*)"), "thiếu tham số bắt buộc: {0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "tham số không hiểu được: {0}"),
    (re.compile(r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)"),
     "tham số {0}: giá trị {1} không hợp lệ (chọn một trong: {2})"),
    (re.compile(r"argument (.*?): expected one argument"), "tham số {0} cần một giá trị"),
    (re.compile(r"argument (.*?): invalid (\w+) value: (.*)"), "tham số {0}: {2} không phải giá trị hợp lệ"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        for pattern, vietnamese in _ARGPARSE_VI:
            if match := pattern.fullmatch(message):
                message = vietnamese.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {message}\n")


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
    parser = _Parser(prog="python -m cchc", description="Theo dõi Kế hoạch cải cách hành chính tỉnh Hưng Yên "
                     "2016–2020 từ dòng lệnh.")
    commands = parser.add_subparsers(metavar="LỆNH", required=True, parser_class=_Parser)
    for add in COMMANDS:
        add(commands)
    return parser


def command(commands, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
    """A subcommand with ``--data-dir`` (every command takes it) and its handler."""
    parser = commands.add_parser(name, help=help, description=help)
    parser.add_argument("--data-dir", metavar="THƯ_MỤC", help="thư mục dữ liệu (mặc định: biến môi trường "
                        "CCHC_DATA_DIR, nếu không có thì ./data)")
    parser.add_argument("--database-url", metavar="postgresql://…", help="cơ sở dữ liệu PostgreSQL (mặc định: biến "
                        "môi trường CCHC_DATABASE_URL, nếu không có thì tệp DuckDB trong thư mục dữ liệu)")
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


def emit(rows: Sequence[Sequence[object]], columns: Sequence[str], fmt: str) -> None:
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


# -- units, indicators, template --------------------------------------------------------------------------
def add_units_parser(commands) -> None:
    parser = command(commands, "units", "Danh mục đơn vị (theo một kỳ báo cáo nếu có --period).", run_units)
    parser.add_argument("--period", metavar="KỲ", help="chỉ các đơn vị hoạt động trong kỳ (2018, 2018-H1, 2018-Q3)")
    parser.add_argument("--format", choices=("table", "csv"), default="table", help="dạng in ra (mặc định: table)")


def run_units(args: argparse.Namespace) -> int:
    units = load_catalog().units
    day = clock.today()
    if args.period:
        period = period_arg(args.period)
        units, day = tuple(u for u in units if u.valid_between(period.start, period.end)), period.end
    emit([(u.code, u.name_on(day), u.kind_on(day), u.parent_code, u.valid_from.isoformat(),
           u.valid_to.isoformat() if u.valid_to else "") for u in units], UNIT_COLUMNS, args.format)
    return 0


def add_indicators_parser(commands) -> None:
    parser = command(commands, "indicators", "Danh mục chỉ tiêu của Kế hoạch và chỉ tiêu phấn đấu.", run_indicators)
    parser.add_argument("--format", choices=("table", "csv"), default="table", help="dạng in ra (mặc định: table)")


def run_indicators(args: argparse.Namespace) -> int:
    rows = []
    for i in load_catalog().indicators:
        target = i.target
        rows.append((i.code, i.area, i.task, i.name_vi, i.measure, i.direction, " ".join(i.applies_to),
                     f"{target.value:g}" if target else "", target.year if target else "",
                     target.comparison if target else "", "yes" if i.required else "no", i.name_en, i.source))
    emit(rows, INDICATOR_COLUMNS, args.format)
    return 0


def add_template_parser(commands) -> None:
    parser = command(commands, "template", "Tạo biểu mẫu báo cáo (.xlsx) của một đơn vị cho một kỳ.", run_template)
    parser.add_argument("--unit", required=True, metavar="MÃ", help="mã đơn vị (xem lệnh units)")
    parser.add_argument("--period", required=True, metavar="KỲ", help="kỳ báo cáo: 2018, 2018-H1 hoặc 2018-Q3")
    parser.add_argument("--out", required=True, metavar="TỆP.xlsx", help="tệp biểu mẫu sẽ ghi ra")


def run_template(args: argparse.Namespace) -> int:
    from cchc.templates import write_template

    period = period_arg(args.period)
    try:
        data = write_template(args.unit, period.code)
    except ValueError as error:
        raise CliError(str(error)) from None
    Path(args.out).write_bytes(data)
    print(f"Đã ghi biểu mẫu của {args.unit.strip().upper()} kỳ {period.code} vào {args.out}.")
    return 0


# -- validate, ingest ----------------------------------------------------------------------------------------
def existing_paths(paths: Sequence[str]) -> list[Path]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise CliError("Không tìm thấy: " + ", ".join(f"«{p}»" for p in missing) + ".")
    return [Path(p) for p in paths]


def add_validate_parser(commands) -> None:
    parser = command(commands, "validate", "Kiểm tra tệp báo cáo mà không lưu (mã thoát 1 nếu có lỗi).",
                     run_validate)
    parser.add_argument("files", nargs="+", metavar="TỆP", help="tệp .xlsx, .xlsm, .xls hoặc .ods")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ thông báo (mặc định: vi)")


def run_validate(args: argparse.Namespace) -> int:
    paths = existing_paths(args.files)
    store = open_store(args)
    known = store if store.exists() else None  # checking never creates a data folder
    with known.session() if known else nullcontext():
        results = [(path, ingest.check_file(path.read_bytes(), path.name, known, lang=args.lang))
                   for path in ingest.find_workbooks(paths)]
    if args.json:
        print(json.dumps([{"file": str(path), "ok": c.report.ok, "issues": [i.as_dict() for i in c.report.issues]}
                          for path, c in results], ensure_ascii=False, indent=2))
    else:
        for path, checked in results:
            print_check(path, checked, args.lang)
    return 0 if all(c.report.ok for _, c in results) else 1


_WORDS = {
    "vi": {"ok": "hợp lệ", "bad": "có lỗi", "error": "lỗi", "warning": "cảnh báo", "duplicate": "đã nhận trước đó",
           "supersedes": "sẽ thay báo cáo số"},
    "en": {"ok": "valid", "bad": "has errors", "error": "error", "warning": "warning",
           "duplicate": "already received", "supersedes": "would replace report no."},
}


def print_check(path: Path, checked: ingest.Checked, lang: str) -> None:
    words = _WORDS[lang]
    report = checked.report
    notes = [f"{len(report.errors)} {words['error']}", f"{len(report.warnings)} {words['warning']}"]
    if checked.duplicate_of is not None:
        notes.append(f"{words['duplicate']} (#{checked.duplicate_of})")
    elif checked.supersedes is not None and report.ok:
        notes.append(f"{words['supersedes']} {checked.supersedes}")
    print(f"{path}: {words['ok'] if report.ok else words['bad']} ({', '.join(notes)})")
    for issue in [*report.errors, *report.warnings]:
        print(f"  [{words[issue.severity]}] {issue.text()}")


def add_ingest_parser(commands) -> None:
    parser = command(commands, "ingest", "Kiểm tra và lưu tệp báo cáo (cả thư mục, đệ quy).", run_ingest)
    parser.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp hoặc thư mục")
    parser.add_argument("--user", default=None, metavar="TÊN", help="nộp thay cho tài khoản này (phải có, và được "
                        "nộp cho đơn vị trong tệp: nếu không, tệp bị từ chối not-permitted); mặc định: quản trị, "
                        "ghi tên đăng nhập hệ điều hành")


def run_ingest(args: argparse.Namespace) -> int:
    paths = existing_paths(args.paths)
    store = open_store(args)
    files = ingest.find_workbooks(paths)
    total = len(files)
    bar = progress_bar(total) if total >= PROGRESS_MIN_FILES and sys.stderr.isatty() else None
    user = admin_call(lambda: auth.acting_for(store, args.user, f"cli:{getpass.getuser()}")) if args.user else \
        operator()
    results = ingest.ingest_paths(store, files, user=user, progress=bar)
    if bar:
        print(file=sys.stderr)
    for result in results:
        print(describe(result))
    counts = {s: sum(r.status == s for r in results) for s in ("accepted", "rejected", "duplicate")}
    counts["rejected"] += sum(r.status == "refused" for r in results)  # a locked period, or not permitted
    print(f"Tổng cộng {len(results)} tệp: {counts['accepted']} đã nhận, {counts['rejected']} bị từ chối, "
          f"{counts['duplicate']} đã nhận trước đó.")
    return 1 if counts["rejected"] else 0


def describe(result: ingest.IngestResult, first_errors: int = 3) -> str:
    where = f"{result.unit} {result.period}".strip()
    if result.status == "duplicate":
        return f"{result.filename}: đã nhận trước đó (báo cáo số {result.submission_id}), không lưu lại."
    if result.status == "accepted":
        replaced = f", thay báo cáo số {result.supersedes}" if result.supersedes else ""
        warnings = f", {len(result.report.warnings)} cảnh báo" if result.report.warnings else ""
        return f"{result.filename}: đã nhận — {where}, báo cáo số {result.submission_id}{replaced}{warnings}."
    errors = result.report.errors
    lines = [f"{result.filename}: bị từ chối ({len(errors)} lỗi)"]
    lines += [f"  {issue.text()}" for issue in errors[:first_errors]]
    if len(errors) > first_errors:
        lines.append(f"  … và {len(errors) - first_errors} lỗi khác")
    return "\n".join(lines)


def progress_bar(total: int, width: int = 30) -> Callable[[int, int], None]:
    def show(done: int, _total: int = total) -> None:
        filled = width * done // max(total, 1)
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)
    return show


# -- export, reset --------------------------------------------------------------------------------------------
def add_export_parser(commands) -> None:
    """``export <kind>``: each kind in :data:`EXPORTS` is a subcommand of its own (with ``--data-dir``)."""
    about = "Xuất bảng số liệu ra tệp .csv (UTF-8 có BOM) hoặc .xlsx."
    parser = commands.add_parser("export", help=about, description=about)
    kinds = parser.add_subparsers(metavar="LOẠI", required=True, parser_class=_Parser)
    for add in EXPORTS:
        add(kinds)


def output_kind(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CliError(f"Tệp xuất «{path}» phải có đuôi .csv hoặc .xlsx.")
    return suffix[1:]


def add_export_values_parser(kinds) -> None:
    parser = command(kinds, "values", "Số liệu hiện hành: một dòng cho mỗi đơn vị, kỳ và chỉ tiêu.", run_export_values)
    parser.add_argument("--period", metavar="KỲ", help="chỉ một kỳ báo cáo")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .csv hoặc .xlsx")


def run_export_values(args: argparse.Namespace) -> int:
    kind = output_kind(args.out)
    period = period_arg(args.period).code if args.period else None
    frame = open_store(args).current_values(period=period)[list(VALUE_COLUMNS)]
    Path(args.out).write_bytes(csv_bytes(frame) if kind == "csv" else values_xlsx(frame, period))
    print(f"Đã ghi {len(frame)} dòng số liệu vào {args.out}.")
    return 0


def official_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--official", action="store_true",
                        help="chỉ tính các báo cáo đã được Sở Nội vụ duyệt (mặc định: báo cáo hợp lệ mới nhất, trừ "
                        "báo cáo bị trả lại)")


def load_basis(args: argparse.Namespace) -> views.Basis:
    return views.basis(open_store(args), load_catalog(), official=args.official)


def unit_arg(text: str, *, roll_ups: bool = False) -> str:
    """A unit code (or, with ``roll_ups``, the province's or a block's roll-up), else a CliError."""
    code = text.strip().upper()
    if code in load_catalog().unit_by_code or (roll_ups and code in (PROVINCE, *BLOCK_TOTALS.values())):
        return code
    raise CliError(make_issue("unknown-unit", value=text).message)


def add_export_progress_parser(kinds) -> None:
    parser = command(kinds, "progress", "Tiến độ thực hiện chỉ tiêu (mốc, mục tiêu, mức đạt, tình trạng, dự báo).",
                     run_export_progress)
    parser.add_argument("--unit", metavar="MÃ", help=f"một đơn vị; {PROVINCE} là toàn tỉnh, "
                        f"{', '.join(BLOCK_TOTALS.values())} là từng khối (mặc định: tất cả)")
    parser.add_argument("--period", metavar="KỲ", help="chỉ một kỳ báo cáo")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .csv hoặc .xlsx")
    official_option(parser)


def run_export_progress(args: argparse.Namespace) -> int:
    kind, catalog = output_kind(args.out), load_catalog()
    unit = unit_arg(args.unit, roll_ups=True) if args.unit else None
    period = period_arg(args.period).code if args.period else None
    prog = load_basis(args).progress
    if unit:
        prog = prog[prog["unit"] == unit]
    if period:
        prog = prog[prog["period"] == period]
    subject = catalog.unit_by_code[unit].name if unit in catalog.unit_by_code else unit or "Các đơn vị và toàn tỉnh"
    Path(args.out).write_bytes(progress_file(prog, kind, subject, catalog))
    print(f"Đã ghi {len(prog)} dòng tiến độ vào {args.out}.")
    return 0


def add_export_overview_parser(kinds) -> None:
    parser = command(kinds, "overview", "Trang Tổng quan: từng chỉ tiêu của Kế hoạch, số liệu tổng hợp của một khối "
                     "trong một kỳ, và số chỉ tiêu theo tình trạng.", run_export_overview)
    parser.add_argument("--year", required=True, metavar="KỲ", help="năm (2020) hoặc kỳ báo cáo (2020-H1)")
    parser.add_argument("--block", required=True, choices=BLOCKS,
                        help="so: sở, ban, ngành; huyen: huyện, thị xã, thành phố")
    parser.add_argument("--out", required=True, metavar="TỆP",
                        help="tệp .csv hoặc .xlsx (.xlsx có thêm trang Tổng hợp)")
    parser.add_argument("--summary", action="store_true", help="in số chỉ tiêu theo tình trạng "
                        "(achieved=N on_track=N behind=N not_achieved=N no_data=N)")
    official_option(parser)


def run_export_overview(args: argparse.Namespace) -> int:
    kind, catalog, period = output_kind(args.out), load_catalog(), period_arg(args.year)
    view = views.overview(load_basis(args), catalog, period.code, args.block, "vi")
    table = views.overview_table(view)
    subject = f"{period.label_vi}, khối {BLOCK_NAMES[args.block].lower()}"
    Path(args.out).write_bytes(csv_bytes(table) if kind == "csv" else targets_xlsx(
        table, "TÌNH HÌNH THỰC HIỆN CÁC CHỈ TIÊU KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH 2016–2020", subject,
        view.cards.counts(), catalog))
    print(view.cards.summary() if args.summary else f"Đã ghi {len(table)} chỉ tiêu vào {args.out}.")
    return 0


def add_export_unit_parser(kinds) -> None:
    parser = command(kinds, "unit", "Trang Đơn vị: các chỉ tiêu của một đơn vị trong một kỳ.", run_export_unit)
    parser.add_argument("--unit", required=True, metavar="MÃ", help="mã đơn vị, ví dụ SNV")
    parser.add_argument("--year", required=True, metavar="KỲ", help="năm (2020) hoặc kỳ báo cáo (2020-H1)")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .csv hoặc .xlsx")
    official_option(parser)


def run_export_unit(args: argparse.Namespace) -> int:
    kind, catalog, period, unit = output_kind(args.out), load_catalog(), period_arg(args.year), unit_arg(args.unit)
    view = views.unit(load_basis(args), catalog, unit, period.code, "vi")
    subject = f"{view.name}, {period.label_vi}" + (" (báo cáo bị trả lại, không tính)" if view.returned else "")
    Path(args.out).write_bytes(csv_bytes(view.rows) if kind == "csv" else targets_xlsx(
        view.rows, "TÌNH HÌNH THỰC HIỆN CÁC CHỈ TIÊU CỦA ĐƠN VỊ", subject, catalog=catalog))
    print(f"Đã ghi {len(view.rows)} chỉ tiêu của {view.name} vào {args.out}.")
    return 0


def add_export_ranking_parser(kinds) -> None:
    parser = command(kinds, "ranking", "Xếp hạng Chỉ số cải cách hành chính của một khối trong một năm.",
                     run_export_ranking)
    parser.add_argument("--year", required=True, metavar="NĂM", help="năm đánh giá, ví dụ 2019")
    parser.add_argument("--block", required=True, choices=BLOCKS,
                        help="so: sở, ban, ngành; huyen: huyện, thị xã, thành phố")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .csv hoặc .xlsx")
    official_option(parser)


def run_export_ranking(args: argparse.Namespace) -> int:
    kind, catalog = output_kind(args.out), load_catalog()
    year = period_arg(args.year)
    if year.kind != "year":
        raise CliError(f"«{args.year}» không phải là một năm (ví dụ: 2019).")
    table = views.ranking_table(load_basis(args), catalog, year.year, args.block)
    Path(args.out).write_bytes(ranking_file(table, kind, year.year, args.block, catalog))
    print(f"Đã ghi bảng xếp hạng {len(table)} đơn vị năm {year.year} vào {args.out}.")
    return 0


def add_export_completeness_parser(kinds) -> None:
    parser = command(kinds, "completeness", "Tình hình nộp báo cáo: đúng hạn, muộn, chưa nộp.",
                     run_export_completeness)
    parser.add_argument("--period", metavar="KỲ", help="chỉ một kỳ báo cáo (mặc định: mọi năm và các kỳ đã có báo cáo)")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .csv hoặc .xlsx")


def run_export_completeness(args: argparse.Namespace) -> int:
    kind = output_kind(args.out)
    chosen = [period_arg(args.period)] if args.period else None
    frame = completeness(open_store(args).submissions(), chosen)
    subject = chosen[0].label_vi if chosen else "Tất cả các kỳ"
    Path(args.out).write_bytes(completeness_file(frame, kind, subject))
    missing = int((frame["status"] == "missing").sum())
    print(f"Đã ghi {len(frame)} dòng ({missing} báo cáo chưa nộp) vào {args.out}.")
    return 0

def add_report_parser(commands) -> None:
    parser = command(commands, "report", "Dự thảo báo cáo kết quả thực hiện công tác cải cách hành chính (.docx) "
                     "của Sở Nội vụ gửi UBND tỉnh, số liệu lấy từ các báo cáo của đơn vị.", run_report)
    parser.add_argument("--period", required=True, metavar="KỲ", help="năm (2020) hoặc 6 tháng (2020-H1)")
    parser.add_argument("--block", choices=BLOCKS, help="chỉ một khối (mặc định: cả hai khối)")
    parser.add_argument("--out", required=True, metavar="TỆP.docx", help="tệp Word sẽ ghi ra")
    official_option(parser)


def run_report(args: argparse.Namespace) -> int:
    if Path(args.out).suffix.lower() != ".docx":
        raise CliError(f"Tệp báo cáo «{args.out}» phải có đuôi .docx.")
    from cchc.docx_report import report_docx  # Word and matplotlib: loaded only for this command
    from cchc.synthesis import synthesis

    period = period_arg(args.period)
    content = synthesis(load_basis(args), load_catalog(), period.code, (args.block,) if args.block else BLOCKS)
    Path(args.out).write_bytes(report_docx(content))
    print(f"Đã ghi dự thảo báo cáo {period.label_vi.lower()} vào {args.out}.")
    return 0


def add_sample_parser(commands) -> None:
    parser = command(commands, "sample", "Tạo lại bộ báo cáo mẫu (mỗi đơn vị, mỗi kỳ) và các tệp lỗi mẫu.", run_sample)
    parser.add_argument("--out", metavar="THƯ_MỤC", help="thư mục ghi ra (mặc định: sample_data của dự án)")
    parser.add_argument("--seed", type=int, metavar="N", help="hạt giống ngẫu nhiên (mặc định: 2016)")


def run_sample(args: argparse.Namespace) -> int:
    from cchc import sample

    out = Path(args.out) if args.out else sample.SAMPLE_DIR
    seed = sample.DEFAULT_SEED if args.seed is None else args.seed
    try:
        entries = sample.generate(out, seed)
    except OSError as error:
        raise CliError(f"Không ghi được vào «{out}»: {error.strerror or error}.") from None
    print(f"Đã ghi {len(entries)} báo cáo mẫu, manifest.csv và các tệp lỗi mẫu (thư mục {sample.BAD_DIR}) "
          f"vào {out} (hạt giống {seed}).")
    return 0


def add_reset_parser(commands) -> None:
    parser = command(commands, "reset", "Xóa toàn bộ cơ sở dữ liệu và các tệp đã lưu (không hoàn tác được).",
                     run_reset)
    parser.add_argument("--yes", action="store_true", help="xác nhận xóa")


def run_reset(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("Lệnh reset xóa toàn bộ dữ liệu; thêm --yes để xác nhận.")
    store = open_store(args)
    store.reset()
    store.audit(operator().name, "database.reset", origin="cli")  # a used database: never refilled with the sample
    print(f"Đã xóa dữ liệu trong {store.describe()}.")
    return 0


PROJECT = Path(__file__).resolve().parents[1]  # app.py and .streamlit/config.toml


def add_serve_parser(commands) -> None:
    parser = command(commands, "serve", "Mở bảng điều khiển (Streamlit) với cấu hình của dự án, từ bất kỳ thư mục "
                     "nào.", run_serve)
    parser.add_argument("--port", type=int, default=8501, metavar="CỔNG", help="cổng (mặc định: 8501)")


def run_serve(args: argparse.Namespace) -> int:
    """Streamlit reads ``.streamlit/config.toml`` (upload limit, toolbar, no table export, no magic) from its
    working folder only: start it in the project's folder, with the data folder made absolute first."""
    os.environ[ENV_DATA_DIR] = str(data_dir(args.data_dir).resolve())
    os.chdir(PROJECT)
    os.execv(sys.executable, [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port)])
    return 0  # not reached: the process became the server


# -- backup, restore, accounts (cchc.backup, cchc.auth) -------------------------------------------------------
def operator() -> auth.User:
    """Whoever runs the command line holds the data folder, so acts as an administrator under their login."""
    return auth.operator(getpass.getuser(), "cli")


def admin_call(call: Callable[[], object]) -> object:
    """Run an account or backup operation; its refusals (Vietnamese already) become CliErrors."""
    try:
        return call()
    except (auth.AuthError, backup.BackupError) as error:
        raise CliError(str(error)) from None


def add_backup_parser(commands) -> None:
    parser = command(commands, "backup", "Sao lưu cơ sở dữ liệu và các tệp đã nhận vào một tệp .zip.", run_backup)
    parser.add_argument("--out", required=True, metavar="TỆP.zip", help="tệp sao lưu sẽ ghi ra")


def run_backup(args: argparse.Namespace) -> int:
    store = open_store(args)
    if not store.exists():
        raise CliError(f"Không có cơ sở dữ liệu trong «{store.describe()}».")
    done = admin_call(lambda: backup.backup(store, Path(args.out), operator()))
    print(f"Đã sao lưu {sum(done.tables.values())} dòng dữ liệu và {done.files} tệp gốc vào {done.path} "
          f"({done.bytes / 1024 / 1024:.1f} MiB).")
    return 0


def add_restore_parser(commands) -> None:
    parser = command(commands, "restore", "Khôi phục bản sao lưu vào một thư mục dữ liệu trống.", run_restore)
    parser.add_argument("file", metavar="TỆP.zip", help="tệp sao lưu (do lệnh backup tạo)")


def run_restore(args: argparse.Namespace) -> int:
    target = Store(data_dir(args.data_dir), database_url=database_url(args.database_url))
    done = admin_call(lambda: backup.restore(Path(existing_paths([args.file])[0]), target, operator()))
    print(f"Đã khôi phục {sum(done.tables.values())} dòng dữ liệu và {done.files} tệp gốc vào {target.describe()}.")
    return 0


def add_migrate_parser(commands) -> None:
    parser = command(commands, "migrate-db", "Chuyển cơ sở dữ liệu nhúng (thư mục dữ liệu) sang một cơ sở dữ liệu "
                     "PostgreSQL trống, rồi kiểm tra bản chép.", run_migrate)
    parser.add_argument("--to", required=True, metavar="postgresql://…", help="cơ sở dữ liệu PostgreSQL đích (trống)")


def run_migrate(args: argparse.Namespace) -> int:
    source = Store(data_dir(args.data_dir), database_url="")
    try:
        done = migrate.migrate(source, Store(source.data_dir, database_url=args.to), operator())
    except migrate.MigrationError as error:
        raise CliError(str(error)) from None
    print(f"Đã chuyển {sum(done.tables.values())} dòng ({len(done.tables)} bảng) và {done.files} tệp gốc từ "
          f"{source.describe()} sang {done.target} trong {done.seconds:.1f} giây; số dòng và tổng kiểm SHA-256 của "
          "từng bảng và từng tệp đều khớp. Từ nay hãy đặt CCHC_DATABASE_URL (hoặc --database-url) để dùng nó.")
    return 0


def add_user_parser(commands) -> None:
    about = "Quản lý tài khoản đăng nhập (vai trò: lanh_dao, don_vi, quan_tri)."
    parser = command(commands, "user", about, run_user_list)  # a sub-command is required: its handler runs
    actions = parser.add_subparsers(metavar="VIỆC", required=True, parser_class=_Parser)
    command(actions, "list", "Danh sách tài khoản.", run_user_list)
    add = command(actions, "add", "Tạo tài khoản.", run_user_add)
    add.add_argument("name", metavar="TÊN")
    add.add_argument("--role", required=True, choices=("lanh_dao", "don_vi", "quan_tri"), help="vai trò")
    add.add_argument("--unit", action="append", default=[], metavar="MÃ", help="đơn vị (don_vi; lặp lại nếu nhiều)")
    add.add_argument("--email", metavar="THƯ", help="địa chỉ thư (để đăng nhập một lần, nếu có)")
    add.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    passwd = command(actions, "passwd", "Đặt lại mật khẩu (và mở khóa) một tài khoản.", run_user_passwd)
    passwd.add_argument("name", metavar="TÊN")
    passwd.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")


def new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu mới: ")
    if getpass.getpass("Nhập lại: ") != first:
        raise CliError("Hai lần nhập mật khẩu không khớp.")
    return first


def run_user_list(args: argparse.Namespace) -> int:
    frame = open_store(args).accounts()
    emit(frame[["name", "role", "units", "email", "active", "failed_logins"]].itertuples(index=False),
         ("name", "role", "units", "email", "active", "failed_logins"), "table")
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    password = new_password(args)
    admin_call(lambda: auth.create_user(open_store(args), operator(), args.name, args.role, password,
                                        units=args.unit, email=args.email))
    print(f"Đã tạo tài khoản «{args.name.strip().lower()}» ({args.role}).")
    return 0


def run_user_passwd(args: argparse.Namespace) -> int:
    password = new_password(args)
    admin_call(lambda: auth.reset_password(open_store(args), operator(), args.name, password))
    print(f"Đã đặt lại mật khẩu của «{args.name}».")
    return 0


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_units_parser, add_indicators_parser, add_template_parser, add_validate_parser, add_ingest_parser,
    add_export_parser, add_report_parser, add_sample_parser, add_reset_parser, add_backup_parser, add_restore_parser,
    add_user_parser, add_migrate_parser, add_serve_parser,
]
EXPORTS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_export_values_parser, add_export_progress_parser, add_export_overview_parser, add_export_unit_parser,
    add_export_ranking_parser, add_export_completeness_parser,
]
