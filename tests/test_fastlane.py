"""Where a query runs: a worker reading the default graph from memory (kg.sparql.zygote) or the
store on disk, or — a repeatable query seen to be cheap — the HTTP process (kg.sparql.fastlane).

Against a real ``kg serve`` (one HTTP process, so that both runs of a query meet the same
fast lane), reading where each query ran from the access log (``lane=memory|worker|fast``).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from conftest import ROOT, Server

ICRC = "http://localhost:8000/id/organisation/icrc"
RESULTS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv", "tsv": "text/tab-separated-values"}


@pytest.fixture(scope="module")
def one(built, tmp_path_factory):
    log = tmp_path_factory.mktemp("fastlane") / "serve.log"
    s = Server(built["env"], ("--http-workers", "1", "--max-results", "5"), log)
    yield s
    s.stop()


def ask(server: Server, query: str, accept: str = RESULTS["json"]) -> requests.Response:
    return requests.get(server.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)


def lanes(server: Server, n: int) -> list[str]:
    """The lanes of the last ``n`` queries (the log is written at most 0.2 s late)."""
    time.sleep(0.5)
    lines = [line for line in server.log.read_text().splitlines() if "kg.access" in line and "lane=" in line]
    return [line.rsplit("lane=", 1)[1].strip() for line in lines[-n:]]


def test_a_cheap_query_runs_in_the_http_process_the_second_time(one):
    q = f"SELECT ?p ?o WHERE {{ <{ICRC}> ?p ?o }} ORDER BY ?p ?o LIMIT 4"
    first, second, third = ask(one, q), ask(one, q), ask(one, q)
    assert lanes(one, 3) == ["memory", "fast", "fast"]
    assert first.status_code == second.status_code == third.status_code == 200
    assert json.loads(first.content) == json.loads(second.content) == json.loads(third.content)
    assert len(json.loads(second.content)["results"]["bindings"]) == 4


def _rows(fmt: str, body: bytes) -> list:
    """The solutions of a result document, in order, as comparable values."""
    if fmt == "json":
        doc = json.loads(body)
        return [doc["head"]["vars"]] + [sorted((k, tuple(sorted(v.items()))) for k, v in b.items())
                                        for b in doc["results"]["bindings"]]
    if fmt == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(body)
        out = [[v.get("name") for v in root.find("r:head", ns)]]
        for result in root.find("r:results", ns):
            out.append(sorted((b.get("name"), b[0].tag, b[0].text, tuple(sorted(b[0].attrib.items())))
                              for b in result))
        return out
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    return body.decode("utf-8").splitlines()


@pytest.mark.parametrize("fmt", sorted(RESULTS))
def test_the_fast_lane_answers_exactly_what_a_worker_answers(one, fmt):
    # labels in three languages, an integer, an IRI: what each format writes differently
    q = (f"SELECT ?p ?o (STRLEN(STR(?o)) AS ?n) WHERE {{ <{ICRC}> ?p ?o "
         f"FILTER (?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) }} ORDER BY ?p ?o LIMIT 4")
    worker, fast = ask(one, q, RESULTS[fmt]), ask(one, q, RESULTS[fmt])
    assert lanes(one, 2) == ["memory", "fast"]
    assert worker.status_code == fast.status_code == 200
    assert worker.headers["Content-Type"] == fast.headers["Content-Type"]
    assert _rows(fmt, worker.content) == _rows(fmt, fast.content)
    assert len(_rows(fmt, fast.content)) >= 4


def test_volatile_and_cut_results_never_take_the_fast_lane(one):
    for q in ("SELECT (RAND() AS ?r) WHERE {}",
              "SELECT (STRUUID() AS ?u) WHERE {}",
              f"ASK {{ <{ICRC}> ?p ?o FILTER (YEAR(NOW()) > 2000) }}",
              "SELECT ?s WHERE { ?s ?p ?o }"):  # more rows than --max-results 5: cut
        first, second = ask(one, q), ask(one, q)
        assert first.status_code == second.status_code == 200
        assert lanes(one, 2) == ["memory", "memory"], q
    assert second.headers.get("X-KG-Truncated") == "true"
    # a very long query text is not kept in the fast lane's memory
    long = f"ASK {{ <{ICRC}> ?p ?o }} #" + "x" * 20_000
    for _ in range(2):
        r = requests.post(one.url + "/sparql", data=long.encode(), timeout=30,
                          headers={"Content-Type": "application/sparql-query", "Accept": RESULTS["json"]})
        assert r.status_code == 200 and r.json()["boolean"] is True
    assert lanes(one, 2) == ["memory", "memory"]


def test_a_fast_lane_query_past_the_limit_ends_the_process():
    """The watchdog: should a remembered query ever run past the time limit in the HTTP
    process, the process is killed (its CPU freed) and says why."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / 'src')!r})
        import pyoxigraph as ox
        from kg.sparql.fastlane import FastLane
        from kg.sparql.engine import Job
        store = ox.Store()
        store.bulk_extend([ox.Quad(ox.NamedNode(f"urn:s{{i}}"), ox.NamedNode("urn:p"), ox.Literal(str(i)))
                           for i in range(2000)])
        lane = FastLane(limit_ms=50, timeout_s=0.5)
        job = Job("SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}", form="SELECT",
                  repeatable=True)
        lane.run(store, ("key",), 1, job)
        print("the query finished: the watchdog did not stop it")
    """)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9, proc.stdout + proc.stderr
    assert time.monotonic() - started < 10
    assert "ran past the 0.5 s limit" in proc.stderr
    assert "finished" not in proc.stdout


def test_the_lexer_says_which_queries_are_repeatable():
    from kg.sparql.analysis import analyse

    assert analyse("SELECT * WHERE { ?s ?p ?o }").repeatable
    assert analyse("SELECT ?now ?rand WHERE { ?now ?rand ?o }").repeatable  # variables, not calls
    assert analyse("PREFIX uuid: <urn:x#> SELECT * WHERE { ?s uuid:p ?o }").repeatable is False  # erring to no
    for q in ("SELECT (rand() AS ?r) {}", "SELECT (NOW() AS ?t) {}", "SELECT (UUID() AS ?u) {}",
              "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o BIND (BNODE() AS ?b) }",
              "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        assert not analyse(q).repeatable, q
    assert not analyse("INSERT DATA { <a> <b> <c> }").repeatable


def test_default_graph_from_memory_named_graphs_from_disk(one, store):
    """Queries on the default graph run on its copy in memory; GRAPH, FROM and the dataset
    parameters go to the store on disk; both answer what the store itself answers."""
    from conftest import select

    by_type = ("SELECT ?type (COUNT(?a) AS ?n) WHERE { ?a a kg:Activity ; kg:activityType ?type } "
               "GROUP BY ?type ORDER BY ?type LIMIT 4")  # (the server cuts results at 5 rows)
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g LIMIT 4"
    from kg.namespaces import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())
    for q, lane in ((by_type, "memory"), (per_graph, "worker")):
        r = ask(one, prologue + q + " # " + lane)  # (a comment: a query text not seen before)
        assert r.status_code == 200
        assert lanes(one, 1) == [lane], q
        got = [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]
        expected = [{k: str(v) for k, v in row.items() if not k.endswith("_lang")} for row in select(store, q)]
        assert got == expected and len(got) == 4
    graph = min(g.value for g in store.named_graphs() if "/graph/document/" in g.value)
    r = requests.get(one.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } #dg",
                                                  "default-graph-uri": graph}, timeout=30)
    assert lanes(one, 1) == ["worker"]
    n = int(r.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n < len(list(store.quads_for_pattern(None, None, None, None)))


def test_a_store_too_large_for_memory_is_read_from_disk(built, tmp_path):
    """Over KG_MEMORY_STORE_MAX_TRIPLES the zygote holds nothing: workers read the disk store,
    and keep serving (none is replaced for not holding the build in memory)."""
    s = Server({**built["env"], "KG_MEMORY_STORE_MAX_TRIPLES": "10"}, ("--http-workers", "1"),
               tmp_path / "serve.log")
    try:
        workers = s.query_workers()
        assert len(workers) == 2
        for i in range(4):
            r = ask(s, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {i}")
            assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 10
        assert lanes(s, 4) == ["worker"] * 4
        assert s.query_workers() == workers
    finally:
        s.stop()


def test_the_app_on_its_own_runs_queries_in_spawned_workers(built):
    """``create_app`` used without ``kg serve`` (under another WSGI server): no zygote, so
    its workers are started as ``python -m kg.sparql.worker``; they answer, and a runaway is
    stopped at the limit all the same."""
    from kg.config import Settings
    from kg.web import create_app

    app = create_app(Settings(var_dir=built["var"], query_timeout_s=2.0))
    engine = app.extensions["kg.engine"]
    try:
        c = app.test_client()
        r = c.get("/sparql", query_string={"query": f"ASK {{ <{ICRC}> ?p ?o }}"}, headers={"Accept": RESULTS["json"]})
        assert r.status_code == 200 and r.get_json()["boolean"] is True
        assert engine.pool.zygote is None and len(engine.pool.pids()) == 2
        r = c.get("/sparql", headers={"Accept": RESULTS["json"]}, query_string={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"})
        assert r.status_code == 503 and "stopped" in r.get_data(as_text=True)
        assert engine.pool.replaced == 1
    finally:
        engine.pool.close()
