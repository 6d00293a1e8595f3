"""An MOA requested or drafted and never signed may be withdrawn (`terminate` takes signed MOAs only): it leaves
the registry's pending list, its past days still count it as pending until its withdrawal, and the agency may ask
for the model again. Refused steps change nothing, the audit log included."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from g287.db.models.audit import AuditEvent
from g287.program import applications, moas, views
from g287.program.validation import Conflict, InvalidInput
from tests.program.world import ADMIN, OFFICER, TODAY, build, letter

DAY = dt.timedelta(days=1)


def events(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def drafted(db):
    """Agency A's letter of TODAY - 60 days asking for TFM (drafted TODAY - 40 days) and WSO (requested)."""
    with db.session() as session:
        return db, build(session, "drafted")


def test_a_requested_and_a_drafted_moa_are_withdrawn_with_their_day_and_reason_in_the_audit_log(drafted):
    db, w = drafted
    with db.session() as session:
        moas.withdraw_moa(session, OFFICER, w.wso, withdrawn_on=TODAY - 50 * DAY, reason="  The agency asked\tfor one model only. ", today=TODAY)
        moas.withdraw_moa(session, OFFICER, w.tfm, today=TODAY)  # the day defaults to today; no reason
    with db.session() as session:
        tfm, wso = (session.get(moas.ProgramMoa, moa_id) for moa_id in (w.tfm, w.wso))
        assert (tfm.status, tfm.withdrawn_on, wso.status, wso.withdrawn_on) == ("withdrawn", TODAY, "withdrawn", TODAY - 50 * DAY)
        assert tfm.draft_version == 1 and tfm.signed_on is None  # its draft is kept
        logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "moa.withdraw").order_by(AuditEvent.id)).all()
        assert [(e.object_id, e.before, e.after) for e in logged] == [
            (str(w.wso), {"status": "requested"}, {"status": "withdrawn", "withdrawn_on": (TODAY - 50 * DAY).isoformat(), "reason": "The agency asked for one model only."}),
            (str(w.tfm), {"status": "draft"}, {"status": "withdrawn", "withdrawn_on": TODAY.isoformat(), "reason": None}),
        ]
        assert applications.application_detail(session, ADMIN, w.application)["stage"] == "withdrawn"
        assert applications.moa_summary(wso)["withdrawn_on"] == (TODAY - 50 * DAY).isoformat()


def test_only_an_moa_never_signed_is_withdrawn_and_a_refusal_changes_nothing(drafted):
    db, w = drafted
    with db.session() as session:
        moas.withdraw_moa(session, OFFICER, w.wso, today=TODAY)
    refusals = [
        (w.wso, {}, Conflict, f"MOA {w.wso} is withdrawn: only a requested or drafted MOA can be withdrawn"),
        (w.tfm, {"withdrawn_on": TODAY + DAY}, InvalidInput, f"withdrawn_on: must not be after {TODAY.isoformat()}"),
        (w.tfm, {"withdrawn_on": TODAY - 61 * DAY}, InvalidInput,
         f"withdrawn_on: {(TODAY - 61 * DAY).isoformat()} is before the letter of interest that asked for this MOA, dated {(TODAY - 60 * DAY).isoformat()}"),
        (w.tfm, {"withdrawn_on": TODAY - 41 * DAY}, InvalidInput, f"withdrawn_on: {(TODAY - 41 * DAY).isoformat()} is before the MOA's latest draft, of {(TODAY - 40 * DAY).isoformat()}"),
        (w.tfm, {"withdrawn_on": "01/07/2025"}, InvalidInput, "withdrawn_on: expected a date YYYY-MM-DD"),
        (w.tfm, {"reason": "x" * 501}, InvalidInput, "reason: at most 500 characters"),
    ]
    for moa_id, given, refusal, message in refusals:
        with db.session() as session:
            before = events(session)
            with pytest.raises(refusal) as raised:
                moas.withdraw_moa(session, OFFICER, moa_id, today=TODAY, **given)
            assert str(raised.value) == message
            assert events(session) == before
            assert session.get(moas.ProgramMoa, w.tfm).status == "draft"


def test_a_signed_or_terminated_moa_is_not_withdrawn(db):
    with db.session() as session:
        w = build(session, "signed")
    with db.session() as session:
        with pytest.raises(Conflict, match=rf"^MOA {w.tfm} is signed: only a requested or drafted MOA can be withdrawn \(a signed MOA is terminated\)$"):
            moas.withdraw_moa(session, OFFICER, w.tfm, today=TODAY)
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY, today=TODAY)
    with db.session() as session:
        with pytest.raises(Conflict, match=rf"^MOA {w.tfm} is terminated: only a requested or drafted MOA can be withdrawn$"):
            moas.withdraw_moa(session, OFFICER, w.tfm, today=TODAY)
        assert session.get(moas.ProgramMoa, w.tfm).withdrawn_on is None


def test_a_withdrawn_moa_leaves_the_pending_list_and_is_pending_until_its_day(drafted):
    """The figures of a past day read each MOA as it stood then (moas.status_on): pending from its letter until its
    withdrawal, as a signed one is participating until its termination."""
    db, w = drafted
    withdrawn_on = TODAY - 20 * DAY
    with db.session() as session:
        moas.withdraw_moa(session, OFFICER, w.wso, withdrawn_on=withdrawn_on, today=TODAY)
    with db.session() as session:
        assert [row["moa_id"] for row in views.public_pending(session, ADMIN)] == [w.tfm]
        wso = session.get(moas.ProgramMoa, w.wso)
        assert [moas.status_on(wso, day) for day in (withdrawn_on - DAY, withdrawn_on, TODAY)] == ["not_signed", "withdrawn", "withdrawn"]
        pending = {day: views.program_figures(session, ADMIN, day)["pending"]["by_model"] for day in (withdrawn_on - DAY, withdrawn_on)}
        assert pending == {withdrawn_on - DAY: {"JEM": 0, "TFM": 1, "WSO": 1}, withdrawn_on: {"JEM": 0, "TFM": 1, "WSO": 0}}
        public = views.public_application(session, ADMIN, w.application)
        assert public["stage"] == "pending"  # the TFM MOA still is
        assert {m["model"]: (m["stage"], m["withdrawn_on"]) for m in public["moas"]} == {"TFM": ("pending", None), "WSO": ("withdrawn", withdrawn_on.isoformat())}


def test_the_agency_may_ask_for_a_withdrawn_model_again(drafted):
    """The one-open-MOA rule (the service's check and the database's index) leaves a withdrawn MOA out, as a
    terminated one: a new letter for the model opens a new MOA, which the stage of its application follows."""
    db, w = drafted
    with db.session() as session:
        with pytest.raises(Conflict, match="already has an open or signed WSO MOA"):
            applications.submit_letter(session, w.user_a, w.agency_a, letter(models=["WSO"]), today=TODAY)
    with db.session() as session:
        moas.withdraw_moa(session, OFFICER, w.wso, today=TODAY)
    with db.session() as session:
        again = applications.submit_letter(session, w.user_a, w.agency_a, letter(models=["WSO"]), today=TODAY)
        (moa,) = applications.moas_of(session, again.id)
        assert moa.status == "requested" and moa.id != w.wso
        assert [row["model"] for row in views.public_pending(session, ADMIN)] == ["TFM", "WSO"]
