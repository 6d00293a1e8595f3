"""The same bytes as another kind of list or from another origin, on the same day: publication_holding asked only
for the sha256 and the day, so a pending list's bytes named as that day's participating list, or ICE's list named as
the registry's own, were "unchanged" and the result named the other list as this one. They are read now, and refused
with one message, the database unchanged (it holds a file once a day: uq_publications_sha256_published_on_half)."""

import shutil

import pytest
from sqlalchemy import func, select

from g287.db.models.registry import Publication
from g287.errors import SourceError
from g287.registry.batch import ingest_many
from g287.registry.ingest import ingest_file
from tests.conftest import ICE, snapshot

PENDING_MAY_15 = ICE / "pending" / "pendingAgencies05152025am.xlsx"
MAY_16 = ICE / "participating" / "participatingAgencies05162025am.xlsx"


def _publications(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Publication))


@pytest.mark.parametrize("many", [False, True], ids=["ingest_file", "ingest_many"])
def test_a_pending_lists_bytes_named_as_the_participating_list_of_its_day_are_refused_not_unchanged(db, actor, tmp_path, many):
    assert ingest_file(db, PENDING_MAY_15, actor).status == "ingested"
    renamed = tmp_path / "participatingAgencies05152025am.xlsx"
    shutil.copyfile(PENDING_MAY_15, renamed)
    before = snapshot(db)
    if many:
        results, errors = ingest_many(db, [renamed], actor)
        assert results == [] and [type(e) for e in errors] == [SourceError]
        message = str(errors[0])
    else:
        with pytest.raises(SourceError) as raised:
            ingest_file(db, renamed, actor)
        message = str(raised.value)
    assert "missing required columns SIGNED, MOA for a participating list" in message
    assert snapshot(db) == before


@pytest.mark.parametrize("many", [False, True], ids=["ingest_file", "ingest_many"])
def test_ices_list_named_as_the_registrys_own_list_of_its_day_is_refused_not_unchanged(db, actor, tmp_path, many):
    held = ingest_file(db, MAY_16, actor)
    renamed = tmp_path / "participatingAgencies05162025am_registry.xlsx"
    shutil.copyfile(MAY_16, renamed)
    before = snapshot(db)
    expected = (
        f"participatingAgencies05162025am_registry.xlsx: the same file is held already as ICE's participating list of 2025-05-16 "
        f"(publication {held.publication_id}), not this registry's participating list: nothing was ingested"
    )
    if many:
        results, errors = ingest_many(db, [renamed], actor, origin="registry")
        assert results == [] and [str(e) for e in errors] == [expected]
    else:
        with pytest.raises(SourceError, match="held already") as raised:
            ingest_file(db, renamed, actor, origin="registry")
        assert str(raised.value) == expected
    assert snapshot(db) == before and _publications(db) == 1
    # The same bytes under the same name and origin are still the same publication.
    assert ingest_file(db, MAY_16, actor).status == "unchanged"
