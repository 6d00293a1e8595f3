"""The file names of a list's addresses are worked out where the file is read (the documents processor's pure
work, in the reading worker of a batch): they must be what the writer would have worked out itself."""

import datetime as dt
import hashlib

from sqlalchemy import func, insert, select

from g287.db.models.documents import DocumentAddress
from g287.documents.links import ensure_addresses, link_name_of, link_names, url_key
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


def test_addresses_differing_in_the_case_of_their_scheme_and_host_are_one_address_and_of_their_path_two(db):
    """Scheme and host are case-insensitive (RFC 3986, 6.2.2.1); a path is not, on ICE's server. The key compared
    the address as written: the capitals of a host pasted from a document made a second address, fetched twice."""
    upper, lower, other_path = "HTTPS://WWW.ICE.GOV/doclib/287gMOA/Harris.pdf", "https://www.ice.gov/doclib/287gMOA/Harris.pdf", "https://www.ice.gov/doclib/287gMOA/harris.pdf"
    assert url_key(upper) == url_key(lower) == url_key("https://Www.Ice.Gov/doclib/287gMOA/Harris.pdf") != url_key(other_path)
    assert url_key("https://User@WWW.ICE.GOV:443/x.pdf") == url_key("https://User@www.ice.gov:443/x.pdf") != url_key("https://user@www.ice.gov:443/x.pdf")
    with db.engine.begin() as conn:
        ids = ensure_addresses(conn, {upper: "moa", lower: "moa", other_path: "moa"})
        stored = conn.execute(select(DocumentAddress.id, DocumentAddress.url)).all()
    assert ids[upper] == ids[lower] != ids[other_path] and len(stored) == 2


def test_an_address_recorded_under_the_key_of_its_capitals_is_found(db):
    """An address recorded before the key lower-cased the host (its key the digest of the address as written) keeps its
    id: no second address for it."""
    earlier = "https://WWW.ICE.GOV/doclib/287gMOA/Harris.pdf"
    with db.engine.begin() as conn:
        conn.execute(
            insert(DocumentAddress.__table__),
            [{"url": earlier, "url_key": hashlib.sha256(earlier.encode()).hexdigest(), "link_name": "Harris.pdf", "link_key": "harris.pdf", "role": "moa", "status": "new", "failures": 0, "first_seen_at": dt.datetime.now(dt.timezone.utc)}],
        )
        [(recorded,)] = conn.execute(select(DocumentAddress.id)).all()
        ids = ensure_addresses(conn, {earlier: "moa", "https://www.ice.gov/doclib/287gMOA/Harris.pdf": "moa"})
        assert set(ids.values()) == {recorded} and conn.execute(select(func.count()).select_from(DocumentAddress)).scalar() == 1


def test_a_backslash_ends_the_host_whose_case_is_ignored_and_the_path_keeps_its_case():
    """A backslash is a slash to browsers (https://www.ice.gov\\doclib\\x.pdf opens /doclib/x.pdf): the host ends there.
    The key lower-cased all that followed the scheme up to the first slash, so two files differing in the case of
    their path, written with backslashes, were one address."""
    upper = "HTTPS://WWW.ICE.GOV\\doclib\\287gMOA\\Harris.pdf"
    assert url_key(upper) == url_key("https://www.ice.gov\\doclib\\287gMOA\\Harris.pdf")
    assert url_key(upper) != url_key("https://www.ice.gov\\doclib\\287gmoa\\harris.pdf")
