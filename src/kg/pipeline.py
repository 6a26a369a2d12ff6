"""The build: sources -> text -> mentions -> claims -> RDF -> validation -> store.

Each stage lives in its own module; this one only wires them and reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph

from . import search_index, store as store_mod
from .config import Settings
from .extraction import DocumentExtraction, extract_document
from .namespaces import IRIs
from .rdf import build_dataset, load_ontology
from .resources import load_resources
from .reasoning import entailments
from .resolve import resolve
from .sources import Document, check_language, load_corpus
from .transaction import build_lock
from .validate import (InconsistentGraph, ReasonerFailed, ValidationReport, disagreements_as_warnings, load_shapes,
                       owl_check, shacl_validate)


INFERRED_GRAPH = "inferred"  # what the ontology entails, apart from what documents state


class BuildFailed(Exception):
    def __init__(self, message: str, report: ValidationReport | None = None):
        self.report = report
        super().__init__(message)


@dataclass
class DocumentStats:
    doc_id: str
    language: str
    mentions: int
    claims: int
    triples: int


@dataclass
class BuildResult:
    dataset: Dataset
    documents: list[Document]
    extractions: list[DocumentExtraction]
    report: ValidationReport | None = None
    stats: list[DocumentStats] = field(default_factory=list)
    store_path: Path | None = None
    quads: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def extract_corpus(
    settings: Settings, ontology: Graph, progress: Callable[[str], None] | None = None
) -> tuple[list[Document], list[DocumentExtraction], Dataset]:
    documents = load_corpus(settings)
    for doc in documents:
        check_language(doc.file_name, doc.text, doc.language, settings.lexicon_dir / "languages.yaml")
    resources = load_resources(settings.lexicon_dir, settings.ontology_dir)
    lexicon = resources.lexicon
    extractions = []
    for doc in documents:
        extractions.append(extract_document(doc, resources))
        if progress:
            progress(doc.file_name)
    claims = resolve({x.document.doc_id: x.claims for x in extractions}, resources.entities())
    ds = build_dataset(documents, claims, IRIs(settings.base_iri), lexicon, ontology)
    for x in extractions:
        x.claims = claims[x.document.doc_id]
    return documents, extractions, ds


def extract_store(settings: Settings):
    """The corpus extracted into an in-memory store (no validation, nothing published):
    what ``kg eval`` scores."""
    import pyoxigraph as ox

    _, _, ds = extract_corpus(settings, load_ontology(settings.ontology_dir))
    store = ox.Store()
    store.bulk_load(ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    store.update(store_mod.MATERIALISE_UNION)  # the default graph, as a built store has it
    return store


def build(settings: Settings, progress: Callable[[str], None] | None = None, publish: bool = True) -> BuildResult:
    """Build the graph from the sources and, with ``publish``, make it the store served —
    one build at a time, an interrupted ingest settled first (kg.transaction)."""
    if publish:
        with build_lock(settings):
            return _build(settings, progress, publish)
    return _build(settings, progress, publish)


def _build(settings: Settings, progress: Callable[[str], None] | None, publish: bool) -> BuildResult:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    ontology = load_ontology(settings.ontology_dir)  # parsed once: dataset, SHACL, OWL
    documents, extractions, ds = extract_corpus(settings, ontology, progress)
    times["extract"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    iris = IRIs(settings.base_iri)
    data = union_graph_without_ontology(ds, iris)
    shapes = load_shapes(settings.shapes_dir)
    report = shacl_validate(data, shapes, ontology)
    if not report.conforms:
        report = disagreements_as_warnings(
            report, [ds.graph(iris.document_graph(d.doc_id)) for d in documents], shapes, ontology)
    times["validate"] = time.perf_counter() - t1
    result = BuildResult(ds, documents, extractions, report)
    for x in extractions:
        g = ds.graph(iris.document_graph(x.document.doc_id))
        result.stats.append(
            DocumentStats(x.document.file_name, x.document.language, len(x.mentions), len(x.claims), len(g))
        )
    if not report.conforms:
        raise BuildFailed(f"the graph violates {len(report.violations)} SHACL constraint(s)", report)

    # OWL: HermiT must find ontology + data consistent; the entailments go to their own graph
    t3 = time.perf_counter()
    try:
        secs, individuals = owl_check(data, ontology)
    except (InconsistentGraph, ReasonerFailed) as exc:
        raise BuildFailed(str(exc)) from None
    report.reasoner = f"consistent ({individuals} individuals, HermiT, {secs:.1f} s)"
    inferred = ds.graph(iris.graph(INFERRED_GRAPH))
    for t in entailments(data, ontology):
        inferred.add(t)
    times["reason"] = time.perf_counter() - t3

    if publish:
        t2 = time.perf_counter()
        path = store_mod.new_store_dir(settings)
        try:
            result.quads = store_mod.write_store(path, ds.serialize(format="nquads", encoding="utf-8"),
                                                 exclude_from_union=[str(iris.graph(INFERRED_GRAPH))])
            search_index.write_index(path, settings.lexicon_dir, settings.ontology_dir)  # issue 13: the search page's index
        except BaseException:
            store_mod.discard(path)
            raise
        store_mod.publish(settings, path)
        result.store_path = path
        times["store"] = time.perf_counter() - t2
    times["total"] = time.perf_counter() - t0
    result.seconds = times
    return result


def union_graph_without_ontology(ds: Dataset, iris: IRIs) -> Graph:
    """The data the documents state (every document graph), for validation."""
    g = Graph()
    skip = {iris.graph("ontology"), iris.graph(INFERRED_GRAPH)}
    for s, p, o, c in ds.quads((None, None, None, None)):
        if c not in skip:
            g.add((s, p, o))
    return g
