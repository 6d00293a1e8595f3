"""Commands of the history: diff, timeline, pipeline, agreements, agency, review, alias."""

from __future__ import annotations

from dataclasses import asdict

import click

from g287.access import Actor
from g287.catalog import MODEL_CODES
from g287.cli.common import Choice, MODEL, RECORD_ID, WholeNumber, Table, console, database_option, echo, json_option, parse_date, print_json, state
from g287.db.ids import MAX_ID, record_id
from g287.errors import G287Error
from g287.history import review as review_service
from g287.history.agency import agency_history, find_agencies, published_names
from g287.history.diff import diff as diff_service, pending_changes
from g287.history.lifecycle import end_after_default, lifecycles
from g287.history.listings import publications as series_publications
from g287.history.names import expanded_key
from g287.history.pipeline import observable_spans, observation_window
from g287.history.pipeline import pipeline as pipeline_service
from g287.history.timeline import EVERY
from g287.history.timeline import check_request, timeline as timeline_service
from g287.registry.publications import check_reference, list_publications, resolve, whose_list
from g287.registry.queries import state_name
from g287.sources.rules import usps_code
from g287.wording import counted, in_quotes, noun, quoted


# The matches an ambiguous agency name lists: enough to choose from, one line still
SHOWN_MATCHES = 10


def register(cli: click.Group) -> None:
    for command in (diff, timeline, pipeline, agreements, agency, review, alias):
        cli.add_command(command)


# K counts absences from the participating lists: no change between two pending lists is an end.
PENDING_END_AFTER = "--end-after applies to participating lists only: the changes between two pending lists count no ends"


@click.command()
@click.argument("from_ref", metavar="FROM")
@click.argument("to_ref", metavar="TO")
@click.option(
    "--kind", type=Choice(["participating", "pending"]),
    help="The list compared; a date names its list in force then (default participating). Ids and file names name their own list, which must be of this kind when it is given.",
)
@click.option("--end-after", type=WholeNumber(1), help="K: absences that make an end (default $G287_END_AFTER or 2); participating lists only.")
@click.option("--state", "state_code", metavar="XX", help="One state's changes only (USPS code).")
@json_option
@database_option
def diff(from_ref, to_ref, kind, end_after, state_code, as_json):
    """What changed between two participating publications, or two pending ones (ids, file names or dates YYYY-MM-DD[am|pm])."""
    # Each value is checked before the database is opened (a new one would be made): the state, the references, K.
    state_code = usps_code(state_code)
    for ref in (from_ref, to_ref):
        check_reference(ref)
    if kind == "pending" and end_after is not None:
        raise G287Error(PENDING_END_AFTER)
    if kind != "pending" and end_after is None:
        end_after_default()  # the setting, read when participating lists are compared
    with state().db.session() as session:
        older, newer = (resolve(session, ref, kind or "participating") for ref in (from_ref, to_ref))
        compared = _kind_compared(older, newer, kind)
        if compared == "pending":
            if end_after is not None:
                raise G287Error(PENDING_END_AFTER)
            result = pending_changes(session, older, newer, state_code)
        else:
            result = diff_service(session, older, newer, end_after, state_code)
    if as_json:
        print_json(result)
        return
    where = f", in {state_name(state_code)} only" if state_code else ""
    if compared == "pending":
        _print_pending_changes(result, where)
        return
    echo(f"From {result['from']['publication']} to {result['to']['publication']}{where}:")
    labels = {
        "added": "added",
        "from_pending": "moved from pending to participating",
        "removed": "missing from the newer list",
        "to_pending": "moved back to pending",
        "renamed": "renamed",
        "signed_date_changed": "signed date changed",
    }
    for key, label in labels.items():
        items = result[key]
        echo(f"\n{label}: {len(items)}")
        for item in items:
            if key == "renamed":
                echo(_renamed_line(item))
            elif key == "signed_date_changed":
                echo(f"  {item['state']}  {item['agency']}  {item['model']}: {_signed(item['old_signed'])} -> {_signed(item['new_signed'])}")
            else:
                # an agency that gained or lost one model of several, as the site and the feed say it
                model = "model added" if item.get("model_added") else "the agency keeps its other models" if item.get("model_dropped") else ""
                extra = "; ".join(filter(None, (item.get("status_since"), item.get("note"), model)))
                echo(f"  {item['state']}  {item['agency']}  {item['model']}  {_signed(item['signed'])}  {extra}")


def _kind_compared(older, newer, kind: str | None) -> str:
    """The kind of list the two publications are (the kind given, when given): two of different kinds compare nothing."""
    for side, publication in (("FROM", older), ("TO", newer)):
        if kind and publication.kind != kind:
            raise G287Error(f"{side} {_list_named(publication)}: --kind {kind} compares two {kind} lists")
    if older.kind != newer.kind:
        raise G287Error(
            f"FROM {_list_named(older)} and TO {_list_named(newer)}: diff compares two lists of one kind "
            "(a date names the participating list in force then, and with --kind pending the pending one)"
        )
    return older.kind


def _list_named(publication) -> str:
    """'(publication 4, pendingAgencies05302025pm.xlsx) is ICE's pending list', for the messages of diff's kinds."""
    return f"(publication {publication.id}, {publication.file_name}) is {whose_list(publication)}"


def _print_pending_changes(result: dict, where: str) -> None:
    """The changes between two pending lists, in the words and order of the page /changes?kind=pending."""
    echo(f"From {result['from']['publication']} to {result['to']['publication']} (pending lists){where}:")
    labels = {
        "added": "newly pending",
        "to_participating": "no longer pending, listed as signed (on the participating list in force, or on one published between the two pending lists)",
        "not_participating": "no longer pending, not listed as signed (on neither the participating list in force nor one published between the two pending lists)",
        "renamed": "renamed",
    }
    for key, label in labels.items():
        echo(f"\n{label}: {len(result[key])}")
        for item in result[key]:
            echo(_renamed_line(item) if key == "renamed" else f"  {item['state']}  {item['agency']}  {item['model']}")


def _renamed_line(item: dict) -> str:
    return f"  {item['state']}  {item['old_name']} -> {item['new_name']}  ({', '.join(item['models'])}; {item['reason'] or 'same agency'})"


@click.command()
@click.option("--state", "state_code", metavar="XX", help="One state (USPS code).")
@click.option("--model", type=MODEL, help="One model.")
@click.option("--every", type=Choice(EVERY), default="day", show_default=True, help="One entry per day, week, month end, or publication date.")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First date (default: the first publication).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last date (default: the last publication).")
@json_option
@database_option
def timeline(state_code, model, every, start, end, as_json):
    """Figures over time, from the publications in force on each date."""
    state_code = usps_code(state_code)  # "" is no state, refused (the service reads a form's empty field as none)
    first_day, last_day = parse_date(start, "--from"), parse_date(end, "--to")
    check_request(state=state_code, model=model, every=every, start=first_day, end=last_day)  # before the database is opened
    with state().db.session() as session:
        rows = timeline_service(session, state=state_code, model=model, every=every, start=first_day, end=last_day)
        held = list_publications(session) if not rows else []
    if as_json:
        print_json(rows)
        return
    if not rows:
        span = f"the publications held span {min(p.published_on for p in held)} to {max(p.published_on for p in held)}" if held else "no publication is held"
        first, last = (min(p.published_on for p in held), max(p.published_on for p in held)) if held else (None, None)
        start_day, end_day = first_day or first, last_day or last
        if every == "publication" and held and start_day <= last and end_day >= first:
            # days in the span, none of them a publication's: "no date in the range" would send the reader elsewhere
            echo(f"No publication in the range {start_day} to {end_day}: {span}.")
            return
        echo(f"No date in the range: {span}.")
        return
    table = Table()
    # Territories are counted apart from the states; their column is shown when a list in the range names one.
    counts = ("participating_moas", "agreements", "agencies", "states") + (("territories",) if any(r["territories"] for r in rows) else ())
    for column in ("date", "MOAs", "agreements", "agencies", "states", *counts[4:], "JEM", "TFM", "WSO", "pending", "participating list"):
        table.add_column(column, justify="left" if column in ("date", "participating list") else "right")
    for r in rows:
        m = r["by_model"] or {}
        table.add_row(
            r["date"], *(("" if r[k] is None else str(r[k])) for k in counts),
            *(str(m.get(x, "")) for x in MODEL_CODES), "" if r["pending_listings"] is None else str(r["pending_listings"]),
            (r["participating_publication"] or {}).get("file", ""),
        )
    console.print(table)


@click.command()
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD",
    help="Only the lists of both kinds published on or before this date, as if no later list were held (default: every list held).",
)
@json_option
@database_option
def pipeline(as_of, as_json):
    """The pending pipeline: days from first pending listing to first participating listing and to signing."""
    day = parse_date(as_of)  # each value is checked before the database is opened (a new one would be made)
    end_after_default()  # K (the lifecycles), a bad setting refused before the database is opened
    with state().db.session() as session:
        result = pipeline_service(session, as_of=day)
        held = {kind: series_publications(session, kind, "ice", day) for kind in ("participating", "pending")}
    window = observation_window(held["participating"] + held["pending"])
    pending_lists = held["pending"]
    if as_json:
        print_json(result)
        return
    # The lists the figures come from, with a date: those published on or before it only.
    by_then = f" published on or before {day.isoformat()}" if day else ""
    durations = result.get("durations")
    if not durations:
        echo(f"no pending list{by_then} ingested" if day else "no pending publications ingested")
        return

    def line(label, d):
        s = d["to_listed"]
        g = d["to_signed"]
        # an agreement without one signed date (none, or two) has no wait to it: say of how many the median is
        known = f" (known for {g['count']})" if g["count"] and g["count"] != s["count"] else ""
        return f"{label:10} {s['count']:4} {noun(s['count'], 'agreement')}; median {_days(s['median_days'])} to be listed, {_days(g['median_days'])} to the signed date{known}"

    def spread(label, d) -> str:  # how many waited how long: the distribution behind each median
        # only the spans of days the lists held can observe, as the pending page shows them: a 0 past them read as
        # "no agreement waits that long", which these lists cannot tell
        return f"{label:10} " + "; ".join(
            f"{what}: " + (", ".join(f"{s['label']} days {s['count']}" for s in observable_spans(d[key]["distribution"], window["days"])[0]) or "none measured")
            for key, what in (("to_listed", "to be listed"), ("to_signed", "to the signed date"))
        )

    # The lists the waits are measured in, as the pending page names them: "Pending since" their first read as the
    # day the agreements became pending, which no list held tells.
    span = _ref(result["first_pending_publication"]) + (f" to {_ref(pending_lists[-1].ref)}" if len(pending_lists) > 1 else "")
    echo(f"From the {counted(result['pending_publications'], 'pending list')} held here{by_then} ({span}) and the participating lists{' published by then' if day else ''}:")
    echo(line("all", durations))
    for model, d in result["by_model"].items():
        echo(line(model, d))
    echo("By state:" if result["by_state"] else "By state: no wait measured")
    for usps, d in result["by_state"].items():
        echo(line(usps, d))
    echo("How many waited how long (agreements):")
    echo(spread("all", durations))
    for model, d in result["by_model"].items():
        echo(spread(model, d))
    unobservable = observable_spans(durations["to_listed"]["distribution"], window["days"])[1]
    if unobservable:
        echo(f"Spans longer than {counted(window['days'], 'day')} ({', '.join(unobservable)} days) cannot be observed in these lists and are not shown.")
    echo(
        f"{counted(len(result['moved_pending_before_first_publication']), 'more was', 'more were')} pending already in the first pending list (time unknown); "
        f"{len(result['left_without_signing'])} left the pending list without being listed as signed; {len(result['still_pending'])} still pending; "
        f"{len(result['pending_after_participating'])} listed as pending only when or after being listed as participating (not counted)."
    )
    stayed = result.get("stayed_pending_after_participating", [])
    echo(
        f"{counted(len(stayed), 'agreement was', 'agreements were')} still on the pending list after being listed as participating "
        f"(each also counted above, its wait unchanged){':' if stayed else '.'}"
    )
    for item in stayed:
        lists = ", ".join(_ref(r) for r in item["stayed_pending"])
        echo(f"  {item['state'] or 'state unknown'} {item['agency']} {item['model']}: first participating {_ref(item['first_participating'])}; pending lists after it: {lists}")


def _signed(dates: list[str | None]) -> str:
    """An agreement's signed dates in one list (several when its rows disagree; None for a date that is unknown)."""
    return " and ".join(d or "unknown" for d in dates) or "unknown"


def _days(median) -> str:
    return "unknown" if median is None else f"{median} {noun(median, 'day')}"


@click.command()
@click.option("--state", "state_code", metavar="XX")
@click.option("--model", type=MODEL)
@click.option("--status", type=Choice(["participating", "omitted lately", "ended", "pending", "left pending"]))
@click.option("--end-after", type=WholeNumber(1), help="K: absences that make an end (default $G287_END_AFTER or 2).")
@json_option
@database_option
def agreements(state_code, model, status, end_after, as_json):
    """Every agreement's lifecycle: first pending, first and last participating, signed dates, ends."""
    state_code = usps_code(state_code)
    if end_after is None:
        end_after_default()  # a bad setting refused before the database is opened
    with state().db.session() as session:
        lives = [l for l in lifecycles(session, end_after=end_after).values()]
        first_pending = next(iter(series_publications(session, "pending")), None)
    lives = [l for l in lives if (not state_code or l.state == state_code) and (not model or l.model == model) and (not status or l.status == status)]
    lives.sort(key=lambda l: (l.state or "", l.name or "", l.model))
    if as_json:
        print_json([l.as_dict() for l in lives])
        return
    table = Table()
    columns = (
        "state", "agency", "model", "status", "signed", "first pending", "first listed", "last listed", "corrections",
        "back on the pending list from", "still on the pending list after first listed",
    )
    for column in columns:
        table.add_column(column, overflow="fold")  # a list's file name, when its date and half are another's too, is shown whole
    for l in lives:
        table.add_row(
            l.state or "", l.name or "", l.model, l.status, l.signed_on.isoformat() if l.signed_on else "",
            _ref(l.first_pending, ""), _ref(l.first_participating, ""), _ref(l.last_participating, ""), str(max(0, len(l.signed_dates) - 1)),
            ", ".join(_ref(r) for r in l.back_to_pending), ", ".join(_ref(r) for r in l.stayed_pending),
        )
    console.print(table)
    # "first pending" of the first pending list held is no start: ICE's earlier lists are not held (as the pending page says)
    moment = (first_pending.published_on.isoformat(), first_pending.half) if first_pending else None
    from_first = sum(1 for l in lives if l.first_pending and (l.first_pending["published"], l.first_pending["half"]) == moment)
    if from_first:
        echo(
            f"{counted(from_first, 'agreement was', 'agreements were')} first listed as pending by the first pending list held here "
            f"({_ref(first_pending.ref)}): pending since then or earlier, for a time these lists cannot tell."
        )


@click.command()
@click.argument("ref")
@click.option("--state", "state_code", metavar="XX", help="Narrow a name search to one state.")
@json_option
@database_option
def agency(ref, state_code, as_json):
    """An agency's history: names and merges with their reasons, agreements, every listing. REF: id or name."""
    if not ref.strip():  # "" is contained in every name: it would match every agency
        raise G287Error("REF is empty: give an agency's id or (part of) its name")
    state_code = usps_code(state_code)
    end_after_default()  # K (the agreements' lifecycles), a bad setting refused before the database is opened
    with state().db.session() as session:
        agency_id = record_id(ref)
        if agency_id is None:
            # every match, not find_agencies' first 20: the count of those not shown must be true
            found = find_agencies(session, ref, state_code, limit=MAX_ID)
            # exactly one of the names the agency was published under (not only its current name: a name two
            # agencies were published under names both, never the one whose current name it happens to be)
            exact = [a for a in found if ref.strip().lower() in {n.lower() for n in published_names(session, a.id)}]
            if len(exact) != 1:  # the same name once abbreviations are written out ("Saint Lucie ..." for "St. Lucie ...")
                exact = [a for a in found if expanded_key(ref) in {expanded_key(n) for n in published_names(session, a.id)}]
            found = exact if len(exact) == 1 else found
            if not found:
                if ref.strip().isdigit():  # 0, or a number past the last id: read as (part of) a name, found in none
                    raise G287Error(f"no agency with id {quoted(ref.strip())}, nor any named like it: ids are whole numbers from 1 to {MAX_ID}")
                raise G287Error(f"no agency named like {quoted(ref)}")
            if len(found) > 1:
                shown = "; ".join(f"{a.id} {a.state_usps} {a.name}" for a in found[:SHOWN_MATCHES])
                more = len(found) - SHOWN_MATCHES
                rest = f"; and {more:,} more" if more > 0 else ""
                # what to do next also when every match is shown ("st": the nine St./Saint agencies)
                raise G287Error(f"{counted(len(found), 'agency')} match: {shown}{rest} (give more of the name, --state, or an id)")
            agency_id = found[0].id
        result = agency_history(session, agency_id)
    if as_json:
        print_json(result)
        return
    for line in agency_lines(result):
        echo(line)


def _ref(ref: dict | None, none: str = "none") -> str:
    """A publication as the agency's history names it: "2025-05-16 am" (and its file, when another list of the
    same date and half is held: "2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx")."""
    if not ref:
        return none
    return ref.get("label") or ref["published"] + (f" {ref['half']}" if ref.get("half") else "")


def _lists_listing(publications: int, in_force: int) -> str:
    """How many lists list an agreement, counted as K counts them (a list and its re-issue of the same half-day are
    one list in force), and the publications too when a re-issue makes them differ."""
    if publications == in_force:
        return counted(in_force, "list")
    return f"{counted(in_force, 'list')} in force; {publications:,} with the lists replaced the same half-day"


def agency_lines(result: dict) -> list[str]:
    """`g287 agency` without --json: what the JSON holds, in words (names, merges with their evidence, each
    agreement's lifecycle, every listing with its row numbers)."""
    a = result["agency"]
    lines = [f"{a['name']} ({a['state']}), agency {a['id']}: {a['type'] or 'type unknown'}, {a['county'] or 'no county given'}", "names:"]
    # Names as published, as the other commands print them (repr quoted each with the quote it did not hold).
    lines += [f"  {n['name']} — {n['reason']} ({n['confidence']:.2f})" for n in result["names"]]
    lines.append("merges:" if result["merges"] else "merges: none")
    for m in result["merges"]:
        evidence = m.get("evidence") or {}
        # What the alias table said, and the reason `alias add` was given, in the agency page's words.
        said = [f"{key}: {evidence[key]}" for key in ("alias", "reason") if evidence.get(key)]
        if evidence.get("names"):
            said.append(f"names {' and '.join(evidence['names'])}")
        if "listed_together" in evidence:
            said.append("listed together" if evidence["listed_together"] else "never listed together")
        if evidence.get("continuity"):
            said.append(f"continuity: {evidence['continuity']}")
        undone = f"; undone {m['undone'][:10]}: {m['undone_reason']}" if m.get("undone") else ""
        lines.append(f"  {m['name']}: {m['reason']} ({m['confidence']:.2f}; {m['rule']}), by {m['by']} on {m['at'][:10]}" + (f"; evidence: {'; '.join(said)}" if said else "") + undone)
    lines.append("agreements:")
    for item in result["agreements"]:
        life = item["lifecycle"] or {}
        lines.append(f"  {item['model']}: {life.get('status', 'never listed')}, signed {item['signed_on'] or 'unknown'}, MOA {item['moa_url'] or 'no address'}")
        if life.get("first_participating"):
            lines.append(f"    participating lists: {_ref(life['first_participating'])} to {_ref(life['last_participating'])} ({_lists_listing(life['participating_publications'], life['participating_lists_in_force'])})")
        if life.get("first_pending"):
            lines.append(f"    pending lists: {_ref(life['first_pending'])} to {_ref(life['last_pending'])} ({_lists_listing(life['pending_publications'], life['pending_lists_in_force'])})")
            if item["pending_since_first_list_held"]:  # as the agency's page and `g287 agreements` say it
                lines.append(f"    {_ref(life['first_pending'])} is the first pending list held here: pending since then or earlier, for a time these lists cannot tell")
        if life.get("status") == "omitted lately":  # an absence not yet closed: named, as the closed ones below
            lines.append(f"    not in the participating lists after {_ref(life['last_participating'])} (fewer lists than an end needs, so far)")
        for o in life.get("omissions", []):
            # Counted in lists in force, as K is: a list and its re-issue of the same half-day are one list.
            told = f"{counted(o['lists_in_force'], 'list')} in force" if o["lists_in_force"] else "a list replaced the same half-day by one that lists it again; no list in force"
            lines.append(f"    omitted from {_ref(o['from'])} to {_ref(o['to'])} ({told}; not an end)")
        for end in life.get("ends", []):
            moved = [m for m in item.get("same_moa_now_under", []) if m["from"]["publication_id"] == end["publication_id"]]
            elsewhere = "".join(f"; the same MOA (document and signed date) is listed under {m['agency']} from that list" for m in moved)
            lines.append(f"    no longer listed from {_ref(end)}{elsewhere}")
        for back in life.get("reinstated", []):
            lines.append(f"    listed again from {_ref(back)}")
        for back in life.get("back_to_pending", []):
            lines.append(f"    back on the pending list from {_ref(back)}")
        if life.get("stayed_pending"):
            lines.append(f"    still on the pending list after its first participating listing: {', '.join(_ref(r) for r in life['stayed_pending'])}")
        dates = life.get("signed_dates", [])
        if len(dates) > 1 or any(len(d["signed"]) > 1 for d in dates):
            # a date ICE's cell gives no reading of (5025-06-12) is None among them, said as the diff says it
            lines.append("    signed dates as listed: " + "; ".join(f"{', '.join(x or 'unknown' for x in d['signed'])} from {_ref(d['from'])}" for d in dates))
    lines.append("listings:")
    for listing in result["listings"]:
        rows = "; ".join(f"{r['name']} {r['model'] or 'model unknown'}" + (f" signed {r['signed']}" if r.get("signed") else "") for r in listing["rows"])
        first, last = listing.get("row_numbers_first") or [], listing.get("row_numbers_last") or []
        numbers = f"{noun(len(first), 'row')} {', '.join(map(str, first))} in the first list, {', '.join(map(str, last))} in the last"
        lines.append(f"  {listing['list']}: {_ref(listing['from'])} to {_ref(listing['to'])} ({_lists_listing(listing['publications'], listing['lists_in_force'])}): {rows}; {numbers}")
    return lines


@click.group(invoke_without_command=True)
@json_option
@database_option
@click.pass_context
def review(ctx, as_json):
    """Possible merges of agency names below the confidence threshold, waiting for a decision."""
    if ctx.invoked_subcommand:
        return
    with state().db.session() as session:
        items = review_service.candidates(session)
    if as_json:
        print_json([asdict(i) for i in items])
        return
    if not items:
        echo("nothing to review")
    for i in items:
        echo(f"{i.id}: {i.state}  {in_quotes(i.name)}  ~  {in_quotes(i.candidate_name)}  ({i.reason}; confidence {i.confidence:.2f})")
        if i.rule == "alias_contradiction":  # what the table says that cannot all be true
            echo(f"    {i.evidence['alias']}")


@review.command("accept")
@click.argument("candidate_id", type=RECORD_ID)
@click.option("--note", help="Why (kept with the decision and in the alias table).")
@database_option
def review_accept(candidate_id, note):
    """Merge the two names; also records them as one agency in the alias table."""
    view = review_service.decide(state().db, Actor.command_line(), candidate_id, True, note)
    echo(f"accepted: {in_quotes(view.name)} is {in_quotes(view.candidate_name)}")
    if view.superseded:
        ids, many = ", ".join(map(str, view.superseded)), len(view.superseded) > 1
        echo(f"superseded: {'candidates' if many else 'candidate'} {ids}, the other {'proposals' if many else 'proposal'} of this tie (the name was as close to {'those agencies' if many else 'that agency'})")


@review.command("reject")
@click.argument("candidate_id", type=RECORD_ID)
@click.option("--note", help="Why (kept with the decision and in the alias table).")
@database_option
def review_reject(candidate_id, note):
    """Keep the two names apart; also records them as different agencies in the alias table."""
    view = review_service.decide(state().db, Actor.command_line(), candidate_id, False, note)
    echo(f"rejected: {in_quotes(view.name)} and {in_quotes(view.candidate_name)} stay two agencies")


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def alias(ctx, as_json):
    """The reviewed alias table (names of one state that are, or are not, one agency)."""
    if ctx.invoked_subcommand:
        return
    from g287.history import aliases

    table = aliases.load()
    contradictions = table.contradictions()
    if as_json:
        # Still a list of entries: each also gives the contradictions it is part of, as the other entries of each.
        def shown(entry):
            return {k: v for k, v in asdict(entry).items() if k in ("state", "name", "relation", "other_name")}

        print_json([dict(asdict(e), contradictions=[[shown(o) for o in found if o is not e] for found in contradictions if e in found]) for e in table.entries])
        return
    echo(f"{aliases.path()}:")
    for e in table.entries:
        echo(f"  {e.state}  {in_quotes(e.name)} {e.relation} {in_quotes(e.other_name)}  — {e.reason} ({e.reviewed})")
    if contradictions:
        echo(f"{counted(len(contradictions), 'contradiction')} (entries that cannot all be true: remove or correct the one that is wrong):")
        for found in contradictions:
            but = '; '.join(e.statement() for e in found[1:]) or "the two names are one name up to case, spacing and punctuation"
            echo(f"  {found[0].statement()}, but {but}")


@alias.command("add")
@click.argument("state_code", metavar="STATE")
@click.argument("name")
@click.argument("relation", type=Choice(["same", "different"]))
@click.argument("other_name")
@click.option("--reason", required=True, help="Why (the evidence); kept in the table.")
@database_option
def alias_add(state_code, name, relation, other_name, reason):
    """Say that NAME is the SAME agency as OTHER_NAME, or a DIFFERENT one; applied at once."""
    review_service.check_alias(state_code, name, relation, other_name, reason)  # before the database is opened
    echo(review_service.add_alias(state().db, Actor.command_line(), state_code, name, relation, other_name, reason))


@alias.command("remove")
@click.argument("state_code", metavar="STATE")
@click.argument("name")
@click.argument("other_name")
@database_option
def alias_remove(state_code, name, other_name):
    """Remove the entry between two names: a merge it made is undone, and the identity rules judge the pair again, as an ingest without the entry would."""
    usps_code(state_code, "state")  # as remove_alias checks it, before the database is opened
    echo(review_service.remove_alias(state().db, Actor.command_line(), state_code, name, other_name))
