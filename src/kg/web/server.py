"""The HTTP server behind ``kg serve``: several HTTP processes forked from its own.

``kg serve``'s process binds the listening socket (``listen``) and forks the HTTP processes
(``HttpProcesses``), which all accept on it and each serve HTTP/1.1 in one event loop
(kg.web.httpd), so requests are not serialised behind one Python interpreter. Before that it
loads the current build's default graph into memory (through a helper process: it never
opens RocksDB itself), so that each starts with it and their fast lane reads it
(kg.sparql.fastlane); each copies its pages at once before it answers (see
kg.sparql.zygote.copy_shared_pages). Each of those processes builds its own app
(``http_process``) with its own pool of killable query workers (``kg.sparql.pool``): a
runaway query is stopped by killing its worker, never the HTTP process. If an HTTP process
ends anyway, a new one is forked. A new build is told by the kernel (kg.sparql.builds):
every process switches to it, and loads its default graph.

In an HTTP process, kg.web.front reads request bodies in the event loop with a deadline, so
a slow or silent client holds no thread; a request without a body that the fast lane
answers at once is answered in the loop as it is parsed (``Front.answer_at_once``); other
complete requests go to the app in a few request threads (``--threads``, default: one more
than its query workers, so that with every worker busy it still answers from the fast lane).
Threads that run Python at the same time contend for the interpreter lock; a thread waiting
on a query worker runs no Python, so slow queries do not slow the others down; they only
occupy a thread until they end or are stopped at the time limit.

``kg serve``'s own process supervises (``Supervisor``): it starts the zygote again when it
dies, and ends the server, non-zero, when it cannot be kept whole (the zygote dying over and
over, no HTTP process able to start), so that whoever runs it starts it afresh.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import select
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
from ..sparql.zygote import copy_shared_pages

log = logging.getLogger("kg.web.server")


class PortInUse(Exception):
    """Something listens on the address ``kg serve`` was asked to serve on."""


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket on ``host:port`` (port 0: any free port), which every
    HTTP process accepts on; PortInUse when another server holds that address. Without
    SO_REUSEPORT, so that a second server cannot share the port (the kernel refuses the
    bind)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (connections in TIME_WAIT are no user)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} is already in use (another server?): "
                                "stop it or choose another port with --port") from None
            raise
        sock.listen(1024)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def default_http_workers() -> int:
    """One per two cores, at least two (so one HTTP process's stall is not the server's)."""
    return max(2, min(8, (os.cpu_count() or 1) // 2))


#: (build, its default graph in memory), loaded by ``serve`` before it forks the HTTP
#: processes, which start with it (copy_shared_pages): their fast lane reads it
#: (kg.sparql.fastlane).
_memory: tuple | None = None


def http_process(listener: socket.socket, settings: Settings, store_path: Path | None, zygote_socket: str,
                 run_dir: Path, threads: int, server_pid: int) -> None:
    """One HTTP process, forked by ``HttpProcesses``: serve on ``listener`` until SIGTERM."""
    import asyncio

    import uvloop

    from . import create_app
    from .front import Front
    from .httpd import HttpServer, Limits
    from .logs import use_queued_log
    from .sparql import call_from_rsgi, quick, respond

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl-C reaches the whole group: kg serve's process ends this one)
    use_queued_log()
    _end_with_parent(server_pid)
    copied = copy_shared_pages(_memory)  # before it answers (kg.sparql.zygote)
    app = create_app(settings, store_path=store_path, zygote=zygote_socket, memory=_memory)
    engine = app.extensions["kg.engine"]
    engine.start()
    log.info("HTTP process %d: %d query workers (network %s)%s", os.getpid(), engine.pool.size,
             "isolated" if engine.pool.network_isolated else "not isolated",
             "; the default graph's pages copied" if copied else "")
    front = Front(app, threads, settings.client_timeout_s, settings.max_request_bytes,
                  ("/sparql", lambda scope, body: respond(call_from_rsgi(app, scope, body)), partial(quick, app)))
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    httpd = HttpServer(front, Limits(settings.client_timeout_s))
    server = loop.run_until_complete(loop.create_server(httpd.connection, sock=listener))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    (run_dir / f"http-{os.getpid()}").touch()  # up (see Supervisor)
    # what exists now lives as long as the process: the collector need not look at it again
    # (a full collection over the app's objects costs milliseconds, every few thousand requests)
    gc.freeze()
    try:
        loop.run_forever()
    finally:
        server.close()
        logging.shutdown()  # (what the log writer holds: the process ends with os._exit)


def _end_with_parent(parent: int) -> None:
    """Have the kernel end this HTTP process when the server process that forked it is gone
    (even killed with SIGKILL), instead of serving on as an orphan (PR_SET_PDEATHSIG: they
    are forked from the main thread, which lives as long as the process)."""
    die_with_parent()
    if os.getppid() != parent:  # gone already, before the kernel was asked
        os._exit(1)


class HttpProcesses:
    """The HTTP processes, forked from this process's main thread, each running ``run``;
    one that ends is forked again after ``respawn_interval_s`` (never in a tight loop),
    until SIGTERM or SIGINT ends them all (``serve``). Children are watched through pidfds,
    signals through the wakeup fd: no polling."""

    STOP_GRACE_S = 5.0

    def __init__(self, run: Callable[[], None], count: int, respawn_interval_s: float = 0.5):
        self.run = run
        self.count = count
        self.respawn_interval_s = respawn_interval_s
        self.children: dict[int, int] = {}  # pidfd -> pid
        self._stop = False

    def serve(self) -> None:
        """Fork the processes and keep them up until SIGTERM or SIGINT."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        previous_fd = signal.set_wakeup_fd(wake_w)
        due: list[float] = []  # when to fork the ones that ended
        try:
            for _ in range(self.count):
                self._fork(wake_r, wake_w)
            while not self._stop:
                timeout = max(0.0, min(due) - time.monotonic()) if due else None
                ready, _, _ = select.select([wake_r, *self.children], [], [], timeout)
                for fd in ready:
                    if fd == wake_r:
                        _drain(wake_r)
                    else:
                        self._reap(fd)
                        due.append(time.monotonic() + self.respawn_interval_s)
                now = time.monotonic()
                while due and due[0] <= now and not self._stop:
                    due.pop(0)
                    self._fork(wake_r, wake_w)
        finally:
            self._end_all()
            signal.set_wakeup_fd(previous_fd)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(wake_r)
            os.close(wake_w)

    def _on_signal(self, signum, frame) -> None:
        self._stop = True

    def _fork(self, *close_in_child: int) -> None:
        pid = os.fork()
        if pid == 0:  # the HTTP process
            code = 1
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                for fd in (*close_in_child, *self.children):
                    os.close(fd)
                self.run()
                code = 0
            except BaseException:  # noqa: BLE001 - said, then this process ends
                log.exception("HTTP process %d failed", os.getpid())
                logging.shutdown()
            finally:
                os._exit(code)  # (not the parent's atexit handlers)
        self.children[os.pidfd_open(pid)] = pid

    def _reap(self, pidfd: int) -> None:
        pid = self.children.pop(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        if not self._stop:
            how = (f"killed by {signal.Signals(-os.waitstatus_to_exitcode(status)).name}"
                   if os.WIFSIGNALED(status) else f"exit status {os.waitstatus_to_exitcode(status)}")
            log.error("HTTP process %d ended (%s): starting a new one", pid, how)

    def _end_all(self) -> None:
        """SIGTERM to every HTTP process; SIGKILL to those still there after STOP_GRACE_S,
        given as long again to go."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in self.children.values():
                _signal(pid, sig)
            deadline = time.monotonic() + self.STOP_GRACE_S
            while self.children:
                ready, _, _ = select.select(list(self.children), [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    break
                for fd in ready:
                    self._reap(fd)
            if not self.children:
                return


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def serve(settings: Settings, listener: socket.socket, http_workers: int, threads: int,
          store_path: Path | None = None) -> None:
    """Serve on ``listener`` (see ``listen``) until SIGINT/SIGTERM."""
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
    _memory = zygote.load_default_graph(serving, settings.memory_store_max_triples, hold=False)
    supervisor = Supervisor(start_zygote, run_dir, settings.http_start_timeout_s)
    supervisor.start()
    log.info("%d HTTP processes x %d threads, %d query workers each", http_workers, threads,
             settings.query_workers)
    if store_path is None:
        def new_build(path: Path) -> None:
            """Hold the new build's default graph, for the HTTP processes forked from now on
            (those running load it themselves: see kg.sparql.pool)."""
            global _memory
            _memory = zygote.load_default_graph(str(path), settings.memory_store_max_triples, hold=False)

        BuildWatcher(settings, new_build)
    # The HTTP processes are forked from this one, which holds the default graph in memory
    # and never opened RocksDB (builds and serving copies are made by other processes: see
    # kg.cli.serve).
    processes = HttpProcesses(partial(http_process, listener, settings, store_path, str(socket_path), run_dir,
                                      threads, os.getpid()), http_workers)
    try:
        processes.serve()
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
    * The HTTP processes are forked again by ``HttpProcesses``; each says when it is up (a file
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
        os.kill(os.getpid(), signal.SIGTERM)  # HttpProcesses.serve ends them and returns

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
