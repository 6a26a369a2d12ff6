"""The fast lane: queries of a shape seen to be cheap run in the HTTP process itself.

A query may run long, so it runs in a worker process that can be killed at its deadline
(``kg.sparql.pool``) — at the cost of a hop to another process, as much as a point lookup
costs. But clients rarely repeat a query text: an application asks the same *shape* of
query about one entity after another. So the fast lane judges a query by its shape (the
text with its constants taken out, ``analysis.Analysis.shape``, as pg_stat_statements
fingerprints SQL) with the same dataset, formats and limits: once ``RUNS_TO_TRUST`` queries
of a shape have run in workers within ``limit_ms``, none of them cut or failed, later
queries of that shape — whatever entity they name — run in the HTTP process, with Oxigraph
writing the result. Queries that call a volatile function (RAND, NOW …) or another
server (SERVICE) have no shape, and neither have long texts.

Constants can make a shape costly (an entity with a million links): a run of the shape that
is cut or fails makes it untrusted for good (on this store), and so do slow runs — over the
limit in a worker, or ``SLOWDOWN_TO_FORGET`` times it here — once they are more than one in
``SLOW_RUNS_TOLERATED`` (a machine busy for a moment makes a cheap query slow now and then,
and should not send its shape back to the workers for good). And should one ever
run past the query time limit — the limit is a promise — the watchdog ends this HTTP
process (SIGKILL), which frees its CPU; the server starts a fresh one.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import OrderedDict
from functools import partial

import pyoxigraph as ox

from .engine import Answer, Job, execute, execute_native

log = logging.getLogger("kg.sparql.fastlane")

#: runs of a shape in workers, each cheap, before the shape runs in the HTTP process
RUNS_TO_TRUST = 3
#: a query of a trusted shape that takes this many times the fast-lane limit here is slow
SLOWDOWN_TO_FORGET = 4
#: one slow run in this many is put down to the machine; more make the shape untrusted
SLOW_RUNS_TOLERATED = 20
#: a worker may have read the default graph from memory, up to this many times faster than
#: the HTTP process reads the disk (bench/bench.py's joins: about 3×)
MEMORY_SPEEDUP = 4


class _Shape:
    __slots__ = ("runs", "slow", "trusted", "banned")

    def __init__(self):
        self.runs = self.slow = 0
        self.trusted = self.banned = False

    def judge(self) -> None:
        self.trusted = (not self.banned and self.runs - self.slow >= RUNS_TO_TRUST
                        and self.slow * SLOW_RUNS_TOLERATED <= self.runs)


class FastLane:
    def __init__(self, limit_ms: float, timeout_s: float, capacity: int = 10_000):
        self.limit_ms = limit_ms
        self.timeout_s = timeout_s
        self.capacity = capacity
        self._shapes: OrderedDict[tuple, _Shape] = OrderedDict()
        self._lock = threading.Lock()
        self._running: dict[int, float] = {}  # thread id -> deadline (monotonic)
        self._watchdog: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.limit_ms > 0

    def key(self, store_path: str, job: Job) -> tuple | None:
        if not self.enabled or job.shape is None:
            return None
        return (store_path, *job.shape_key())

    def trusted(self, key: tuple | None) -> bool:
        """Whether queries of this shape run here."""
        if key is None:
            return False
        shape = self._shapes.get(key)
        return shape is not None and shape.trusted

    def learn(self, key: tuple | None, answer: Answer, here_ms: float) -> None:
        """Count a worker's run of a query of this shape: ``here_ms``, about what it would
        have taken here."""
        if key is None or not isinstance(answer, Answer):
            return
        with self._lock:
            shape = self._shapes.get(key)
            if shape is None:
                shape = self._shapes[key] = _Shape()
                while len(self._shapes) > self.capacity:
                    self._shapes.popitem(last=False)
            else:
                self._shapes.move_to_end(key)
            if answer.status != 200 or answer.truncated:
                shape.banned = True
            shape.runs += 1
            shape.slow += here_ms > self.limit_ms
            shape.judge()

    def _ran_here(self, key: tuple, answer: Answer) -> None:
        with self._lock:
            shape = self._shapes.get(key)
            if shape is None:
                return
            if answer.status != 200 or answer.truncated:
                shape.banned = True
            shape.runs += 1
            if answer.compute_ms > self.limit_ms * SLOWDOWN_TO_FORGET:
                shape.slow += 1
                log.warning("a query of a cheap shape took %.0f ms here (%d slow runs in %d)", answer.compute_ms,
                            shape.slow, shape.runs)
            shape.judge()

    def run(self, store: ox.Store, key: tuple, job: Job) -> Answer:
        return self._run(store, key, job, partial(execute, native=True))

    def run_native(self, store: ox.Store, key: tuple, job: Job) -> Answer | None:
        """``run``, when Oxigraph can write the answer itself; None when it cannot (run
        nothing then)."""
        return self._run(store, key, job, execute_native)

    def _run(self, store: ox.Store, key: tuple, job: Job, how) -> Answer | None:
        self._ensure_watchdog()
        me = threading.get_ident()
        self._running[me] = time.monotonic() + self.timeout_s
        try:
            answer = how(store, job)
        finally:
            self._running.pop(me, None)
        if answer is not None:
            answer.lane = "fast"
            self._ran_here(key, answer)
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
