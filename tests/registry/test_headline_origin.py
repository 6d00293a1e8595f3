"""The headline names whose lists it speaks of, also when it has none to count: with `--origin registry` it said
"holds no participating list of ICE's"."""

from g287.registry import figures


def test_a_headline_without_a_list_names_whose_list_is_missing(db):
    with db.session() as session:
        own = figures.stats(session, origin="registry")
        ices = figures.stats(session)
    assert own["origin"] == "registry" and ices["origin"] == "ice"
    assert "holds no participating list of this registry's own published on or before" in figures.headline(own)
    assert "holds no participating list of ICE's published on or before" in figures.headline(ices)


def test_the_pending_sentence_counts_the_agencies_with_a_participating_list_too(bundled_db):
    """`g287 stats` said the pending list's agencies before any participating list ("Pending: 92 listings with 87
    agencies in 22 states") and not after ("Pending: 92 listings in 22 states"); the site says them on both dates."""
    import datetime as dt

    for day in (dt.date(2025, 5, 15), dt.date(2025, 5, 29)):
        with bundled_db.session() as session:
            text = figures.headline(figures.stats(session, day))
        assert "Pending: 92 listings with 87 agencies in 22 states, per pendingAgencies05152025am.xlsx." in text, text
