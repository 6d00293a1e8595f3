"""Property-based run of schemathesis over /api/v1/openapi.json (in process): no server error, and every
response conforms to the schema the document declares (status codes, content type, body).

Each operation of the document is a test case of its own, so that test processes share them out; hypothesis draws a
bounded number of examples for each, and stops sooner by itself where an operation's inputs allow fewer (an
operation that takes no parameter is sent once)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from g287.web.app import create_app

EXAMPLES = 30

# The document search's query syntax (at least one word to find, at most 32 terms) is more than a JSON schema
# says: a query without a word is answered 422 naming the field, which the positive-data check would count as a
# valid request refused. Every other check (no server error, status codes, content type, body) still applies.
SYNTAX_NOT_IN_SCHEMA = {"GET /api/v1/documents/search"}
# Likewise the lists' `county`: a number is a county's FIPS code, and one that is no county's (`0`, `1059` for
# 01059) is a 422 naming it, as are a county of another state than `state`, a name of several of its counties and,
# with `state`, a name that is neither one of its counties nor the COUNTY text of one of its listings
# (tests/web/test_county_filter.py); a JSON schema cannot say which numbers and names are counties.
SYNTAX_NOT_IN_SCHEMA |= {"GET /api/v1/agencies", "GET /api/v1/agreements"}
# And the agency search's `q`: a letter or digit of any script, which no JSON schema pattern (ECMA-262) says.
SYNTAX_NOT_IN_SCHEMA |= {"GET /api/v1/search"}


class _NoDatabase:
    """Stands for the database while the operations are collected: building the application and its document opens
    none, and any use of it there is a mistake to be told at once (collection must not need a database)."""

    def __getattr__(self, name):
        raise AssertionError(f"the API's operations are collected without a database, yet its {name} was asked for")


def documented_operations() -> list[str]:
    """The label ("GET /api/v1/agencies") of each operation the application's document declares, in its order."""
    document = create_app(_NoDatabase()).openapi()
    return [result.ok().label for result in schemathesis.openapi.from_dict(document).get_all_operations()]


OPERATIONS = documented_operations()


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory, site_database_copies):
    """The document as the application serves it, over every bundled publication and the signed MOAs of
    tests/data/moa (a copy of its own of what the site's tests read: requests that change data change only it)."""
    database = site_database_copies(tmp_path_factory.mktemp("schemathesis"))
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(database))
    database.dispose()


def test_every_operation_the_application_serves_is_a_test_case(api_schema):
    """The cases below are collected from the document built without a database: the document served is the same
    one, and no operation is silently left out."""
    assert len(OPERATIONS) >= 60
    assert [result.ok().label for result in api_schema.get_all_operations()] == OPERATIONS


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_its_document(api_schema, label):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label
    excluded = [positive_data_acceptance] if label in SYNTAX_NOT_IN_SCHEMA else []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case):
        case.call_and_validate(excluded_checks=excluded)

    check()
