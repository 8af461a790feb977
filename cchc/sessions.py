"""Logins that survive a reload, a new tab and another replica: a signed cookie backed by a session row.

After a password login (:func:`begin`) the browser is sent once to ``/session/open?code=…`` (a route of
``server.py``), where the one-time handoff code, valid for :data:`HANDOFF` and only with the browser cookie
that browser already had (:data:`BROWSER_COOKIE`), is traded (:func:`claim`) for a random token; the browser
keeps ``token.signature`` in the HttpOnly, SameSite=Lax cookie :data:`COOKIE`, the store keeps only the SHA-256
digest of the token (and of the code). Every page run checks the session again
(:func:`resume`), so a logout, a new password, a disabled account or an administrator's "log out everywhere"
end it at once, on every replica sharing the database. A session ends after :data:`IDLE` without use and, used
or not, :data:`MAX_AGE` after the login.

The signature (HMAC-SHA256) uses the key from ``CCHC_SECRET_KEY``, else from ``<data folder>/secret_key``,
generated once (mode 0600); replicas on several machines must share ``CCHC_SECRET_KEY``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from cchc import clock
from cchc.auth import User, require_admin
from cchc.store import Store

COOKIE = "cchc_session"
BROWSER_COOKIE = "cchc_browser"  # random, given to every browser by server.py: a handoff code is bound to it
BROWSER_AGE = dt.timedelta(days=365)
IDLE = dt.timedelta(hours=8)  # a session unused this long ends
MAX_AGE = dt.timedelta(hours=24)  # and every session ends this long after its login
HANDOFF = dt.timedelta(seconds=60)  # the one-time code that sets the cookie is valid this long
TOUCH_EVERY = dt.timedelta(minutes=1)  # a session's last use is written at most this often
ENV_SECRET_KEY = "CCHC_SECRET_KEY"
SECRET_FILE = "secret_key"
MIN_SECRET_LENGTH = 32
_routes = {"served": False}  # whether this process serves the cookie routes (server.py), see routes_served()


class SecretKeyError(ValueError):
    """``CCHC_SECRET_KEY`` is too short to sign cookies safely."""


def secret_key(data_dir: Path, env: Mapping[str, str] = os.environ) -> bytes:
    """The key that signs session cookies: ``CCHC_SECRET_KEY``, else the data folder's own, made on first use."""
    if given := env.get(ENV_SECRET_KEY, ""):
        if len(given) < MIN_SECRET_LENGTH:
            raise SecretKeyError(f"{ENV_SECRET_KEY} phải dài ít nhất {MIN_SECRET_LENGTH} ký tự "
                                 "(tạo bằng: python3 -c 'import secrets; print(secrets.token_urlsafe(48))').")
        return given.encode()
    path = data_dir / SECRET_FILE
    if not path.exists():  # written whole beside it, then linked into place: nobody reads a half-written key
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{SECRET_FILE}.{secrets.token_hex(8)}"
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it just now: theirs counts
        finally:
            draft.unlink()
    return path.read_text().strip().encode()


def digest(secret: str) -> str:
    """What the store keeps of a token or a handoff code."""
    return hashlib.sha256(secret.encode()).hexdigest()


def sign(token: str, key: bytes) -> str:
    """The cookie's value: the token and its HMAC-SHA256 signature."""
    return f"{token}.{hmac.new(key, token.encode(), hashlib.sha256).hexdigest()}"


def unsign(value: str | None, key: bytes) -> str | None:
    """The token of a cookie value signed with ``key``, or None when it is missing, malformed or forged."""
    token, _, signature = (value or "").rpartition(".")
    if not token or not hmac.compare_digest(sign(token, key), f"{token}.{signature}"):
        return None
    return token


def expired(created_at: dt.datetime, last_seen: dt.datetime, now: dt.datetime) -> str | None:
    """Why a session is over at ``now`` (``max_age`` or ``idle``), or None while it lasts."""
    if now - created_at >= MAX_AGE:
        return "max_age"
    if now - last_seen >= IDLE:
        return "idle"
    return None


def recently_checked(last: tuple[int, int, dt.datetime] | None, session_id: int, version: int,
                     now: dt.datetime) -> bool:
    """Whether the last check of a session, ``(session_id, data version, time)``, still answers: nothing was
    written since (every end of a session, account change and expiry is a write that changes the data version;
    only the touch of :func:`resume` is not) and it is younger than :data:`TOUCH_EVERY`. Saves the embedded
    store a database connection on most page runs."""
    return last is not None and last[:2] == (session_id, version) and now - last[2] < TOUCH_EVERY


def begin(store: Store, user: User, browser: str = "") -> tuple[int, str]:
    """A new session for a user who just logged in: (its id, the one-time handoff code for the cookie route),
    the code bound to the browser's :data:`BROWSER_COOKIE` (without one, the code is of no use: the login lasts
    in its tab only)."""
    code = secrets.token_urlsafe(24)
    return store.start_session(user.name, digest(f"{code}|{browser}"), origin=user.origin), code


def claim(store: Store, code: str, key: bytes, browser: str) -> str | None:
    """The signed cookie value for a handoff code (usable once, within :data:`HANDOFF`, by the browser it was
    made for: a code sent to somebody else's browser logs nobody in), or None."""
    token = secrets.token_urlsafe(32)
    if not code or not browser:
        return None
    if store.claim_handoff(digest(f"{code}|{browser}"), digest(token), since=clock.now() - HANDOFF) is None:
        return None
    return sign(token, key)


def resume(store: Store, origin: str, *, session_id: int | None = None, cookie: str | None = None,
           key: bytes = b"") -> User | None:
    """The user of a session that still lasts, found by its id (the tab that logged in) or by the signed
    cookie; the account's current role and units apply. An expired session is ended; a used one touched."""
    token = unsign(cookie, key) if session_id is None else None
    if session_id is None and token is None:
        return None
    found = store.login_session(session_id=session_id, token_hash=digest(token) if token else None)
    if found is None:
        return None
    sid, created_at, last_seen, account = found
    now = clock.now()
    if why := expired(created_at, last_seen, now):
        store.end_sessions(why, session_id=sid)
        return None
    if not account.active:
        return None
    if now - last_seen >= TOUCH_EVERY:
        store.touch_session(sid, now)
    return User(account.name, account.role, account.units, origin, sid)


def end(store: Store, user: User) -> None:
    """Log out: this session ends (audited as ``logout``)."""
    if user.session is not None:
        store.end_sessions("logout", session_id=user.session)
    store.audit(user.name, "logout", user.name, origin=user.origin)


def end_everywhere(store: Store, actor: User, name: str) -> int:
    """An administrator logs ``name`` out of every browser at once; how many sessions ended (audited)."""
    require_admin(actor, "đăng xuất người dùng khỏi mọi nơi")
    return store.end_sessions("logout_all", name=name.strip().lower(), by=actor.name, origin=actor.origin)


def serve_routes() -> None:
    """Called by ``server.py``: this process answers ``/session/open`` and ``/session/close``."""
    _routes["served"] = True


def routes_served() -> bool:
    """Whether a login can get its cookie here; under a bare ``streamlit run app.py`` (no such routes) a login
    lasts in its tab only, as its session id in the tab's state."""
    return _routes["served"]


def set_cookie_header(value: str, *, secure: bool, name: str = COOKIE, age: dt.timedelta = MAX_AGE) -> str:
    """``Set-Cookie`` for the session cookie (``value`` "" deletes it) or another of ours: HttpOnly,
    SameSite=Lax, the whole site, for ``age``, Secure when the browser came over HTTPS."""
    seconds = int(age.total_seconds()) if value else 0
    return f"{name}={value}; Path=/; Max-Age={seconds}; HttpOnly; SameSite=Lax{'; Secure' if secure else ''}"


def browser_cookie_header(*, secure: bool) -> str:
    """``Set-Cookie`` giving a browser its random :data:`BROWSER_COOKIE` (a year)."""
    return set_cookie_header(secrets.token_urlsafe(24), secure=secure, name=BROWSER_COOKIE, age=BROWSER_AGE)
