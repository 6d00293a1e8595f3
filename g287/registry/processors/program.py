"""Links applicant agencies of the program workflow to the registry agencies a new publication names (same state
and name key); see g287.program.agencies.link_published_names."""

import importlib

from sqlalchemy.engine import Connection

from g287.registry.processors import IngestEvent

ORDER = 90


def process(conn: Connection, event: IngestEvent) -> None:
    if not event.new_raw_row_ids:  # names already seen were linked when they (or the applicant) first came
        return
    from g287.program.agencies import link_published_names

    link_published_names(conn)


def warm_up() -> None:
    # Imported late in process(), as the program package imports the registry: loaded here before the first file.
    importlib.import_module("g287.program.agencies")
