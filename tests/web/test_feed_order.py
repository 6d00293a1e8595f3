"""The Atom feed follows the registry's publication order: the list in force is its newest entry, whatever the
order the lists were ingested in."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from g287.exports.feed import atom_feed
from g287.registry.ingest import ingest_file
from g287.registry.publications import in_force, list_publications
from g287.registry.figures import stats
from tests.clock import sleep_into_next_second
from tests.conftest import ICE

ATOM = "{http://www.w3.org/2005/Atom}"


def _publication_of(entry) -> int:
    href = next(link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate")
    return int(href.rsplit("/", 1)[1])


def test_same_list_published_twice_and_ingested_out_of_order(db, actor):
    # ICE published 3 July pm twice; the second version (__v2, modified later) is the list in force. It is
    # ingested before the first version, which then sits between 20 June and it in the series.
    for name in ("pending/pendingAgencies07032025pm.xlsx", "participating/participatingAgencies06202025am.xlsx",
                 "participating/participatingAgencies07032025pm__v2.xlsx"):
        ingest_file(db, ICE / name, actor)
    sleep_into_next_second()  # the feed's times are to the second: the late ingestion must be seen as later
    ingest_file(db, ICE / "participating/participatingAgencies07032025pm.xlsx", actor)
    with db.session() as session:
        current = in_force(session, "participating", None)
        assert current.file_name == "participatingAgencies07032025pm__v2.xlsx"
        assert stats(session, None)["participating"]["moas"] == current.listing_count == 777
        series = [p.id for p in list_publications(session, "participating", "ice")]
        pending = list_publications(session, "pending", "ice")[0].id
        feed = ET.fromstring(atom_feed(session, "http://registry.example"))
    entries = feed.findall(f"{ATOM}entry")
    order = [_publication_of(e) for e in entries]
    assert order == [series[2], series[1], pending, series[0]]  # pm after am; on one day the participating list on top
    assert order[0] == current.id and "777 MOAs (+24)" in entries[0].find(f"{ATOM}title").text
    # The two lists of 3 July pm are told apart by their titles, not only by their content (a reader lists titles).
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0].startswith("ICE's participating list of 2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx: 777 MOAs")
    assert titles[1].startswith("ICE's participating list of 2025-07-03 pm, participatingAgencies07032025pm.xlsx: 753 MOAs")
    assert titles[3].startswith("ICE's participating list of 2025-06-20 am: ")  # no other list of its day: no file named
    related = next(link.get("href") for link in entries[0].findall(f"{ATOM}link") if link.get("rel") == "related")
    assert related.endswith(f"from={series[1]}&to={current.id}")

    def stamp(element) -> dt.datetime:
        return dt.datetime.fromisoformat(element.find(f"{ATOM}updated").text)

    # the list in force was compared with a list ingested after it: its entry changed then, and so did the feed
    assert stamp(feed) == stamp(entries[0]) == max(stamp(e) for e in entries)
    assert stamp(entries[0]) >= stamp(entries[1])
