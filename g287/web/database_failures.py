"""The database failing while the site serves: one answer, one line in the server's log, nothing raised to the server.

A route's read and the data version the site reads before any route (g287.web.http.SiteMiddleware) may find the
database busy, gone (its PostgreSQL server down or refusing connections, its SQLite file's folder gone), or failing
(a file that is not a database or is damaged, a disk error, a pool with no connection free). Starlette's
ServerErrorMiddleware, the outermost of its stack, answers an exception that reaches it and then raises it again for
the server, which logs it with its traceback ("Exception in ASGI application"). So such an error is answered here,
inside it, around every middleware the application adds.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy.exc import SQLAlchemyError


class DatabaseFailures:
    """ASGI middleware: `answer(scope, error)` makes the response to a database error (and logs it), or returns None
    for one that is no failure of the database (a statement refused: a defect, raised on as any other exception)."""

    def __init__(self, app, answer: Callable):
        self.app = app
        self.answer = answer

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except SQLAlchemyError as error:
            response = self.answer(scope, error)
            if response is None:
                raise
            if not started:  # else the response begun is cut short: the server closes the connection
                await response(scope, receive, send)
