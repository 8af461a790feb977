"""Tài khoản: log in (password, or single sign-on when configured), who you are, change password, log out."""

import streamlit as st

from cchc import auth
from cchc.auth import AuthError
from cchc.i18n import t
from pages import _data, _session

lang = _data.lang()
user = _session.user()
st.title(t("page.account" if user else "page.login", lang))

if user is None:
    if error := st.session_state.pop("login_error", None):
        st.error(error)
    st.caption(t("login.caption", lang, n=auth.MAX_FAILED_LOGINS))
    with st.form("login_form"):
        name = st.text_input(t("login.name", lang), key="login_name", max_chars=40)
        password = st.text_input(t("login.password", lang), type="password", key="login_password", max_chars=256)
        submitted = st.form_submit_button(t("login.submit", lang), type="primary", key="login_submit")
    if submitted:
        if refusal := _session.login(name, password):
            st.error(refusal, icon=":material/lock:")
        else:
            st.rerun()
    if _session.oidc_configured():
        st.button(t("login.sso", lang), on_click=st.login, key="login_sso", icon=":material/badge:")
    st.stop()

role = auth.ROLES[user.role][1 if lang == "en" else 0]
st.success(t("login.who", lang, name=user.name, role=role, units=", ".join(user.units) or "—"),
           icon=":material/person:")
st.button(t("login.logout", lang), on_click=_session.logout, key="logout", icon=":material/logout:")

st.subheader(t("login.change", lang))
with st.form("password_form", clear_on_submit=True):
    old = st.text_input(t("login.old", lang), type="password", key="password_old")
    new = st.text_input(t("login.new", lang, n=auth.MIN_PASSWORD_LENGTH), type="password", key="password_new")
    again = st.text_input(t("login.again", lang), type="password", key="password_again")
    changed = st.form_submit_button(t("login.change", lang), key="password_submit")
if changed:
    try:
        if new != again:
            raise AuthError("password-mismatch")
        auth.change_password(_data.store(), user, old, new)
        st.success(t("login.changed", lang), icon=":material/check:")
    except AuthError as error:
        st.error(error.text(lang))
