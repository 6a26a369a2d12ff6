"""Where a query runs: a worker reading the default graph from memory (kg.sparql.zygote) or the
store on disk, or — a repeatable query seen to be cheap — the HTTP process (kg.sparql.fastlane).

Against a real ``kg serve`` (one HTTP process, so that both runs of a query meet the same
fast lane), reading where each query ran from the access log (``lane=memory|worker|fast``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from conftest import ROOT, Server
from kg.sparql.engine import execute, execute_native, plan

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


def test_a_query_of_a_shape_seen_cheap_runs_in_the_http_process(one, store):
    """Three queries of one shape (other entities, other numbers) run in workers, each
    cheap: the fourth of that shape — about an entity never asked for before — runs in the
    HTTP process, and answers what a worker answers."""
    entities = sorted({q.subject.value for q in store.quads_for_pattern(None, None, None, None)
                       if isinstance(q.subject, ox.NamedNode) and "/id/organisation/" in q.subject.value})[:5]
    assert len(entities) == 5
    texts = [f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }} ORDER BY ?p ?o LIMIT {n}" for e, n in zip(entities, (4, 3, 2, 4, 3))]
    answers = [ask(one, t) for t in texts[:4]]
    assert lanes(one, 4) == ["memory", "memory", "memory", "fast"]
    worker = ask(one, texts[3] + " ")  # (the same query, its text not quite: its shape is new)
    assert lanes(one, 1) == ["memory"]
    assert [a.status_code for a in answers] == [200] * 4 and worker.status_code == 200
    assert json.loads(answers[3].content) == json.loads(worker.content)
    assert len(json.loads(answers[3].content)["results"]["bindings"]) == 4
    assert ask(one, texts[4]).status_code == 200 and lanes(one, 1) == ["fast"]


class _StoppedThread:
    """One thread of another process held stopped (ptrace: the rest of its process runs on)."""

    SEIZE, INTERRUPT, DETACH, WALL = 0x4206, 0x4207, 17, 0x40000000

    def __init__(self, tid: int):
        import ctypes

        self.tid = tid
        self._ptrace = ctypes.CDLL(None, use_errno=True).ptrace
        self._ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
        self._ptrace.restype = ctypes.c_long
        if self._ptrace(self.SEIZE, tid, None, None) != 0:
            pytest.skip(f"cannot trace thread {tid} here (errno {ctypes.get_errno()})")
        self._ptrace(self.INTERRUPT, tid, None, None)
        os.waitpid(tid, self.WALL)  # until it has stopped

    def resume(self) -> None:
        self._ptrace(self.DETACH, self.tid, None, None)


def test_a_fast_lane_answer_takes_no_other_thread(one, store):
    """A GET the fast lane takes is answered in the HTTP process's event loop as it is
    parsed (kg.web.httpd, Front.answer_at_once), not handed to a request thread: a hop to
    another thread costs more than a point lookup. With every other thread of the HTTP
    process stopped, point lookups are still answered, and answer what the store holds; a
    POST, which a request thread answers, is not answered until they run again."""
    subjects = sorted({q.subject.value for q in store.quads_for_pattern(None, None, None, None)
                       if isinstance(q.subject, ox.NamedNode) and "/id/" in q.subject.value})
    assert len(subjects) >= 12
    text = "SELECT ?o ?p WHERE {{ <{}> ?p ?o }} LIMIT 4"  # (the server's --max-results is 5)
    for _ in range(8):  # cheap runs in workers, until the fast lane trusts the shape
        if ask(one, text.format(subjects.pop())).status_code == 200 and lanes(one, 1) == ["fast"]:
            break
    assert lanes(one, 1) == ["fast"]
    http, = one.http_processes()
    others = [int(t) for t in os.listdir(f"/proc/{http}/task") if int(t) != http]  # (the loop: the main thread)
    assert len(others) >= 3  # the request threads, at least
    stopped = [_StoppedThread(t) for t in others]
    try:
        assert all(Path(f"/proc/{http}/task/{t}/stat").read_text().rsplit(")", 1)[1].split()[0] == "t" for t in others)
        for s in subjects[:3]:
            r = requests.get(one.url + "/sparql", params={"query": text.format(s)},
                             headers={"Accept": RESULTS["json"]}, timeout=10)
            assert r.status_code == 200
            got = {(b["p"]["value"], b["o"]["value"]) for b in r.json()["results"]["bindings"]}
            held = {(q.predicate.value, q.object.value) for q in
                    store.quads_for_pattern(ox.NamedNode(s), None, None, ox.DefaultGraph())}
            assert got <= held and len(got) == min(4, len(held)) > 0
        with pytest.raises(requests.Timeout):
            requests.post(one.url + "/sparql", data={"query": text.format(subjects[0])},
                          headers={"Accept": RESULTS["json"]}, timeout=3)
    finally:
        for thread in stopped:
            thread.resume()
    assert requests.post(one.url + "/sparql", data={"query": text.format(subjects[0])},
                         headers={"Accept": RESULTS["json"]}, timeout=30).status_code == 200


def _train(server: Server, template: str, accept: str) -> None:
    """Two more cheap runs of the shape of ``template`` (its {n}: a number) in workers."""
    for n in (1, 2):
        assert ask(server, template.format(n=n), accept).status_code == 200


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
    template = (f"SELECT ?p ?o (STRLEN(STR(?o)) AS ?n) WHERE {{{{ <{ICRC}> ?p ?o "
                f"FILTER (?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) }}}} ORDER BY ?p ?o LIMIT {{n}}")
    q = template.format(n=4)
    worker = ask(one, q, RESULTS[fmt])
    _train(one, template, RESULTS[fmt])
    fast = ask(one, q, RESULTS[fmt])
    assert lanes(one, 4) == ["memory"] * 3 + ["fast"]
    assert worker.status_code == fast.status_code == 200
    assert worker.headers["Content-Type"] == fast.headers["Content-Type"]
    assert _rows(fmt, worker.content) == _rows(fmt, fast.content)
    assert len(_rows(fmt, fast.content)) >= 4



def test_a_remembered_shape_answers_as_the_endpoint_does(one):
    """After the fast lane answered a shape once, the next queries of that shape by GET are
    answered from what that answer decided (kg.web.sparql.quick): another constant gets its
    own answer, another Accept header its own format, and a constant whose result passes
    --max-results (5) is cut and says so, as the endpoint cuts it."""
    template = f"SELECT ?q ?v WHERE {{{{ <{ICRC}> ?q ?v }}}} ORDER BY ?q ?v LIMIT {{n}}"  # (a shape of its own)
    assert ask(one, template.format(n=3)).status_code == 200
    _train(one, template, RESULTS["json"])
    assert ask(one, template.format(n=4)).status_code == 200  # in the fast lane: remembered
    assert lanes(one, 4) == ["memory"] * 3 + ["fast"]
    quick = ask(one, template.format(n=2))
    worker = ask(one, template.format(n=2) + " ")  # (a new shape: a worker)
    assert lanes(one, 2) == ["fast", "memory"]
    assert quick.status_code == worker.status_code == 200
    assert quick.json() == worker.json() and len(quick.json()["results"]["bindings"]) == 2
    assert quick.headers["Content-Type"] == worker.headers["Content-Type"]
    assert quick.headers["Access-Control-Allow-Origin"] == "*"
    xml = ask(one, template.format(n=2), RESULTS["xml"])
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith(RESULTS["xml"])
    assert _rows("xml", xml.content)[1:] and len(_rows("xml", xml.content)) == 3
    cut = ask(one, template.format(n=50))
    assert cut.status_code == 200 and cut.headers.get("X-KG-Truncated") == "true"
    assert len(cut.json()["results"]["bindings"]) == 5 and cut.json()["truncated"] is True


def test_a_remembered_shape_does_not_carry_what_an_escape_hides(one):
    """The quick way (kg.web.sparql.quick) answers a text of a remembered shape, which differs
    only in its constants. A codepoint escape breaks that: ``\\u0022`` ends a string once
    decoded (SPARQL decodes escapes before parsing), so a "string" in the remembered shape
    can carry a SERVICE call. Such a text is refused as any SERVICE is, and nothing connects."""
    template = f'SELECT ?p WHERE {{{{ <{ICRC}> ?p ?o FILTER (STR(?o) != "{{word}}") }}}} LIMIT 2'
    for word in ("a", "b", "c", "d"):  # three in workers, the fourth in the fast lane: remembered
        assert ask(one, template.format(word=word)).status_code == 200
    assert ask(one, template.format(word="e")).status_code == 200
    assert lanes(one, 5) == ["memory"] * 3 + ["fast"] * 2
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        # decoded: ... != "") SERVICE <url> { ?p ?x ?y } FILTER ("" = "") } LIMIT 2
        hidden = f"\\u0022) SERVICE <{url}> {{ ?p ?x ?y }} FILTER (\\u0022\\u0022 = \\u0022"
        r = ask(one, template.format(word=hidden))
        assert r.status_code == 400 and "SERVICE" in r.text
        time.sleep(0.5)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_volatile_and_cut_results_never_take_the_fast_lane(one):
    for q in ("SELECT (RAND() AS ?r) WHERE {}",
              "SELECT (STRUUID() AS ?u) WHERE {}",
              f"ASK {{ <{ICRC}> ?p ?o FILTER (YEAR(NOW()) > 2000) }}",
              "SELECT ?s WHERE { ?s ?p ?o }"):  # more rows than --max-results 5: cut
        answers = [ask(one, q) for _ in range(4)]
        assert [a.status_code for a in answers] == [200] * 4
        assert lanes(one, 4) == ["memory"] * 4, q
    assert answers[-1].headers.get("X-KG-Truncated") == "true"
    # a very long query text is not kept in the fast lane's memory
    long = f"ASK {{ <{ICRC}> ?p ?o }} #" + "x" * 20_000
    for _ in range(4):
        r = requests.post(one.url + "/sparql", data=long.encode(), timeout=30,
                          headers={"Content-Type": "application/sparql-query", "Accept": RESULTS["json"]})
        assert r.status_code == 200 and r.json()["boolean"] is True
    assert lanes(one, 4) == ["memory"] * 4


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
        lane.run(store, ("key",), job)
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


PLAIN_AND_NOT = [
    "SELECT ?p ?o WHERE { <http://localhost:8000/id/organisation/icrc> ?p ?o }",
    "PREFIX kg: <https://w3id.org/humanitarian-kg/ontology#>\n# a comment\nSELECT * { ?s a kg:Office } LIMIT 5",
    "ask { ?s ?p 'SERVICE' }",  # the word in a string: the full analysis says no SERVICE
    "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER (?o > NOW()) }",
    "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <urn:a>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SELECT * WHERE { ?s ?p \\u0053ERVICE }",
    "BASE <http://example.org/> PREFIX : <x#> SELECT (COUNT(*) AS ?n) { ?s :p ?o }",
    "SELECT * WHERE { " + "(" * 1500 + "?s" + ")" * 1500 + " ?p ?o }",
    "PREFIX ex: <urn:x1>\n#c 12 'x\nPREFIX n2: <http://e/2>SELECT ?x WHERE { ?x ex:p 12 . ?x n2:q '#' }",
    "PREFIX graph: <urn:g#>\nSELECT * WHERE { ?s graph:p ?o }",  # the word in the prologue alone
    "PREFIX e: <http://example.org/SERVICE#> SELECT * WHERE { ?s e:p ?o }",
    "# a comment naming GRAPH\nSELECT * WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", PLAIN_AND_NOT)
def test_the_quick_analysis_agrees_with_the_full_one(text):
    """Queries that need no tokenizing are read without it; what the endpoint decides from
    the analysis is the same either way."""
    from kg.sparql import analysis

    quick = analysis.analyse(text, "http://localhost:8000/sparql")
    full = analysis.analyse_tokens(text, "http://localhost:8000/sparql")
    for name in ("form", "kind", "repeatable", "names_graphs", "volatile", "services", "from_graphs", "describe_select"):
        assert getattr(quick, name) == getattr(full, name), name
    assert quick.nests_deeper_than(1000) == full.nests_deeper_than(1000)
    # (the shape of the prologue and of the rest, taken apart, is the whole text's)
    assert quick.shape == full.shape == analysis.shape_of(full.text)


def test_shapes_abstract_constants_and_keep_the_vocabulary():
    from kg.sparql.analysis import shape_of

    a = shape_of('SELECT ?o WHERE { <urn:a> skos:prefLabel ?o FILTER (LANG(?o) = "en") } LIMIT 10 # me')
    b = shape_of("SELECT ?o WHERE { <urn:b> skos:prefLabel ?o FILTER (LANG(?o) = 'ru') } LIMIT 20 # you")
    assert a == b and "skos:prefLabel" in a and "urn:a" not in a
    assert shape_of("SELECT ?o WHERE { <urn:a> skos:altLabel ?o }") != shape_of("SELECT ?o WHERE { <urn:a> skos:prefLabel ?o }")
    assert shape_of("SELECT ?x2 WHERE { ?x2 ex:p2 3 }") == "SELECT ?x2 WHERE { ?x2 ex:p2 § }"


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


def test_the_memory_copy_holds_the_default_graph_laid_out_by_predicate_then_subject(built, store):
    """The copy in memory is loaded by predicate, then subject (kg.sparql.zygote says why), and
    holds every triple of the store's default graph, once."""
    from kg.sparql.zygote import default_graph_ntriples, load_default_graph

    path = str((built["var"] / "store").resolve())
    lines = default_graph_ntriples(path, 10**9).splitlines()
    order = [line.split(b" ", 2)[1::-1] for line in lines]
    assert order == sorted(order)
    assert len({p for p, s in order}) > 20 and len({s for p, s in order}) > 1000
    on_disk = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    loaded, memory = load_default_graph(path, len(on_disk))
    assert loaded == path and len(memory) == len(lines) == len(on_disk)

    def named_only(triples) -> set:  # (blank nodes are named anew by each copy)
        return {t for t in triples if not any(isinstance(term, ox.BlankNode) for term in t)}

    assert named_only(q.triple for q in memory) == named_only(on_disk)
    assert load_default_graph(path, len(on_disk) - 1) is None
    assert load_default_graph(str(built["var"] / "stores" / "no-such-build"), 10**9) is None


def test_a_forked_process_copies_the_graph_s_pages_before_it_answers(built):
    """Reading Oxigraph's memory store writes to the pages it reads, so each first read in a
    forked process costs a copy-on-write fault; ``copy_shared_pages`` takes those copies at
    once, before the process answers (as the HTTP processes and query workers do)."""
    import resource

    from kg.sparql import zygote

    memory = zygote.load_default_graph(str((built["var"] / "store").resolve()), 10**9)
    subjects = sorted({q.subject.value for q in memory[1] if isinstance(q.subject, ox.NamedNode)})
    lookups = [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}" for s in subjects]
    assert len(lookups) > 1000

    def in_a_fresh_fork(copy: bool) -> tuple[bool, int]:
        """(copied, page faults of the lookups)"""
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                copied = zygote.copy_shared_pages(memory) if copy else False
                before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                for text in lookups:
                    memory[1].query(text).serialize(format=ox.QueryResultsFormat.JSON)
                os.write(write, json.dumps([copied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before]).encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as got:
            reply = got.read()
        os.waitpid(pid, 0)
        return tuple(json.loads(reply))

    copied, faults_after_copy = in_a_fresh_fork(True)
    _, faults_shared = in_a_fresh_fork(False)
    assert copied is True
    assert faults_shared > len(lookups) / 4, faults_shared
    assert faults_after_copy < faults_shared / 4, (faults_after_copy, faults_shared)  # (the rest: the heap growing)
    assert zygote.copy_shared_pages(None) is False


def test_a_store_too_large_for_memory_is_read_from_disk(built, tmp_path):
    """Over KG_MEMORY_STORE_MAX_TRIPLES the zygote holds nothing: workers read the disk store,
    and keep serving (none is replaced for not holding the build in memory)."""
    s = Server({**built["env"], "KG_MEMORY_STORE_MAX_TRIPLES": "10"}, ("--http-workers", "1", "--fast-lane-ms", "0"),
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


def test_a_shape_is_trusted_after_cheap_runs_and_untrusted_when_slow_or_cut():
    from kg.sparql.engine import Answer
    from kg.sparql.fastlane import RUNS_TO_TRUST, SLOW_RUNS_TOLERATED, FastLane

    lane = FastLane(limit_ms=50, timeout_s=30)
    ok = Answer(200, b"", rows=3)
    lane.learn(("a",), ok, 5.0)
    assert not lane.trusted(("a",))
    for _ in range(RUNS_TO_TRUST - 1):
        lane.learn(("a",), ok, 5.0)
    assert lane.trusted(("a",))
    # a busy moment is forgiven, a shape that is often slow is not
    lane.learn(("a",), ok, 400.0)
    assert not lane.trusted(("a",))  # (one slow in four)
    for _ in range(SLOW_RUNS_TOLERATED):
        lane.learn(("a",), ok, 5.0)
    assert lane.trusted(("a",))
    for _ in range(3):
        lane.learn(("a",), ok, 400.0)
    assert not lane.trusted(("a",))
    # a cut result (its cost hidden by the cap) or a failure: never again
    for _ in range(RUNS_TO_TRUST):
        lane.learn(("b",), ok, 1.0)
    lane.learn(("b",), Answer(200, b"", rows=5, truncated=True), 1.0)
    for _ in range(100):
        lane.learn(("b",), ok, 1.0)
    assert not lane.trusted(("b",))


@pytest.mark.parametrize("query, rows", [
    ('SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o FILTER (?o = "3") }', 1),
    ('SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY DESC(?o) LIMIT 3', 3),
    ('SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <http://example.org/s1> <http://example.org/s2> }', 2),
    ('SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p', 1),
    ('SELECT ?o WHERE { ?s <http://example.org/p> ?o FILTER (?o IN ("1", "2")) } # a comment: }', 2),
    ('SELECT * { { SELECT ?s WHERE { ?s ?p "4" } } }', 1),
    ('SELECT ?s WHERE { ?s ?p ?o }', 8),  # more rows than the cap (5): cut the slow way
])
def test_oxigraph_writes_the_fast_lanes_answer_capped_whatever_follows_the_group(query, rows):
    """The fast lane has Oxigraph write a SELECT's answer, limited to one row more than the
    cap: a LIMIT added to the text when nothing follows its WHERE clause, the query wrapped
    as a subquery otherwise (a LIMIT added after ORDER BY … LIMIT or VALUES would not
    parse). Either way the answer is the one written row by row, and one over the cap is
    left to that way, which cuts it and says so."""
    store = ox.Store()
    for i in range(8):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(str(i))))
    job = plan(query, base_iri="http://example.org/", results_format="json", max_results=5)
    native, slow = execute_native(store, job), execute(store, job)
    if rows > 5:
        assert native is None
        assert slow.truncated and len(json.loads(slow.body)["results"]["bindings"]) == 5
        assert execute(store, job, native=True).truncated
        return
    assert native is not None, "Oxigraph could not write it: the capped query did not parse"
    bindings = lambda answer: sorted(json.dumps(b, sort_keys=True)  # noqa: E731
                                     for b in json.loads(answer.body)["results"]["bindings"])
    assert bindings(native) == bindings(slow) and len(bindings(native)) == rows
    assert native.rows == rows and not native.truncated
