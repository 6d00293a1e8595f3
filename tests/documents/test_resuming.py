"""Resuming a download cut off: the part held and the rest sent must be of one version of the file."""

import httpx

from g287.documents import settings
from g287.documents.archive import sha256_of
from g287.documents.fetch import PoliteClient
from tests.documents.conftest import moa

OLD, NEW = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf", "VictoriaCo_WSO_MOA_02.26.25.pdf"


def test_a_resumed_download_of_a_file_changed_meanwhile_is_fetched_whole_not_spliced(tmp_path):
    """A download of version "v1" is cut off; ICE then replaces the file ("v2"). A server (or cache) that ignores
    If-Range answers the Range with a 206 of v2's bytes: they were appended to v1's first half and the splice kept as
    the complete file (its length was right). The 206 says its own ETag: another than the part's is a file changed."""
    versions = {'"v1"': moa(OLD).read_bytes(), '"v2"': moa(NEW).read_bytes()}
    current = {"etag": '"v1"'}
    asked = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        asked.append((request.headers.get("range"), request.headers.get("if-range")))
        etag = current["etag"]
        body = versions[etag]
        headers = {"Content-Type": "application/pdf", "ETag": etag}
        if etag == '"v1"':  # the first half, then the connection ends
            return httpx.Response(200, headers={**headers, "Content-Length": str(len(body))}, content=iter([body[: len(body) // 2]]))
        wanted = request.headers.get("range")
        if wanted:  # If-Range ignored: the rest of whatever is there now
            start = int(wanted.removeprefix("bytes=").rstrip("-"))
            headers.update({"Content-Length": str(len(body) - start), "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"})
            return httpx.Response(206, headers=headers, content=iter([body[start:]]))
        return httpx.Response(200, headers={**headers, "Content-Length": str(len(body))}, content=iter([body]))

    config = settings.SyncSettings("http://unused/", "g287/test", delay=0.0, timeout=5, retries=0, backoff=0.0, max_bytes=10 << 20)
    with PoliteClient(config, tmp_path, sleep=lambda s: None, transport=httpx.MockTransport(answer)) as polite:
        cut = polite.fetch("http://ice.example/moa.pdf", expect="pdf")
        assert cut.status == "failed" and cut.retryable  # the first half kept, to resume
        current["etag"] = '"v2"'
        config = settings.SyncSettings("http://unused/", "g287/test", delay=0.0, timeout=5, retries=1, backoff=0.0, max_bytes=10 << 20)
    with PoliteClient(config, tmp_path, sleep=lambda s: None, transport=httpx.MockTransport(answer)) as polite:  # the next sync
        outcome = polite.fetch("http://ice.example/moa.pdf", expect="pdf")
    assert outcome.status == "downloaded" and outcome.sha256 == sha256_of(moa(NEW))[0] and outcome.size == len(versions['"v2"'])
    assert asked[1][1] == '"v1"' and asked[-1] == (None, None)  # resumed for v1, then v2 asked for whole
