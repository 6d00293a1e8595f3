"""Full-text search over the pages of the documents (SQLite FTS5, PostgreSQL full-text search).

A query is words (all must appear, stemmed: "signed" finds "signing"), "exact phrases" in double quotes, and
-words to exclude. A word that an abbreviation of g287/data/rules/identity.toml stands for, or the abbreviation, is
any of its spellings there ("saint" is "saint" or "st", "st" is "st" or "saint"), also in a phrase and excluded;
"saint" is "st" only before another word ("saint lucie"), as "St." is also Street (identity.toml's
address_abbreviations).
User text never reaches the database as query syntax: terms are passed as quoted strings or bound parameters (see
g287/db/dialect.py). One result per document, its best page, best documents first; its snippet marks what the
search found, with the punctuation typed around a term where the page has it too.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.access import Actor, authorize
from g287.db.dialect import fulltext_search
from g287.db.models.documents import Document, DocumentAddress, DocumentPage
from g287.documents.links import agreements_of_addresses
from g287.errors import G287Error
from g287.history.names import identity_rules, spellings

MAX_LIMIT = 100
MAX_SPELLINGS = 256  # of all the words and phrases of a search with the abbreviations: each is searched for
SNIPPET_START, SNIPPET_END = "\x02", "\x03"  # marks around matched words; escaped and replaced by <mark> later
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
_CONTROL = re.compile(r"[\x00-\x01\x04-\x08\x0b-\x1f]")
_PUNCTUATED = re.compile(r"((?:[^\w\s]|_)*)[^\W_](?:.*[^\W_])?((?:[^\w\s]|_)*)", re.S)  # around the letters and digits
# Typographic double quotes (a phone's keyboard, a text copied from a document) mark a phrase as '"' does
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'))


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool
    excluded: bool
    spellings: tuple[str, ...]  # `text` and its other spellings with the abbreviations: any of them matches
    # The punctuation typed just before its first word and after its last ("U.S.C." ends in "."): the indexes drop
    # it, but a snippet marks it where the page has it too, as the search wrote it ("U.S.C." marked whole)
    lead: str = ""
    trail: str = ""
    # Of `spellings`, those that hold the next word of the search ("st lucie" of the "saint" of `saint lucie`, see
    # _before_next_word): they find this word only before that one, and a snippet marks this word alone, as it marks
    # the word as typed ("St" in "St. Lucie", as "Saint" in "Saint. Lucie"), the next word being a term of its own
    before_next: tuple[str, ...] = ()


def _written(words: str) -> list[str]:
    """The spellings of each word in a row (see g287.history.names.spellings): "pd" -> "pd", "police department",
    "police dept" and "police dpt", as expanded_key writes all four the same."""
    return [" ".join(c) for c in itertools.product(*(_with_possessives(list(spellings(word))) for word in words.split()))]


def _spellings_of_word(word: str) -> list[str]:
    """The spellings of a word, the word as written first: "pd" -> "pd", "police department", "police dept"...
    A word written with and without a final "s" ("sheriffs", "sheriff") is also the possessive, as the indexes
    read "Sheriff's": the words "sheriff s" (see _with_possessives)."""
    ways = [w for way in spellings(word) for w in ([way] if " " not in way else _written(way))]
    return list(dict.fromkeys(_with_possessives(ways)))


def _with_possessives(ways: list[str]) -> list[str]:
    """The spellings and, for one ending in "s" whose other spellings hold it without (identity.toml's sheriff =
    "sheriffs": the agency search reads "Sheriff's Office" and "Sheriffs Office" as one name), its possessive as
    both indexes split it at the apostrophe ("sheriff s"). Only such words: "ICE's" stays "ice s", never "ices"."""
    lowered = {w.lower() for w in ways}
    possessives = [f"{w[:-1]} s" for w in ways if " " not in w and len(w) > 2 and w.lower().endswith("s") and w[:-1].lower() in lowered]
    return ways + possessives


def _joined_possessives(words: list[str]) -> list[str]:
    """The words of a search with a possessive that _with_possessives spells both ways joined again: the "Sheriff's"
    of a search (the words "sheriff" and "s") is "sheriffs", so that it also finds "Sheriffs" as a page writes it."""
    joined: list[str] = []
    for word in words:
        if word.lower() == "s" and joined and f"{joined[-1].lower()} s" in map(str.lower, _spellings_of_word(joined[-1] + "s")):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _address_abbreviation(spelling: str, word: str) -> bool:
    """Whether `spelling`, not the word as the search writes it, is an abbreviation also written in addresses
    (identity.toml's address_abbreviations: "st" of "saint", as "St." is also Street)."""
    return spelling != word.lower() and spelling in identity_rules().address_abbreviations


def _spellings_of_words(text: str) -> list[list[str]]:
    """The spellings of each word of a word or phrase, the word as written first. An abbreviation also written in
    addresses is a spelling only before another word: "saint lucie" is also "st lucie", but a last "saint" is not
    "st" (the "St." of an address: ICE's, "500 12th St. SW")."""
    split = text.split()
    return [[w for w in _spellings_of_word(word) if i < len(split) - 1 or not _address_abbreviation(w, word)] for i, word in enumerate(split)]


def _before_next_word(parsed: list[tuple[str, bool, bool]], index: int) -> tuple[str, ...]:
    """The spellings of a word as an abbreviation also written in addresses, before the next word of the search:
    "saint" of `saint lucie` is also the phrase "st lucie", as in the phrase "saint lucie". A word in quotes is
    the same word (`"saint" lucie` found no "St. Lucie"); a phrase of several words ends where its quotes do."""
    text, _phrase, excluded = parsed[index]
    if " " in text or excluded or index + 1 == len(parsed) or parsed[index + 1][2]:
        return ()
    abbreviations = [w for w in _spellings_of_word(text) if _address_abbreviation(w, text)]
    following = _spellings_of_word(parsed[index + 1][0].split()[0]) if abbreviations else []
    return tuple(f"{a} {w}" for a in abbreviations for w in following)


def parse_query(query: str) -> list[Term]:
    """Words, "phrases" and -exclusions; characters that are neither letters nor digits only separate words (also
    "_": "personnel_x" is the phrase "personnel x", as both databases read the pages). “Typographic quotes” are
    quotes. Each term with its spellings with the abbreviations of identity.toml, as written first: "saint lucie"
    is "saint lucie" or "st lucie"; a lone "saint" is not "st", which is also Street (see _spellings_of_words)."""
    parsed: list[tuple[str, bool, bool]] = []
    punctuation: list[tuple[str, str]] = []
    # NFKC: a ligature copied from a PDF ("ﬁeld", U+FB01) or a full-width letter is the letters it stands for, as
    # the pages' text has them (none of the pages read holds a character NFKC changes).
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", query or "").translate(_QUOTES)):
        if match.group(2) is not None:
            excluded, text, phrase = bool(match.group(1)), match.group(2), True
        else:
            excluded, text, phrase = bool(match.group(3)), match.group(4), False
        words = _joined_possessives(re.findall(r"[^\W_]+", text))
        if not words:
            continue
        parsed.append((" ".join(words), phrase or len(words) > 1, excluded))
        punctuation.append(_PUNCTUATED.search(text).groups())  # the punctuation typed right before and after them
    if not parsed:
        raise G287Error("the search has no words to look for")
    if all(excluded for _text, _phrase, excluded in parsed):
        raise G287Error("the search only excludes words: give at least one word to find")
    if len(parsed) > 32:
        raise G287Error("the search has too many words (at most 32)")
    words = [_spellings_of_words(text) for text, _phrase, _excluded in parsed]
    before_next = [_before_next_word(parsed, index) for index in range(len(parsed))]
    # counted before any is written
    if sum(math.prod(len(ways) for ways in term) for term in words) + sum(map(len, before_next)) > MAX_SPELLINGS:
        raise G287Error(
            f"the search has more than {MAX_SPELLINGS} spellings with the abbreviations of agency names (St./Saint, "
            "Co./County ...), each searched for: search for fewer or shorter phrases"
        )
    return [
        Term(text, phrase, excluded, tuple(" ".join(c) for c in itertools.product(*term)) + extra, lead, trail, extra)
        for (text, phrase, excluded), term, extra, (lead, trail) in zip(parsed, words, before_next, punctuation)
    ]


@dataclass
class SearchHit:
    document_id: int
    sha256: str
    file_name: str
    page: int
    page_source: str  # text | ocr | text+ocr: OCR'd text may hold misreadings
    snippet: str  # plain text, matches not marked
    snippet_html: str  # escaped HTML, matches in <mark>
    rank: float  # higher is better; comparable within one search only
    agencies: list[dict] = field(default_factory=list)  # {"agency_id", "name", "state", "model", "agreement_id", "role"}


@dataclass
class SearchPage:
    query: str
    total: int  # matching documents
    limit: int
    offset: int
    hits: list[SearchHit]

    def as_dict(self) -> dict:
        return asdict(self)


def check_search(query: str, *, limit: int = 20, offset: int = 0) -> list[Term]:
    """The terms of a search that can be made; G287Error for one that cannot, whatever the archive holds (search
    checks it; the command line before it opens the database)."""
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise G287Error(f"limit must be between 1 and {MAX_LIMIT}")
    if int(offset) < 0:
        raise G287Error("offset must not be negative")
    return parse_query(query)


def search(session: Session, query: str, *, limit: int = 20, offset: int = 0, actor: Actor | None = None) -> SearchPage:
    authorize(actor or Actor.public(), "documents.read")
    terms = check_search(query, limit=limit, offset=offset)
    conn = session.connection()
    total, rows = fulltext_search(conn, [(t.spellings, t.phrase, t.excluded) for t in terms], int(limit), int(offset))
    if not rows:
        return SearchPage(query, total, limit, offset, [])
    document_ids = [r["document_id"] for r in rows]
    documents = {
        d.id: d for d in session.execute(select(Document.id, Document.sha256, Document.file_name).where(Document.id.in_(document_ids)))
    }
    shown = {
        page_id: (source, text)
        for page_id, source, text in session.execute(
            select(DocumentPage.id, DocumentPage.source, DocumentPage.text).where(DocumentPage.id.in_([r["page_id"] for r in rows if r["page_id"]]))
        )
    }
    addresses: dict[int, list[int]] = {}
    for address_id, document_id in session.execute(select(DocumentAddress.id, DocumentAddress.document_id).where(DocumentAddress.document_id.in_(document_ids))):
        addresses.setdefault(document_id, []).append(address_id)
    linked = agreements_of_addresses(conn, [a for ids in addresses.values() for a in ids])
    hits = []
    marker = _marker(terms)
    for row in rows:
        document = documents[row["document_id"]]
        agencies = []
        for address_id in addresses.get(document.id, []):
            for a in linked.get(address_id, []):
                item = {"agency_id": a.agency_id, "name": a.agency_name, "state": a.state, "model": a.model, "agreement_id": a.agreement_id, "role": a.role}
                if item not in agencies:
                    agencies.append(item)
        source, page_text = shown.get(row["page_id"], ("text", ""))
        plain, marked = render_snippet(snippet(page_text or "", terms, marker=marker))
        hits.append(SearchHit(document.id, document.sha256, document.file_name, row["page_number"], source, plain, marked, round(float(row["score"]), 6), agencies))
    return SearchPage(query, total, limit, offset, hits)


_FOLDED = {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe"}  # unaccent's, no NFKD


def fold(text: str) -> tuple[str, list[int]]:
    """The text as the indexes compare it, case and accents ignored (NFKD, combining marks removed, casefolded:
    "Policía" is "policia"), and for each of its characters the offset in `text` of the character it comes from."""
    folded: list[str] = []
    offsets: list[int] = []
    for i, char in enumerate(text):
        if char.isascii():
            part = char.lower()
        else:
            part = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
            part = "".join(_FOLDED.get(c, c) for c in part)
        folded.append(part)
        offsets.extend([i] * len(part))
    return "".join(folded), offsets


def _spans(pattern: re.Pattern, text: str, folded: tuple[str, list[int]] | None = None, *, first: bool = False) -> list[tuple[int, int]]:
    """Where `pattern` matches the folded text, as (start, end) offsets in `text`: a match ends after the whole
    character it ends in ("ß" is "ss") and the accents that follow it ("e" and a combining acute)."""
    copy, offsets = folded or fold(text)
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(copy):
        if m.end() == m.start():
            continue
        start, end = offsets[m.start()], offsets[m.end() - 1] + 1
        end = len(text) if m.end() == len(copy) else max(end, offsets[m.end()])
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
        if first:
            break
    return spans


def _stem(word: str) -> str:
    """A rough English stem, for marking the words a search matched (the databases stem properly to find them)."""
    word = fold(word)[0]
    for suffix in ("ings", "ing", "edly", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _word_pattern(word: str, *, exact: bool = False) -> str:
    """A word of the search as the pages may write it, in folded text (see `fold`): its rough stem and any ending
    ("signatures" marks "signature"); `exact`, or a stem of one or two letters ("M", "co"), only the word itself
    (else "M" would mark "misconduct" and "co" "conflict")."""
    stem = _stem(word)
    if exact or len(stem) < 3:
        return rf"\b{re.escape(fold(word)[0])}\b"
    return rf"\b{re.escape(stem)}\w*"


def _text_pattern(text: str, *, exact: bool = False) -> str:
    """A word, or a phrase as its words in a row (separated by anything that is not a letter or digit)."""
    return r"\W+".join(_word_pattern(w, exact=exact) for w in text.split())


def _punctuated(pattern: str, term: Term) -> str:
    """The pattern with the punctuation the search typed around the term, where the page has it too: "U.S.C." marks
    "U.S.C." whole (its last period was left out of the mark), "U.S.C" only the letters."""
    lead, trail = (re.escape(fold(p)[0]) for p in (term.lead, term.trail))
    return (f"(?:{lead})?" if lead else "") + pattern + (f"(?:{trail})?" if trail else "")


def _spelling_pattern(spelling: str, term: Term, *, exact: bool = False) -> str:
    """One spelling of a term, with the punctuation typed around the term; a spelling that holds the next word of the
    search (Term.before_next) matches its first word only, where the next word follows: the period of "St. Lucie"
    typed `saint lucie` is no more marked than that of "Saint. Lucie", and the period typed after `saint.` is
    marked after "St", not after "Lucie"."""
    if spelling not in term.before_next:
        return _punctuated(_text_pattern(spelling, exact=exact), term)
    word, following = spelling.split(" ", 1)
    return _punctuated(_text_pattern(word, exact=exact), term) + rf"(?=\W*{_text_pattern(following, exact=exact)})"


def _pattern(terms: list[Term], *, exact: bool = False) -> re.Pattern | None:
    """Matches the folded text (see `fold`), whatever the case and accents of the page and of the search."""
    wanted = sorted({_spelling_pattern(a, t, exact=exact) for t in terms if not t.excluded for a in t.spellings}, key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in wanted), re.I) if wanted else None


def _marker(terms: list[Term]) -> re.Pattern | None:
    """A pattern for the words and phrases of the search, as the pages write them (in folded text)."""
    return _pattern(terms)


def snippet(text: str, terms: list[Term], before: int = 12, after: int = 28, marker: re.Pattern | None = None) -> str:
    """About forty words of the page around the first match of the search (a word or phrase written as searched
    if the page has one, else as stemmed), the words and phrases of the search marked."""
    pattern = marker or _marker(terms)
    if not text or pattern is None:
        return ""
    exact, folded = _pattern(terms, exact=True), fold(text)
    found = (_spans(exact, text, folded, first=True) if exact else []) or _spans(pattern, text, folded, first=True)
    anchor, found_end = found[0] if found else (0, 0)
    head = list(_WORD.finditer(text, max(0, anchor - 400), anchor))[-before:] if anchor else []
    start = head[0].start() if head else anchor
    words = list(_WORD.finditer(text, start))[: len(head) + after]
    if not words:
        return ""
    end = max(words[-1].end(), found_end)  # a long phrase is shown whole
    window, shown, shown_text = [], 0, text[start:end]
    for a, b in _spans(pattern, shown_text):  # the original characters, marked where their folded copy matches
        window += [shown_text[shown:a], SNIPPET_START, shown_text[a:b], SNIPPET_END]
        shown = b
    window.append(shown_text[shown:])
    return ("…" if start > 0 else "") + "".join(window) + ("…" if text[end:].strip() else "")


def render_snippet(raw: str) -> tuple[str, str]:
    """The database's snippet as plain text and as escaped HTML with the matches in <mark>."""
    text = " ".join(_CONTROL.sub("", raw).split())
    plain = text.replace(SNIPPET_START, "").replace(SNIPPET_END, "")
    marked = html.escape(text).replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>")
    return plain, marked
