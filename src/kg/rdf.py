"""Claims to RDF: one named graph per document, evidence as W3C Web Annotation selectors."""

from __future__ import annotations

from functools import lru_cache

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

    def _evidence_triples(self, ev: Evidence) -> tuple[URIRef, tuple[tuple, ...]]:
        node = self.iris.evidence(ev.doc_id, ev.start, ev.end)
        pos, quote = URIRef(f"{node}#position"), URIRef(f"{node}#quote")
        return node, (
            (node, _TYPE, _EVIDENCE),
            (node, _TYPE, _SPECIFIC),
            (node, _HAS_SOURCE, self.iris.document(ev.doc_id)),
            (node, _HAS_SELECTOR, pos),
            (node, _HAS_SELECTOR, quote),
            (pos, _TYPE, _POSITION),
            (pos, _START, Literal(ev.start, datatype=_NON_NEGATIVE)),
            (pos, _END, Literal(ev.end, datatype=_NON_NEGATIVE)),
            (quote, _TYPE, _QUOTE),
            (quote, _EXACT, Literal(ev.exact)),
            (quote, _PREFIX, Literal(ev.prefix)),
            (quote, _SUFFIX, Literal(ev.suffix)),
        )

    def add_claim(self, g: Graph, claim: Claim) -> None:
        s = self.node(claim.subject)
        g.add((s, curie(claim.predicate), self.term(claim.object)))
        for ev in claim.evidence:
            g.add((s, _HAS_EVIDENCE, self.add_evidence(g, ev)))


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
