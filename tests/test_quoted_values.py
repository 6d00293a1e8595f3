"""Error lines name the value a person gave as wording.quoted names it: in single quotes whatever quotes it holds, a
line break written \\n (one value, one line), a value of thousands of characters cut to its start with its length.
Python's repr, which several errors took, quoted "O'Brien's" in double quotes and a long value whole."""

import pytest

from g287.db.engine import Database
from g287.errors import G287Error
from g287.history.timeline import timeline
from tests.in_process import run_g287

# A value with an apostrophe and a line break, and one of thousands of characters.
TRICKY = "O'Brien's\nlist"
LONG = "x" * 5000
CUT = f"'{'x' * 80}' … (cut: 5,000 characters in all)"


def _one_error_line(database: str, *arguments: str) -> str:
    status, out, error = run_g287(database, *arguments)
    assert (status, out) == (1, "") and error.startswith("g287: error: ") and error.count("\n") == 1, (status, out, error)
    return error.removeprefix("g287: error: ").removesuffix("\n")


def test_a_publication_named_by_the_command_line_is_quoted(tmp_path):
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    assert _one_error_line(database, "quality", TRICKY) == "no publication named 'O'Brien's\\nlist': give an id, a file name or a date YYYY-MM-DD"
    assert _one_error_line(database, "quality", LONG) == f"no publication named {CUT}: give an id, a file name or a date YYYY-MM-DD"


def test_a_timeline_asked_for_an_interval_or_a_model_it_does_not_know_quotes_it(tmp_path):
    # The command line's --every and --model, and the API's, take their choices only: the service refuses any other
    # value for any other caller, and names it as an error line does.
    database = Database(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    with database.session() as session:
        with pytest.raises(G287Error) as every:
            timeline(session, every=TRICKY)
        with pytest.raises(G287Error) as model:
            timeline(session, model=LONG)
    database.dispose()
    assert str(every.value) == "--every 'O'Brien's\\nlist': choose one of day, week, month, publication"
    assert str(model.value) == f"--model {CUT}: one of JEM, TFM, WSO"
