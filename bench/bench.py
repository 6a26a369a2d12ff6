#!/usr/bin/env python3
"""Side-by-side benchmark: ``kg serve`` vs Oxigraph's own server vs rdflib-endpoint.

1. Generates a graph in the project's own ontology — organisations, their offices and the
   periods they were active, activities typed by the activity-type scheme with the figures
   they reached, handovers, closures, source documents and, for every fact node, its
   evidence (W3C Web Annotation selectors) — across many synthetic countries, one named
   graph per source document (at least 1,000,000 triples at the default size).
2. Loads the same data into the three servers: a store written by ``kg.store`` and served
   by ``kg serve``; ``oxigraph load`` + ``oxigraph serve-read-only``; ``rdflib-endpoint
   serve``. All three see the same dataset: the named graphs and, as default graph, their
   union.
3. Runs the same query mix against each (point lookups, the competency queries' shapes,
   joins, aggregates, filters with ORDER BY, CONSTRUCT), checks the three return the same
   number of results, and prints the median latency of each query and the throughput of
   point lookups at 1 and 4 concurrent clients, with ratios to Oxigraph's server.

    python bench/bench.py                 # full size (~1.04 M triples; about 5 minutes)
    python bench/bench.py --texts both    # new entities, then repeated texts, in one run
    python bench/bench.py --small         # a quick run that proves the pipeline works
    python bench/bench.py --skip-rdflib --kg-serve-args '--http-workers 1'   # try a setting
    python bench/bench.py --skip-rdflib --throughput-only --work /tmp/b   # point lookups only, data kept

kg serve and Oxigraph's server take turns, text by text for latencies and in five rounds
for throughput, so that what else runs on the machine weighs on both alike. rdflib-endpoint
is stopped while they are measured (SIGSTOP to its session, ``stop_rdflib_unless``): idle,
it still wakes about 200 times a second, and kg serve then used 166 µs of CPU per point
lookup instead of 121.

Needs the ``bench`` extra: ``pip install -e '.[bench]'`` (oxigraph, rdflib-endpoint).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BASE = "http://localhost:8000/"
KG = "https://w3id.org/humanitarian-kg/ontology#"
AT = "https://w3id.org/humanitarian-kg/activity-type/"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
TIME = "http://www.w3.org/2006/time#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX at: <{AT}>
PREFIX org: <{ORG}>
PREFIX oa: <{OA}>
PREFIX time: <{TIME}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCT}>
"""


# -- the data -------------------------------------------------------------------------------

def activity_types() -> list[str]:
    import pyoxigraph as ox

    types = []
    with open(ROOT / "ontology" / "activity-types.ttl", "rb") as f:
        for t in ox.parse(f, format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDF_TYPE and t.object.value == SKOS + "Concept":
                types.append(t.subject.value)
    return sorted(set(types)) or [AT + "assistance"]


def _lit(value: str, lang: str | None = None, dtype: str | None = None) -> str:
    v = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{v}"@{lang}'
    if dtype:
        return f'"{v}"^^<{dtype}>'
    return f'"{v}"'


WORDS = ("detention visits families missing persons tracing water health livelihoods mine awareness "
         "cooperation national society support restoring family links assistance protection dialogue "
         "authorities humanitarian law border communities displaced returnees hospital training").split()


def generate(path: Path, countries: int, seed: int = 7) -> dict:
    """Write the benchmark graph as N-Quads; return counts and IRIs for the query mix."""
    rnd = random.Random(seed)
    types = activity_types()
    n = 0
    ids = {"activities": [], "offices": [], "orgs": [], "countries": [], "handovers": [], "documents": [],
           "figures": [], "periods": [], "evidence": []}
    intl = [f"{BASE}id/organisation/intl-{i:02d}" for i in range(30)]
    movement = f"{BASE}id/organisation/movement"
    ids["orgs"] = list(intl)
    with open(path, "w", encoding="utf-8") as out:
        def q(s, p, o, g):
            nonlocal n
            out.write(f"<{s}> <{p}> {o} <{g}> .\n")
            n += 1

        def iri(x):
            return f"<{x}>"

        def labels(s, name, g, langs=("en", "ru", "az")):
            for lang in langs:
                q(s, SKOS + "prefLabel", _lit(f"{name} [{lang}]", lang), g)

        ev_counter = [0]

        def evidence(s, doc_id, g, k=2):
            for _ in range(k):
                start = ev_counter[0] * 37 % 50000
                end = start + rnd.randint(8, 200)
                ev_counter[0] += 1
                ev = f"{BASE}id/evidence/{doc_id}/{start}-{end}"
                ids["evidence"].append(ev)
                pos, quote = f"{ev}#position", f"{ev}#quote"
                q(s, KG + "hasEvidence", iri(ev), g)
                q(ev, RDF_TYPE, iri(KG + "Evidence"), g)
                q(ev, RDF_TYPE, iri(OA + "SpecificResource"), g)
                q(ev, OA + "hasSource", iri(f"{BASE}id/document/{doc_id}"), g)
                q(ev, OA + "hasSelector", iri(pos), g)
                q(ev, OA + "hasSelector", iri(quote), g)
                q(pos, RDF_TYPE, iri(OA + "TextPositionSelector"), g)
                q(pos, OA + "start", _lit(str(start), dtype=XSD + "nonNegativeInteger"), g)
                q(pos, OA + "end", _lit(str(end), dtype=XSD + "nonNegativeInteger"), g)
                q(quote, RDF_TYPE, iri(OA + "TextQuoteSelector"), g)
                words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 12)))
                q(quote, OA + "exact", _lit(words), g)
                q(quote, OA + "prefix", _lit(" ".join(rnd.choice(WORDS) for _ in range(4))), g)
                q(quote, OA + "suffix", _lit(" ".join(rnd.choice(WORDS) for _ in range(4))), g)

        def instant(year, g):
            s = f"{BASE}id/instant/{year}"
            q(s, RDF_TYPE, iri(TIME + "Instant"), g)
            q(s, TIME + "inXSDgYear", _lit(str(year), dtype=XSD + "gYear"), g)
            q(s, TIME + "unitType", iri(TIME + "unitYear"), g)
            return s

        def period(s, begin, end, doc_id, g):
            ids["periods"].append(s)
            q(s, RDF_TYPE, iri(TIME + "ProperInterval"), g)
            q(s, RDF_TYPE, iri(KG + "Period"), g)
            q(s, TIME + "hasBeginning", iri(instant(begin, g)), g)
            if end:
                q(s, TIME + "hasEnd", iri(instant(end, g)), g)
            q(s, KG + "surfaceText", _lit(f"from {begin}" + (f" to {end}" if end else "")), g)
            evidence(s, doc_id, g, 1)

        for k in range(countries):
            docs = [f"{k:04d}_{d}" for d in range(3)]
            graphs = [f"{BASE}graph/document/{d}" for d in docs]
            country = f"{BASE}id/place/country-{k:04d}"
            ids["countries"].append(country)
            for d, g in zip(docs, graphs):
                doc = f"{BASE}id/document/{d}"
                ids["documents"].append(doc)
                lang = ("en", "ru", "az")[int(d[-1])]
                q(doc, RDF_TYPE, iri(KG + "SourceDocument"), g)
                q(doc, DCT + "identifier", _lit(f"{d}.txt"), g)
                q(doc, DCT + "title", _lit(f"Report {d}", lang), g)
                q(doc, DCT + "language", _lit(lang), g)
                q(doc, DCT + "publisher", _lit("Synthetic publisher"), g)
                q(doc, DCT + "date", _lit(str(2000 + k % 25), dtype=XSD + "gYear"), g)
                q(doc, DCT + "type", iri(KG + rnd.choice(["PressRelease", "FAQ", "ActivityReport"])), g)
                # the country and its organisations, named in every document about it
                q(country, RDF_TYPE, iri(KG + "Country"), g)
                q(country, RDF_TYPE, iri(KG + "Place"), g)
                labels(country, f"Country {k}", g)
                evidence(country, d, g, 1)
            cities = []
            for j in range(4):
                city = f"{BASE}id/place/city-{k:04d}-{j}"
                cities.append(city)
                g, d = graphs[j % 3], docs[j % 3]
                q(city, RDF_TYPE, iri(KG + "Settlement"), g)
                q(city, RDF_TYPE, iri(KG + "Place"), g)
                labels(city, f"City {k}-{j}", g, ("en",))
                q(city, KG + "locatedIn", iri(country), g)
                evidence(city, d, g, 1)
            gov = f"{BASE}id/organisation/government-{k:04d}"
            ns = f"{BASE}id/organisation/national-society-{k:04d}"
            com = f"{BASE}id/organisation/state-commission-{k:04d}"
            for s, cls, name in ((gov, "Government", "Government of country"), (ns, "NationalSociety", "Red Crescent Society of country"),
                                 (com, "StateCommission", "State Commission on Missing Persons of country")):
                g, d = graphs[0], docs[0]
                q(s, RDF_TYPE, iri(KG + cls), g)
                q(s, RDF_TYPE, iri(KG + "Organisation"), g)
                labels(s, f"{name} {k}", g)
                q(s, KG + "jurisdiction", iri(country), g)
                if cls == "NationalSociety":
                    q(s, ORG + "memberOf", iri(movement), g)
                evidence(s, d, g, 2)
            ids["orgs"] += [gov, ns, com]
            for i in rnd.sample(range(len(intl)), 6):
                org_iri = intl[i]
                d_i = rnd.randrange(3)
                g, d = graphs[d_i], docs[d_i]
                office = f"{BASE}id/office/intl-{i:02d}-{k:04d}"
                ids["offices"].append(office)
                q(office, RDF_TYPE, iri(KG + "Office"), g)
                if i % 2 == 0:
                    q(office, RDF_TYPE, iri(KG + "Delegation"), g)
                labels(office, f"Office of organisation {i} in country {k}", g)
                q(office, ORG + "unitOf", iri(org_iri), g)
                q(office, KG + "inPlace", iri(country), g)
                q(office, KG + "inPlace", iri(rnd.choice(cities)), g)
                begin = rnd.randint(1990, 2018)
                end = rnd.choice([None, None, rnd.randint(begin + 1, 2025)])
                per = f"{BASE}id/period/office-intl-{i:02d}-{k:04d}"
                q(office, KG + "activeDuring", iri(per), g)
                period(per, begin, end, d, g)
                evidence(office, d, g, 2)
                if end:
                    closure = f"{BASE}id/closure/office-intl-{i:02d}-{k:04d}"
                    q(closure, RDF_TYPE, iri(ORG + "ChangeEvent"), g)
                    q(closure, RDF_TYPE, iri(KG + "Closure"), g)
                    q(closure, RDF_TYPE, iri(KG + "Event"), g)
                    q(closure, KG + "closedUnit", iri(office), g)
                    q(closure, KG + "decidedBy", iri(org_iri), g)
                    q(closure, KG + "atTime", iri(f"{BASE}id/instant/{end}"), g)
                    evidence(closure, d, g, 1)
                acts = []
                for j in range(5):
                    act = f"{BASE}id/activity/intl-{i:02d}-{k:04d}-{j}"
                    acts.append(act)
                    ids["activities"].append(act)
                    atype = rnd.choice(types)
                    q(act, RDF_TYPE, iri(KG + "Activity"), g)
                    q(act, KG + "performedBy", iri(org_iri), g)
                    q(act, KG + "activityType", iri(atype), g)
                    q(act, KG + "inPlace", iri(country if j % 2 else rnd.choice(cities)), g)
                    labels(act, f"Organisation {i}: {atype.rsplit('/', 1)[-1]} ({k}-{j})", g)
                    aper = f"{BASE}id/period/activity-intl-{i:02d}-{k:04d}-{j}"
                    q(act, KG + "activeDuring", iri(aper), g)
                    period(aper, rnd.randint(begin, 2024), None, d, g)
                    fig = f"{BASE}id/figure/intl-{i:02d}-{k:04d}-{j}"
                    ids["figures"].append(fig)
                    value = rnd.randint(10, 100000)
                    q(act, KG + "reached", iri(fig), g)
                    q(fig, RDF_TYPE, iri(KG + "Figure"), g)
                    q(fig, KG + "value", _lit(str(value), dtype=XSD + "integer"), g)
                    q(fig, KG + "unit", _lit(rnd.choice(["people", "families", "detainees", "home visits"])), g)
                    if value % 3 == 0:
                        q(fig, KG + "qualifier", iri(KG + "moreThan"), g)
                    q(fig, KG + "surfaceText", _lit(f"{value} people"), g)
                    evidence(fig, d, g, 1)
                    evidence(act, d, g, 2)
                for j in range(2):
                    h = f"{BASE}id/handover/intl-{i:02d}-{k:04d}-{j}"
                    ids["handovers"].append(h)
                    q(h, RDF_TYPE, iri(KG + "Event"), g)
                    q(h, RDF_TYPE, iri(KG + "Handover"), g)
                    labels(h, f"Handover {i}-{k}-{j}", g, ("en",))
                    q(h, KG + "giver", iri(org_iri), g)
                    q(h, KG + "receiver", iri(gov if j == 0 else ns), g)
                    q(h, KG + "handedOverActivity", iri(acts[j]), g)
                    q(h, KG + "condition", _lit("with the consent of the families"), g)
                    evidence(h, d, g, 2)
        og = f"{BASE}graph/ontology"
        q(movement, RDF_TYPE, iri(KG + "Movement"), og)
        labels(movement, "Red Cross and Red Crescent Movement", og)
        for i, s in enumerate(intl):
            q(s, RDF_TYPE, iri(KG + "HumanitarianOrganisation"), og)
            q(s, RDF_TYPE, iri(KG + "Organisation"), og)
            labels(s, f"International organisation {i}", og)
            q(s, SKOS + "altLabel", _lit(f"IO{i}", "en"), og)
            if i % 3 == 0:
                q(s, ORG + "memberOf", iri(movement), og)
    return {"quads": n, **ids}


# -- the three servers ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Endpoint:
    """A server under test. rdflib-endpoint is started in a session of its own
    (``start_new_session``), so that it can be stopped and continued whole (``stop_rdflib_unless``)."""

    def __init__(self, name: str, path: str, port: int, proc: subprocess.Popen, log):
        self.name, self.path, self.port, self.proc, self.log = name, path, port, proc, log
        self.paused = False

    def pause(self) -> None:
        if not self.paused and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGSTOP)
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            os.killpg(self.proc.pid, signal.SIGCONT)
            self.paused = False

    def wait(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}); see {self.log.name}")
            try:
                status, _ = request(self, "ASK { ?s ?p ?o }", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not start within {timeout:.0f} s")

    def stop(self) -> None:
        self.resume()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


#: seconds a continued server is given before it is asked (its threads, woken by SIGCONT, settle)
SETTLE_S = 0.05


def stop_rdflib_unless(asked: list[Endpoint], endpoints: list[Endpoint]) -> None:
    """Stop rdflib-endpoint (SIGSTOP to its session) unless it is ``asked``; continue it when
    it is. An idle server is not asleep: rdflib-endpoint's event loop wakes about 200 times a
    second, and with it merely holding the graph kg serve used 166 µs of CPU per point
    lookup at four clients, 121 µs once it was stopped (Oxigraph's server: hardly any
    difference). kg serve and Oxigraph's server, whose ratio the targets are, are measured
    side by side and left running."""
    for ep in endpoints:
        if ep.name != "rdflib-endpoint":
            continue
        if ep in asked:
            if ep.paused:
                ep.resume()
                time.sleep(SETTLE_S)
        else:
            ep.pause()


def request(ep: Endpoint, query: str, accept: str = "application/sparql-results+json",
            timeout: float = 300, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", ep.port, timeout=timeout)
    try:
        conn.request("GET", ep.path + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        if own:
            conn.close()


def start_kg(var: Path, logdir: Path, extra: list[str] = ()) -> Endpoint:
    port = free_port()
    log = open(logdir / "kg.log", "w")
    env = {**os.environ, "KG_VAR": str(var)}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--query-timeout", "600",
                             "--max-results", "10000000", *extra], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    return Endpoint("kg serve", "/sparql", port, proc, log)


def _bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = shutil.which(name) or (str(here) if here.exists() else None)
    if not found:
        raise SystemExit(f"{name} is not installed: pip install -e '.[bench]'")
    return found


def start_oxigraph(location: Path, logdir: Path) -> Endpoint:
    port = free_port()
    log = open(logdir / "oxigraph.log", "w")
    proc = subprocess.Popen([_bin("oxigraph"), "serve-read-only", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    return Endpoint("oxigraph", "/query", port, proc, log)


def start_rdflib(data: Path, logdir: Path) -> Endpoint:
    port = free_port()
    log = open(logdir / "rdflib-endpoint.log", "w")
    proc = subprocess.Popen([_bin("rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(data)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return Endpoint("rdflib-endpoint", "/", port, proc, log)


def prepare(work: Path, countries: int) -> tuple[dict, Path, Path, Path]:
    """Generate the data; write the kg store and the Oxigraph store; the file for rdflib.
    A working directory (``--work``) that holds all of them for as many countries is reused."""
    import pyoxigraph as ox

    from kg import store as store_mod
    from kg.config import Settings

    work.mkdir(parents=True, exist_ok=True)
    done = work / "prepared.json"
    if done.exists():
        info = json.loads(done.read_text())
        if info.get("n_countries") == countries:
            print(f"reusing the data in {work} ({info['triples']:,} triples)", flush=True)
            return info, work / "kg-var", work / "oxigraph-store", work / "dataset.nq"
        done.unlink()
    data = work / "data.nq"
    t = time.perf_counter()
    info = generate(data, countries)
    print(f"generated {info['quads']:,} quads in {len(info['documents'])} document graphs "
          f"({countries} countries) in {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    settings = Settings(var_dir=work / "kg-var")
    if settings.var.exists():
        shutil.rmtree(settings.var)
    path = store_mod.new_store_dir(settings)
    store_mod.write_store(path, data.read_bytes())
    store_mod.publish(settings, path)
    store = ox.Store.read_only(str(path))
    triples = len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    info["triples"] = triples
    print(f"kg store: {len(store):,} quads, {triples:,} distinct triples in the default graph (the union) "
          f"in {time.perf_counter() - t:.1f} s", flush=True)

    # the same dataset (named graphs + their union as default graph) for the other two
    t = time.perf_counter()
    full = work / "dataset.nq"
    with open(full, "wb") as f:
        store.dump(f, format=ox.RdfFormat.N_QUADS)
    del store
    oxdir = work / "oxigraph-store"
    if oxdir.exists():
        shutil.rmtree(oxdir)
    subprocess.run([_bin("oxigraph"), "load", "--location", str(oxdir), "--file", str(full)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"oxigraph store loaded in {time.perf_counter() - t:.1f} s", flush=True)
    info["n_countries"] = countries
    done.write_text(json.dumps(info))
    return info, settings.var, oxdir, full


# -- the query mix --------------------------------------------------------------------------

#: How the texts of a query vary from one request to the next (``--texts``):
#:   new       a new entity (or other constant) in every request, as an application asks the
#:             same shape of query about one entity after another (the default);
#:   repeated  the same text again and again (point lookups: 400 entities in turn).
TEXTS = ("new", "repeated")

#: Timed runs of a query anchored on one entity (at least). kg serve runs the first
#: texts of a new shape in a worker process (three, kg.sparql.fastlane.RUNS_TO_TRUST) and the
#: later ones in the HTTP process; of seven runs, the median then falls at the edge of the
#: first three, and swings between the two ways from run to run. An application asks one
#: shape many times: with 25 runs the median is what it then gets. Both servers run the same
#: texts, as many times; a millisecond query, they cost the run nothing.
ANCHORED_RUNS = 25


class Query:
    """One query of the mix: ``make(rnd)`` writes a text of it, drawing its constants from
    ``rnd`` (an entity, a threshold, a word); ``kind`` is anchored (it starts from one entity
    and touches few triples) or heavy (the whole graph)."""

    def __init__(self, name: str, kind: str, accept: str, make):
        self.name, self.kind, self.accept, self.make = name, kind, accept, make

    def texts(self, n: int, mode: str, seed: int) -> list[str]:
        rnd = random.Random(seed)
        if mode == "repeated":
            return [self.make(rnd)] * n
        out, seen = [], set()
        while len(out) < n:
            for _ in range(50):  # (a query with few constants to draw from repeats at last)
                text = self.make(rnd)
                if text not in seen:
                    break
            seen.add(text)
            out.append(text)
        return out


def query_mix(info: dict) -> list[Query]:
    J = "application/sparql-results+json"
    intl = [o for o in info["orgs"] if "/intl-" in o]
    pick = random.Random.choice
    words = sorted(set(WORDS))
    mix = [
        # anchored: one entity and what hangs on it
        Query("point: entity's statements", "anchored", J, lambda r: f"SELECT ?p ?o WHERE {{ <{pick(r, info['activities'])}> ?p ?o }}"),
        Query("point: labels by language", "anchored", J, lambda r: PREFIXES + f"SELECT ?l WHERE {{ <{pick(r, info['orgs'])}> skos:prefLabel ?l FILTER (LANG(?l) = \"{pick(r, ('en', 'ru', 'az'))}\") }}"),
        Query("CQ02 shape: offices, places, periods", "anchored", J, lambda r: PREFIXES + f"""
SELECT ?office ?label ?place ?begin ?end WHERE {{
  ?office org:unitOf <{pick(r, intl)}> ; skos:prefLabel ?label ; kg:inPlace ?place .
  FILTER (LANG(?label) = "en")
  OPTIONAL {{ ?office kg:activeDuring ?p . ?p time:hasBeginning/time:inXSDgYear ?begin .
             OPTIONAL {{ ?p time:hasEnd/time:inXSDgYear ?end }} }}
}} ORDER BY ?office ?place"""),
        Query("CQ04 shape: handovers by giver", "anchored", J, lambda r: PREFIXES + f"""
SELECT ?h ?activity ?type ?receiver ?rlabel WHERE {{
  ?h a kg:Handover ; kg:giver <{pick(r, intl)}> ; kg:receiver ?receiver ; kg:handedOverActivity ?activity .
  ?activity kg:activityType ?type .
  ?receiver skos:prefLabel ?rlabel FILTER (LANG(?rlabel) = "en")
}} ORDER BY ?h"""),
        Query("CQ11 shape: evidence passages", "anchored", J, lambda r: PREFIXES + f"""
SELECT ?file ?lang ?start ?end ?exact WHERE {{
  <{pick(r, info['handovers'])}> kg:hasEvidence ?ev .
  ?ev oa:hasSource ?doc ; oa:hasSelector ?pos, ?quote .
  ?doc dcterms:identifier ?file ; dcterms:language ?lang .
  ?pos oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact .
}} ORDER BY ?start"""),
        Query("join: activities in a country", "anchored", J, lambda r: PREFIXES + f"""
SELECT ?a ?org ?type ?value WHERE {{
  ?place kg:locatedIn* <{pick(r, info['countries'])}> .
  ?a kg:inPlace ?place ; kg:performedBy ?org ; kg:activityType ?type ; kg:reached ?f .
  ?f kg:value ?value .
}} ORDER BY ?a"""),
        Query("CONSTRUCT: one entity", "anchored", "application/n-triples", lambda r: (lambda e: f"""
CONSTRUCT {{ <{e}> ?p ?o . ?s ?q ?v }} WHERE {{ {{ <{e}> ?p ?o }} UNION {{ <{e}> ?p2 ?s . ?s ?q ?v }} }}""")(
            pick(r, info['offices']))),
        # heavy: the whole graph (the texts without a constant are the same in both modes)
        Query("join: handovers to national societies", "heavy", J, lambda r: PREFIXES + """
SELECT (COUNT(*) AS ?n) WHERE {
  ?h a kg:Handover ; kg:receiver ?r ; kg:handedOverActivity ?a .
  ?r a kg:NationalSociety ; kg:jurisdiction ?c .
  ?a kg:inPlace ?place .
}"""),
        Query("join: activities in cities by country", "heavy", J, lambda r: PREFIXES + f"""
SELECT ?country (COUNT(?a) AS ?n) WHERE {{
  ?a kg:inPlace ?city ; kg:performedBy ?org .
  ?city a kg:Settlement ; kg:locatedIn ?country .
  ?org a kg:HumanitarianOrganisation .
}} GROUP BY ?country ORDER BY DESC(?n) ?country LIMIT {r.randint(10, 30)}"""),
        Query("aggregate: activities per type", "heavy", J, lambda r: PREFIXES + """
SELECT ?type (COUNT(?a) AS ?n) (SUM(?v) AS ?reached) WHERE {
  ?a a kg:Activity ; kg:activityType ?type ; kg:reached/kg:value ?v .
} GROUP BY ?type ORDER BY DESC(?n) ?type"""),
        Query("aggregate: evidence per document", "heavy", J, lambda r: PREFIXES + f"""
SELECT ?doc (COUNT(?ev) AS ?n) WHERE {{ ?ev oa:hasSource ?doc }} GROUP BY ?doc ORDER BY DESC(?n) ?doc LIMIT {r.randint(10, 30)}"""),
        Query("filter + ORDER BY: largest figures", "heavy", J, lambda r: PREFIXES + f"""
SELECT ?f ?v ?unit WHERE {{ ?f a kg:Figure ; kg:value ?v ; kg:unit ?unit FILTER (?v > {r.randint(45000, 55000)}) }}
ORDER BY DESC(?v) ?f LIMIT 100"""),
        Query("filter + ORDER BY: passages by word", "heavy", J, lambda r: PREFIXES + f"""
SELECT ?q ?exact WHERE {{ ?q a oa:TextQuoteSelector ; oa:exact ?exact FILTER (CONTAINS(?exact, "{pick(r, words)} {pick(r, words)}")) }}
ORDER BY ?exact ?q LIMIT 100"""),
        Query("CONSTRUCT: handovers and receivers", "heavy", "application/n-triples", lambda r: PREFIXES + f"""
CONSTRUCT {{ ?h kg:giver ?g ; kg:receiver ?r . ?r skos:prefLabel ?l }} WHERE {{
  ?h a kg:Handover ; kg:giver ?g ; kg:receiver ?r . ?r skos:prefLabel ?l FILTER (LANG(?l) = "{pick(r, ('en', 'ru', 'az'))}") }}"""),
    ]
    return mix


def count_results(status: int, body: bytes, accept: str) -> int | str:
    if status != 200:
        return f"HTTP {status}"
    if "json" in accept:
        doc = json.loads(body)
        return len(doc["results"]["bindings"]) if "results" in doc else 1
    return sum(1 for line in body.splitlines() if line.strip())


def measure(ep: Endpoint, texts: list[str], accept: str, timeout: float) -> tuple[float | None, list]:
    """Median latency in ms of the runs of ``texts`` but the first (a warm-up), and the
    result size (rows or triples) of each text run."""
    times = []
    sizes: list = []
    conn = http.client.HTTPConnection("127.0.0.1", ep.port, timeout=timeout)
    try:
        for i, text in enumerate(texts):
            t = time.perf_counter()
            try:
                status, body = request(ep, text, accept, timeout, conn)
            except (TimeoutError, socket.timeout):
                return None, [f">{timeout:.0f}s"]
            elapsed = (time.perf_counter() - t) * 1000
            sizes.append(count_results(status, body, accept))
            if i > 0 or len(texts) == 1:
                times.append(elapsed)
            if elapsed > timeout * 1000 / 2:
                break  # slow enough: one measurement will do
    finally:
        conn.close()
    return (statistics.median(times) if times else elapsed), sizes


def measure_interleaved(eps: list[Endpoint], texts: list[str], accept: str, timeout: float) -> dict:
    """``measure`` on several servers at once, taking turns text by text, so that what
    else the machine does at a moment weighs on each of them alike."""
    conns = {ep.name: http.client.HTTPConnection("127.0.0.1", ep.port, timeout=timeout) for ep in eps}
    times: dict = {ep.name: [] for ep in eps}
    sizes: dict = {ep.name: [] for ep in eps}
    try:
        for i, text in enumerate(texts):
            for ep in (eps if i % 2 == 0 else eps[::-1]):
                t = time.perf_counter()
                try:
                    status, body = request(ep, text, accept, timeout, conns[ep.name])
                except (TimeoutError, socket.timeout):
                    times[ep.name] = None
                    sizes[ep.name] = [f">{timeout:.0f}s"]
                    continue
                elapsed = (time.perf_counter() - t) * 1000
                sizes[ep.name].append(count_results(status, body, accept))
                if i > 0 and times[ep.name] is not None:
                    times[ep.name].append(elapsed)
    finally:
        for c in conns.values():
            c.close()
    return {name: ((statistics.median(times[name]) if times[name] else None), sizes[name]) for name in times}


def _client(args) -> tuple[int, int]:
    """(answered, failed) of one client asking ``queries`` in turn for ``seconds``."""
    port, path, queries, accept, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done = failed = i = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        q = queries[i % len(queries)]
        i += 1
        conn.request("GET", path + "?" + urllib.parse.urlencode({"query": q}), headers={"Accept": accept})
        resp = conn.getresponse()
        resp.read()
        if resp.status == 200:
            done += 1
        else:
            failed += 1
    conn.close()
    return done, failed


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) used so far by the live process ``pid`` and its live
    descendants, from /proc (0 where there is no /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            todo += [int(c) for t in os.listdir(f"/proc/{p}/task")
                     for c in Path(f"/proc/{p}/task/{t}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def throughput(ep: Endpoint, queries: list[str], clients: int, seconds: float) -> tuple[int, float, float]:
    """(answered queries, seconds taken, the server's CPU seconds meanwhile), ``clients`` at
    once, each asking its share of ``queries``. The server's CPU per query tells more than
    queries per second on a machine that others load too: it hardly depends on how much
    CPU the server got."""
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(clients) as pool:
        cpu = server_cpu_s(ep.proc.pid)
        t = time.perf_counter()
        counts = pool.map(_client, [(ep.port, ep.path, queries[c::clients] or queries, "application/sparql-results+json",
                                     seconds) for c in range(clients)])
        elapsed = time.perf_counter() - t
        cpu = server_cpu_s(ep.proc.pid) - cpu
    failed = sum(f for _, f in counts)
    if failed:
        print(f"  ({ep.name}: {failed} point lookups not answered with 200)", flush=True)
    return sum(d for d, _ in counts), max(elapsed, seconds), cpu


#: throughput is measured in this many rounds, the servers taking turns (see measure_interleaved)
ROUNDS = 5


def point_queries(info: dict, mode: str, n: int, offset: int = 0) -> list[str]:
    """Texts of point lookups: every resource's statements (a shuffled list of every
    activity, office, organisation, handover, figure, period and evidence node), ``n`` of
    them from ``offset`` on, each entity once — or 400 entities in turn (repeated)."""
    rnd = random.Random(3)
    if mode == "repeated":
        pool = info["activities"] + info["offices"] + info["orgs"]
        return [f"SELECT ?p ?o WHERE {{ <{rnd.choice(pool)}> ?p ?o }}" for _ in range(400)]
    pool = sorted(set(info["activities"] + info["offices"] + info["orgs"] + info["handovers"] + info["figures"]
                      + info["periods"] + info["evidence"]))
    rnd.shuffle(pool)
    picked = [pool[(offset + i) % len(pool)] for i in range(n)]
    return [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}" for s in picked]


# -- the run --------------------------------------------------------------------------------

def fmt_ms(v: float | None, size) -> str:
    if v is None:
        return str(size)
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}×"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", action="store_true", help="a quick run: few countries, short measurements")
    ap.add_argument("--countries", type=int, default=None, help="synthetic countries (default 340: ~1.04 M triples)")
    ap.add_argument("--texts", choices=TEXTS + ("both",), default="new",
                    help="new: a new entity (or constant) in every request (default); repeated: the same texts "
                         "again; both: one after the other, in the same run")
    ap.add_argument("--reps", type=int, default=None,
                    help="timed runs of each query (median; default 7, small 2; an anchored query at least 25)")
    ap.add_argument("--rdflib-reps", type=int, default=None, help="timed runs on rdflib-endpoint (default 1)")
    ap.add_argument("--seconds", type=float, default=None, help="duration of each throughput run (default 10, small 1)")
    ap.add_argument("--timeout", type=float, default=300, help="give up on one request after this many seconds")
    ap.add_argument("--work", type=Path, default=None,
                    help="working directory, kept (default: a temporary one); the data in it is reused")
    ap.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out")
    ap.add_argument("--only", default="", help="run only the queries whose names contain this (and no throughput "
                                               "unless it is 'point lookups')")
    ap.add_argument("--throughput-only", action="store_true",
                    help="only the throughput of point lookups (the same as --only 'point lookups')")
    ap.add_argument("--json", type=Path, default=None, help="also write the measurements as JSON")
    ap.add_argument("--kg-serve-args", default="", help="more options for kg serve, e.g. '--http-workers 2'")
    a = ap.parse_args(argv)
    if a.throughput_only:
        a.only = "point lookups"
    countries = a.countries or (4 if a.small else 340)
    reps = a.reps if a.reps is not None else (2 if a.small else 7)
    anchored_runs = reps if a.small else max(reps, ANCHORED_RUNS)
    rdflib_reps = a.rdflib_reps if a.rdflib_reps is not None else 1
    seconds = a.seconds or (1.0 if a.small else 10.0)
    modes = TEXTS if a.texts == "both" else (a.texts,)

    work = a.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    cleanup = a.work is None
    logdir = work / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    endpoints: list[Endpoint] = []
    try:
        info, var, oxdir, full = prepare(work, countries)
        mix = [q for q in query_mix(info) if a.only.lower() in q.name.lower()]
        endpoints.append(start_kg(var, logdir, a.kg_serve_args.split()))
        endpoints.append(start_oxigraph(oxdir, logdir))
        if not a.skip_rdflib:
            t = time.perf_counter()
            endpoints.append(start_rdflib(full, logdir))
        for ep in endpoints:
            ep.wait(3600 if ep.name == "rdflib-endpoint" else 300)
        if not a.skip_rdflib:
            print(f"rdflib-endpoint loaded the data in {time.perf_counter() - t:.0f} s", flush=True)

        results: dict = {"triples": info["triples"], "quads": info["quads"], "countries": countries,
                         "load": os.getloadavg()[0], "anchored_runs": anchored_runs, "modes": {}}
        offset = 0
        for mode in modes:
            print(f"\n{mode} texts", flush=True)
            res = results["modes"][mode] = {"queries": {}, "throughput": {}}
            fast_eps = [ep for ep in endpoints if ep.name != "rdflib-endpoint"]
            for n, query in enumerate(mix):
                runs = anchored_runs if query.kind == "anchored" else reps
                stop_rdflib_unless(fast_eps, endpoints)
                row = measure_interleaved(fast_eps, query.texts(runs + 1, mode, seed=100 + n), query.accept, a.timeout)
                for ep in endpoints:
                    if ep.name == "rdflib-endpoint":
                        stop_rdflib_unless([ep], endpoints)
                        row[ep.name] = measure(ep, query.texts(rdflib_reps + 1, mode, seed=100 + n), query.accept,
                                               a.timeout)
                res["queries"][query.name] = {"kind": query.kind, **{k: {"ms": v[0], "size": v[1][0]}
                                                                     for k, v in row.items()}}
                # the same texts on every server (rdflib-endpoint runs fewer: compared as far as it ran)
                common = min(len(v[1]) for v in row.values())
                firsts = {k: v[1][:common] for k, v in row.items()}
                flag = "" if len(set(map(str, firsts.values()))) == 1 else f"   (result sizes differ: {firsts})"
                print(f"  {query.name:40} " + "  ".join(f"{k}: {fmt_ms(v[0], v[1][0])} ms" for k, v in row.items()) + flag,
                      flush=True)
            if a.only and a.only.lower() not in "point lookups":
                continue
            for clients in (1, 4):
                done = {ep.name: [0, 0.0, 0.0] for ep in endpoints}
                for r in range(ROUNDS):
                    # each round new texts (the same ones for every server)
                    n_texts = int(seconds / ROUNDS * (6_000 if clients == 1 else 12_000))
                    points = point_queries(info, mode, n_texts, offset)
                    offset += n_texts
                    for ep in (endpoints if r % 2 == 0 else endpoints[::-1]):
                        if ep.name == "rdflib-endpoint" and r > 0:
                            continue  # (one round is plenty at its pace)
                        stop_rdflib_unless([ep], endpoints)
                        n, took, cpu = throughput(ep, points, clients, seconds / ROUNDS)
                        done[ep.name][0] += n
                        done[ep.name][1] += took
                        done[ep.name][2] += cpu
                for ep in endpoints:
                    qps = done[ep.name][0] / done[ep.name][1]
                    cpu_us = done[ep.name][2] / max(done[ep.name][0], 1) * 1e6
                    res["throughput"].setdefault(str(clients), {})[ep.name] = qps
                    res.setdefault("cpu_us_per_query", {}).setdefault(str(clients), {})[ep.name] = cpu_us
                    print(f"  point lookups, {clients} client(s), {ep.name}: {qps:,.0f} queries/s, "
                          f"{cpu_us:.0f} µs of the server's CPU per query", flush=True)
        print()
        for mode in modes:
            print(report(results, mode, [ep.name for ep in endpoints]))
            print()
        if a.json:
            a.json.write_text(json.dumps(results, indent=2))
        return 0
    finally:
        for ep in endpoints:
            ep.stop()
        if cleanup:
            shutil.rmtree(work, ignore_errors=True)


#: The targets (issue 14), as the report checks them: kg serve / Oxigraph's server.
TARGETS = {"throughput": 0.7, "anchored": 1.2, "heavy": 1.0, "rdflib": 10.0}


def report(results: dict, mode: str, names: list[str]) -> str:
    kg, ox, rl = "kg serve", "oxigraph", "rdflib-endpoint"
    res = results["modes"][mode]
    has_rdflib = rl in names
    head = ["query", "kg serve ms", "oxigraph ms"] + (["rdflib-endpoint ms"] if has_rdflib else []) + \
           ["kg / oxigraph"] + (["rdflib / kg"] if has_rdflib else [])
    lines = [f"{mode} texts: {results['triples']:,} triples ({results['quads']:,} quads in "
             f"{results['countries'] * 3 + 1} named graphs); median latency of each query (of "
             f"{results['anchored_runs']} runs for an anchored one), throughput of point lookups",
             "", "| " + " | ".join(head) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]

    def rdflib_ms(r) -> float | None:
        rr = r[rl]["ms"]
        if rr is None:  # timed out: at least the timeout
            rr = float(str(r[rl]["size"]).strip(">s") or 0) * 1000
        return rr

    for name, r in res["queries"].items():
        cells = [name, fmt_ms(r[kg]["ms"], r[kg]["size"]), fmt_ms(r[ox]["ms"], r[ox]["size"])]
        if has_rdflib:
            cells.append(fmt_ms(r[rl]["ms"], r[rl]["size"]))
        cells.append(ratio(r[kg]["ms"], r[ox]["ms"]))
        if has_rdflib:
            prefix = "> " if r[rl]["ms"] is None else ""
            cells.append(prefix + ratio(rdflib_ms(r), r[kg]["ms"]))
        lines.append("| " + " | ".join(cells) + " |")
    tp = res["throughput"]
    if tp:
        lines += ["", "| point lookups (queries/s) | kg serve | oxigraph |" + (" rdflib-endpoint |" if has_rdflib else "")
                  + " kg / oxigraph |", "|---|---:|---:|" + ("---:|" if has_rdflib else "") + "---:|"]
        for clients in ("1", "4"):
            t = tp[clients]
            cells = [f"{clients} client{'s' if clients != '1' else ''}", f"{t[kg]:,.0f}", f"{t[ox]:,.0f}"]
            if has_rdflib:
                cells.append(f"{t[rl]:,.0f}")
            cells.append(f"{t[kg] / t[ox]:.2f}×")
            lines.append("| " + " | ".join(cells) + " |")
        cpu = res.get("cpu_us_per_query", {})
        if cpu:
            lines += ["", "The servers' CPU per point lookup (all their processes; µs): " + "; ".join(
                f"{c} client{'s' if c != '1' else ''}: " + ", ".join(f"{name} {us:.0f}" for name, us in cpu[c].items())
                for c in ("1", "4") if c in cpu)]
    checks = []
    if tp:
        tput = min(tp[c][kg] / tp[c][ox] for c in ("1", "4"))
        checks.append(f"point-lookup throughput ≥ {TARGETS['throughput']}× Oxigraph's server: least {tput:.2f}× "
                      + ("met" if tput >= TARGETS["throughput"] else "NOT met"))

    def worst(kind: str) -> float:
        return max((r[kg]["ms"] / r[ox]["ms"] for r in res["queries"].values()
                    if r["kind"] == kind and r[kg]["ms"] and r[ox]["ms"]), default=0)

    for kind, what in (("anchored", "queries anchored on one entity"), ("heavy", "whole-graph queries")):
        if any(r["kind"] == kind for r in res["queries"].values()):
            w = worst(kind)
            checks.append(f"{what} ≤ {TARGETS[kind]}× Oxigraph's median latency: worst {w:.2f}× "
                          + ("met" if w <= TARGETS[kind] else "NOT met"))
    heavy = [r for r in res["queries"].values() if r["kind"] == "heavy"]
    if has_rdflib and heavy:
        low = min(rdflib_ms(r) / r[kg]["ms"] for r in heavy)
        checks.append(f"whole-graph queries ≥ {TARGETS['rdflib']:g}× faster than rdflib-endpoint: least {low:.1f}× "
                      + ("met" if low >= TARGETS["rdflib"] else "NOT met"))
    lines += ["", f"targets ({mode} texts): " + "; ".join(checks)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
