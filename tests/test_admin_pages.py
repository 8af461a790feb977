"""Accounts in the dashboard through AppTest: pages listed per role, login and lock-out, logout, password
change, the account, approval/lock and audit pages, and an upload refused for a locked period."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from cchc import approval, auth, config, sessions
from cchc.auth import User
from cchc.errors import message
from cchc.i18n import KEY_BLOCK, KEY_PERIOD, KEY_SESSION, KEY_USER
from cchc.store import Store
from tests.workbooks import build_workbook

WRONG = message("login-failed", limit=auth.MAX_FAILED_LOGINS)  # the one answer to every failed login

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PASSWORD = "mat-khau-quan-tri-1"
ADMIN = User("admin", "quan_tri", (), "web")
CLERK = User("cb.snv", "don_vi", ("SNV", "STP"), "web")
READING = ["pages/overview.py", "pages/unit.py", "pages/area.py", "pages/ranking.py", "pages/submissions.py"]
ADMIN_PAGES = ["pages/admin_approval.py", "pages/admin_scores.py", "pages/admin_users.py", "pages/admin_audit.py"]


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    """An empty data folder (created first, so no sample data is loaded) whose admin password is known."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv(config.ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(auth.ENV_ADMIN_PASSWORD, PASSWORD)
    monkeypatch.delenv(auth.ENV_REQUIRE_LOGIN, raising=False)
    store = Store(tmp_path / "data")
    store.data_version()
    return store


def start(**state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def registered(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(page)
    except ValueError as error:
        assert "Could not find a navigation page" in str(error)
        return False
    return True


def clean(at: AppTest) -> AppTest:
    assert not at.exception and not at.error, ([e.value for e in at.exception], [e.value for e in at.error])
    return at


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.switch_page("pages/login.py").run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button(key="login_submit").click().run()


@pytest.mark.parametrize(("user", "pages", "hidden"), [
    (None, [*READING, "pages/login.py"], ["pages/upload.py", *ADMIN_PAGES]),
    (User("ld", "lanh_dao"), READING, ["pages/upload.py", *ADMIN_PAGES]),
    (CLERK, [*READING, "pages/upload.py"], ADMIN_PAGES),
    (ADMIN, [*READING, "pages/upload.py", *ADMIN_PAGES], []),
])
def test_navigation_lists_pages_per_role(store, user, pages, hidden):
    at = clean(start(**({KEY_USER: user} if user else {})))
    assert all(registered(at, page) for page in pages)
    assert not any(registered(at, page) for page in hidden)


def test_require_login_shows_only_the_login_page(store, monkeypatch):
    monkeypatch.setenv(auth.ENV_REQUIRE_LOGIN, "1")
    at = clean(start())
    assert at.title[0].value == "Đăng nhập"
    assert not any(registered(at, page) for page in [*READING, "pages/upload.py"])
    clean(log_in(at, "admin", PASSWORD))
    assert all(registered(at, page) for page in [*READING, *ADMIN_PAGES])


def test_login_wrong_password_then_wait(store):
    at = start()
    for _ in range(auth.MAX_FAILED_LOGINS):
        log_in(at, "admin", "sai-mat-khau-roi")
    assert "không đúng" in at.error[0].value and KEY_USER not in at.session_state
    log_in(at, "admin", PASSWORD)  # this address now waits: the same words, nothing said about the account
    assert at.error[0].value == WRONG and KEY_USER not in at.session_state
    assert store.audit_log(action="login")["detail"].tolist()[:2] == ["phải chờ", ""]


def test_login_password_change_and_logout(store):
    at = clean(log_in(start(), "ADMIN", PASSWORD))
    assert at.session_state[KEY_USER].name == "admin" and "admin" in at.success[0].value
    at.text_input(key="password_old").input(PASSWORD)
    at.text_input(key="password_new").input("mat-khau-moi-2026")
    at.text_input(key="password_again").input("mat-khau-moi-2026")
    clean(at.button(key="password_submit").click().run())
    assert auth.authenticate(store, "admin", "mat-khau-moi-2026").name == "admin"
    at.button(key="logout").click().run()
    assert KEY_USER not in at.session_state and not registered(at, "pages/admin_users.py")
    assert store.audit_log(action="logout")[["user", "origin"]].values.tolist() == [["admin", "web"]]


def test_admin_creates_a_unit_account_and_sees_it_in_the_audit_log(store, local_midnight):
    at = clean(start(**{KEY_USER: ADMIN}))
    at.switch_page("pages/admin_users.py").run()
    at.text_input(key="user_add_name").input("cb.syt")
    at.selectbox(key="user_add_role").set_value("don_vi")
    at.multiselect(key="user_add_units").set_value(["SYT"])
    at.text_input(key="user_add_password").input("mat-khau-can-bo-1")
    clean(at.button(key="user_add_submit").click().run())
    assert "cb.syt" in at.success[0].value
    assert auth.authenticate(store, "cb.syt", "mat-khau-can-bo-1").units == ("SYT",)
    at.switch_page("pages/admin_audit.py").run()
    at.selectbox(key="audit_action").set_value("user")
    clean(at.run())
    assert "2 dòng" in at.caption[0].value and at.get("download_button")  # admin, then cb.syt
    assert at.date_input(key="audit_days").value[-1] == local_midnight.date()
    log = at.dataframe[0].value
    assert log["Loại việc"].tolist() == ["Tạo tài khoản", "Tạo tài khoản"]  # words, never `user.add`
    assert log["Thời gian"].iloc[0] == local_midnight.strftime("%d/%m/%Y %H:%M:%S")  # Hưng Yên time


def test_editing_another_account_shows_and_keeps_its_own_role_and_units(store):
    auth.create_user(store, ADMIN, "cb.snv", "don_vi", "mat-khau-can-bo-1", units=["SNV"])
    at = clean(start(**{KEY_USER: ADMIN}))
    at.switch_page("pages/admin_users.py").run()
    assert at.selectbox(key="user_edit_name").value == "admin"
    at.selectbox(key="user_edit_name").set_value("cb.snv").run()  # from the administrator to a unit clerk
    assert at.selectbox(key="user_edit_role_cb.snv").value == "don_vi"
    assert at.multiselect(key="user_edit_units_cb.snv").value == ["SNV"]
    clean(at.button(key="user_edit_submit_cb.snv").click().run())  # saved unchanged: still a unit clerk
    assert auth.authenticate(store, "cb.snv", "mat-khau-can-bo-1").role == "don_vi"


def test_admin_locks_a_period_and_the_clerk_upload_is_refused(store):
    at = clean(start(**{KEY_USER: ADMIN}))
    at.switch_page("pages/admin_approval.py").run()
    at.selectbox(key="approval_period").set_value("2018")
    clean(at.run())
    clean(at.button(key="approval_lock").click().run())
    assert store.locked_periods() == {"2018"} and "đã khóa sổ" in at.info[0].value
    clerk = clean(start(**{KEY_USER: CLERK}))
    clerk.switch_page("pages/upload.py").run()
    assert clerk.selectbox(key="upload_unit").options == ["Sở Nội vụ", "Sở Tư pháp"]  # only the clerk's units
    clerk.file_uploader[0].set_value(("snv.xlsx", build_workbook("SNV", "2018"), "application/octet-stream"))
    clerk.run()  # the dry run already says the period is locked, and offers no confirm button
    assert any("đã khóa sổ" in e.value for e in clerk.error) and store.submissions().empty
    assert not [b for b in clerk.button if b.key == "upload_confirm"]


def test_admin_approves_a_report(store):
    from cchc import ingest

    ingest.ingest_file(store, build_workbook("SNV", "2018"), "snv.xlsx", user=CLERK)
    at = clean(start(**{KEY_USER: ADMIN}))
    at.switch_page("pages/admin_approval.py").run()
    at.selectbox(key="approval_period").set_value("2018")
    clean(at.run())
    clean(at.button(key="approval_approve").click().run())
    assert approval.status(store, "2018")["state"].tolist() == ["approved"]
    assert at.success[0].value == "Đã duyệt báo cáo của Sở Nội vụ, kỳ 2018: tình trạng mới «Đã duyệt»."
    table = at.dataframe[0].value  # the list in words, the new state shown at once
    assert list(table.columns) == ["Đơn vị", "Kỳ", "Báo cáo số", "Nộp lúc", "Người nộp", "Tình trạng",
                                   "Người quyết định", "Quyết định lúc", "Ghi chú / lý do"]
    row = table.iloc[0]
    assert (row["Đơn vị"], row["Tình trạng"], row["Người quyết định"], row["Người nộp"]) == (
        "Sở Nội vụ", "Đã duyệt", "admin", CLERK.name)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row["Quyết định lúc"])


def test_admin_enters_par_scores_from_the_sheet(store):
    from tests.test_approval import filled_score_sheet

    at = clean(start(**{KEY_USER: ADMIN, KEY_PERIOD: "2018", KEY_BLOCK: "so"}))
    at.switch_page("pages/admin_scores.py").run()
    at.file_uploader(key="scores_file").set_value(("diem.xlsx", filled_score_sheet(2018, "so"), "application/x"))
    clean(at.run())
    clean(at.button(key="scores_confirm").click().run())
    assert at.success[0].value == "Đã lưu 1 điểm."
    assert store.par_scores(2018)[["entered_by", "source"]].values.tolist() == [["admin", "appraised"]]


def test_a_too_short_admin_password_is_explained_not_a_traceback(store, monkeypatch):
    monkeypatch.setenv(auth.ENV_ADMIN_PASSWORD, "ngan")
    at = start()
    assert not at.exception and at.title[0].value == "Tổng quan"
    assert "CCHC_ADMIN_PASSWORD" in at.error[0].value and store.account("admin") is None


def follow_target(at: AppTest) -> str:
    """Where the run sends the browser (the script of st.html), e.g. ``session/open?code=…&next=tai-khoan``."""
    scripts = [e.proto.body for e in at.get("html") if "location.replace" in e.proto.body]
    assert len(scripts) == 1, scripts
    return re.search(r'replace\("([^"]+)"\)', scripts[0]).group(1)


@pytest.fixture
def cookie_routes(monkeypatch) -> None:
    """As under server.py, which serves the routes that set and delete the session cookie."""
    monkeypatch.setitem(sessions._routes, "served", True)


def test_login_opens_a_session_that_an_administrator_ends_everywhere(store, cookie_routes):
    at = clean(log_in(start(), "admin", PASSWORD))
    target = follow_target(at)
    assert target.startswith("session/open?code=") and target.endswith("&next=tai-khoan")
    session_id = at.session_state[KEY_SESSION]
    assert at.session_state[KEY_USER].session == session_id
    code = re.search(r"code=([^&]+)", target).group(1)  # AppTest has no browser cookie: the code is no use
    assert sessions.claim(store, code, sessions.secret_key(store.data_dir), "") is None  # (tests/test_browser.py)
    assert not clean(at.run()).get("html")  # sent once

    other = clean(start(**{KEY_USER: ADMIN}))  # another administrator, in another browser
    other.switch_page("pages/admin_users.py").run()
    other.selectbox(key="user_edit_name").set_value("admin")
    clean(other.button(key="user_logout_all").click().run())
    assert "khỏi mọi nơi" in other.success[0].value
    at.switch_page("pages/overview.py").run()  # the next run of the first browser: logged out
    assert KEY_USER not in at.session_state and not registered(at, "pages/admin_users.py")
    assert store.audit_log(1)["action"].tolist() == ["session.logout_all"]


def test_logout_sends_the_browser_to_delete_its_cookie(store, cookie_routes):
    at = clean(log_in(start(), "admin", PASSWORD))
    session_id = at.session_state[KEY_SESSION]
    at.button(key="logout").click().run()
    assert follow_target(at) == "session/close?&next=tai-khoan"
    assert sessions.resume(store, "web", session_id=session_id) is None


def test_without_the_cookie_routes_a_login_lasts_in_its_tab(store):
    """A bare ``streamlit run app.py``: nowhere to get a cookie, so no redirect; the tab's session still counts."""
    at = clean(log_in(start(), "admin", PASSWORD))
    assert not at.get("html") and at.session_state[KEY_USER].name == "admin"
    sessions.end_everywhere(store, auth.operator("admin"), "admin")
    at.switch_page("pages/overview.py").run()
    assert KEY_USER not in at.session_state
