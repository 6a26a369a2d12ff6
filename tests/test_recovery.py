"""The server comes back whole, or exits, whatever happens around it: builds that overlap
while clients query, and any of its processes killed. Real ``kg build`` and ``kg serve``
processes on loopback, real signals."""

from __future__ import annotations

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

from conftest import ROOT, SOURCES, Server, kg

ICRC = "http://localhost:8000/id/organisation/icrc"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def private(tmp_path, built) -> dict:
    """A var directory of its own (a copy of the session's build) and a copy of the sources."""
    var = tmp_path / "var"
    (var / "stores").mkdir(parents=True)
    current = (built["var"] / "store").resolve()
    shutil.copytree(current, var / "stores" / current.name)
    (var / "store").symlink_to(var / "stores" / current.name)
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
        time.sleep(2)  # the server notices the last build and goes on
        statuses = clients.stop()
    finally:
        s.stop()
    assert [b.returncode for b in builds] == [0, 0, 0], outputs
    bad = [x for x in statuses if x[0] != 200]
    assert len(statuses) > 100 and not bad, (len(statuses), bad[:5])
    current = (private["var"] / "store").resolve()
    assert current.exists() and (current / "CURRENT").exists()


def test_a_build_is_pruned_only_when_no_process_reads_it(private):
    """An old build that a process still reads (a shared lock on it, as servers, workers and
    ``kg query`` take) survives later builds; once that process is gone, the next build
    prunes it. The current build is never pruned."""
    old = (private["var"] / "store").resolve()
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from kg.store import hold; hold(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(120)", str(old)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        assert reader.stdout.readline().strip() == "held"
        kg("build", env=private["env"], check=True)
        kg("build", env=private["env"], check=True)
        builds = sorted((private["var"] / "stores").iterdir())
        current = (private["var"] / "store").resolve()
        assert old in builds and current in builds
        assert len(builds) == 2  # the build between them, which nothing read, is gone
    finally:
        reader.kill()
        reader.wait(10)
    kg("build", env=private["env"], check=True)
    assert sorted((private["var"] / "stores").iterdir()) == [(private["var"] / "store").resolve()]
