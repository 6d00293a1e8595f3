"""Nominees' personal data (names, citizenship, background results, dates of service, scores) and a letter's
contact details never reach what the public sees: the public views, the registry's published workbooks, or the
figures. Each role reads nominees only as far as it may."""

import datetime as dt
import json

import pytest
from python_calamine import CalamineWorkbook

from g287.errors import AccessDenied, NotFound
from g287.exports.ice_workbook import rows_of_publication
from g287.program import nominees, publish, training, views
from g287.registry.publications import in_force
from tests.program.world import ADMIN, OFFICER, PUBLIC, TODAY, build


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from tests.conftest import make_database

    folder = tmp_path_factory.mktemp("privacy")
    db, close = make_database("sqlite", folder)
    with db.session() as session:
        w = build(session, "certified")
        personal = set()
        for nominee_id in w.nominees.values():
            detail = nominees.nominee_detail(session, OFFICER, nominee_id, as_of=TODAY)
            personal |= {detail["full_name"], detail["background_completed_on"], *(p["start"] for p in detail["service_periods"])}
            personal |= {e["taken_on"] for e in detail["exams"]} | {str(e["score"]) for e in detail["exams"]}
            if detail["certification"]:
                personal |= {detail["certification"]["expires_on"], detail["certification"]["refresher_due_on"]}
        personal |= {"sam@agency.example", "Sam Sample", "The agency asks to take part."}  # the letter's contact and justification
    result = publish.publish(db, ADMIN, directory=folder / "lists")
    yield db, w, personal, result
    close()


def test_the_world_has_the_personal_data_we_look_for(published):
    _db, _w, personal, _ = published
    assert {"Vera Veteran", "Nova Novice", "64.0", "81.0"} <= personal


def test_public_views_and_figures_carry_no_personal_data(published):
    db, w, personal, _ = published
    with db.session() as session:
        shown = json.dumps(
            [
                views.public_pending(session, PUBLIC),
                views.public_participating(session, PUBLIC),
                views.public_application(session, PUBLIC, w.application),
                views.program_figures(session, PUBLIC, TODAY),
            ]
        )
    leaked = sorted(value for value in personal if value in shown)
    assert leaked == []
    for field in ("us_citizen", "background", "score", "service_periods", "full_name", "contact", "justification", "nominee"):
        assert field not in shown


def test_published_workbooks_and_their_exports_carry_no_personal_data(published):
    db, _w, personal, result = published
    cells = []
    for item in result.lists:
        sheet = CalamineWorkbook.from_path(item.file).get_sheet_by_index(0).to_python()
        cells += [str(value) for row in sheet for value in row]
    assert "Testville County Sheriff's Office" in cells  # the agency is public
    assert not [value for value in personal if any(value in cell for cell in cells)]
    with db.session() as session:
        exported = [repr(row) for kind in ("participating", "pending") for row in rows_of_publication(session, in_force(session, kind, None, "registry"))]
    assert exported and not [value for value in personal if any(value in row for row in exported)]


@pytest.mark.parametrize("role, sees", [("public", False), ("own_agency", True), ("other_agency", False), ("program_officer", True), ("administrator", True)])
def test_each_role_reads_nominees_only_as_far_as_it_may(published, role, sees):
    db, w, _personal, _ = published
    actor = w.actors()[role]
    with db.session() as session:
        listed = {n["full_name"] for n in nominees.list_nominees(session, actor, as_of=TODAY)}
        assert listed == ({"Vera Veteran", "Nova Novice"} if sees else set())
        # A nominee named by id is, to a user of another agency, no such nominee (as for an id no record has: ids
        # cannot be counted); the public is refused before any nominee is read; a roster asked for by agency is
        # refused to whoever may not read that agency's.
        hidden = NotFound if role == "other_agency" else AccessDenied
        for read, refused in (
            (lambda: nominees.nominee_detail(session, actor, w.nominees["veteran"], as_of=TODAY), hidden),
            (lambda: nominees.eligibility(session, actor, w.nominees["novice"], as_of=TODAY), hidden),
            (lambda: training.authorized_officers(session, actor, as_of=TODAY, agency_id=w.agency_a), AccessDenied),
            (lambda: training.due(session, actor, as_of=TODAY + dt.timedelta(days=400), agency_id=w.agency_a), AccessDenied),
        ):
            if sees:
                assert read()
            else:
                with pytest.raises(refused):
                    read()


def test_changes_to_nominees_leave_the_public_data_version_alone(sqlite_db):
    """The public data version is the ETag's and the response cache's version and every public response's
    Last-Modified: moved by a change to a nominee, it told anyone polling a public page the moment each nominee was
    nominated, vetted, examined or certified. A change the public sees (a letter: the pending list) still moves it."""
    from g287.program import applications
    from g287.registry.queries import data_version
    from tests.program.world import OFFICER, letter

    with sqlite_db.session() as session:
        w = build(session, "certified")
    with sqlite_db.session() as session:
        before = data_version(session)
    with sqlite_db.session() as session:
        novice, veteran = w.nominees["novice"], w.nominees["veteran"]
        nominees.nominate(session, w.user_a, w.tfm, full_name="Noel Newcomer", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2015-01-05"}], today=TODAY)
        nominees.update_nominee(session, w.user_a, novice, us_citizen=False, today=TODAY)
        nominees.record_background(session, OFFICER, novice, result="failed", completed_on=TODAY, today=TODAY)
        training.record_refresher(session, OFFICER, veteran, completed_on=TODAY, today=TODAY)
        training.revoke(session, OFFICER, veteran, revoked_on=TODAY, today=TODAY)
    with sqlite_db.session() as session:
        assert data_version(session) == before
        applications.submit_letter(session, w.user_b, w.agency_b, letter(models=("JEM",)), today=TODAY)
    with sqlite_db.session() as session:
        assert data_version(session).token != before.token
