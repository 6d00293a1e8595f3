"""Two changes of one record at the same moment take turns: the second reads what the first committed. (On
PostgreSQL a change read the MOA before another committed and then wrote over it: a signed MOA went back to
"draft", with its signed date, PDF and registry agreement, and could be recorded as signed again. A training step
and a termination of its MOA, each checking the other's dates, were both kept; so were an agency user's change of the
agency's county and the signature after which the county is no longer theirs to change.)"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.db.models.program import ApplicantAgency, Certification, ProgramMoa
from g287.errors import AccessDenied
from g287.program import accounts, agencies, moas, training
from g287.program.validation import Conflict, InvalidInput
from tests.program.racing import while_uncommitted
from tests.program.world import OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build


def test_a_draft_begun_while_the_moa_is_being_signed_sees_the_signature(db):
    with db.session(writing=True) as session:
        world = build(session, "drafted")
    outcome: list[str] = []

    def draft() -> None:
        try:
            with db.session(writing=True) as session:
                moas.draft_moa(session, OFFICER, world.tfm)
            outcome.append("drafted")
        except Conflict as refused:
            outcome.append(str(refused))

    while_uncommitted(db, lambda session: moas.record_signed_moa(session, OFFICER, world.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on="2025-06-01", signatories=SIGNATORIES), draft)  # the draft reaches the MOA while the signature is not yet committed
    assert outcome == [f"MOA {world.tfm} is signed: only a requested or drafted MOA can be drafted"]
    with db.session() as session:
        moa = session.get(ProgramMoa, world.tfm)
        assert moa.status == "signed" and moa.signed_on is not None


def test_a_training_step_begun_while_the_moa_is_being_terminated_sees_the_termination(db):
    # A refresher (as any training step) needs the MOA in effect on its day, and a termination is dated after every
    # step recorded under the MOA: begun at the same moment, each read the other's record as it was before, and on
    # PostgreSQL both were kept (a refresher recorded on a day the MOA was already terminated).
    with db.session(writing=True) as session:
        world = build(session)
    veteran = world.nominees["veteran"]
    outcome: list[str] = []

    def refresher() -> None:
        try:
            with db.session(writing=True) as session:
                training.record_refresher(session, OFFICER, veteran, completed_on=TODAY - dt.timedelta(days=1), today=TODAY)
            outcome.append("recorded")
        except Conflict as refused:
            outcome.append(str(refused))

    while_uncommitted(db, lambda session: moas.terminate_moa(session, OFFICER, world.tfm, terminated_on=TODAY - dt.timedelta(days=2), today=TODAY), refresher)  # the refresher reaches the MOA while the termination is not yet committed
    assert outcome == [f"the TFM MOA {world.tfm} is not in effect on {(TODAY - dt.timedelta(days=1)).isoformat()}"]
    with db.session() as session:
        certification = session.scalars(select(Certification).where(Certification.nominee_id == veteran)).one()
        assert certification.last_refresher_on is None


def test_a_termination_begun_while_a_training_step_is_being_recorded_sees_the_step(db):
    with db.session(writing=True) as session:
        world = build(session)
    veteran = world.nominees["veteran"]
    outcome: list[str] = []

    def terminate() -> None:
        try:
            with db.session(writing=True) as session:
                moas.terminate_moa(session, OFFICER, world.tfm, terminated_on=TODAY - dt.timedelta(days=2), today=TODAY)
            outcome.append("terminated")
        except InvalidInput as refused:
            outcome.append(refused.fields["terminated_on"])

    while_uncommitted(db, lambda session: training.record_refresher(session, OFFICER, veteran, completed_on=TODAY - dt.timedelta(days=1), today=TODAY), terminate)  # the termination reaches the MOA while the refresher is not yet committed
    assert outcome == [f"must be after the refresher already recorded under this MOA on {(TODAY - dt.timedelta(days=1)).isoformat()}"]
    with db.session() as session:
        assert session.get(ProgramMoa, world.tfm).status == "signed"


def test_an_agency_change_begun_while_its_moa_is_being_signed_sees_the_signature(db):
    # Once an MOA is signed, the agency's county is the program office's to change (what its listing says): an
    # agency user's change read "no signed MOA" before the signature was committed, and on PostgreSQL both were kept.
    with db.session(writing=True) as session:
        world = build(session, "drafted")
    outcome: list[str] = []

    def move_county() -> None:
        try:
            with db.session(writing=True) as session:
                agencies.update_agency(session, world.user_a, world.agency_a, name="Testville County Sheriff's Office", state="FL", agency_type="county", county="Another County")
            outcome.append("changed")
        except AccessDenied:
            outcome.append("refused")

    while_uncommitted(db, lambda session: moas.record_signed_moa(session, OFFICER, world.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on="2025-06-01", signatories=SIGNATORIES), move_county)  # the change reaches the agency while the signature is not yet committed
    assert outcome == ["refused"]
    with db.session() as session:
        assert session.get(ApplicantAgency, world.agency_a).county_text == "Testville County"


def test_two_administrators_disabling_one_account_at_the_same_moment_disable_it_once(db):
    # Each read the account as enabled before the other committed: on PostgreSQL both succeeded, and the log held
    # two account.disable events for one account.
    first, second = Actor(role="administrator", label="cli:first"), Actor(role="administrator", label="cli:second")
    with db.session(writing=True) as session:
        accounts.add_user(session, first, "mallory", "program_officer")
    outcome: list[str] = []

    def disable() -> None:
        try:
            with db.session(writing=True) as session:
                accounts.disable_user(session, second, "mallory")
            outcome.append("disabled")
        except Conflict as refused:
            outcome.append(str(refused))

    while_uncommitted(db, lambda session: accounts.disable_user(session, first, "mallory"), disable)  # the second administrator reaches the account while the first's change is not yet committed
    assert outcome == ["the account 'mallory' is already disabled"]
    with db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.disable")).all()
        assert [event.actor for event in events] == ["cli:first"]
