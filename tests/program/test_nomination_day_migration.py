"""Migration 0008 gives every nomination recorded before it its day: the local date of the moment it was recorded,
as the workflow read it then."""

import datetime as dt

from alembic import command
from sqlalchemy import text

from g287.db.dialect import schema_change
from g287.db.engine import alembic_config
from tests.program.world import build


def test_nominations_recorded_before_the_column_get_their_day(db):
    with db.session() as session:
        build(session, "certified")
    with db.engine.connect() as conn, schema_change(conn):
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007_search_keeps_every_word")
        ids = [row[0] for row in conn.execute(text("SELECT id FROM nominees ORDER BY id"))]
        recorded = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.timezone.utc)
        conn.execute(text("UPDATE nominees SET nominated_at = :moment"), {"moment": recorded})
        # One nominee recorded after its steps (steps were dated freely before the column): its day is its first step.
        late = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
        stepped = conn.execute(text("SELECT nominee_id, enrolled_on FROM enrolments ORDER BY nominee_id")).first()
        conn.execute(text("UPDATE nominees SET nominated_at = :moment WHERE id = :id"), {"moment": late, "id": stepped[0]})
    db.migrate()
    with db.engine.connect() as conn:
        days = {nominee_id: day for nominee_id, day in conn.execute(text("SELECT id, nominated_on FROM nominees"))}
        renewed = {day for (day,) in conn.execute(text("SELECT renewed_on FROM certifications"))}
    days = {k: d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for k, d in days.items()}
    enrolled = stepped[1] if isinstance(stepped[1], dt.date) else dt.date.fromisoformat(stepped[1])
    assert len(ids) > 1 and set(days) == set(ids)
    assert days.pop(stepped[0]) == enrolled  # the enrolment, its first step (no examination or certification before it)
    assert set(days.values()) == {dt.date(2024, 3, 5)}
    assert renewed == {None}  # a renewal's day was not kept before the column


def test_a_migration_that_leaves_a_row_referring_to_nothing_is_rolled_back(tmp_path):
    from g287.db.engine import Database
    from g287.errors import G287Error

    db = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
    with db.engine.connect() as conn:
        try:
            with schema_change(conn):
                conn.exec_driver_sql("CREATE TABLE parent_probe (id INTEGER PRIMARY KEY)")
                conn.exec_driver_sql("CREATE TABLE child_probe (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent_probe(id))")
                conn.exec_driver_sql("INSERT INTO child_probe VALUES (1, 42)")  # accepted while the keys are off
        except G287Error as error:
            assert "1 row referring to missing rows (first: child_probe row 1, to parent_probe)" in str(error)
        else:
            raise AssertionError("the violation was not found")
        assert conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE '%_probe'").fetchall() == []  # rolled back
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again
    db.dispose()
