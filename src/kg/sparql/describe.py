"""The description of a resource: what SPARQL DESCRIBE answers and what its Turtle and its
JSON-LD (``/id/…`` in those formats) give — one definition for all of them.

A resource's description holds:

* every statement about it (its outgoing triples);
* in full, the nodes that mean nothing alone and hang on it (*dependent* nodes: periods,
  instants, figures, evidence with its passages and their selectors, blank nodes), so that
  a fact arrives with its dates, figures and sources;
* briefly, the other nodes it links to (their types and names: enough to show and link them);
* the statements that point at it (its incoming triples), each subject in full or briefly
  by the same rule; for a dependent subject what uses it, and for a fact the facts about
  it (events: the closure of an office that points at the root), in full.

Kinds of nodes come from the ontology's class hierarchy in the store (``rdfs:subClassOf``),
read once per store. Kept free of rdflib: query workers import it.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
CNT = "http://www.w3.org/2011/content#"
KG = "https://w3id.org/humanitarian-kg/ontology#"

N = ox.NamedNode
RDF_TYPE = N(RDF + "type")
CHARS = N(CNT + "chars")
HAS_EVIDENCE = N(KG + "hasEvidence")
#: What a node brings along when it is only referred to: enough to name and link it.
BRIEF_PROPS = frozenset(N(p) for p in (
    RDF + "type", SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", DCTERMS + "language",
    DCTERMS + "identifier", DCTERMS + "date", KG + "surfaceText", TIME + "inXSDDate", TIME + "inXSDgYearMonth",
    TIME + "inXSDgYear"))

# Kinds of nodes, by class (with every subclass the ontology declares):
#  entity     something with a page of its own that facts are about (organisation, place …)
#  dependent  a part of a fact that means nothing alone (period, instant, figure, passage)
#  fact       everything else that has a class: offices, activities, events, mandates …
ENTITY_TOPS = (KG + "Organisation", KG + "Movement", KG + "Place", ORG + "FormalOrganization", ORG + "Post",
               KG + "SourceDocument", SKOS + "Concept", SKOS + "ConceptScheme", KG + "Convention", KG + "BodyOfLaw",
               KG + "Qualifier", OWL + "Class", RDFS + "Class", RDF + "Property", OWL + "ObjectProperty",
               OWL + "DatatypeProperty", OWL + "AnnotationProperty", OWL + "Ontology", TIME + "TemporalUnit",
               KG + "DocumentKinds", KG + "Person")
DEPENDENT_TOPS = (KG + "Evidence", OA + "SpecificResource", OA + "Selector", OA + "TextPositionSelector",
                  OA + "TextQuoteSelector", TIME + "TemporalEntity", TIME + "Instant", TIME + "Interval",
                  TIME + "ProperInterval", KG + "Period", KG + "Figure")


class Kinds:
    """The classes whose members are entities, and those whose members are dependent nodes,
    in one store (each top class with its subclasses)."""

    def __init__(self, store: ox.Store):
        self.entity = self._closure(store, ENTITY_TOPS)
        self.dependent = self._closure(store, DEPENDENT_TOPS)

    @staticmethod
    def _closure(store: ox.Store, tops) -> frozenset:
        values = " ".join(f"<{t}>" for t in tops)
        q = f"SELECT DISTINCT ?c WHERE {{ VALUES ?top {{ {values} }} ?c <{RDFS}subClassOf>+ ?top }}"
        return frozenset({N(t) for t in tops} | {row[0] for row in store.query(q) if isinstance(row[0], ox.NamedNode)})

    def of(self, types: set) -> str:
        if types & self.dependent:
            return "dependent"
        if types & self.entity:
            return "entity"
        return "fact" if types else "entity"


_kinds: dict[int, tuple[ox.Store, Kinds]] = {}
_kinds_lock = threading.Lock()


def kinds(store: ox.Store) -> Kinds:
    """The kinds of nodes of ``store`` (computed once per store object)."""
    with _kinds_lock:
        hit = _kinds.get(id(store))
        if hit is None or hit[0] is not store:
            if len(_kinds) > 4:
                _kinds.clear()
            hit = _kinds[id(store)] = (store, Kinds(store))
        return hit[1]


class Full(Exception):
    """The description reached its limit."""


def _size(t: tuple) -> int:
    return sum(48 + len(getattr(x, "value", "") or "") for x in t)


class Description:
    """The triples describing some resources, in the order found (an ordered set), cut at
    ``limit`` triples or about ``max_bytes``."""

    def __init__(self, store: ox.Store, graph=None, limit: int = 1_000_000, max_bytes: int = 1 << 62,
                 max_incoming: int = 2000):
        self.store = store
        self.graph = graph if graph is not None else ox.DefaultGraph()
        self.kinds = kinds(store)
        self.limit, self.max_bytes, self.max_incoming = limit, max_bytes, max_incoming
        self.triples: dict[tuple, None] = {}
        self.truncated = False
        self._size = 0
        self._out: dict = {}
        self._seen_full: set = set()

    # -- reading
    def out(self, s) -> list[tuple]:
        hit = self._out.get(s)
        if hit is None:
            hit = self._out[s] = [(q.predicate, q.object) for q in self.store.quads_for_pattern(s, None, None, self.graph)]
        return hit

    def inc(self, o) -> list[tuple]:
        return [(q.subject, q.predicate) for q in self.store.quads_for_pattern(None, None, o, self.graph)]

    def kind(self, n) -> str:
        if isinstance(n, ox.Literal):
            return "literal"
        if isinstance(n, ox.BlankNode):
            return "dependent"  # a blank node is part of what points at it
        return self.kinds.of({o for p, o in self.out(n) if p == RDF_TYPE})

    # -- building
    def add(self, s, p, o) -> None:
        t = (s, p, o)
        if t in self.triples:
            return
        self._size += _size(t)
        if len(self.triples) >= self.limit or self._size > self.max_bytes:
            raise Full
        self.triples[t] = None

    def brief(self, n) -> None:
        if isinstance(n, ox.Literal) or n in self._seen_full:
            return
        for p, o in self.out(n):
            if p in BRIEF_PROPS:
                self.add(n, p, o)

    def full(self, n, with_chars: bool = False, depth: int = 0) -> None:
        if isinstance(n, ox.Literal) or n in self._seen_full:
            return
        self._seen_full.add(n)
        for p, o in self.out(n):
            if p == CHARS and not with_chars:
                continue  # a document's whole text only on its own description
            self.add(n, p, o)
        for p, o in self.out(n):
            if isinstance(o, ox.Literal) or p == RDF_TYPE:
                continue
            if self.kind(o) == "dependent" and depth < 8:
                self.full(o, depth=depth + 1)
            else:
                self.brief(o)

    def resource(self, root) -> None:
        """Add the description of ``root`` (see the module's doc)."""
        self.full(root, with_chars=True)
        incoming = self.inc(root)
        if len(incoming) > self.max_incoming:
            self.truncated = True
            incoming = incoming[:self.max_incoming]
        for s, p in incoming:
            self.add(s, p, root)
        for s, p in incoming:
            k = self.kind(s)
            if p == RDF_TYPE or k == "entity":
                self.brief(s)
                continue
            self.full(s)
            for s2, p2 in self.inc(s):
                if k == "dependent":  # a passage of this document, a period starting at this instant …
                    self.add(s2, p2, s)
                    self.brief(s2)
                elif p2 not in (RDF_TYPE, HAS_EVIDENCE) and self.kind(s2) == "fact":
                    # an event about a fact of the root (the closure of its office)
                    self.add(s2, p2, s)
                    self.full(s2)

    def as_triples(self) -> list[ox.Triple]:
        return [ox.Triple(s, p, o) for s, p, o in self.triples]


def describe(store: ox.Store, resources: list, graphs: list | None = None, limit: int = 1_000_000,
             max_bytes: int = 1 << 62, max_incoming: int = 2000) -> tuple[list[ox.Triple], bool]:
    """The triples describing ``resources`` in each of ``graphs`` (default: the default
    graph), the described resources' own statements first; whether the description was cut."""
    triples: list[ox.Triple] = []
    truncated = False
    for graph in graphs or [ox.DefaultGraph()]:
        d = Description(store, graph, limit - len(triples), max_bytes, max_incoming)
        try:
            for r in resources:
                d.resource(r)
        except Full:
            truncated = True
        triples += d.as_triples()
        truncated = truncated or d.truncated
        if truncated:
            break
    first = set(resources)
    triples.sort(key=lambda t: (t.subject not in first, str(t.subject)))  # one block per subject
    return triples, truncated
