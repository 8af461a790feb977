"""Approval and locking: approve / return a unit's report, lock and reopen a period, every step audited."""

from __future__ import annotations

import hashlib

import pytest

from cchc import approval, cli, ingest
from cchc.auth import AuthError, PermissionDenied, User
from cchc.store import NewSubmission, Store

pytestmark = pytest.mark.usefixtures("backend")

ADMIN = User("snv.admin", "quan_tri", (), "10.0.0.9")


def accepted(store: Store, unit: str, period: str, data: bytes) -> int:
    item = NewSubmission(sha256=hashlib.sha256(data).hexdigest(), filename="bc.xlsx", size=len(data), user="cb",
                         status="accepted", unit=unit, period=period)
    return store.record_submission(item).id


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def test_approve_then_a_newer_report_is_pending_again(store):
    first = accepted(store, "SNV", "2018", b"one")
    accepted(store, "SYT", "2018", b"two")
    assert approval.approve(store, ADMIN, "SNV", "2018", "đạt") == first
    status = approval.status(store, "2018")[["unit", "submission_id", "state", "approved_id"]]
    assert status.astype(object).where(status.notna(), None).values.tolist() == [
        ["SNV", first, "approved", first], ["SYT", 2, "pending", None]]
    newer = accepted(store, "SNV", "2018", b"three")
    row = approval.status(store, "2018").iloc[0]
    assert (row["submission_id"], row["state"], row["approved_id"]) == (newer, "pending", first)


def test_return_report_needs_a_comment_and_is_shown(store):
    sid = accepted(store, "SNV", "2018-H1", b"one")
    with pytest.raises(AuthError, match="lý do"):
        approval.return_report(store, ADMIN, "SNV", "2018-H1", "  ")
    approval.return_report(store, ADMIN, "SNV", "2018-h1", "Chỉ tiêu 2d.3 thiếu mẫu số")
    row = approval.status(store).iloc[0]
    assert (row["submission_id"], row["state"], row["comment"], row["decided_by"]) == (
        sid, "returned", "Chỉ tiêu 2d.3 thiếu mẫu số", "snv.admin")


def test_approve_without_a_report_is_refused(store):
    with pytest.raises(AuthError, match="chưa có báo cáo"):
        approval.approve(store, ADMIN, "SNV", "2018")
    with pytest.raises(AuthError, match="không đúng dạng"):
        approval.approve(store, ADMIN, "SNV", "2018-H3")


@pytest.mark.parametrize("actor", [User("ld", "lanh_dao"), User("cb", "don_vi", ("SNV",)), None])
def test_only_admins_decide(store, actor):
    accepted(store, "SNV", "2018", b"one")
    for call in (lambda: approval.approve(store, actor, "SNV", "2018"),
                 lambda: approval.return_report(store, actor, "SNV", "2018", "sai"),
                 lambda: approval.lock_period(store, actor, "2018"),
                 lambda: approval.reopen_period(store, actor, "2018")):
        with pytest.raises(PermissionDenied):
            call()
    assert store.decisions("approval", latest=False).empty and not store.locked_periods()


def test_lock_and_reopen_cycle_is_audited(store):
    approval.lock_period(store, ADMIN, "2018", "đã tổng hợp")
    assert store.locked_periods() == {"2018"}
    with pytest.raises(AuthError, match="đã khóa"):
        approval.lock_period(store, ADMIN, "2018")
    approval.reopen_period(store, ADMIN, "2018", "bổ sung số liệu SYT")
    assert store.locked_periods() == frozenset()
    with pytest.raises(AuthError, match="đang mở"):
        approval.reopen_period(store, ADMIN, "2018")
    approval.lock_period(store, ADMIN, "2018")
    log = store.audit_log(action="period.")
    assert log[["user", "action", "object", "detail", "origin"]].values.tolist() == [
        ["snv.admin", "period.lock", "2018", "", "10.0.0.9"],
        ["snv.admin", "period.reopen", "2018", "bổ sung số liệu SYT", "10.0.0.9"],
        ["snv.admin", "period.lock", "2018", "đã tổng hợp", "10.0.0.9"]]
    assert store.decisions("lock", "2018", latest=False)["kind"].tolist() == ["lock", "reopen", "lock"]


def test_approvals_are_audited(store):
    sid = accepted(store, "SNV", "2018", b"one")
    approval.return_report(store, ADMIN, "SNV", "2018", "sai đơn vị tính")
    approval.approve(store, ADMIN, "SNV", "2018")
    log = store.audit_log(action="approval.")
    assert log[["action", "object"]].values.tolist() == [["approval.approve", f"SNV/2018#{sid}"],
                                                        ["approval.return", f"SNV/2018#{sid}"]]


@pytest.mark.parametrize(("user", "unit", "period", "code"), [
    (User("cb", "don_vi", ("SNV",)), "SYT", "2018", "not-permitted"),
    (User("ld", "lanh_dao"), "SNV", "2018", "not-permitted"),
    (User("cb", "don_vi", ("SNV",)), "SNV", "2018", "period-locked"),
    (User("ad", "quan_tri"), "SYT", "2018", "period-locked"),
    (User("cb", "don_vi", ("SNV",)), "SNV", "2019", None),
    (User("cb", "don_vi", ("SNV",)), "", "", None),  # an unreadable file: its rejection is recorded
])
def test_refusal(user, unit, period, code):
    issue = approval.refusal(user, unit, period, frozenset({"2018"}))
    assert (issue.code if issue else None) == code
    assert issue is None or "không được lưu" in issue.message


def test_upload_to_a_locked_period_is_refused_until_reopened(store, make_workbook, capsys, tmp_path):
    clerk = User("cb.snv", "don_vi", ("SNV",), "10.0.0.5")
    data = make_workbook("SNV", "2018")
    approval.lock_period(store, ADMIN, "2018")
    refused = ingest.ingest_file(store, data, "snv.xlsx", user=clerk)
    assert (refused.status, refused.submission_id, [i.code for i in refused.report.errors]) == (
        "refused", None, ["period-locked"])
    assert "đã khóa sổ" in refused.report.errors[0].message and store.submissions().empty
    folder = tmp_path / "nop"
    folder.mkdir()
    (folder / "snv.xlsx").write_bytes(data)
    assert cli.main(["ingest", str(folder), "--data-dir", str(store.data_dir)]) == 1  # the command line too
    assert "đã khóa sổ" in capsys.readouterr().out and store.submissions().empty
    approval.reopen_period(store, ADMIN, "2018")
    assert ingest.ingest_file(store, data, "snv.xlsx", user=clerk).status == "accepted"  # not a "duplicate"
    log = store.audit_log(action="submission")
    assert log[["user", "action", "origin"]].values.tolist() == [
        ["cb.snv", "submission.accepted", "10.0.0.5"], [log.iloc[1]["user"], "submission.refused", "cli"],
        ["cb.snv", "submission.refused", "10.0.0.5"]]


def filled_score_sheet(year: int = 2018, block: str = "so") -> bytes:
    """The score template with an appraisal score typed for its first criterion row."""
    import io

    import openpyxl

    from cchc.score_sheet import SCORE_COLUMNS, template_xlsx

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(year, block)))
    sheet = book.active
    header = next(row for row in sheet.iter_rows() if SCORE_COLUMNS[0] in [c.value for c in row])
    columns = {c.value: c.column for c in header}
    first = header[0].row + 1
    maximum = sheet.cell(first, columns[SCORE_COLUMNS[4]]).value
    sheet.cell(first, columns[SCORE_COLUMNS[6]]).value = maximum
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_enter_scores_records_with_who_and_where(store):
    stored, issues = approval.enter_scores(store, ADMIN, filled_score_sheet())
    assert stored == 1 and not [i for i in issues if i.severity == "error"]
    entry = store.audit_log(action="par.").iloc[0]
    assert (entry["user"], entry["origin"]) == ("snv.admin", "10.0.0.9")
    assert store.par_scores(2018)["entered_by"].tolist() == ["snv.admin"]


@pytest.mark.parametrize("actor", [User("ld", "lanh_dao"), User("cb", "don_vi", ("SNV",))])
def test_enter_scores_is_for_admins_only(store, actor):
    with pytest.raises(PermissionDenied):
        approval.enter_scores(store, actor, filled_score_sheet())
    assert store.par_scores().empty


def test_enter_scores_stores_nothing_from_a_broken_sheet(store):
    stored, issues = approval.enter_scores(store, ADMIN, b"not a workbook")
    assert stored == 0 and issues and store.par_scores().empty
