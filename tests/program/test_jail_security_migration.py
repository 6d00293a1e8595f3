"""Migration 0018 adds the jail-security fact of JEM and WSO nominees (nominees.jail_security_and_inmate_rules), on
SQLite (batch mode) and PostgreSQL. A nominee recorded before it keeps every step recorded (enrolment, examination,
certification); their eligibility says the requirement has not been attested, which is true, until the agency
attests it. Going back drops the column and keeps the nominees."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, inspect

from g287.db.engine import Database
from g287.db.dialect import normalize_url
from g287.program import nominees
from tests.program.test_withdrawal_reason import _downgrade, _rows
from tests.program.world import ADMIN
from tests.test_database_upgrade import at_revision, run_sql

AS_OF = dt.date(2025, 6, 1)


def _columns(url: str) -> list[str]:
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        names = [column["name"] for column in inspect(conn).get_columns("nominees")]
    engine.dispose()
    return names


def test_migration_0018_adds_the_jail_security_fact_keeps_what_was_recorded_and_goes_back(blank_url):
    at_revision(blank_url, "0017_publication_per_day")
    run_sql(
        blank_url,
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES (1, 1, :at, 'cli', '{\"models\": [\"JEM\"]}')",
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version, signed_on) VALUES (1, 1, 1, 'JEM', 'signed', 1, '2025-01-10')",
        "INSERT INTO nominees (id, moa_id, agency_id, full_name, us_citizen, enforced_jurisdiction_laws, service_periods, background_result, "
        "background_completed_on, nominated_on, nominated_at, nominated_by) VALUES "
        "(4, 1, 1, 'A. Nominee', true, true, '[]', 'passed', '2025-01-15', '2025-01-12', :at, 'cli')",
        "INSERT INTO enrolments (id, nominee_id, agency_id, course, enrolled_on, status, finished_on) VALUES (5, 4, 1, 'JEM', '2025-01-20', 'passed', '2025-02-01')",
        "INSERT INTO exam_attempts (id, enrolment_id, agency_id, exam, taken_on, score, remedial, passed) VALUES (6, 5, 1, 'final', '2025-01-31', 91.5, false, true)",
        "INSERT INTO certifications (id, nominee_id, agency_id, certified_on, expires_on, certified_by) VALUES (7, 4, 1, '2025-02-01', '2027-02-01', 'cli')",
    )
    assert "jail_security_and_inmate_rules" not in _columns(blank_url)

    database = Database(blank_url)  # upgrades to the head
    try:
        assert _rows(blank_url, "SELECT version_num FROM alembic_version") == [("0019_territory_county_texts",)]
        with database.session() as session:
            detail = nominees.nominee_detail(session, ADMIN, 4, as_of=AS_OF)
        assert detail["jail_security_and_inmate_rules"] is None
        assert (detail["enrolment"]["status"], detail["certification"]["certified_on"], detail["standing"]["status"]) == ("passed", "2025-02-01", "certified")
        assert detail["standing"]["authorized"] is False  # an officer is authorized only while eligible: until the agency attests it
        rule = next(r for r in detail["eligibility"]["rules"] if r["rule"] == "jail_security")
        assert rule["outcome"] == "missing" and detail["eligibility"]["reasons"] == [rule["explanation"]]
        assert rule["explanation"] == (
            "training in maintaining the security of the agency's facilities, and authority to enforce the rules on inmate accountability and conduct, have not been attested"
        )
        with database.session(writing=True) as session:  # the agency attests it: eligible again, on the record kept
            nominees.update_nominee(session, ADMIN, 4, jail_security_and_inmate_rules=True)
        with database.session() as session:
            detail = nominees.nominee_detail(session, ADMIN, 4, as_of=AS_OF)
        assert detail["eligibility"]["eligible"] and detail["standing"] == {"status": "certified", "authorized": True, "reasons": []}
    finally:
        database.dispose()

    _downgrade(blank_url, "0017_publication_per_day")
    assert "jail_security_and_inmate_rules" not in _columns(blank_url)
    assert _rows(blank_url, "SELECT id, full_name, us_citizen, enforced_jurisdiction_laws FROM nominees") in ([(4, "A. Nominee", True, True)], [(4, "A. Nominee", 1, 1)])
    assert _rows(blank_url, "SELECT id, nominee_id, certified_on FROM certifications")[0][:2] == (7, 4)
    assert _rows(blank_url, "SELECT version_num FROM alembic_version") == [("0017_publication_per_day",)]
    engine = create_engine(normalize_url(blank_url))
    with engine.connect() as conn:  # the rebuilt table keeps its indexes (SQLite's batch mode copies it)
        assert {tuple(index["column_names"]) for index in inspect(conn).get_indexes("nominees")} >= {("moa_id",), ("agency_id",)}
    engine.dispose()
