"""OWL reasoning: entailments live in their own named graph; the ontology has an HTML page."""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib.namespace import OWL, RDF

from conftest import ROOT, kg, select

INFERRED = "<http://localhost:8000/graph/inferred>"
ICRC = "<http://localhost:8000/id/organisation/icrc>"


def test_inferred_graph_holds_entailments_apart_from_statements(store):
    present = select(store, f"SELECT ?p WHERE {{ GRAPH {INFERRED} {{ {ICRC} kg:presentIn ?p }} }}")
    places = {r["p"].rsplit("/", 1)[1] for r in present}
    assert {"azerbaijan", "barda", "armenia"} <= places  # through its offices (property chain)
    # inverse links and superclass memberships are inferred too
    assert store.query(f"ASK {{ GRAPH {INFERRED} {{ {ICRC} <http://www.w3.org/ns/org#hasUnit> ?o }} }}")
    assert store.query(f"ASK {{ GRAPH {INFERRED} {{ {ICRC} a <http://www.w3.org/ns/org#Organization> }} }}")
    # ... and no document graph nor the default graph states them
    assert not store.query(f"ASK {{ {ICRC} <https://w3id.org/humanitarian-kg/ontology#presentIn> ?p }}")
    assert not store.query(f"ASK {{ GRAPH ?g {{ {ICRC} <https://w3id.org/humanitarian-kg/ontology#presentIn> ?p }} "
                           f"FILTER(?g != {INFERRED}) }}")


def test_inferred_triples_are_not_already_stated(store):
    n = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {INFERRED} {{ ?s ?p ?o }} "
                    "GRAPH ?g { ?s ?p ?o } FILTER(?g != " + INFERRED + ") }")
    assert int(next(iter(n))[0].value) == 0


def test_validate_prints_time_and_reasoner_outcome(built):
    proc = kg("validate", env=built["env"])
    assert proc.returncode == 0
    assert re.search(r"OWL reasoner: consistent \(\d+ individuals, HermiT, [\d.]+ s\)", proc.stdout)
    assert re.search(r"conforms \([\d.]+ s\)", proc.stdout)


def test_ontology_documentation_page(tmp_path, built):
    out = tmp_path / "ontology.html"
    kg("docs", "-o", str(out), env=built["env"], check=True)
    html = out.read_text(encoding="utf-8")
    onto = Graph().parse(ROOT / "ontology" / "kg.ttl")
    classes = [str(c).split("#")[1] for c in onto.subjects(RDF.type, OWL.Class)
               if str(c).startswith("https://w3id.org/humanitarian-kg/ontology#")]
    assert len(classes) > 20
    for c in classes:
        assert f"kg:{c}" in html
    # labels in all three languages are shown (the class kg:Handover's, for one)
    assert "Handover" in html and "Передача" in html and "Təhvil vermə" in html
    assert "at:detention-visits" in html


def test_ontology_page_is_served(server):
    import requests

    r = requests.get(server.url + "/ontology", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "kg:Handover" in r.text and "at:detention-visits" in r.text


def test_hermit_checks_an_unchanged_ontology_once_and_a_changed_one_again(tmp_path):
    """A build too large for HermiT to take its data has HermiT check the ontology alone:
    its verdict is kept, so the next build with the same ontology does not run HermiT
    again; an edited ontology is checked again, and an inconsistent one stops the build,
    leaving nothing behind (no build directory, no thread of its own)."""
    import json
    import shutil
    import threading
    from dataclasses import replace

    import pytest

    from kg.config import load_settings
    from kg.pipeline import BuildFailed, build

    root, sources = tmp_path / "root", tmp_path / "sources"
    (root / "data").mkdir(parents=True)
    sources.mkdir()
    shutil.copyfile(ROOT / "tests" / "documents" / "en_krcs_kenya.txt", sources / "en_krcs_kenya.txt")
    (sources / "metadata.json").write_text(json.dumps({"en_krcs_kenya.txt": {"language": "en"}}), encoding="utf-8")
    shutil.copytree(ROOT / "ontology", root / "ontology")  # (the copy is edited below)
    (root / "shapes").symlink_to(ROOT / "shapes")
    for part in (ROOT / "data").iterdir():  # (what extraction reads)
        (root / "data" / part.name).symlink_to(part)
    settings = replace(load_settings(var_dir=tmp_path / "var", sources_dir=sources), root=root,
                       hermit_max_individuals=0)  # (every build "too large": the ontology alone)
    ontology = settings.ontology_dir
    first = build(settings, publish=False)
    assert "the ontology by HermiT, the data by OWL 2 RL rules" in first.report.reasoner
    again = build(settings, publish=False)
    assert "the ontology by HermiT, checked before," in again.report.reasoner
    # an individual of two disjoint classes: the ontology is inconsistent on its own
    with (ontology / "kg.ttl").open("a", encoding="utf-8") as f:
        f.write("\n<http://example.org/both> a kg:Organisation , kg:Presence .\n")
    # (a build to publish: the search index, written alongside reasoning, goes with the rest)
    with pytest.raises(BuildFailed, match="the ontology: .*inconsistent"):
        build(settings)
    assert not list((settings.var / "stores").glob("build-*")) and not (settings.var / "store").exists()
    assert not [t.name for t in threading.enumerate() if t.name.startswith(("search-index", "hermit"))]


def test_entailments_of_a_blank_node_are_about_that_node():
    """The rules' conclusions go into the store through the bulk loader, which renames blank
    nodes: a conclusion about a blank node of a document must still be about that node."""
    import pyoxigraph as ox

    from kg.ontology import load_ontology
    from kg.reasoning import materialise

    doc, inferred, onto = "http://example.org/graph/doc", "http://example.org/graph/inferred", "http://example.org/graph/onto"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    statements = (f"_:unit {rdf_type} <https://w3id.org/humanitarian-kg/ontology#Delegation> .\n"
                  f"<http://example.org/id/x> {rdf_type} <https://w3id.org/humanitarian-kg/ontology#Delegation> .\n")
    store = ox.Store()
    store.load(statements.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(doc))
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{doc}> {{ ?s ?p ?o }} }}")  # (the union)
    [unit] = {q.subject for q in store.quads_for_pattern(None, None, None, ox.NamedNode(doc))
              if isinstance(q.subject, ox.BlankNode)}
    assert materialise(store, load_ontology(ROOT / "ontology"), inferred, [onto]) > 0
    office = ox.NamedNode("https://w3id.org/humanitarian-kg/ontology#Office")
    typed = {q.subject for q in store.quads_for_pattern(None, None, office, ox.NamedNode(inferred))}
    assert typed == {unit, ox.NamedNode("http://example.org/id/x")}
