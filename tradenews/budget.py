"""A time budget for the extraction of one document, kept in whatever thread runs it.

A document whose extraction runs past its budget must not stall the run (which holds the package lock)
or its worker. `time_budget(seconds)` raises `OverBudget` in the thread that entered it once the budget
is spent. One watchdog thread per process keeps the deadlines (a few microseconds per document: no thread
or timer per document) and raises the exception asynchronously in the late thread
(PyThreadState_SetAsyncExc), so the budget holds in the flow's main thread, in a process-pool worker and
in a Dask worker thread alike, where SIGALRM would work in main threads only.

Like a signal handler, the exception is raised between two Python bytecodes: a single call into C code (one
regular-expression match) is not cut short; the extraction's patterns are bounded and linear-time
(tradenews/mentions/numbers.py), so the budget ends what is slow in Python code.
"""
from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import threading
import time

DEFAULT_SECONDS = 20.0


class OverBudget(BaseException):
    """Raised in an extraction that ran past its budget. A BaseException, so that the extraction's own
    `except Exception` clauses do not swallow it."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise `exc` in the thread at its next bytecode (None: withdraw one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc is not None else None)


class _Watchdog:
    """The deadlines of the documents being extracted in this process, and the thread that enforces them."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.cond = threading.Condition()
        self.deadlines: dict[int, tuple[float, int]] = {}  # token -> (monotonic deadline, thread id)
        self.fired: set[int] = set()
        self.tokens = itertools.count()
        self.wake_at = 0.0  # when the watchdog thread wakes next (monotonic)

    def start(self, seconds: float) -> int:
        with _start_guard:
            if self.pid != os.getpid():  # first use in this process (or a forked child, where no thread runs)
                self.pid, self.cond, self.deadlines, self.fired = os.getpid(), threading.Condition(), {}, set()
                threading.Thread(target=self._run, name="tradenews-time-budget", daemon=True).start()
        with self.cond:
            token = next(self.tokens)
            deadline = time.monotonic() + seconds
            self.deadlines[token] = (deadline, threading.get_ident())
            if deadline < self.wake_at:  # rarely: waking the thread for every document would cost ~10%
                self.cond.notify()
            return token

    def stop(self, token: int) -> None:
        with self.cond:
            if self.deadlines.pop(token, None) is None and token in self.fired:
                self.fired.discard(token)
                _raise_in(threading.get_ident(), None)  # fired as the document finished: not raised later

    def _run(self) -> None:
        cond = self.cond
        with cond:
            while True:
                now = time.monotonic()
                for token, (deadline, thread_id) in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[token]
                        self.fired.add(token)
                        _raise_in(thread_id, OverBudget)
                self.wake_at = min((d for d, _ in self.deadlines.values()), default=now + 3600)
                cond.wait(self.wake_at - now)


_start_guard = threading.Lock()
_watchdog = _Watchdog()


@contextlib.contextmanager
def time_budget(seconds: float | None):
    """Raise OverBudget in this thread when the block runs longer than `seconds` (None or 0: no budget)."""
    if not seconds or seconds <= 0:
        yield
        return
    token = _watchdog.start(seconds)
    try:
        yield
    finally:
        _watchdog.stop(token)
