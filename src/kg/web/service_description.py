"""SPARQL 1.1 Service Description of the endpoint (GET /sparql without a query)."""

from __future__ import annotations

import logging

import pyoxigraph as ox

from ..namespaces import SD, VOID
from ..sparql import renderers

log = logging.getLogger(__name__)

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCTERMS = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(str(SD) + local)


def void(local: str) -> ox.NamedNode:
    return ox.NamedNode(str(VOID) + local)


def count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def format_iris() -> list[ox.NamedNode]:
    seen, out = set(), []
    for f in renderers.formats("results") + renderers.formats("graph"):
        if f.w3c and f.w3c not in seen:
            seen.add(f.w3c)
            out.append(ox.NamedNode(f"http://www.w3.org/ns/formats/{f.w3c}"))
    return out


def service_description(endpoint: str, settings=None, engine=None) -> list[ox.Triple]:
    node = ox.BlankNode("service")
    T = ox.Triple
    out = [
        T(node, RDF_TYPE, sd("Service")),
        T(node, sd("endpoint"), ox.NamedNode(endpoint)),
        T(node, sd("supportedLanguage"), sd("SPARQL11Query")),
        T(node, sd("feature"), sd("UnionDefaultGraph")),
        T(node, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
    ]
    out += [T(node, sd("resultFormat"), f) for f in format_iris()]
    if settings is not None:
        limits = (f"Read-only: updates, LOAD and SERVICE are refused. A query is stopped after "
                  f"{settings.query_timeout_s:g} s; results are cut after {settings.max_results} rows or "
                  f"triples, or {settings.max_result_bytes} bytes (header X-KG-Truncated); requests over "
                  f"{settings.max_request_bytes} bytes get 413.")
        out.append(T(node, ox.NamedNode(DCTERMS + "description"), ox.Literal(limits, language="en")))
        out.append(T(node, ox.NamedNode(str(VOID) + "inDataset"),
                     ox.NamedNode(f"{settings.base_iri}.well-known/void#dataset")))
    stats = None
    if engine is not None:
        try:
            stats = engine.stats()
        except Exception as exc:  # noqa: BLE001 - the description is still useful without counts
            log.warning("no dataset statistics for the service description: %s", exc)
    if stats is not None:
        ds, dg = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
        out += [
            T(node, sd("defaultDataset"), ds),
            T(ds, RDF_TYPE, sd("Dataset")),
            T(ds, sd("defaultGraph"), dg),
            T(dg, RDF_TYPE, sd("Graph")),
            T(dg, void("triples"), count(stats["triples"])),
        ]
        for i, (name, n) in enumerate(stats["graphs"]):
            ng, gr = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
            out += [
                T(ds, sd("namedGraph"), ng),
                T(ng, RDF_TYPE, sd("NamedGraph")),
                T(ng, sd("name"), ox.NamedNode(name)),
                T(ng, sd("graph"), gr),
                T(gr, RDF_TYPE, sd("Graph")),
                T(gr, void("triples"), count(n)),
            ]
    return out


_W3C_FORMAT = {f.name: f.w3c for f in renderers.formats("results") + renderers.formats("graph")}
