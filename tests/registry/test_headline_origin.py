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
