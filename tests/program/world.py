"""A small world for workflow tests, built through the services: two applicant agencies (A in Florida, B in
Texas), actors for every role, and an application of agency A for TFM and WSO, taken as far as asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from g287.access import Actor
from g287.program import agencies, applications, moas, nominees, training
from g287.program.applications import LetterForm, moas_of
from tests.conftest import MOA_DIR

TODAY = dt.date(2025, 7, 1)
SIGNED_PDF = MOA_DIR / "OwyheeCoID_TFM_MOA_03.07.25.pdf"
SIGNATORIES = [{"name": "Pat Example", "title": "Sheriff", "party": "agency"}, {"name": "Lee Official", "title": "Field Office Director", "party": "ICE"}]
ADMIN = Actor(role="administrator", label="cli:test")
OFFICER = Actor(role="program_officer", label="user:9001", user_id=9001)
PUBLIC = Actor.public()


def years_ago(years: int, days: int = 0) -> str:
    return (TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)).isoformat()


def letter(models=("TFM", "WSO"), **changes) -> LetterForm:
    values = dict(
        models=list(models),
        chief_executive_name="Pat Example",
        chief_executive_title="Sheriff",
        contact_name="Sam Sample",
        contact_title="Captain",
        contact_email="sam@agency.example",
        justification="The agency asks to take part.",
    )
    values.update(changes)
    return LetterForm(**values)


@dataclass
class World:
    agency_a: int
    agency_b: int
    user_a: Actor
    user_b: Actor
    application: int | None = None
    tfm: int | None = None
    wso: int | None = None
    nominees: dict[str, int] = field(default_factory=dict)

    def actors(self) -> dict[str, Actor]:
        return {"public": PUBLIC, "own_agency": self.user_a, "other_agency": self.user_b, "program_officer": OFFICER, "administrator": ADMIN}


def build(session, stage: str = "certified") -> World:
    """stage: agencies | submitted | drafted | signed | certified (each includes the ones before)."""
    a = agencies.create_agency(session, ADMIN, "Testville County Sheriff's Office", "FL", "county", county="Testville County", address="1 Test Road\nTestville, FL 32000")
    b = agencies.create_agency(session, ADMIN, "Otherton Police Department", "TX", "municipality")
    world = World(a.id, b.id, Actor("agency_user", "user:9101", 9101, a.id), Actor("agency_user", "user:9102", 9102, b.id))
    if stage == "agencies":
        return world
    application = applications.submit_letter(session, world.user_a, a.id, letter(), today=TODAY - dt.timedelta(days=60))
    world.application = application.id
    tfm, wso = moas_of(session, application.id)
    world.tfm, world.wso = tfm.id, wso.id
    if stage == "submitted":
        return world
    moas.draft_moa(session, OFFICER, tfm.id, today=TODAY - dt.timedelta(days=40))
    if stage == "drafted":
        return world
    moas.record_signed_moa(session, OFFICER, tfm.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=30), signatories=SIGNATORIES, today=TODAY)
    if stage == "signed":
        return world
    novice = nominees.nominate(session, world.user_a, tfm.id, full_name="Nova Novice", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(1)}], nominated_on=TODAY - dt.timedelta(days=28), today=TODAY)
    veteran = nominees.nominate(session, world.user_a, tfm.id, full_name="Vera Veteran", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(8)}], nominated_on=TODAY - dt.timedelta(days=28), today=TODAY)
    nominees.record_background(session, OFFICER, veteran.id, result="passed", completed_on=TODAY - dt.timedelta(days=25), today=TODAY)
    nominees.record_background(session, OFFICER, novice.id, result="passed", completed_on=TODAY - dt.timedelta(days=25), today=TODAY)
    training.enrol(session, OFFICER, veteran.id, enrolled_on=TODAY - dt.timedelta(days=20), today=TODAY)
    training.record_exam(session, OFFICER, veteran.id, score=64, taken_on=TODAY - dt.timedelta(days=10), today=TODAY)
    training.record_exam(session, OFFICER, veteran.id, score=81, taken_on=TODAY - dt.timedelta(days=8), today=TODAY)
    training.certify(session, OFFICER, veteran.id, certified_on=TODAY - dt.timedelta(days=5), today=TODAY)
    world.nominees = {"novice": novice.id, "veteran": veteran.id}
    return world
