"""Inputs that once answered 500: a CSRF token with non-ASCII characters, a PDF with unsupported encryption."""

import pytest

from g287.program import auth, storage


@pytest.mark.parametrize("token", ["1.a.é", "1.a.\xe9", "²2.a.b", "", None, "1.2"])
def test_odd_csrf_tokens_are_refused_not_crashed(token):
    with pytest.raises(auth.CsrfRejected):
        auth.verify_csrf(token, auth.seed_binding(auth.new_csrf_seed()))


def test_a_pdf_with_unsupported_encryption_is_refused():
    pdf = (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</Filter/Standard/V 9/R 9/O<00>/U<00>/P -4>>endobj\n"
        b"trailer<</Root 1 0 R/Encrypt 3 0 R/ID[<00><00>]>>\n%%EOF\n"
    )
    with pytest.raises(storage.UploadRejected):
        storage.check_pdf(pdf)
