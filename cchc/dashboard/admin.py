"""Page data for the administrator's pages, in plain words: the approval list and the audit log.

Dates read ``dd/mm/yyyy`` (Hưng Yên wall time, as stored), states and actions are words, units carry the
name they had on the period's last day (from the registry's events), never a code or ``None``.
"""

from __future__ import annotations

import pandas as pd

from cchc.catalog import Catalog
from cchc.dashboard.common import when
from cchc.i18n import t
from cchc.labels import ACTION_LABELS
from cchc.periods import parse_period

AUDIT_GROUPS: tuple[str, ...] = ("login", "logout", "session", "submission", "approval", "period", "user", "par",
                                 "backup", "sample", "evidence")


def unit_name(catalog: Catalog, code: str, period: str) -> str:
    """The unit's name on the last day of ``period`` (Mỹ Hào is a huyện in 2018, a thị xã in 2020)."""
    unit = catalog.unit_by_code.get(code)
    return unit.name_on(parse_period(period).end) if unit else code


def approval_table(status: pd.DataFrame, subs: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """:func:`cchc.approval.status` as a readable list: unit, period, report number, submitted when and by whom,
    state in words, decided by whom and when, the comment."""
    submitted = subs.set_index("id")[["uploaded_at", "uploaded_by"]]
    mine = submitted.reindex(status["submission_id"].astype("int64"))
    decided = status["state"] != "pending"
    return pd.DataFrame({
        t("label.unit", lang): [unit_name(catalog, u, p) for u, p in zip(status["unit"], status["period"],
                                                                         strict=True)],
        t("label.period", lang): status["period"].to_numpy(),
        t("label.report_no", lang): status["submission_id"].astype(str).radd("#").to_numpy(),
        t("label.submitted_at", lang): [when(v) for v in mine["uploaded_at"]],
        t("label.uploader", lang): mine["uploaded_by"].fillna("").to_numpy(),
        t("label.status", lang): [t(f"approval.{s}", lang) for s in status["state"]],
        t("label.decided_by", lang): status["decided_by"].where(decided, "").fillna("").to_numpy(),
        t("label.decided_at", lang): [when(v) if d else "" for v, d in zip(status["decided_at"], decided,
                                                                           strict=True)],
        t("approval.comment", lang): status["comment"].where(decided, "").fillna("").to_numpy(),
    })


def action_word(action: str, lang: str) -> str:
    """An audited action in words (``approval.return`` → "Trả lại báo cáo"); an unknown one as itself."""
    return ACTION_LABELS[action][lang == "en"] if action in ACTION_LABELS else action


def audit_table(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log (``store.audit_log``) in words: time ``dd/mm/yyyy hh:mm:ss``, who, what, on what, detail,
    and the address the request came from."""
    return pd.DataFrame({
        t("label.time", lang): [when(v, seconds=True) for v in log["at"]],
        t("audit.user", lang): log["user"].to_numpy(),
        t("audit.action", lang): [action_word(a, lang) for a in log["action"]],
        t("label.object", lang): log["object"].fillna("").to_numpy(),
        t("label.detail", lang): log["detail"].fillna("").to_numpy(),
        t("label.origin", lang): log["origin"].fillna("").to_numpy(),
    })
