"""A model's code is taken in any case wherever a parameter takes one (the API, the downloads, the pages), as
`--model` takes it, and passed on in capitals: `model=jem` was a 422 in the API while `--model jem` answered. A code
naming no model is a 422 naming the value. The OpenAPI document's pattern admits exactly the codes accepted."""

from __future__ import annotations

import itertools
import re
import string

import pytest

from g287.catalog import MODEL_CODES

ECHOED = {
    "/api/v1/timeline": lambda answer: answer.json()["model"],
    "/api/v1/series": lambda answer: answer.json()["model"],
}
FILTERED = {
    "/api/v1/agreements": lambda answer: {a["model"] for a in answer.json()["items"]},
    "/exports/agreements.json": lambda answer: {a["model"] for a in answer.json()["agreements"]},
}
ANSWERED = ["/api/v1/coverage", "/api/v1/counties", "/api/v1/agencies", "/exports/states.geojson", "/exports/counties.geojson"]


@pytest.mark.parametrize("given", ["jem", "Jem", "jEM"])
@pytest.mark.parametrize("path", list(ECHOED))
def test_a_code_in_any_case_is_echoed_in_capitals(site, path, given):
    answer = site.get(path, params={"model": given})
    assert answer.status_code == 200, answer.text
    assert ECHOED[path](answer) == "JEM"
    assert answer.json() == site.get(path, params={"model": "JEM"}).json()


@pytest.mark.parametrize("given", ["tfm", "tFm"])
@pytest.mark.parametrize("path", [*FILTERED, *ANSWERED])
def test_a_code_in_any_case_answers_as_in_capitals(site, path, given):
    answer = site.get(path, params={"model": given, "limit": 50} if path.startswith("/api/v1/a") else {"model": given})
    assert answer.status_code == 200, answer.text
    if path in FILTERED:
        assert FILTERED[path](answer) == {"TFM"}
    same = site.get(path, params={"model": "TFM", "limit": 50} if path.startswith("/api/v1/a") else {"model": "TFM"})
    assert answer.content == same.content


@pytest.mark.parametrize("path", ["/agencies", "/pending", "/"])
def test_the_pages_take_a_code_in_any_case(site, path):
    page = site.get(path, params={"model": "wso"})
    assert page.status_code == 200, page.text
    assert page.text == site.get(path, params={"model": "WSO"}).text


@pytest.mark.parametrize("path", [*ECHOED, *FILTERED, *ANSWERED])
@pytest.mark.parametrize("given", ["xyz", "JE", "jail", " jem", "j\u0130m"])
def test_a_code_naming_no_model_is_refused_naming_the_value(site, path, given):
    answer = site.get(path, params={"model": given})
    assert answer.status_code == 422
    fields = answer.json()["error"]["fields"]
    assert fields == [{"field": "model", "message": f"model {given!r}: not a model: JEM, TFM, WSO (in any case)"}]


def test_the_documented_pattern_admits_exactly_the_codes_accepted(site):
    from g287.web.params import MODEL_PATTERN

    pattern = re.compile(MODEL_PATTERN)
    triples = ["".join(p) for p in itertools.product("JEMTFWSOjemtfwso" + string.digits[:2], repeat=3)]
    assert {t for t in triples if pattern.fullmatch(t)} == {t for t in triples if t.upper() in MODEL_CODES}
    document = site.get("/api/v1/openapi.json").json()
    documented = [
        p["schema"] for operations in document["paths"].values() for p in operations.get("get", {}).get("parameters", []) if p["name"] == "model"
    ]
    assert len(documented) >= 7
    assert all(s["anyOf"][0]["pattern"] == MODEL_PATTERN and "enum" not in s["anyOf"][0] for s in documented)
