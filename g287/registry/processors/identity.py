"""Follow agencies across renames: compare the agencies created by this publication with the known ones."""

from g287.history.identity import resolve_new_agencies
from g287.history.late_lists import is_late, judge_first_listings_again, recheck_continuity_merges, withdraw_continuity_proposals
from g287.history.names import identity_rules
from g287.history.pair_rules import withdraw_listed_together
from g287.history.refresh import refresh
from g287.registry.agencies import agencies_of_raw_rows

ORDER = 10


def process(conn, event) -> None:
    if is_late(conn, event):
        # A list older than one held (of either of ICE's lists) may fall between two lists a continuity merge took as
        # consecutive, or give first a name a merge took as new: such a merge is judged in publication order first,
        # before the names this list brings are compared with the agencies.
        recheck_continuity_merges(conn, event.series, event.seq)
        withdraw_continuity_proposals(conn, event.series, event.seq)  # a proposal by continuity, likewise
        # A known name this list is now the first to give is judged here as well, as the ingest in publication order
        # judged it new: the list before it may give its agreements under a name absent now (continuity).
        judge_first_listings_again(conn, event)
    else:
        resolve_new_agencies(conn, event.publication_id, event.series, event.seq, event.new_agency_ids)
    # A proposal made before this list, of two agencies it lists together, is one the rules no longer make.
    withdraw_listed_together(conn, event.series, event.listed_raw_row_ids)
    if not event.is_latest and event.origin == "ice":
        # A list older than one held already: an agreement it lists may be listed by no later one, and then its
        # signed date and addresses, and its agency's name, are this list's (the latest that lists them).
        refresh(conn, sorted(agencies_of_raw_rows(conn, event.listed_raw_row_ids)))


def warm_up() -> None:
    identity_rules()
