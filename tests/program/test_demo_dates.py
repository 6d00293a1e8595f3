"""`g287 demo` back-dates its workflow: each step's recorded time falls on the day the demonstration says the step
happened, so that no page, document or API answer of it shows a step before the one it follows.

Found by a reviewer acting as an agency user: the letters and drafts were dated months back while their
`submitted_at` and `drafted_at` were the moment the demo ran, so application 1's page said "Draft version 1 of
2026-12-03 ... Signed 2026-09-04" (a state the workflow refuses for a real MOA), its draft PDF said "version 1 of
August 25, 2026", and the list said "Submitted 2026-12-03" of a letter dated 2024-09-24."""

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from g287 import days
from g287.db.models.program import Application, Nominee
from g287.program import applications, demo, moas, nominees
from g287.program.applications import date_text


def _day(moment: str) -> str:
    return days.day_of(dt.datetime.fromisoformat(moment)).isoformat()


def _in_order(steps: list[tuple[str, str | None]]) -> None:
    """Each named day, where there is one, falls on or after the one before it."""
    given = [(name, day) for name, day in steps if day is not None]
    for (before, first), (after, then) in zip(given, given[1:]):
        assert first <= then, f"{after} {then} is before {before} {first}: {given}"


def test_every_step_of_the_demo_falls_on_or_after_the_step_it_follows(db, actor):
    demo.create_demo(db, actor)
    with db.session() as session:
        application_ids = list(session.scalars(select(Application.id).order_by(Application.id)))
        assert len(application_ids) == 4
        drafts = signed = 0
        for application_id in application_ids:
            detail = applications.application_detail(session, actor, application_id)
            submitted = _day(detail["submitted_at"])
            # The list's "Submitted" is the letter's own date, as for a letter sent through the site.
            assert submitted == detail["letter"]["date"], detail
            listed = {a["id"]: a for a in applications.list_applications(session, actor)}[application_id]
            assert _day(listed["submitted_at"]) == submitted
            for moa in detail["moas"]:
                drafted = _day(moa["drafted_at"]) if moa["drafted_at"] else None
                _in_order([("submitted", submitted), ("drafted", drafted), ("signed", moa["signed_on"]), ("terminated", moa["terminated_on"])])
                _in_order([("submitted", submitted), ("drafted", drafted), ("withdrawn", moa["withdrawn_on"])])
                if drafted is None:
                    continue
                drafts += 1
                # The draft's own text and footer give the day the page and the API give.
                document = moas.draft_document(session, actor, moa["id"], "pdf")
                text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(document.content)).pages)
                version = moa["draft_version"]
                assert f"version {version} of {date_text(dt.date.fromisoformat(drafted))}" in text, text[:400]
                assert f"version {version} of {drafted}, prepared with g287" in text
                signed += moa["signed_on"] is not None
                for nominee_id in session.scalars(select(Nominee.id).where(Nominee.moa_id == moa["id"]).order_by(Nominee.id)):
                    shown = nominees.nominee_detail(session, actor, nominee_id)
                    enrolment, certification = shown["enrolment"] or {}, shown["certification"] or {}
                    _in_order(
                        [("drafted", drafted), ("signed", moa["signed_on"]), ("nominated", shown["nominated_on"]), ("background completed", shown["background_completed_on"]), ("enrolled", enrolment.get("enrolled_on"))]
                        + [("examined", exam["taken_on"]) for exam in shown["exams"]]
                        + [("certified", certification.get("certified_on")), ("terminated", moa["terminated_on"])]
                    )
                    # The nomination's recorded moment is when it was recorded (the demo records older history
                    # today): never before the day of the nomination.
                    assert _day(shown["nominated_at"]) >= shown["nominated_on"]
        assert (drafts, signed) == (4, 3)  # Demoville's TFM and WSO, Exampleton's WSO and JEM; three of them signed


def test_the_demo_dates_every_step_from_the_day_it_is_given(db, actor):
    """The demonstration's days count back from its `today`: a letter and a draft of it are dated from that day, not
    from the day it ran."""
    today = days.today() - dt.timedelta(days=365)
    result = demo.create_demo(db, actor, today=today)
    by_agency = {a["agency"]: a for a in result.applications}
    with db.session() as session:
        demoville = applications.application_detail(session, actor, by_agency["Demoville County Sheriff's Office"]["id"])
    assert _day(demoville["submitted_at"]) == demoville["letter"]["date"] == (today - dt.timedelta(days=120)).isoformat()
    assert [_day(m["drafted_at"]) for m in demoville["moas"]] == [(today - dt.timedelta(days=count)).isoformat() for count in (100, 30)]
