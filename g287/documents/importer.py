"""`g287 documents import`: a folder of PDFs (e.g. an archive of earlier downloads) matched to the addresses
listings link, by file name.

A listing links `https://www.ice.gov/doclib/287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf`; a file named
`SumnerCoSOTN_WSO_MOA_042925.pdf` anywhere in the folder is that document. Matching ignores case and the
" (1)" that browsers add to second downloads. A file whose name no listing links is kept too (the archive keeps
what it is given), and reported as unmatched. Each file is its own transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from g287.access import Actor, authorize
from g287.db.engine import Database
from g287.db.models.documents import Document, DocumentAddress, DocumentOrigin
from g287.documents import settings
from g287.documents.archive import sha256_of
from g287.documents.links import link_unlinked_rows
from g287.documents.pdftext import DocumentError
from g287.documents.reading import TextLayer, complete_reading, read_text_layers
from g287.documents.store import StoreResult, archive_for, store_pdf
from g287.errors import G287Error
from g287.folders import files_in_folder
from g287.registry.ingest import kind_of_non_file, registry_change

_COPY_SUFFIX = re.compile(r"\s*\(\d+\)(?=\.[^.]+$)")


def link_key_of_file(name: str) -> str:
    return _COPY_SUFFIX.sub("", name.strip()).lower()


@dataclass
class ImportReport:
    results: list[StoreResult] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"file", "error"}
    skipped: list[dict] = field(default_factory=list)  # files in folders that are not PDFs by name
    unmatched: list[str] = field(default_factory=list)  # stored, but no listing links their name


def _pdf_by_name(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def expand(arguments: list[str]) -> tuple[list[Path], list[dict], list[dict]]:
    """PDFs named, and the PDFs in folders named (recursively, as `g287 ingest` walks them: g287.folders); other
    files in folders are reported as skipped, and folders that cannot be listed as errors ({"file", "error"}: what
    they hold was passed over in silence, the import's status 0).
    G287Error for a path that cannot be a document, whatever it holds: nothing there, no file of data (a device, a named pipe), or a file named that is not a
    .pdf by its name (`documents import README.md`), refused as a whole before anything is read, as the name alone
    says it (and, by the command line, before a database is opened or made)."""
    files, skipped, unreadable = [], [], []

    def refused(error: OSError) -> None:
        folder = error.filename or "a folder"
        unreadable.append({"file": str(folder), "error": f"{folder}: the folder cannot be read ({error.strerror or error})"})

    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for item in files_in_folder(path, refused):
                if item.name.startswith("."):
                    continue
                if _pdf_by_name(item):
                    files.append(item)
                else:
                    skipped.append({"file": str(item), "reason": "not a .pdf file"})
        elif not path.is_file():
            kind = kind_of_non_file(path.stat().st_mode) if path.exists() else None  # /dev/null is there, and no file
            raise G287Error(f"{argument}: not a file of data but {kind}: it is not read" if kind else f"{argument}: no such file or folder")
        elif not _pdf_by_name(path):
            raise G287Error(f"{argument}: not a .pdf file: documents import reads PDFs (in a folder named, other files are skipped)")
        else:
            files.append(path)
    return files, skipped, unreadable


def check_import(arguments: list[str]) -> tuple[list[Path], list[dict], list[dict]]:
    """The files the arguments name, those skipped and the folders that cannot be listed (expand); G287Error for a
    path that names nothing, for arguments that name no file at all (or only folders that cannot be listed: said as
    such, not as "no files found", which would blame what they hold), or for a bad setting of reading: checked before
    anything is read or recorded (and, by the command line, before it opens the database)."""
    settings.check_reading_settings()
    files, skipped, unreadable = expand(arguments)
    if not files and not skipped:
        raise G287Error("; ".join(u["error"] for u in unreadable) if unreadable else "no files found in " + ", ".join(arguments))
    return files, skipped, unreadable


def import_paths(
    db: Database, arguments: list[str], actor: Actor, *, ocr: bool | None = None, on_files=None, on_result=None, on_error=None, found: tuple[list[Path], list[dict], list[dict]] | None = None
) -> ImportReport:
    """Import the PDFs the arguments name; on_files(n) is told how many files were found, before any is read, and
    on_error(path, error) of each file that could not be stored (a folder that cannot be listed is in the report's
    errors, not told: the caller has check_import's answer). `found`: what check_import(arguments) answered, when
    the caller checked them already."""
    authorize(actor, "documents.add")
    files, skipped, unreadable = found or check_import(arguments)
    if on_files:
        on_files(len(files))
    report = ImportReport(skipped=skipped)
    report.errors.extend(unreadable)  # the command line said them already, before the database was opened
    # The registry's turn, as an ingest links its rows: two linking the same new address at once both recorded it,
    # and the second failed on the addresses' unique index.
    with registry_change(db) as session:
        link_unlinked_rows(session.connection())
    with db.session() as session:
        held = set(session.scalars(select(Document.sha256)))
    # Read the text layers of the new files in parallel (every core); OCR then runs per file, page-parallel.
    digests: dict[Path, str] = {}
    for path in files:
        try:
            digests[path] = sha256_of(path)[0]
        except OSError as error:
            _error(report, path, DocumentError(path.name, f"cannot be read ({error.strerror or error})"), on_error)
    first_of_content: dict[str, Path] = {}
    for path in files:
        if path in digests and digests[path] not in held:
            first_of_content.setdefault(digests[path], path)  # the same file twice is read once
    new = list(first_of_content.values())
    layers = dict(zip(new, read_text_layers(new, settings.workers())))
    for path in files:
        if path not in digests:
            continue
        address_ids = _matching_addresses(db, path.name)
        try:
            layer = layers.get(path)
            if isinstance(layer, DocumentError):
                raise layer
            reading = complete_reading(path, layer, ocr=ocr) if isinstance(layer, TextLayer) else None
            result = store_pdf(db, path, actor, address_ids=address_ids, via="import", reading=reading, ocr=ocr)
        except G287Error as error:
            _error(report, path, error, on_error)
            continue
        if not address_ids:
            report.unmatched.append(path.name)
            result.notes.append("no listing links a file of this name")
        report.results.append(result)
        if on_result:
            on_result(path, result)
    return report


def _matching_addresses(db: Database, name: str) -> list[int]:
    with db.session() as session:
        return list(
            session.scalars(
                select(DocumentAddress.id).where(DocumentAddress.link_key == link_key_of_file(name), DocumentAddress.role.in_(("moa", "addendum"))).order_by(DocumentAddress.id)
            )
        )


def _error(report: ImportReport, path: Path, error: G287Error, on_error) -> None:
    report.errors.append({"file": str(path), "error": str(error)})
    if on_error:
        on_error(path, error)


def link_imported_files(db: Database, actor: Actor) -> int:
    """Link the addresses that no document serves yet to the files imported under their link name, as the import
    would have had a listing linked the name then (a folder of earlier downloads imported into a new registry, its
    lists ingested afterwards): the sync then holds them and does not download them again. Returns how many
    addresses were linked."""
    with db.session() as session:
        imported: dict[str, list[tuple[str, str, str]]] = {}
        for sha256, extension, file_name in session.execute(
            select(Document.sha256, Document.extension, DocumentOrigin.file_name)
            .join(DocumentOrigin, DocumentOrigin.document_id == Document.id)
            .where(DocumentOrigin.via == "import", Document.kind == "pdf")
            .order_by(DocumentOrigin.id)
        ):
            imported.setdefault(link_key_of_file(file_name), []).append((sha256, extension, file_name))
        if not imported:
            return 0
        unserved = session.execute(
            select(DocumentAddress.id, DocumentAddress.link_key)
            .where(DocumentAddress.document_id.is_(None), DocumentAddress.role.in_(("moa", "addendum")))
            .order_by(DocumentAddress.id)
        ).all()
    archive, linked = archive_for(db), 0
    for address_id, link_key in unserved:
        for sha256, extension, file_name in imported.get(link_key or "", []):
            path = archive.path_for(sha256, extension)
            if path.is_file():  # a file gone from the archive is downloaded, and so restored
                store_pdf(db, path, actor, address_ids=[address_id], via="import", file_name=file_name)
                linked += 1
                break
    return linked
