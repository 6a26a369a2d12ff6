"""Claims to RDF: one named graph per document, evidence as W3C Web Annotation selectors."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from .claims import Claim, Evidence, Lit, Ref
from .lexicon import Lexicon
from .namespaces import CNT, IRIs, KG, OA, PREFIXES
from .sources import Document

ONTOLOGY_GRAPH = "ontology"


@lru_cache(maxsize=4096)  # (predicates and classes: a small vocabulary, asked for by every claim)
def curie(value: str) -> URIRef:
    prefix, local = value.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def _date_literal(value: str) -> Literal:
    dtype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)]
    return Literal(value, datatype=dtype)


# the terms every passage is written with (an rdflib namespace makes a new term per access)
_TYPE, _EVIDENCE, _SPECIFIC = RDF.type, KG.Evidence, OA.SpecificResource
_HAS_SOURCE, _HAS_SELECTOR, _HAS_EVIDENCE = OA.hasSource, OA.hasSelector, KG.hasEvidence
_POSITION, _QUOTE = OA.TextPositionSelector, OA.TextQuoteSelector
_START, _END, _EXACT, _PREFIX, _SUFFIX = OA.start, OA.end, OA.exact, OA.prefix, OA.suffix
_NON_NEGATIVE = XSD.nonNegativeInteger


class _Passage(NamedTuple):
    type: object
    evidence: object
    specific: object
    has_source: object
    has_selector: object
    position: object
    quote: object
    start: object
    end: object
    exact: object
    prefix: object
    suffix: object


class GraphWriter:
    def __init__(self, iris: IRIs, lexicon: Lexicon):
        self.iris = iris
        self.lexicon = lexicon
        # what was made already: an entity is the subject of many claims, and a passage
        # the evidence of many (a long document's passages would otherwise be written again
        # for each claim they support)
        self._nodes: dict[str, URIRef] = {}
        self._evidence: dict[Evidence, tuple[URIRef, tuple[tuple, ...]]] = {}
        self._literals: dict[tuple, Literal] = {}  # (value, lang, datatype) -> its literal
        # the graph written to last, and the passages written to it already (a passage
        # added again would only be compared with itself, triple by triple)
        self._target: object = None
        self._written: set[Evidence] = set()

    def node(self, key: str) -> URIRef:
        hit = self._nodes.get(key)
        if hit is None:
            if ":" in key.split("/", 1)[0]:
                hit = curie(key)
            else:
                kind, slug = key.split("/", 1)
                hit = self.iris.entity(kind, slug)
            self._nodes[key] = hit
        return hit

    def term(self, obj: Ref | Lit):
        if isinstance(obj, Ref):
            return self.node(obj.key)  # (a CURIE or an entity key, as node tells them apart)
        key = (obj.value, obj.lang, obj.datatype)  # (a tuple of strings hashes without Python code)
        hit = self._literals.get(key)
        if hit is None:
            if obj.lang:
                hit = Literal(obj.value, lang=obj.lang)
            elif obj.datatype:
                hit = Literal(obj.value, datatype=curie(obj.datatype))
            else:
                hit = Literal(obj.value)
            self._literals[key] = hit
        return hit

    def add_document(self, g: Graph, doc: Document) -> None:
        d = self.iris.document(doc.doc_id)
        g.add((d, RDF.type, KG.SourceDocument))
        g.add((d, DCTERMS.identifier, Literal(doc.file_name)))
        # title, publisher and date as the metadata gives them; when it does not, the
        # document's own text may (kg.facts.document adds them as claims with their passage)
        if doc.title:
            g.add((d, DCTERMS.title, Literal(doc.title, lang=doc.language)))
        g.add((d, DCTERMS.language, Literal(doc.language)))
        if doc.publisher:
            g.add((d, DCTERMS.publisher, Literal(doc.publisher)))
        if doc.date:
            g.add((d, DCTERMS.date, _date_literal(doc.date)))
        if doc.date_as_stated:
            g.add((d, KG.dateAsStated, Literal(doc.date_as_stated)))
        g.add((d, DCTERMS.type, KG[doc.kind]))
        g.add((d, KG.sha256, Literal(doc.sha256)))
        g.add((d, CNT.chars, Literal(doc.text)))

    def add_evidence(self, g: Graph, ev: Evidence) -> URIRef:
        hit = self._evidence.get(ev)
        if hit is None:
            hit = self._evidence[ev] = self._evidence_triples(ev)
        node, triples = hit
        if g is not self._target:
            self._target, self._written = g, set()
        if ev not in self._written:
            self._written.add(ev)
            for t in triples:
                g.add(t)
        return node

    # a passage's terms (NTriplesWriter writes them as text)
    _vocabulary = _Passage(_TYPE, _EVIDENCE, _SPECIFIC, _HAS_SOURCE, _HAS_SELECTOR, _POSITION, _QUOTE, _START, _END,
                           _EXACT, _PREFIX, _SUFFIX)

    def _passage_node(self, ev: Evidence):
        node = self.iris.evidence(ev.doc_id, ev.start, ev.end)
        return node, URIRef(f"{node}#position"), URIRef(f"{node}#quote")

    def _offset(self, value: int):
        return Literal(value, datatype=_NON_NEGATIVE)

    def _text(self, value: str):
        return Literal(value)

    def _evidence_triples(self, ev: Evidence) -> tuple[URIRef, tuple[tuple, ...]]:
        v = self._vocabulary
        node, pos, quote = self._passage_node(ev)
        return node, (
            (node, v.type, v.evidence),
            (node, v.type, v.specific),
            (node, v.has_source, self.node_of_document(ev.doc_id)),
            (node, v.has_selector, pos),
            (node, v.has_selector, quote),
            (pos, v.type, v.position),
            (pos, v.start, self._offset(ev.start)),
            (pos, v.end, self._offset(ev.end)),
            (quote, v.type, v.quote),
            (quote, v.exact, self._text(ev.exact)),
            (quote, v.prefix, self._text(ev.prefix)),
            (quote, v.suffix, self._text(ev.suffix)),
        )

    def node_of_document(self, doc_id: str):
        return self.iris.document(doc_id)

    def predicate(self, name: str) -> URIRef:
        return curie(name)

    def add_claim(self, g: Graph, claim: Claim) -> None:
        s = self.node(claim.subject)
        g.add((s, self.predicate(claim.predicate), self.term(claim.object)))
        has_evidence = self._has_evidence
        for ev in claim.evidence:
            g.add((s, has_evidence, self.add_evidence(g, ev)))

    _has_evidence = _HAS_EVIDENCE


def nt_term(term) -> str:
    """An rdflib term in N-Triples (escaped as Oxigraph escapes it)."""
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype is not None:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    raise TypeError(f"not a term a document graph holds: {term!r}")


class NTriplesWriter(GraphWriter):
    """The same statements as :class:`GraphWriter`, each term given in N-Triples (as
    :func:`nt_term` writes it) and added to a set of (subject, predicate, object) strings:
    a document's graph written as text without an rdflib term per statement (each term is
    made once, and strings hash and sort without Python code)."""

    _has_evidence = nt_term(_HAS_EVIDENCE)

    def __init__(self, iris: IRIs, lexicon: Lexicon):
        super().__init__(iris, lexicon)
        self._nt_nodes: dict[str, str] = {}
        self._nt_literals: dict[tuple, str] = {}
        self._nt_predicates: dict[str, str] = {}
        self._nt_documents: dict[str, str] = {}

    def node(self, key: str) -> str:
        hit = self._nt_nodes.get(key)
        if hit is None:
            hit = self._nt_nodes[key] = nt_term(super().node(key))
        return hit

    def term(self, obj: Ref | Lit) -> str:
        if isinstance(obj, Ref):
            return self.node(obj.key)
        key = (obj.value, obj.lang, obj.datatype)
        hit = self._nt_literals.get(key)
        if hit is None:
            hit = self._nt_literals[key] = nt_term(super().term(obj))
        return hit

    def predicate(self, name: str) -> str:
        hit = self._nt_predicates.get(name)
        if hit is None:
            hit = self._nt_predicates[name] = nt_term(curie(name))
        return hit

    def add_document(self, g: set, doc: Document) -> None:
        terms: set = set()
        super().add_document(terms, doc)
        g.update(tuple(nt_term(t) for t in triple) for triple in terms)

    _vocabulary = GraphWriter._vocabulary._make(nt_term(t) for t in GraphWriter._vocabulary)
    _offset_type = nt_term(_NON_NEGATIVE)

    def _passage_node(self, ev: Evidence):
        node = nt_term(self.iris.evidence(ev.doc_id, ev.start, ev.end))  # <…>
        return node, f"{node[:-1]}#position>", f"{node[:-1]}#quote>"

    def _offset(self, value: int) -> str:
        return f'"{value}"^^{self._offset_type}'

    def _text(self, value: str) -> str:
        return str(ox.Literal(value))

    def node_of_document(self, doc_id: str) -> str:
        hit = self._nt_documents.get(doc_id)
        if hit is None:
            hit = self._nt_documents[doc_id] = nt_term(self.iris.document(doc_id))
        return hit


def build_dataset(
    documents: list[Document],
    claims_by_doc: dict[str, list[Claim]],
    iris: IRIs,
    lexicon: Lexicon,
    ontology: Graph | None = None,
) -> Dataset:
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    writer = GraphWriter(iris, lexicon)
    for doc in documents:
        g = ds.graph(iris.document_graph(doc.doc_id))
        writer.add_document(g, doc)
        for claim in claims_by_doc.get(doc.doc_id, []):
            writer.add_claim(g, claim)
    if ontology is not None:
        og = ds.graph(iris.graph(ONTOLOGY_GRAPH))
        for t in ontology:
            og.add(t)
    return ds
