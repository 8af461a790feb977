"""``export <kind>`` and ``report``: the view API's figures as .csv, .xlsx and the drafted .docx report."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from cchc import views
from cchc.catalog import BLOCKS, load_catalog
from cchc.cli.base import CliError, Parser, command, open_store, output_kind, period_arg
from cchc.completeness import completeness
from cchc.export import (
    completeness_file,
    csv_bytes,
    progress_file,
    ranking_file,
    targets_xlsx,
    values_xlsx,
)
from cchc.labels import block_vi
from cchc.progress import BLOCK_TOTALS, PROVINCE
from cchc.report import make_issue

VALUE_COLUMNS = ("unit", "period", "indicator", "numerator", "denominator", "value", "note", "source_cell",
                 "submission_id")


def add_export_parser(commands) -> None:
    """``export <kind>``: each kind in :data:`EXPORTS` is a subcommand of its own (with ``--data-dir``)."""
    about = "Xuất bảng số liệu ra tệp .csv (UTF-8 có BOM) hoặc .xlsx."
    parser = commands.add_parser("export", help=about, description=about)
    kinds = parser.add_subparsers(metavar="LOẠI", required=True, parser_class=Parser)
    for add in EXPORTS:
        add(kinds)


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
    subject = f"{period.label_vi}, khối {block_vi(args.block).lower()}"
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


EXPORTS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_export_values_parser, add_export_progress_parser, add_export_overview_parser, add_export_unit_parser,
    add_export_ranking_parser, add_export_completeness_parser,
]


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
