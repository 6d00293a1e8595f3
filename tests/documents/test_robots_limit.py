"""A robots.txt longer than what is read (ROBOTS_MAX_BYTES, RFC 9309 2.5): the line the limit cuts is not read."""

import httpx
import pytest

from g287.documents import settings
from g287.documents.fetch import PoliteClient
from g287.documents.robots import ROBOTS_MAX_BYTES

ALLOW = b"Allow: /287gMOA/public.pdf\n"


@pytest.mark.parametrize("coding", [None, "gzip"])
def test_the_rule_that_the_size_limit_cuts_off_is_not_read_as_a_shorter_one(tmp_path, coding):
    """The limit fell inside "Allow: /287gMOA/public.pdf", which was read as "Allow: /287gMOA/": as long as the
    Disallow of the folder, so it won the tie and every MOA robots.txt disallows was fetched."""
    import gzip

    head = b"User-agent: *\nDisallow: /287gMOA/\n"
    cut = len(b"Allow: /287gMOA/")
    padding = b"#" * (ROBOTS_MAX_BYTES - len(head) - cut - 1) + b"\n"
    robots = head + padding + ALLOW + b"Disallow: /other/\n" * 10
    assert robots[:ROBOTS_MAX_BYTES].endswith(b"Allow: /287gMOA/")
    asked = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/robots.txt":
            if coding:
                return httpx.Response(200, headers={"Content-Type": "text/plain", "Content-Encoding": coding}, content=iter([gzip.compress(robots)]))
            return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=iter([robots]))
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, content=iter([b"%PDF-1.4\n"]))

    config = settings.SyncSettings("http://unused/", "g287/test", delay=0.0, timeout=5, retries=0, backoff=0.0, max_bytes=10 << 20)
    with PoliteClient(config, tmp_path, sleep=lambda s: None, transport=httpx.MockTransport(answer)) as polite:
        refused = polite.fetch("http://ice.example/287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf", expect="pdf")
        allowed = polite.fetch("http://ice.example/doclib/page.pdf", expect="pdf")
    assert refused.status == "failed" and "disallows" in refused.problem
    assert asked == ["/robots.txt", "/doclib/page.pdf"]  # the rules read before the limit still apply
    assert allowed.http_status == 200
