"""Query workers: every query runs in a worker process that can be stopped for real.

pyoxigraph cannot cancel a running query from Python, and a thread cannot be killed. So the
endpoint keeps a pool of worker processes, each holding the on-disk store open read-only
(``pyoxigraph.Store.read_only``): forked by ``kg serve``'s zygote, with the default graph
in memory too (``kg.sparql.zygote``), or else started as ``python -m kg.sparql.worker``. A request thread hands its
query to an idle worker and waits at most until the query's deadline; a worker still busy
then is killed (SIGKILL: its CPU and memory are freed at once) by the process that started
it — the zygote, asked over this process's control connection, or this process for a worker
of its own — and a fresh one takes its place in the background, while the other workers go
on serving other clients.

Workers die with the process that started them (``PR_SET_PDEATHSIG``; those started here are
started from one long-lived thread, since the signal follows the thread that started them),
the zygote's also when this process ends (the zygote sees its control connection close) and,
where the kernel allows, run in a network namespace of their own with no interface up: even
a query that slipped past the SERVICE check could not open a connection.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .. import store as store_mod
from ..config import Settings
from .builds import BuildWatcher
from .fastlane import MEMORY_SPEEDUP, FastLane
from .engine import Answer, Job, StoreProvider, WouldWait, dataset_stats, execute, may_wait
from .worker import check_update
from .zygote import load_default_graph, open_control, request_fork, request_load

log = logging.getLogger("kg.sparql.pool")

_SRC = str(Path(__file__).resolve().parents[2])  # the directory holding the kg package


class QueryTimeout(Exception):
    """The query ran out of time and its worker was stopped."""


class PoolBusy(Exception):
    """No worker became free before the query's deadline."""


class WorkerDied(Exception):
    """The worker ended while running the query (out of memory, crash)."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen | None  # None: forked by the zygote, which owns it
    conn: Connection
    pid: int = 0
    memory_path: str | None = None  # the build whose default graph it holds in memory


class WorkerPool:
    def __init__(self, size: int, isolate_network: bool = True, memory_mb: int = 0, zygote: str | None = None,
                 max_answer_bytes: int | None = None):
        self.size = max(1, size)
        #: a worker's answer is read only up to this size (None: any); larger ends the worker
        self.max_answer_bytes = max_answer_bytes
        self.zygote = zygote  # the zygote's socket: workers are forked there (kg.sparql.zygote)
        self.memory_path: str | None = None  # the build the zygote holds in memory (None: none)
        self._memory_known = False
        self.isolate = isolate_network
        self.memory_mb = memory_mb
        self.network_isolated: bool | None = None
        self.replaced = 0  # workers killed at their deadline (or dead) and replaced
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._warm_path: str | None = None
        self._spawn_requests: queue.SimpleQueue = queue.SimpleQueue()
        self._spawner: threading.Thread | None = None
        self._last_error: Exception | None = None  # why the last worker could not be started
        self._control: socket.socket | None = None  # to the zygote (kg.sparql.zygote), opened by the spawner
        self._control_lock = threading.Lock()

    # -- lifecycle
    def start(self, warm_path: str | None = None, timeout: float = 120.0) -> None:
        """Start the workers; RuntimeError when they are not all up within ``timeout`` s."""
        with self._lock:
            if self._started:
                return
            self._warm_path = warm_path
            self._spawner = threading.Thread(target=self._spawn_loop, daemon=True, name="kg-worker-spawner")
            self._spawner.start()
            done: queue.SimpleQueue = queue.SimpleQueue()
            for _ in range(self.size):
                self._spawn_requests.put(done)
            deadline = time.monotonic() + timeout
            for _ in range(self.size):
                try:
                    done.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise RuntimeError(f"query workers did not start within {timeout:g} s: "
                                       f"{self._last_error or 'no answer'}") from None
            self._started = True
            atexit.register(self.close)

    def close(self) -> None:
        self._closed = True
        for w in list(self._workers):
            self._kill(w)

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._workers)

    def _spawn_loop(self) -> None:
        """Start every worker from this one thread, which lives as long as the server.

        A worker that cannot be started is tried again until it can: the zygote may be
        restarting (kg serve restarts it when it dies), and a pool that gave up would shrink
        to nothing, one timeout at a time."""
        while not self._closed:
            reply_to = self._spawn_requests.get()
            delay = 0.1
            while not self._closed:
                try:
                    self._idle.put(self._spawn())
                    break
                except Exception as exc:  # noqa: BLE001
                    if self._last_error is None:
                        log.warning("could not start a query worker (%s): trying again until it starts", exc)
                    self._last_error = exc
                    time.sleep(delay)
                    delay = min(2.0, delay * 2)
            else:
                return
            if self._last_error is not None:
                log.warning("query workers start again")
                self._last_error = None
            if reply_to is not None:
                reply_to.put(None)

    def _spawn(self) -> _Worker:
        if self.zygote:
            self._ensure_control()
            return self._started_worker(_Worker(None, Connection(request_fork(self.zygote, os.getpid()).detach())))
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = _SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kg.sparql.worker", str(theirs.fileno()), "1" if self.isolate else "0",
                 str(self.memory_mb)],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env, close_fds=True,
            )
        finally:
            theirs.close()
        return self._started_worker(_Worker(proc, Connection(ours.detach())))

    def _started_worker(self, w: _Worker) -> _Worker:
        conn = w.conn
        try:
            if not conn.poll(120):
                raise RuntimeError("a query worker did not start within 120 s")
            _, w.pid, isolated, w.memory_path = pickle.loads(conn.recv_bytes())
            if self.zygote and not self._memory_known:
                self.memory_path, self._memory_known = w.memory_path, True
            if self._warm_path:
                conn.send_bytes(pickle.dumps(("open", self._warm_path, None)))
                if conn.poll(120):
                    conn.recv_bytes()
        except BaseException:
            self._kill(w)
            conn.close()
            raise
        if self.isolate and not isolated and self.network_isolated is not False:
            log.warning("query workers cannot have a network namespace of their own here; "
                        "SERVICE is still refused by the query check")
        self.network_isolated = isolated
        self._workers.add(w)
        return w

    def _ensure_control(self) -> None:
        """Open the control connection to the zygote, or again after it has restarted (the
        zygote kills this process's workers when it ends: see kg.sparql.zygote)."""
        with self._control_lock:
            if self._control is not None:
                try:
                    if self._control.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                        raise ConnectionResetError  # closed: the zygote is gone
                    return
                except BlockingIOError:
                    return  # open and quiet, as it should be
                except OSError:
                    self._control.close()
                    self._control = None
            self._control = open_control(self.zygote, os.getpid())

    def _kill(self, w: _Worker) -> None:
        """Stop ``w`` at once: our own child is killed here, the zygote's by the zygote."""
        self._workers.discard(w)
        if w.process is not None:
            try:
                w.process.kill()
            except OSError:
                pass
        elif w.pid:
            with self._control_lock:
                try:
                    if self._control is not None:
                        self._control.sendall(f"kill {w.pid}\n".encode())
                except OSError:
                    pass  # the zygote is gone, and its workers with it
        try:
            w.conn.close()
        except OSError:
            pass
        if w.process is not None:
            try:
                w.process.wait(5)
            except subprocess.TimeoutExpired:
                pass

    def _retire(self, w: _Worker) -> None:
        """Kill ``w`` now (SIGKILL) and have a fresh worker started in its place."""
        self._kill(w)
        self.replaced += 1
        if not self._closed:
            self._spawn_requests.put(None)

    # -- use
    def call(self, op: str, path: str | None, payload, timeout: float):
        """Run ``op`` in a worker; at ``timeout`` seconds the worker is killed (QueryTimeout)."""
        if not may_wait.get():
            raise WouldWait()
        self.start()
        deadline = time.monotonic() + timeout
        message = pickle.dumps((op, path, payload), protocol=pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                w = self._idle.get(timeout=max(0.001, deadline - time.monotonic()))
            except queue.Empty:
                raise PoolBusy() from None
            try:
                w.conn.send_bytes(message)
            except OSError:
                self._retire(w)  # it died while idle: nothing ran, so try another
                continue
            try:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not w.conn.poll(remaining):
                    self._retire(w)
                    raise QueryTimeout()
                data = w.conn.recv_bytes(self.max_answer_bytes)
            except (EOFError, OSError):  # (OSError also when the answer is over the size)
                self._retire(w)
                raise WorkerDied() from None
            if self.zygote and w.memory_path != self.memory_path:
                self._retire(w)  # forked before the zygote loaded the current build
            else:
                self._idle.put(w)
            return pickle.loads(data)


# -- engines: what the endpoint calls ------------------------------------------------------

class PoolEngine:
    """Queries in worker processes, on the built store (reopened after rebuilds) or a fixed
    path; queries already seen to be cheap there run here, in the fast lane."""

    hard_timeout = True

    def __init__(self, settings: Settings, stores: StoreProvider, store_path: Path | None = None,
                 zygote: str | None = None, memory: tuple[str, ox.Store] | None = None):
        self.settings = settings
        #: (build, its default graph in memory) when this process has it (kg.web.server)
        self.memory = memory
        self.stores = stores
        self._fixed = str(store_path) if store_path else None
        # answers are cut at max_result_bytes in the worker; the margin is for the rest of an Answer
        self.pool = WorkerPool(settings.query_workers, isolate_network=not settings.service_allow,
                               memory_mb=settings.worker_memory_mb, zygote=zygote,
                               max_answer_bytes=settings.max_result_bytes + 1_000_000)
        self.fast = FastLane(settings.fast_lane_ms, settings.query_timeout_s)
        self._current: str | None = None  # the current build (see store_path)
        self._switch_lock = threading.Lock()
        self._watcher: BuildWatcher | None = None
        self._stats: dict[str, dict] = {}

    def store_path(self) -> str:
        """The build queries run on: the current one, as the build watcher last said
        (kg.sparql.builds). It is held (kg.store.hold) from then on, and until the longest
        query on it has ended after a newer one is current, so that no query is sent to a
        build that was pruned."""
        if self._fixed:
            return self._fixed
        if self._current is None:
            with self._switch_lock:
                if self._current is None:
                    self._watcher = BuildWatcher(self.settings, self._switch)
                    self._current = str(store_mod.held_current_store(self.settings))
                    self.pool._warm_path = self._current
        return self._current

    def _switch(self, path: Path) -> None:
        """A new build was published: queries go to it from now on."""
        with self._switch_lock:
            try:
                store_mod.hold(path)
            except store_mod.StoreMissing:
                return  # pruned already: a newer one is being published, and will be told
            old, self._current = self._current, str(path)
            self.pool._warm_path = self._current  # replacements open the newest build
            if old is not None:
                store_mod.release(old, after=self.settings.query_timeout_s + 5)
        log.info("serving the new build %s", path)
        if self.pool.zygote:
            self._load_in_zygote(str(path))
        if self.memory is not None:
            # this process holds the default graph in memory: the new build's from now on,
            # once loaded (the fast lane reads the disk meanwhile)
            loaded = load_default_graph(str(path), self.settings.memory_store_max_triples)
            self.memory = loaded if loaded is not None and loaded[0] == self._current else self.memory

    def _load_in_zygote(self, path: str) -> None:
        """A new build: have the zygote hold it in memory; workers holding the old one are
        replaced as they finish (they answer from disk meanwhile)."""
        try:
            self.pool.memory_path = request_load(self.pool.zygote, path)
        except OSError:
            log.exception("the query zygote could not load the new build %s", path)

    def start(self) -> None:
        self.pool.start(self.store_path(), timeout=self.settings.http_start_timeout_s)

    def _here(self, path: str, job: Job) -> tuple[ox.Store, bool]:
        """The store a query runs on in this process, and whether it is the default graph in
        memory (inherited from kg serve, see kg.web.server) or the store on disk."""
        if self.memory is not None and job.default_graph_only and self.memory[0] == path:
            return self.memory[1], True
        return self.stores.open(path), False

    def run(self, job: Job) -> Answer:
        path = self.store_path()
        key = self.fast.key(path, job)
        if self.fast.trusted(key):
            store, _ = self._here(path, job)
            return self.fast.run(store, key, job)
        answer = self.pool.call("query", path, job, self.settings.query_timeout_s)
        if key is not None and isinstance(answer, Answer):
            in_memory_here = self.memory is not None and job.default_graph_only and self.memory[0] == path
            slower_here = answer.lane == "memory" and not in_memory_here
            self.fast.learn(key, answer, answer.compute_ms * (MEMORY_SPEEDUP if slower_here else 1))
        return answer

    def lane_key(self, job: Job) -> tuple[str, tuple | None]:
        """(the build ``job`` would run on, its shape's key in the fast lane)."""
        path = self.store_path()
        return path, self.fast.key(path, job)

    def run_like(self, model: Job, path: str, key: tuple, query: str, body_start: int) -> Answer | None:
        """``model`` with another text of its shape, when the fast lane still trusts the shape
        on the current build and Oxigraph writes the answer; None otherwise (nothing ran,
        or the answer is at a cap: ``run`` then cuts it)."""
        if path != self.store_path() or not self.fast.trusted(key):
            return None
        job = model.with_text(query, body_start)
        store, _ = self._here(path, job)
        return self.fast.run_native(store, key, job)

    def check_update(self, text: str) -> str | None:
        return self.pool.call("check_update", None, text, self.settings.query_timeout_s)

    def stats(self) -> dict:
        path = self.store_path()
        if path not in self._stats:
            result = self.pool.call("stats", path, self.settings.base_iri, max(self.settings.query_timeout_s, 60.0))
            if isinstance(result, Answer):
                raise RuntimeError(result.body.decode("utf-8", "replace"))
            self._stats = {path: result}
        return self._stats[path]


class InProcessEngine:
    """Queries on a given ``pyoxigraph.Store`` object, in the calling thread.

    For embedding and tests that hand ``create_app`` a store object (an in-memory store has no
    path a worker could open). No hard time limit: a query here cannot be stopped.
    """

    hard_timeout = False

    def __init__(self, settings: Settings, store: ox.Store):
        self.settings = settings
        self.store = store
        self._stats: dict | None = None

    def start(self) -> None:
        pass

    def run(self, job: Job) -> Answer:
        if not may_wait.get():
            raise WouldWait()
        answer = execute(self.store, job)
        answer.lane = "in-process"
        return answer

    def check_update(self, text: str) -> str | None:
        return check_update(text)

    def stats(self) -> dict:
        if self._stats is None:
            self._stats = dataset_stats(self.store, self.settings.base_iri)
        return self._stats


def make_engine(settings: Settings, stores: StoreProvider, store: ox.Store | None = None,
                store_path: Path | None = None, zygote: str | None = None,
                memory: tuple[str, ox.Store] | None = None):
    if store is not None and store_path is None:
        return InProcessEngine(settings, store)
    return PoolEngine(settings, stores, store_path, zygote, memory)
