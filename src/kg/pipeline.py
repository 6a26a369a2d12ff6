"""The build: sources -> text -> mentions -> claims -> RDF -> validation -> store.

Each stage lives in its own module; this one only wires them and reports.
"""

from __future__ import annotations

import itertools
import pickle
import re
import sys
import threading
import time
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterator, NamedTuple

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from . import parallel, search_index
from . import store as store_mod
from .artefacts import (ArtefactCache, content_key, document_key, ontology_check_key, pipeline_version,
                        shapes_version)
from .config import Settings
from .docgraph import (DocumentPart, SectionPart, finish, joined_or_failure, label_keys, part_or_failure,
                       section_or_failure, validate_document, validate_document_beside, validation_inputs)
from .extraction import DocumentExtraction, extract_in_sections
from .memory import long_lived
from .namespaces import CNT, IRIs
from .ontology import load_ontology
from .rdf import ONTOLOGY_GRAPH, build_dataset
from .reasoning import inconsistencies, materialise, update_entailments
from .resources import load_resources
from .resolve import LabelChoice, LabelUses, choose_labels, choose_labels_again, resolve, used_keys
from .sources import Document, SourceFile, Stamp, check_language, corpus_files, load_corpus
from .text import sections
from .transaction import build_lock
from .validate import (Finding, InconsistentGraph, ReasonerFailed, ValidationReport, combine,
                       forward_reading_shapes, owl_check, validate_around)

if TYPE_CHECKING:
    from .annotate.doc import DocumentContext  # (a type only: the pool's later sections get one)


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
    doc_ids: list[str]  # the documents built (left out ones excepted)
    report: ValidationReport | None = None
    stats: list[DocumentStats] = field(default_factory=list)
    store_path: Path | None = None
    quads: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    base_iri: str = ""
    store: object = None  # the graph in memory, when the build was not published
    skipped: dict[str, str] = field(default_factory=dict)  # documents left out (file name -> why)
    extracted: int = 0  # documents extracted by this build (the others were read back)
    individuals: int = 0
    unchanged: bool = False  # nothing changed since the published build: nothing was published

    def __post_init__(self) -> None:
        # (listed by file name, whichever order the pool finished the documents in)
        self.stats.sort(key=attrgetter("doc_id"))

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
        extractions.append(extract_in_sections(doc, resources, settings.section_chars))
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
          scheduler: str | None = None, may_skip: Collection[str] | bool = False,
          before_publish: Callable[["BuildResult"], None] | None = None) -> BuildResult:
    """Build the graph from the sources and, with ``publish``, make it the store served —
    one build at a time, an interrupted ingest settled first (kg.transaction).

    Documents are extracted and validated in ``settings.build_jobs`` processes (or on the
    Dask cluster at ``scheduler``); what was done for a document before, with the same
    content and pipeline, is read back instead (kg.artefacts). A document that fails on its
    own — its extraction raises, or its graph violates a shape on a node no other document
    describes — stops the build, unless it is in ``may_skip`` (True: any document): then it
    is left out and listed in ``BuildResult.skipped``. ``before_publish`` is called with the
    result just before the build is published (an ingest takes what was left out of its
    sources then)."""
    if publish:
        with build_lock(settings):
            return _build(settings, progress or _quiet, publish, scheduler, may_skip, before_publish)
    return _build(settings, progress or _quiet, publish, scheduler, may_skip, before_publish)


def _quiet(step: str, done: int, total: int) -> None:
    pass


@dataclass
class _Doc:
    """What the build keeps of a document between its steps (its graph stays in the cache)."""

    file_name: str
    language: str
    key: str
    mentions: int
    label_keys: frozenset


@dataclass
class _Graph:
    """A document's final graph, compressed while the build holds it, and its findings."""

    ntriples: bytes  # zlib
    claims: int
    triples: int
    findings: list[Finding]
    vkey: str = ""  # the key its validation is kept under (kg.artefacts)


class _Work:
    """The pool the build's maps run in, started when first needed (after this process has
    loaded what extraction reads, for a local pool to inherit it)."""

    def __init__(self, settings: Settings, scheduler: str | None):
        self.settings, self.scheduler = settings, scheduler
        self._context = self._side_context = None
        self.pool = self._side = None

    def start(self, items: int, alongside: bool = False):
        """The pool for ``items`` calls (None: run them here — one call, and no cluster).
        ``alongside``: the calls are to go on while this process does other work, so even
        one call goes to the pool (None still with one job: the build keeps to one core)."""
        if not self.scheduler and (items <= 0 or items == 1 and not alongside):
            return None
        if self._context is None:
            self._context = parallel.executor(self.settings.build_jobs, self.scheduler,
                                              self.settings.scheduler_timeout_s)
            self.pool = self._context.__enter__()
        return self.pool

    @property
    def parallel(self) -> bool:
        """Whether calls may go to other processes (a cluster, or more than one job)."""
        return bool(self.scheduler) or (self.settings.build_jobs or parallel.default_jobs()) > 1

    def side(self):
        """A process of this machine apart from the pool (kg.parallel.side_process), forked
        on the first call; None when the build keeps to one job (or to a cluster's)."""
        if self._side_context is None and not self.scheduler and self.parallel:
            self._side_context = parallel.side_process()
            self._side = self._side_context.__enter__()
        return self._side

    def close(self, exc_info=(None, None, None)) -> None:
        if self._side_context is not None:
            self._side_context.__exit__(*exc_info)
            self._side_context = self._side = None
        if self._context is not None:
            self._context.__exit__(*exc_info)
            self._context = None


class _Corpus:
    """The build's documents as the steps see them: their parts, the corpus's uses of
    names and of nodes, and the label decisions made from them."""

    def __init__(self, settings: Settings, parts: ArtefactCache):
        self.settings, self.parts = settings, parts
        self.docs: dict[str, _Doc] = {}
        self.uses, self.nodes = LabelUses(), Counter()
        self.skipped: dict[str, str] = {}  # file name -> why
        self.skipped_keys: dict[str, str] = {}  # file name -> its key (kg.artefacts)
        # one tuple for each (entity, language) the documents label: the state pickles each
        # once, not once per document (dumping it took a third of the time at 10,000)
        self._label_keys: dict[tuple, tuple] = {}
        self.extracted = 0

    def take(self, document: Document, key: str, part: DocumentPart) -> None:
        self.docs[document.doc_id] = _Doc(document.file_name, document.language, key, part.mentions,
                                          frozenset(self._label_keys.setdefault(k, k) for k in label_keys(part)))
        self.uses.add(part.uses)
        self.nodes.update(part.nodes)

    def drop(self, doc_id: str, reason: str) -> None:
        doc = self.docs.pop(doc_id)
        part = self.parts.get(doc.key)
        self.uses.subtract(part.uses)
        self.nodes.subtract(part.nodes)
        self.skipped[doc.file_name] = reason
        self.skipped_keys[doc.file_name] = doc.key

    def keys_by_name(self) -> dict[str, str]:
        """Each document's key (kg.artefacts) by its file name, those left out included."""
        return {**{doc.file_name: doc.key for doc in self.docs.values()}, **self.skipped_keys}

    def choose(self) -> LabelChoice:
        return choose_labels(self.uses, load_resources(self.settings.lexicon_dir, self.settings.ontology_dir).entities())


def _build(settings: Settings, progress: Progress, publish: bool, scheduler: str | None,
           may_skip: Collection[str] | bool, before_publish) -> BuildResult:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    iris = IRIs(settings.base_iri)
    ontology = load_ontology(settings.ontology_dir)  # parsed once: the store, the rules, OWL
    files = corpus_files(settings)
    parts = ArtefactCache(settings, "documents")
    checked = ArtefactCache(settings, "validation")
    # a document the published build left out, unchanged since, is left out again (named)
    # rather than stopping every later build and ingest
    left_out = set(store_mod.current_manifest(settings).get("left_out", {}).values()) if publish else set()
    skippable = (lambda doc_id, key=None: True) if may_skip is True else (
        lambda doc_id, key=None: doc_id in (may_skip or ()) or key in left_out)
    work = _Work(settings, scheduler)
    previous = _Published.read(settings, parts) if publish else None
    if previous is not None:
        try:
            result = _update(settings, iris, ontology, files, previous, parts, checked, work, progress,
                             skippable, before_publish, times)
        except BaseException:
            work.close(sys.exc_info())
            raise
        work.close()
        if result is not None:
            times["total"] = time.perf_counter() - t0
            result.seconds = times
            return result
        times.clear()  # (what the published build was made of is not in the cache: a whole build)
    corpus = _Corpus(settings, parts)
    try:
        _extract(settings, [f.load(settings) for f in files], corpus, work, progress, skippable)
        times["extract"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        choice = corpus.choose()
        times["resolve"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        shared = _SharedValues({node for node, n in corpus.nodes.items() if n > 1})
        graphs = _finish(corpus, choice, list(corpus.docs), shared)
        known = shared.known()
        del shared
        times["resolve"] += time.perf_counter() - t2

        try:
            result = _store_and_check(settings, iris, ontology, corpus, graphs, choice, checked, work, progress,
                                      skippable, publish, before_publish, times, files, known, alongside=True)
        except _Redo:
            # (a document refused while the build went on beside its validation: done
            # again from a new store, in order — the validations are read back)
            result = _store_and_check(settings, iris, ontology, corpus, graphs, choice, checked, work, progress,
                                      skippable, publish, before_publish, times, files, known, alongside=False)
        if publish:
            parts.prune()
            checked.prune()
    except BaseException:
        work.close(sys.exc_info())
        raise
    work.close()
    times["total"] = time.perf_counter() - t0
    result.seconds = times
    return result


class _Redo(Exception):
    """A document failed on its own while the build went on beside its validation, and may
    be left out: what was built meanwhile is discarded and built again without it."""


def _store_and_check(settings: Settings, iris: IRIs, ontology: Graph, corpus: _Corpus, graphs: dict[str, _Graph],
                     choice: LabelChoice, checked: ArtefactCache, work: _Work, progress: Progress, skippable,
                     publish: bool, before_publish, times: dict[str, float], files: list[SourceFile],
                     known: dict[str, bytes], alongside: bool) -> BuildResult:
    """The documents' graphs written into a new store, validated, reasoned over, indexed and
    (``publish``) published; ``known``: what the union says of the nodes documents share
    (_SharedValues). ``alongside`` (and a pool of more than one job): the documents' own
    validations go on in the pool while the store is written, the union validated and the
    entailments and the search index written — all of which assume that no document is
    refused. It is then decided as in order: a document that fails on its own stops the
    build or (may it be skipped) raises _Redo; the union's findings next; a reasoner's
    refusal last."""
    # (the index's process forked before this process opens a store to write)
    side = work.side() if publish else None
    path = store_mod.new_store_dir(settings) if publish else None
    store = ox.Store(str(path)) if path else ox.Store()
    validations = None
    try:
        validations = _DocumentChecks(settings, corpus, graphs, len(graphs), checked, work, progress,
                                      alongside=alongside and work.parallel, known=known)
        t4 = time.perf_counter()
        if validations.alongside:
            validations.take(list(graphs), None)  # (begun now: they need no store)
        times["validate"] = time.perf_counter() - t4
        t3 = time.perf_counter()
        _write(iris, corpus, graphs, store, progress)
        times["store"] = time.perf_counter() - t3
        t4 = time.perf_counter()
        if not validations.alongside:
            validations.take(list(graphs), None)
        if not validations.pending:
            choice, _ = _leave_out_failing(settings, iris, corpus, graphs, store, choice, checked, work, progress,
                                           skippable)
        union = _validate_union(settings, corpus, store, checked, progress)
        times["validate"] = times.get("validate", 0.0) + time.perf_counter() - t4
        if not validations.pending:
            _refuse_nonconforming(_union_report(union, corpus, graphs))
        _add_ontology(iris, ontology, store)
        # the search index reads the union, which reasoning leaves as it is: it is
        # written alongside (in a process of its own, from a checkpoint of the store, when
        # there is one: the other core), and stopped if reasoning fails
        indexing = _SearchIndexing(settings, path, store, progress, side) if publish else None
        refused: BuildFailed | None = None
        reasoned = ValidationReport(True)  # (what the reasoner says, told in the report)
        try:
            t5 = time.perf_counter()
            progress("reasoning", 0, 1)
            try:
                individuals = _reason(settings, iris, ontology, store, reasoned)
            except BuildFailed as exc:
                if not validations.pending:
                    raise
                refused = exc  # (told only if the validations refuse nothing)
            progress("reasoning", 1, 1)
            times["reason"] = time.perf_counter() - t5
            if publish and refused is None:
                t6 = time.perf_counter()
                store.flush()
                store.optimize()  # (while the index may still be written: reads go on)
                times["store"] += time.perf_counter() - t6
            if validations.pending:
                t7 = time.perf_counter()
                validations.wait()
                times["validate wait"] = time.perf_counter() - t7
                failing = _failing_alone(corpus, graphs)
                if failing:
                    _refuse_failing(corpus, failing, skippable)
                    raise _Redo()
                _refuse_nonconforming(_union_report(union, corpus, graphs))
                if refused is not None:
                    raise refused
            if publish:
                indexing.wait(times)
        finally:
            if indexing is not None:
                indexing.stop()
        report = _union_report(union, corpus, graphs)
        report.reasoner = reasoned.reasoner
        result = BuildResult(doc_ids=list(corpus.docs), report=report,
                             stats=[DocumentStats(d.file_name, d.language, d.mentions,
                                                  graphs[i].claims, graphs[i].triples)
                                    for i, d in corpus.docs.items()],
                             base_iri=settings.base_iri, skipped=dict(corpus.skipped),
                             extracted=corpus.extracted, individuals=individuals)
        if publish:
            t6 = time.perf_counter()
            result.quads = len(store)
            del store
            search_index.record_quads(path / search_index.INDEX_NAME, result.quads)
            times["store"] += time.perf_counter() - t6
            t6 = time.perf_counter()
            if before_publish is not None:
                before_publish(result)
            _Published.of(settings, corpus, choice, graphs, result, files).write(path)
            store_mod.publish(settings, path)
            result.store_path = path
            times["store"] += time.perf_counter() - t6
        else:
            result.quads = len(store)
            result.store = store
        return result
    except BaseException:
        if validations is not None:
            validations.cancel()  # (and the build ends the pool's processes)
        if path is not None:
            store_mod.discard(path)
        raise


def _refuse_nonconforming(report: ValidationReport) -> None:
    if not report.conforms:
        raise BuildFailed(f"the graph violates {len(report.violations)} SHACL constraint(s)", report)


def _refuse_failing(corpus: _Corpus, failing: dict[str, list[Finding]], skippable) -> None:
    """BuildFailed naming the documents that fail on their own, unless all may be left out."""
    if not all(skippable(d, corpus.docs[d].key) for d in failing):
        report = ValidationReport(False, [f for fs in failing.values() for f in fs])
        names = ", ".join(corpus.docs[d].file_name for d in failing)
        raise BuildFailed(f"{names}: the document's own graph violates a shape", report)


@dataclass
class _Published:
    """What a published build was made of, kept beside its store (kg.store.MANIFEST): each
    document's key, validation key and figures, the corpus's counts and label decisions,
    the report. The next build starts from it and redoes only what changed."""

    inputs: tuple
    docs: dict[str, tuple]  # doc id -> (key, file name, language, mentions, claims, triples, label keys, vkey)
    uses: LabelUses
    nodes: Counter
    choice: LabelChoice
    findings: list[Finding]  # the report's
    own: dict[str, set]  # doc id -> (shape, focus) of the violations its graph alone commits
    reasoner: str
    individuals: int
    quads: int
    left_out: dict[str, str]  # file name -> key: documents left out, unchanged since
    #: file name -> what the next build may take as unchanged without reading it (_seen)
    seen: dict[str, "_Seen"]

    @staticmethod
    def inputs_of(settings: Settings) -> tuple:
        return (pipeline_version(settings), shapes_version(settings), settings.base_iri,
                settings.hermit_max_individuals)

    @classmethod
    def of(cls, settings: Settings, corpus: _Corpus, choice: LabelChoice, graphs: dict[str, _Graph],
           result: BuildResult, files: list[SourceFile]) -> "_Published":
        return cls(
            inputs=cls.inputs_of(settings),
            docs={d: (doc.key, doc.file_name, doc.language, doc.mentions, graphs[d].claims,
                      graphs[d].triples, doc.label_keys, graphs[d].vkey) for d, doc in corpus.docs.items()},
            uses=corpus.uses, nodes=+corpus.nodes, choice=choice, findings=result.report.findings,
            own={d: {(f.shape, f.focus) for f in g.findings if f.severity == "Violation"} for d, g in graphs.items()},
            reasoner=result.report.reasoner, individuals=result.individuals, quads=result.quads,
            left_out={name: corpus.skipped_keys[name] for name in corpus.skipped
                      if (settings.sources / name).exists()},
            seen=_seen(files, corpus.keys_by_name()))

    def __getstate__(self) -> dict:
        # the findings as tuples: unpickling 54,000 dataclass instances took a second at
        # 10,000 documents, tuples a tenth of that
        return {**vars(self), "findings": [_finding_values(f) for f in self.findings]}

    def __setstate__(self, state: dict) -> None:
        state["findings"] = [Finding(*f) for f in state["findings"]]
        vars(self).update(state)

    def write(self, path: Path) -> None:
        store_mod.write_manifest(path, {"left_out": self.left_out})
        # (not compressed: 80 MB at 10,000 documents beside a store of several GB, and
        # compressing and decompressing it was half of writing and reading it in an update)
        (path / _STATE).write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def read(cls, settings: Settings, parts: ArtefactCache) -> "_Published | None":
        try:
            with long_lived():
                state = pickle.loads((store_mod.current_store_path(settings) / _STATE).read_bytes())
        except (store_mod.StoreMissing, OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                TypeError, ImportError):
            return None
        if not isinstance(state, cls) or state.inputs != cls.inputs_of(settings):
            return None  # (the pipeline, the shapes or the settings changed: everything is redone)
        return state


_STATE = "kg-build.state"
_finding_values = attrgetter(*(f.name for f in fields(Finding)))  # a Finding as a tuple, in field order
#: a source changed this recently may change again with the same stamp (see _seen)
_RACY_NS = 2_000_000_000


class _Seen(NamedTuple):
    """A source as a published build saw it: while its stamp and metadata are these, its
    key is this."""

    stamp: Stamp
    meta: dict
    key: str


def _seen(files: list[SourceFile], keys: dict[str, str]) -> dict[str, _Seen]:
    """What the next build may take as unchanged without reading it: each source's stamp,
    metadata and key. Not a source changed in the last seconds: an edit within the file
    system's clock tick, of the same size, leaves the stamp as it was (git's index calls
    such an entry "racily clean" and reads it again)."""
    recent = time.time_ns() - _RACY_NS
    return {f.name: _Seen(f.stamp, f.meta, keys[f.name]) for f in files
            if f.name in keys and f.stamp is not None and max(f.stamp.mtime_ns, f.stamp.ctime_ns) < recent}


def _update(settings: Settings, iris: IRIs, ontology: Graph, files: list[SourceFile], previous: _Published,
            parts: ArtefactCache, checked: ArtefactCache, work: _Work, progress: Progress, skippable,
            before_publish, times: dict[str, float]) -> BuildResult | None:
    """The published build brought up to date with the sources: documents added, changed
    or gone (and those whose labels the corpus now decides otherwise) redone, in a copy of
    the published store; validation and entailments redone around the nodes they touch.
    Nothing changed: the published build's result, nothing published. None: this cannot be
    done from what is kept (a whole build is needed)."""
    t0 = time.perf_counter()
    by_id = {f.doc_id: f for f in files}
    loaded: dict[str, Document] = {}

    def document(doc_id: str) -> Document:
        if doc_id not in loaded:
            loaded[doc_id] = by_id[doc_id].load(settings)
        return loaded[doc_id]

    keys = {}
    for f in files:
        seen = previous.seen.get(f.name)
        # a source as the published build saw it (the same stamp and metadata): its key is
        # kept, and it is not read again
        keys[f.doc_id] = (seen.key if seen is not None and seen.stamp == f.stamp and seen.meta == f.meta
                          else document_key(document(f.doc_id), settings))
    kept_out = {name: key for name, key in previous.left_out.items()
                if keys.get(name.removesuffix(".txt")) == key}
    current = {d for d in keys if by_id[d].name not in kept_out}
    added = sorted(d for d in current if d not in previous.docs)
    changed = sorted(d for d in current if d in previous.docs and previous.docs[d][0] != keys[d])
    removed = sorted(d for d in previous.docs if d not in current)
    if not (added or changed or removed):
        report = ValidationReport(True, list(previous.findings), reasoner=previous.reasoner)
        times["unchanged"] = time.perf_counter() - t0
        return BuildResult(doc_ids=list(previous.docs), report=report,
                           stats=[DocumentStats(v[1], v[2], v[3], v[4], v[5]) for v in previous.docs.values()],
                           store_path=store_mod.current_store_path(settings), quads=previous.quads,
                           base_iri=settings.base_iri, skipped={n: "left out before, unchanged since" for n in kept_out},
                           individuals=previous.individuals, unchanged=True)
    old_parts = {d: parts.get(previous.docs[d][0]) for d in changed + removed}
    if any(p is None for p in old_parts.values()):
        return None
    corpus = _Corpus(settings, parts)
    corpus.uses.add(previous.uses)
    corpus.nodes.update(previous.nodes)
    for d, (key, file_name, language, mentions, _, _, doc_label_keys, _) in previous.docs.items():
        if d in current and d not in changed:
            corpus.docs[d] = _Doc(file_name, language, key, mentions, doc_label_keys)
    touched: set[str] = set()
    for d, part in old_parts.items():
        corpus.uses.subtract(part.uses)
        corpus.nodes.subtract(part.nodes)
        touched.update(part.nodes)
    corpus.nodes = +corpus.nodes
    corpus.skipped.update({n: "left out before, unchanged since" for n in kept_out})
    corpus.skipped_keys.update(kept_out)
    _extract(settings, [document(d) for d in added + changed], corpus, work, progress, skippable)
    times["extract"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    # (only the labels of the entities the documents redone name can be decided otherwise)
    named = set().union(*(used_keys(part.uses) for part in old_parts.values()),
                        *(used_keys(corpus.parts.get(corpus.docs[d].key).uses) for d in added + changed
                          if d in corpus.docs))
    choice = choose_labels_again(previous.choice, corpus.uses, load_resources(
        settings.lexicon_dir, settings.ontology_dir).entities(), named)
    relabelled = previous.choice.changed(choice)
    redo = sorted({d for d in added + changed if d in corpus.docs}
                  | {d for d, doc in corpus.docs.items() if doc.label_keys & relabelled})
    graphs = _finish(corpus, choice, redo)
    times["resolve"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    path = store_mod.new_store_copy(settings)
    try:
        store = ox.Store(str(path))
        for d in removed + changed + [d for d in redo if d in previous.docs and d not in changed]:
            store_mod.remove_graph(store, str(iris.document_graph(d)), apart=(str(iris.graph(INFERRED_GRAPH)),))
        _write(iris, corpus, graphs, store, progress)
        for d in redo:
            touched.update(corpus.parts.get(corpus.docs[d].key).nodes)
        times["store"] = time.perf_counter() - t2

        t3 = time.perf_counter()
        _validate_documents(settings, corpus, graphs, list(graphs), store, checked, work, progress)
        choice, redone = _leave_out_failing(settings, iris, corpus, graphs, store, choice, checked, work, progress,
                                            skippable)
        for d in redone:
            touched.update(corpus.parts.get(corpus.docs[d].key).nodes)
        redo = sorted(d for d in set(redo) | redone if d in graphs)
        # the report: the published one, but around the nodes touched, redone
        shared = {n for n in touched if corpus.nodes[n] > 1}
        union = _validate_around(settings, store, shared, checked)
        own_by_doc = {d: v for d, v in previous.own.items() if d in corpus.docs and d not in graphs}
        own_by_doc.update({d: {(f.shape, f.focus) for f in g.findings if f.severity == "Violation"}
                           for d, g in graphs.items()})
        own = set().union(*own_by_doc.values()) if own_by_doc else set()
        covered = {n for d in graphs for n in corpus.parts.get(corpus.docs[d].key).nodes}
        # a touched node only one document not redone describes (it shared it with one gone):
        # validated where it stands, as the union check would
        rest = {n for n in touched if corpus.nodes[n] == 1 and n not in covered}
        if rest:
            union.findings.extend(_validate_around(settings, store, rest, checked).findings)
        alone = [f for g in graphs.values() for f in g.findings if f.focus not in shared and f.focus in touched]
        report = combine(union, own, alone + [f for f in previous.findings if f.focus not in touched])
        times["validate"] = time.perf_counter() - t3
        stats = {d: DocumentStats(v[1], v[2], v[3], v[4], v[5]) for d, v in previous.docs.items() if d in corpus.docs}
        stats.update({d: DocumentStats(corpus.docs[d].file_name, corpus.docs[d].language,
                                       corpus.docs[d].mentions, graphs[d].claims, graphs[d].triples) for d in graphs})
        result = BuildResult(doc_ids=list(corpus.docs), report=report,
                             stats=[stats[d] for d in corpus.docs],
                             base_iri=settings.base_iri, skipped=dict(corpus.skipped), extracted=corpus.extracted)
        if not report.conforms:
            raise BuildFailed(f"the graph violates {len(report.violations)} SHACL constraint(s)", report)

        t4 = time.perf_counter()
        progress("reasoning", 0, 1)
        change = _changes(settings, iris, store, previous, corpus, graphs)
        result.individuals = _reason(settings, iris, ontology, store, report, change=change, previous=previous)
        progress("reasoning", 1, 1)
        times["reason"] = time.perf_counter() - t4

        t5 = time.perf_counter()
        store.flush()
        result.quads = previous.quads + change.quads
        del store
        times["store"] += time.perf_counter() - t5
        _update_search_index(settings, path, change, result.quads, progress, times)
        t5 = time.perf_counter()
        if before_publish is not None:
            before_publish(result)
        state = _Published(
            inputs=previous.inputs,
            docs={d: (doc.key, doc.file_name, doc.language, doc.mentions,
                      graphs[d].claims if d in graphs else previous.docs[d][4],
                      graphs[d].triples if d in graphs else previous.docs[d][5], doc.label_keys,
                      graphs[d].vkey if d in graphs else previous.docs[d][7]) for d, doc in corpus.docs.items()},
            uses=corpus.uses, nodes=+corpus.nodes, choice=choice, findings=report.findings, own=own_by_doc,
            reasoner=report.reasoner, individuals=result.individuals, quads=result.quads,
            left_out={name: corpus.skipped_keys[name] for name in corpus.skipped
                      if (settings.sources / name).exists() and name in corpus.skipped_keys},
            seen=_seen(files, corpus.keys_by_name()))
        state.write(path)
        store_mod.publish(settings, path)
        result.store_path = path
        times["store"] += time.perf_counter() - t5
        parts.prune(keep=previous_keys(previous, corpus))
        checked.prune(keep={v[7] for v in state.docs.values()})
        return result
    except BaseException:
        store_mod.discard(path)
        raise


class _SearchIndexing:
    """The search page's full-text index of the build (kg.search_index), written while the
    build goes on: in ``side`` (a process of its own: the index is Python, and would share
    this process's interpreter lock with the entailments) from a checkpoint of the store as
    it is now, or else in a thread from the store itself (the index reads only the union,
    which reasoning leaves as it is). ``wait`` takes it (re-raising what it raised); ``stop``
    ends it whatever happened, and returns once it is gone (its file removed unless it was
    finished)."""

    def __init__(self, settings: Settings, path: Path, store, progress: Progress, side=None):
        self._progress = progress
        self._seconds = 0.0
        self._source = None
        target = path / search_index.INDEX_NAME
        started = time.perf_counter()
        if side is not None:
            self._source = store_mod.checkpoint(settings, store)
            self._stop = search_index.StopFile(target.with_name(target.name + ".stop"))
            self._pool = None
            self._future = side.submit(search_index.write_index, self._source, settings.lexicon_dir,
                                       settings.ontology_dir, index_path=target, quads=0, stop=self._stop)
        else:
            self._stop = threading.Event()
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="search-index")
            self._future = self._pool.submit(search_index.build_index, store, target, settings.lexicon_dir,
                                             settings.ontology_dir, quads=0, stop=self._stop)
        self._future.add_done_callback(lambda _: setattr(self, "_seconds", time.perf_counter() - started))

    def wait(self, times: dict[str, float]) -> None:
        t = time.perf_counter()
        self._progress("indexing for search", 0, 1)  # (told here: one step at a time is shown)
        self._future.result()
        self._progress("indexing for search", 1, 1)
        # (its own time; the part of it that outlasted reasoning is the build's wait for it)
        times["index"] = self._seconds
        times["index wait"] = time.perf_counter() - t

    def stop(self) -> None:
        self._stop.set()
        try:
            self._future.exception()  # (gone, whatever it raised: told by ``wait`` if anyone asks)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
            if self._source is not None:
                self._stop.clear()
                store_mod.discard(self._source)
                self._source = None


def _update_search_index(settings: Settings, path: Path, change: _Change, quads: int, progress: Progress,
                         times: dict[str, float]) -> None:
    """The published build's search index, copied beside the updated store and brought up to
    date with what changed in the union (the index a build from nothing writes: tested)."""
    t = time.perf_counter()
    progress("indexing for search", 0, 1)
    published = store_mod.held_current_store(settings)
    try:
        search_index.update_index(path, published / search_index.INDEX_NAME, change.statements.union_added,
                                  change.statements.union_removed, settings.lexicon_dir, settings.ontology_dir,
                                  quads=quads)
    finally:
        store_mod.release(published)
    progress("indexing for search", 1, 1)
    times["index"] = time.perf_counter() - t


def previous_keys(previous: _Published, corpus: _Corpus) -> set[str]:
    """The cache keys a later update may need: every document's current part."""
    return {doc.key for doc in corpus.docs.values()}


def _extract(settings: Settings, documents: list[Document], corpus: _Corpus, work: _Work,
             progress: Progress, skippable) -> None:
    """Every document's part, extracted (in the pool) or read back from the cache."""
    step = "extracting documents"
    total = len(documents)
    progress(step, 0, total)
    todo = []
    for doc in documents:
        key = document_key(doc, settings)
        part = corpus.parts.get(key)
        if part is None:
            # (a cached part was checked when it was made: only new text is checked here)
            check_language(doc.file_name, doc.text, doc.language, settings.lexicon_dir / "languages.yaml")
            todo.append((doc, key))
        else:
            corpus.take(doc, key, part)
            progress(step, len(corpus.docs), total)

    def done(item, outcome: DocumentPart | str) -> None:
        doc, key = item[:2]
        if isinstance(outcome, str):
            if not skippable(doc.doc_id, key):
                raise BuildFailed(f"{doc.file_name}: {outcome}")
            corpus.skipped[doc.file_name] = outcome
            corpus.skipped_keys[doc.file_name] = key
        else:
            corpus.parts.put(key, outcome)
            corpus.take(doc, key, outcome)
            corpus.extracted += 1
        progress(step, len(corpus.docs) + len(corpus.skipped), total)

    # A long document is read in sections (kg.text.sections): its opening one here, for what
    # the others take from it, and they in the pool beside the other documents.
    long = {key: cuts for doc, key in todo if len(cuts := sections(doc.text, settings.section_chars)) > 1}
    items: list[tuple] = []
    read: dict[str, list] = {}  # key -> each section's part (None until read)
    for doc, key in todo:
        if key not in long:
            continue
        opening = section_or_failure(doc, settings, long[key][0], None)
        if isinstance(opening, str):
            done((doc, key), opening)
            continue
        read[key] = [opening] + [None] * (len(long[key]) - 1)
        items += [(doc, key, i, cut, opening.context) for i, cut in enumerate(long[key]) if i]
    whole = [(doc, key) for doc, key in todo if key not in long]
    if whole and not read and work.scheduler is None:
        # one here first: this process loads what extraction reads, and a local pool's
        # workers (forked) start with it
        item = whole.pop(0)
        done(item, part_or_failure(item[0], settings))

    def section_done(item, outcome: SectionPart | str) -> None:
        doc, key, i = item[:3]
        parts = read.get(key)
        if parts is None:
            return  # (another section of it failed: told already)
        if isinstance(outcome, str):
            del read[key]
            done((doc, key), outcome)
            return
        parts[i] = outcome
        if all(p is not None for p in parts):
            del read[key]
            done((doc, key), joined_or_failure(doc, parts, settings))

    def item_done(item, outcome) -> None:  # (an item is (doc, key), or (doc, key, i, cut, context))
        (section_done if len(item) > 2 else done)(item, outcome)

    parallel.run_map(_extract_item, items + whole, work.start(len(items) + len(whole)), item_done,
                     call=lambda doc, key, *section: (doc, settings, *section[1:]))


def _extract_item(doc: Document, settings: Settings, section: tuple[int, int] | None = None,
                  context: DocumentContext | None = None) -> DocumentPart | SectionPart | str:
    """What the pool does for a document (its part), or for a section of a long one."""
    if section is None:
        return part_or_failure(doc, settings)
    return section_or_failure(doc, settings, section, context)


def _finish(corpus: _Corpus, choice: LabelChoice, doc_ids: list[str],
            shared: "_SharedValues | None" = None) -> dict[str, _Graph]:
    """The documents' final graphs: their parts with the corpus's label decisions (and what
    they say of the nodes documents share, gathered into ``shared``)."""
    graphs = {}
    for doc_id in doc_ids:
        part = corpus.parts.get(corpus.docs[doc_id].key)
        ntriples, claims = finish(part, choice)
        if shared is not None:
            shared.add(ntriples, part.nodes)
        graphs[doc_id] = _Graph(zlib.compress(ntriples, 1), claims, ntriples.count(b"\n"), [])
    return graphs


class _SharedValues:
    """What the union says of the nodes several documents share — their types and literal
    values, a document's full text excepted: what a document's validation reads of them
    (``_types_and_values``) — gathered from the documents' graphs as they are made. The
    union is their set union, so the documents' validations need not wait for the store
    to be written: the pool, idle while it is, validates them meanwhile."""

    # a statement of a typing, or with a literal object but a document's text (cnt:chars);
    # subjects are IRIs, and N-Triples escapes a line break inside a literal
    _LINE = re.compile(rb"^<[^>]*> (?:<" + re.escape(str(RDF.type).encode()) + rb"> |<(?!"
                       + re.escape(str(CNT.chars).encode()) + rb">)[^>]*> \")[^\n]*\n", re.M)

    def __init__(self, nodes: set[str]):
        # node -> (the start of its lines, its lines found)
        self._nodes: dict[str, tuple[bytes, set[bytes]]] = {n: (b"<" + n.encode("utf-8") + b"> ", set()) for n in nodes}

    def add(self, ntriples: bytes, nodes: list[str]) -> None:
        """What a document's graph (N-Triples, sorted) says of those of ``nodes`` (the nodes
        it describes) that are shared: a subject's lines are one block of the sorted lines,
        found by a search of the bytes (scanning every line took 1.2 s at 1,000 documents, this
        0.4 s)."""
        for node in self._nodes.keys() & nodes:
            prefix, found = self._nodes[node]
            if ntriples.startswith(prefix):
                start = 0
            else:
                start = ntriples.find(b"\n" + prefix) + 1
                if start == 0:
                    continue  # (not a subject here: only linked to)
            end = start
            while ntriples.startswith(prefix, end):
                end = ntriples.index(b"\n", end) + 1
            found.update(m.group(0) for m in self._LINE.finditer(ntriples, start, end))

    def known(self) -> dict[str, bytes]:
        """Each shared node's statements, N-Triples, one sorted line each (as
        ``_types_and_values`` gives them from a store)."""
        return {n: b"".join(sorted(lines)) for n, (_, lines) in self._nodes.items()}


def _validate_documents(settings: Settings, corpus: _Corpus, graphs: dict[str, _Graph], doc_ids: list[str],
                        store, checked: ArtefactCache, work: _Work, progress: Progress) -> None:
    """Each document's graph validated on its own (``_DocumentChecks``), done when this returns."""
    checks = _DocumentChecks(settings, corpus, graphs, len(doc_ids), checked, work, progress)
    checks.take(doc_ids, store)
    checks.wait()


class _DocumentChecks:
    """Each document's graph validated on its own — with what the union says of the nodes
    it shares with other documents (their types and values: a place another document types)
    — in the pool, unless the same input was validated before (kept under ``vkey``).

    ``known`` (kg.pipeline._SharedValues.known) gives what the union says of the shared
    nodes; without it, it is read from the store. ``alongside``: the calls go on in the
    pool, fed by a thread of this process, while the build goes on (writes the store,
    validates the union, reasons); ``wait`` takes their findings (re-raising what a call
    raised). Otherwise ``take`` returns with them done. ``cancel`` gives up the calls not
    started (the build failed meanwhile: the pool's processes are ended with it)."""

    _STEP = "validating documents"

    def __init__(self, settings: Settings, corpus: _Corpus, graphs: dict[str, _Graph], total: int,
                 checked: ArtefactCache, work: _Work, progress: Progress, alongside: bool = False,
                 known: dict[str, bytes] | None = None):
        self.settings, self.corpus, self.graphs, self.total = settings, corpus, graphs, total
        self.checked, self.work, self.progress, self.alongside = checked, work, progress, alongside
        self.version = shapes_version(settings)
        self.known: dict[str, bytes] = dict(known or {})
        self.done_count = 0
        self._futures: dict = {}
        self._begun = False
        self._feeder: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._cancelled = False

    def take(self, doc_ids: list[str], store) -> None:
        """Validate ``doc_ids`` (``store`` None: what the union says of their shared nodes is
        all in ``known``). Inputs are made as the pool takes them: the pool is not left idle
        while the next ones are read, nor while the last of a batch finish (at 10,000
        documents, batches of 256 each waited for their slowest)."""
        if not self._begun:
            self._begun = True
            self.progress(self._STEP, 0, self.total)
        items = self._inputs(doc_ids, store)
        first = list(itertools.islice(items, 2))  # (none or one: no pool is started for it)
        items = itertools.chain(first, items)
        pool = self.work.start(len(first) if len(first) < 2 else len(doc_ids), alongside=self.alongside)
        if not (self.alongside and pool is not None):
            parallel.run_map(validate_document, items, pool, self._done, call=self._call)
            return
        # (on this machine, at a lower priority than the work the build waits for)
        check = validate_document if self.work.scheduler else validate_document_beside
        self._feeder = threading.Thread(target=self._feed, args=(items, pool, check), name="kg-validations",
                                        daemon=True)
        self._feeder.start()

    _BACKLOG = 256

    def _feed(self, items: Iterator[tuple], pool, check) -> None:
        """The feeder thread: every item submitted, at most _BACKLOG in flight (their graphs
        wait in memory), and findings taken as they come, to the last; what went wrong kept
        for ``wait``."""
        try:
            for item in items:
                if self._cancelled:
                    return
                if len(self._futures) >= self._BACKLOG:
                    finished = next(as_completed(list(self._futures)))
                    self._done(self._futures.pop(finished), finished.result())
                self._futures[pool.submit(check, *self._call(*item))] = item
            for finished in as_completed(list(self._futures)):
                self._done(self._futures.pop(finished), finished.result())
        except BaseException as exc:  # noqa: BLE001 - told by wait()
            self._failure = exc

    def _inputs(self, doc_ids: list[str], store) -> Iterator[tuple]:
        """(input, settings, vkey, doc id) of each document whose validation is not in the
        cache (those in it are taken from it as they come)."""
        for doc_id in doc_ids:
            ntriples = zlib.decompress(self.graphs[doc_id].ntriples)
            linked = {n.decode("utf-8") for n in set(re.findall(rb"<([^>]*)>", ntriples))}
            shared = {n for n in linked if self.corpus.nodes[n] > 1}
            data = ntriples + _types_and_values(store, shared, self.known)
            vkey = self.graphs[doc_id].vkey = content_key(data, self.version)
            findings = self.checked.get(vkey)
            if findings is None:
                yield data, self.settings, vkey, doc_id
            else:
                self.graphs[doc_id].findings = findings
                self._count()

    @staticmethod
    def _call(data, settings, vkey, doc_id) -> tuple:
        return data, settings

    def _done(self, item: tuple, findings: list[Finding]) -> None:
        self.checked.put(item[2], findings)
        self.graphs[item[3]].findings = findings
        self._count()

    def _count(self) -> None:
        self.done_count += 1
        self.progress(self._STEP, self.done_count, self.total)

    @property
    def pending(self) -> bool:
        return self._feeder is not None

    def wait(self) -> None:
        if self._feeder is None:
            return
        self._feeder.join()
        self._feeder = None
        if self._failure is not None:
            raise self._failure

    def cancel(self) -> None:
        self._cancelled = True
        for future in list(self._futures):
            future.cancel()
        if self._feeder is not None:
            self._feeder.join()
            self._feeder = None


def _leave_out_failing(settings: Settings, iris: IRIs, corpus: _Corpus, graphs: dict[str, _Graph], store,
                       choice: LabelChoice, checked: ArtefactCache, work: _Work, progress: Progress,
                       skippable) -> tuple[LabelChoice, set[str]]:
    """Documents that fail on their own stop the build (BuildFailed naming them), unless they
    may be skipped: then they are taken out of the store and the corpus, the documents whose
    labels the corpus then decides otherwise rewritten, and all validated again (from the
    cache where nothing changed). Returns the label decisions, and the documents rewritten."""
    inferred = str(iris.graph(INFERRED_GRAPH))
    rewritten: set[str] = set()
    while True:
        failing = _failing_alone(corpus, graphs)
        if not failing:
            return choice, rewritten
        _refuse_failing(corpus, failing, skippable)
        for doc_id, findings in failing.items():
            store_mod.remove_graph(store, str(iris.document_graph(doc_id)), apart=(inferred,))
            del graphs[doc_id]
            rewritten.discard(doc_id)
            f = findings[0]
            corpus.drop(doc_id, f"its graph violates {f.shape} on <{f.focus}>: {f.message}")
        old, choice = choice, corpus.choose()
        again = [d for d, doc in corpus.docs.items() if doc.label_keys & old.changed(choice)]
        for doc_id in again:
            store_mod.remove_graph(store, str(iris.document_graph(doc_id)), apart=(inferred,))
        graphs.update(_finish(corpus, choice, again))
        _write(iris, corpus, {d: graphs[d] for d in again}, store, progress)
        rewritten.update(again)
        # (what the union says of the nodes they link to may have changed: checked again,
        # from the cache where it did not)
        _validate_documents(settings, corpus, graphs, list(graphs), store, checked, work, progress)


def _failing_alone(corpus: _Corpus, graphs: dict[str, _Graph]) -> dict[str, list[Finding]]:
    """Documents whose own graph violates a shape on a node no other document describes (no
    other document can supply what it lacks): each with those violations."""
    failing = {}
    for doc_id, graph in graphs.items():
        own = [f for f in graph.findings if f.severity == "Violation" and corpus.nodes[f.focus] <= 1]
        if own:
            failing[doc_id] = own
    return failing


def _types_and_values(store, nodes: set[str], known: dict[str, bytes]) -> bytes:
    """The types and literal values the union gives ``nodes`` (N-Triples, one sorted line
    each; a document's full text excepted), from ``known`` or else the store. ``known``
    keeps each node's for the rest of the build: a node many documents name (an
    organisation, a country) has as many statements, read once."""
    rdf_type, chars = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(CNT.chars))
    out = []
    for node in sorted(nodes):
        if node not in known:
            triples = [ox.Triple(q.subject, q.predicate, q.object)
                       for q in store.quads_for_pattern(ox.NamedNode(node), None, None, ox.DefaultGraph())
                       if q.predicate == rdf_type or (isinstance(q.object, ox.Literal) and q.predicate != chars)]
            lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
            known[node] = b"".join(sorted(lines))
        out.append(known[node])
    return b"".join(out)


def _write(iris: IRIs, corpus: _Corpus, graphs: dict[str, _Graph], store, progress) -> None:
    """Documents' graphs into their named graphs and into the union (the default graph)."""
    loader = store_mod.GraphLoader(store)
    step = "writing the store"
    progress(step, 0, len(graphs))
    for n, doc_id in enumerate([d for d in corpus.docs if d in graphs], 1):
        loader.add(str(iris.document_graph(doc_id)), zlib.decompress(graphs[doc_id].ntriples))
        if n % 100 == 0:
            progress(step, n, len(graphs))
    loader.flush()
    progress(step, len(graphs), len(graphs))


def _validate_union(settings: Settings, corpus: _Corpus, store, checked: ArtefactCache,
                    progress: Progress) -> ValidationReport:
    """What documents can disagree on, validated over the union: the nodes several documents
    describe, on what shapes read about them in the union (kg.validate.neighbourhood). The
    documents' own findings are not needed for it (``_union_report`` joins them)."""
    shared = {node for node, n in corpus.nodes.items() if n > 1}
    progress("validating the union", 0, 1)
    union = _validate_around(settings, store, shared, checked)
    progress("validating the union", 1, 1)
    return union


def _union_report(union: ValidationReport, corpus: _Corpus, graphs: dict[str, _Graph]) -> ValidationReport:
    """The build's report: the union decides whether a finding there is a document's error,
    documents disagreeing, or something one document lacks and another supplies
    (kg.validate.combine); a node only one document describes keeps that document's own
    findings."""
    own = {(f.shape, f.focus) for g in graphs.values() for f in g.findings if f.severity == "Violation"}
    shared = {node for node, n in corpus.nodes.items() if n > 1}
    alone = [f for g in graphs.values() for f in g.findings if f.focus not in shared]
    return combine(union, own, alone)


def _validate_around(settings: Settings, store, nodes: set[str], checked: ArtefactCache) -> ValidationReport:
    """``nodes`` validated on what the union says around them (kg.validate.validate_around):
    passages and documents, which each document's own validation read, pruned. Which shapes
    read only forward from their node is kept in the cache with the validations (reading
    the queries takes rdflib's SPARQL parser, a second to load: not for every update)."""
    if not nodes:
        # (nothing to validate: which shapes read only forward, worked out by reading their
        # queries with rdflib's SPARQL parser, is not needed — a second or more)
        return ValidationReport(True, [])
    iris = IRIs(settings.base_iri)
    shapes, hierarchy = validation_inputs(settings)
    key = content_key(b"shapes reading forward", shapes_version(settings))
    forward = checked.get(key)
    if forward is None:
        forward = frozenset(str(shape) for shape in forward_reading_shapes(shapes))
        checked.put(key, forward)
    return validate_around(store, nodes, shapes, hierarchy, iris.minted_base,
                           pruned=(iris.evidence_base, str(iris.document(""))), leave_out=(str(CNT.chars),),
                           forward=forward)


def _add_ontology(iris: IRIs, ontology: Graph, store) -> None:
    """The ontology in its graph, and in the union (one load: its blank nodes stay one)."""
    graph = iris.graph(ONTOLOGY_GRAPH)
    store.bulk_load(ontology.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(str(graph)))
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def _reason(settings: Settings, iris: IRIs, ontology: Graph, store, report: ValidationReport,
            change: "_Change | None" = None, previous: "_Published | None" = None) -> int:
    """OWL: the ontology (and, below a size, the data) checked by HermiT, larger data by the
    RL rules in the store; then the entailments materialised by rules into their graph
    (``change``: brought up to date with what an update changed, the rest as ``previous``
    left it; the quads it gained noted in it). Returns the number of individuals."""
    inferred, onto_graph = str(iris.graph(INFERRED_GRAPH)), str(iris.graph(ONTOLOGY_GRAPH))
    outside = [inferred, onto_graph]
    individuals = (_individuals(store, outside) if change is None
                   else previous.individuals + change.statements.individuals)
    large = individuals > settings.hermit_max_individuals
    t = time.perf_counter()
    # (an update keeps the ontology the published build checked)
    with _OntologyCheck(settings, ontology, wanted=large and previous is None) as ontology_check:
        try:
            if not large:
                secs, n = owl_check(_data_graph(store, outside), ontology)
                report.reasoner = f"consistent ({n} individuals, HermiT, {secs:.1f} s)"
            else:
                problems = inconsistencies(store, ontology, only=change.nodes() if change is not None else None)
                if problems:
                    raise InconsistentGraph([], "\n".join(problems))
        except (InconsistentGraph, ReasonerFailed) as exc:
            ontology_check.settle()  # (the ontology's own fault, if it has one, is the one told)
            raise BuildFailed(str(exc)) from None
        if change is None:
            materialise(store, ontology, inferred, [onto_graph])
        else:
            inserted, deleted = update_entailments(store, ontology, inferred, [onto_graph], change.statements.added,
                                                    change.statements.removed)
            change.inferred_quads = inserted - deleted
        ontology_check.settle()
    if large:
        report.reasoner = (f"consistent (over {settings.hermit_max_individuals} individuals: the ontology by "
                           f"HermiT{ontology_check.how}, the data by OWL 2 RL rules, {time.perf_counter() - t:.1f} s)")
    return individuals


class _OntologyCheck:
    """HermiT's check of the ontology alone (a build too large for HermiT to take its data),
    run in a thread while the data is checked and its entailments written — HermiT is a
    Java process, on the other core — or read back: a verdict of consistency is kept under
    the ontology's key (kg.artefacts.ontology_check_key), so an unchanged ontology is not
    checked again, and a changed one is. ``settle`` waits for it and raises BuildFailed
    when the ontology is inconsistent or HermiT cannot read it; leaving the block waits for
    the thread whatever happened."""

    def __init__(self, settings: Settings, ontology: Graph, wanted: bool):
        self.how = ""
        self._future = self._pool = None
        if not wanted:
            return
        self._verdicts = ArtefactCache(settings, "reasoner")
        self._key = ontology_check_key(settings)
        if self._verdicts.get(self._key) == "consistent":
            self.how = ", checked before"
        else:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="hermit")
            self._future = self._pool.submit(owl_check, Graph(), ontology)
        self._verdicts.prune()  # (verdicts on other versions of the ontology)

    def settle(self) -> None:
        if self._future is None:
            return
        future, self._future = self._future, None
        try:
            future.result()
        except (InconsistentGraph, ReasonerFailed) as exc:
            raise BuildFailed(f"the ontology: {exc}") from None
        self._verdicts.put(self._key, "consistent")

    def __enter__(self) -> "_OntologyCheck":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


@dataclass
class _Change:
    """What an update changed in the store (kg.store.StatementChanges), and the quads it gained."""

    statements: store_mod.StatementChanges
    graph_quads: int  # gained by the named graphs and the union
    inferred_quads: int = 0  # gained by the inferred graph (kg.reasoning.update_entailments)

    @property
    def quads(self) -> int:
        return self.graph_quads + self.inferred_quads

    def nodes(self) -> set[str]:
        """The IRIs of the statements the union gained (what may have become inconsistent)."""
        return {t.value for s, _, o in self.statements.union_added for t in (s, o) if isinstance(t, ox.NamedNode)}


def _changes(settings: Settings, iris: IRIs, store, previous: _Published, corpus: _Corpus,
             graphs: dict[str, _Graph]) -> _Change:
    """What an update changed, read from the published store and from its copy being updated,
    over the graphs of the documents gone or redone (no other statement was touched)."""
    apart = {ox.NamedNode(str(iris.graph(INFERRED_GRAPH))), ox.NamedNode(str(iris.graph(ONTOLOGY_GRAPH)))}
    published = store_mod.held_current_store(settings)
    try:
        before = ox.Store.read_only(str(published))
        old = [store_mod.graph_triples(before, str(iris.document_graph(d)))
               for d in previous.docs if d not in corpus.docs or d in graphs]
        new = [store_mod.graph_triples(store, str(iris.document_graph(d))) for d in graphs]
        changes = store_mod.statement_changes(before, store, {t for ts in old for t in ts}, {t for ts in new for t in ts},
                                              apart)
        del before
    finally:
        store_mod.release(published)
    return _Change(changes, graph_quads=sum(map(len, new)) - sum(map(len, old)) + len(changes.union_added)
                   - len(changes.union_removed))


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
