"""The fast lane: queries already seen to be cheap run in the HTTP process itself.

Every query first runs in a killable worker process (``kg.sparql.pool``), which costs a
process hop per request. The store is read-only between builds, so a query text run again
on the same store, with the same dataset, formats and limits, does the same work — unless
it calls a volatile function (RAND, NOW, UUID, …) or another server (SERVICE); kg.sparql.analysis
says which (``Analysis.repeatable``). A repeatable query whose run in a worker took at most
``fast_lane_ms`` is remembered, and later runs of it execute in the HTTP process: no hop.

If a remembered query ever runs much slower here, it is forgotten (back to the workers).
And should one ever run past the query time limit — it cannot, short of the machine
stalling, but the limit is a promise — the watchdog ends this HTTP process (SIGKILL), which
frees its CPU; the server starts a fresh one.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import OrderedDict

import pyoxigraph as ox

from .engine import Answer, Job, execute

log = logging.getLogger("kg.sparql.fastlane")

#: longer query texts are never remembered (the memory holds up to ``capacity`` of them)
MAX_QUERY_CHARS = 16_384
#: a remembered query that takes this many times the fast-lane limit is forgotten
SLOWDOWN_TO_FORGET = 4
#: the fast lane reads the store from disk; a worker may have read the default graph from
#: memory, up to this many times faster (bench/bench.py's joins: about 3×)
MEMORY_SPEEDUP = 4


class FastLane:
    def __init__(self, limit_ms: float, timeout_s: float, capacity: int = 10_000):
        self.limit_ms = limit_ms
        self.timeout_s = timeout_s
        self.capacity = capacity
        self._known: OrderedDict[tuple, int] = OrderedDict()  # key -> solutions (rows) it gives
        self._lock = threading.Lock()
        self._running: dict[int, float] = {}  # thread id -> deadline (monotonic)
        self._watchdog: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.limit_ms > 0

    def key(self, store_path: str, job: Job) -> tuple | None:
        if not self.enabled or not job.repeatable or len(job.query) > MAX_QUERY_CHARS:
            return None
        return (store_path, *job.key())

    def known_rows(self, key: tuple | None) -> int | None:
        """The rows a remembered cheap query gives; None when it is not remembered."""
        if key is None:
            return None
        with self._lock:
            rows = self._known.get(key)
            if rows is not None:
                self._known.move_to_end(key)
            return rows

    def learn(self, key: tuple | None, answer: Answer) -> None:
        """Remember ``key`` if its run in a worker was cheap (and its result was not cut)."""
        if key is None or not isinstance(answer, Answer) or answer.status != 200 or answer.truncated:
            return
        cost = answer.compute_ms * (MEMORY_SPEEDUP if answer.lane == "memory" else 1)
        if cost <= self.limit_ms:
            with self._lock:
                self._known[key] = answer.rows
                while len(self._known) > self.capacity:
                    self._known.popitem(last=False)

    def forget(self, key: tuple) -> None:
        with self._lock:
            self._known.pop(key, None)

    def run(self, store: ox.Store, key: tuple, rows: int, job: Job) -> Answer:
        self._ensure_watchdog()
        me = threading.get_ident()
        self._running[me] = time.monotonic() + self.timeout_s
        try:
            answer = execute(store, job, known_rows=rows)
        finally:
            self._running.pop(me, None)
        answer.lane = "fast"
        if answer.compute_ms > self.limit_ms * SLOWDOWN_TO_FORGET:
            log.warning("a remembered cheap query took %.0f ms here: back to the workers", answer.compute_ms)
            self.forget(key)
        return answer

    def _ensure_watchdog(self) -> None:
        if self._watchdog is None:
            with self._lock:
                if self._watchdog is None:
                    self._watchdog = threading.Thread(target=self._watch, daemon=True, name="kg-fastlane-watchdog")
                    self._watchdog.start()

    def _watch(self) -> None:
        while True:
            time.sleep(0.2)
            now = time.monotonic()
            if any(deadline < now for deadline in list(self._running.values())):
                log.critical("a query in the fast lane ran past the %g s limit: ending this HTTP process "
                             "(pid %d) to stop it", self.timeout_s, os.getpid())
                logging.shutdown()
                os.kill(os.getpid(), signal.SIGKILL)
