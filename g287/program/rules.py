"""Nominee qualification: the rule catalog (g287/data/program/rules/<MODEL>.toml) and its evaluation.

A rule names a fact recorded for the nominee and a check on it; each result says whether the rule passed,
failed, or could not be decided because the fact is missing (which counts as failed), with an explanation and
the rule's sources. Experience is computed from the recorded periods of sworn service.

"N years of experience" is counted in calendar years. A stretch of continuous service (overlapping or adjoining
periods are one) counts the whole calendar years from its own first day, so N calendar years of service always
qualify and one day less never does, on every date, leap days included. What each stretch leaves over, less than a
year, adds up with the others' at 365 days to a year: all of 2019 and all of 2021 are two years, however many days
two calendar years from 1 January 2019 would hold.
"""

from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from g287.catalog import MODEL_CODES, Source, catalog
from g287.config import DATA_DIR
from g287.wording import noun

RULES_DIR = DATA_DIR / "program" / "rules"
CHECKS = ("is_true", "equals", "min_service_years")
FACTS = ("us_citizen", "background_result", "enforced_jurisdiction_laws", "jail_security_and_inmate_rules", "service_periods")
# A fact the program office records with the day it was established counts only from that day: asked about an
# earlier day, the rule finds it not yet recorded, and its explanation says when it was established.
FACT_DAYS = {"background_result": ("background_completed_on", "the background investigation was completed on {day}, after {as_of}")}


@dataclass(frozen=True)
class Rule:
    id: str
    requirement: str
    check: str
    fact: str
    failed: str
    missing: str
    sources: tuple[Source, ...]
    value: Any = None
    years: int | None = None


@dataclass(frozen=True)
class RuleResult:
    rule: str
    requirement: str
    outcome: str  # passed | failed | missing
    explanation: str
    sources: tuple[Source, ...]

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "requirement": self.requirement,
            "outcome": self.outcome,
            "explanation": self.explanation,
            "sources": [s.key for s in self.sources],
        }


@dataclass(frozen=True)
class Eligibility:
    model: str
    as_of: dt.date
    results: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def reasons(self) -> list[str]:
        """Why the nominee is not eligible: one explanation per rule not passed."""
        return [r.explanation for r in self.results if not r.passed]

    def as_dict(self) -> dict:
        return {"model": self.model, "as_of": self.as_of.isoformat(), "eligible": self.eligible, "reasons": self.reasons, "rules": [r.as_dict() for r in self.results]}


@cache
def rule_catalog() -> dict[str, tuple[Rule, ...]]:
    """Every model's rules, checked when loaded: known checks and facts, sources that exist in the catalog."""
    sources = catalog().sources
    result = {}
    for model in MODEL_CODES:
        path = RULES_DIR / f"{model}.toml"
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        if data.get("model") != model:
            raise ValueError(f"{path.name}: model must be {model!r}")
        rules = []
        for item in data["rules"]:
            if item["check"] not in CHECKS or item["fact"] not in FACTS:
                raise ValueError(f"{path.name}: rule {item['id']!r} has an unknown check or fact")
            unknown = [key for key in item["sources"] if key not in sources]
            if unknown or not item["sources"]:
                raise ValueError(f"{path.name}: rule {item['id']!r} cites unknown sources {unknown or 'none'}")
            if item["check"] == "min_service_years" and not isinstance(item.get("years"), int):
                raise ValueError(f"{path.name}: rule {item['id']!r} needs years")
            rules.append(
                Rule(
                    id=item["id"],
                    requirement=item["requirement"],
                    check=item["check"],
                    fact=item["fact"],
                    failed=item["failed"],
                    missing=item["missing"],
                    sources=tuple(sources[key] for key in item["sources"]),
                    value=item.get("value"),
                    years=item.get("years"),
                )
            )
        if len({r.id for r in rules}) != len(rules):
            raise ValueError(f"{path.name}: rule ids must be unique")
        result[model] = tuple(rules)
    return result


def parse_periods(periods: list[dict]) -> list[tuple[dt.date, dt.date | None]]:
    return [(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]) if p.get("end") else None) for p in periods or []]


def served_spans(periods: list[tuple[dt.date, dt.date | None]], as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The stretches of continuous sworn service before `as_of`, as [first day, day after the last): each period runs
    from its start to its end (inclusive; open periods to `as_of`); overlapping or adjoining periods are one
    stretch."""
    spans: list[list[dt.date]] = []
    for start, stop in sorted((start, min(end + dt.timedelta(days=1), as_of) if end else as_of) for start, end in periods if start < as_of):
        if stop <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], stop)
        else:
            spans.append([start, stop])
    return [(start, stop) for start, stop in spans]


def service_days(periods: list[tuple[dt.date, dt.date | None]], as_of: dt.date) -> int:
    """Days of sworn service before `as_of`; days in overlapping periods count once."""
    return sum((stop - start).days for start, stop in served_spans(periods, as_of))


def anniversary(day: dt.date, years: int) -> dt.date:
    """The day `years` calendar years after `day`; from a 29 February, 1 March in a common year (the year from
    29 February 2020 holds that day and ends on 28 February 2021)."""
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return day.replace(year=year)


@dataclass(frozen=True)
class Experience:
    years: int
    days: int  # beyond the whole years, less than a year
    total_days: int

    def describe(self) -> str:
        parts = [f"{self.years} {noun(self.years, 'year')}"] if self.years else []
        if self.days or not self.years:
            parts.append(f"{self.days} {noun(self.days, 'day')}")
        return " and ".join(parts) + f" ({self.total_days:,} {noun(self.total_days, 'day')})"


def experience(periods: list[tuple[dt.date, dt.date | None]], as_of: dt.date) -> Experience:
    """Years of sworn service before `as_of`. Each stretch of continuous service counts the whole calendar years
    from its own first day, and the days after them; the days left over by several stretches add up, 365 to a year
    (a stretch's own rest is less than its next calendar year, even when it is 365 days of a year that holds a
    29 February)."""
    years, rests = 0, []
    spans = served_spans(periods, as_of)
    for start, stop in spans:
        whole = stop.year - start.year
        while whole > 0 and anniversary(start, whole) > stop:
            whole -= 1
        years += whole
        if rest := (stop - anniversary(start, whole)).days:
            rests.append(rest)
    rest = sum(rests)
    if len(rests) > 1:
        years, rest = years + rest // 365, rest % 365
    return Experience(years, rest, sum((stop - start).days for start, stop in spans))


def _evaluate(rule: Rule, facts: dict, as_of: dt.date) -> RuleResult:
    value = facts.get(rule.fact)

    def result(outcome: str, explanation: str) -> RuleResult:
        return RuleResult(rule.id, rule.requirement, outcome, explanation, rule.sources)

    if rule.check == "min_service_years":
        periods = parse_periods(value or [])
        if not periods:
            return result("missing", rule.missing)
        served = experience(periods, as_of)
        have = served.describe()
        if served.years >= rule.years:
            return result("passed", f"has {have} of sworn law enforcement experience on {as_of.isoformat()}")
        need = f"{rule.years} {noun(rule.years, 'year')}"
        return result("failed", rule.failed.format(have=have, need=need, as_of=as_of.isoformat()))
    if value is None:
        return result("missing", rule.missing)
    day_fact, not_yet = FACT_DAYS.get(rule.fact, (None, ""))
    established = facts.get(day_fact) if day_fact else None
    if established and as_of < dt.date.fromisoformat(established):
        return result("missing", not_yet.format(day=established, as_of=as_of.isoformat()))
    ok = value is True if rule.check == "is_true" else value == rule.value
    return result("passed" if ok else "failed", rule.requirement if ok else rule.failed)


def evaluate(model: str, facts: dict, as_of: dt.date) -> Eligibility:
    """Apply the model's rules to a nominee's facts (us_citizen, background_result, enforced_jurisdiction_laws,
    jail_security_and_inmate_rules, service_periods) as of a date."""
    return Eligibility(model, as_of, tuple(_evaluate(rule, facts, as_of) for rule in rule_catalog()[model]))


def attested_question(model: str, fact: str) -> str | None:
    """The question a form asks the agency about a yes-or-no fact, in the words of the model's rule that reads it
    ("Has been trained ... conduct?"); None when no rule of the model reads it, so the form does not ask (the Task
    Force Model has no jail-security requirement)."""
    rule = next((r for r in rule_catalog()[model] if r.fact == fact and r.check == "is_true"), None)
    return rule.requirement.removesuffix(".") + "?" if rule else None
