"""Commands of the document archive and the sync: `g287 sync` and `g287 documents ...`."""

from __future__ import annotations

from dataclasses import asdict

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from g287.access import Actor
from g287.cli.common import Choice, RECORD_ID, GivenPath, WholeNumber, Table, console, database_option, err_console, json_option, print_json, state
from g287.db.ids import MAX_ID
from g287.documents import queries, settings, store
from g287.documents.display import displayable
from g287.documents.importer import check_import, import_paths
from g287.documents.search import check_search, search as search_documents
from g287.documents.timed_workers import workers_kept
from g287.errors import G287Error
from g287.wording import counted


def shown(value) -> str:
    """`value` fit for a terminal: each character that must not reach it raw (an escape, a line break, a
    bidirectional control: g287.documents.display) replaced by '?'. JSON output keeps the exact values."""
    return displayable(value, "?")


def echo(text, err: bool = False) -> None:
    """One line of output, fit for a terminal (see shown)."""
    click.echo(shown(text), err=err)


def register(cli: click.Group) -> None:
    cli.add_command(sync)
    cli.add_command(documents)


@click.command()
@click.option("--source", metavar="URL", help="ICE's 287(g) page (default: $G287_ICE_PAGE_URL, else https://www.ice.gov/identify-and-arrest/287g).")
@click.option("--all-history", is_flag=True, help="Also fetch the documents that earlier publications linked, not only the current list's.")
@click.option("--recheck", is_flag=True, help="Ask the server again for documents already held (conditional requests), to find replaced files.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without text now (`g287 documents read --unread` does it later).")
@click.option("--limit", type=WholeNumber(0), help="Fetch at most this many documents not yet held (a first sync in parts).")
@json_option
@database_option
def sync(source, all_history, recheck, no_ocr, limit, as_json):
    """Fetch ICE's page, its current workbooks and every linked MOA and addendum not yet held, and ingest them.

    Polite (a user agent naming g287, a delay between requests, timeouts, retries with backoff, a size limit) and
    resumable: what is held is never downloaded again. A broken link is recorded, not fatal; the exit status is
    1 only when the page or a workbook could not be read."""
    from g287.sources.sync import check_sync, run_sync

    if source is not None and not source.strip():  # else the default address is used, unlike what was asked
        raise G287Error("--source is empty: give the address of ICE's page, or leave the option out")
    check_sync(source)  # the address and the settings, before the database is opened (a new one would be made)

    def progress(message: str) -> None:
        if not as_json:
            err_console.print(shown(message), highlight=False, markup=False)

    report = run_sync(
        state().db, Actor.command_line(), page_url=source, every_publication=all_history, recheck=recheck,
        ocr=False if no_ocr else None, limit=limit, on_progress=progress,
    )
    if as_json:
        print_json(report.as_dict())
    else:
        for line in report.summary_lines():
            echo(line)
    if report.failed:
        raise click.exceptions.Exit(1)


@click.group()
def documents():
    """The document archive: signed MOAs and addenda, ICE's workbooks; their text, facts and search."""


@documents.command("import")
@click.argument("paths", nargs=-1, required=True, type=GivenPath())
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without text now.")
@json_option
@database_option
def import_command(paths, no_ocr, as_json):
    """Import PDFs (files, or folders searched recursively), matched to the listings' links by file name.

    Each file is one transaction: a file that is not a readable PDF (corrupt, encrypted, empty, not a PDF)
    changes nothing and is reported in one line; the exit status is then 1."""

    def on_error(path, error):
        if not as_json:
            echo(f"g287: error: {error}", err=True)

    # The paths and the settings, before the database is opened (a new one would be made)
    options = {"ocr": False if no_ocr else None, "on_error": on_error, "found": check_import(list(paths))}
    if not as_json:
        for folder in options["found"][2]:  # folders that cannot be listed, said before any file (as `g287 ingest` does)
            echo(f"g287: error: {folder['error']}", err=True)
    if as_json or not err_console.is_terminal:  # a progress bar only on a terminal
        report = import_paths(state().db, list(paths), Actor.command_line(), **options)
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=True) as progress:
            task = progress.add_task("importing", total=None, visible=False)
            report = import_paths(
                state().db, list(paths), Actor.command_line(), **dict(options, on_error=lambda p, e: (progress.advance(task), on_error(p, e))),
                on_files=lambda n: progress.update(task, total=n, visible=n > 1), on_result=lambda p, r: progress.advance(task),
            )
    if as_json:
        print_json({"results": [asdict(r) for r in report.results], "errors": report.errors, "skipped": report.skipped, "unmatched": report.unmatched})
    else:
        for r in report.results:
            if r.status == "held":
                echo(f"{r.file}: {'; '.join(r.notes)}")
            else:
                read = f"{counted(r.pages, 'page')} ({_how_read(r.text_pages, r.ocr_pages, r.unread_pages)})"
                linked = f"linked to {counted(len(r.addresses), 'address', 'addresses')}" if r.addresses else "not linked by any listing"
                extra = "".join(f"; {n}" for n in r.notes if "no listing links" not in n)
                echo(f"{r.file}: stored as {r.sha256[:12]}: {read}, {linked}{extra}")
        for s in report.skipped:
            echo(f"{s['file']}: skipped ({s['reason']})")
    if report.errors:
        raise click.exceptions.Exit(1)


@documents.command("list")
@click.option("--agency", "agency_id", type=RECORD_ID, help="Only the documents this agency's listings link.")
@click.option("--kind", type=Choice(["pdf", "workbook", "page"]))
@click.option("--limit", type=WholeNumber(1, 10000), default=100, show_default=True)
@click.option("--offset", type=WholeNumber(0, MAX_ID), default=0)
@json_option
@database_option
def list_command(agency_id, kind, limit, offset, as_json):
    """Documents in the archive, with what was read from them."""
    if agency_id is not None and kind is not None:  # before the database is opened
        raise G287Error("--agency lists an agency's signed documents (PDFs): it does not take --kind")
    with state().db.session() as session:
        if agency_id is not None:
            items = queries.documents_of_agency(session, agency_id)
            data = {"total": len(items), "documents": items[offset : offset + limit]}
        else:
            data = queries.list_documents(session, kind=kind, limit=limit, offset=offset)
    if as_json:
        print_json(data)
        return
    table = Table(title=counted(data["total"], "document"))
    for column in ("sha256", "file", "pages", "model", "agency", "ICE signed", "addendum"):
        table.add_column(column, overflow="fold")
    for d in data["documents"]:
        f = d["facts"]
        row = (d["sha256"][:12], d["file_name"], _pages(d), _value(f, "model"), _value(f, "agency_name"), _value(f, "ice_signed_on"), _value(f, "addendum"))
        table.add_row(*map(shown, row))
    console.print(table)


@documents.command("show")
@click.argument("sha256")
@click.option("--page", type=WholeNumber(1), help="Print the text of this page (and how it was read) instead.")
@json_option
@database_option
def show(sha256, page, as_json):
    """One document: facts (with page, confidence and source), pages, addresses, agreements, publications."""
    store.check_sha(sha256)  # before the database is opened (a new one would be made)
    if page is not None:
        with state().db.session() as session:
            text = queries.page_text(session, sha256, page)
        if as_json:
            print_json(text)
        else:
            click.echo(f"page {text['page']} of {text['sha256'][:12]}, read from {text['source']}:")
            if text["note"]:
                echo(f"({text['note']})")
            click.echo("\n".join(shown(line) for line in text["text"].split("\n")))
        return
    with state().db.session() as session:
        detail = queries.document_detail(session, sha256)
    detail["path"] = str(store.archive_for(state().db).path_for(detail["sha256"], detail["extension"]))
    if as_json:
        print_json(detail)
        return
    echo(f"{detail['file_name']}  sha256 {detail['sha256']}  ({detail['kind']}, {detail['size_bytes']:,} bytes, {_pages(detail)})")
    echo(f"file: {detail['path']}")
    if detail["facts"]:
        table = Table(title="Read from the document")
        for column in ("fact", "value", "page", "confidence", "read from", "evidence"):
            table.add_column(column, overflow="fold")
        for name, f in detail["facts"].items():
            row = (name, f["value"] if f["value"] is not None else "unknown", str(f["page"] or ""), f"{f['confidence']:.2f}", f["source"] or "", (f["evidence"] or "")[:120])
            table.add_row(*map(shown, row))
        console.print(table)
    for p in detail["pages_detail"]:
        if p["note"]:
            echo(f"page {p['page']} ({p['source']}): {p['note']}")
    for a in detail["addresses"]:
        echo(f"address ({a['role']}, {a['status']}): {a['url']}")
    for a in detail["agreements"]:
        echo(f"linked by: {a['agency']} ({a['state'] or '?'}), {a['model'] or '?'} {a['role']}" + (f", agreement {a['agreement_id']}" if a["agreement_id"] else ""))
    if detail["publications"]:
        first, last = detail["publications"][0], detail["publications"][-1]
        echo(f"listed in {counted(len(detail['publications']), 'publication')}, {first['label']} to {last['label']}")


class QueryCommand(click.Command):
    """A command whose arguments are the words of a query: a word written `-word` (a word to exclude) is a word, not
    an option. Only this command's own option names, written exactly (`--limit 5`, `--limit=5`, `--json`, `-h`),
    are options; everything else, and everything after `--`, is a query word, in the order given.

    (click's ignore_unknown_options is not enough: it splits `-sheriff` into short options, and its `h` is -h.)"""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in param.opts + param.secondary_opts:
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        position = 0
        while position < len(args):
            token = args[position]
            position += 1
            if token == "--":
                words.extend(args[position:])
                break
            name, has_value = token.split("=", 1)[0], "=" in token
            if name not in takes_value or (has_value and not (name.startswith("--") and takes_value[name])):
                words.append(token)
                continue
            options.append(token)
            if takes_value[name] and not has_value:
                if position == len(args):
                    raise click.BadOptionUsage(name, f"Option '{name}' requires an argument.", ctx)
                options.append(args[position])
                position += 1
        return super().parse_args(ctx, options + ["--"] + words)


@documents.command(cls=QueryCommand)
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=WholeNumber(1, 100), default=20, show_default=True)
@click.option("--offset", type=WholeNumber(0, MAX_ID), default=0)
@json_option
@database_option
def search(query, limit, offset, as_json):
    """Full-text search of the documents: words (all must appear), "exact phrases", -excluded words; a word is also
    found as the abbreviations of agency names write it ("saint lucie": "St. Lucie", "st": "Saint"; a
    lone "saint" is no "St.", which is also Street; g287/data/rules/identity.toml).

    Only this command's options, written exactly, are options: `-police` is a word to exclude. To exclude a word
    written like one (`-h`), put the query words after `--`."""
    check_search(" ".join(query), limit=limit, offset=offset)  # before the database is opened
    with state().db.session() as session:
        page = search_documents(session, " ".join(query), limit=limit, offset=offset)
    if as_json:
        print_json(page.as_dict())
        return
    click.echo(f"{counted(page.total, 'document matches', 'documents match')}" + (f"; showing {offset + 1}-{offset + len(page.hits)}" if page.hits else ""))
    for hit in page.hits:
        agencies = "; ".join(f"{a['name']} ({a['state'] or '?'}) {a['model'] or ''}".strip() for a in hit.agencies) or "not linked by any listing"
        ocr = " [OCR]" if "ocr" in hit.page_source else ""
        click.echo()
        echo(f"{hit.file_name} page {hit.page}{ocr}  {hit.sha256[:12]}  {agencies}")
        echo(f"  {hit.snippet}")


@documents.command()
@json_option
@database_option
def broken(as_json):
    """Addresses whose last download failed (not found, timed out, not a PDF, cut off), with their agreements."""
    with state().db.session() as session:
        items = queries.broken_links(session)
    if as_json:
        print_json(items)
        return
    if not items:
        click.echo("no broken links")
        return
    table = Table(title=counted(len(items), "broken link"))
    for column in ("address", "problem", "failures", "linked by"):
        table.add_column(column, overflow="fold")
    for b in items:
        linked = "; ".join(f"{a['agency']} ({a['state'] or '?'}) {a['model'] or ''}".strip() for a in b["agreements"])
        table.add_row(*map(shown, (b["url"], b["problem"] or "", str(b["failures"]), linked)))
    console.print(table)


@documents.command()
@click.argument("sha256", nargs=-1)
@click.option("--unread", "unread", is_flag=True, help="Every document that has pages not read yet (e.g. after a sync with --no-ocr).")
@click.option("--no-ocr", is_flag=True, help="Read the text layer only.")
@click.option("--facts-only", is_flag=True, help="Do not read the files: extract the facts again from the stored pages (after a rule change).")
@json_option
@database_option
def read(sha256, unread, no_ocr, facts_only, as_json):
    """Read stored documents again (text layer and OCR), replacing their pages and facts."""
    # What can be refused is, before the database is opened (a new one would be made).
    if facts_only and unread:
        raise G287Error("--facts-only re-extracts from stored pages; it does not combine with --unread")
    if unread and sha256:  # which documents: those named, or every one with unread pages, not both at once
        raise G287Error("--unread reads every document with unread pages; it does not combine with documents named by sha256")
    if not (sha256 or unread or facts_only):
        raise G287Error("name documents by sha256, or give --unread")
    for target in sha256:
        store.check_sha(target)
    if not facts_only:
        settings.check_reading_settings()  # a bad setting is one line before anything, not one per document
    db = state().db
    actor = Actor.command_line()
    if facts_only:
        counts = [store.recheck(db, actor, s) for s in sha256] if sha256 else [store.recheck(db, actor)]
        message = {"documents": sum(counts)}
        print_json(message) if as_json else click.echo(f"facts extracted again from {counted(sum(counts), 'document')}")
        return
    targets = list(sha256)
    if unread:  # (never with documents named: refused above)
        with db.session() as session:
            from sqlalchemy import select

            from g287.db.models.documents import Document

            targets = list(session.scalars(select(Document.sha256).where(Document.kind == "pdf", Document.unread_pages > 0)))
    if not targets:  # --unread, and none is
        print_json([]) if as_json else click.echo("no document has unread pages: nothing to read")
        return
    results = []
    with workers_kept():  # one reading worker for all the files, not one started for each
        for target in targets:
            results.append(store.reread(db, target, actor, ocr=False if no_ocr else None))
            if not as_json:
                r = results[-1]
                echo(f"{r.file} ({r.sha256[:12]}): {_pages(asdict(r) | {'pages': r.pages})}" + "".join(f"; {n}" for n in r.notes))
    if as_json:
        print_json([asdict(r) for r in results])


def _pages(d: dict) -> str:
    if not d.get("pages"):
        return ""
    return f"{counted(d['pages'], 'page')}: {_how_read(d['text_pages'], d['ocr_pages'], d['unread_pages'])}"


def _how_read(text_pages: int, ocr_pages: int, unread_pages: int) -> str:
    """How the pages were read, as the site says it: a page with typed words and a scan is both "with a text layer"
    and "read by OCR", so the counts may add up to more than the pages ("3 text layer, 12 OCR" of 14 read as 15)."""
    return f"{text_pages} with a text layer, {ocr_pages} read by OCR, {unread_pages} unread"


def _value(facts: dict, name: str) -> str:
    fact = facts.get(name)
    if not fact:
        return ""
    return fact["value"] if fact["value"] is not None else "unknown"
