"""The course catalog (g287/data/program/courses.toml) and the examination rules applied to a nominee's attempts.

`exam_progress` is the whole examination logic: the pass mark, one remediation attempt during the course, and
disqualification after two failed examinations (remediation included), each read from the catalog.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache

from g287.catalog import MODEL_CODES, Source, catalog
from g287.config import DATA_DIR
from g287.wording import quoted

DELIVERIES = ("online", "in person", "online and in person", "unknown")


@dataclass(frozen=True)
class Fact:
    text: str
    sources: tuple[Source, ...]
    confirmed: bool = True
    value: object = None

    def as_dict(self) -> dict:
        return {"value": self.value, "text": self.text, "sources": [s.key for s in self.sources], "confirmed": self.confirmed}


@dataclass(frozen=True)
class ExamPolicy:
    pass_mark: float
    remedial_attempts: int
    failures_disqualify: int
    statement: Fact


@dataclass(frozen=True)
class Course:
    code: str
    model: str
    title: str
    hours: Fact
    delivery: Fact
    cost: Fact
    topics: tuple[Fact, ...]
    exams: Fact  # value: the examinations' names
    certification_years: int
    certification: Fact
    refresher_years: int
    refresher: Fact

    @property
    def exam_names(self) -> tuple[str, ...]:
        return tuple(self.exams.value)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "model": self.model,
            "title": self.title,
            "hours": self.hours.as_dict(),
            "delivery": self.delivery.as_dict(),
            "cost": self.cost.as_dict(),
            "topics": [t.as_dict() for t in self.topics],
            "exams": self.exams.as_dict(),
            "certification": {**self.certification.as_dict(), "years": self.certification_years},
            "refresher": {**self.refresher.as_dict(), "years": self.refresher_years},
        }


@dataclass(frozen=True)
class CourseCatalog:
    policy: ExamPolicy
    courses: dict[str, Course]  # by code

    def for_model(self, model: str) -> Course:
        return next(c for c in self.courses.values() if c.model == model)


@cache
def course_catalog() -> CourseCatalog:
    sources = catalog().sources
    with open(DATA_DIR / "program" / "courses.toml", "rb") as handle:
        data = tomllib.load(handle)

    def fact(item: dict, where: str) -> Fact:
        unknown = [key for key in item.get("sources", []) if key not in sources]
        if unknown or not item.get("sources"):
            raise ValueError(f"courses.toml {where}: cites unknown sources {unknown or 'none'}")
        return Fact(item["text"], tuple(sources[k] for k in item["sources"]), item.get("confirmed", True), item.get("value"))

    exam = data["examination"]
    policy = ExamPolicy(float(exam["pass_mark"]), int(exam["remedial_attempts"]), int(exam["failures_disqualify"]), fact(exam, "examination"))
    common_topics = tuple(fact(t, "common.topics") for t in data["common"]["topics"])
    courses = {}
    for code, item in data["courses"].items():
        if item["model"] not in MODEL_CODES:
            raise ValueError(f"courses.toml {code}: unknown model {item['model']!r}")
        delivery = fact(item["delivery"], f"{code}.delivery")
        if delivery.value not in DELIVERIES:
            raise ValueError(f"courses.toml {code}: delivery must be one of {DELIVERIES}")
        exams = fact(item["exams"], f"{code}.exams")
        if not exams.value or len(set(exams.value)) != len(exams.value):
            raise ValueError(f"courses.toml {code}: exams must name at least one examination, each once")
        courses[code] = Course(
            code=code,
            model=item["model"],
            title=item["title"],
            hours=fact(item["hours"], f"{code}.hours"),
            delivery=delivery,
            cost=fact(data["common"]["cost"], "common.cost"),
            topics=common_topics + tuple(fact(t, f"{code}.topics") for t in item["topics"]),
            exams=exams,
            certification_years=int(item["certification"]["years"]),
            certification=fact(item["certification"], f"{code}.certification"),
            refresher_years=int(item["refresher"]["years"]),
            refresher=fact(item["refresher"], f"{code}.refresher"),
        )
    if sorted(c.model for c in courses.values()) != sorted(MODEL_CODES):
        raise ValueError("courses.toml must have exactly one course per model")
    return CourseCatalog(policy, courses)


@dataclass(frozen=True)
class Attempt:
    exam: str
    score: float
    taken_on: dt.date


@dataclass(frozen=True)
class ExamProgress:
    status: str  # in_training | remediation_due | passed | disqualified
    passed_exams: tuple[str, ...]
    failures: int
    remedial_used: int
    awaiting_remediation: tuple[str, ...]  # exams failed and not yet retaken
    explanation: str


def exam_progress(exams: tuple[str, ...], attempts: list[Attempt], policy: ExamPolicy) -> ExamProgress:
    """Where a nominee stands after these attempts (in the order taken)."""
    passed: list[str] = []
    failed_open: list[str] = []
    failures = remedial = 0
    for attempt in attempts:
        if attempt.exam in failed_open:
            remedial += 1
            failed_open.remove(attempt.exam)
        if attempt.score >= policy.pass_mark:
            passed.append(attempt.exam)
        else:
            failures += 1
            failed_open.append(attempt.exam)
    mark = f"{policy.pass_mark:g}%"
    if failures >= policy.failures_disqualify:
        return ExamProgress("disqualified", tuple(passed), failures, remedial, (), f"disqualified: {failures} examinations failed (below {mark}), remediation included")
    if failed_open:
        if remedial >= policy.remedial_attempts:
            return ExamProgress("disqualified", tuple(passed), failures, remedial, (), f"disqualified: {failed_open[0]} failed and no remediation attempt is left")
        return ExamProgress("remediation_due", tuple(passed), failures, remedial, tuple(failed_open), f"{failed_open[0]} failed (below {mark}); one remediation attempt is offered")
    if all(e in passed for e in exams):
        return ExamProgress("passed", tuple(passed), failures, remedial, (), f"every examination passed (at least {mark})")
    missing = [e for e in exams if e not in passed]
    return ExamProgress("in_training", tuple(passed), failures, remedial, (), f"to sit: {', '.join(missing)}")


def next_attempt_is_remedial(exams: tuple[str, ...], attempts: list[Attempt], exam: str, policy: ExamPolicy) -> tuple[bool, str | None]:
    """Whether the next attempt at `exam` is the remediation attempt, and why it may not be taken at all (None: it may)."""
    progress = exam_progress(exams, attempts, policy)
    if exam not in exams:
        return False, f"{quoted(exam)} is not an examination of this course ({', '.join(exams)})"
    if progress.status in ("disqualified", "passed"):
        return False, f"the nominee has {'been disqualified' if progress.status == 'disqualified' else 'passed every examination'}"
    if exam in progress.passed_exams:
        return False, f"the {exam} has been passed already"
    return exam in progress.awaiting_remediation, None
