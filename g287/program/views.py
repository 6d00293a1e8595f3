"""Public views of the workflow: what anyone may see of applications and agreements, and the registry's own
figures. They read only applicant agencies, applications and MOAs — never nominees, training or certification,
and never a letter's contact details or justification — so no personal data can reach a public page, the public
API, an export or a feed through them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287 import days
from g287.access import Actor, authorize
from g287.catalog import MODEL_CODES
from g287.db.dialect import in_code_point_order
from g287.db.models.program import ApplicantAgency, Application, ProgramMoa
from g287.db.models.registry import Agency
from g287.errors import NotFound
from g287.program.applications import STATUSES, moas_of, stage
from g287.program.moas import status_on
from g287.program.validation import day_argument
from g287.registry.figures import states_and_territories
from g287.registry.names import agency_key

SOURCE = "this registry"  # every figure and row here comes from records kept in this registry


def _agency(agency: ApplicantAgency, registry_name: str | None) -> dict:
    return {
        "name": registry_name or agency.name,
        "state": agency.state_usps,
        "agency_type": agency.agency_type,
        "county": agency.county_text,
        "registry_agency_id": agency.registry_agency_id,
    }


# An MOA's status as the public lists say it: a draft is the program office's work on a pending agreement, not a
# stage of its own (the lists are pending, participating, terminated). An application's stage is said so too: its page
# said "draft" above a table of its MOAs saying "pending". A withdrawn MOA is on no list.
PUBLIC_STAGE = {"requested": "pending", "draft": "pending", "signed": "participating", "terminated": "terminated", "withdrawn": "withdrawn"}


def _moa(moa: ProgramMoa, application: Application) -> dict:
    return {
        "moa_id": moa.id,
        "application_id": application.id,
        "model": moa.model,
        "stage": PUBLIC_STAGE[moa.status],
        "requested_on": application.letter["date"],
        "signed_on": moa.signed_on.isoformat() if moa.signed_on else None,
        "terminated_on": moa.terminated_on.isoformat() if moa.terminated_on else None,
        "withdrawn_on": moa.withdrawn_on.isoformat() if moa.withdrawn_on else None,
        "signed_document": moa.signed_pdf_sha256 is not None,
        "registry_agreement_id": moa.registry_agreement_id,
        "source": SOURCE,
    }


def _moa_rows(session: Session, statuses: tuple[str, ...]) -> list[tuple[ProgramMoa, Application, dict]]:
    """Each MOA of those statuses with its application and its public row."""
    query = (
        select(ProgramMoa, Application, ApplicantAgency, Agency.name)
        .join(Application, Application.id == ProgramMoa.application_id)
        .join(ApplicantAgency, ApplicantAgency.id == ProgramMoa.agency_id)
        .outerjoin(Agency, Agency.id == ApplicantAgency.registry_agency_id)
        .where(ProgramMoa.status.in_(statuses))
        .order_by(ApplicantAgency.state_usps, in_code_point_order(ApplicantAgency.name), ProgramMoa.model, ProgramMoa.id)
    )
    return [(moa, application, {"agency": _agency(agency, name), **_moa(moa, application)}) for moa, application, agency, name in session.execute(query)]


def _rows(session: Session, statuses: tuple[str, ...]) -> list[dict]:
    return [row for _, _, row in _moa_rows(session, statuses)]


def public_pending(session: Session, actor: Actor) -> list[dict]:
    """The registry's pending list: every MOA asked for in a letter of interest and not yet signed."""
    authorize(actor, "application.read_public")
    return _rows(session, ("requested", "draft"))


def public_participating(session: Session, actor: Actor) -> list[dict]:
    """The registry's participating list: every MOA recorded as signed here and not terminated."""
    authorize(actor, "application.read_public")
    return _rows(session, ("signed",))


def public_application(session: Session, actor: Actor, application_id: int) -> dict:
    """An application as anyone may see it: the agency, the models asked for, each one's stage and dates."""
    authorize(actor, "application.read_public")
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(f"no application with id {application_id}")
    agency = session.get(ApplicantAgency, application.agency_id)
    registry = session.get(Agency, agency.registry_agency_id) if agency.registry_agency_id else None
    moas = moas_of(session, application.id)
    return {
        "id": application.id,
        "agency": _agency(agency, registry.name if registry else None),
        "submitted_on": application.letter["date"],
        "stage": PUBLIC_STAGE[stage(moas)],
        "moas": [_moa(moa, application) for moa in moas],
        "source": SOURCE,
    }


def ended_registry_agreements(session: Session, actor: Actor, agreement_ids: list[int]) -> dict[int, dict]:
    """Of the registry's own agreements, those whose MOAs recorded here are all terminated (none signed again): no
    list of this registry's lists them now. Each with its latest MOA's public row, as the application's page gives
    it (stage "terminated", the dates signed and terminated). An agreement with no MOA recorded here (read from a
    list this registry published elsewhere) is not among them."""
    authorize(actor, "application.read_public")
    query = (
        select(ProgramMoa, Application)
        .join(Application, Application.id == ProgramMoa.application_id)
        .where(ProgramMoa.registry_agreement_id.in_(agreement_ids))
        .order_by(ProgramMoa.terminated_on, ProgramMoa.id)
    )
    latest: dict[int, dict] = {}
    in_effect: set[int] = set()
    for moa, application in session.execute(query):
        if moa.status == "terminated":
            latest[moa.registry_agreement_id] = _moa(moa, application)
        else:  # signed (again): the registry's participating list lists the agreement
            in_effect.add(moa.registry_agreement_id)
    return {agreement_id: row for agreement_id, row in latest.items() if agreement_id not in in_effect}


def program_figures(session: Session, actor: Actor, as_of: dt.date | None = None) -> dict:
    """The registry's own figures, computed from its records: participating MOAs (signed here, in effect on the
    date) and pending ones, by model, agencies and states. Each figure says its source."""
    authorize(actor, "application.read_public")
    as_of = day_argument("as_of", as_of) or days.today()
    rows = _moa_rows(session, STATUSES)
    # The MOA's status on the day by the rule every step of the program reads (moas.status_on): pending once the
    # letter asked for it and while neither signed nor withdrawn yet.
    participating = [row for moa, _, row in rows if status_on(moa, as_of) == "signed"]
    pending = [row for moa, application, row in rows if dt.date.fromisoformat(application.letter["date"]) <= as_of and status_on(moa, as_of) == "not_signed"]

    def figures(rows: list[dict]) -> dict:
        models = Counter(r["model"] for r in rows)
        return {
            "count": len(rows),
            "agencies": len({(r["agency"]["state"], agency_key(r["agency"]["name"])) for r in rows}),
            **states_and_territories(r["agency"]["state"] for r in rows),
            "by_model": {m: models.get(m, 0) for m in MODEL_CODES},
            "source": SOURCE,
        }

    return {"as_of": as_of.isoformat(), "participating": figures(participating), "pending": figures(pending), "sources_included": [SOURCE]}
