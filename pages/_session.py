"""Who is logged in, for app.py and the pages: login, single sign-on, logout, and the role checks of a page.

The user lives in this browser session's state (never in a shared cache), backed by a login session in the
store (:mod:`cchc.sessions`) that every run checks again: a reload, a new tab or another replica finds it
through the signed cookie that ``server.py``'s route sets after a login. The rules themselves are in
:mod:`cchc.auth` and are enforced again by :mod:`cchc.ingest` and :mod:`cchc.approval`; the checks here only
decide what a page shows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from cchc import auth, clock, sessions
from cchc.auth import AuthError, User
from cchc.i18n import KEY_CHECKED, KEY_FLASH, KEY_HANDOFF, KEY_SESSION, KEY_SESSION_CHECKED, KEY_USER, t
from pages import _data


def user() -> User | None:
    return st.session_state.get(KEY_USER)


def origin() -> str:
    """Where this session's requests come from, for the audit log: the browser's IP address; Streamlit hides
    a loopback one (a browser on the server itself, or a reverse proxy there), which is written ``127.0.0.1``;
    ``web`` only without a browser connection (a test)."""
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return address
    return "127.0.0.1" if st.context.headers.get("Host") else "web"


@st.cache_resource(show_spinner=False)
def _admin_ready(directory: str) -> bool:
    """On the first start, create the ``admin`` account (its generated password goes to the console)."""
    auth.ensure_admin(_data.store())
    return True


@st.cache_resource(show_spinner=False)
def _secret_key(directory: str) -> bytes:
    return sessions.secret_key(_data.store().data_dir)


def _resume() -> None:
    """This tab's login session (or, in a new tab or after a reload, the cookie's) must still last."""
    session_id = st.session_state.get(KEY_SESSION)
    cookie = st.context.cookies.get(sessions.COOKIE)
    cookie = cookie if isinstance(cookie, str) else None  # without a browser connection (a test): none
    if session_id is None and (user() is not None or not cookie):
        return
    store = _data.store()
    version, now = store.data_version(), clock.now()
    if session_id is not None and sessions.recently_checked(st.session_state.get(KEY_SESSION_CHECKED), session_id,
                                                            version, now):
        return
    found = sessions.resume(store, origin(), session_id=session_id, cookie=cookie,
                            key=_secret_key(str(store.data_dir)))
    if found is None:
        for key in (KEY_USER, KEY_SESSION, KEY_SESSION_CHECKED):
            st.session_state.pop(key, None)
    else:
        st.session_state[KEY_USER], st.session_state[KEY_SESSION] = found, found.session
        st.session_state[KEY_SESSION_CHECKED] = (found.session, version, now)


def prepare() -> None:
    """Once per run of app.py: the first admin exists, the login session still lasts, and a single sign-on maps
    to a local account."""
    try:
        _admin_ready(str(_data.store().data_dir))
    except AuthError as error:  # e.g. a CCHC_ADMIN_PASSWORD too short: say so, keep the dashboard readable
        st.error(f"{auth.ENV_ADMIN_PASSWORD}: {error}", icon=":material/key:")
    _resume()
    if user() is None and oidc_configured() and st.user.is_logged_in:
        try:
            if st.user.get("email_verified") is False:
                raise AuthError("email-unverified")
            st.session_state[KEY_USER] = auth.user_for_email(_data.store(), str(st.user.get("email", "")),
                                                             origin=origin())
        except AuthError as error:
            st.session_state["login_error"] = str(error)
            st.logout()


def can_read() -> bool:
    return user() is not None or not auth.login_required()


def can_draft_reports() -> bool:
    """Leaders and administrators may download the drafted synthesis report."""
    current = user()
    return current is not None and current.role in ("lanh_dao", "quan_tri")


def can_upload() -> bool:
    """Unit staff and administrators submit reports (for which units, cchc.ingest decides)."""
    current = user()
    return current is not None and current.role in ("don_vi", "quan_tri")


def login(name: str, password: str) -> str | None:
    """Log in with a password and open a login session (its cookie follows on the next run, see
    :func:`follow`); the refusal in words, or None when logged in."""
    store = _data.store()
    try:
        found = auth.authenticate(store, name, password, origin=origin())
    except AuthError as error:
        return str(error)
    browser = st.context.cookies.get(sessions.BROWSER_COOKIE)  # given by server.py's middleware
    session_id, code = sessions.begin(store, found, browser if isinstance(browser, str) else "")
    st.session_state[KEY_USER], st.session_state[KEY_SESSION] = replace(found, session=session_id), session_id
    if sessions.routes_served():
        st.session_state[KEY_HANDOFF] = f"session/open?code={code}"
    st.session_state.pop(KEY_CHECKED, None)
    return None


def logout() -> None:
    """End this login session (in every tab and replica at once) and have its cookie deleted."""
    current = user()
    if current is not None:
        sessions.end(_data.store(), current)
        if sessions.routes_served():
            st.session_state[KEY_HANDOFF] = "session/close?"
    st.session_state.pop(KEY_USER, None)
    st.session_state.pop(KEY_SESSION, None)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def follow(page: str) -> None:
    """After a login or logout, send the browser once to ``server.py``'s route that sets or deletes the
    session cookie (a websocket cannot); it comes back to ``page``. Relative: works behind a proxy's path."""
    if target := st.session_state.pop(KEY_HANDOFF, None):
        script = f"window.location.replace({json.dumps(f'{target}&next={page}')});"
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def oidc_configured() -> bool:
    """Whether ``[auth]`` is set in secrets.toml (then ``st.login`` is offered)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        logging.getLogger("cchc").debug("no secrets: single sign-on off")
        return False


def require_admin(lang: str) -> User:
    """The administrator viewing this page; anybody else sees a refusal and the page stops."""
    current = user()
    if current is None or not current.is_admin:
        st.error(t("auth.admin_only", lang), icon=":material/lock:")
        st.stop()
    return current


def act(action: Callable[[], object], done: str) -> None:
    """Run an administrator's action: on success keep ``done`` for the next run and rerun (the page then shows
    fresh data), on a refusal say why."""
    try:
        action()
    except AuthError as error:
        st.error(str(error))
        return
    st.session_state[KEY_FLASH] = done
    st.rerun()


def show_flash() -> None:
    if message := st.session_state.pop(KEY_FLASH, None):
        st.success(message, icon=":material/check:")
