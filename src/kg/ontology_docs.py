"""A readable HTML page of the ontology and the activity-type scheme (``kg docs``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import PREFIXES

TEMPLATES = Path(__file__).parent / "web" / "templates"


@dataclass
class Term:
    iri: str
    curie: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definition: str = ""
    parents: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def _curie(term) -> str:
    s = str(term)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


def _labels(g: Graph, node) -> dict[str, str]:
    out = {}
    for p in (SKOS.prefLabel, RDFS.label):
        for l in g.objects(node, p):
            if isinstance(l, Literal):
                out.setdefault(l.language or "", str(l))
    return out


def _definition(g: Graph, node) -> str:
    for p in (SKOS.definition, RDFS.comment, DCTERMS.description):
        for d in g.objects(node, p):
            if isinstance(d, Literal) and d.language in (None, "en"):
                return str(d)
    return ""


def collect(g: Graph) -> dict:
    own = PREFIXES["kg"]
    kinds = [("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty),
             ("Datatype properties", OWL.DatatypeProperty), ("Annotation properties", OWL.AnnotationProperty),
             ("Individuals", OWL.NamedIndividual)]
    sections = []
    for title, kind in kinds:
        terms = []
        for node in sorted(set(g.subjects(RDF.type, kind)), key=str):
            if not isinstance(node, URIRef) or not str(node).startswith(own):
                continue
            t = Term(str(node), _curie(node), title, _labels(g, node), _definition(g, node))
            t.parents = [_curie(p) for p in g.objects(node, RDFS.subClassOf) if isinstance(p, URIRef)]
            t.parents += [_curie(p) for p in g.objects(node, RDFS.subPropertyOf) if isinstance(p, URIRef)]
            t.domain = [_curie(d) for d in g.objects(node, RDFS.domain) if isinstance(d, URIRef)]
            t.range = [_curie(r) for r in g.objects(node, RDFS.range) if isinstance(r, URIRef)]
            t.extra = [f"inverse of {_curie(i)}" for i in g.objects(node, OWL.inverseOf)]
            t.extra += [f"disjoint with {_curie(d)}" for d in g.objects(node, OWL.disjointWith)]
            terms.append(t)
        sections.append((title, terms))
    concepts = []
    for c in sorted(set(g.subjects(RDF.type, SKOS.Concept)), key=str):
        t = Term(str(c), _curie(c), "Concept", _labels(g, c), _definition(g, c))
        t.parents = [_curie(b) for b in g.objects(c, SKOS.broader)]
        concepts.append(t)
    onto = next(g.subjects(RDF.type, OWL.Ontology), None)
    meta = {
        "title": str(g.value(onto, DCTERMS.title) or "Ontology") if onto is not None else "Ontology",
        "description": str(g.value(onto, DCTERMS.description) or "") if onto is not None else "",
        "version": str(g.value(onto, OWL.versionInfo) or "") if onto is not None else "",
        "iri": str(onto) if onto is not None else "",
    }
    return {"meta": meta, "sections": sections, "concepts": concepts, "prefixes": PREFIXES}


def render(ontology: Graph) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("ontology.html").render(**collect(ontology))
