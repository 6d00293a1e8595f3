"""E-mail safety redirects other than Microsoft's and Proofpoint's (g287/data/rules/safety_redirects.toml): each is
unwrapped to the real address where it carries one, gives no address where it does not, and leaves nothing of
itself (host, token, mailbox) in what the ingest keeps or in the copy the archive publishes."""

from __future__ import annotations

import base64
import html
import io
import re
import zipfile
from urllib.parse import parse_qs, quote, urlsplit

import openpyxl
import pytest

from g287.documents.workbook_copy import publishable_copy
from g287.registry.ingest import prepare
from g287.sources.links import UNRECOVERED, names_a_wrapper, unwrap, without_wrappers, wrapper_rules
from g287.sources.xlsx import read_xlsx
from tests.registry.test_crafted_workbooks import JUNE_17, edited, everything_read

DOCUMENT = "https://www.ice.gov/doclib/287gMOA/X_TFM_MOA.pdf"
MAILBOX = "john.doe%40ice.dhs.gov"


def _base64(text: str, url_safe: bool = False) -> str:
    return (base64.urlsafe_b64encode if url_safe else base64.b64encode)(text.encode()).decode()


def barracuda(address: str) -> str:
    escaped = re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), quote(address, safe=""))  # as Barracuda writes them
    return f"https://linkprotect.cudasvc.com/url?a={escaped}&c=E,1,{MAILBOX}Zx9,,&typo=1"


def cisco(address: str) -> str:
    return f"https://secure-web.cisco.com/1VqOjcxMgKL3XZ{MAILBOX}KKw5/{quote(address, safe='')}"


def sophos(address: str) -> str:  # as Sophos writes it: no slash before the query
    return f"https://us-west-2.protection.sophos.com?d=ice.gov&u={_base64(address)}&i=NjQ0M2U3&t=eWI5V3h5&h=9ba410ca{MAILBOX}"


def mimecast(_address: str) -> str:
    return f"https://protect-us.mimecast.com/s/oXA1C31VmKUDGq1gTL1Q5H?domain=ice.gov&r={MAILBOX}"


@pytest.mark.parametrize(
    "wrapped, wrapper",
    [
        (barracuda(DOCUMENT), "Barracuda Link Protection"),
        (cisco(DOCUMENT), "Cisco Secure Email"),
        (sophos(DOCUMENT), "Sophos Email time-of-click protection"),
        (sophos(barracuda(DOCUMENT)), "Barracuda Link Protection"),  # a wrapper inside a wrapper (seen on the web)
        (sophos(DOCUMENT).replace(".com?", ".com/?"), "Sophos Email time-of-click protection"),  # with a slash too
        ("https://secure-web.cisco.com/1VqOjcxMgKL3XZ/" + DOCUMENT, "Cisco Secure Email"),  # the address not encoded
        # Written as browsers still read them: one slash, backslashes, no scheme, a user and a port, a host
        # percent-encoded, each a wrapper all the same (they kept the wrapper, mailbox included).
        (barracuda(DOCUMENT).replace("https://", "https:/"), "Barracuda Link Protection"),
        (barracuda(DOCUMENT).replace("https://", "https:\\\\").replace(".com/url", ".com\\url"), "Barracuda Link Protection"),
        (barracuda(DOCUMENT).replace("https://", ""), "Barracuda Link Protection"),
        (barracuda(DOCUMENT).replace("https://", "https://user@").replace(".com/", ".com:443/"), "Barracuda Link Protection"),
        (barracuda(DOCUMENT).replace("cudasvc", "cuda%73vc"), "Barracuda Link Protection"),
        # Safe Links around an address written without its scheme
        ("https://nam12.safelinks.protection.outlook.com/?url=" + quote(barracuda(DOCUMENT).replace("https://", ""), safe="") + f"&data={MAILBOX}", "Barracuda Link Protection"),
    ],
)
def test_each_wrapper_that_carries_the_address_gives_it(wrapped, wrapper):
    assert unwrap(wrapped) == type(unwrap(wrapped))(DOCUMENT, wrapper)


def test_base64_in_either_alphabet_and_with_a_plus_sign_is_decoded():
    # "?>" encodes to "Pz4" in both alphabets; "~~~" to "fn5+" (standard) or "fn5-" (URL-safe): a "+" in a query is
    # a space to a query's decoder.
    address = "https://www.ice.gov/doclib/a~~~.pdf?x=1&y=?>"
    standard = _base64(address)
    assert "+" in standard
    for encoded in (standard, _base64(address, url_safe=True), standard.rstrip("=")):
        assert unwrap(f"https://eu-west-1.protection.sophos.com/?d=ice.gov&u={encoded}&i=1").url == address


@pytest.mark.parametrize(
    "wrapped",
    [
        mimecast(DOCUMENT),  # a token only Mimecast resolves: the link names the host at most
        "https://url.us.m.mimecastprotect.com/s/abcDEF123?domain=ice.gov",
        "https://us-west-2.protection.sophos.com/?d=ice.gov&u=not*base64&i=1",  # no address is guessed
        "https://us-west-2.protection.sophos.com/?d=ice.gov&u=/w==",  # base64 of a byte that is no text
        "https://linkprotect.cudasvc.com/url?c=E,1,abc&typo=1",  # the address parameter is missing
        "https://secure-web.cisco.com/1VqOjcxMgKL3XZ",  # a token and nothing after it
        "https://linkprotect.cudasvc.com/other?a=https%3a%2f%2fwww.ice.gov%2fa.pdf",  # a wrapper's host, a form not known
        "https://protect-us-gov.mimecast.com/s/TOKEN?domain=ice.gov",  # another of Mimecast's protection hosts
        "https://us-west-2.protection.sophos.com?u=" + _base64("https://www.ice.gov/a\x00b.pdf"),  # a control character
        "https://secure-web.cisco.com/1TOKEN/" + quote("https://www.ice.gov/a\nb.pdf", safe=""),
        # wrapped more deeply than any mail system wraps
        barracuda(barracuda(barracuda(barracuda(barracuda(barracuda(barracuda(DOCUMENT))))))),
    ],
)
def test_a_wrapper_that_does_not_carry_the_address_gives_none(wrapped):
    unwrapped = unwrap(wrapped)
    assert unwrapped.url is None and unwrapped.wrapper


def test_a_wrappers_vendor_named_outside_a_wrapper_is_no_wrapper():
    for address in ("https://community.mimecast.com/s/article/x", "https://www.sophos.com/en-us/products/email", "https://www.cisco.com/c/en/us/products/security/email-security/index.html"):
        assert unwrap(address) == type(unwrap(address))(address, None)
    assert without_wrappers("scanned by Mimecast") == ("scanned by Mimecast", 0)


def test_wrapped_addresses_in_cell_text_are_replaced_for_every_wrapper():
    cleaned, replaced = without_wrappers(f"MOA: {barracuda(DOCUMENT)} and {mimecast(DOCUMENT)}.")
    assert (cleaned, replaced) == (f"MOA: {DOCUMENT} and {UNRECOVERED}.", 2)
    assert names_a_wrapper("see LINKPROTECT.CUDASVC.COM/url?a=x") and names_a_wrapper("Secure-Web.Cisco.com") and not names_a_wrapper("www.ice.gov")


def test_every_wrappers_host_holds_a_hint_word():
    """Text naming no hint word is not scrubbed: a wrapper whose host held none would pass unscrubbed."""
    rules = wrapper_rules()
    examples = {
        "Microsoft Safe Links": "gcc02.safelinks.protection.outlook.com", "Proofpoint URL Defense": "urldefense.com",
        "Barracuda Link Protection": "linkprotect.cudasvc.com", "Cisco Secure Email": "secure-web.cisco.com",
        "Sophos Email time-of-click protection": "us-west-2.protection.sophos.com", "Mimecast URL Protect": "protect-us.mimecast.com",
    }
    assert {form.name for form in rules.forms} == set(examples)
    for form in rules.forms:
        host = "urldefense.proofpoint.com" if form.path.startswith(("/v1/", "/v2/")) else examples[form.name]
        assert form.host.search(host), form
        assert any(word in host for word in rules.words), form


WRAPPERS = [barracuda, cisco, sophos, mimecast]
_SAFE_LINK = re.compile(r'Target="(https://gcc02\.safelinks\.protection\.outlook\.com/[^"]*)"')


def _rewrapped(content: bytes) -> bytes:
    """The sheet's Safe Links, each wrapped instead by the next of WRAPPERS in turn, with a mailbox in each."""
    turn = iter(range(10_000))

    def rewrap(match: re.Match) -> str:
        real = parse_qs(urlsplit(html.unescape(match[1])).query)["url"][0]
        return 'Target="' + html.escape(WRAPPERS[next(turn) % len(WRAPPERS)](real)) + '"'

    return _SAFE_LINK.sub(rewrap, content.decode()).encode()


def test_a_list_linking_through_other_wrappers_keeps_only_the_real_addresses(tmp_path):
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    path = edited(JUNE_17, tmp_path / JUNE_17.name, {rels: _rewrapped})
    written = zipfile.ZipFile(path).read(rels).decode()
    assert all(host in written for host in ("cudasvc", "secure-web.cisco", "protection.sophos", "mimecast")) and "safelinks" not in written
    before, after = read_xlsx(JUNE_17), read_xlsx(path)
    lost = [(b.number, column) for b, a in zip(before.rows, after.rows) for column, url in b.links.items() if a.links.get(column) != url]
    wrapped = [n for n in before.notes if "safety redirect" in n.problem][0]
    note = [n for n in after.notes if "safety redirect" in n.problem][0]
    # One link in four went through Mimecast, whose links do not carry the address: those cells have none.
    assert wrapped.problem == note.problem == "37 links wrapped in an e-mail safety redirect"
    assert len(lost) == 37 // 4 and all(after.rows[n - after.header_row - 1].links.get(c) is None for n, c in lost)
    assert note.action.startswith(f"{37 - len(lost)} unwrapped to the document's real address, {len(lost)} not") and note.category == "unknown"
    kept = everything_read(path)
    assert "document address unknown" in kept  # each row that lost its link says so
    for trace in ("cudasvc", "cisco", "sophos", "mimecast", "john.doe", "ice.dhs.gov", "NjQ0M2U3"):
        assert trace not in kept.lower(), trace
    copy = publishable_copy(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        published = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace").lower()
    for trace in ("cudasvc", "cisco", "sophos", "mimecast", "john.doe", "ice.dhs.gov"):
        assert trace not in published, trace


def test_a_wrapped_link_to_no_web_address_is_not_counted_as_unwrapped(tmp_path):
    """A redirect unwrapped to mailto:... gives no document address: the register said it was unwrapped to the
    document's real address."""
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    mailto = "mailto:john.doe@ice.dhs.gov"
    path = edited(JUNE_17, tmp_path / JUNE_17.name, {rels: lambda b: _SAFE_LINK.sub(lambda m: 'Target="' + html.escape(barracuda(mailto)) + '"', b.decode(), count=1).encode()})
    note = [n for n in read_xlsx(path).notes if "safety redirect" in n.problem][0]
    assert note.action.startswith("36 unwrapped to the document's real address, 1 not") and note.category == "unknown"
    assert "john.doe" not in everything_read(path)


SAFE = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fx.pdf&data=05%7Cjohn.doe%40ice.dhs.gov"


@pytest.mark.parametrize(
    "text, cleaned",
    [
        # An address right after "(" or a label: the run of text began with them, was read as a host "(https" or
        # "moa", and was kept whole, mailbox included.
        (f"Colbert County ({SAFE})", "Colbert County (https://www.ice.gov/x.pdf)"),
        (f"MOA:{SAFE}", "MOA:https://www.ice.gov/x.pdf"),
        (f"[{SAFE}]", "[https://www.ice.gov/x.pdf]"),
        (f"(see:{SAFE[len('https://'):]})", "(see:https://www.ice.gov/x.pdf)"),
        # A host percent-encoded or in full-width letters, which a browser reads as the wrapper's.
        (SAFE.replace("safelinks", "%73afelinks"), "https://www.ice.gov/x.pdf"),
        (SAFE.replace("safelinks", "\uff53afelinks"), "https://www.ice.gov/x.pdf"),
    ],
)
def test_a_wrapped_address_in_text_is_found_whatever_comes_before_it(text, cleaned):
    assert without_wrappers(text) == (cleaned, 1)


@pytest.mark.parametrize(
    "address",
    [
        "mailto:support@urldefense.com",  # another scheme: no web address, and no wrapper
        "file:///C:/Users/someone/safelinks.pdf",
        "[Archive]/Mimecast policy.pdf",  # a path relative to the workbook names no host
        "https://www.ice.gov/doclib/safelinks-policy.pdf",
    ],
)
def test_what_is_no_web_address_or_no_wrappers_host_is_given_back_as_it_is(address):
    assert unwrap(address) == type(unwrap(address))(address, None)


def test_a_cisco_address_encoded_whole_is_not_given_the_wrappers_own_query():
    """A query after an address percent-encoded whole is the wrapper's: it was appended, mailbox included."""
    wrapped = "https://secure-web.cisco.com/TOKEN/" + quote(DOCUMENT, safe="") + "?c=" + MAILBOX
    assert unwrap(wrapped).url == DOCUMENT
    assert unwrap("https://secure-web.cisco.com/TOKEN/" + DOCUMENT + "?v=2#p3").url == DOCUMENT + "?v=2#p3"


def test_a_host_and_port_written_without_a_scheme_is_read_as_a_host():
    assert unwrap(SAFE.replace("https://", "").replace(".com/", ".com:443/")).url == "https://www.ice.gov/x.pdf"
    assert unwrap("www.urldefense.com:443/v3/__https://www.ice.gov/x__;!!" + MAILBOX).url is None


@pytest.mark.parametrize(
    "broken",
    [
        SAFE.replace("safelinks", "safe\tlinks"),  # a tab inside the host
        SAFE.replace("safelinks", "safe\r\nlinks"),  # a line break inside the host
        SAFE.replace("https://", "https:\n//"),
        SAFE.replace("&data", "&da\nta"),  # a line break inside the query: the mailbox was on the next line
        barracuda(DOCUMENT).replace("cudasvc", "cuda\nsvc"),
    ],
)
def test_a_wrapped_address_broken_by_a_tab_or_line_break_is_unwrapped(broken):
    """Browsers remove tabs and line breaks from an address: the wrapper was not found (or only its first line
    was), and its mailbox was kept."""
    expected = "https://www.ice.gov/x.pdf" if "nam12" in broken else DOCUMENT
    assert unwrap(broken).url == expected and unwrap(broken).wrapper
    cleaned, replaced = without_wrappers(f"MOA:\n{broken}\nsigned")
    assert replaced == 1 and "john.doe" not in cleaned and cleaned.startswith(f"MOA:\n{expected}")
    assert names_a_wrapper(broken)


def test_two_addresses_on_two_lines_of_a_cell_stay_two():
    text = f"https://www.ice.gov/a.pdf\n{SAFE}\nhttps://www.ice.gov/b.pdf"
    assert without_wrappers(text) == ("https://www.ice.gov/a.pdf\nhttps://www.ice.gov/x.pdf\nhttps://www.ice.gov/b.pdf", 1)
    proofpoint = "https://urldefense.com/v3/__\nhttps://www.ice.gov/x.pdf__;!!" + MAILBOX  # the break inside the wrapper
    assert without_wrappers(proofpoint) == ("https://www.ice.gov/x.pdf", 1)


def test_a_hyperlink_broken_by_a_tab_keeps_no_mailbox(tmp_path):
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    path = edited(JUNE_17, tmp_path / JUNE_17.name, {rels: lambda b: b.replace(b"gcc02.safelinks.", b"gcc02.safe&#9;links.", 1)})
    before, after = read_xlsx(JUNE_17), read_xlsx(path)
    assert b"safe&#9;links" in zipfile.ZipFile(path).read(rels)
    assert [r.links for r in after.rows] == [r.links for r in before.rows]
    assert "ice.dhs.gov" not in everything_read(path)
    with zipfile.ZipFile(io.BytesIO(publishable_copy(path.read_bytes()))) as archive:
        published = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace").lower()
    assert "safe&#9;links" not in published and "safelinks" not in published


@pytest.mark.parametrize(
    "carrier",
    [
        "https://example.org/r?u=" + quote(SAFE, safe=""),
        "https://www.google.com/url?q=" + quote(quote(SAFE, safe=""), safe="") + "&sa=D",  # encoded twice
        "https://example.org/r?u=" + quote(barracuda(DOCUMENT), safe=""),
        "https://example.org/r#" + SAFE,
    ],
)
def test_an_address_carrying_a_wrapped_address_in_its_query_gives_none(carrier):
    """Another site's redirect to a wrapped link was kept whole, the wrapper's mailbox inside it."""
    unwrapped = unwrap(carrier)
    assert unwrapped.url is None and unwrapped.wrapper
    cleaned, replaced = without_wrappers(f"MOA: {carrier}")
    # written unencoded, the wrapper inside is unwrapped where it stands; encoded, nothing of the address is kept
    assert replaced == 1 and "john.doe" not in cleaned and cleaned in (f"MOA: {UNRECOVERED}", "MOA: https://example.org/r#https://www.ice.gov/x.pdf")
    assert unwrap("https://www.ice.gov/doclib/safelinks-policy.pdf?from=urldefense").wrapper is None


def test_a_hyperlink_carrying_a_wrapped_address_keeps_no_mailbox(tmp_path):
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    carried = f"https://example.org/r?u={quote(SAFE, safe='')}"
    path = edited(JUNE_17, tmp_path / JUNE_17.name, {rels: lambda b: _SAFE_LINK.sub(lambda m: 'Target="' + html.escape(carried) + '"', b.decode(), count=1).encode()})
    assert "john.doe" not in everything_read(path)
    note = [n for n in read_xlsx(path).notes if "safety redirect" in n.problem][0]
    assert note.action.startswith("36 unwrapped to the document's real address, 1 not")
    with zipfile.ZipFile(io.BytesIO(publishable_copy(path.read_bytes()))) as archive:
        published = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace").lower()
    assert "john.doe" not in published and "safelinks" not in published


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_wrapped_address_in_the_header_is_unwrapped(tmp_path, suffix):
    """The header (stored with the publication, and naming the raw rows' cells) was not scrubbed: the mailbox was
    stored three times, in the header, a raw row's key and a register entry's column."""
    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", f"see {SAFE}"]
    row = ["Texas", "Foo County Sheriff's Office", "County", "Foo", "Task Force Model", "05/08/2025", "link", "x"]
    path = tmp_path / f"participatingAgencies05082025am.{suffix}"
    if suffix == "csv":
        path.write_text("\n".join(",".join(cells) for cells in (header, row)) + "\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        book.active.append(header)
        book.active.append(row)
        book.save(path)
    prepared = prepare(path)
    assert prepared.table.header[-1] == "see https://www.ice.gov/x.pdf"
    assert "john.doe" not in repr(prepared.table.header) + everything_read(path)
    assert any("safety redirect" in note.problem for note in prepared.table.notes)


@pytest.mark.parametrize("ignored", ["\u00ad", "\u200b", "\u2060", "\ufeff", "\ufe0f", "%C2%AD"])
def test_a_wrappers_host_holding_a_character_browsers_ignore_is_a_wrapper(ignored):
    """A soft hyphen or a zero-width space in a host is removed by a browser (UTS #46): "safe\\u00adlinks" leads to
    Safe Links, and was kept whole, mailbox included."""
    hidden = SAFE.replace("safelinks", f"safe{ignored}links")
    assert unwrap(hidden).url == "https://www.ice.gov/x.pdf"
    assert without_wrappers(f"MOA: {hidden}") == ("MOA: https://www.ice.gov/x.pdf", 1)
    assert unwrap("https://www.ice.gov/doclib/a\u00adb.pdf").url == "https://www.ice.gov/doclib/a\u00adb.pdf"
