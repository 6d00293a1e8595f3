"""What can be read from a signed MOA: model, agency, ICE's signatory and title, both signing dates, an addendum.

Each value comes with the page it was read on, a confidence (0-1) and whether it was read from the text layer or
by OCR; a value that cannot be read is unknown (None) with the reason, never guessed. Confidence is a rule's
strength, not a probability: a labelled value ("Name: ...", a title line) counts more than a value found by
position alone, and anything read by OCR counts less than the same thing in a text layer.

Signature blocks are two columns, the agency's and ICE's; which one is ICE's comes from the "For ICE:" heading,
or in the older template (no headings) from the column that names ICE's offices. Positions come from the
fragments of the reading (see reading.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from g287 import days
from g287.documents.pdftext import Fragment
from g287.documents.reading import ReadPage, lines_of, reading_rules
from g287.registry.quality import compact_ranges
from g287.wording import counted, noun

FIELDS = ("model", "agency_name", "ice_signatory_name", "ice_signatory_title", "ice_signed_on", "lea_signed_on", "addendum")
SOURCE_FACTOR = {"text": 1.0, "ocr": 0.85}  # the same reading by OCR is less sure than in a text layer

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_MONTH_WORD = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATES = [
    ("ymd", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\.(?P<m>\d{2})\.(?P<d>\d{2})(?!\d)")),  # digital signatures
    ("mdy", re.compile(r"(?<!\d)(?P<m>\d{1,2}) ?[/.-] ?(?P<d>\d ?\d|\d) ?[/.-] ?(?P<y>\d{4}|\d{2})(?!\d)")),
    ("words", re.compile(_MONTH_WORD + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>(?:19|20)\d{2})(?!\d)", re.I)),
]
_REVISED = re.compile(r"revised\s*$", re.I)
_BY_SIGNING = re.compile(r"by\s+signing\s+this\s+(?:moa|m\s?o\s?a|memorandum|agreement)", re.I)
_BY_SIGNING_ADDENDUM = re.compile(r"by\s+signing\s+this\s+addendum", re.I)
_FOR_ICE = re.compile(r"\bfor\s*(?:ice|dhs)\b", re.I)
_FOR_LEA = re.compile(r"\bfor\s+the\s+le", re.I)
_ICE_OFFICES = re.compile(r"immigration\s*(?:and|&)\s*customs|enforcement\s+and\s+removal|associate\s+director|assistant\s+director", re.I)
_LABEL = re.compile(r"^\s*(?P<label>name|title|date|signature|agency)\s*[:;,.]?\s*(?P<rest>.*)$", re.I)
_PERSON = re.compile(r"^(?:[A-Z][a-zA-Z'’-]*\.?|[A-Z]\.(?:[A-Z]\.)?)(?:\s+(?:[A-Z][a-zA-Z'’-]*\.?|[A-Z]\.)){1,4}$")
_NOT_A_PERSON = re.compile(r"immigration|customs|enforcement|director|department|agency|office|signature|date|title|name|homeland|security|sheriff|police|county|chief|for ice|for the", re.I)
_AGENCY_PATTERNS = [
    re.compile(
        r"(?:homeland\s+security|\((?:dhs|ohs|0hs|dh5)\))\s*,?\s+and\s+(?:the\s+)?(?P<name>[^()]{3,140}?)\s*(?:\([A-Za-z]{2,10}\))?\s*[,»|;:]*\s*(?:hereinafter|pursuant\s+to)",
        re.I,
    ),
    re.compile(r"\(ice\)\s+and\s+(?:the\s+)?(?P<name>[^()]{3,140}?)\s*,?\s*hereinafter", re.I),
]


@dataclass(frozen=True)
class Fact:
    field: str
    value: str | None  # None: unknown
    page: int | None
    confidence: float
    source: str | None  # text | ocr
    evidence: str | None  # the words read, or why the value is unknown

    def as_dict(self) -> dict:
        return asdict(self)


def extract(pages: list[ReadPage]) -> list[Fact]:
    """Every field, known or unknown, in FIELDS order."""
    unread = [p.number for p in pages if not p.read]
    facts = {"model": _model(pages), "agency_name": _agency(pages), "addendum": _addendum(pages, unread)}
    facts.update(_signature_block(pages))
    result = []
    for name in FIELDS:
        fact = facts.get(name)
        if fact is None:
            why = "not found in the pages read"
            if unread:
                why += f"; {counted(len(unread), 'page')} not read ({compact_ranges(unread, noun(len(unread), 'page'))})"
            fact = Fact(name, None, None, 0.0, None, why)
        result.append(fact)
    return result


def normalized(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def _source(fragments: list[Fragment]) -> str:
    return "ocr" if any(f.source == "ocr" for f in fragments) else "text"


def _confidence(base: float, source: str) -> float:
    return round(base * SOURCE_FACTOR[source], 2)


# --- model -------------------------------------------------------------------------------------------------------


def _model(pages: list[ReadPage]) -> Fact | None:
    rules = reading_rules()["models"]
    first = next((p for p in pages if p.fragments), None)
    if first is not None:
        for line in lines_of([f for f in first.fragments if f.y0 < 0.3]):
            text = normalized(" ".join(f.text for f in line))
            for model, phrases in rules["title"].items():
                if any(_contains(text, phrase) for phrase in phrases):
                    source = _source(line)
                    return Fact("model", model, first.number, _confidence(0.95, source), source, text[:200])
    found: dict[str, tuple[int, str, str]] = {}
    for page in pages:
        text = normalized(page.text)
        for model, phrases in rules["body"].items():
            for phrase in phrases:
                match = _find(text, phrase)
                if match and model not in found:
                    found[model] = (page.number, text[max(0, match.start() - 60) : match.end() + 60], _source(page.fragments))
    if len(found) == 1:
        model, (page_number, evidence, source) = next(iter(found.items()))
        return Fact("model", model, page_number, _confidence(0.6, source), source, "no title line; the text uses wording of this model's template: " + evidence)
    if len(found) > 1:
        return Fact("model", None, None, 0.0, None, "the text uses wording of several models: " + ", ".join(sorted(found)))
    return None


def _contains(text: str, phrase: str) -> bool:
    return _find(text, phrase) is not None


def _find(text: str, phrase: str):
    pattern = r"\s*".join(re.escape(word) for word in phrase.split())
    return re.search(r"(?<![a-z])" + pattern, text, re.I)


# --- agency ------------------------------------------------------------------------------------------------------


def _agency(pages: list[ReadPage]) -> Fact | None:
    for page in pages[:3]:
        text = normalized(page.text.replace("_", " "))
        for pattern in _AGENCY_PATTERNS:
            match = pattern.search(text)
            if not match:
                continue
            name = match["name"].strip(" ,.;:»|-\t")
            name = re.sub(r"\s+,", ",", name)
            if not re.search(r"[A-Za-z]{3}", name):
                continue
            source = _source(page.fragments)
            base = 0.9 if re.fullmatch(r"[A-Za-z0-9 .,'&’/-]+", name) else 0.6
            return Fact("agency_name", name, page.number, _confidence(base, source), source, text[max(0, match.start() - 20) : match.end()][:300])
    return None


# --- addendum ----------------------------------------------------------------------------------------------------


def _addendum(pages: list[ReadPage], unread: list[int]) -> Fact:
    for page in pages:
        top = normalized(" ".join(f.text for line in lines_of([f for f in page.fragments if f.y0 < 0.25]) for f in line))
        heading = re.search(r"\baddendum\s+(?:to|no\.?|number|#)\b|\baddendum\b\s*$", top, re.I)
        signing = _BY_SIGNING_ADDENDUM.search(normalized(page.text))
        if heading or signing:
            source = _source(page.fragments)
            evidence = (heading.group(0) if heading else signing.group(0))
            return Fact("addendum", "yes", page.number, _confidence(0.9, source), source, evidence)
    if unread:
        return Fact("addendum", None, None, 0.0, None, f"no addendum in the pages read, but {counted(len(unread), 'page is', 'pages are')} not read ({compact_ranges(unread, noun(len(unread), 'page'))})")
    sources = {f.source for p in pages for f in p.fragments} or {"text"}
    source = "ocr" if "ocr" in sources else "text"
    return Fact("addendum", "no", None, _confidence(0.7, source), source, "no page of the document reads as an addendum")


# --- signature block -------------------------------------------------------------------------------------------


@dataclass
class _Column:
    fragments: list[Fragment]
    page: int


def _signature_block(pages: list[ReadPage]) -> dict[str, Fact]:
    for index, page in enumerate(pages):
        start = _block_start(page)
        if start is None:
            continue
        block = [f for f in page.fragments if f.y0 >= start and f.y0 < 0.92 and not _REVISED.search(f.text + " ") and not f.text.lower().startswith("revised")]
        if len(block) < 3 and index + 1 < len(pages):  # the block begins on the next page
            page = pages[index + 1]
            block = [f for f in page.fragments if f.y0 < 0.6]
        columns = _columns(block, page.number)
        if columns is None:
            continue
        ice, lea = columns
        facts = {}
        for name, fact in (
            ("ice_signed_on", _date(ice, "ice_signed_on")),
            ("lea_signed_on", _date(lea, "lea_signed_on")),
            ("ice_signatory_title", _title(ice)),
            ("ice_signatory_name", _name(ice)),
        ):
            if fact is not None:
                facts[name] = fact
        return facts
    return {}


def _block_start(page: ReadPage) -> float | None:
    """Where the signature block starts: below the "By signing this MOA ..." paragraph."""
    for line in lines_of(page.fragments):
        text = normalized(" ".join(f.text for f in line))
        if _BY_SIGNING.search(text):
            below = [f for f in page.fragments if f.y0 > line[0].y0 and re.search(r"extent\s+allowed\s+by\s+law", f.text, re.I)]
            bottom = max((f.y1 for f in below), default=max(f.y1 for f in line) + 0.03)
            return bottom
    return None


def _columns(block: list[Fragment], page: int) -> tuple[_Column, _Column] | None:
    """ICE's column and the agency's column of a signature block."""
    if not block:
        return None
    ice_heading = next((f for f in block if _FOR_ICE.search(f.text)), None)
    lea_heading = next((f for f in block if _FOR_LEA.search(f.text)), None)
    if ice_heading is not None:
        match = _FOR_ICE.search(ice_heading.text)
        ice_x = ice_heading.x0 + (ice_heading.x1 - ice_heading.x0) * match.start() / max(1, len(ice_heading.text))
        lea_x = lea_heading.x0 if lea_heading is not None else (0.0 if ice_x > 0.3 else 1.0)
        split = ice_x - 0.03 if lea_x < ice_x else lea_x - 0.03
        ice_right = lea_x < ice_x
        block = [f for f in block if f is not ice_heading and f is not lea_heading]
    else:
        offices = [f for f in block if _ICE_OFFICES.search(f.text)]
        if not offices:
            return None
        split = 0.45
        ice_right = sum(f.x0 >= split for f in offices) > len(offices) / 2
    right = [f for f in block if f.x0 >= split]
    left = [f for f in block if f.x0 < split]
    return (_Column(right, page), _Column(left, page)) if ice_right else (_Column(left, page), _Column(right, page))


def _labels(column: _Column, label: str) -> list[Fragment]:
    return [f for f in column.fragments if (m := _LABEL.match(f.text)) and m["label"].lower() == label]


def parse_dates(text: str) -> list[tuple[dt.date, re.Match]]:
    found = []
    for kind, pattern in _DATES:
        for match in pattern.finditer(text):
            if _REVISED.search(text[: match.start()]):
                continue
            try:
                if kind == "words":
                    month = next(v for k, v in MONTHS.items() if k.startswith(match["month"].lower()[:3]))
                else:
                    month = int(match["m"])
                day = int(match["d"].replace(" ", ""))
                year = int(match["y"])
                year = year + 2000 if year < 100 else year
                value = dt.date(year, month, day)
            except (ValueError, StopIteration):
                continue
            if 1990 <= value.year <= days.today().year + 1 and all(value != v for v, _ in found):
                found.append((value, match))
    return found


def _date(column: _Column, field: str) -> Fact | None:
    labels = _labels(column, "date")
    candidates = []
    for fragment in column.fragments:
        for value, match in parse_dates(fragment.text):
            distance = min((abs(fragment.y0 - l.y0) for l in labels), default=1.0)
            candidates.append((distance, fragment.y0, value, fragment))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    distance, _y, value, fragment = candidates[0]
    base = 0.9 if distance <= 0.05 else 0.7
    others = sorted({c[2] for c in candidates} - {value})
    evidence = fragment.text
    if others:
        base *= 0.7
        evidence += " (the same column also shows " + ", ".join(o.isoformat() for o in others) + ")"
    return Fact(field, value.isoformat(), column.page, _confidence(base, fragment.source), fragment.source, evidence[:200])


def _title(column: _Column) -> Fact | None:
    titles = reading_rules()["ice_titles"]["values"]
    labelled = _labels(column, "title")
    for fragment in sorted(column.fragments, key=lambda f: f.y0):
        text = normalized(fragment.text)
        for title in titles:
            if _contains(text, title):
                near_label = any(abs(fragment.y0 - l.y0) <= 0.03 for l in labelled)
                base = 0.9 if near_label else 0.8
                return Fact("ice_signatory_title", title, column.page, _confidence(base, fragment.source), fragment.source, text[:200])
    for label in labelled:
        rest = _LABEL.match(label.text)["rest"].strip(" _-—.:")
        if re.search(r"[A-Za-z]{3}", rest):
            return Fact("ice_signatory_title", rest, column.page, _confidence(0.75, label.source), label.source, label.text[:200])
    return None


def _name(column: _Column) -> Fact | None:
    for label in _labels(column, "name"):
        rest = re.sub(r"[_—–]+", " ", _LABEL.match(label.text)["rest"]).strip(" -.:")
        if _PERSON.match(rest) and not _NOT_A_PERSON.search(rest):
            return Fact("ice_signatory_name", rest, column.page, _confidence(0.9, label.source), label.source, label.text[:200])
    anchors = _labels(column, "name") + [f for f in column.fragments if any(_contains(f.text, t) for t in reading_rules()["ice_titles"]["values"])]
    best = None
    for fragment in column.fragments:
        text = normalized(fragment.text)
        if not _PERSON.match(text) or _NOT_A_PERSON.search(text):
            continue
        for anchor in anchors:
            gap = anchor.y0 - fragment.y0  # the name is typed just above the title, or beside its label
            if -0.03 <= gap <= 0.08 and (best is None or abs(gap) < best[0]):
                best = (abs(gap), fragment)
    if best is None:
        return None
    fragment = best[1]
    return Fact("ice_signatory_name", normalized(fragment.text), column.page, _confidence(0.65, fragment.source), fragment.source, fragment.text[:200])
