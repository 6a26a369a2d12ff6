"""SPARQL 1.1 Service Description of the endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import SD
from . import renderers

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description(endpoint: str) -> list[ox.Triple]:
    sd = lambda local: ox.NamedNode(str(SD) + local)  # noqa: E731
    node = ox.BlankNode("service")
    out = [
        ox.Triple(node, RDF_TYPE, sd("Service")),
        ox.Triple(node, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(node, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(node, sd("feature"), sd("UnionDefaultGraph")),
    ]
    for f in renderers.formats("results") + renderers.formats("graph"):
        out.append(ox.Triple(node, sd("resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{_W3C_FORMAT[f.name]}")))
    return out


_W3C_FORMAT = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "ntriples": "N-Triples",
    "rdfxml": "RDF_XML",
}
