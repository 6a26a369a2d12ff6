"""The zygote: one process that holds the default graph in memory and forks query workers —
and the one owner of those workers.

Oxigraph answers whole-graph joins and aggregates two to three times faster from its
in-memory store than from its on-disk one (it joins by index lookups, and a lookup in memory
is cheaper than one in RocksDB; bench/bench.py measures it). Loading a million triples takes
seconds (a helper's dump and sort, then parsing), too long for every worker. So ``kg serve``
starts one zygote: it copies the store's default graph into memory once, then forks a
worker for each request on its Unix socket. The fork shares the loaded pages, and the worker
copies those that reading would write (``copy_shared_pages``) before it says it is ready: it
starts in a third of a second per million triples with the graph already in memory, and is
still a process of its own that can be killed at a query's deadline.

The zygote forks its workers, kills them and reaps them; no other process signals them.
Each HTTP process keeps a *control connection* open to it, and the zygote acts on it:

* ``hello PID`` opens the control connection of HTTP process PID;
* ``kill WORKER`` (on it) kills one of that HTTP process's workers (SIGKILL: a query past its
  deadline), which the zygote then reaps;
* the connection's end — the HTTP process ended, however — kills all of its workers.

Other requests come one line on a fresh connection each:

* ``fork PID``: fork a worker that serves this very connection (see
  ``worker.answer_requests``), for HTTP process PID, whose control connection must be open;
* ``load PATH``: load the default graph of the store at PATH (a new build), for later forks;
  answers ``ok PATH`` (or ``ok -`` when it is too large to hold).

Workers die with the zygote (PR_SET_PDEATHSIG); so does the zygote with ``kg serve``. Nothing
here polls: the zygote waits on its sockets and on SIGCHLD (through a wakeup pipe). The
socket is in a directory only the server's user can enter (``tempfile.mkdtemp``).

The zygote runs in the network namespace it gave itself, so its workers have no network
either. Stores larger than ``memory_store_max_triples`` stay on disk (workers then read the
disk store, as without it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .worker import answer_requests, die_with_parent, isolate_network, limit_memory


def default_graph_ntriples(store_path: str, max_triples: int) -> bytes | None:
    """The default graph of a store as N-Triples, in the order an in-memory store should load
    them (see ``load_default_graph``), or None when it has more than ``max_triples``. Read by a
    helper process: opening RocksDB here would leave its threads in a process that is about to
    fork."""
    # (A triple's line starts "SUBJECT PREDICATE ": neither holds a space in N-Triples.)
    code = ("import io, sys, pyoxigraph as ox\n"
            "s = ox.Store.read_only(sys.argv[1])\n"
            "n = int(next(iter(s.query('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')))[0].value)\n"
            "if n > int(sys.argv[2]):\n"
            "    sys.exit(3)\n"
            "out = io.BytesIO()\n"
            "s.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())\n"
            "lines = out.getvalue().splitlines(keepends=True)\n"
            "lines.sort()\n"  # by subject, then (a stable sort) by predicate
            "lines.sort(key=lambda line: line.split(b' ', 2)[1])\n"
            "sys.stdout.buffer.writelines(lines)\n")
    proc = subprocess.run([sys.executable, "-c", code, store_path, str(max_triples)], capture_output=True)
    if proc.returncode == 3:
        return None
    proc.check_returncode()
    return proc.stdout


def load_default_graph(store_path: str, max_triples: int, hold: bool = True) -> tuple | None:
    """``(store_path, an in-memory store of its default graph)``, or None when it has more
    than ``max_triples`` triples (or, with ``hold``, when the build is gone).

    The triples are loaded by predicate, and by subject within one. Oxigraph's in-memory store
    keeps the triples of a term in a chain, in the order they were loaded: loaded so, the
    triples a pattern with a constant predicate scans lie side by side in memory, and the
    subjects that a join then looks up come in the order they were laid out. With the
    processor's caches cold, as when the server answers between other work, an aggregate over
    one predicate took a third of its time loaded in the disk store's order, and every other
    query of bench/bench.py's mix the same or less.

    ``hold`` holds the build (``kg.store.hold``) while the helper reads it, so that
    ``kg.store.prune`` leaves it alone. A process that may fork meanwhile passes False: its
    child would inherit the hold, and keep the build for its whole life."""
    import pyoxigraph as ox

    from .. import store as store_mod

    if max_triples <= 0:
        return None
    if hold:
        try:
            store_mod.hold(store_path)
        except store_mod.StoreMissing:
            return None  # pruned already: a newer build is on its way
    try:
        data = default_graph_ntriples(store_path, max_triples)  # (the zygote reaps only its workers)
    finally:
        if hold:
            store_mod.release(store_path)
    if data is None:
        return None
    memory = ox.Store()
    memory.load(data, format=ox.RdfFormat.N_TRIPLES)
    return store_path, memory


def copy_shared_pages(memory: tuple | None) -> bool:
    """In a process forked holding ``memory`` (see ``load_default_graph``), copy at once the
    pages of it that reading would copy one by one. True when done.

    Oxigraph's in-memory store counts references as it reads: reading writes to the pages
    read, so in a forked process the first read of each page costs a copy-on-write fault. In a
    fresh fork a point lookup took 43 µs instead of 27, and a whole-graph query 1.5 to 2.2
    times its time, until the pages it read had been copied; a process that answers for long
    copies most of them anyway. One pass over every triple takes those copies before the
    process answers (0.3 s and 296 MB for a million triples). Skipped when the pages this
    process shares are more than a quarter of the memory available: they are then copied as
    they are read."""
    if memory is None:
        return False
    meminfo = _kilobytes("/proc/meminfo", "MemAvailable:")
    if not meminfo or _kilobytes("/proc/self/smaps_rollup", "Shared_Dirty:") * 4 > meminfo:
        return False
    for _ in memory[1].query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"):
        pass
    return True


def _kilobytes(path: str, field: str) -> int:
    """A "Field: N kB" line of a /proc file (0 when it cannot be read)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _data_segment_mb() -> int:
    return _kilobytes("/proc/self/status", "VmData:") // 1024


def _read_line(conn: socket.socket) -> tuple[str, str]:
    """(command, argument) of one request or reply line; the argument may hold spaces."""
    data = b""
    while b"\n" not in data and len(data) < 65536:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    command, _, argument = data.decode("utf-8", "replace").split("\n", 1)[0].partition(" ")
    return command, argument


def _become_worker(conn: socket.socket, isolated: bool, memory, memory_mb: int, wakeup: int) -> None:
    from multiprocessing.connection import Connection

    die_with_parent()  # with the zygote, its owner
    signal.set_wakeup_fd(-1)
    os.close(wakeup)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if memory_mb > 0:  # on top of the data segment the fork shares with the zygote
        limit_memory(memory_mb + _data_segment_mb())
    copy_shared_pages(memory)  # (before it says it is ready: see answer_requests)
    try:
        answer_requests(Connection(conn.detach()), isolated, memory)
    finally:
        os._exit(0)


class _Owner:
    """The zygote's bookkeeping: which HTTP process each worker serves."""

    def __init__(self):
        self.workers: dict[int, int] = {}  # worker pid -> HTTP process pid
        self.controls: dict[int, socket.socket] = {}  # HTTP process pid -> its control connection

    def kill(self, worker: int) -> None:
        if worker in self.workers:
            try:
                os.kill(worker, signal.SIGKILL)  # our child, not yet reaped: the pid is its own
            except ProcessLookupError:
                pass

    def requester_gone(self, requester: int) -> None:
        self.controls.pop(requester, None)
        for worker, owner in list(self.workers.items()):
            if owner == requester:
                self.kill(worker)

    def reap(self) -> None:
        for worker in list(self.workers):
            try:
                pid, _ = os.waitpid(worker, os.WNOHANG)
            except ChildProcessError:
                pid = worker
            if pid:
                del self.workers[worker]


def _staging(socket_path: str) -> str:
    """Where a zygote binds its socket before it renames it into place, once ready."""
    return socket_path + ".tmp"


def serve(socket_path: str, isolate: bool, memory_mb: int, store_path: str, max_triples: int) -> None:
    import selectors

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    isolated = isolate_network() if isolate else False
    memory = load_default_graph(store_path, max_triples) if store_path else None
    # SIGCHLD wakes the loop through a pipe: workers are reaped as they end, so that a pid
    # the zygote kills is always its own child's
    wakeup_read, wakeup_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.set_wakeup_fd(wakeup_write)
    owner = _Owner()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(_staging(socket_path))
    os.replace(_staging(socket_path), socket_path)  # the socket appears when the zygote is ready
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "listener")
    selector.register(wakeup_read, selectors.EVENT_READ, "sigchld")
    while True:
        for key, _ in selector.select():
            if key.data == "sigchld":
                try:
                    while os.read(wakeup_read, 512):
                        pass
                except BlockingIOError:
                    pass
                owner.reap()
            elif key.data == "listener":
                conn, _ = listener.accept()
                try:
                    conn.settimeout(5)
                    command, argument = _read_line(conn)
                    conn.settimeout(None)
                except OSError:
                    conn.close()
                    continue
                memory = _request(conn, command, argument, owner, selector, memory, isolated, memory_mb,
                                  max_triples, listener, wakeup_read)
            else:  # a control connection: a kill, or its end
                requester, conn = key.data
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(conn)
                    conn.close()
                    owner.requester_gone(requester)
                    continue
                for line in data.decode("ascii", "replace").splitlines():
                    command, _, argument = line.partition(" ")
                    if command == "kill" and argument.isdigit() and owner.workers.get(int(argument)) == requester:
                        owner.kill(int(argument))
        owner.reap()


def _request(conn, command: str, argument: str, owner: _Owner, selector, memory, isolated: bool, memory_mb: int,
             max_triples: int, listener, wakeup: int):
    """Act on one request on a fresh connection; the graph held in memory after it."""
    import selectors

    if command == "hello" and argument.isdigit():
        previous = owner.controls.pop(int(argument), None)
        if previous is not None:
            selector.unregister(previous)
            previous.close()
        owner.controls[int(argument)] = conn
        selector.register(conn, selectors.EVENT_READ, (int(argument), conn))
        conn.sendall(b"ok\n")
    elif command == "fork" and argument.isdigit() and int(argument) in owner.controls:
        pid = os.fork()
        if pid == 0:
            listener.close()
            for control in owner.controls.values():
                control.close()
            _become_worker(conn, isolated, memory, memory_mb, wakeup)
        owner.workers[pid] = int(argument)
        conn.close()
    elif command == "load" and argument:
        if memory is None or memory[0] != argument:
            try:
                memory = None  # let the old graph go before loading the new one
                memory = load_default_graph(argument, max_triples)
            except (OSError, subprocess.CalledProcessError, ValueError):
                memory = None
        conn.sendall(f"ok {memory[0] if memory else '-'}\n".encode())
        conn.close()
    else:
        conn.close()
    return memory


def start(socket_path: Path, isolate: bool, memory_mb: int, store_path: str | None, max_triples: int,
          timeout: float = 600) -> subprocess.Popen:
    """Start the zygote; return once it answers on ``socket_path``. What a zygote before it
    left there (killed, it removes nothing) is removed first: a dead zygote's socket file
    would pass for this one's before it is ready, and its half-made ``.tmp`` would stop it
    from binding."""
    for stale in (socket_path, Path(_staging(str(socket_path)))):
        stale.unlink(missing_ok=True)
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen([sys.executable, "-m", "kg.sparql.zygote", str(socket_path), "1" if isolate else "0",
                             str(memory_mb), store_path or "", str(max_triples)], stdin=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + timeout
    while not socket_path.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"the query zygote ended at start ({proc.returncode})")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the query zygote did not start within {timeout:.0f} s")
        time.sleep(0.05)
    return proc


def open_control(socket_path: str, requester: int) -> socket.socket:
    """The control connection of HTTP process ``requester`` (see the module's doc)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(10)
        s.connect(socket_path)
        s.sendall(f"hello {requester}\n".encode())
        command, _ = _read_line(s)
        if command != "ok":
            raise OSError("the query zygote did not accept this process")
        s.settimeout(None)
    except BaseException:
        s.close()
        raise
    return s


def request_fork(socket_path: str, requester: int) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(socket_path)
    s.sendall(f"fork {requester}\n".encode())
    return s


def request_load(socket_path: str, store_path: str, timeout: float = 600) -> str | None:
    """Have the zygote load ``store_path``; the path it then holds in memory (None: none)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(socket_path)
        s.sendall(f"load {store_path}\n".encode())
        command, argument = _read_line(s)
    return argument if command == "ok" and argument != "-" else None


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
