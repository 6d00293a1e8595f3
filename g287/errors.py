"""Errors that reach the user as one clear line, never as a traceback."""


class G287Error(Exception):
    """A problem the user can act on; the command line prints str(error) and exits non-zero."""


class SourceError(G287Error):
    """A source file that cannot be read as a publication (corrupt, wrong layout, empty, oversized)."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class AccessDenied(G287Error):
    """The actor may not perform this action on this record. The message is for people; `action` names the action
    refused as the access rules do (training.read), for programs (the API's 403 gives it), when one is."""

    def __init__(self, message: str, action: str | None = None):
        self.action = action
        super().__init__(message)


class NotFound(G287Error):
    """A named record (publication, agency, ...) does not exist."""


class Busy(G287Error):
    """Another process is writing to the database, and the change waited for it as long as it may (SQLite writes one
    change at a time; on PostgreSQL the registry's changes take turns): try again once it has finished."""

    retry_after = 1

    def __init__(self) -> None:
        super().__init__("another g287 process is writing to the same database: try again once it has finished")

