"""The program catalog: every statement cites a known source; the models are the three ICE lists use."""

from g287.catalog import MODEL_CODES, catalog
from g287.sources.rules import source_rules, value_key


def test_every_statement_has_sources():
    cat = catalog()
    statements = [s for items in cat.program.values() for s in items]
    for model in cat.models.values():
        statements += [model.summary, *model.authorizes, *model.requirements, *model.training]
    assert len(statements) > 20
    assert all(s.sources and all(src.key in cat.sources for src in s.sources) for s in statements)


def test_models_match_what_ice_lists_say():
    cat = catalog()
    assert tuple(cat.models) == MODEL_CODES
    for code, model in cat.models.items():
        assert source_rules().models[value_key(model.ice_label)] == code


def test_unconfirmed_statements_are_marked():
    cat = catalog()
    assert not cat.models["JEM"].training[0].confirmed
    assert cat.models["TFM"].training[0].confirmed
