"""Commands about the reports themselves: the unit and indicator registries, templates, validation, ingest."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from cchc import auth, clock, ingest
from cchc.catalog import load_catalog
from cchc.cli.base import CliError, admin_call, command, emit, existing_paths, open_store, operator, period_arg
from cchc.i18n import t

UNIT_COLUMNS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to")


INDICATOR_COLUMNS = ("code", "area", "task", "name_vi", "measure", "direction", "applies_to", "target",
                     "target_year", "comparison", "required", "name_en", "source")


PROGRESS_MIN_FILES = 20


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


def print_check(path: Path, checked: ingest.Checked, lang: str) -> None:
    report = checked.report
    error, warning = t("cli.error", lang), t("cli.warning", lang)
    notes = [f"{len(report.errors)} {error}", f"{len(report.warnings)} {warning}"]
    if checked.duplicate_of is not None:
        notes.append(f"{t('cli.duplicate', lang)} (#{checked.duplicate_of})")
    elif checked.supersedes is not None and report.ok:
        notes.append(f"{t('cli.supersedes', lang)} {checked.supersedes}")
    print(f"{path}: {t('cli.valid' if report.ok else 'cli.invalid', lang)} ({', '.join(notes)})")
    for issue in [*report.errors, *report.warnings]:
        print(f"  [{error if issue.severity == 'error' else warning}] {issue.text()}")


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
