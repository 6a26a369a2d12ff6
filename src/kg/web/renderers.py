"""Output formats, registered by name and media type (in the manner of rdflib's plugins).

Three kinds: ``results`` (SELECT/ASK), ``graph`` (CONSTRUCT/DESCRIBE, triples) and
``dataset`` (quads: exports of the whole store).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    kind: str  # results | graph | dataset
    extension: str
    oxigraph: object  # QueryResultsFormat or RdfFormat
    aliases: tuple[str, ...] = ()  # other media types and names that select it


_REGISTRY: list[Format] = []


def register(fmt: Format) -> None:
    _REGISTRY.append(fmt)


def formats(kind: str) -> list[Format]:
    return [f for f in _REGISTRY if f.kind == kind]


def media_types(kind: str) -> list[str]:
    out = []
    for f in formats(kind):
        out.append(f.media_type)
        out.extend(a for a in f.aliases if "/" in a)
    return out


def lookup(kind: str, name_or_media: str) -> Format | None:
    key = name_or_media.strip().lower().split(";")[0].strip()
    for f in formats(kind):
        if key in (f.name, f.media_type, f.extension) or key in f.aliases:
            return f
    return None


QR = ox.QueryResultsFormat
RF = ox.RdfFormat
for _f in (
    Format("json", "application/sparql-results+json", "results", "srj", QR.JSON, ("application/json",)),
    Format("xml", "application/sparql-results+xml", "results", "srx", QR.XML, ("application/xml", "text/xml")),
    Format("csv", "text/csv", "results", "csv", QR.CSV),
    Format("tsv", "text/tab-separated-values", "results", "tsv", QR.TSV),
    Format("turtle", "text/turtle", "graph", "ttl", RF.TURTLE, ("ttl", "application/x-turtle")),
    Format("jsonld", "application/ld+json", "graph", "jsonld", RF.JSON_LD, ("json-ld",)),
    Format("ntriples", "application/n-triples", "graph", "nt", RF.N_TRIPLES, ("nt", "text/plain")),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", RF.RDF_XML, ("rdf", "xml")),
    Format("trig", "application/trig", "dataset", "trig", RF.TRIG),
    Format("nquads", "application/n-quads", "dataset", "nq", RF.N_QUADS, ("nq",)),
    Format("turtle", "text/turtle", "dataset", "ttl", RF.TURTLE, ("ttl",)),
    Format("jsonld", "application/ld+json", "dataset", "jsonld", RF.JSON_LD, ("json-ld",)),
):
    register(_f)


def serialize_results(results, fmt: Format) -> bytes:
    return results.serialize(format=fmt.oxigraph)


def serialize_triples(triples, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    kw = {"prefixes": prefixes} if fmt.oxigraph in (RF.TURTLE, RF.TRIG, RF.RDF_XML, RF.JSON_LD) and prefixes else {}
    return ox.serialize(triples, format=fmt.oxigraph, **kw)
