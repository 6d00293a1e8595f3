"""Commands of the program workflow's accounts and audit log: `g287 user add|list|disable`, `g287 audit` and
`g287 demo`. The command line acts as the installation's administrator."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from g287.access import Actor
from g287.cli.common import Choice, RECORD_ID, WholeNumber, Table, console, database_option, echo, fields_given_by, json_option, parse_date, print_json, state
from g287.config import check_reading_settings
from g287.program import accounts, demo
from g287.errors import G287Error, NotFound
from g287.program.audit_log import MAX_LIMIT, UNTIL_BEFORE_SINCE, AuditFilter, check_filter, read_events
from g287.program.validation import InvalidInput
from g287.wording import counted, quoted


def register(cli: click.Group) -> None:
    cli.add_command(user)
    cli.add_command(audit_command)
    cli.add_command(demo_command)


@click.group()
def user() -> None:
    """Accounts: agency users, program officers, administrators."""


def _typed_password() -> str:
    """Typed twice, hidden, at a terminal; from a script (standard input not a terminal), its first line. There the
    confirmation prompt could only repeat until the input ran out, and end as if the user had pressed Ctrl+C."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise G287Error("--prompt-password: no password on standard input (its first line is the password)")
    return line


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=Choice(accounts.ACCOUNT_ROLES), help="What the account may do.")
@click.option("--agency", "agency_id", type=RECORD_ID, metavar="ID", help="For agency users: the applicant agency they act for (see `g287 program agencies`).")
@click.option("--name", "display_name", metavar="TEXT", help="The name shown for the account (default: the user name).")
@click.option("--prompt-password", is_flag=True, help="Type the password (twice, hidden) instead of generating one.")
@json_option
@database_option
@fields_given_by(password="prompt_password")
def user_add(username, role, agency_id, display_name, prompt_password, as_json):
    """Add an account. Unless --prompt-password, a password is generated and printed once; it is never stored
    in clear and cannot be shown again."""
    accounts.check_account(username, role, display_name=display_name, agency_id=agency_id)  # before the password is asked for, and the database opened
    password = _typed_password() if prompt_password else None
    if password is not None:
        accounts.check_account(username, role, display_name=display_name, agency_id=agency_id, password=password)
    try:
        with state().db.session(writing=True) as session:
            created = accounts.add_user(session, Actor.command_line(), username, role, display_name=display_name, agency_id=agency_id, password=password)
    except InvalidInput as error:
        if agency_id is None or error.fields.get("agency_id") != accounts.no_agency(agency_id):
            raise
        raise InvalidInput({**error.fields, "agency_id": f"{accounts.no_agency(agency_id)} (see `g287 program agencies`)"}) from None
    if as_json:
        print_json({"user": asdict(created.user), "password": created.password})
        return
    who = f" for {created.user.agency} (agency {created.user.agency_id})" if created.user.agency_id else ""
    echo(f"added {created.user.username} ({created.user.role}{who})")
    if created.password:
        echo(f"password (shown once, store it now): {created.password}")


@user.command("list")
@json_option
@database_option
def user_list(as_json):
    """Every account, with its role, agency and whether it is disabled."""
    with state().db.session() as session:
        users = accounts.list_users(session, Actor.command_line())
    if as_json:
        print_json([asdict(u) for u in users])
        return
    table = Table()
    for column in ("id", "user name", "name", "role", "agency", "disabled"):
        table.add_column(column)
    for u in users:
        table.add_row(str(u.id), u.username, u.display_name, u.role, f"{u.agency} ({u.agency_id})" if u.agency_id else "", "yes" if u.disabled else "")
    console.print(table)


@user.command("disable")
@click.argument("username")
@json_option
@database_option
def user_disable(username, as_json):
    """Disable an account and end its sessions (accounts are never deleted: the audit log names them)."""
    try:
        accounts.check_account_name(username)  # before the database is opened (a new one would be made)
        with state().db.session(writing=True) as session:
            info = accounts.disable_user(session, Actor.command_line(), username)
    except NotFound as error:
        raise NotFound(f"{error} (see `g287 user list`)") from None
    if as_json:
        print_json(asdict(info))
    else:
        echo(f"disabled {info.username}; its sessions have ended")


@click.command("audit")
@click.option("--actor", metavar="LABEL|USER", help="Only events by this actor: a user name, user:ID, cli:NAME or system.")
@click.option("--action", metavar="ACTION", help="Only this action (e.g. moa.record_signed), or a prefix ending in a dot (moa.).")
@click.option("--object", "object_ref", metavar="TYPE[:ID]", help="Only events about this kind of record (e.g. moa, nominee:3).")
@click.option("--since", metavar="YYYY-MM-DD", help="Only events on or after this day (UTC).")
@click.option("--until", metavar="YYYY-MM-DD", help="Only events on or before this day (UTC).")
@click.option("--limit", type=WholeNumber(1, MAX_LIMIT), default=200, show_default=True, help=f"At most this many events, newest first (at most {MAX_LIMIT:,}).")
@json_option
@database_option
def audit_command(actor, action, object_ref, since, until, limit, as_json):
    """The audit log: who changed what, when, with the values before and after (newest first)."""
    for option, value in (("--actor", actor), ("--action", action), ("--object", object_ref)):
        if value is not None and not value.strip():  # an empty filter read as none would show every event
            raise G287Error(f"{option} is empty: give a value, or leave the option out")
    object_type, colon, object_id = (object_ref or "").partition(":")
    if object_ref is not None and (not object_type.strip() or (colon and not object_id.strip())):
        raise G287Error(f"--object {quoted(object_ref)}: give TYPE or TYPE:ID (e.g. moa, nominee:3)")
    wanted = AuditFilter(
        actor=actor,
        action=action,
        object_type=object_type or None,
        object_id=object_id or None,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        limit=limit,
    )
    options = {
        "object_type": ("--object", object_ref), "object_id": ("--object", object_ref), "actor": ("--actor", actor), "action": ("--action", action),
        "since": ("--since", since), "until": ("--until", until),
    }
    try:
        check_filter(wanted)  # before the database is opened (a new one would be made): a malformed reference too
        with state().db.session() as session:
            events = read_events(session, Actor.command_line(), wanted)
    except InvalidInput as error:
        # A malformed reference, or an actor, a kind of record or a record that does not exist, a day before
        # --since, is refused by the service, naming its filter: said here with the option that was given.
        problems = dict(error.fields)
        if problems.get("until") == UNTIL_BEFORE_SINCE:
            problems["until"] = f"must not be before --since {quoted(since)}"
        raise G287Error("; ".join(f"{options[name][0]} {quoted(options[name][1])}: {problem}" if name in options else f"{name}: {problem}" for name, problem in problems.items())) from None
    if as_json:
        print_json(events)
        return
    table = Table()
    for column in ("id", "at (UTC)", "actor", "action", "object", "before", "after"):
        table.add_column(column, overflow="fold")
    for e in events:
        who = e["actor"] + (f" ({e['user']})" if e["user"] else "")
        table.add_row(str(e["id"]), e["at"][:19], who, e["action"], f"{e['object_type']}:{e['object_id']}", _short(e["before"]), _short(e["after"]))
    console.print(table)


def _short(values) -> str:
    if not values:
        return ""
    text = ", ".join(f"{k}={_plain(v)}" for k, v in values.items())
    return text if len(text) <= 160 else text[:157] + "..."


def _plain(value) -> str:
    """A value of an event as the program's tables write values (they printed Python's True, None and {'name': ...}):
    yes or no, "none" for no value, a score as a number is written (66, not 66.0), a record's fields in parentheses,
    a list's items separated by semicolons. --json gives every value exactly."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_plain(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "; ".join(_plain(v) for v in value) if value else "none"
    return str(value)


@click.command("demo")
@json_option
@database_option
def demo_command(as_json):
    """Create demonstration accounts (one per role, passwords printed once) and fictional applications in every
    stage, then publish the registry's lists. Runs only on a database without accounts."""
    check_reading_settings()  # the lists published are ingested: a bad setting refused before the database is opened
    result = demo.create_demo(state().db, Actor.command_line())
    if as_json:
        print_json(asdict(result))
        return
    echo("Demonstration accounts (passwords are shown once; store them now):")
    for u in result.users:
        echo(f"  {u['username']:<24} {u['role']:<16} {u['password']}" + (f"  acts for {u['agency']}" if u["agency"] else ""))
    echo("Applications:")
    for a in result.applications:
        echo(f"  {a['id']}: {a['agency']} ({a['state']}), " + ", ".join(f"{m['model']} {m['status']}" for m in a["moas"]))
    for item in result.published:
        echo(f"Registry {item['kind']} list: {item['status']} ({counted(item['rows'], 'row')})")
