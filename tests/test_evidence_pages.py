"""The evidence page (a unit's account attaches and sees its files, a bad file's refusal is shown) and the
appraisal view (Sở Nội vụ sees the self-score and the evidence, saves a score, a comment and the mark)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cchc import evidence
from cchc.auth import User
from cchc.dashboard.common import literal
from cchc.i18n import KEY_USER
from cchc.report import MESSAGES
from cchc.store import Store
from tests import test_admin_pages
from tests.test_admin_pages import ADMIN, CLERK, clean, registered, start
from tests.test_evidence import PDF, PNG

EVIDENCE, APPRAISAL = "pages/evidence.py", "pages/admin_appraisal.py"
store = test_admin_pages.store  # the fixture: an empty data folder (no sample) whose admin password is known


@pytest.mark.parametrize(("user", "shown", "hidden"), [
    (None, [], [EVIDENCE, APPRAISAL]),
    (User("ld", "lanh_dao"), [], [EVIDENCE, APPRAISAL]),
    (CLERK, [EVIDENCE], [APPRAISAL]),
    (ADMIN, [EVIDENCE, APPRAISAL], []),
])
def test_evidence_pages_are_listed_per_role(store, user, shown, hidden):
    at = clean(start(**({KEY_USER: user} if user else {})))
    assert all(registered(at, page) for page in shown)
    assert not any(registered(at, page) for page in hidden)


def attach(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="evidence_files").set_value([(name, data, "application/octet-stream")
                                                      for name, data in files])
    at.text_input(key="evidence_note").input("Quyết định số 12/QĐ-SNV")
    return at.button(key="evidence_attach").click().run()


def test_clerk_attaches_evidence_and_sees_a_refusal(store: Store):
    at = clean(start(**{KEY_USER: CLERK}))
    at.switch_page(EVIDENCE).run()
    assert at.selectbox(key="evidence_unit").options == ["Sở Nội vụ", "Sở Tư pháp"]  # only the clerk's units
    at.selectbox(key="evidence_criterion").set_value("1.2").run()
    attach(at, ("quyet-dinh.pdf", PDF), ("virus.pdf", b"MZ" + b"\0" * 64))
    assert [s.value for s in at.success] == [f"«{literal('quyet-dinh.pdf')}»: đã lưu."]
    assert [e.value for e in at.error] == [literal(MESSAGES["evidence-type"][0].format(value="virus.pdf"))]
    listed = evidence.listing(store)
    assert listed[["unit", "year", "criterion", "file_name", "uploaded_by"]].values.tolist() == [
        ["SNV", 2020, "1.2", "quyet-dinh.pdf", "cb.snv"]]
    assert any(literal("quyet-dinh.pdf") in m.value and literal("Quyết định số 12/QĐ-SNV") in m.value
               for m in at.markdown)
    assert [b.label for b in at.get("download_button")] == [f"Tải «{literal('quyet-dinh.pdf')}»"]


def test_appraisal_view_shows_the_evidence_and_saves_the_appraisal(store: Store):
    evidence.attach(store, CLERK, "SNV", 2020, "1.1", [("quyet-dinh.pdf", PDF), ("anh-chup.png", PNG)])
    store.record_par_scores([{"year": 2020, "unit": "SNV", "criterion": "1.1", "source": "self", "score": 3.5}],
                            "cb.snv")
    at = clean(start(**{KEY_USER: ADMIN}))
    at.switch_page(APPRAISAL).run()
    clean(at)
    assert at.selectbox(key="appraisal_unit").value == "SNV"  # the first unit with evidence
    assert at.number_input(key="appraisal_score_SNV_1.1").value == 3.5  # the self-score, until appraised
    assert [b.label for b in at.get("download_button")] == [f"Tải «{literal(n)}»" for n in ("quyet-dinh.pdf",
                                                                                             "anh-chup.png")]
    at.number_input(key="appraisal_score_SNV_1.1").set_value(2.0)
    at.checkbox(key="appraisal_insufficient_SNV_1.1").check()
    at.button(key="appraisal_save_SNV_1.1").click().run()
    assert [e.value for e in at.error] == ["Khi đánh dấu «bằng chứng chưa đủ», hãy ghi rõ tài liệu còn thiếu để đơn "
                                           "vị bổ sung."]
    assert store.appraisals().empty
    at.text_area(key="appraisal_comment_SNV_1.1").input("Thiếu biên bản kiểm tra")
    at.button(key="appraisal_save_SNV_1.1").click().run()
    assert [s.value for s in clean(at).success] == ["Đã lưu thẩm định tiêu chí 1.1."]
    assert store.appraisals()[["unit", "criterion", "score", "comment", "insufficient", "appraised_by"]
                              ].values.tolist() == [["SNV", "1.1", 2.0, "Thiếu biên bản kiểm tra", True, "admin"]]
    at.selectbox(key="appraisal_criterion").set_value("1.2").run()  # another criterion: its own, empty form
    assert at.number_input(key="appraisal_score_SNV_1.2").value is None
    assert at.text_area(key="appraisal_comment_SNV_1.2").value == ""
    assert not at.checkbox(key="appraisal_insufficient_SNV_1.2").value


def test_clerk_cannot_open_the_appraisal_view(store: Store):
    at = clean(start(**{KEY_USER: CLERK}))
    assert not registered(at, APPRAISAL)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / APPRAISAL), default_timeout=60)
    at.session_state[KEY_USER] = CLERK
    at.run()
    assert [e.value for e in at.error] == ["Trang này chỉ dành cho tài khoản quản trị (Sở Nội vụ)."]


@pytest.mark.parametrize(("typed", "shown"), [
    ("quyet-dinh.pdf", r"quyet\-dinh\.pdf"),
    ("[bấm](http://evil.example)", r"\[bấm\]\(http\://evil\.example\)"),
    ("![](http://x/a.png)", r"\!\[\]\(http\://x/a\.png\)"),
    ("**đậm** _nghiêng_ `mã`", r"\*\*đậm\*\* \_nghiêng\_ \`mã\`"),
    ("Báo cáo số 12", "Báo cáo số 12"),
])
def test_typed_text_stays_text_in_markdown(typed, shown):
    assert literal(typed) == shown
