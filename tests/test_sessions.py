"""Login sessions behind the cookie: signing, expiry, the handoff, and every way a session ends (both backends)."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest
from argon2 import PasswordHasher

from cchc import auth, cli, clock, sessions
from cchc.auth import AuthError, User
from cchc.store import Store

PASSWORD = "mật-khẩu-đủ-dài-1"
NEW_PASSWORD = "mật-khẩu-mới-đủ-dài-2"
KEY = b"k" * 40
LOGIN = dt.datetime(2020, 6, 1, 8, 0)
BROWSER = "trinh-duyet-cua-nguoi-dang-nhap"  # the browser cookie server.py gave the browser that logs in


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def store(backend, tmp_path) -> Store:
    store = Store(tmp_path / "data")
    auth.ensure_admin(store, {auth.ENV_ADMIN_PASSWORD: PASSWORD})
    auth.create_user(store, auth.operator("admin"), "ld.an", "lanh_dao", PASSWORD)
    return store


def logged_in(store: Store, name: str = "ld.an", origin: str = "10.0.0.1") -> tuple[User, str]:
    """A password login with its session, and the cookie value its browser got from the handoff route."""
    user = auth.authenticate(store, name, PASSWORD, origin=origin)
    session_id, code = sessions.begin(store, user, BROWSER)
    cookie = sessions.claim(store, code, KEY, BROWSER)
    assert cookie is not None
    return User(user.name, user.role, user.units, origin, session_id), cookie


def from_cookie(store: Store, cookie: str | None, key: bytes = KEY) -> User | None:
    return sessions.resume(store, "10.0.0.2", cookie=cookie, key=key)


# -- pure parts ----------------------------------------------------------------------------------------------
def flip_last(text: str) -> str:
    return text[:-1] + ("1" if text.endswith("0") else "0")


@pytest.mark.parametrize(("value", "key", "token"), [
    (sessions.sign("abc", KEY), KEY, "abc"),
    (sessions.sign("a.b", KEY), KEY, "a.b"),  # the token's own dots: the signature is the last part
    (sessions.sign("abc", KEY), b"x" * 40, None),  # another installation's key
    (flip_last(sessions.sign("abc", KEY)), KEY, None),  # a changed signature
    ("abd" + sessions.sign("abc", KEY)[3:], KEY, None),  # a changed token
    ("abc", KEY, None),  # no signature
    (".", KEY, None),
    ("", KEY, None),
    (None, KEY, None),
])
def test_unsign(value, key, token):
    assert sessions.unsign(value, key) == token


@pytest.mark.parametrize(("age", "idle", "why"), [
    (dt.timedelta(0), dt.timedelta(0), None),
    (dt.timedelta(hours=7, minutes=59), dt.timedelta(hours=7, minutes=59), None),
    (dt.timedelta(hours=8), dt.timedelta(hours=8), "idle"),
    (dt.timedelta(hours=23), dt.timedelta(minutes=5), None),
    (dt.timedelta(hours=24), dt.timedelta(0), "max_age"),
    (dt.timedelta(days=3), dt.timedelta(days=3), "max_age"),
])
def test_expired(age, idle, why):
    now = LOGIN + age
    assert sessions.expired(LOGIN, now - idle, now) == why


@pytest.mark.parametrize(("last", "session_id", "version", "later", "still"), [
    (None, 1, 5, dt.timedelta(0), False),
    ((1, 5, LOGIN), 1, 5, dt.timedelta(seconds=59), True),
    ((1, 5, LOGIN), 1, 5, sessions.TOUCH_EVERY, False),  # re-read at least this often (expiry, last use)
    ((1, 5, LOGIN), 1, 6, dt.timedelta(seconds=1), False),  # something was written: it may have ended it
    ((1, 5, LOGIN), 2, 5, dt.timedelta(seconds=1), False),  # another session (a new login in the tab)
])
def test_recently_checked(last, session_id, version, later, still):
    assert sessions.recently_checked(last, session_id, version, LOGIN + later) is still


def test_browser_cookie_header():
    first, second = (sessions.browser_cookie_header(secure=True) for _ in range(2))
    assert first != second and re.fullmatch(r"cchc_browser=[\w-]{32}; Path=/; Max-Age=31536000; HttpOnly; "
                                            r"SameSite=Lax; Secure", first)


@pytest.mark.parametrize(("value", "secure", "header"), [
    ("t.s", False, "cchc_session=t.s; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax"),
    ("t.s", True, "cchc_session=t.s; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax; Secure"),
    ("", False, "cchc_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
])
def test_set_cookie_header(value, secure, header):
    assert sessions.set_cookie_header(value, secure=secure) == header


def test_secret_key_is_made_once_private_and_kept(tmp_path):
    first = sessions.secret_key(tmp_path / "data", {})
    path = tmp_path / "data" / sessions.SECRET_FILE
    assert len(first) >= sessions.MIN_SECRET_LENGTH and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sessions.secret_key(tmp_path / "data", {}) == first
    assert sessions.secret_key(tmp_path / "other", {}) != first


@pytest.mark.parametrize(("given", "ok"), [("s" * 32, True), ("s" * 31, False)])
def test_secret_key_from_the_environment(tmp_path, given, ok):
    env = {sessions.ENV_SECRET_KEY: given}
    if ok:
        assert sessions.secret_key(tmp_path, env) == given.encode()
        assert not (tmp_path / sessions.SECRET_FILE).exists()
    else:
        with pytest.raises(sessions.SecretKeyError):
            sessions.secret_key(tmp_path, env)


# -- with a store ----------------------------------------------------------------------------------------------
def test_the_cookie_finds_the_user_and_only_digests_are_stored(store):
    user, cookie = logged_in(store)
    assert from_cookie(store, cookie) == User("ld.an", "lanh_dao", (), "10.0.0.2", user.session)
    assert sessions.resume(store, "x", session_id=user.session) == User("ld.an", "lanh_dao", (), "x", user.session)
    token = sessions.unsign(cookie, KEY)
    rows = store.table("login_session").astype(str).to_string()
    assert token not in rows and sessions.digest(token) in rows


@pytest.mark.parametrize("cookie", [None, "", "garbage", sessions.sign("not-a-session", KEY)])
def test_no_user_without_a_valid_cookie(store, cookie):
    logged_in(store)
    assert from_cookie(store, cookie) is None


def test_a_cookie_signed_with_another_key_is_refused(store):
    _, cookie = logged_in(store)
    assert from_cookie(store, cookie, key=b"z" * 40) is None


def test_a_handoff_code_works_once_and_briefly(store):
    user = auth.authenticate(store, "ld.an", PASSWORD, origin="10.0.0.1")
    with clock.frozen(LOGIN):
        _, code = sessions.begin(store, user, BROWSER)
        _, late = sessions.begin(store, user, BROWSER)
    with clock.frozen(LOGIN + sessions.HANDOFF - dt.timedelta(seconds=1)):
        assert sessions.claim(store, code, KEY, BROWSER) is not None
        assert sessions.claim(store, code, KEY, BROWSER) is None  # used
    with clock.frozen(LOGIN + sessions.HANDOFF + dt.timedelta(seconds=1)):
        assert sessions.claim(store, late, KEY, BROWSER) is None  # too late
    assert sessions.claim(store, "", KEY, BROWSER) is None and sessions.claim(store, "guess", KEY, BROWSER) is None


@pytest.mark.parametrize(("made_for", "used_by"), [
    (BROWSER, "trinh-duyet-khac"),  # the code sent to somebody else's browser: a login CSRF
    (BROWSER, ""),  # a browser that never loaded a page here
    ("", ""),  # a login without the browser cookie (no server.py): its tab only
])
def test_a_handoff_code_works_only_in_the_browser_it_was_made_for(store, made_for, used_by):
    _, code = sessions.begin(store, auth.authenticate(store, "ld.an", PASSWORD, origin="10.0.0.1"), made_for)
    assert sessions.claim(store, code, KEY, used_by) is None
    if made_for:
        assert sessions.claim(store, code, KEY, made_for) is not None  # not used up by the refusals


@pytest.mark.parametrize(("later", "lasts"), [
    (dt.timedelta(hours=7), True), (sessions.IDLE, False), (sessions.MAX_AGE, False)])
def test_an_unused_session_expires(store, later, lasts):
    with clock.frozen(LOGIN):
        _, cookie = logged_in(store)
    with clock.frozen(LOGIN + later):
        assert (from_cookie(store, cookie) is not None) is lasts
    with clock.frozen(LOGIN + later + dt.timedelta(minutes=1)):  # an expired session is over for good
        assert (from_cookie(store, cookie) is not None) is lasts


def test_use_keeps_a_session_alive_until_its_maximum_age(store):
    with clock.frozen(LOGIN):
        _, cookie = logged_in(store)
    hours = 0
    while (hours := hours + 6) < sessions.MAX_AGE.total_seconds() / 3600:
        with clock.frozen(LOGIN + dt.timedelta(hours=hours)):
            assert from_cookie(store, cookie) is not None, hours
    with clock.frozen(LOGIN + sessions.MAX_AGE):
        assert from_cookie(store, cookie) is None


def test_touching_a_session_changes_no_data_version(store):
    with clock.frozen(LOGIN):
        _, cookie = logged_in(store)
    version = store.data_version()
    with clock.frozen(LOGIN + dt.timedelta(hours=1)):
        assert from_cookie(store, cookie) is not None
    assert store.data_version() == version
    last_seen = store.table("login_session")["last_seen"].max()
    assert last_seen == LOGIN + dt.timedelta(hours=1)


def test_logout_ends_only_that_session_and_is_audited(store):
    user, cookie = logged_in(store)
    _, other = logged_in(store)
    sessions.end(store, user)
    assert from_cookie(store, cookie) is None
    assert sessions.resume(store, "x", session_id=user.session) is None
    assert from_cookie(store, other) is not None
    assert store.audit_log(1)["action"].tolist() == ["logout"]


def test_a_password_change_ends_the_other_sessions(store):
    user, cookie = logged_in(store)
    _, other = logged_in(store)
    auth.change_password(store, user, PASSWORD, NEW_PASSWORD)
    assert from_cookie(store, cookie) is not None and from_cookie(store, other) is None


@pytest.mark.parametrize("change", [
    lambda store: auth.reset_password(store, auth.operator("admin"), "ld.an", NEW_PASSWORD),
    lambda store: auth.update_user(store, auth.operator("admin"), "ld.an", role="lanh_dao", active=False),
    lambda store: sessions.end_everywhere(store, auth.operator("admin"), "ld.an"),
], ids=["reset", "disabled", "logout-all"])
def test_an_administrator_ends_every_session_of_an_account(store, change):
    _, first = logged_in(store)
    _, second = logged_in(store)
    _, admins = logged_in(store, "admin")
    change(store)
    assert from_cookie(store, first) is None and from_cookie(store, second) is None
    assert from_cookie(store, admins) is not None


def test_logout_everywhere_is_for_administrators_and_audited(store):
    logged_in(store)
    with pytest.raises(AuthError):
        sessions.end_everywhere(store, User("ld.an", "lanh_dao"), "admin")
    assert sessions.end_everywhere(store, auth.operator("admin"), "LD.AN ") == 1
    entry = store.audit_log(1).iloc[0]
    assert (entry["action"], entry["object"], entry["detail"]) == ("session.logout_all", "ld.an", "1 phiên")


def test_a_rehash_at_login_keeps_the_sessions(store, monkeypatch):
    _, cookie = logged_in(store)
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    auth.authenticate(store, "ld.an", PASSWORD, origin="10.0.0.9")  # parameters changed: the hash is renewed
    assert from_cookie(store, cookie) is not None


def test_a_role_change_applies_on_the_next_run(store):
    _, cookie = logged_in(store)
    auth.update_user(store, auth.operator("admin"), "ld.an", role="don_vi", units=["TIENLU"])
    assert from_cookie(store, cookie) == User("ld.an", "don_vi", ("TIENLU",), "10.0.0.2",
                                              from_cookie(store, cookie).session)


def test_a_cookie_from_one_replica_is_honoured_by_another(backend, store, tmp_path, monkeypatch):
    """Replicas share the database and CCHC_SECRET_KEY, not their data folders (on PostgreSQL)."""
    if not backend:
        pytest.skip("embedded: one process holds the data folder, there are no replicas")
    monkeypatch.setenv(sessions.ENV_SECRET_KEY, "s" * 40)
    first, second = Store(tmp_path / "one"), Store(tmp_path / "two")
    key = sessions.secret_key(first.data_dir)
    user = auth.authenticate(first, "ld.an", PASSWORD, origin="10.0.0.1")
    _, code = sessions.begin(first, user, BROWSER)
    cookie = sessions.claim(first, code, key, BROWSER)
    found = sessions.resume(second, "10.0.0.3", cookie=cookie, key=sessions.secret_key(second.data_dir))
    assert found is not None and found.name == "ld.an"


def test_cli_logout_all(store, capsys):
    _, cookie = logged_in(store)
    assert cli.main(["user", "logout-all", "ld.an", "--data-dir", str(store.data_dir)]) == 0
    assert "khỏi 1 phiên" in capsys.readouterr().out
    assert from_cookie(store, cookie) is None
    assert cli.main(["user", "logout-all", "khong-co", "--data-dir", str(store.data_dir)]) != 0
