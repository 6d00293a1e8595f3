"""Undoing a merge gives each agreement to the agency whose names list it: an agreement created after the merge from
a separated name's listings went with neither name (it stayed with the other agency, and the separated agency was
given a second one), so one MOA was counted twice and shown for an agency that never listed it."""

from __future__ import annotations

import json

import pytest

from g287.history import review
from tests.history.builders import Publisher, row
from tests.in_process import run_g287

TAMPA = row("FL", "Tampa Police Department", "TFM")  # lists are never empty
OCALA, OCALA_PD = "Ocala Police Department", "Ocala PD"


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


def g287_json(db, *arguments):
    status, out, err = run_g287(db.url, *arguments, "--json")
    assert status == 0, err
    return json.loads(out)


def agreements_of(db, name):
    """The models of an agency's agreements, as `g287 agency NAME --state FL` gives them."""
    return sorted(a["model"] for a in g287_json(db, "agency", name, "--state", "FL")["agreements"])


def listed_agreements(db):
    """(agency, model) of every agreement `g287 agreements` lists in Florida."""
    return sorted((a["name"], a["model"]) for a in g287_json(db, "agreements", "--state", "FL"))


def publish_merged_then_listed(pub):
    """"Ocala PD" joins "Ocala Police Department" (abbreviation); a later list gives "Ocala PD" a WSO agreement,
    created under the merged agency, and "Ocala Police Department" its TFM."""
    pub.publish("participating", "2025-05-16", [TAMPA, row("FL", OCALA, "TFM", "2025-05-01")])
    pub.publish("participating", "2025-05-29", [TAMPA, row("FL", OCALA, "TFM", "2025-05-01"), row("FL", OCALA_PD, "JEM", "2025-05-20")])
    pub.publish("participating", "2025-06-10", [TAMPA, row("FL", OCALA, "TFM", "2025-05-01"), row("FL", OCALA_PD, "JEM", "2025-05-20"), row("FL", OCALA_PD, "WSO", "2025-06-02")])


def test_an_agreement_created_after_a_merge_goes_with_the_separated_name_that_lists_it(db, pub, actor):
    publish_merged_then_listed(pub)
    assert agreements_of(db, OCALA) == ["JEM", "TFM", "WSO"]
    figures = g287_json(db, "stats")
    review.add_alias(db, actor, "FL", OCALA_PD, "different", OCALA, "two agencies (test)")
    assert agreements_of(db, OCALA) == ["TFM"]
    assert agreements_of(db, OCALA_PD) == ["JEM", "WSO"]
    # One agreement per MOA: none left with the agency that never lists it, none made twice.
    assert listed_agreements(db) == sorted([(OCALA, "TFM"), (OCALA_PD, "JEM"), (OCALA_PD, "WSO"), ("Tampa Police Department", "TFM")])
    after = g287_json(db, "stats")
    assert after["participating"]["moas"] == figures["participating"]["moas"]
    assert after["participating"]["by_model"] == figures["participating"]["by_model"]


def test_a_model_both_names_list_is_an_agreement_of_each_after_the_merge_is_undone(db, pub, actor):
    """Both names list a TFM MOA (each its own signed date): each agency has one, with its own date; the model only
    the separated name lists goes with it."""
    pub.publish("participating", "2025-05-16", [TAMPA, row("FL", OCALA, "TFM", "2025-05-01")])
    pub.publish("participating", "2025-05-29", [TAMPA, row("FL", OCALA, "TFM", "2025-05-01"), row("FL", OCALA_PD, "TFM", "2025-05-20"), row("FL", OCALA_PD, "WSO", "2025-05-20")])
    review.add_alias(db, actor, "FL", OCALA_PD, "different", OCALA, "two agencies (test)")
    ocala, ocala_pd = (g287_json(db, "agency", name, "--state", "FL")["agreements"] for name in (OCALA, OCALA_PD))
    assert [(a["model"], a["signed_on"]) for a in ocala] == [("TFM", "2025-05-01")]
    assert [(a["model"], a["signed_on"]) for a in ocala_pd] == [("TFM", "2025-05-20"), ("WSO", "2025-05-20")]
