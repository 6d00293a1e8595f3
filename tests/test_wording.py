"""wording.requoted: a text stored with names in Python's quotes (repr), shown with each name quoted as in_quotes
quotes it; a text that does not read that way whole is shown as stored."""

import pytest

from g287.wording import in_quotes, requoted

TRICKY = [
    "Ocala PD",
    "O'Brien's Police Department",  # repr: in double quotes
    'Kings "East" Police Department',  # repr: in single quotes
    "O'Brien's \"East\" PD",  # both quotes: repr escapes the single ones, \'
    "Back\\slash Police Department",  # repr: \\
    "Two\nLines PD",  # repr: \n
    "Tab\there PD",
    "Peñasco Policía",  # printable non-ASCII: as it is in both
    "Nel\x85 zero\u200b width PD",  # non-printable non-ASCII: repr's \x85 and \u200b
    "Astral \U0001d11e and \U000e0001 PD",  # printable and non-printable astral characters
    "",
]


@pytest.mark.parametrize("name", TRICKY)
def test_each_literal_repr_wrote_is_quoted_as_in_quotes_quotes_it(name):
    assert requoted(f"FL: {name!r} is 'Ocala PD'") == f"FL: {in_quotes(name)} is 'Ocala PD'"


def test_every_name_of_a_text_is_requoted_and_the_words_between_are_kept():
    names = TRICKY[1:5]
    stored = f"FL: the alias table says {names[0]!r} is {names[1]!r} and {names[2]!r} and is not {names[3]!r}, names of one agency"
    assert requoted(stored) == (
        f"FL: the alias table says {in_quotes(names[0])} is {in_quotes(names[1])} and {in_quotes(names[2])} and is not {in_quotes(names[3])}, names of one agency"
    )


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "in publication order, with the list of 2025-05-29 am ingested since",  # no literal
        "alias removed",
        "FL: 'Ocala PD is 'Tampa PD",  # a quote left open
        "FL: 'Ocala PD' is 'Tampa PD",
        "FL: \"O'Brien's PD is 'Ocala PD'",
        "FL: 'Ocala\\' is 'Tampa PD'",  # an escaped closing quote: the literal runs on
        "FL: 'Ocala PD' \\ 'Tampa PD'",  # a backslash between literals
        "FL: 'Oca\\la PD'",  # an escape repr never writes
        "FL: 'Oca\\N{BULLET}la PD'",
        "FL: 'Oca\\101la PD'",  # octal
        "FL: 'Ocala\nPD'",  # a line break inside the quotes: repr writes \n
        "ICE's \"Ocala\" list",  # a person's words
    ],
)
def test_a_text_that_is_not_repr_literals_between_plain_words_is_shown_as_stored(stored):
    assert requoted(stored) == stored
