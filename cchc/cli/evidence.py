"""The PAR criteria and the evidence files behind the self-assessment: ``criteria``, ``evidence add|list``."""

from __future__ import annotations

import argparse
import getpass

from cchc import auth, evidence
from cchc.cli.base import CliError, Parser, admin_call, command, emit, existing_paths, open_store, operator
from cchc.frames import tuples
from cchc.guard import Refused
from cchc.sniff import check_size
from cchc.views import YEARS


def add_criteria_parser(commands) -> None:
    parser = command(commands, "criteria", "Bộ tiêu chí Chỉ số CCHC của một năm (mã, lĩnh vực, tên, điểm tối đa).",
                     run_criteria)
    parser.add_argument("--year", type=int, metavar="NĂM", help=f"năm đánh giá (mặc định: {YEARS[-1]})")
    parser.add_argument("--format", choices=("table", "csv"), default="table", help="dạng in ra (mặc định: table)")


def run_criteria(args: argparse.Namespace) -> int:
    emit([(code, area, name, f"{points:g}") for code, area, name, points in evidence.criteria_rows(_year(args.year))],
         evidence.CRITERIA_COLUMNS, args.format)
    return 0


def add_evidence_parser(commands) -> None:
    about = "Tài liệu kiểm chứng của điểm tự đánh giá Chỉ số CCHC: đính kèm (add), liệt kê (list)."
    parser = command(commands, "evidence", about, run_list)  # a sub-command is required: its handler runs
    actions = parser.add_subparsers(metavar="VIỆC", required=True, parser_class=Parser)
    add = command(actions, "add", "Đính kèm tài liệu kiểm chứng (PDF, .docx, .xlsx, PNG, JPEG) cho một tiêu chí.",
                  run_add)
    add.add_argument("files", nargs="+", metavar="TỆP", help="các tệp đính kèm")
    add.add_argument("--unit", required=True, metavar="MÃ", help="mã đơn vị (xem lệnh units)")
    add.add_argument("--year", required=True, type=int, metavar="NĂM", help="năm đánh giá")
    add.add_argument("--criterion", required=True, metavar="MÃ_TIÊU_CHÍ", help="mã tiêu chí (xem lệnh criteria)")
    add.add_argument("--note", default="", metavar="MÔ_TẢ", help=f"mô tả ngắn (tối đa {evidence.MAX_NOTE_CHARS} "
                     "ký tự)")
    add.add_argument("--user", default=None, metavar="TÊN", help="đính kèm thay cho tài khoản này (phải được nộp "
                     "cho đơn vị); mặc định: quản trị, ghi tên đăng nhập hệ điều hành")
    listing = command(actions, "list", "Danh sách tài liệu kiểm chứng đã đính kèm.", run_list)
    listing.add_argument("--unit", metavar="MÃ", help="chỉ một đơn vị")
    listing.add_argument("--year", type=int, metavar="NĂM", help="chỉ một năm")
    listing.add_argument("--format", choices=("table", "csv"), default="table", help="dạng in ra (mặc định: table)")


def run_add(args: argparse.Namespace) -> int:
    paths = existing_paths(args.files)
    store = open_store(args)
    user = admin_call(lambda: auth.acting_for(store, args.user, f"cli:{getpass.getuser()}")) if args.user else \
        operator()
    files, refused = [], []
    for path in paths:
        try:
            check_size(path.name, path.stat().st_size)  # an oversized file is refused before it is read
        except Refused as error:
            refused.append(f"{path.name}: bị từ chối — {error.issue.message}")
            continue
        files.append((path.name, path.read_bytes()))
    results = evidence.attach(store, user, args.unit, _year(args.year), args.criterion, files, args.note)
    for result in results:
        print(f"{result.file_name}: đã lưu (tài liệu số {result.evidence_id})." if result.issue is None else
              f"{result.file_name}: bị từ chối — {result.issue.message}")
    for line in refused:
        print(line)
    stored = sum(r.issue is None for r in results)
    print(f"Tổng cộng {len(paths)} tệp: {stored} đã lưu, {len(paths) - stored} bị từ chối.")
    return 0 if stored == len(paths) else 1


def run_list(args: argparse.Namespace) -> int:
    frame = evidence.listing(open_store(args), args.unit, _year(args.year) if args.year is not None else None)
    rows = [(r.unit, r.year, r.criterion, r.file_name, r.sha256, r.size, r.uploaded_by,
             r.uploaded_at.isoformat(sep=" "), r.note) for r in tuples(frame)]
    emit(rows, evidence.LIST_COLUMNS, args.format)
    return 0


def _year(year: int | None) -> int:
    if year is None:
        return YEARS[-1]
    if year not in YEARS:
        raise CliError(f"Năm {year} nằm ngoài giai đoạn của Kế hoạch ({YEARS[0]}–{YEARS[-1]}).")
    return year
