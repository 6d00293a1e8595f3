"""The file names of a list's addresses are worked out where the file is read (the documents processor's pure
work, in the reading worker of a batch): they must be what the writer would have worked out itself."""

from sqlalchemy import select

from g287.db.models.documents import DocumentAddress
from g287.documents.links import ensure_addresses, link_name_of, link_names
from g287.registry.ingest import prepare
from g287.registry.processors import documents
from tests.conftest import ICE


def test_every_address_of_a_list_is_named_as_link_name_of_names_it():
    prepared = prepare(ICE / "participating" / "participatingAgencies07092025am.xlsx")
    # The processor's own precompute: prepare() passes it only the readings this process had not met (the test
    # process may have read the list before).
    names = documents.precompute(prepared.readings)
    addresses = {url.strip() for r in prepared.readings if r.listing for url in (r.moa_url, r.addendum_url) if url and url.strip()}
    assert addresses and set(names) == addresses
    assert all(names[url] == link_name_of(url) for url in addresses)


def test_link_names_take_addresses_as_link_rows_does():
    assert link_names([None, "", "   ", " https://www.ice.gov/doc/287gMOA/a%20b.pdf "]) == {"https://www.ice.gov/doc/287gMOA/a%20b.pdf": "a b.pdf"}


def test_an_address_the_precomputed_names_miss_is_named_by_the_writer(db):
    covered, missed = "https://www.ice.gov/doc/287gMOA/FooCoSOTX_JEM_MOA.pdf", "https://www.ice.gov/doc/287gMOA/BarPD_TX_TFM_MOA.pdf"
    with db.engine.begin() as conn:
        ids = ensure_addresses(conn, {covered: "moa", missed: "moa"}, names=link_names([covered]))
        stored = dict(conn.execute(select(DocumentAddress.id, DocumentAddress.link_name)).all())
    assert stored == {ids[covered]: "FooCoSOTX_JEM_MOA.pdf", ids[missed]: "BarPD_TX_TFM_MOA.pdf"}
