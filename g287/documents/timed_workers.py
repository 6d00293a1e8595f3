"""Worker processes that run one task after another, each task within a time limit.

A pool of concurrent.futures cannot stop a task that overruns: a worker cannot be ended alone, and a pool one of
whose workers dies is broken for every task after it. Here each worker is a process with a pipe of its own: one
whose task overruns is killed, waited for (no zombie) and replaced, and the other tasks go on; one that dies
(a crash of the reader) costs its own task only. A worker serves task after task, so the normal path costs what a
pool costs: a process started for each task would add its start-up (Python and the reader's imports) to each.

A command that reads files one at a time (`documents read`, the sync) runs its loop in workers_kept(): the workers
of one run_each, idle at its end, are kept for the next run_each of the same function, and ended when the loop
ends, so that it pays one start-up (0.3-2 s) for all its files, not one for each. Outside that scope nothing is
kept: a run_each leaves no process behind.

Workers are spawned, never forked: the parent may hold database connections. They ignore Ctrl+C (it reaches the
whole foreground group, and the command says it in one line); the parent kills them when it is interrupted.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator

from g287.errors import G287Error
from g287.workers import start_worker

_READY = "ready"  # what a worker sends once it has started, before its first task
_STOP_SECONDS = 5.0  # how long an idle worker is given to end after its pipe is closed, before it is killed


def _serve(connection: Connection, function: Callable[[Any], Any], preload: Callable[[], None] | None, parent_pid: int) -> None:
    """A worker's life: its imports, then a task at a time until the parent closes the pipe. A pipe closed while the
    worker is still starting (the other workers did every task first) or while it sends a result (the parent killed
    or gone) ends it quietly too: it printed a traceback of BrokenPipeError on the command's stderr."""
    start_worker(parent_pid)
    if preload:
        preload()  # before READY, so that the first task's time is the task's, not the imports'
    if not _sent(connection, _READY):
        return
    while True:
        try:
            item = connection.recv()
        except EOFError:
            return
        if not _sent(connection, function(item)):  # a task's own error stays outside: its worker's death, said
            return


def _sent(connection: Connection, message) -> bool:
    """The message sent to the parent; False when the parent has closed its end (nothing is waiting for it)."""
    try:
        connection.send(message)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    ready: bool = False
    task: int | None = None  # the index of the item it is working on
    deadline: float = 0.0  # time.monotonic() by which that task must be done


# The idle workers kept in the current workers_kept() scope, by (function, preload); None outside any. A context
# variable, not a global: a thread (a web request) outside the scope never takes a worker the scope keeps.
_kept: ContextVar[dict[tuple, list[_Worker]] | None] = ContextVar("kept_workers", default=None)


@contextmanager
def workers_kept() -> Iterator[None]:
    """Within it, idle workers are kept from one run_each to the next of the same function; on leaving (normally,
    on an error or on Ctrl+C) every kept worker is ended and reaped. A scope within a scope is the outer one."""
    if _kept.get() is not None:
        yield
        return
    token = _kept.set({})
    try:
        yield
    finally:
        kept = _kept.get()
        _kept.reset(token)
        for pool in kept.values():
            _stop(pool, gently=True)


def _take_kept(key: tuple, wanted: int) -> list[_Worker]:
    """Up to `wanted` kept idle workers for `key` that are still alive (one that died idle is reaped and left)."""
    kept = _kept.get()
    taken: list[_Worker] = []
    pool = kept.get(key, []) if kept is not None else []
    while pool and len(taken) < wanted:
        worker = pool.pop()
        if worker.process.is_alive():
            taken.append(worker)
        else:
            _kill(worker)
    return taken


def run_each(
    function: Callable[[Any], Any],
    items: list,
    *,
    workers: int,
    seconds: float,
    overdue: Callable[[Any], Any],
    ended: Callable[[Any, int | None], Any],
    preload: Callable[[], None] | None = None,
) -> list:
    """function(item) for every item, in worker processes (at most `workers`), in the order of `items`.

    `function` runs in a worker (a module-level function, looked up by name there) and should not raise. An item
    whose task takes more than `seconds` has overdue(item) as its result, its worker killed; one whose worker dies
    has ended(item, exit status). A worker that dies before its first task is a G287Error (it could not start)."""
    results: list = [None] * len(items)
    waiting = deque(range(len(items)))
    context = multiprocessing.get_context("spawn")
    key = (function, preload)
    pool: list[_Worker] = _take_kept(key, min(workers, len(items)))
    finished = False
    try:
        for worker in pool:  # kept ones are ready: each given its first task now (a new one gets it once ready)
            _give_next(worker, waiting, items, seconds)
        while len(pool) < min(workers, len(items)):
            pool.append(_start(context, function, preload))
        left = len(items)
        while left:
            deadlines = [w.deadline for w in pool if w.task is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for connection in wait([w.connection for w in pool], timeout):
                worker = next(w for w in pool if w.connection is connection)
                try:
                    message = connection.recv()
                except (EOFError, OSError):  # the worker died
                    if not worker.ready:
                        raise G287Error(f"a worker process could not start (exit status {_exit_status(worker)})") from None
                    if worker.task is not None:
                        results[worker.task] = ended(items[worker.task], _exit_status(worker))
                        left -= 1
                    _replace(worker, pool, waiting, context, function, preload)
                    continue
                if not worker.ready:
                    worker.ready = True
                else:
                    results[worker.task] = message
                    left -= 1
                    worker.task = None
                _give_next(worker, waiting, items, seconds)
            now = time.monotonic()
            for worker in [w for w in pool if w.task is not None and w.deadline <= now]:
                results[worker.task] = overdue(items[worker.task])
                left -= 1
                _replace(worker, pool, waiting, context, function, preload)
        finished = True
    finally:
        kept = _kept.get()
        if finished and kept is not None:  # all idle now: kept for the scope's next run_each
            kept.setdefault(key, []).extend(pool)
        else:
            _stop(pool, gently=finished)
    return results


def _give_next(worker: _Worker, waiting: deque, items: list, seconds: float) -> None:
    """The next waiting item, if any, sent to an idle worker, with its deadline."""
    if not waiting:
        return
    worker.task = waiting.popleft()
    worker.deadline = time.monotonic() + seconds
    try:
        worker.connection.send(items[worker.task])
    except OSError:  # it has just died: the next wait sees its end, and the task is its
        pass


def _start(context, function, preload) -> _Worker:
    parent_end, child_end = context.Pipe()
    process = context.Process(target=_serve, args=(child_end, function, preload, os.getpid()), daemon=True)
    process.start()
    child_end.close()  # the child's copy alone keeps it open: its death is then an end of file here
    return _Worker(process, parent_end)


def _replace(worker: _Worker, pool: list[_Worker], waiting: deque, context, function, preload) -> None:
    """The worker killed and reaped, and another started in its place if tasks are waiting."""
    _kill(worker)
    pool.remove(worker)
    if waiting:
        pool.append(_start(context, function, preload))


def _exit_status(worker: _Worker) -> int | None:
    worker.process.join(_STOP_SECONDS)
    return worker.process.exitcode


def _kill(worker: _Worker) -> None:
    """End the worker at once (pdfminer, pure Python, holds nothing a kill would leave half-done) and reap it."""
    worker.process.kill()
    worker.process.join()
    worker.connection.close()


def _stop(pool: list[_Worker], *, gently: bool) -> None:
    """Every worker ended and reaped: idle ones (all of them, when the work is done) by closing their pipe, which
    ends their loop; any other (the parent was interrupted, or failed) killed."""
    for worker in pool:
        if gently:
            worker.connection.close()
        else:
            _kill(worker)
    for worker in pool:
        worker.process.join(_STOP_SECONDS)
        if worker.process.is_alive():
            _kill(worker)
