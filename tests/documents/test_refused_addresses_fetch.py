"""The fetcher refuses the document addresses ingest refuses (g287.sources.links.refused_address), whether recorded
before ingest refused them or met as a redirect."""

from __future__ import annotations

from tests.documents.conftest import moa
from tests.documents.fakeice import Route
from tests.documents.test_polite_fetching import BURLESON, client, with_redirects


def test_an_address_or_a_redirect_with_a_user_before_its_host_is_not_fetched(hosts, tmp_path):
    """Ingest refuses such a document address (tests/registry/test_link_addresses.py), but one recorded before it did,
    or a redirect to one, was fetched: "http://www.ice.gov@127.0.0.1:PORT/b.pdf" opens 127.0.0.1."""
    first, second = hosts
    second.routes["/b.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    target = second.url("/b.pdf").replace("://", "://www.ice.gov@", 1)
    with_redirects(first, {"/a.pdf": target})
    with client(tmp_path, []) as polite:
        direct = polite.fetch(target, expect="pdf")
        redirected = polite.fetch(first.url("/a.pdf"), expect="pdf")
    assert direct.status == "failed" and "a user name or password before its host" in direct.problem
    assert direct.attempts == direct.robots_requests == 0
    assert redirected.status == "failed" and redirected.problem.startswith(f"HTTP 302: a redirect to {target}: not fetched")
    assert not second.requests_for("/b.pdf")
