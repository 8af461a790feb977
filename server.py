"""The dashboard's web server: Streamlit's ``app.py`` with three routes of its own (``st.App``, Streamlit 1.67;
not under ``/auth/``, which Streamlit's single sign-on uses).

- ``/healthz``: 200 ``ok`` when the database answers, 503 otherwise (for a reverse proxy or a monitor);
- ``/session/open?code=…&next=PAGE``: trades a login's one-time handoff code for the session cookie
  (:mod:`cchc.sessions`) and sends the browser back to the page; a Streamlit run speaks over a websocket and
  cannot set an HttpOnly cookie itself;
- ``/session/close?next=PAGE``: deletes the cookie (the page ended the session itself) and goes back.

``python -m cchc serve`` runs it (``streamlit run server.py`` in the project folder, which finds ``app`` and
reads ``.streamlit/config.toml``).
"""

from __future__ import annotations

import logging
import re
from functools import cache

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

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


def _back_to(request: Request, page: str, cookie: str) -> Response:
    """A redirect to the dashboard page (relative: also behind a proxy's path) that sets or deletes the cookie."""
    answer = RedirectResponse(f"../{page if _PAGE.match(page) else ''}", status_code=303)
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    answer.headers.append("set-cookie", sessions.set_cookie_header(cookie, secure=secure))
    answer.headers["cache-control"] = "no-store"
    return answer


def session_cookie(request: Request) -> Response:
    store = _store()
    value = sessions.claim(store, request.query_params.get("code", ""), sessions.secret_key(store.data_dir))
    return _back_to(request, request.query_params.get("next", ""), value or "")


def logout(request: Request) -> Response:
    return _back_to(request, request.query_params.get("next", ""), "")


sessions.serve_routes()
app = st.App("app.py", routes=[Route("/healthz", healthz), Route("/session/open", session_cookie),
                               Route("/session/close", logout)])
