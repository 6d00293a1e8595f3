"""The site's pages of a file published on two days (migration 0017: the same bytes under another day's name are
that day's publication too): what a page says of a publication is said of it, not of every publication of its bytes."""

from __future__ import annotations

import shutil
import warnings

from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.conftest import ICE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"
PROVENANCE = "preserved by the public archive appelson/Tracking_287g"


def test_only_the_bundled_file_is_said_to_come_from_the_archive(db, actor, tmp_path):
    """The bundled 29 May list saved under 1 June's name is a publication of 1 June with the archive's bytes; its
    page said it too was one of the lists "bundled here ... preserved by the public archive", suffixes and all."""
    june_1 = tmp_path / "participatingAgencies06012025am.xlsx"
    shutil.copyfile(MAY_29, june_1)
    bundled, copy = (ingest_file(db, path, actor).publication_id for path in (MAY_29, june_1))
    with TestClient(create_app(db)) as site:
        bundled_page, copy_page = (site.get(f"/publications/{p}").text for p in (bundled, copy))
    assert PROVENANCE in bundled_page
    assert "participatingAgencies06012025am.xlsx" in copy_page and PROVENANCE not in copy_page
