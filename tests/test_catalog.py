"""The program catalog: every statement cites a known source; the models are the three ICE lists use."""

from g287.catalog import MODEL_CODES, catalog
from g287.sources.rules import source_rules, value_key


def _statements():
    cat = catalog()
    statements = [s for items in cat.program.values() for s in items]
    for model in cat.models.values():
        statements += [model.summary, *model.authorizes, *model.requirements, *model.training]
        statements += [model.launched] if model.launched else []
    return statements


def test_every_statement_has_sources():
    cat = catalog()
    statements = _statements()
    assert len(statements) > 20
    assert cat.models["WSO"].launched in statements
    assert all(s.sources and all(src.key in cat.sources for src in s.sources) for s in statements)


def test_every_source_listed_is_cited():
    """A source listed under [sources] but cited by no statement, course fact or rule would be named nowhere a
    reader can see it; every one is cited."""
    from g287.program.courses import course_catalog
    from g287.program.rules import rule_catalog

    courses = course_catalog()
    facts = [courses.policy.statement]
    for course in courses.courses.values():
        facts += [course.hours, course.delivery, course.cost, course.exams, course.certification, course.refresher, *course.topics]
    rules = [rule for model_rules in rule_catalog().values() for rule in model_rules]
    cited = {src.key for item in (*_statements(), *facts, *rules) for src in item.sources}
    assert cited == set(catalog().sources)


def test_summaries_are_confirmed():
    """The home page, the models pages and the fact sheet show each model's summary as a plain description, with
    its source but no "unconfirmed" badge: a summary must rest on a source that confirms it."""
    assert all(model.summary.confirmed for model in catalog().models.values())


def test_models_match_what_ice_lists_say():
    cat = catalog()
    assert tuple(cat.models) == MODEL_CODES
    for code, model in cat.models.items():
        assert source_rules().models[value_key(model.ice_label)] == code


def test_unconfirmed_statements_are_marked():
    cat = catalog()
    assert not cat.models["JEM"].training[0].confirmed
    assert cat.models["TFM"].training[0].confirmed
