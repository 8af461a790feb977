"""Quản lý tài khoản (administrators): the accounts, creating one, changing one, resetting a password."""

import streamlit as st

from cchc import auth, sessions
from cchc.i18n import t
from pages import _choices, _data, _session, _widgets

lang = _data.lang()
admin = _session.require_admin(lang)
store = _data.store()
st.title(t("page.users", lang))
_session.show_flash()
roles = {code: names[1 if lang == "en" else 0] for code, names in auth.ROLES.items()}
units = _choices.all_unit_choices()


accounts = store.accounts()
_widgets.show_table(accounts.assign(role=accounts["role"].map(roles)), "users_table")

st.subheader(t("users.add", lang))
with st.form("user_add", clear_on_submit=True):
    left, right = st.columns(2)
    name = left.text_input(t("login.name", lang), key="user_add_name", max_chars=40)
    role = right.selectbox(t("users.role", lang), list(roles), format_func=roles.get, key="user_add_role")
    chosen = st.multiselect(t("users.units", lang), list(units), format_func=units.get, key="user_add_units")
    email = left.text_input(t("users.email", lang), key="user_add_email")
    password = right.text_input(t("login.new", lang, n=auth.MIN_PASSWORD_LENGTH), type="password",
                                key="user_add_password")
    added = st.form_submit_button(t("users.add", lang), type="primary", key="user_add_submit")
if added:
    _session.act(lambda: auth.create_user(store, admin, name, role, password, units=chosen, email=email or None),
            t("users.added", lang, name=name.strip().lower()))

if accounts.empty:
    st.stop()
st.subheader(t("users.edit", lang))
names = accounts["name"].tolist()
picked = st.selectbox(t("login.name", lang), names, key="user_edit_name")
current = accounts.set_index("name").loc[picked]
with st.form(f"user_edit_{picked}"):  # the account in every key: a widget keeps its value per key
    left, right = st.columns(2)
    role = left.selectbox(t("users.role", lang), list(roles), index=list(roles).index(current["role"]),
                          format_func=roles.get, key=f"user_edit_role_{picked}")
    active = right.checkbox(t("users.active", lang), value=bool(current["active"]), key=f"user_edit_active_{picked}")
    chosen = st.multiselect(t("users.units", lang), list(units), default=[u for u in current["units"].split()
                                                                          if u in units],
                            format_func=units.get, key=f"user_edit_units_{picked}")
    email = st.text_input(t("users.email", lang), value=current["email"] or "", key=f"user_edit_email_{picked}")
    saved = st.form_submit_button(t("users.save", lang), key=f"user_edit_submit_{picked}")
if saved:
    _session.act(lambda: auth.update_user(store, admin, picked, role=role, units=chosen, email=email or None,
                                     active=active), t("users.saved", lang, name=picked))
with st.form("user_reset", clear_on_submit=True):
    password = st.text_input(t("users.reset", lang, name=picked), type="password", key="user_reset_password")
    reset = st.form_submit_button(t("users.reset_button", lang), key="user_reset_submit")
if reset:
    _session.act(lambda: auth.reset_password(store, admin, picked, password), t("users.reset_done", lang, name=picked))
if st.button(t("users.logout_all", lang, name=picked), key="user_logout_all", icon=":material/logout:",
             help=t("users.logout_all_help", lang)):
    _session.act(lambda: sessions.end_everywhere(store, admin, picked), t("users.logged_out", lang, name=picked))
