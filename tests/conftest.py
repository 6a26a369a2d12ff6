"""Shared fixtures: a real build of the five documents, and a real server on loopback."""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"
DEV_CORPUS = ROOT / "tests" / "corpus" / "dev"  # real documents about other organisations and countries
#: one cache of per-document build results for the session's builds (see ``kg``)
SHARED_CACHE = Path(tempfile.mkdtemp(prefix="kg-test-cache-"))
atexit.register(shutil.rmtree, SHARED_CACHE, True)


def extract(path: Path, lang: str | None = None, resources=None, **meta):
    """Run the real extraction pipeline in-process on one file (no build, no store).

    Metadata is what metadata.json beside the file gives (as a build reads it), overridden by
    ``meta``; ``lang`` defaults to its language or the one in the file name ("05_en_…");
    ``resources`` to the project's (a test may give its own, e.g. with more countries).
    Returns :class:`kg.extraction.DocumentExtraction` (``.doc`` holds every layer)."""
    import hashlib
    import json

    from kg.extraction import extract_document
    from kg.resources import load_resources
    from kg.sources import Document

    meta_file = path.parent / "metadata.json"
    known = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    meta = {**known.get(path.name, {}), **meta}  # what a build would read, unless the test says otherwise
    if lang is None:
        lang = meta.get("language") or path.name.split("_")[1]
    data = path.read_bytes()
    document = Document(
        doc_id=path.stem, file_name=path.name, language=lang, title=meta.get("title", ""),
        kind=meta.get("kind", "Article"), publisher=meta.get("publisher", ""), date=meta.get("date", ""),
        date_as_stated=meta.get("date_as_stated", ""), text=data.decode("utf-8"), sha256=hashlib.sha256(data).hexdigest(),
    )
    return extract_document(document, resources or load_resources(ROOT / "data" / "lexicon", ROOT / "ontology"))


def resources_with_more_countries():
    """The project's resources plus the countries of tests/fixtures/countries.yaml (in the shape
    the gazetteer gives them), for tests of what is generated per country."""
    from kg.countries import countries_from_yaml
    from kg.resources import Resources

    global _MORE
    if _MORE is None:
        _MORE = Resources(ROOT / "data" / "lexicon", ROOT / "ontology",
                          countries=countries_from_yaml(ROOT / "tests" / "fixtures" / "countries.yaml"))
    return _MORE


_MORE = None


def kg(*args: str, env: dict | None = None, timeout: float = 300, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real ``kg`` command line in a subprocess."""
    # builds share one cache of per-document results (keyed by content and the pipeline's
    # version, as a user's successive builds do), unless a test gives its own
    full_env = {**os.environ, "KG_CACHE": str(SHARED_CACHE), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def default_ctrl_c() -> None:
    """``preexec_fn`` for a child that a test interrupts with Ctrl-C: it starts with SIGINT's
    default disposition, as a command typed in a terminal does, whatever the test run was
    started with (a shell starts a background job with SIGINT ignored, and children inherit
    that: Python then never raises KeyboardInterrupt)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def children_of(pid: int) -> list[int]:
    """The live (not zombie) child processes of ``pid``, from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return sorted(out)


def _is_zygote(pid: int) -> bool:
    try:
        return b"kg.sparql.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, args: tuple[str, ...] = (), log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # the server logs every query: write to a file, never to a pipe nobody drains
        if log is None:
            fd, name = tempfile.mkstemp(prefix="kg-serve-", suffix=".log")
            os.close(fd)
            log = Path(name)
        self.log = log
        self._out = open(log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--port", str(self.port), *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                requests.get(self.url + "/", timeout=5)
                return
            except (requests.ConnectionError, requests.Timeout):  # (not listening yet, or slow to answer)
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start")

    def sparql(self, query: str, accept: str = "application/sparql-results+json", **kw) -> requests.Response:
        return requests.get(self.url + "/sparql", params={"query": query, **kw}, headers={"Accept": accept}, timeout=30)

    def descendants(self) -> list[int]:
        """Every live process under the server (HTTP processes, zygote, query workers)."""
        out, todo = [], [self.proc.pid]
        while todo:
            for child in children_of(todo.pop()):
                out.append(child)
                todo.append(child)
        return sorted(out)

    def http_processes(self) -> list[int]:
        """The HTTP processes: the server's children that are not its zygote."""
        return [pid for pid in children_of(self.proc.pid) if not _is_zygote(pid)]

    def query_workers(self) -> list[int]:
        """The query workers: the children of the server's zygote (kg.sparql.zygote)."""
        zygotes = [pid for pid in self.descendants() if _is_zygote(pid)]
        return sorted(pid for z in zygotes for pid in children_of(z) if _is_zygote(pid))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._out.close()


def once_per_run(tmp_path_factory, name: str, make) -> dict:
    """What ``make(directory)`` returns (JSON), made once for the whole run: with pytest-xdist
    the first worker to ask makes it in a folder all workers share, and the others wait for it
    (a file lock) and read what it returned. A failed ``make`` leaves nothing: the next asks again."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # (each worker's basetemp is a folder in the run's)
    done = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            directory = root / name
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            done.write_text(json.dumps(make(directory)))
        return json.loads(done.read_text())


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """A store built by ``kg build`` from the real documents, in a private var directory
    (one build for the whole run, shared by xdist's workers: tests only read it)."""
    def make(directory: Path) -> dict:
        env = {"KG_VAR": str(directory / "var")}
        proc = kg("build", env=env, check=True)
        return {"env": env, "output": proc.stdout + proc.stderr}

    made = once_per_run(tmp_path_factory, "built", make)
    return {**made, "var": Path(made["env"]["KG_VAR"])}


def copy_of_built(built: dict, var: Path) -> Path:
    """Make ``var`` a var directory whose published build is a copy of the session's ``built``
    one: what ``kg build`` of the same sources leaves there, without building again. Returns
    the copy's path."""
    current = (built["var"] / "store").resolve()
    copy = var / "stores" / current.name
    (var / "stores").mkdir(parents=True)
    shutil.copytree(current, copy)
    (var / "store").symlink_to(copy)
    return copy


@pytest.fixture(scope="session")
def built_both(tmp_path_factory) -> dict:
    """A store built by ``kg build`` from both corpora at once: the first (data/sources) and the
    development corpus (tests/corpus/dev, documents of other organisations and countries), copied
    into one sources directory with their metadata merged, as a user adding documents would
    (one build for the whole run, as ``built``)."""
    def make(root: Path) -> dict:
        sources = root / "sources"
        sources.mkdir()
        metadata: dict = {}
        for corpus in (SOURCES, DEV_CORPUS):
            metadata.update(json.loads((corpus / "metadata.json").read_text(encoding="utf-8")))
            for path in sorted(corpus.glob("*.txt")):
                shutil.copy2(path, sources / path.name)
        (sources / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
        env = {"KG_VAR": str(root / "var"), "KG_SOURCES": str(sources)}
        proc = kg("build", env=env, check=True, timeout=600)
        return {"env": env, "output": proc.stdout + proc.stderr}

    made = once_per_run(tmp_path_factory, "built_both", make)
    return {**made, "var": Path(made["env"]["KG_VAR"]), "sources": Path(made["env"]["KG_SOURCES"])}


@pytest.fixture(scope="session")
def server_both(built_both):
    """A real server on the store of both corpora."""
    srv = Server(built_both["env"])
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def store(built):
    import pyoxigraph as ox

    return ox.Store.read_only(str((built["var"] / "store").resolve()))


@pytest.fixture(scope="session")
def server(built):
    srv = Server(built["env"])
    yield srv
    srv.stop()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the sources directory that a test may add bad files to."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES, target)
    return target


def select(store, query: str) -> list[dict]:
    """Rows of a SELECT on the store as {variable: python value (str/int)}."""
    from kg.namespaces import PREFIXES

    prefixes = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())
    result = store.query(prefixes + query)
    names = [v.value for v in result.variables]
    rows = []
    for sol in result:
        row = {}
        for i, name in enumerate(names):
            term = sol[i]
            if term is None:
                continue
            value = term.value
            dtype = getattr(term, "datatype", None)
            if dtype is not None and dtype.value.endswith(("#integer", "#nonNegativeInteger")):
                value = int(value)
            row[name] = value
            if getattr(term, "language", None):
                row[name + "_lang"] = term.language
        rows.append(row)
    return rows
