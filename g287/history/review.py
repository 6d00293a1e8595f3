"""People's decisions on agency identity: the review list and the reviewed alias table.

Each decision is one service function: it checks access, changes the database and writes its audit event in
one transaction; the alias file (the durable, shareable record) is written after the database commits.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287 import audit
from g287.access import Actor, authorize
from g287.db.engine import Database
from g287.db.models.history import IdentityCandidate, IdentityMerge
from g287.db.models.registry import Agency, AgencyName
from g287.errors import G287Error, NotFound
from g287.history import aliases
from g287.history.identity import SYSTEM, merge, reconsider_departures, unmerge
from g287.history.names import RULE_TEXT, Match
from g287.history.pair_rules import Judgement, agency_of_name, judge_pair, unless_listed_together
from g287.registry import quality
from g287.registry.ingest import registry_change
from g287.registry.names import agency_key
from g287.sources.rules import usps_code
from g287.wording import in_quotes, requoted


@dataclass(frozen=True)
class CandidateView:
    id: int
    state: str | None
    name: str
    candidate_agency_id: int
    candidate_name: str
    rule: str
    reason: str
    confidence: float
    evidence: dict
    status: str
    decided_by: str | None
    note: str | None
    superseded: tuple[int, ...] = ()  # a decision's: the other proposals of its tie it superseded


def candidates(session: Session, status: str | None = "pending") -> list[CandidateView]:
    query = (
        select(IdentityCandidate, AgencyName.name, Agency.name)
        .join(AgencyName, AgencyName.id == IdentityCandidate.agency_name_id)
        .join(Agency, Agency.id == IdentityCandidate.candidate_agency_id)
        .order_by(IdentityCandidate.confidence.desc(), IdentityCandidate.id)
    )
    if status:
        query = query.where(IdentityCandidate.status == status)
    return [_view(c, name, other) for c, name, other in session.execute(query)]


def _view(c: IdentityCandidate, name: str, candidate_name: str) -> CandidateView:
    return CandidateView(c.id, c.state_usps, name, c.candidate_agency_id, candidate_name, c.rule, RULE_TEXT.get(c.rule, c.rule), c.confidence, _shown(c.evidence), c.status, c.decided_by, c.note)


def _shown(evidence: dict | None) -> dict | None:
    """Evidence as every reader gets it (the commands and their JSON, the pages, the API): what the alias table said
    (`alias`) is stored with the names in Python's quotes (repr: "O'Brien's PD" in double quotes), and read with them
    quoted as the project quotes names (wording.requoted). The stored row is not changed; the names stay separate
    fields, as stored."""
    if evidence and isinstance(evidence.get("alias"), str):
        return dict(evidence, alias=requoted(evidence["alias"]))
    return evidence


def live_agency(session: Session, agency_id: int) -> Agency:
    """The agency, following merges (an absorbed agency's id leads to the agency it joined)."""
    agency = session.get(Agency, agency_id)
    seen = set()
    while agency is not None and agency.merged_into_id is not None and agency.id not in seen:
        seen.add(agency.id)
        agency = session.get(Agency, agency.merged_into_id)
    if agency is None:
        raise NotFound(f"no agency with id {agency_id}")
    return agency


def decide(db: Database, actor: Actor, candidate_id: int, accept: bool, note: str | None = None) -> CandidateView:
    """Accept (merge) or reject a candidate; the decision also goes into the reviewed alias table."""
    aliases.ensure_writable()
    with aliases.kept_only_if_committed() as alias_file, registry_change(db) as session:
        authorize(actor, "identity.review")
        candidate = session.get(IdentityCandidate, candidate_id)
        if candidate is None:
            raise NotFound(f"no review candidate {candidate_id} (see `g287 review`)")
        if candidate.status == "superseded":
            raise G287Error(f"candidate {candidate_id} was superseded ({candidate.note}, by {candidate.decided_by}): see `g287 review`")
        if candidate.status != "pending":
            raise G287Error(f"candidate {candidate_id} was already {candidate.status} by {candidate.decided_by}")
        name = session.get(AgencyName, candidate.agency_name_id)
        other_name = session.get(Agency, candidate.candidate_agency_id).name
        before = {"status": candidate.status}
        absorbed, survivor = live_agency(session, name.agency_id).id, live_agency(session, candidate.candidate_agency_id).id
        if not accept and absorbed == survivor:
            # Writing "different" while the database keeps them merged would leave the table and the database
            # saying opposite things; separating them is the alias table's decision, with its reason.
            # The command is quoted for the shell, so that it can be pasted whatever quotes the names hold.
            raise G287Error(
                f"candidate {candidate_id}: {in_quotes(name.name)} and {in_quotes(other_name)} are already one agency (merged since this candidate was proposed); "
                f"to separate them: g287 alias add {candidate.state_usps} {shlex.quote(name.name)} different {shlex.quote(other_name)} --reason TEXT"
            )
        reason = note or f"review by {actor.label}"
        relation = "same" if accept else "different"
        # Checked before the merge: the transaction is rolled back, and the table is not written. The decision is
        # the reviewer's on this pair (a table contradicting itself about it proposes it: alias_contradiction), so
        # the pair's own entry gives way to it; it may not contradict the table's other entries.
        _refuse_contradiction(aliases.Alias(candidate.state_usps or "", name.name, relation, other_name, reason, aliases.today()), replaces_its_pair=True)
        if accept:
            if absorbed != survivor:
                evidence = dict(candidate.evidence or {}, reviewed_by=actor.label, note=note)
                merge(session.connection(), absorbed, survivor, Match("review", 1.0), evidence, actor.label, candidate.publication_id)
                quality.refresh_same_agreement(session, {survivor})
        candidate.status = "accepted" if accept else "rejected"
        candidate.decided_by, candidate.decided_at, candidate.note = actor.label, dt.datetime.now(dt.timezone.utc), note
        audit.record(session, actor, "identity.review", "identity_candidate", candidate_id, before=before, after={"status": candidate.status, "note": note})
        superseded = _supersede_tied(session, actor, candidate) if accept else []
        session.flush()
        # The two names as they were before the merge: after it, the candidate agency carries the newest of them.
        view = replace(_view(candidate, name.name, other_name), superseded=tuple(superseded))
        # Written before the database commits: if the file cannot be written, nothing changes (and if the commit
        # fails, the file is put back).
        _record_alias(alias_file, candidate.state_usps, name.name, relation, other_name, reason)
    return view


def _tie_of(session: Session, candidate: IdentityCandidate, status: str) -> list[IdentityCandidate]:
    """The other proposals (of `status`) of the tie a candidate belongs to: its name was as close to several agencies,
    each proposed with it (identity: the evidence's "tied_with")."""
    tied_with = (candidate.evidence or {}).get("tied_with") or []
    if not tied_with:
        return []
    query = select(IdentityCandidate).where(
        IdentityCandidate.agency_name_id == candidate.agency_name_id, IdentityCandidate.candidate_agency_id.in_(tied_with), IdentityCandidate.status == status
    )
    return list(session.scalars(query.order_by(IdentityCandidate.id)))


def _supersede_tied(session: Session, actor: Actor, accepted: IdentityCandidate) -> list[int]:
    """A proposal of a tie is accepted: the name is one of the agencies, so the others of the tie leave the review
    list at once (superseded, each audited), rather than wait for a decision that no longer means anything."""
    note = f"candidate {accepted.id} of the same tie was accepted"
    superseded = []
    for other in _tie_of(session, accepted, "pending"):
        other.status, other.decided_by, other.decided_at, other.note = "superseded", actor.label, dt.datetime.now(dt.timezone.utc), note
        audit.record(session, actor, "identity.review.supersede", "identity_candidate", other.id, before={"status": "pending"}, after={"status": "superseded", "note": note})
        superseded.append(other.id)
    return superseded


def _record_alias(alias_file: aliases.PendingChange, state, name, relation, other_name, reason) -> None:
    table = aliases.load()
    entry = aliases.Alias(state or "", name, relation, other_name, reason, aliases.today())
    table.entries = [e for e in table.entries if not _same_pair(e, entry)] + [entry]
    alias_file.save(table)


def _refuse_contradiction(entry: aliases.Alias, replaces_its_pair: bool) -> None:
    """Refuse, before anything changes, an entry that would make the alias table contradict itself (alias add, and
    a review decision, which is written to the table too). `replaces_its_pair`: the entry of the same two names,
    whatever it says, gives way to it (_record_alias) rather than being contradicted."""
    table = aliases.load()
    if replaces_its_pair:
        table.entries = [e for e in table.entries if not _same_pair(e, entry)]
    contradicted = table.contradicted_by(entry)
    if contradicted:
        # Written, it would join and part the same names: an ingest would then join a new name to none of them.
        raise G287Error(
            f"{entry.statement()} contradicts the alias table, which says {'; '.join(e.statement() for e in contradicted)}"
            " (remove the one that is wrong first: g287 alias remove STATE NAME OTHER_NAME); nothing was recorded"
        )


def _same_pair(a: aliases.Alias, b: aliases.Alias) -> bool:
    pair = {agency_key(a.name), agency_key(a.other_name)}
    return a.state == b.state and pair == {agency_key(b.name), agency_key(b.other_name)}


def check_alias(state: str, name: str, relation: str, other_name: str, reason: str) -> str:
    """The state's USPS code of an alias that can be recorded; G287Error for one that cannot, whatever the database
    holds (add_alias checks it; the command line before it opens the database)."""
    state = usps_code(state, "state")
    if relation not in aliases.RELATIONS:
        raise G287Error(f"relation must be one of {aliases.RELATIONS}")
    if agency_key(name) == agency_key(other_name):
        raise G287Error("the two names are the same up to case, spacing and punctuation; they are one name")
    if not reason.strip():
        raise G287Error("give a reason: the alias table records why two names are, or are not, one agency")
    for field, value in (("NAME", name), ("OTHER_NAME", other_name)):
        if not value.strip():  # a blank name in the table makes every later read of it fail
            raise G287Error(f"{field} is empty: give the agency's name as ICE publishes it")
    aliases.ensure_writable()
    return state


def add_alias(db: Database, actor: Actor, state: str, name: str, relation: str, other_name: str, reason: str) -> str:
    """Record that two names are (or are not) one agency, and apply it to the database now."""
    state = check_alias(state, name, relation, other_name, reason)
    with aliases.kept_only_if_committed() as alias_file, registry_change(db) as session:
        authorize(actor, "identity.alias")
        # Parting a pair the table joins is how a merge made by the table or a review is undone (`review reject` says
        # so): the pair's `same` entry is replaced. A `same` entry never silently replaces a `different` one: a
        # reviewed separation is removed on purpose first. Checked in the registry's turn, against the table as it is
        # then (as remove_alias reads it): checked before, an entry another decision added meanwhile was contradicted.
        _refuse_contradiction(aliases.Alias(state, name, relation, other_name, reason, aliases.today()), replaces_its_pair=relation == "different")
        a, b = agency_of_name(session.connection(), state, name), agency_of_name(session.connection(), state, other_name)
        outcome = "recorded; neither name is in the database yet" if a is None and b is None else "recorded"
        if relation == "same" and a is not None and b is not None and a != b:
            merge(session.connection(), a, b, Match("alias", 1.0), {"alias": f"{state}: {name!r} is {other_name!r}", "reason": reason}, actor.label, None)
            outcome = "recorded and applied: the two names are now one agency"
        if relation == "different" and a is not None and a == b:
            record = _merge_joining(session, state, name, other_name)
            if record is None:
                raise G287Error("the two names are one agency by their normalized key; an alias cannot tell them apart")
            unmerge(session.connection(), record.id, actor.label, reason)
            outcome = "recorded and applied: the two names are now separate agencies"
        _refresh_register(session, state, name, other_name)
        audit.record(session, actor, "identity.alias", "alias", f"{state}:{name}", after={"relation": relation, "other_name": other_name, "reason": reason})
        settled, reopened = _settle_candidates(session, actor, state, name, other_name, "accepted" if relation == "same" else "rejected", f"settled by the alias table: {reason}")
        if settled:
            outcome += f"; review candidate{'s' if len(settled) > 1 else ''} {', '.join(map(str, settled))} settled by it"
        if reopened:
            outcome += f"; review candidate{'s' if len(reopened) > 1 else ''} {', '.join(map(str, reopened))} wait{'' if len(reopened) > 1 else 's'} for review again"
        _record_alias(alias_file, state, name, relation, other_name, reason)  # before the commit: a failed write changes nothing
    return outcome


def _candidates_of_pair(session: Session, state: str, name: str, other_name: str, statuses: tuple[str, ...]) -> list[IdentityCandidate]:
    """Review candidates (of the given statuses) between two names of a state: one names a name, the other
    names an agency that holds (or held, before a merge) the other name."""
    keys = {agency_key(name), agency_key(other_name)}
    found = []
    query = select(IdentityCandidate).where(IdentityCandidate.state_usps == state, IdentityCandidate.status.in_(statuses)).order_by(IdentityCandidate.id)
    for candidate in session.scalars(query):
        own = agency_key(session.scalar(select(AgencyName.name).where(AgencyName.id == candidate.agency_name_id)))
        if own not in keys:
            continue
        agency_id = candidate.candidate_agency_id
        held = set(session.scalars(select(AgencyName.name).where(AgencyName.agency_id == agency_id)))
        held |= set(session.scalars(select(Agency.name).where(Agency.id == agency_id)))
        held |= set(  # names the candidate agency had before it was merged into another
            session.scalars(select(AgencyName.name).join(IdentityMerge, IdentityMerge.agency_name_id == AgencyName.id).where(IdentityMerge.from_agency_id == agency_id))
        )
        if (keys - {own}) <= {agency_key(n) for n in held}:
            found.append(candidate)
    return found


def _settle_candidates(session: Session, actor: Actor, state: str, name: str, other_name: str, status: str, note: str) -> tuple[list[int], list[int]]:
    """An alias entry decides the pending candidates of its pair: left pending, a later accept or reject would
    contradict the table and the database (each change audited like a review decision). A `different` entry also
    rejects the pair's accepted candidate (its merge is undone), and the proposals of its tie that the acceptance
    superseded wait for review again: the name is as close to their agencies as it was. Returns the candidates
    settled, and those reopened."""
    settled, reopened = [], []
    for candidate in _candidates_of_pair(session, state, name, other_name, ("pending", "accepted") if status == "rejected" else ("pending",)):
        before = {"status": "pending"}
        if candidate.status == "accepted":
            before = {"status": candidate.status, "decided_by": candidate.decided_by, "note": candidate.note}
            reopened += _reopen(session, actor, _tie_of(session, candidate, "superseded"))
        candidate.status, candidate.decided_by, candidate.decided_at, candidate.note = status, actor.label, dt.datetime.now(dt.timezone.utc), note
        audit.record(session, actor, "identity.review", "identity_candidate", candidate.id, before=before, after={"status": status, "note": note})
        settled.append(candidate.id)
        if status == "accepted":
            settled += _supersede_tied(session, actor, candidate)
    return settled, reopened


def _reopen_candidates(session: Session, actor: Actor, state: str, name: str, other_name: str) -> list[int]:
    """The alias entry of a pair is removed: the decisions it recorded are withdrawn, and its candidates wait
    for review again (a candidate "accepted" whose merge was undone would say what the database does not), with the
    other proposals of its tie that its acceptance superseded."""
    reopened = []
    for candidate in _candidates_of_pair(session, state, name, other_name, ("accepted", "rejected")):
        tie = _tie_of(session, candidate, "superseded") if candidate.status == "accepted" else []
        reopened += _reopen(session, actor, [candidate, *tie])
    return reopened


def _reopen(session: Session, actor: Actor, candidates: list[IdentityCandidate]) -> list[int]:
    """The candidates wait for review again, each audited."""
    for candidate in candidates:
        before = {"status": candidate.status, "decided_by": candidate.decided_by, "note": candidate.note}
        candidate.status, candidate.decided_by, candidate.decided_at, candidate.note = "pending", None, None, None
        audit.record(session, actor, "identity.review.reopen", "identity_candidate", candidate.id, before=before, after={"status": "pending"})
    return [candidate.id for candidate in candidates]


def _merge_joining(session: Session, state: str, name: str, other_name: str) -> IdentityMerge | None:
    """The live merge that joined the two names: it moved one of them onto the agency that now holds the other
    (not any merge that touched one of the names)."""
    keys = {agency_key(name), agency_key(other_name)}
    query = (
        select(IdentityMerge, AgencyName.name)
        .join(AgencyName, AgencyName.id == IdentityMerge.agency_name_id)
        .where(AgencyName.state_usps == state, IdentityMerge.undone_at.is_(None))
        .order_by(IdentityMerge.id.desc())
    )
    moves: dict[tuple[int, int], tuple[IdentityMerge, set[str]]] = {}  # one merge is one record per moved name
    for record, moved_name in session.execute(query):
        moves.setdefault((record.from_agency_id, record.to_agency_id), (record, set()))[1].add(agency_key(moved_name))
    for record, moved in moves.values():  # latest first
        if len(moved & keys) != 1:
            continue
        survivor = live_agency(session, record.to_agency_id).id
        held = {agency_key(n) for n in session.scalars(select(AgencyName.name).where(AgencyName.agency_id == survivor))} - moved
        if (keys - moved) <= held:
            return record
    return None


def remove_alias(db: Database, actor: Actor, state: str, name: str, other_name: str) -> str:
    """Remove an alias entry: a merge the entry made is undone, and the identity rules judge the pair again, as an
    ingest without the entry would have (merging it, proposing it for review, or leaving it apart)."""
    state = usps_code(state, "state")  # as add_alias: "" or "ZZ" names no state (it answered "no alias ... in ")
    with aliases.kept_only_if_committed() as alias_file, registry_change(db) as session:
        authorize(actor, "identity.alias")
        # The table as it is in the registry's turn: read before it, an entry another decision removed meanwhile was
        # "removed" again, and an entry one added meanwhile was lost when the table read before was written back.
        table = aliases.load()
        probe = aliases.Alias(state, name, "same", other_name, "", "")
        found = [e for e in table.entries if _same_pair(e, probe)]
        if not found:
            raise NotFound(f"no alias between {in_quotes(name)} and {in_quotes(other_name)} in {state}")
        aliases.ensure_writable()
        outcome = "removed"
        if any(e.relation == "same" for e in found):
            record = _merge_joining(session, state, name, other_name)
            # An entry makes a merge by `alias add` (rule "alias") or by `review accept` (rule "review"); merges
            # the identity rules made on their own stay.
            if record is not None and record.rule in ("alias", "review"):
                unmerge(session.connection(), record.id, actor.label, "alias removed")
                outcome = "removed; the merge it made was undone"
        reopened = _reopen_candidates(session, actor, state, name, other_name)
        if reopened:
            outcome += f"; review candidate{'s' if len(reopened) > 1 else ''} {', '.join(map(str, reopened))} wait{'' if len(reopened) > 1 else 's'} for review again"
        table.entries = [e for e in table.entries if not _same_pair(e, probe)]
        alias_file.save(table)  # before the commit: a failed write changes nothing
        # With the entry gone (the file read again says so), the rules judge the pair as an ingest without the entry
        # would have, so that the registry does not depend on the table's history: first the rules for names, then
        # the lists' evidence across a pending departure (in the order an ingest runs them). A proposal a list held
        # withdraws, giving both names, is not made: ingested without the entry, that list withdrew it.
        judgement = unless_listed_together(session.connection(), judge_pair(session.connection(), state, name, other_name))
        _refresh_register(session, state, name, other_name)
        waiting = {c.id for c in session.scalars(select(IdentityCandidate).where(IdentityCandidate.status == "pending"))}
        reconsider_departures(session.connection(), state)
        proposed = sorted({c.id for c in session.scalars(select(IdentityCandidate).where(IdentityCandidate.status == "pending"))} - waiting)
        outcome += _judgement_text(judgement, nothing_else=outcome == "removed" and not proposed)
        if proposed:
            # Not "the pair again": the state's departures are reconsidered, which may propose another pair, or this
            # pair for the first time.
            outcome += f"; the lists (agreements passing across a pending departure) propose review candidate{'s' if len(proposed) > 1 else ''} {', '.join(map(str, proposed))}"
        audit.record(
            session, actor, "identity.alias.remove", "alias", f"{state}:{name}",
            before={"other_name": other_name, "relation": found[0].relation}, after={"outcome": outcome},
        )
    return outcome


def _refresh_register(session: Session, state: str, name: str, other_name: str) -> None:
    """The quality register's rows that list one agreement twice, for the agencies that now hold the pair's names
    (every row a merge or its undoing touched is theirs)."""
    quality.refresh_same_agreement(session, {agency_of_name(session.connection(), state, n) for n in (name, other_name)})


def _judgement_text(judgement: Judgement, nothing_else: bool) -> str:
    """The part of remove_alias's outcome that says what the identity rules for names did with the pair."""
    match = judgement.match
    if judgement.outcome == "merged":
        return f"; the identity rules join the two names into one agency ({match.reason}; confidence {match.confidence:.2f})"
    if judgement.outcome == "proposed":
        return f"; the identity rules propose the pair: review candidate {judgement.candidate_id} ({match.reason}; confidence {match.confidence:.2f})"
    if judgement.outcome == "listed together":
        # Not "propose": the proposal judge_pair made is withdrawn at once, and no candidate is left to name.
        return f"; the identity rules do not propose the pair: one of ICE's lists gives both names, and the rule relating them ({match.reason}) never joins names one list gives; they stay two agencies"
    if judgement.outcome == "joined to other names":
        return "; the newer name is joined to other names since, so the identity rules do not judge it alone (an ingest compared it alone): review the pair by hand if need be"
    if judgement.outcome == "apart" and nothing_else:
        # Said only when nothing else changed: the reader would otherwise not know whether the rules were run.
        return "; no identity rule joins the two names: they stay two agencies"
    return ""


def merges_of(session: Session, agency_id: int) -> list[dict]:
    """Every name joined to an agency, with the rule, confidence and evidence (undone merges included)."""
    query = (
        select(IdentityMerge, AgencyName.name)
        .join(AgencyName, AgencyName.id == IdentityMerge.agency_name_id)
        .where(IdentityMerge.to_agency_id == agency_id)
        .order_by(IdentityMerge.at, IdentityMerge.id)
    )
    return [
        {
            "name": name,
            "rule": m.rule,
            "reason": RULE_TEXT.get(m.rule, m.rule),
            "confidence": m.confidence,
            "evidence": _shown({k: v for k, v in (m.evidence or {}).items() if k not in ("moved_agreements", "joined_agreements")}),
            "tied_with": _tied_agencies(session, (m.evidence or {}).get("tied_with") or []),
            "by": m.actor,
            "at": m.at.isoformat(),
            "undone": m.undone_at.isoformat() if m.undone_at else None,
            # A list ingested late wrote its reason with the names in repr's quotes; a person's reason is as written.
            "undone_reason": requoted(m.undone_reason) if m.undone_reason and m.undone_by == SYSTEM else m.undone_reason,
        }
        for m, name in session.execute(query)
    ]


def _tied_agencies(session: Session, agency_ids: list[int]) -> list[dict]:
    """The agencies a merge's name was as close to, also proposed (the evidence's "tied_with" ids), as they
    are now: an agency absorbed since is named by the agency it joined, so that a reader can follow the link."""
    tied = []
    for agency_id in agency_ids:
        try:
            agency = live_agency(session, agency_id)
        except NotFound:  # ids of agencies the database no longer holds are not named
            continue
        if all(t["id"] != agency.id for t in tied):
            tied.append({"id": agency.id, "name": agency.name, "state": agency.state_usps})
    return tied

