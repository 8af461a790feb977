"""Thẩm định Chỉ số CCHC (Sở Nội vụ): per criterion of a unit, its self-assessed score, its evidence files (to
download), the appraised score with a comment, and the mark "bằng chứng chưa đủ"; cchc.evidence records it."""

import pandas as pd
import streamlit as st

from cchc import evidence
from cchc.i18n import block_label, t
from pages import _choices, _data, _session, _widgets

lang, year, block = _data.lang(), _data.year(), _data.block()
admin = _session.require_admin(lang)
store = _data.store()
st.title(t("page.appraisal", lang))
_session.show_flash()
st.caption(t("appraisal.caption", lang, year=year, block=block_label(block, lang)))

units = _choices.unit_choices()
with_files = [u for u in units if u in set(store.evidence(year=year)["unit"])]  # first shown: one with evidence
unit = st.selectbox(t("appraisal.unit", lang), list(units), format_func=units.get, key="appraisal_unit",
                    index=list(units).index(with_files[0]) if with_files else 0)
if unit is None:
    st.stop()
table = evidence.appraisal_table(store, unit, year)
_widgets.show_table(table[["criterion", "name", "max", "self_score", "appraised_score", "files", "insufficient",
                           "comment"]].rename(columns=lambda c: t(f"appraisal.col.{c}", lang)),
                    "appraisal_table", decimals=2, rows=len(table))

criteria = {r.criterion: f"{r.criterion} — {r.name}" for r in table.itertuples()}
criterion = st.selectbox(t("appraisal.criterion", lang), list(criteria), format_func=criteria.get,
                         key="appraisal_criterion")
row = table.set_index("criterion").loc[criterion]
st.markdown(f"##### {t('appraisal.files', lang, criterion=criterion)}")
files = store.evidence(unit, year, criterion)
if files.empty:
    st.info(t("evidence.none", lang), icon=":material/info:")
else:
    _widgets.evidence_files(files, "appraisal_file")

choice = f"{unit}_{criterion}"  # in every key: a widget keeps its value per key, whatever its default says
with st.form(f"appraisal_form_{choice}"):
    if row["kind"] == "survey":
        st.info(t("appraisal.survey", lang), icon=":material/info:")
        score = None
    else:
        current = next((float(v) for v in (row["appraised_score"], row["self_score"]) if pd.notna(v)), None)
        score = st.number_input(t("appraisal.score", lang, max=f"{row['max']:g}"), min_value=0.0,
                                max_value=float(row["max"]), value=current, step=0.25, key=f"appraisal_score_{choice}")
    comment = st.text_area(t("appraisal.comment", lang), value=row["comment"], max_chars=evidence.MAX_COMMENT_CHARS,
                           key=f"appraisal_comment_{choice}")
    insufficient = st.checkbox(t("appraisal.insufficient", lang), value=bool(row["insufficient"]),
                               key=f"appraisal_insufficient_{choice}")
    save = st.form_submit_button(t("appraisal.save", lang), type="primary", key=f"appraisal_save_{choice}")
if save:
    _session.act(lambda: evidence.appraise(store, admin, unit, year, criterion, score=score, comment=comment,
                                           insufficient=insufficient),
                 t("appraisal.done", lang, criterion=criterion))
