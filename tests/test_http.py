"""The SPARQL endpoint over real HTTP (kg serve on loopback)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
import requests
from rdflib import Graph

ICRC = "http://localhost:8000/id/organisation/icrc"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = f"SELECT ?l WHERE {{ <{ICRC}> <{SKOS}prefLabel> ?l }} ORDER BY ?l"


def test_ask_over_get_is_true(server):
    r = server.sparql("ASK { ?s ?p ?o }")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    assert r.json() == {"head": {}, "boolean": True}


def test_select_json(server):
    r = server.sparql(LABELS)
    labels = {(b["l"]["value"], b["l"]["xml:lang"]) for b in r.json()["results"]["bindings"]}
    assert ("Международный Комитет Красного Креста", "ru") in labels and len(labels) == 3


def test_select_xml_csv_tsv_by_accept(server):
    xml = server.sparql(LABELS, accept="application/sparql-results+xml")
    assert xml.headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(xml.content).findall(".//s:result", ns)) == 3

    text = server.sparql(LABELS, accept="text/csv")
    assert text.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8"))))
    assert rows[0] == ["l"] and "Beynəlxalq Qızıl Xaç Komitəsi" in {r[0] for r in rows[1:]}

    tsv = server.sparql(LABELS, accept="text/tab-separated-values")
    assert tsv.headers["Content-Type"].startswith("text/tab-separated-values")
    assert '"International Committee of the Red Cross"@en' in tsv.content.decode("utf-8")


def test_accept_q_values_and_wildcards(server):
    r = server.sparql(LABELS, accept="text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    r = server.sparql(LABELS, accept="text/*")
    assert r.headers["Content-Type"].startswith(("text/csv", "text/tab-separated-values"))
    r = server.sparql(LABELS, accept="*/*")
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    assert "Accept" in r.headers.get("Vary", "")


def test_unsatisfiable_accept_is_406(server):
    r = server.sparql(LABELS, accept="image/png")
    assert r.status_code == 406


def test_construct_turtle_and_jsonld_parse(server):
    q = f"CONSTRUCT {{ <{ICRC}> ?p ?o }} WHERE {{ <{ICRC}> ?p ?o }}"
    ttl = server.sparql(q, accept="text/turtle")
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    jl = server.sparql(q, accept="application/ld+json")
    assert jl.headers["Content-Type"].startswith("application/ld+json")
    g2 = Graph().parse(data=jl.text, format="json-ld")
    assert len(g) == len(g2) > 10
    assert set(g) == set(g2)


def test_describe(server):
    r = server.sparql(f"DESCRIBE <{ICRC}>", accept="text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert len(g) > 10


def test_post_form_and_direct(server):
    form = requests.post(server.url + "/sparql", data={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert form.json()["boolean"] is True
    direct = requests.post(server.url + "/sparql", data="ASK { ?s ?p ?o }".encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"}, timeout=10)
    assert direct.json()["boolean"] is True


def test_format_parameter_overrides_accept(server):
    r = server.sparql(LABELS, accept="application/sparql-results+json", format="csv")
    assert r.headers["Content-Type"].startswith("text/csv")


def test_malformed_query_is_400_with_the_parser_message(server):
    r = server.sparql("SELEKT ?x WHERE { ?x ?y }")
    assert r.status_code == 400
    assert "malformed query" in r.text and "error" in r.text.lower()


@pytest.mark.parametrize("how", ["form", "direct"])
def test_updates_are_refused(server, how):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if how == "form":
        r = requests.post(server.url + "/sparql", data={"update": update}, timeout=10)
    else:
        r = requests.post(server.url + "/sparql", data=update,
                          headers={"Content-Type": "application/sparql-update"}, timeout=10)
    assert r.status_code == 403
    assert server.sparql("ASK { <urn:a> ?p ?o }").json()["boolean"] is False


def test_default_graph_uri_selects_one_document(server):
    g = "http://localhost:8000/graph/document/003_362a282f5771ddaf"
    q = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/humanitarian-kg/ontology#SourceDocument> }"
    r = requests.get(server.url + "/sparql", params={"query": q, "default-graph-uri": g},
                     headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "1"
    r = server.sparql(q)
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "5"


def test_service_description_without_query(server):
    r = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    assert any("sparql-service-description#endpoint" in str(p) for _, p, _ in g)


def test_browser_gets_a_query_form(server):
    r = requests.get(server.url + "/sparql", headers={"Accept": "text/html,application/xhtml+xml"}, timeout=10)
    assert r.status_code == 200 and "<form" in r.text


def test_served_by_kg_serve_not_the_development_server(server):
    r = requests.get(server.url + "/", timeout=10)
    assert r.headers.get("Server") == "kg"


@pytest.mark.parametrize("accept, parser", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"), ("application/trig", "trig"), ("application/n-quads", "nquads"),
])
def test_construct_in_every_graph_format(server, accept, parser):
    from rdflib import Dataset

    q = f"CONSTRUCT {{ <{ICRC}> ?p ?o }} WHERE {{ <{ICRC}> ?p ?o }}"
    r = server.sparql(q, accept=accept)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    ds = Dataset()
    ds.parse(data=r.content, format=parser)
    assert len({(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}) > 10


def test_graph_formats_by_name_and_406_for_the_wrong_kind(server):
    q = f"CONSTRUCT {{ <{ICRC}> ?p ?o }} WHERE {{ <{ICRC}> ?p ?o }}"
    assert server.sparql(q, format="nquads").headers["Content-Type"].startswith("application/n-quads")
    assert server.sparql(q, accept="text/csv").status_code == 406
    assert server.sparql(q, accept="application/sparql-results+json").status_code == 406
    assert server.sparql("ASK {}", accept="text/turtle").status_code == 406
    # q=0 excludes; the best remaining wins
    r = server.sparql(q, accept="text/turtle;q=0, application/n-triples;q=0.5, */*;q=0.1")
    assert r.headers["Content-Type"].startswith("application/n-triples")


def test_describe_is_the_resources_data_with_the_events_about_its_facts(server):
    """One DESCRIBE (kg.sparql.describe): the endpoint's DESCRIBE and the resource's own
    N-Triples (/id/…) are the same statements; an office of the ICRC points at it, and the
    office's closure (an event about that fact) comes in full, with its type and its date."""
    from rdflib import RDF, URIRef

    described = Graph().parse(data=server.sparql(f"DESCRIBE <{ICRC}>", accept="application/n-triples").text,
                              format="nt")
    r = requests.get(server.url + "/id/organisation/icrc", headers={"Accept": "application/n-triples"}, timeout=30)
    assert r.status_code == 200
    page_data = Graph().parse(data=r.text, format="nt")
    assert set(described) == set(page_data)
    kg = "https://w3id.org/humanitarian-kg/ontology#"
    office = URIRef("http://localhost:8000/id/office/icrc-azerbaijan")
    closure = URIRef("http://localhost:8000/id/closure/office-icrc-azerbaijan")
    assert (closure, URIRef(kg + "closedUnit"), office) in described
    assert (closure, RDF.type, URIRef(kg + "Closure")) in described
    assert set(described.objects(closure, URIRef(kg + "hasEvidence")))  # in full, not only named


def test_describe_gives_outgoing_incoming_and_evidence(server):
    r = server.sparql(f"DESCRIBE <{ICRC}>", accept="application/n-triples")
    g = Graph().parse(data=r.text, format="nt")
    from rdflib import URIRef

    icrc = URIRef(ICRC)
    kg = "https://w3id.org/humanitarian-kg/ontology#"
    oa = "http://www.w3.org/ns/oa#"
    assert any(s == icrc for s, _, _ in g)  # outgoing
    assert any(o == icrc and s != icrc for s, _, o in g)  # incoming (offices, activities, handovers)
    evidence = set(g.objects(icrc, URIRef(kg + "hasEvidence")))
    assert evidence
    ev = next(iter(evidence))
    assert (ev, URIRef(oa + "hasSource"), None) in g
    selectors = set(g.objects(ev, URIRef(oa + "hasSelector")))
    assert len(selectors) == 2
    assert all(any(True for _ in g.triples((sel, None, None))) for sel in selectors)
    assert any(True for _ in g.triples((None, URIRef(oa + "exact"), None)))
    # DESCRIBE of a variable, with a WHERE clause
    r = server.sparql(f"DESCRIBE ?o WHERE {{ ?o <http://www.w3.org/ns/org#unitOf> <{ICRC}> }} LIMIT 1",
                      accept="application/n-triples")
    assert r.status_code == 200 and len(r.text.splitlines()) > 5


def test_service_description_is_negotiated(server):
    for accept, parser in (("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
                           ("application/rdf+xml", "xml")):
        r = requests.get(server.url + "/sparql", headers={"Accept": accept}, timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
        g = Graph().parse(data=r.content, format=parser)
        sd = "http://www.w3.org/ns/sparql-service-description#"
        preds = {str(p) for _, p, _ in g}
        assert sd + "endpoint" in preds and sd + "resultFormat" in preds and sd + "namedGraph" in preds
        names = {str(o) for _, p, o in g if str(p) == sd + "name"}
        assert sum("/graph/document/" in n for n in names) == 5
    assert requests.get(server.url + "/sparql", headers={"Accept": "image/png"}, timeout=10).status_code == 406


def test_void_description(server):
    r = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    void = "http://rdfs.org/ns/void#"
    from rdflib import URIRef

    ds = URIRef("http://localhost:8000/.well-known/void#dataset")
    assert (ds, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(void + "Dataset")) in g
    triples = int(g.value(ds, URIRef(void + "triples")))
    assert triples > 3000
    subsets = list(g.objects(ds, URIRef(void + "subset")))
    graph_counts = [int(g.value(s, URIRef(void + "triples"))) for s in subsets
                    if (s, URIRef("http://www.w3.org/ns/sparql-service-description#name"), None) in g]
    assert len(graph_counts) >= 5 and all(n > 0 for n in graph_counts)
    classes = {str(g.value(p, URIRef(void + "class"))) for p in g.objects(ds, URIRef(void + "classPartition"))}
    assert "https://w3id.org/humanitarian-kg/ontology#Organisation" in classes
    props = {str(g.value(p, URIRef(void + "property"))) for p in g.objects(ds, URIRef(void + "propertyPartition"))}
    assert "https://w3id.org/humanitarian-kg/ontology#hasEvidence" in props
    assert any((s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(void + "Linkset")) in g
               for s in subsets)
    assert g.value(ds, URIRef("http://purl.org/dc/terms/license")) is not None
    sources = set(g.objects(ds, URIRef("http://purl.org/dc/terms/source")))
    assert len(sources) == 5
    assert str(g.value(ds, URIRef(void + "sparqlEndpoint"))).endswith("/sparql")
    jl = requests.get(server.url + "/.well-known/void", headers={"Accept": "application/ld+json"}, timeout=30)
    assert jl.headers["Content-Type"].startswith("application/ld+json")


def test_dataset_from_the_query_and_unknown_graphs(server):
    g = "http://localhost:8000/graph/document/003_362a282f5771ddaf"
    q = ("SELECT (COUNT(DISTINCT ?d) AS ?n) FROM <%s> "
         "WHERE { ?d a <https://w3id.org/humanitarian-kg/ontology#SourceDocument> }" % g)
    assert server.sparql(q).json()["results"]["bindings"][0]["n"]["value"] == "1"
    # a graph the store does not hold is empty: nothing is fetched
    q = "ASK FROM <http://example.org/not-here> { ?s ?p ?o }"
    assert server.sparql(q).json()["boolean"] is False
    r = server.sparql("ASK { ?s ?p ?o }", **{"default-graph-uri": "not an iri"})
    assert r.status_code == 400
