"""Running an installation: sample data, reset, serve, backup and restore, moving to PostgreSQL, accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from cchc import auth, backup, migrate, sessions
from cchc.cli.base import CliError, Parser, admin_call, command, emit, existing_paths, open_store, operator
from cchc.config import ENV_DATA_DIR, ENV_DATABASE_URL, data_dir, database_url
from cchc.frames import tuples
from cchc.store import Store


def add_sample_parser(commands) -> None:
    parser = command(commands, "sample", "Tạo lại bộ báo cáo mẫu (mỗi đơn vị, mỗi kỳ) và các tệp lỗi mẫu.", run_sample)
    parser.add_argument("--out", metavar="THƯ_MỤC", help="thư mục ghi ra (mặc định: sample_data của dự án)")
    parser.add_argument("--seed", type=int, metavar="N", help="hạt giống ngẫu nhiên (mặc định: 2016)")


def run_sample(args: argparse.Namespace) -> int:
    try:
        from cchc.sample import generate as sample
    except ModuleNotFoundError as missing:  # xlwt, msoffcrypto-tool: requirements-dev.txt (make install-dev)
        raise CliError(f"Lệnh sample cần các gói phát triển (thiếu {missing.name}): cài requirements-dev.txt "
                       "(make install-dev).") from None
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


PROJECT = Path(__file__).resolve().parents[2]  # app.py and .streamlit/config.toml


def add_serve_parser(commands) -> None:
    parser = command(commands, "serve", "Mở bảng điều khiển (Streamlit) với cấu hình của dự án, từ bất kỳ thư mục "
                     "nào.", run_serve)
    parser.add_argument("--port", type=int, default=8501, metavar="CỔNG", help="cổng (mặc định: 8501)")
    parser.add_argument("--address", metavar="ĐỊA_CHỈ", help="địa chỉ lắng nghe (mặc định: mọi địa chỉ của máy)")


def run_serve(args: argparse.Namespace) -> int:
    """Run ``server.py`` (the dashboard with its health and session-cookie routes) in the project's folder,
    where Streamlit finds ``.streamlit/config.toml`` (upload limit, toolbar, no table export, no magic); the
    data folder and the database address are made explicit first."""
    os.environ[ENV_DATA_DIR] = str(data_dir(args.data_dir).resolve())
    if url := database_url(args.database_url):
        os.environ[ENV_DATABASE_URL] = url
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(args.port)]
    if args.address:
        command += ["--server.address", args.address]
    os.chdir(PROJECT)
    os.execv(sys.executable, command)
    return 0  # not reached: the process became the server


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
    actions = parser.add_subparsers(metavar="VIỆC", required=True, parser_class=Parser)
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
    logout_all = command(actions, "logout-all", "Đăng xuất một tài khoản khỏi mọi trình duyệt và máy chủ ngay.",
                         run_user_logout_all)
    logout_all.add_argument("name", metavar="TÊN")


def new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu mới: ")
    if getpass.getpass("Nhập lại: ") != first:
        raise CliError("Hai lần nhập mật khẩu không khớp.")
    return first


def run_user_list(args: argparse.Namespace) -> int:
    frame = open_store(args).accounts()
    emit(tuples(frame[["name", "role", "units", "email", "active", "failed_logins"]]),
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


def run_user_logout_all(args: argparse.Namespace) -> int:
    store = open_store(args)
    if store.account(args.name.strip().lower()) is None:
        raise CliError(f"Không có tài khoản «{args.name}».")
    ended = admin_call(lambda: sessions.end_everywhere(store, operator(), args.name))
    print(f"Đã đăng xuất «{args.name.strip().lower()}» khỏi {ended} phiên đăng nhập.")
    return 0
