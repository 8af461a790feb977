"""Accounts and roles: argon2id hashes, login and lock-out, password changes, the first admin, role rules."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from argon2 import PasswordHasher

from cchc import auth, cli, clock, ingest
from cchc.auth import AuthError, LoginFailed, PermissionDenied, User
from cchc.errors import message
from cchc.store import Store

WRONG = message("login-failed", limit=auth.MAX_FAILED_LOGINS)  # the one answer to every failed login

pytestmark = pytest.mark.usefixtures("backend")

PASSWORD = "mật-khẩu-đủ-dài-1"
ADMIN = User("admin", "quan_tri", (), "10.0.0.1")


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2id with test-sized cost (the production parameters are checked once, below): the suite stays fast."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "data")
    auth.ensure_admin(store, {auth.ENV_ADMIN_PASSWORD: PASSWORD})
    return store


def test_hash_password_is_argon2id_and_salted(monkeypatch):
    monkeypatch.undo()  # the production hasher: argon2id, 64 MiB, 3 passes, 4 lanes
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and second.startswith("$argon2id$")
    assert first != second and PASSWORD not in first
    assert auth.HASHER.verify(first, PASSWORD)


@pytest.mark.parametrize("password", ["ngắn", "a" * 20, " cách-đầu-dài-ra", "x" * 257, "1234567890", "password12",
                                      "admin12345", "password1234", "123456789012", "Qwertyuiop!!", "@@iloveyou2020",
                                      "mười-một-ký"])
def test_hash_password_refuses_weak(password):
    with pytest.raises(AuthError):
        auth.hash_password(password)


@pytest.mark.parametrize(("password", "common"), [("password", True), ("PASSWORD2024", True), ("admin@123", True),
                                                  ("matkhau", True), ("mật-khẩu-đủ-dài-1", False),
                                                  ("ngựa-đá-pin-kẹp", False)])
def test_is_common(password, common):
    assert auth.is_common(password) is common


def test_ensure_admin_generates_prints_once_and_stores_only_the_hash(tmp_path):
    store, console = Store(tmp_path / "d"), io.StringIO()
    assert auth.ensure_admin(store, {}, console)
    printed = console.getvalue()
    password = printed.split("mật khẩu: ")[1].split()[0]
    assert password not in store.account("admin").password_hash
    assert not auth.ensure_admin(store, {}, console) and console.getvalue() == printed  # only on first start
    assert auth.authenticate(store, "admin", password).role == "quan_tri"
    assert store.audit_log(action="user.add")["object"].tolist() == ["admin"]


def test_ensure_admin_takes_the_environment_password_silently(store, tmp_path, make_store):
    console = io.StringIO()
    fresh = make_store(tmp_path / "e")
    assert auth.ensure_admin(fresh, {auth.ENV_ADMIN_PASSWORD: PASSWORD}, console)
    assert console.getvalue() == ""
    assert auth.authenticate(fresh, "ADMIN ", PASSWORD) == User("admin", "quan_tri", (), "")


def test_authenticate_audits_success_and_failure_with_origin(store):
    assert auth.authenticate(store, "admin", PASSWORD, origin="10.1.2.3").name == "admin"
    with pytest.raises(LoginFailed, match="không đúng"):
        auth.authenticate(store, "admin", "sai-mat-khau-roi", origin="10.9.9.9")
    log = store.audit_log(action="login")
    assert log[["user", "action", "origin"]].values.tolist() == [
        ["admin", "login.failed", "10.9.9.9"], ["admin", "login", "10.1.2.3"]]


@pytest.mark.parametrize("name", ["khong-co", "", "'; DROP TABLE account; --", "a" * 500, PASSWORD])
def test_authenticate_unknown_names_fail_alike_and_are_not_logged(store, name):
    with pytest.raises(LoginFailed, match="^Tên đăng nhập hoặc mật khẩu không đúng\\.") as failed:
        auth.authenticate(store, name, PASSWORD, origin="10.0.0.9")
    assert str(failed.value) == WRONG
    entry = store.audit_log(action="login").iloc[0]
    assert (entry["user"], entry["action"], entry["object"]) == (auth.UNKNOWN_NAME, "login.failed", auth.UNKNOWN_NAME)
    assert not store.audit_log(text=PASSWORD[:8]).shape[0] and store.account("admin") is not None


class _Counting:
    """The hasher, counting verifications: every refusal must cost what a wrong password costs."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher, self.verified = hasher, 0

    def __getattr__(self, name: str):
        return getattr(self.hasher, name)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return self.hasher.verify(password_hash, password)


def test_unknown_wrong_inactive_and_waiting_are_refused_alike(store, monkeypatch):
    auth.create_user(store, ADMIN, "ld.cu", "lanh_dao", PASSWORD)
    auth.update_user(store, ADMIN, "ld.cu", role="lanh_dao", active=False)
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            auth.authenticate(store, "admin", "sai-mat-khau-roi", origin="10.6.6.6")
    counting = _Counting(auth.HASHER)
    monkeypatch.setattr(auth, "HASHER", counting)
    attempts = {"unknown": ("khong-co", PASSWORD, "10.0.0.2"), "wrong": ("admin", "sai-mat-khau-roi", "10.0.0.3"),
                "inactive": ("ld.cu", PASSWORD, "10.0.0.4"), "waiting": ("admin", PASSWORD, "10.6.6.6")}
    messages, work = {}, {}
    for case, (name, password, origin) in attempts.items():
        before = counting.verified
        with pytest.raises(LoginFailed) as failed:
            auth.authenticate(store, name, password, origin=origin)
        messages[case], work[case] = str(failed.value), counting.verified - before
    assert set(messages.values()) == {WRONG} and set(work.values()) == {1}


def test_failures_make_one_address_wait_not_the_real_user(store):
    start = dt.datetime(2020, 3, 2, 9, 0)
    with clock.frozen(start):
        for attempt in range(auth.MAX_FAILED_LOGINS):
            with pytest.raises(LoginFailed):
                auth.authenticate(store, "admin", f"sai-mat-khau-{attempt}", origin="10.6.6.6")
        with pytest.raises(LoginFailed):  # even the right password, while that address waits
            auth.authenticate(store, "admin", PASSWORD, origin="10.6.6.6")
        assert auth.authenticate(store, "admin", PASSWORD, origin="10.1.1.1").name == "admin"  # the real user
    with clock.frozen(start + dt.timedelta(minutes=3)):  # 6 failures: 2 minutes from the last
        assert auth.authenticate(store, "admin", PASSWORD, origin="10.6.6.6").name == "admin"
    assert store.audit_log(action="login.failed")["detail"].tolist()[0] == "phải chờ"


@pytest.mark.parametrize(("failures", "minutes"), [(0, 0), (4, 0), (5, 1), (6, 2), (8, 8), (11, 60), (500, 60)])
def test_wait_grows_per_failure_up_to_an_hour(failures, minutes):
    assert auth.wait(failures) == dt.timedelta(minutes=minutes)


def test_create_user_and_login_as_unit_staff(store):
    auth.create_user(store, ADMIN, " CanBo.SNV ", "don_vi", PASSWORD, units=["snv", "STP"], email="cb@hungyen.gov.vn")
    user = auth.authenticate(store, "canbo.snv", PASSWORD)
    assert user == User("canbo.snv", "don_vi", ("SNV", "STP"), "")
    assert [user.can_submit(u) for u in ("SNV", "STP", "SYT")] == [True, True, False]
    assert "password_hash" not in store.accounts().columns


@pytest.mark.parametrize(("name", "role", "units", "message"), [
    ("admin", "lanh_dao", [], "đã có"),
    ("x", "lanh_dao", [], "2–40 ký tự"),
    ("ten có dấu", "lanh_dao", [], "2–40 ký tự"),
    ("ok.name", "vua", [], "Vai trò"),
    ("ok.name", "don_vi", [], "ít nhất một đơn vị"),
    ("ok.name", "don_vi", ["KHONGCO"], "KHONGCO"),
])
def test_create_user_refuses(store, name, role, units, message):
    with pytest.raises(AuthError, match=message):
        auth.create_user(store, ADMIN, name, role, PASSWORD, units=units)


@pytest.mark.parametrize("actor", [User("ld", "lanh_dao"), User("cb", "don_vi", ("SNV",)), None])
def test_only_admins_manage_accounts(store, actor):
    with pytest.raises(PermissionDenied, match="quản trị"):
        auth.create_user(store, actor, "moi.tao", "lanh_dao", PASSWORD)
    with pytest.raises(PermissionDenied):
        auth.reset_password(store, actor, "admin", "mat-khau-moi-123")
    with pytest.raises(PermissionDenied):
        auth.update_user(store, actor, "admin", role="lanh_dao")
    assert store.accounts()["name"].tolist() == ["admin"]


def test_update_user_deactivates_and_audits(store):
    auth.create_user(store, ADMIN, "ld.tinh", "lanh_dao", PASSWORD)
    auth.update_user(store, ADMIN, "ld.tinh", role="lanh_dao", active=False)
    with pytest.raises(LoginFailed):
        auth.authenticate(store, "ld.tinh", PASSWORD)
    with pytest.raises(AuthError, match="chính mình"):
        auth.update_user(store, ADMIN, "admin", role="lanh_dao")
    assert store.audit_log(action="user.")["action"].tolist() == ["user.update", "user.add", "user.add"]


def test_change_password_needs_the_old_one(store):
    with pytest.raises(AuthError, match="hiện tại không đúng"):
        auth.change_password(store, ADMIN, "khong-phai-mat-khau", "mat-khau-moi-123")
    auth.change_password(store, ADMIN, PASSWORD, "mat-khau-moi-123")
    with pytest.raises(LoginFailed):
        auth.authenticate(store, "admin", PASSWORD)
    assert auth.authenticate(store, "admin", "mat-khau-moi-123").name == "admin"


def test_reset_password_lifts_the_wait(store):
    auth.create_user(store, ADMIN, "cb.syt", "don_vi", PASSWORD, units=["SYT"])
    for attempt in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            auth.authenticate(store, "cb.syt", f"sai-mat-khau-{attempt}", origin="10.0.0.5")
    auth.reset_password(store, ADMIN, "cb.syt", "mat-khau-moi-456")
    assert auth.authenticate(store, "cb.syt", "mat-khau-moi-456", origin="10.0.0.5").units == ("SYT",)


def test_user_for_email_maps_to_the_local_role(store):
    auth.create_user(store, ADMIN, "ld.tinh", "lanh_dao", PASSWORD, email="Lanh.Dao@HungYen.gov.vn")
    assert auth.user_for_email(store, "lanh.dao@hungyen.gov.vn", origin="oidc").role == "lanh_dao"
    with pytest.raises(LoginFailed, match="chưa được gán"):
        auth.user_for_email(store, "la@example.com")


@pytest.mark.parametrize(("env", "expected"), [({}, False), ({"CCHC_REQUIRE_LOGIN": "1"}, True),
                                               ({"CCHC_REQUIRE_LOGIN": "0"}, False),
                                               ({"CCHC_REQUIRE_LOGIN": "true"}, True)])
def test_login_required_setting(env, expected):
    assert auth.login_required(env) is expected


@pytest.mark.parametrize(("user", "unit", "allowed"), [
    (User("a", "quan_tri"), "SYT", True),
    (User("b", "don_vi", ("SNV",)), "SNV", True),
    (User("b", "don_vi", ("SNV",)), "SYT", False),
    (User("c", "lanh_dao"), "SNV", False),
])
def test_user_can_submit(user, unit, allowed):
    assert user.can_submit(unit) is allowed


def test_cli_user_add_list_and_passwd(store, monkeypatch, capsys):
    where = ["--data-dir", str(store.data_dir)]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["user", "add", "cb.snv", "--role", "don_vi", "--unit", "SNV", "--password-stdin", *where]) == 0
    assert auth.authenticate(store, "cb.snv", PASSWORD).units == ("SNV",)
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-moi-789\n"))
    assert cli.main(["user", "passwd", "cb.snv", "--password-stdin", *where]) == 0
    assert auth.authenticate(store, "cb.snv", "mat-khau-moi-789").name == "cb.snv"
    capsys.readouterr()
    assert cli.main(["user", "list", *where]) == 0
    listed = capsys.readouterr().out
    assert "cb.snv" in listed and "admin" in listed and "argon2" not in listed
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert cli.main(["user", "add", "khac", "--role", "lanh_dao", "--password-stdin", *where]) == 2
    assert "Mật khẩu phải dài" in capsys.readouterr().err


@pytest.mark.parametrize(("user", "unit", "status"), [
    (User("cb.snv", "don_vi", ("SNV",), "10.0.0.7"), "SNV", "accepted"),
    (User("cb.snv", "don_vi", ("SNV",), "10.0.0.7"), "SYT", "refused"),
    (User("ld.tinh", "lanh_dao", (), "10.0.0.7"), "SNV", "refused"),
    (User("admin", "quan_tri", (), "10.0.0.7"), "SYT", "accepted"),
])
def test_ingest_enforces_the_unit_rule(store, make_workbook, user, unit, status):
    result = ingest.ingest_file(store, make_workbook(unit, "2018"), f"{unit}.xlsx", user=user)
    assert result.status == status
    if status == "refused":
        assert [i.code for i in result.report.errors] == ["not-permitted"] and store.submissions().empty
        assert f"không được nộp báo cáo cho đơn vị «{unit}»" in result.report.errors[0].message
    else:
        assert store.submissions()["uploaded_by"].tolist() == [user.name]
    entry = store.audit_log(action="submission").iloc[0]
    assert (entry["user"], entry["action"], entry["origin"]) == (user.name, f"submission.{status}", "10.0.0.7")


def test_ingest_takes_an_unreadable_file_from_a_unit_user_as_its_rejection(store):
    result = ingest.ingest_file(store, b"khong phai bang tinh", "x.xlsx", user=User("cb", "don_vi", ("SNV",)))
    assert result.status == "rejected" and store.submissions()["status"].tolist() == ["rejected"]
