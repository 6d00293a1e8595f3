"""Rendering pages: one Jinja2 environment, autoescaping everything (HTML, XML, SVG), with the site's helpers."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import HTMLResponse

from g287 import __version__, days
from g287.catalog import catalog
from g287.db.models.registry import Publication
from g287.registry.figures import AGENCY_TYPES, MODELS
from g287.registry.publications import label, whose_list
from g287.registry.queries import state_name
from g287.wording import counted, has_none, has_of, is_known_to_have, none_of, noun
from g287.xmlchars import has_unshown, shown_text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TYPE_LABELS = {"county": "County", "municipality": "Municipality", "state_agency": "State agency", "other": "Other", "unknown": "Unknown", None: "Unknown"}


def url(path: str, **params) -> str:
    """A link with its query string; parameters that are None or empty are left out."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def http_url(value: str | None) -> str | None:
    """A link taken from the data, only when it is an http(s) address (never javascript: or data:)."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")) and not any(c in value for c in "\r\n\t "):
        return value
    return None


def number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else ("" if value is None else str(value))


def publication_label(publication, named: str | None = None) -> str:
    """"ICE's participating list of 2025-07-09 am". named: the publication's label when the page has one that names
    it apart from a list of the same date and half (distinct_label: "2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx")."""
    if publication is None:
        return ""
    if isinstance(publication, Publication):
        return f"{whose_list(publication)} of {named or label(publication)}"
    half = f" {publication['half']}" if publication.get("half") else ""
    whose = {"ICE": "ICE's", "this registry": "this registry's"}.get(publication.get("source"), "the")
    return f"{whose} list of {publication['published']}{half}"


def printable(value):
    """Every value a template prints, without the characters HTML and XML cannot hold (a NUL typed into a search
    box, a control character in a published name): escaping cannot save them, and they break the page's markup.
    A bidirectional override is shown as U+FFFD (g287.xmlchars.shown_text)."""
    if isinstance(value, str) and has_unshown(value):
        cleaned = shown_text(value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def local_day(value) -> str:
    """The local date of a stored moment (ISO text or datetime; g287 stores moments in UTC), as the workflow's own
    dates are local (g287.days): a letter dated today is not shown as submitted yesterday. A date is itself."""
    if not value:
        return ""
    if isinstance(value, str):
        if len(value) == 10:  # a date, not a moment
            return value
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return days.day_of(value).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        finalize=printable,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number
    env.filters["noun"] = noun  # "1 state", "2 states": {{ n|num }} {{ n|noun("state") }}
    # The territories a list names, beside its states (never counted among them): {{ p.states }} {{ p.states|noun("state") }}{{ p|and_territories }}
    env.filters["and_territories"] = lambda figures, joined=" and ": f"{joined}{counted(figures['territories'], 'territory', 'territories')}" if figures.get("territories") else ""
    env.filters["has_of"] = has_of  # "1 of 64 counties has": {{ n|has_of(total) }}
    env.filters["none_of"] = none_of  # "at least 0 of 30 counties have": {{ total|none_of }} {{ total|is_known_to_have }}
    env.filters["is_known_to_have"] = is_known_to_have
    env.filters["has_none"] = has_none  # "0 of 58 counties have", every listing located: {{ total|none_of }} {{ total|has_none }}
    env.filters["http_url"] = http_url
    env.filters["pub"] = publication_label
    env.filters["local_day"] = local_day
    # The first letter in capitals, the rest as written (Jinja's capitalize writes "ICE's" as "Ice's").
    env.filters["sentence"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    env.filters["type_label"] = lambda value: TYPE_LABELS.get(value, value)
    env.filters["state_name"] = lambda usps: (state_name(usps) or usps) if usps else "state unknown"
    env.filters["date"] = lambda value: value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else (value or "")
    env.globals.update(
        url=url,
        MODELS=MODELS,
        AGENCY_TYPES=AGENCY_TYPES,
        TYPE_LABELS=TYPE_LABELS,
        catalog=catalog(),
        version=__version__,
        label=label,
    )
    return env


def render(template: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(environment().get_template(template).render(**context), status_code=status)


def render_text(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
