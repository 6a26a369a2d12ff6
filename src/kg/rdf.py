"""Claims to RDF: one named graph per document, evidence as W3C Web Annotation selectors."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from .claims import Claim, Evidence, Lit, Ref
from .lexicon import Lexicon
from .namespaces import CNT, IRIs, KG, OA, PREFIXES
from .sources import Document

ONTOLOGY_GRAPH = "ontology"


def curie(value: str) -> URIRef:
    prefix, local = value.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def _date_literal(value: str) -> Literal:
    dtype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)]
    return Literal(value, datatype=dtype)


class GraphWriter:
    def __init__(self, iris: IRIs, lexicon: Lexicon):
        self.iris = iris
        self.lexicon = lexicon

    def node(self, key: str) -> URIRef:
        if ":" in key.split("/", 1)[0]:
            return curie(key)
        kind, slug = key.split("/", 1)
        return self.iris.entity(kind, slug)

    def term(self, obj: Ref | Lit):
        if isinstance(obj, Ref):
            return curie(obj.key) if obj.is_curie else self.node(obj.key)
        if obj.lang:
            return Literal(obj.value, lang=obj.lang)
        if obj.datatype:
            return Literal(obj.value, datatype=curie(obj.datatype))
        return Literal(obj.value)

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
        node = self.iris.evidence(ev.doc_id, ev.start, ev.end)
        pos, quote = URIRef(f"{node}#position"), URIRef(f"{node}#quote")
        g.add((node, RDF.type, KG.Evidence))
        g.add((node, RDF.type, OA.SpecificResource))
        g.add((node, OA.hasSource, self.iris.document(ev.doc_id)))
        g.add((node, OA.hasSelector, pos))
        g.add((node, OA.hasSelector, quote))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(ev.start, datatype=XSD.nonNegativeInteger)))
        g.add((pos, OA.end, Literal(ev.end, datatype=XSD.nonNegativeInteger)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(ev.exact)))
        g.add((quote, OA.prefix, Literal(ev.prefix)))
        g.add((quote, OA.suffix, Literal(ev.suffix)))
        return node

    def add_claim(self, g: Graph, claim: Claim) -> None:
        s = self.node(claim.subject)
        g.add((s, curie(claim.predicate), self.term(claim.object)))
        for ev in claim.evidence:
            g.add((s, KG.hasEvidence, self.add_evidence(g, ev)))


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
