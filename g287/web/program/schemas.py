"""The program API's request and response models (they make the OpenAPI document). Requests carry only types:
every rule about the values (required fields, dates not in the future, the models, e-mail addresses, ...) is
checked by the services, which the web forms call too. A request body names only the fields it takes: any other
is refused (422 naming it), never ignored (see RequestBody)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictFloat

from g287.db.ids import MAX_ID
from g287.web.api.errors import unavailable
from g287.web.params import Day, choice

Model = Literal["JEM", "TFM", "WSO"]
Role = Literal["agency_user", "program_officer", "administrator"]
# Parameters of a few values, refused in words naming them (g287.web.params.choice), on the API and the pages.
ApplicationStage = choice("a stage", "requested", "draft", "signed", "terminated", "withdrawn")
DocumentFormat = choice("a format", "pdf", "docx")


def json_id(what: str) -> Any:
    """The type of a record's id in a JSON body: a JSON number, 12 or 12.0 alike (one integer to JSON Schema, the
    API's document), from 1 to MAX_ID; true or "12" is refused, not read as record 1 or 12, and so are "01", "1_0" and
    " 1", which pydantic's int reads as 1 or 10 (an id is a number in JSON, as every answer of the API writes it)."""

    def json_number(value):
        if isinstance(value, (bool, str)):
            raise ValueError(f"expected {what}'s id (a number)")
        return int(value) if isinstance(value, float) and value.is_integer() else value

    # The bounds before the validator: after it, they would be checked but missing from the document.
    return Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(json_number)]


AgencyId = json_id("an agency")  # an applicant agency, or an agency of the registry (registry_agency_id)
# A yes or no in a JSON body is JSON's true or false (null: not recorded): pydantic's bool reads "yes", "on", "t",
# "1" or 1 as true and "no", "off", "0" or 0 as false, which no client of a JSON API means. The forms post "yes" and
# "no" as form data, read by the services' checks (g287.program.validation.Checker.boolean), not by these models.
YesNo = Optional[StrictBool]


class RequestBody(BaseModel):
    """A request's JSON body. A field it does not take is refused, each named (422), never silently ignored: a
    client that sends {"background_result": "failed"} to PATCH a nominee, or "agency_id" to move one, would
    otherwise read 200 as done while nothing changed."""

    model_config = ConfigDict(extra="forbid")


class ProblemField(BaseModel):
    field: str
    message: str


class Namesake(BaseModel):
    id: int
    nominated_on: str
    left_on: Optional[str] = Field(description="The day the nominee left the MOA, if they have; null while on it")
    confirmed: bool = Field(description="Whether namesake_of named them")


class ProblemDetail(BaseModel):
    status: int
    message: str
    fields: list[ProblemField] = []
    reasons: list[str] = Field([], description="For 409 (not eligible): the explanation of each rule not met")
    namesakes: Optional[list[Namesake]] = Field(None, description="For 409 (a name already on the MOA): each nominee of that name, to confirm in namesake_of")
    action: Optional[str] = Field(None, description="For 403 (not allowed): the action refused, as the access rules (g287/data/rules/access/) name it, e.g. training.read")


class ProblemBody(BaseModel):
    error: ProblemDetail


ERRORS = {
    status: {"model": ProblemBody, "description": description}
    for status, description in {
        401: "Wrong user name or password, or a disabled account",
        403: "Not allowed for this user (or not signed in), or the CSRF token is missing or invalid",
        404: "No such record",
        409: "The record is not in a state that allows this step, the nominee is not eligible (reasons given), or the name is already on the MOA (see namesake_of)",
        422: "Invalid input, or a query parameter this endpoint does not take: each field named",
        429: "Too many failed logins (or checks of the current password): try again after Retry-After seconds",
    }.items()
} | {503: unavailable(ProblemBody)}
CSRF_DESCRIPTION = "The CSRF token (from GET /api/v1/program/session), required on every change."


# Accounts and sessions


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    agency_id: Optional[int] = None
    agency: Optional[str] = None
    created_at: str
    disabled: bool


class SessionOut(BaseModel):
    signed_in: bool
    username: Optional[str] = None
    role: str = Field(description="public, agency_user, program_officer or administrator")
    agency_id: Optional[int] = None
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header with every change")


class LoginIn(RequestBody):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class PasswordIn(RequestBody):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


class NewUserIn(RequestBody):
    username: str = Field(max_length=200)
    role: str = Field(max_length=40, description="agency_user, program_officer or administrator")
    display_name: Optional[str] = Field(None, max_length=1000)
    agency_id: Optional[AgencyId] = None
    password: Optional[str] = Field(None, max_length=1000, description="Empty: a password is generated and returned once")


class NewUserOut(BaseModel):
    user: UserOut
    password: Optional[str] = Field(None, description="The generated password, returned this once")


# Agencies


class AgencyOut(BaseModel):
    id: int
    name: str
    state: str
    agency_type: str
    county: Optional[str] = None
    address: Optional[str] = None
    registry_agency_id: Optional[int] = None
    link_rule: Optional[str] = None


class AgencyIn(RequestBody):
    """An agency's details, whole: creating an agency and correcting one (PUT) take every required field each time.
    The service checks them, in its words ("required"); the document says they are required."""

    model_config = ConfigDict(json_schema_extra={"required": ["name", "state", "agency_type"]})

    name: Optional[str] = Field(None, max_length=5000)
    state: Optional[str] = Field(None, max_length=100)
    agency_type: Optional[str] = Field(None, max_length=100)
    county: Optional[str] = Field(None, max_length=5000)
    address: Optional[str] = Field(None, max_length=5000)


class NewAgencyIn(AgencyIn):
    registry_agency_id: Optional[AgencyId] = None


class LinkIn(RequestBody):
    registry_agency_id: Optional[AgencyId] = Field(None, description="The registry's agency; null unlinks (kept as the program office's decision: no ingest or signature links it again to the same name's agency)")


# Letters and applications


class LetterIn(RequestBody):
    agency_id: AgencyId
    models: list[str] = Field(description="One or more of JEM, TFM, WSO")
    chief_executive_name: Optional[str] = Field(None, max_length=5000)
    chief_executive_title: Optional[str] = Field(None, max_length=5000)
    contact_name: Optional[str] = Field(None, max_length=5000)
    contact_title: Optional[str] = Field(None, max_length=5000)
    contact_email: Optional[str] = Field(None, max_length=5000)
    contact_phone: Optional[str] = Field(None, max_length=5000)
    justification: Optional[str] = Field(None, max_length=20000)
    agency_name: Optional[str] = Field(None, max_length=5000, description="Changes the agency's recorded name (optional)")
    agency_type: Optional[str] = Field(None, max_length=100)
    county: Optional[str] = Field(None, max_length=5000)
    address: Optional[str] = Field(None, max_length=5000)


class MoaBrief(BaseModel):
    id: int
    model: Model
    status: str


class ApplicationSummary(BaseModel):
    id: int
    agency_id: int = Field(ge=1, le=2**31 - 1)
    agency: str
    state: str
    submitted_at: str
    stage: str
    moas: list[MoaBrief]


class Signatory(BaseModel):
    name: str
    title: str
    party: str


class MoaOut(BaseModel):
    id: int
    model: Model
    status: str = Field(description="requested, draft, signed, terminated or withdrawn")
    draft_version: int
    drafted_at: Optional[str] = None
    signed_on: Optional[str] = None
    signatories: Optional[list[Signatory]] = None
    signed_pdf_sha256: Optional[str] = None
    terminated_on: Optional[str] = None
    withdrawn_on: Optional[str] = None
    withdrawal_reason: Optional[str] = Field(None, description="Why the MOA was withdrawn, as given (not in the public views)")
    registry_agreement_id: Optional[int] = None


class ApplicationMoa(MoaOut):
    registry_agreement_source: Optional[Literal["ICE", "this registry"]] = Field(
        None, description="Once signed: whose record the agreement in the registry is, ICE's (on ICE's lists) or this registry's own"
    )


class ApplicationDetail(BaseModel):
    id: int
    agency_id: int = Field(ge=1, le=2**31 - 1)
    submitted_at: str
    submitted_by: str
    stage: str
    letter: dict = Field(description="The letter as submitted: models, agency, chief_executive, contact, justification, date")
    moas: list[ApplicationMoa]


class TerminateIn(RequestBody):
    terminated_on: Optional[Day] = None


class WithdrawIn(RequestBody):
    withdrawn_on: Optional[Day] = Field(None, description="Default: today. A day before today is the program office's to record (an agency user's is refused, 422)")
    reason: Optional[str] = Field(None, description="Why (at most 500 characters): kept with the MOA as `withdrawal_reason` and in the audit log")


# Nominees, training


class ServicePeriod(RequestBody):
    start: Optional[Day] = None
    end: Optional[Day] = None


NomineeId = json_id("a nominee")
NAMESAKE_OF = (
    "Ids of the MOA's nominees of the same name (up to case, spacing, punctuation and accents) whom the caller "
    "confirms are different people: namesakes. A name already on the MOA is refused (409, the message naming each such "
    "nominee by id and nomination day) unless every one of them is listed; an id that is no such nominee is 422. "
    "Recorded in the audit event."
)


JAIL_SECURITY = (
    "JEM and WSO: the agency attests that the nominee has been trained in maintaining the security of the agency's "
    "facilities and has authority to enforce (JEM), or has enforced (WSO), the rules on inmate accountability and "
    "conduct (null: not recorded, which fails the rule). No rule of the Task Force Model reads it."
)


class NominateIn(RequestBody):
    full_name: Optional[str] = Field(None, max_length=5000)
    us_citizen: YesNo = None
    enforced_jurisdiction_laws: YesNo = None
    jail_security_and_inmate_rules: YesNo = Field(None, description=JAIL_SECURITY)
    service_periods: list[ServicePeriod] = []
    nominated_on: Optional[Day] = Field(None, description="The day of the nomination (default today; a past day records older history)")
    namesake_of: list[NomineeId] = Field([], max_length=100, description=NAMESAKE_OF)


class NomineeUpdateIn(RequestBody):
    """Only the fields given are changed."""

    full_name: Optional[str] = Field(None, max_length=5000)
    us_citizen: YesNo = None
    enforced_jurisdiction_laws: YesNo = None
    jail_security_and_inmate_rules: YesNo = Field(None, description=JAIL_SECURITY)
    service_periods: Optional[list[ServicePeriod]] = None
    namesake_of: Optional[list[NomineeId]] = Field(None, max_length=100, description=NAMESAKE_OF + " Given with a new full_name only.")


class RuleOutcome(BaseModel):
    rule: str
    requirement: str
    outcome: Literal["passed", "failed", "missing"]
    explanation: str
    sources: list[str]


class EligibilityOut(BaseModel):
    model: Model
    as_of: str
    eligible: bool
    reasons: list[str] = Field(description="One explanation per rule not met")
    rules: list[RuleOutcome]


class StandingOut(BaseModel):
    status: str
    authorized: bool
    reasons: list[str]


class NomineeSummary(BaseModel):
    id: int
    full_name: str
    agency_id: int = Field(ge=1, le=2**31 - 1)
    agency: str
    moa_id: int
    model: Model
    eligible: bool
    reasons: list[str]
    standing: str


class ExamOut(BaseModel):
    exam: str
    taken_on: str
    score: float
    remedial: bool
    passed: bool


class EnrolmentOut(BaseModel):
    course: str
    enrolled_on: str
    status: str
    finished_on: Optional[str] = None


class CertificationOut(BaseModel):
    certified_on: str
    expires_on: str
    refresher_due_on: Optional[str] = None
    last_refresher_on: Optional[str] = None
    renewed_on: Optional[str] = None  # the last renewal: the current period runs from it
    revoked_on: Optional[str] = None


class NomineeDetail(BaseModel):
    id: int
    agency_id: int = Field(ge=1, le=2**31 - 1)
    moa_id: int
    model: Model
    full_name: str
    us_citizen: Optional[bool] = None
    enforced_jurisdiction_laws: Optional[bool] = None
    jail_security_and_inmate_rules: Optional[bool] = Field(None, description=JAIL_SECURITY)
    service_periods: list[dict]
    background_result: Optional[str] = None
    background_completed_on: Optional[str] = None
    nominated_at: str
    nominated_on: str = Field(description="The day of the nomination; no later step is dated before it")
    eligibility: EligibilityOut
    enrolment: Optional[EnrolmentOut] = None
    exams: list[ExamOut]
    certification: Optional[CertificationOut] = None
    standing: StandingOut


class BackgroundIn(RequestBody):
    result: Optional[str] = Field(None, max_length=100, description="passed or failed")
    completed_on: Optional[Day] = None


class DayIn(RequestBody):
    on: Optional[Day] = Field(None, description="The date (default: today)")


class ExamIn(RequestBody):
    score: StrictFloat = Field(description="Percent, 0 to 100; the pass mark is 70 (a number: true or \"90\" is refused)")
    taken_on: Optional[Day] = Field(None, description="The date (default: today)")
    exam: Optional[str] = Field(None, max_length=200, description="Needed only when the course has several examinations")


class AuthorizedOfficer(BaseModel):
    nominee_id: int
    full_name: str
    agency_id: int = Field(ge=1, le=2**31 - 1)
    agency: str
    state: str
    model: Model
    moa_id: int
    certified_on: str
    expires_on: str
    refresher_due_on: Optional[str] = None


class SummaryRow(BaseModel):
    agency_id: int = Field(ge=1, le=2**31 - 1)
    agency: str
    state: str
    model: Model
    moa_status: str
    nominees: int
    eligible: int
    in_training: int
    certified: int
    authorized: int


class DueItem(BaseModel):
    kind: str
    due_on: Optional[str] = None
    overdue: bool
    nominee_id: int
    full_name: str
    agency_id: int = Field(ge=1, le=2**31 - 1)
    agency: str
    model: Model
    explanation: str


class AuditEventOut(BaseModel):
    id: int
    at: str
    actor: str
    user: Optional[str] = None
    action: str
    object_type: str
    object_id: Optional[str] = None
    before: Optional[dict] = None
    after: Optional[dict] = None


class PublishedList(BaseModel):
    kind: str
    status: str
    rows: int
    file: Optional[str] = None
    publication_id: Optional[int] = None


class PublishOut(BaseModel):
    lists: list[PublishedList]


# Public views


class PublicAgency(BaseModel):
    name: str
    state: str
    agency_type: str
    county: Optional[str] = None
    registry_agency_id: Optional[int] = None


class PublicMoa(BaseModel):
    moa_id: int
    application_id: int
    model: Model
    stage: Literal["pending", "participating", "terminated", "withdrawn"]
    requested_on: str
    signed_on: Optional[str] = None
    terminated_on: Optional[str] = None
    withdrawn_on: Optional[str] = None
    signed_document: bool
    registry_agreement_id: Optional[int] = None
    source: str


class PublicListRow(PublicMoa):
    agency: PublicAgency


class PublicApplication(BaseModel):
    id: int
    agency: PublicAgency
    submitted_on: str
    stage: Literal["pending", "participating", "terminated", "withdrawn"]  # as the public lists say it: the least advanced of its MOAs
    moas: list[PublicMoa]
    source: str


class RecordFigures(BaseModel):
    count: int
    agencies: int
    states: int = Field(description="Distinct states of the agencies: the 50 states and DC (the territories are counted apart)")
    territories: int = Field(description="Distinct territories of the agencies, counted apart from the states")
    by_model: dict[str, int]
    source: str


class RecordsFigures(BaseModel):
    as_of: str
    participating: RecordFigures
    pending: RecordFigures
    sources_included: list[str]


class PublishedFigures(BaseModel):
    as_of: str
    participating: Optional[dict] = Field(None, description="As /api/v1/stats, for this registry's participating list in force (source: this registry)")
    pending: Optional[dict] = None


class RegistryFigures(BaseModel):
    records: RecordsFigures = Field(description="Computed from the registry's records")
    published: PublishedFigures = Field(description="From the lists the registry published (origin registry), counted as ICE's lists are")
