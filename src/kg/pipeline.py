"""The build: sources -> text -> mentions -> claims -> RDF -> validation -> store.

Each stage lives in its own module; this one only wires them and reports.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Dataset, Graph

from . import parallel
from . import store as store_mod
from .artefacts import ArtefactCache, content_key, document_key, shapes_version
from .config import Settings
from .docgraph import DocumentPart, document_part, finish, validate_document, validation_inputs
from .extraction import DocumentExtraction, extract_document
from .namespaces import IRIs
from .rdf import ONTOLOGY_GRAPH, build_dataset, load_ontology
from .reasoning import inconsistencies, materialise
from .resources import load_resources
from .resolve import LabelUses, choose_labels, resolve
from .sources import Document, check_language, load_corpus
from .transaction import build_lock
from .validate import (Finding, InconsistentGraph, ReasonerFailed, ValidationReport, combine, owl_check,
                       validate_store)


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
    documents: list[Document]
    report: ValidationReport | None = None
    stats: list[DocumentStats] = field(default_factory=list)
    store_path: Path | None = None
    quads: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    base_iri: str = ""
    store: object = None  # the graph in memory, when the build was not published

    @cached_property
    def dataset(self) -> Dataset:
        """(For tools and tests) the built graph as an rdflib Dataset."""
        source = self.store if self.store is not None else ox.Store.read_only(str(self.store_path))
        ds = Dataset()
        ds.parse(data=ox.serialize((q for q in source if not isinstance(q.graph_name, ox.DefaultGraph)),
                                   format=ox.RdfFormat.N_QUADS), format="nquads")
        return ds


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


Progress = Callable[[str, int, int], None]  # (step, done, total): how far a long step is


def build(settings: Settings, progress: Progress | None = None, publish: bool = True,
          scheduler: str | None = None) -> BuildResult:
    """Build the graph from the sources and, with ``publish``, make it the store served —
    one build at a time, an interrupted ingest settled first (kg.transaction).

    Documents are extracted and validated in ``settings.build_jobs`` processes (or on the
    Dask cluster at ``scheduler``); what was done for a document before, with the same
    content and pipeline, is read back instead (kg.artefacts)."""
    if publish:
        with build_lock(settings):
            return _build(settings, progress or _quiet, publish, scheduler)
    return _build(settings, progress or _quiet, publish, scheduler)


def _quiet(step: str, done: int, total: int) -> None:
    pass


@dataclass
class _Summary:
    """What the build keeps of a document between its steps (its graph stays in the cache)."""

    document: Document
    key: str
    mentions: int


class _Work:
    """The pool the build's maps run in, started when first needed (after this process has
    loaded what extraction reads, for a local pool to inherit it)."""

    def __init__(self, settings: Settings, scheduler: str | None):
        self.settings, self.scheduler = settings, scheduler
        self._context = None
        self.pool = None

    def start(self):
        if self._context is None:
            self._context = parallel.executor(self.settings.build_jobs, self.scheduler)
            self.pool = self._context.__enter__()
        return self.pool

    def close(self, exc_info=(None, None, None)) -> None:
        if self._context is not None:
            self._context.__exit__(*exc_info)
            self._context = None


def _build(settings: Settings, progress: Progress, publish: bool, scheduler: str | None) -> BuildResult:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    iris = IRIs(settings.base_iri)
    ontology = load_ontology(settings.ontology_dir)  # parsed once: the store, the rules, OWL
    documents = load_corpus(settings)
    for doc in documents:
        check_language(doc.file_name, doc.text, doc.language, settings.lexicon_dir / "languages.yaml")
    parts = ArtefactCache(settings, "documents")
    checked = ArtefactCache(settings, "validation")
    work = _Work(settings, scheduler)
    try:
        summaries, uses, nodes = _extract(settings, documents, parts, work, progress)
        times["extract"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        choice = choose_labels(uses, load_resources(settings.lexicon_dir, settings.ontology_dir).entities())
        times["resolve"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        path = store_mod.new_store_dir(settings) if publish else None
        store = ox.Store(str(path)) if path else ox.Store()
        try:
            result = _write_and_validate(settings, iris, ontology, summaries, choice, nodes, parts, checked,
                                         work, store, progress, times)
            times["validate"] = time.perf_counter() - t2 - times["store"]
            if not result.report.conforms:
                raise BuildFailed(f"the graph violates {len(result.report.violations)} SHACL constraint(s)",
                                  result.report)
            t3 = time.perf_counter()
            _reason(settings, iris, ontology, store, result.report)
            times["reason"] = time.perf_counter() - t3
            if publish:
                t4 = time.perf_counter()
                store.flush()
                store.optimize()
                result.quads = len(store)
                del store
                store_mod.publish(settings, path)
                result.store_path = path
                times["store"] += time.perf_counter() - t4
                parts.prune()
                checked.prune()
            else:
                result.quads = len(store)
                result.store = store
        except BaseException:
            if path is not None:
                store_mod.discard(path)
            raise
    except BaseException:
        work.close(sys.exc_info())
        raise
    work.close()
    times["total"] = time.perf_counter() - t0
    result.seconds = times
    return result


def _extract(settings: Settings, documents: list[Document], parts: ArtefactCache, work: _Work,
             progress: Progress) -> tuple[list[_Summary], LabelUses, Counter]:
    """Every document's part (extracted, or read back from the cache): what the later steps
    need of it, the corpus's uses of names, and how many documents describe each node."""
    uses, nodes = LabelUses(), Counter()
    summaries: dict[str, _Summary] = {}
    todo = []
    step = "extracting documents"
    progress(step, 0, len(documents))

    def take(document: Document, key: str, part: DocumentPart) -> None:
        summaries[document.doc_id] = _Summary(document, key, part.mentions)
        uses.add(part.uses)
        nodes.update(part.nodes)
        progress(step, len(summaries), len(documents))

    for doc in documents:
        key = document_key(doc, settings)
        part = parts.get(key)
        if part is None:
            todo.append((doc, key))
        else:
            take(doc, key, part)
    if todo and (work.scheduler is None):
        # one here first: this process loads what extraction reads, and a local pool's
        # workers (forked) start with it
        doc, key = todo.pop(0)
        part = document_part(doc, settings)
        parts.put(key, part)
        take(doc, key, part)

    def done(item, part: DocumentPart) -> None:
        doc, key = item[0], item[2]
        parts.put(key, part)
        take(doc, key, part)

    if todo:
        parallel.run_map(document_part, [(doc, settings, key) for doc, key in todo],
                         work.start() if len(todo) > 1 or work.scheduler else None, done,
                         call=lambda doc, settings_, key: (doc, settings_))
    return [summaries[d.doc_id] for d in documents], uses, nodes


def _write_and_validate(settings, iris, ontology, summaries, choice, nodes, parts, checked, work, store,
                        progress, times) -> BuildResult:
    """Each document's final graph into the store (named graph and union), validated alone
    (in the pool, unless the same graph was validated before); then what documents can
    disagree on, validated over the union."""
    shapes, hierarchy = validation_inputs(settings)
    version = shapes_version(settings)
    loader = store_mod.GraphLoader(store)
    store_seconds = 0.0
    stats: dict[str, DocumentStats] = {}
    findings: dict[str, list[Finding]] = {}
    todo = []
    step = "validating documents"
    progress(step, 0, len(summaries))
    for summary in summaries:
        doc = summary.document
        ntriples, claims = finish(parts.get(summary.key), choice)
        stats[doc.doc_id] = DocumentStats(doc.file_name, doc.language, summary.mentions, claims,
                                          ntriples.count(b"\n"))
        t = time.perf_counter()
        loader.add(str(iris.document_graph(doc.doc_id)), ntriples)
        store_seconds += time.perf_counter() - t
        vkey = content_key(ntriples, version)
        cached = checked.get(vkey)
        if cached is None:
            todo.append((ntriples, settings, vkey, doc.doc_id))
        else:
            findings[doc.doc_id] = cached
            progress(step, len(findings), len(summaries))
        if len(todo) >= 256:  # (a bounded backlog: the graphs wait in memory)
            _validate_documents(todo, work, checked, findings, lambda: progress(step, len(findings), len(summaries)))
            todo = []
    _validate_documents(todo, work, checked, findings, lambda: progress(step, len(findings), len(summaries)))
    t = time.perf_counter()
    loader.flush()
    store.bulk_load(hierarchy, format=ox.RdfFormat.N_TRIPLES)  # (the ontology's, in the union anyway)
    store_seconds += time.perf_counter() - t

    # a node several documents describe is validated over the union, and so is every node a
    # document's own validation flagged: the union decides whether it is wrong, documents
    # disagree on it, or another document supplies what one lacks (kg.validate.combine)
    own = {(f.shape, f.focus) for fs in findings.values() for f in fs if f.severity == "Violation"}
    shared = {node for node, n in nodes.items() if n > 1} | {focus for _, focus in own}
    progress("validating the union", 0, 1)
    union = validate_store(store, shapes, focus=shared)
    progress("validating the union", 1, 1)
    alone = [f for fs in findings.values() for f in fs if f.focus not in shared]
    report = combine(union, own, alone)

    t = time.perf_counter()
    loader.add(str(iris.graph(ONTOLOGY_GRAPH)), ontology.serialize(format="nt", encoding="utf-8"), union=False)
    loader.flush()
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iris.graph(ONTOLOGY_GRAPH)}> {{ ?s ?p ?o }} }}")
    store_seconds += time.perf_counter() - t
    times["store"] = store_seconds
    result = BuildResult(documents=[s.document for s in summaries], report=report,
                         stats=[stats[s.document.doc_id] for s in summaries], base_iri=settings.base_iri)
    return result


def _validate_documents(todo, work: _Work, checked: ArtefactCache, findings: dict, advanced) -> None:
    def done(item, result: list[Finding]) -> None:
        checked.put(item[2], result)
        findings[item[3]] = result
        advanced()

    if todo:
        parallel.run_map(validate_document, todo, work.start() if len(todo) > 1 or work.scheduler else None,
                         done, call=lambda ntriples, settings, vkey, doc_id: (ntriples, settings))


def _reason(settings: Settings, iris: IRIs, ontology: Graph, store, report: ValidationReport) -> None:
    """OWL: the ontology (and, below a size, the data) checked by HermiT, larger data by the
    RL rules in the store; then the entailments materialised by rules into their graph."""
    inferred, onto_graph = str(iris.graph(INFERRED_GRAPH)), str(iris.graph(ONTOLOGY_GRAPH))
    outside = [inferred, onto_graph]
    individuals = _individuals(store, outside)
    try:
        if individuals <= settings.hermit_max_individuals:
            secs, n = owl_check(_data_graph(store, outside), ontology)
            report.reasoner = f"consistent ({n} individuals, HermiT, {secs:.1f} s)"
        else:
            t = time.perf_counter()
            owl_check(Graph(), ontology)
            problems = inconsistencies(store, ontology, outside)
            if problems:
                raise InconsistentGraph([], "\n".join(problems))
            report.reasoner = (f"consistent ({individuals} individuals: the ontology by HermiT, the data by "
                               f"OWL 2 RL rules, {time.perf_counter() - t:.1f} s)")
    except (InconsistentGraph, ReasonerFailed) as exc:
        raise BuildFailed(str(exc)) from None
    materialise(store, ontology, inferred, [onto_graph])


def _individuals(store, outside: list[str]) -> int:
    keep_out = ", ".join(f"<{g}>" for g in outside)
    query = (f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s) && "
             f"?g NOT IN ({keep_out})) }}")
    return int(next(iter(store.query(query)))["n"].value)


def _data_graph(store, outside: list[str]) -> Graph:
    """What the documents state (every document graph), as one rdflib graph (small builds)."""
    quads = (ox.Triple(q.subject, q.predicate, q.object) for q in store
             if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name.value not in outside)
    return Graph().parse(data=ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES), format="nt")
