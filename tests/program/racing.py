"""Two changes of one record at the same moment, as the concurrency tests of the program make them."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable


def while_uncommitted(db, change: Callable[[Any], Any], other: Callable[[], None]) -> Any:
    """change(session) done in a writing transaction, then `other` started in a thread while that transaction is not
    yet committed (half a second for it to reach the same record, where it must wait for the commit), and waited for
    once it is committed. What change returned."""
    with db.session(writing=True) as session:
        result = change(session)
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.5)
    thread.join(30)
    return result
