"""Links applicant agencies of the program workflow to the registry agencies a new publication names (same state
and name key); see g287.program.agencies.link_published_names."""

from sqlalchemy.engine import Connection

from g287.registry.processors import IngestEvent

ORDER = 90


def process(conn: Connection, event: IngestEvent) -> None:
    from g287.program.agencies import link_published_names

    link_published_names(conn)
