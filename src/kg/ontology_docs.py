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


def collect(g: Graph, lang: str = "en") -> dict:
    """The ontology's terms by section (section keys: classes, object-properties …), their
    labels, definitions and axioms; the title in ``lang``."""
    own = PREFIXES["kg"]
    kinds = [("classes", OWL.Class), ("object-properties", OWL.ObjectProperty),
             ("datatype-properties", OWL.DatatypeProperty), ("annotation-properties", OWL.AnnotationProperty),
             ("individuals", OWL.NamedIndividual)]
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
            t.extra = [("inverse-of", _curie(i)) for i in g.objects(node, OWL.inverseOf)]
            t.extra += [("disjoint-with", _curie(d)) for d in g.objects(node, OWL.disjointWith)]
            terms.append(t)
        sections.append((title, terms))
    concepts = []
    for c in sorted(set(g.subjects(RDF.type, SKOS.Concept)), key=str):
        t = Term(str(c), _curie(c), "Concept", _labels(g, c), _definition(g, c))
        t.parents = [_curie(b) for b in g.objects(c, SKOS.broader)]
        concepts.append(t)
    onto = next(g.subjects(RDF.type, OWL.Ontology), None)
    titles = {t.language: str(t) for t in g.objects(onto, DCTERMS.title)} if onto is not None else {}
    meta = {
        "title": titles.get(lang) or titles.get("en") or next(iter(titles.values()), "Ontology"),
        "description": str(g.value(onto, DCTERMS.description) or "") if onto is not None else "",
        "version": str(g.value(onto, OWL.versionInfo) or "") if onto is not None else "",
        "iri": str(onto) if onto is not None else "",
    }
    return {"meta": meta, "sections": sections, "concepts": concepts, "prefixes": PREFIXES}


def render(ontology: Graph) -> str:
    """The page ``kg docs`` writes: on its own, in English (the web's /ontology shares its body)."""
    from .web.graph import i18n

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("ontology.html").render(ui=i18n.messages("en"), lang="en", **collect(ontology))
