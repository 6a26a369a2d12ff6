"""The server comes back whole, or exits, whatever happens around it: builds that overlap
while clients query, and any of its processes killed. Real ``kg build`` and ``kg serve``
processes on loopback, real signals."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import ROOT, SOURCES, Server, copy_of_built, kg

ICRC = "http://localhost:8000/id/organisation/icrc"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def private(tmp_path, built) -> dict:
    """A var directory of its own (a copy of the session's build) and a copy of the sources."""
    var = tmp_path / "var"
    copy_of_built(built, var)
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    return {"var": var, "sources": sources, "env": {"KG_VAR": str(var), "KG_SOURCES": str(sources)}}


class Clients:
    """Threads that query a server without pause, each request a different kind of work:
    the default graph (a worker, from memory), a named graph (a worker, from disk), a repeated
    query (the fast lane, in the HTTP process), a page, the VoID description."""

    def __init__(self, url: str, threads: int = 4):
        self.url = url
        self.statuses: list[tuple[int, str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]
        for t in self._threads:
            t.start()

    def _run(self, k: int) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            kind = (n + k) % 5
            try:
                if kind == 0:
                    r = requests.get(self.url + "/sparql", params={"query": f"ASK {{ <{ICRC}> ?p ?o }} # {k} {n}"},
                                     headers=JSON, timeout=30)
                elif kind == 1:
                    r = requests.get(self.url + "/sparql", params={
                        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{ICRC}> ?p ?o }} }} # {k} {n}"},
                        headers=JSON, timeout=30)
                elif kind == 2:
                    r = requests.get(self.url + "/sparql", params={"query": f"ASK {{ <{ICRC}> ?p ?o }}"},
                                     headers=JSON, timeout=30)
                elif kind == 3:
                    r = requests.get(self.url + "/id/organisation/icrc", timeout=30)
                else:
                    r = requests.get(self.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
                self.statuses.append((r.status_code, r.text[:300] if r.status_code != 200 else ""))
            except requests.RequestException as exc:
                self.statuses.append((0, repr(exc)))

    def stop(self) -> list[tuple[int, str]]:
        self._stop.set()
        for t in self._threads:
            t.join(40)
        return self.statuses


# -- overlapping builds ------------------------------------------------------------------------

def test_overlapping_builds_while_clients_query_break_nothing(private, tmp_path):
    """Three ``kg build`` at once while clients query: every build succeeds (one after the
    other), every request is answered, and no process is left reading a pruned build."""
    s = Server(private["env"], ("--query-timeout", "5"), tmp_path / "serve.log")
    try:
        clients = Clients(s.url)
        time.sleep(1)
        builds = [subprocess.Popen([sys.executable, "-m", "kg.cli", "build"], cwd=ROOT,
                                   env={**os.environ, **private["env"]}, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True) for _ in range(3)]
        outputs = [b.communicate(timeout=240)[0] for b in builds]
        during = len(clients.statuses)
        # the server notices the last build and goes on: the clients' hundredth answer is
        # awaited (bounded), not a count in a fixed time, which a loaded machine would miss
        deadline = time.time() + 30
        time.sleep(2)
        while len(clients.statuses) <= 100 and time.time() < deadline:
            time.sleep(0.2)
        statuses = clients.stop()
    finally:
        s.stop()
    assert [b.returncode for b in builds] == [0, 0, 0], outputs
    bad = [x for x in statuses if x[0] != 200]
    assert during > 10 and len(statuses) > 100 and not bad, (during, len(statuses), bad[:5])
    current = (private["var"] / "store").resolve()
    assert current.exists() and (current / "CURRENT").exists()


def test_a_build_is_pruned_only_when_no_process_reads_it(private):
    """An old build that a process still reads (a shared lock on it, as servers, workers and
    ``kg query`` take) survives later builds; once that process is gone, the next build
    prunes it. The current build is never pruned."""
    old = (private["var"] / "store").resolve()
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from kg.store import hold; hold(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(3600)", str(old)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    # (a build with nothing changed publishes nothing new: each build here has a new sentence)
    doc = sorted(private["sources"].glob("*.txt"))[0]

    def build_changed(n: int) -> None:
        with doc.open("a", encoding="utf-8") as f:
            f.write(f"\n\nThe ICRC visited detainees in Baku in {2000 + n}.\n")
        meta_path = private["sources"] / "metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta[doc.name]["sha256"] = hashlib.sha256(doc.read_bytes()).hexdigest()
        meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        kg("build", env=private["env"], check=True)

    try:
        assert reader.stdout.readline().strip() == "held"
        build_changed(1)
        build_changed(2)
        builds = sorted((private["var"] / "stores").iterdir())
        current = (private["var"] / "store").resolve()
        assert old in builds and current in builds
        assert len(builds) == 2  # the build between them, which nothing read, is gone
    finally:
        reader.kill()
        reader.wait(10)
    build_changed(3)
    assert sorted((private["var"] / "stores").iterdir()) == [(private["var"] / "store").resolve()]


# -- killed processes --------------------------------------------------------------------------

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def zygote_of(s: Server) -> int | None:
    """The server's zygote: its child running kg.sparql.zygote."""
    from conftest import children_of

    found = [pid for pid in children_of(s.proc.pid) if "kg.sparql.zygote" in cmdline(pid)]
    return found[0] if found else None


def http_processes(s: Server) -> list[int]:
    from conftest import children_of

    return [pid for pid in children_of(s.proc.pid) if "kg.sparql.zygote" not in cmdline(pid)]  # (forked by HttpProcesses)


def all_query_workers(socket: str) -> list[int]:
    """Every query worker forked by any zygote on ``socket`` (a dead zygote's workers are
    nobody's children any more, but run on until their HTTP process ends)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and socket in cmdline(int(entry)) and alive(int(entry)):
            out.append(int(entry))
    return sorted(out)


def wait_for(predicate, timeout: float, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def ask(s: Server, tag: str, timeout: float = 10) -> int:
    try:
        return requests.get(s.url + "/sparql", params={"query": f"ASK {{ <{ICRC}> ?p ?o }} # {tag}"},
                            headers=JSON, timeout=timeout).status_code
    except requests.RequestException:
        return 0


@pytest.fixture
def recovering(built, tmp_path):
    s = Server(built["env"], ("--query-timeout", "1", "--http-workers", "2", "--workers", "2"),
               tmp_path / "serve.log")
    yield s
    s.stop()


def test_the_zygote_killed_comes_back_and_workers_are_replaced(recovering):
    """kill -9 of the zygote (as an out-of-memory killer would): kg serve starts a new one,
    and every worker stopped at its time limit afterwards is replaced from it, so the pools
    never shrink: queries are still answered after more timeouts than there are workers."""
    s = recovering
    zygote = zygote_of(s)
    socket = cmdline(zygote).split()[3]
    assert len(all_query_workers(socket)) == 1 + 4
    os.kill(zygote, signal.SIGKILL)
    new = wait_for(lambda: (z := zygote_of(s)) and z != zygote and z, 30)
    assert new and new != zygote
    for _ in range(8):  # twice as many runaways as workers: each one's worker is killed
        r = requests.post(s.url + "/sparql", data=CROSS_PRODUCT, timeout=30,
                          headers={"Content-Type": "application/sparql-query", **JSON})
        assert r.status_code == 503, r.text
    assert [ask(s, f"after {i}") for i in range(10)] == [200] * 10
    # every pool is whole again, its new workers forked by the new zygote
    assert wait_for(lambda: len(all_query_workers(socket)) == 1 + 4, 20), all_query_workers(socket)
    assert s.proc.poll() is None


def test_zygote_and_http_processes_killed_the_server_comes_back(recovering):
    """kill -9 of the zygote and of every HTTP process at once: kg serve forks new HTTP
    processes, kg serve a new zygote, and the server answers again by itself."""
    s = recovering
    assert ask(s, "before") == 200
    victims = [zygote_of(s)] + http_processes(s)
    assert len(victims) == 3
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: ask(s, "after", timeout=5) == 200, 60), s.log.read_text()[-3000:]
    assert [ask(s, f"after {i}") for i in range(5)] == [200] * 5
    assert s.proc.poll() is None


def test_a_server_that_cannot_be_kept_whole_exits_non_zero(recovering):
    """A zygote killed again each time it comes back (a crash loop): kg serve gives up and
    exits non-zero, so that whoever runs it starts it afresh, rather than live on refusing."""
    s = recovering
    killed = set()
    deadline = time.monotonic() + 90
    while s.proc.poll() is None and time.monotonic() < deadline:
        z = zygote_of(s)
        if z and z not in killed:
            os.kill(z, signal.SIGKILL)
            killed.add(z)
        time.sleep(0.2)
    assert s.proc.poll() is not None, "kg serve lives on"
    assert s.proc.returncode != 0
    # (killed once up, or killed while starting, as a zygote killed at once after a restart is)
    log = s.log.read_text()
    assert "zygote died" in log or "zygote could not be started again" in log, log[-2000:]
    assert not [pid for pid in killed if alive(pid)]
    with pytest.raises(requests.ConnectionError):
        requests.get(s.url + "/", timeout=5)


def test_http_processes_that_cannot_start_end_the_server(built, tmp_path):
    """The zygote frozen (SIGSTOP) and the HTTP processes killed: the new HTTP processes
    cannot get query workers, and kg serve exits non-zero after --http-start-timeout."""
    s = Server({**built["env"], "KG_HTTP_START_TIMEOUT": "6"}, ("--http-workers", "2"), tmp_path / "serve.log")
    try:
        zygote = zygote_of(s)
        os.kill(zygote, signal.SIGSTOP)
        for pid in http_processes(s):
            os.kill(pid, signal.SIGKILL)
        s.proc.wait(60)
        assert s.proc.returncode != 0
        assert "no HTTP process has been up for 6 s" in s.log.read_text()
        assert wait_for(lambda: not alive(zygote), 10)
    finally:
        s.stop()


@pytest.mark.parametrize("left", ["socket", "half-made"])
def test_a_new_zygote_is_not_taken_for_ready_by_what_a_killed_one_left(tmp_path, left):
    """A zygote killed with SIGKILL leaves its socket file (or, killed while starting, its
    ``.tmp``). The next one started in its place is ready when ``start`` returns — not a dead
    socket file passing for it, nor unable to bind."""
    import socket as socketlib

    from kg.sparql import zygote

    path = tmp_path / "zygote.sock"
    stale = path if left == "socket" else path.with_name(path.name + ".tmp")
    dead = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
    dead.bind(str(stale))  # (bound, then gone: the file stays, and nothing answers on it)
    dead.close()
    proc = zygote.start(path, False, 0, None, 0, timeout=60)
    try:
        control = zygote.open_control(str(path), os.getpid())  # (refused, were the dead file taken)
        control.close()
    finally:
        proc.kill()
        proc.wait(10)
