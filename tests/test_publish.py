"""``kg publish``: the built graph sent through the SPARQL 1.1 Graph Store Protocol to real
stores started here — Oxigraph's server and Virtuoso — only what changed since the last
publish, with an authorisation header when given; the published graph answers the
competency queries as the local endpoint does."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from conftest import ROOT, copy_of_built, free_port, kg

BASE = "http://localhost:8000/"
QUERIES = sorted((ROOT / "queries").glob("cq*.rq"))


def _wait_http(url: str, proc: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{url}: the server did not start: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture
def oxigraph_server(tmp_path):
    """Oxigraph's own server (the ``oxigraph`` package) on a free loopback port."""
    port = free_port()
    log = tmp_path / "oxigraph.log"
    binary = Path(sys.executable).with_name("oxigraph")
    with open(log, "w") as out:
        proc = subprocess.Popen([str(binary), "serve", "--location", str(tmp_path / "oxigraph"),
                                 "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/query?query=ASK%7B%7D", proc, 30, log)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """Debian's Virtuoso (virtuoso-opensource, installed by .ci/run) on free loopback ports,
    its Graph Store endpoint open to updates (as a deployment behind an authenticating proxy
    would have it)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if not binary or not isql:
        if os.environ.get("CI"):
            pytest.fail("Virtuoso is not installed (.ci/run installs virtuoso-opensource)")
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource")
    home = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = (Path("/etc/virtuoso-opensource-7/virtuoso.ini").read_text()
           if Path("/etc/virtuoso-opensource-7/virtuoso.ini").exists() else "")
    config = re.sub(r"/var/lib/virtuoso-opensource-7/db/", f"{home}/", ini)
    config = re.sub(r"(\[Parameters\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>{sql_port}", config, flags=re.S)
    config = re.sub(r"(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>{http_port}", config, flags=re.S)
    (home / "virtuoso.ini").write_text(config)
    log = home / "out.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([binary, "-f", "-c", str(home / "virtuoso.ini")], cwd=home, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}"
    _wait_http(url + "/sparql?query=ASK%7B%7D", proc, 120, log)
    grant = subprocess.run([isql, str(sql_port), "dba", "dba",
                            'exec=grant SPARQL_UPDATE to "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'],
                           capture_output=True, text=True, timeout=60)
    assert grant.returncode == 0, grant.stdout + grant.stderr
    yield {"gsp": url + "/sparql-graph-crud", "sparql": url + "/sparql"}
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def _normal(value: str) -> str:
    """A cell compared without the order GROUP_CONCAT happened to use."""
    return " ".join(sorted(re.split(r"[\s|]+", value)))


def _answers(response: requests.Response):
    response.raise_for_status()
    data = response.json()
    if "boolean" in data:
        return data["boolean"]
    names = data["head"]["vars"]
    return sorted(tuple(_normal(b[n]["value"]) if n in b else "" for n in names) for b in data["results"]["bindings"])


def _local_graphs(built) -> dict[str, set]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str((built["var"] / "store").resolve()))
    out: dict[str, set] = {}
    for q in store:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            out.setdefault(q.graph_name.value, set()).add((q.subject, q.predicate, q.object))
    return out


def test_published_to_oxigraphs_server_it_answers_the_competency_queries_as_served_here(built, server,
                                                                                        oxigraph_server):
    proc = kg("publish", oxigraph_server + "/store", "--default-graph", env=built["env"])
    assert proc.returncode == 0, proc.stderr
    local = _local_graphs(built)
    assert f"{len(local)} graph(s) sent" in proc.stdout and "default graph replaced" in proc.stdout
    assert {BASE + "graph/inferred", BASE + "graph/ontology"} <= set(local)
    for path in QUERIES:
        query = path.read_text(encoding="utf-8")
        here = _answers(server.sparql(query))
        there = _answers(requests.post(oxigraph_server + "/query", data={"query": query},
                                       headers={"Accept": "application/sparql-results+json"}, timeout=60))
        assert here == there, path.name
        assert here, path.name  # (every question has an answer)


def test_only_graphs_that_changed_are_sent_and_graphs_gone_are_deleted(tmp_path, corpus_copy, oxigraph_server, built):
    env = {"KG_VAR": str(tmp_path / "var"), "KG_SOURCES": str(corpus_copy)}
    copy_of_built(built, tmp_path / "var")  # (the sources as built)
    endpoint = oxigraph_server + "/store"
    first = kg("publish", endpoint, env=env, check=True).stdout
    assert "7 graph(s) sent" in first and "0 unchanged" in first
    again = kg("publish", endpoint, env=env, check=True).stdout
    assert "0 graph(s) sent" in again and "7 unchanged" in again
    # a document goes: its graph is deleted there, and only graphs that changed are sent
    gone = "003_362a282f5771ddaf"
    (corpus_copy / f"{gone}.txt").unlink()
    meta = json.loads((corpus_copy / "metadata.json").read_text(encoding="utf-8"))
    del meta[f"{gone}.txt"]
    (corpus_copy / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    kg("build", env=env, check=True)
    third = kg("publish", endpoint, env=env, check=True).stdout
    sent = int(re.search(r"(\d+) graph\(s\) sent", third).group(1))
    assert "1 deleted" in third and 1 <= sent < 6, third  # the inferred graph at least; not every graph
    graphs = requests.post(oxigraph_server + "/query", data={"query": "SELECT DISTINCT ?g { GRAPH ?g {} }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    names = {b["g"]["value"] for b in graphs["results"]["bindings"]}
    assert BASE + f"graph/document/{gone}" not in names and len(names) == 6


def test_virtuoso_receives_every_graph_as_built_and_only_changes_after(built, virtuoso):
    proc = kg("publish", virtuoso["gsp"], env=built["env"])
    assert proc.returncode == 0, proc.stderr
    local = _local_graphs(built)
    for graph, triples in local.items():
        rows = requests.post(virtuoso["sparql"], data={"query": f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=120).json()
        there = {(b["s"]["value"], b["p"]["value"], b["o"]["value"]) for b in rows["results"]["bindings"]
                 if b["s"]["type"] == "uri" and b["o"]["type"] != "bnode"}
        here = {(s.value, p.value, _as_virtuoso_stores(o)) for s, p, o in triples
                if type(s).__name__ == "NamedNode" and type(o).__name__ != "BlankNode"}
        assert here == there, graph
    again = kg("publish", virtuoso["gsp"], env=built["env"], check=True).stdout
    assert "0 graph(s) sent" in again and f"{len(local)} unchanged" in again


def _as_virtuoso_stores(term) -> str:
    """A term's value as Virtuoso 7.2 gives it back: it keeps an xsd:boolean as the integer
    1 or 0 (the ontology's kg:gathersAudience true comes back as 1)."""
    if getattr(term, "datatype", None) is not None and term.datatype.value == "http://www.w3.org/2001/XMLSchema#boolean":
        return {"true": "1", "false": "0", "1": "1", "0": "0"}[term.value]
    return term.value


class _Recorder(BaseHTTPRequestHandler):
    seen: list = []
    status = 201

    def do_PUT(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append((self.command, urllib.parse.unquote(self.path), self.headers.get("Authorization")))
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_DELETE = do_PUT

    def log_message(self, *args):
        pass


def test_the_authorization_header_is_sent_and_a_refusal_is_one_clear_line(built):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/graphs"
    try:
        _Recorder.seen, _Recorder.status = [], 201
        kg("publish", endpoint, "--all", env={**built["env"], "KG_PUBLISH_AUTHORIZATION": "Bearer s3cret"}, check=True)
        assert _Recorder.seen and all(auth == "Bearer s3cret" for _, _, auth in _Recorder.seen)
        assert all(method == "PUT" and path.startswith("/graphs?graph=http://localhost:8000/graph/")
                   for method, path, _ in _Recorder.seen)
        _Recorder.seen, _Recorder.status = [], 401
        proc = kg("publish", endpoint, "--all", env=built["env"])
        assert proc.returncode != 0 and "401" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr
    finally:
        server.shutdown()


def test_an_unreachable_endpoint_is_named(built):
    endpoint = f"http://127.0.0.1:{free_port()}/store"
    proc = kg("publish", endpoint, env=built["env"], timeout=60)
    assert proc.returncode != 0 and endpoint in proc.stderr and "Traceback" not in proc.stderr
