"""The SPARQL endpoint over real HTTP (waitress on loopback)."""

from __future__ import annotations

import csv
import io
import json
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


def test_served_by_waitress_not_the_development_server(server):
    r = requests.get(server.url + "/", timeout=10)
    assert r.headers.get("Server") == "kg"
