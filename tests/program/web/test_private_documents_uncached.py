"""The workflow's private documents (a draft MOA, a letter of interest) are never cached, unlike the archive's files
(tests/web/test_archived_file_caching.py): private, no-store, no ETag, and a conditional request still gets the
whole document, so no cache ever holds one to answer someone else."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/program/moas/{tfm}/draft.pdf", "/program/applications/{application}/letter.pdf"], ids=["draft", "letter"])
def test_a_private_document_still_says_no_store(program_world, clients, path):
    address = path.format(tfm=program_world.tfm, application=program_world.application)
    answer = clients["own_agency"].get(address)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert answer.headers["cache-control"] == "private, no-store" and "etag" not in answer.headers
    again = clients["own_agency"].get(address, headers={"if-none-match": "*"})
    assert again.status_code == 200 and again.headers["cache-control"] == "private, no-store"
    assert clients["public"].get(address, follow_redirects=False).status_code in (303, 401, 403, 404)
