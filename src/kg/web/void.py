"""VoID description of the dataset at /.well-known/void (RFC 5785, VoID §7).

Counts come from the store itself (computed once per published store, in a query worker):
triples per named graph, classes and their instances, properties and their triples, link
sets to other datasets, the licence and the source documents.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g

from ..namespaces import PREFIXES, SD, VOID
from .service_description import DCTERMS, RDF_TYPE, count, format_iris

bp = Blueprint("void", __name__)

T = ox.Triple


def _v(local: str) -> ox.NamedNode:
    return ox.NamedNode(str(VOID) + local)


def _dc(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCTERMS + local)


VOCABULARIES = ("kg", "at", "org", "prov", "time", "oa", "cnt", "skos", "dcterms")


def void_description(settings, stats: dict) -> list[ox.Triple]:
    base = settings.base_iri
    doc = f"{base}.well-known/void"
    ds = ox.NamedNode(f"{doc}#dataset")
    out = [
        T(ox.NamedNode(doc), RDF_TYPE, _v("DatasetDescription")),
        T(ox.NamedNode(doc), ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"), ds),
        T(ds, RDF_TYPE, _v("Dataset")),
        T(ds, _dc("title"), ox.Literal("Humanitarian organisations knowledge graph", language="en")),
        T(ds, _dc("description"), ox.Literal(
            "Humanitarian organisations, their offices, activities, mandates and handovers, extracted from "
            "documents in English, Russian and Azerbaijani; every statement points at the passage of its "
            "source document (W3C Web Annotation selectors).", language="en")),
        T(ds, _dc("license"), ox.NamedNode(settings.data_license)),
        T(ds, _v("sparqlEndpoint"), ox.NamedNode(f"{base}sparql")),
        T(ds, _v("uriSpace"), ox.Literal(f"{base}id/")),
        T(ds, _v("triples"), count(stats["triples"])),
        T(ds, _v("distinctSubjects"), count(stats["subjects"])),
        T(ds, _v("distinctObjects"), count(stats["objects"])),
        T(ds, _v("classes"), count(len(stats["classes"]))),
        T(ds, _v("properties"), count(len(stats["properties"]))),
    ]
    out += [T(ds, _v("vocabulary"), ox.NamedNode(PREFIXES[p])) for p in VOCABULARIES if p in PREFIXES]
    out += [T(ds, _v("feature"), f) for f in format_iris()]
    for i, (name, n) in enumerate(stats["graphs"]):
        sub = ox.NamedNode(f"{doc}#graph-{i}")
        out += [
            T(ds, _v("subset"), sub),
            T(sub, RDF_TYPE, _v("Dataset")),
            T(sub, RDF_TYPE, ox.NamedNode(str(SD) + "NamedGraph")),
            T(sub, ox.NamedNode(str(SD) + "name"), ox.NamedNode(name)),
            T(sub, _v("triples"), count(n)),
        ]
    for i, (cls, n) in enumerate(stats["classes"]):
        part = ox.NamedNode(f"{doc}#class-{i}")
        out += [T(ds, _v("classPartition"), part), T(part, _v("class"), ox.NamedNode(cls)),
                T(part, _v("entities"), count(n))]
    for i, (prop, n) in enumerate(stats["properties"]):
        part = ox.NamedNode(f"{doc}#property-{i}")
        out += [T(ds, _v("propertyPartition"), part), T(part, _v("property"), ox.NamedNode(prop)),
                T(part, _v("triples"), count(n))]
    targets: dict[str, ox.NamedNode] = {}
    for i, (prop, ns, n) in enumerate(stats["linksets"]):
        target = targets.get(ns)
        if target is None:
            target = targets[ns] = ox.NamedNode(f"{doc}#target-{len(targets)}")
            out += [T(target, RDF_TYPE, _v("Dataset")), T(target, _v("uriSpace"), ox.Literal(ns))]
        ls = ox.NamedNode(f"{doc}#linkset-{i}")
        out += [
            T(ds, _v("subset"), ls),
            T(ls, RDF_TYPE, _v("Linkset")),
            T(ls, _v("subjectsTarget"), ds),
            T(ls, _v("objectsTarget"), target),
            T(ls, _v("linkPredicate"), ox.NamedNode(prop)),
            T(ls, _v("triples"), count(n)),
        ]
    for iri, ident, title, lang in stats["sources"]:
        src = ox.NamedNode(iri)
        out.append(T(ds, _dc("source"), src))
        if ident:
            out.append(T(src, _dc("identifier"), ox.Literal(ident)))
        if title:
            out.append(T(src, _dc("title"), ox.Literal(title, language=lang) if lang else ox.Literal(title)))
        if lang:
            out.append(T(src, _dc("language"), ox.Literal(lang)))
    return out


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    import time

    from .sparql import negotiated_graph_response

    g.kg_started = time.perf_counter()
    g.kg_cors = True
    g.kg_form = "void"
    try:
        stats = current_app.extensions["kg.engine"].stats()
    except Exception as exc:  # noqa: BLE001
        g.kg_outcome = "error"
        return Response(f"the dataset statistics could not be computed: {exc}\n", status=503, mimetype="text/plain")
    return negotiated_graph_response(void_description(current_app.config["KG_SETTINGS"], stats))
