"""Output formats, registered by name and media type (in the manner of rdflib's plugins).

Three kinds: ``results`` (SELECT/ASK), ``graph`` (CONSTRUCT/DESCRIBE, triples) and
``dataset`` (quads: exports of the whole store).

SELECT results are written here rather than by Oxigraph so that a result can be cut at the
endpoint's limit (``--max-results``) and say so: a capped SPARQL JSON result carries
``"truncated": true``; every format gets the ``X-KG-Truncated`` response header.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    kind: str  # results | graph | dataset
    extension: str
    oxigraph: object  # QueryResultsFormat or RdfFormat
    aliases: tuple[str, ...] = ()  # other media types and names that select it
    w3c: str = ""  # its name under http://www.w3.org/ns/formats/

    @property
    def text(self) -> bool:
        """Whether the response gets ``charset=utf-8``."""
        return self.media_type.startswith("text/") or self.name in ("json", "jsonld", "xml", "rdfxml", "ntriples", "nquads", "trig")


_REGISTRY: list[Format] = []


def register(fmt: Format) -> None:
    _REGISTRY.append(fmt)
    _lookup.cache_clear()


def formats(kind: str) -> list[Format]:
    return [f for f in _REGISTRY if f.kind == kind]


def media_types(kind: str) -> list[str]:
    out = []
    for f in formats(kind):
        out.append(f.media_type)
        out.extend(a for a in f.aliases if "/" in a)
    return out


def offers(kind: str) -> list[tuple[str, Format]]:
    """(media type, format) pairs a client may ask for, preferred first (aliases last)."""
    out = [(f.media_type, f) for f in formats(kind)]
    out += [(a, f) for f in formats(kind) for a in f.aliases if "/" in a]
    return out


def lookup(kind: str, name_or_media: str) -> Format | None:
    if len(name_or_media) > 200:  # no format is named so; keep such keys out of the cache
        return None
    return _lookup(kind, name_or_media)


@functools.lru_cache(maxsize=256)
def _lookup(kind: str, name_or_media: str) -> Format | None:
    key = name_or_media.strip().lower().split(";")[0].strip()
    for f in formats(kind):
        if key in (f.name, f.media_type, f.extension) or key in f.aliases:
            return f
    return None


QR = ox.QueryResultsFormat
RF = ox.RdfFormat
for _f in (
    Format("json", "application/sparql-results+json", "results", "srj", QR.JSON, ("application/json",), "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", "results", "srx", QR.XML, ("application/xml", "text/xml"), "SPARQL_Results_XML"),
    Format("csv", "text/csv", "results", "csv", QR.CSV, (), "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "results", "tsv", QR.TSV, (), "SPARQL_Results_TSV"),
    Format("turtle", "text/turtle", "graph", "ttl", RF.TURTLE, ("ttl", "application/x-turtle"), "Turtle"),
    Format("ntriples", "application/n-triples", "graph", "nt", RF.N_TRIPLES, ("nt", "text/plain"), "N-Triples"),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", RF.RDF_XML, ("rdf", "xml"), "RDF_XML"),
    Format("jsonld", "application/ld+json", "graph", "jsonld", RF.JSON_LD, ("json-ld",), "JSON-LD"),
    Format("trig", "application/trig", "graph", "trig", RF.TRIG, (), "TriG"),
    Format("nquads", "application/n-quads", "graph", "nq", RF.N_QUADS, ("nq",), "N-Quads"),
    Format("trig", "application/trig", "dataset", "trig", RF.TRIG, (), "TriG"),
    Format("nquads", "application/n-quads", "dataset", "nq", RF.N_QUADS, ("nq",), "N-Quads"),
    Format("turtle", "text/turtle", "dataset", "ttl", RF.TURTLE, ("ttl",), "Turtle"),
    Format("jsonld", "application/ld+json", "dataset", "jsonld", RF.JSON_LD, ("json-ld",), "JSON-LD"),
):
    register(_f)


def serialize_results(results, fmt: Format) -> bytes:
    return results.serialize(format=fmt.oxigraph)


def serialize_triples(triples, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    kw = {"prefixes": prefixes} if fmt.oxigraph in (RF.TURTLE, RF.TRIG, RF.RDF_XML, RF.JSON_LD) and prefixes else {}
    return ox.serialize(triples, format=fmt.oxigraph, **kw)


# -- SELECT and ASK results, written here so that they can be capped -------------------------

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def write_boolean(value: bool, fmt: Format) -> bytes:
    if fmt.name == "json":
        return b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}"
    if fmt.name == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}"><head></head>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return b"true\r\n" if value else b"false\r\n"


def write_solutions(variables: list[str], rows: list[tuple], fmt: Format, truncated: bool = False) -> bytes:
    """Rows (tuples of terms or None, in ``variables`` order) in a SPARQL results format."""
    return _WRITERS[fmt.name](variables, rows, truncated)


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
            if t.direction:
                d["its:dir"] = str(t.direction.value) if hasattr(t.direction, "value") else str(t.direction)
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                             "object": _json_term(t.object)}}
    return {"type": "literal", "value": str(t)}


def _write_json(variables, rows, truncated) -> bytes:
    bindings = []
    for row in rows:
        b = {}
        for name, term in zip(variables, row):
            if term is not None:
                b[name] = _json_term(term)
        bindings.append(b)
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    if truncated:
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    return f"<literal>{escape(str(t))}</literal>"


def _write_xml(variables, rows, truncated) -> bytes:
    out = ['<?xml version="1.0"?>\n', f'<sparql xmlns="{RESULTS_NS}">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>")
    if truncated:
        out.append("<!-- truncated: the endpoint's result limit was reached -->")
    out.append("<results>")
    for row in rows:
        out.append("<result>")
        for name, term in zip(variables, row):
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return t.value
    return str(t)


def _write_csv(variables, rows, truncated) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    for row in rows:
        w.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


def _write_tsv(variables, rows, truncated) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}
