"""The dashboard's web server: Streamlit's ``app.py`` with three routes of its own (``st.App``, Streamlit 1.67;
not under ``/auth/``, which Streamlit's single sign-on uses).

- ``/healthz``: 200 ``ok`` when the database answers, 503 otherwise (for a reverse proxy or a monitor);
- ``/session/open?code=…&next=PAGE``: trades a login's one-time handoff code for the session cookie
  (:mod:`cchc.sessions`) and sends the browser back to the page; a Streamlit run speaks over a websocket and
  cannot set an HttpOnly cookie itself;
- ``/session/close?next=PAGE``: deletes the cookie (the page ended the session itself) and goes back;

and a middleware that gives every browser, on its first page load, the random cookie a login's handoff code is
bound to (``cchc_browser``), so a code sent to somebody else's browser logs nobody in.

``python -m cchc serve`` runs it (``streamlit run server.py`` in the project folder, which finds ``app`` and
reads ``.streamlit/config.toml``).
"""

from __future__ import annotations

import logging
import re
from functools import cache

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cchc import bootstrap, config, sessions
from cchc.store import Store

_PAGE = re.compile(r"^[a-z0-9-]{0,60}$")  # a page's url_path (st.navigation), never another site
HEALTH_BUSY_TIMEOUT = 2.0  # seconds a health check waits for a database file another process holds


@cache
def _store() -> Store:
    """The installation's store, its database created (and on the first start filled with the sample) first,
    as the pages do: a health check must not leave an empty database behind."""
    folder = config.data_dir().resolve()
    bootstrap.ensure_database(folder)
    return Store(folder, busy_timeout=HEALTH_BUSY_TIMEOUT)


def healthz(request: Request) -> Response:
    try:
        _store().ping()
    except Exception as error:  # whatever the cause, the proxy must stop sending users here
        logging.getLogger("cchc").warning("health check failed: %s", error)
        _store.cache_clear()
        return PlainTextResponse("database unavailable", status_code=503)
    return PlainTextResponse("ok")


def _secure(connection: HTTPConnection) -> bool:
    """Whether the browser came over HTTPS (directly, or to the proxy that says so)."""
    return connection.url.scheme == "https" or connection.headers.get("x-forwarded-proto") == "https"


def _back_to(request: Request, page: str, cookie: str) -> Response:
    """A redirect to the dashboard page (relative: also behind a proxy's path) that sets or deletes the cookie."""
    answer = RedirectResponse(f"../{page if _PAGE.match(page) else ''}", status_code=303)
    answer.headers.append("set-cookie", sessions.set_cookie_header(cookie, secure=_secure(request)))
    answer.headers["cache-control"] = "no-store"
    return answer


def session_cookie(request: Request) -> Response:
    store = _store()
    value = sessions.claim(store, request.query_params.get("code", ""), sessions.secret_key(store.data_dir),
                           request.cookies.get(sessions.BROWSER_COOKIE, ""))
    return _back_to(request, request.query_params.get("next", ""), value or "")


def logout(request: Request) -> Response:
    return _back_to(request, request.query_params.get("next", ""), "")


class BrowserCookie:
    """ASGI middleware: an HTTP answer to a browser without ``cchc_browser`` gives it one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or sessions.BROWSER_COOKIE in HTTPConnection(scope).cookies:
            await self.app(scope, receive, send)
            return
        secure = _secure(HTTPConnection(scope))

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", sessions.browser_cookie_header(secure=secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


sessions.serve_routes()
app = st.App("app.py", routes=[Route("/healthz", healthz), Route("/session/open", session_cookie),
                               Route("/session/close", logout)], middleware=[Middleware(BrowserCookie)])
