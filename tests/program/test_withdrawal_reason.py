"""The reason an MOA was withdrawn is kept with the MOA (migration 0014), where the program office and the agency read
it (the application's detail, the API's MOA), and never in the public views; the migration fills it for MOAs withdrawn
before from their audit events, and going back drops the column, the audit log keeping the reasons."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from g287.db.dialect import normalize_url, schema_change
from g287.db.engine import alembic_config
from g287.program import applications, moas, views
from tests.program.world import ADMIN, OFFICER, PUBLIC, TODAY, build
from tests.test_database_upgrade import at_revision, run_sql

REASON = "The agency asked for one model only."


def _rows(url: str, query: str) -> list[tuple]:
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(query))]
    engine.dispose()
    return rows


def _downgrade(url: str, revision: str) -> None:
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn, schema_change(conn):
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def _event(moa_id: int, after: str) -> str:
    return f"(:at, 'user:3', 'moa.withdraw', 'moa', '{moa_id}', '{{\"status\": \"requested\"}}', '{after}')"


def test_migration_0014_fills_the_reason_of_mo_as_withdrawn_before_from_the_audit_log_and_goes_back(blank_url):
    """MOA 1: its event gives a reason (filled); 2: its event none; 3: no event (withdrawn in the sqlite3 shell); 4: its
    only event is of another day than its withdrawal (not its withdrawal: left empty rather than guessed); 5: not
    withdrawn. An event of another kind of record with the same id is not read."""
    at_revision(blank_url, "0013_withdrawn_moas")
    run_sql(
        blank_url,
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES (1, 1, :at, 'cli', '{}'), (2, 1, :at, 'cli', '{}')",
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version, withdrawn_on) VALUES "
        "(1, 1, 1, 'JEM', 'withdrawn', 0, '2025-02-01'), (2, 1, 1, 'TFM', 'withdrawn', 1, '2025-02-03'), (3, 1, 1, 'WSO', 'withdrawn', 0, '2025-02-04'), "
        "(4, 2, 1, 'JEM', 'withdrawn', 0, '2025-03-01'), (5, 2, 1, 'TFM', 'requested', 0, NULL)",
        "INSERT INTO audit_events (at, actor, action, object_type, object_id, before, after) VALUES "
        + ", ".join((
            _event(1, f'{{"status": "withdrawn", "withdrawn_on": "2025-02-01", "reason": "{REASON}"}}'),
            _event(2, '{"status": "withdrawn", "withdrawn_on": "2025-02-03", "reason": null}'),
            _event(4, '{"status": "withdrawn", "withdrawn_on": "2025-02-20", "reason": "Of another day"}'),
            "(:at, 'user:3', 'moa.withdraw', 'nominee', '5', NULL, '{\"withdrawn_on\": null, \"reason\": \"Not an MOA\"}')",
        )),
    )
    events = _rows(blank_url, "SELECT id, object_id, after FROM audit_events ORDER BY id")
    at_revision(blank_url, "0014_withdrawal_reason")
    assert _rows(blank_url, "SELECT id, status, withdrawal_reason FROM program_moas ORDER BY id") == [
        (1, "withdrawn", REASON), (2, "withdrawn", None), (3, "withdrawn", None), (4, "withdrawn", None), (5, "requested", None)]
    assert _rows(blank_url, "SELECT id, object_id, after FROM audit_events ORDER BY id") == events  # only read
    _downgrade(blank_url, "0013_withdrawn_moas")
    engine = create_engine(normalize_url(blank_url))
    with engine.connect() as conn:
        assert "withdrawal_reason" not in [c["name"] for c in inspect(conn).get_columns("program_moas")]
    engine.dispose()
    assert _rows(blank_url, "SELECT id, status, withdrawn_on FROM program_moas ORDER BY id")[0][:2] == (1, "withdrawn")
    assert _rows(blank_url, "SELECT version_num FROM alembic_version") == [("0013_withdrawn_moas",)]


def test_a_withdrawal_keeps_its_reason_with_the_moa_for_the_office_and_the_agency_never_the_public(db):
    with db.session() as session:
        w = build(session, "drafted")
    with db.session() as session:
        moas.withdraw_moa(session, OFFICER, w.wso, reason=f"  {REASON} ", today=TODAY)
        moas.withdraw_moa(session, OFFICER, w.tfm, today=TODAY)
    with db.session() as session:
        wso, tfm = (session.get(moas.ProgramMoa, moa_id) for moa_id in (w.wso, w.tfm))
        assert (wso.withdrawal_reason, tfm.withdrawal_reason) == (REASON, None)
        for actor in (OFFICER, w.user_a):
            shown = {m["id"]: m["withdrawal_reason"] for m in applications.application_detail(session, actor, w.application)["moas"]}
            assert shown == {w.tfm: None, w.wso: REASON}
        assert applications.moa_summary(wso)["withdrawal_reason"] == REASON
        public = views.public_application(session, PUBLIC, w.application)
        assert REASON not in repr(public) and all("withdrawal_reason" not in m for m in public["moas"])
        assert REASON not in repr(views.public_pending(session, ADMIN))
