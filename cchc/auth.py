"""Accounts and roles: argon2id password hashes, growing waits after repeated failures, and the permission checks.

Three roles: ``lanh_dao`` (leaders: read everything), ``don_vi`` (unit staff: read everything, submit only
for their own units) and ``quan_tri`` (Sở Nội vụ: accounts, approvals, period locks, appraisal scores; may
submit for any unit). The checks live here and are called from :mod:`cchc.ingest` and
:mod:`cchc.approval`, so hiding a button is never the only guard. Every login, account change and refused
action is audited with who, when and from where (``User.origin``). Passwords are only ever stored hashed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TextIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from cchc import clock
from cchc.errors import CodedError
from cchc.store import Account, Store

ROLES: dict[str, tuple[str, str]] = {
    "lanh_dao": ("Lãnh đạo", "Leader"),
    "don_vi": ("Cán bộ đơn vị", "Unit staff"),
    "quan_tri": ("Quản trị (Sở Nội vụ)", "Administrator (Home Affairs)"),
}
ADMIN = "admin"
ENV_ADMIN_PASSWORD = "CCHC_ADMIN_PASSWORD"
ENV_REQUIRE_LOGIN = "CCHC_REQUIRE_LOGIN"
MAX_FAILED_LOGINS = 5  # in a row from one address for one name; then each attempt there waits
FIRST_WAIT = dt.timedelta(minutes=1)  # after the 5th failure; doubled by each further one …
LONGEST_WAIT = dt.timedelta(hours=1)  # … up to this
FAILURE_MEMORY = dt.timedelta(days=1)  # older failures are forgotten
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # longer inputs are refused before hashing (hashing is deliberately slow)
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}$")
HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, 64 MiB, p=4); tests lower the cost
UNKNOWN_NAME = "(tên không có)"  # what the audit log says of a name without an account: never the text typed
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])  # 30,000 most common (zxcvbn, offline)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class AuthError(CodedError):
    """A refused login or action: a code of :data:`cchc.errors.REFUSALS`; the message is safe to show."""


class LoginFailed(AuthError):
    pass


class PermissionDenied(AuthError):
    pass


@dataclass(frozen=True)
class User:
    """Who acts: name, role, the units a ``don_vi`` account reports for, where the request came from, and the
    login session it belongs to (:mod:`cchc.sessions`; None for the command line)."""

    name: str
    role: str
    units: tuple[str, ...] = ()
    origin: str = ""
    session: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "quan_tri"

    def can_submit(self, unit: str) -> bool:
        return self.is_admin or (self.role == "don_vi" and unit in self.units)


def operator(name: str, origin: str = "") -> User:
    """The identity of a trusted local process (the command line, the sample loader): it holds the data folder
    itself, so it acts as an administrator under its own name."""
    return User(name or "local", "quan_tri", (), origin or "local")


def acting_for(store: Store, name: str, origin: str) -> User:
    """The account a trusted local process acts for (``ingest --user NAME``): its role and units apply, so a
    unit clerk's name submits only for that clerk's units. Refused when there is no such active account."""
    account = store.account(name.strip().lower())
    if account is None or not account.active:
        raise AuthError("no-active-account", name=name[:40])
    return User(account.name, account.role, account.units, origin)


def login_required(env: Mapping[str, str] = os.environ) -> bool:
    """Whether reading the dashboard needs a login (``CCHC_REQUIRE_LOGIN=1``); submitting always does."""
    return env.get(ENV_REQUIRE_LOGIN, "").strip().lower() in ("1", "true", "yes", "on")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return HASHER.hash(password)


def check_password_strength(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AuthError("password-length", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)
    if password.strip() != password or len(set(password)) < 4 or password.isdigit():
        raise AuthError("password-too-simple")
    if is_common(password):
        raise AuthError("password-too-common")


def is_common(password: str) -> bool:
    """Whether a password is one of the most common ones, also with digits or symbols added at either end
    (``password1234``, ``admin@2020``)."""
    folded = password.lower()
    return folded in COMMON_PASSWORDS or _EDGES.sub("", folded) in COMMON_PASSWORDS


def _verify(password_hash: str | None, password: str) -> bool:
    """Constant-time (argon2) check; an account without a hash is checked against a dummy so timing is alike."""
    try:
        return HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_hex(16))


def authenticate(store: Store, name: str, password: str, *, origin: str = "") -> User:
    """The user behind a name and password, or :class:`LoginFailed`; every attempt is audited.

    An unknown name, a wrong password, an inactive account and an address that must still wait all get the same
    message after the same work (one argon2 check, against a dummy hash when there is no account), so nobody
    learns whether an account exists. After :data:`MAX_FAILED_LOGINS` failures in a row from one address for one
    name, that address waits (:func:`wait`) before its next attempt counts; other addresses are not held up, so
    a stranger cannot lock a real user out. A name without an account is audited as :data:`UNKNOWN_NAME`: what
    was typed may be a password.
    """
    name = name.strip().lower()[:40]
    account = store.account(name) if _NAME.match(name) else None
    recorded = name if account is not None else UNKNOWN_NAME
    ok = _verify(account.password_hash if account else None, password[:MAX_PASSWORD_LENGTH])
    failures, last = store.login_failures(recorded, origin, since=clock.now() - FAILURE_MEMORY)
    waiting = last is not None and clock.now() < last + wait(failures)
    ok = ok and account is not None and account.active and not waiting
    store.record_login(recorded, ok=ok, origin=origin, detail="phải chờ" if waiting else "")
    if not ok or account is None:
        raise LoginFailed("login-failed", limit=MAX_FAILED_LOGINS)
    if account.password_hash and HASHER.check_needs_rehash(account.password_hash):
        store.update_account(name, {"password_hash": HASHER.hash(password)}, by=name, action="user.rehash",
                             origin=origin)
    return User(account.name, account.role, account.units, origin)


def wait(failures: int) -> dt.timedelta:
    """How long an address waits after ``failures`` failed logins in a row for one name: nothing for the first
    :data:`MAX_FAILED_LOGINS`, then :data:`FIRST_WAIT` doubling up to :data:`LONGEST_WAIT`."""
    if failures < MAX_FAILED_LOGINS:
        return dt.timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - MAX_FAILED_LOGINS, 12), LONGEST_WAIT)


def user_for_email(store: Store, email: str, *, origin: str = "") -> User:
    """The local account an identity provider's verified e-mail maps to (for ``st.login``); audited."""
    account = store.account_by_email(email.strip()) if _EMAIL.match(email.strip()) else None
    if account is None or not account.active:
        store.audit(email[:80], "login.failed", email[:80], "oidc: không có tài khoản", origin=origin)
        raise LoginFailed("email-not-assigned", email=email[:80])
    store.audit(account.name, "login", account.name, "oidc", origin=origin)
    return User(account.name, account.role, account.units, origin)


def require_admin(user: User | None, action: str = "thực hiện việc này") -> User:
    if user is None or not user.is_admin:
        raise PermissionDenied("admin-only", action=action)
    return user


def _account_fields(store: Store, role: str, units: Iterable[str], email: str | None) -> tuple[tuple[str, ...], str]:
    if role not in ROLES:
        raise AuthError("unknown-role", role=role, roles=", ".join(ROLES))
    codes = tuple(sorted({u.strip().upper() for u in units if u.strip()}))
    known = {u.code for u in store.catalog.units}
    if unknown := [c for c in codes if c not in known]:
        raise AuthError("account-units-unknown", units=", ".join(unknown))
    if role == "don_vi" and not codes:
        raise AuthError("account-needs-unit")
    if email and not _EMAIL.match(email.strip()):
        raise AuthError("invalid-email", email=email)
    return (codes if role == "don_vi" else ()), (email or "").strip()


def create_user(store: Store, actor: User, name: str, role: str, password: str, *, units: Iterable[str] = (),
                email: str | None = None) -> None:
    """Create an account (administrators only)."""
    require_admin(actor, "tạo tài khoản")
    name = name.strip().lower()
    if not _NAME.match(name):
        raise AuthError("invalid-user-name")
    codes, email = _account_fields(store, role, units, email)
    account = Account(name, role, codes, email or None, hash_password(password), password_changed_at=clock.now())
    if not store.add_account(account, by=actor.name, origin=actor.origin):
        raise AuthError("user-name-taken", name=name)


def update_user(store: Store, actor: User, name: str, *, role: str, units: Iterable[str] = (),
                email: str | None = None, active: bool = True) -> None:
    """Change an account's role, units, e-mail or whether it is active (administrators only)."""
    require_admin(actor, "sửa tài khoản")
    if name == actor.name and (role != "quan_tri" or not active):
        raise AuthError("self-demotion")
    codes, email = _account_fields(store, role, units, email)
    changes = {"role": role, "units": codes, "email": email or None, "active": active}
    detail = f"role={role} units={' '.join(codes)} active={active}"
    if not store.update_account(name, changes, by=actor.name, action="user.update", detail=detail, origin=actor.origin):
        raise AuthError("no-account", name=name)


def change_password(store: Store, user: User, old: str, new: str) -> None:
    """A user changes their own password, proving the old one."""
    account = store.account(user.name)
    if account is None or not _verify(account.password_hash, old[:MAX_PASSWORD_LENGTH]):
        store.audit(user.name, "user.password.failed", user.name, origin=user.origin)
        raise AuthError("password-wrong")
    if old == new:
        raise AuthError("password-unchanged")
    _set_password(store, user, user.name, new, "user.password")  # the user's other sessions end


def reset_password(store: Store, actor: User, name: str, new: str) -> None:
    """An administrator sets another account's password (which ends every wait after failed logins, and every
    session of the account)."""
    require_admin(actor, "đặt lại mật khẩu")
    _set_password(store, actor, name, new, "user.password.reset")


def _set_password(store: Store, actor: User, name: str, new: str, action: str) -> None:
    changes = {"password_hash": hash_password(new), "password_changed_at": clock.now(), "failed_logins": 0}
    keep = actor.session if actor.name == name else None
    if not store.update_account(name, changes, by=actor.name, action=action, origin=actor.origin, keep_session=keep):
        raise AuthError("no-account", name=name)


def ensure_admin(store: Store, env: Mapping[str, str] = os.environ, console: TextIO | None = None) -> bool:
    """On first start create the ``admin`` account from ``CCHC_ADMIN_PASSWORD`` or a generated password, which
    is printed once on the console (stderr) and stored only hashed. True when it was created now."""
    if store.account(ADMIN) is not None:
        return False
    given = env.get(ENV_ADMIN_PASSWORD, "")
    password = given or secrets.token_urlsafe(15)
    system = operator("system")
    account = Account(ADMIN, "quan_tri", (), None, hash_password(password), password_changed_at=clock.now())
    created = store.add_account(account, by=system.name, origin=system.origin)
    if created and not given:
        print(f"[cchc] Đã tạo tài khoản quản trị «{ADMIN}» với mật khẩu: {password}\n"
              "[cchc] Mật khẩu này chỉ in một lần; hãy đăng nhập và đổi mật khẩu ngay.",
              file=console or sys.stderr, flush=True)
    return created
