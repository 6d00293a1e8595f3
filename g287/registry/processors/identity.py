"""Follow agencies across renames: compare the agencies created by this publication with the known ones."""

from g287.history.identity import resolve_new_agencies
from g287.history.names import identity_rules

ORDER = 10


def process(conn, event) -> None:
    resolve_new_agencies(conn, event.publication_id, event.series, event.seq, event.new_agency_ids)


def warm_up() -> None:
    identity_rules()
