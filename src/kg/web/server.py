"""The HTTP server behind ``kg serve``: granian (HTTP in Rust) in front of the app.

granian accepts and parses HTTP in Rust and runs the app in several processes
(``http_workers``), so requests are not serialised behind one Python interpreter. They are
forked from ``kg serve``'s process, which first loads the current build's default graph into
memory (through a helper process: it never opens RocksDB itself), so that they share it
copy-on-write and their fast lane reads it (kg.sparql.fastlane). Each of those processes
builds its own app (``worker_app``) with its own pool of killable query workers
(``kg.sparql.pool``): a runaway query is stopped by killing its worker, never the HTTP
process. If an HTTP process ends anyway, granian starts a new one. A new build is told by
the kernel (kg.sparql.builds): every process switches to it, and loads its default graph.

granian talks to each process through RSGI, its asynchronous interface: request bodies are
read in the process's event loop with a deadline (``kg.web.front``), so a slow or silent
client holds no thread; a query by GET is answered as it arrives when the fast lane takes
it (``answer_on_arrival``), before the event loop; other complete requests go to the app in
a few request threads
(``--threads``, default: one more than its query workers, so that with every worker busy it
still answers from the fast lane). Threads that run Python at the same time contend for the
interpreter lock: on two cores four threads per process served point lookups at about half
the rate of two (bench/bench.py). A thread waiting on a query worker runs no Python, so slow
queries do not slow the others down; they only occupy a thread until they end or are stopped
at the time limit.

``kg serve``'s own process supervises (``Supervisor``): it starts the zygote again when it
dies, and ends the server, non-zero, when it cannot be kept whole (the zygote dying over and
over, no HTTP process able to start), so that whoever runs it starts it afresh.
"""

from __future__ import annotations

import errno
import gc
import json
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Callable

from ..config import Settings
from ..sparql.worker import die_with_parent

log = logging.getLogger("kg.web.server")


class PortInUse(Exception):
    """Something listens on the address ``kg serve`` was asked to serve on."""


def reserve_port(host: str, port: int) -> socket.socket | None:
    """Fail with PortInUse when ``host:port`` is taken, else hold it for this server.

    granian's HTTP processes bind with SO_REUSEPORT, which lets any other process doing the
    same share the port: a second server would start and take half the connections. So
    first a bind without it, which fails while anything is bound there (the kernel refuses
    to mix the two); then a socket with it, bound but never listening, kept open for as
    long as this server runs: granian's sockets can join it, and a later ``kg serve``'s
    first bind fails. Port 0 (any free port) is not checked."""
    if port == 0:
        return None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (connections in TIME_WAIT are no user)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(f"port {port} on {host} is already in use (another server?): "
                                "stop it or choose another port with --port") from None
            raise
    holder = socket.socket(family, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((host, port))
    return holder


def default_http_workers() -> int:
    """One per two cores, at least two (so one HTTP process's stall is not the server's)."""
    return max(2, min(8, (os.cpu_count() or 1) // 2))


#: (build, its default graph in memory), loaded by ``serve`` before granian forks the HTTP
#: processes, which share it copy-on-write: their fast lane reads it (kg.sparql.fastlane).
_memory: tuple | None = None


def load_default_graph(path: str, max_triples: int) -> tuple | None:
    """(path, the default graph of the build at ``path`` in an in-memory store), or None
    when it has more than ``max_triples``. Read by a helper process, so that this one never
    opens RocksDB (whose threads a fork would not carry over)."""
    import pyoxigraph as ox

    from ..sparql.zygote import default_graph_ntriples

    if max_triples <= 0:
        return None
    data = default_graph_ntriples(path, max_triples)
    if data is None:
        return None
    memory = ox.Store()
    memory.load(data, format=ox.RdfFormat.N_TRIPLES)
    return path, memory


def worker_app(config: str):
    """The app of one HTTP process, as granian calls it there (RSGI; ``config`` is JSON)."""
    from . import create_app
    from .front import Front
    from .logs import use_queued_log
    from .sparql import call_from_rsgi, quick, respond

    use_queued_log()
    c = json.loads(config)
    _end_with_parent(c["server_pid"])
    settings = Settings.from_json(c["settings"])
    app = create_app(settings, store_path=Path(c["store_path"]) if c["store_path"] else None, zygote=c["zygote"],
                     memory=_memory)
    engine = app.extensions["kg.engine"]
    engine.start()
    log.info("HTTP process %d: %d query workers (network %s)", os.getpid(), engine.pool.size,
             "isolated" if engine.pool.network_isolated else "not isolated")
    (Path(c["run_dir"]) / f"http-{os.getpid()}").touch()  # up (see Supervisor)
    # what exists now lives as long as the process: the collector need not look at it again
    # (a full collection over the app's objects costs milliseconds, every few thousand requests)
    gc.freeze()
    front = Front(app, c["threads"], settings.client_timeout_s, settings.max_request_bytes,
                  ("/sparql", lambda scope, body: respond(call_from_rsgi(app, scope, body)), partial(quick, app)))
    answer_on_arrival(front)
    return front


def answer_on_arrival(front) -> bool:
    """Have granian let ``front`` answer a request as it arrives, in the thread that brings
    it from granian's Rust side, when it can at once (``Front.answer_at_once``); every other
    request goes on to the event loop as before. True when that is arranged.

    granian (RSGI, asyncio tasks) brings each request to Python in one thread of its own,
    which hands a coroutine to the event loop (``call_soon_threadsafe``), whose thread then
    runs it. For a point lookup that hop costs more than the query: waking the loop's thread
    and passing the interpreter lock back and forth (about 6 context switches per request
    instead of 2–3; 150–220 instead of 140–145 µs of the server's CPU per request at four
    clients, bench/bench.py). An answer given at once neither awaits nor needs the loop, and
    the arriving thread already holds the interpreter lock.

    This wraps a private function of granian (``granian._futures._cbsched_aioschedule``,
    which makes that thread's scheduling function); when it is not there as expected,
    requests take the event loop as before (slower, not wrong) and the log says so."""
    import inspect

    try:
        import granian._futures as futures
        make_schedule = futures._cbsched_aioschedule
        expected = list(inspect.signature(make_schedule).parameters) == ["loop", "ctx", "cb"]
    except (ImportError, AttributeError, TypeError, ValueError):
        expected = False
    if not expected:
        log.warning("this granian has no scheduling function as expected: every request goes through the event "
                    "loop (slower point lookups)")
        return False

    def schedule_or_answer(loop, ctx, cb):
        schedule = make_schedule(loop, ctx, cb)

        def on_arrival(watcher) -> None:
            try:
                answer = front.answer_at_once(watcher.scope)
            except Exception:  # noqa: BLE001 - the event loop's way answers it
                log.exception("answering a request as it arrived failed")
                answer = None
            if answer is None:
                schedule(watcher)
                return
            try:
                watcher.proto.response_bytes(*answer)
            except BaseException as exc:  # (as granian's own task does: the client may be gone)
                watcher.err(exc)
                return
            watcher.done()

        return on_arrival

    futures._cbsched_aioschedule = schedule_or_answer
    return True


def _end_with_parent(parent: int) -> None:
    """Have the kernel end this HTTP process when the server process that forked it is gone
    (even killed with SIGKILL), instead of serving on as an orphan (PR_SET_PDEATHSIG: granian
    forks its HTTP processes from its main thread, which lives as long as the process)."""
    die_with_parent()
    if os.getppid() != parent:  # gone already, before the kernel was asked
        os._exit(1)


def serve(settings: Settings, host: str, port: int, http_workers: int, threads: int,
          store_path: Path | None = None) -> None:
    """Serve until SIGINT/SIGTERM."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    from .. import store as store_mod
    from ..sparql import zygote
    from ..sparql.builds import BuildWatcher

    run_dir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    socket_path = run_dir / "zygote.sock"

    def start_zygote() -> subprocess.Popen:
        run_dir.mkdir(mode=0o700, exist_ok=True)
        serving = str(store_path or store_mod.current_store_path(settings))  # (the newest, after a restart)
        log.info("query zygote: loading the default graph of %s into memory", serving)
        return zygote.start(socket_path, not settings.service_allow, settings.worker_memory_mb, serving,
                            settings.memory_store_max_triples)

    global _memory
    serving = str(store_path or store_mod.current_store_path(settings))
    _memory = load_default_graph(serving, settings.memory_store_max_triples)
    supervisor = Supervisor(start_zygote, run_dir, settings.http_start_timeout_s)
    supervisor.start()
    config = json.dumps({"server_pid": os.getpid(), "settings": settings.to_json(), "store_path": str(store_path) if store_path else None,
                         "zygote": str(socket_path), "run_dir": str(run_dir), "threads": threads})
    # The HTTP processes are forked from this one, which holds the default graph in memory
    # (shared copy-on-write) and never opened RocksDB (builds and serving copies are made by
    # other processes: see kg.cli.serve).
    multiprocessing.set_start_method("fork", force=True)
    server = Server(
        "kg.web:app",  # a name for granian's log; the app comes from target_loader
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        websockets=False,
        workers=http_workers,
        # a client has as long to send its headers as its body (the body: kg.web.front)
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.client_timeout_s * 1000)),
        respawn_failed_workers=True,
        respawn_interval=0.5,
        log_level="warning",
    )
    log.info("%d HTTP processes x %d threads, %d query workers each", http_workers, threads,
             settings.query_workers)
    if store_path is None:
        def new_build(path: Path) -> None:
            """Hold the new build's default graph, for the HTTP processes forked from now on
            (those running load it themselves: see kg.sparql.pool; granian replacing them
            would reset the connections queued on them)."""
            global _memory
            _memory = load_default_graph(str(path), settings.memory_store_max_triples)

        BuildWatcher(settings, new_build)
    try:
        server.serve(target_loader=partial(worker_app, config), wrap_loader=False)
    finally:
        supervisor.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    if supervisor.failure:
        raise ServerFailed(supervisor.failure)


class ServerFailed(Exception):
    """The server could not be kept whole; ``kg serve`` exits non-zero, so that whoever runs
    it (systemd, a container runtime) starts it afresh."""


class Supervisor:
    """``kg serve``'s main process, watching its children.

    * The zygote (kg.sparql.zygote) is started again when it dies: as the process holding the
      most memory, an out-of-memory killer picks it first. It listens on the same socket, so
      the HTTP processes fork their new workers from it (kg.sparql.pool tries until it can).
    * The HTTP processes are started again by granian; each says when it is up (a file
      ``http-PID`` in ``run_dir``).

    When the server cannot be kept whole — the zygote died ``MAX_DEATHS`` times within
    ``DEATH_WINDOW_S`` or cannot be started, or no HTTP process has been up for
    ``http_start_timeout_s`` — it is ended (SIGTERM to itself) and ``failure`` says why: a
    server that stays up answering nothing is worse than one that exits.
    """

    MAX_DEATHS = 5
    DEATH_WINDOW_S = 300.0
    START_ATTEMPTS = 3

    def __init__(self, start_zygote: Callable[[], subprocess.Popen], run_dir: Path, http_start_timeout_s: float):
        self._start_zygote = start_zygote
        self.run_dir = run_dir
        self.http_start_timeout_s = http_start_timeout_s
        self.failure: str | None = None
        self._stopping = threading.Event()
        self._zygote: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the zygote (raising if it cannot start) and the watching threads."""
        self._zygote = self._start_zygote()
        # (the thread that starts a zygote must live as long as it: see kg.sparql.worker.die_with_parent)
        threading.Thread(target=self._watch_zygote, daemon=True, name="kg-zygote-watch").start()
        threading.Thread(target=self._watch_http, daemon=True, name="kg-http-watch").start()

    def stop(self) -> None:
        self._stopping.set()
        if self._zygote is not None:
            self._zygote.kill()
            try:
                self._zygote.wait(5)
            except subprocess.TimeoutExpired:
                pass

    def _fail(self, why: str) -> None:
        if self._stopping.is_set() or self.failure:
            return
        self.failure = why
        log.critical("%s: the server ends, so that it can be started afresh", why)
        os.kill(os.getpid(), signal.SIGTERM)  # granian stops its HTTP processes and returns

    def _watch_zygote(self) -> None:
        deaths: list[float] = []
        while True:
            code = self._zygote.wait()
            if self._stopping.is_set():
                return
            now = time.monotonic()
            deaths = [t for t in deaths if now - t < self.DEATH_WINDOW_S] + [now]
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            if len(deaths) >= self.MAX_DEATHS:
                return self._fail(f"the query zygote died {len(deaths)} times in {self.DEATH_WINDOW_S:g} s ({how})")
            log.error("the query zygote (pid %d) ended (%s): starting a new one", self._zygote.pid, how)
            for attempt in range(self.START_ATTEMPTS):
                try:
                    self._zygote = self._start_zygote()
                    break
                except (RuntimeError, OSError) as exc:
                    log.error("the query zygote could not be started: %s", exc)
                    if self._stopping.wait(1.0 + attempt):
                        return
            else:
                return self._fail(f"the query zygote could not be started again {self.START_ATTEMPTS} times")

    def _watch_http(self) -> None:
        last_up = time.monotonic()
        while not self._stopping.wait(1.0):
            if self._http_up():
                last_up = time.monotonic()
            elif time.monotonic() - last_up > self.http_start_timeout_s:
                return self._fail(f"no HTTP process has been up for {self.http_start_timeout_s:g} s")

    def _http_up(self) -> bool:
        """Whether an HTTP process that said it is up is alive (a child of this process)."""
        up = False
        for mark in self.run_dir.glob("http-*"):
            if _is_live_child(int(mark.name.removeprefix("http-"))):
                up = True
            else:
                mark.unlink(missing_ok=True)
        return up


def _is_live_child(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] not in ("Z", "X") and int(fields[1]) == os.getpid()
