"""`g287 program correct | refresher | renew | revoke`: a nominee's facts corrected, and a certified officer's
authorization kept up, from the command line (which acts as the administrator), as the nominee's page and the
program API do them. `program due` lists the refreshers and renewals that fall due; these record them. Thin
wrappers over g287.program.nominees and g287.program.training."""

from __future__ import annotations

import click

from g287.cli.common import RECORD_ID, database_option, echo, fields_given_by, json_option, parse_date, print_json, state
from g287.cli.program import JAIL_SECURITY_HELP, show_nominee, admin, program
from g287.errors import G287Error
from g287.program import nominees, training


def register(cli: click.Group) -> None:
    """The commands join `g287 program` (g287.cli.program) when this module is imported: the group it adds."""
    cli.add_command(program)


def _recorded(nominee_id: int, as_json: bool, change, line_of) -> None:
    """Make one change to a nominee's certification (`change(session)`), then say what it is now: `line_of(it)`, or
    with --json the certification as `program nominee --json` shows it."""
    with state().db.session(writing=True) as session:
        line = line_of(change(session))
    if as_json:
        with state().db.session() as session:
            print_json(nominees.nominee_detail(session, admin(), nominee_id)["certification"])
    else:
        echo(line)


def _day(value: str | None):
    """The day --on gives, read before the database is opened (a new one would be made); None: the service's
    default, today."""
    return parse_date(value, "--on")


@program.command("correct")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--name", "full_name", metavar="NAME", help="The nominee's name as it should read.")
@click.option("--citizen/--not-citizen", default=None, help="U.S. citizen.")
@click.option("--enforced-laws/--not-enforced-laws", default=None, help="Knows and has enforced the jurisdiction's laws.")
@click.option("--jail-security/--not-jail-security", "jail_security", default=None, help=JAIL_SECURITY_HELP + ".")
@click.option("--service", "periods", multiple=True, metavar="START[:END]", help="The periods of sworn law enforcement service, all of them: they replace those recorded.")
@click.option(
    "--namesake-of", "namesake_of", type=RECORD_ID, multiple=True, metavar="ID",
    help="With a new name: confirm that nominee ID, of that name on the MOA, is a different person (repeat for each).",
)
@json_option
@database_option
@fields_given_by(service_periods="periods", us_citizen="citizen", enforced_jurisdiction_laws="enforced_laws", jail_security_and_inmate_rules="jail_security")
def correct_command(nominee_id, full_name, citizen, enforced_laws, jail_security, periods, namesake_of, as_json):
    """Correct the facts recorded of a nominee (only those given), and show their eligibility. A new name is refused
    while a nominee of that name is on the MOA, unless --namesake-of confirms a different person."""
    given = {"full_name": full_name, "us_citizen": citizen, "enforced_jurisdiction_laws": enforced_laws, "jail_security_and_inmate_rules": jail_security}
    changes = {key: value for key, value in given.items() if value is not None}
    if periods:
        changes["service_periods"] = [{"start": p.partition(":")[0], "end": p.partition(":")[2] or None} for p in periods]
    if not changes:
        raise G287Error("nothing to correct: give --name, --citizen/--not-citizen, --enforced-laws/--not-enforced-laws, --jail-security/--not-jail-security or --service")
    nominees.check_facts(changes)  # before the database is opened (a new one would be made)
    with state().db.session(writing=True) as session:
        nominees.update_nominee(session, admin(), nominee_id, namesake_of=namesake_of, **changes)
        detail = nominees.nominee_detail(session, admin(), nominee_id)
    show_nominee(detail, as_json)


@program.command("refresher")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--on", "completed_on", metavar="YYYY-MM-DD", help="When the refresher training was completed (default: today).")
@json_option
@database_option
def refresher_command(nominee_id, completed_on, as_json):
    """Record a certified officer's refresher training; the next one falls due after the course's interval."""
    day = _day(completed_on)
    _recorded(
        nominee_id, as_json, lambda session: training.record_refresher(session, admin(), nominee_id, completed_on=day),
        lambda c: f"nominee {nominee_id}: refresher completed on {c.last_refresher_on}; next due {c.refresher_due_on}",
    )


@program.command("renew")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--on", "renewed_on", metavar="YYYY-MM-DD", help="When ICE renewed the certification (default: today).")
@json_option
@database_option
def renew_command(nominee_id, renewed_on, as_json):
    """Renew a certification before it expires: a new period runs from that day (eligibility and MOA re-checked)."""
    day = _day(renewed_on)
    _recorded(
        nominee_id, as_json, lambda session: training.renew_certification(session, admin(), nominee_id, renewed_on=day),
        lambda c: f"nominee {nominee_id}: certification renewed on {c.renewed_on}; expires {c.expires_on}",
    )


@program.command("revoke")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--on", "revoked_on", metavar="YYYY-MM-DD", help="When the authorization was revoked (default: today).")
@json_option
@database_option
def revoke_command(nominee_id, revoked_on, as_json):
    """Revoke an officer's authorization while it runs."""
    day = _day(revoked_on)
    _recorded(
        nominee_id, as_json, lambda session: training.revoke(session, admin(), nominee_id, revoked_on=day),
        lambda c: f"nominee {nominee_id}: authorization revoked on {c.revoked_on}",
    )
