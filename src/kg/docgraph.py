"""One document's part of the graph: the work a build maps over documents.

``document_part`` extracts a document and writes its named graph, all but the labels
whose predicate the corpus decides (:mod:`kg.resolve`); a long document's sections may
instead be extracted apart (``section_part``, in parallel) and joined (``joined_part``) into
the same part. ``finish`` applies the label decisions; ``validate_document`` checks the
document's graph alone against the shapes. Each reads only its arguments and the project's
data files, so it runs in any process — a local worker, a Dask worker — and its result,
keyed by its inputs, can be kept (:mod:`kg.artefacts`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .annotate.doc import DocumentContext
from .claims import BEGINNING, Claim
from .config import Settings
from .extraction import context_of, extract_document, extract_in_sections, join_sections
from .namespaces import IRIs
from .ontology import load_ontology
from .rdf import NTriplesWriter, curie, nt_term
from .resolve import LabelChoice, LabelUses, is_label_claim
from .resources import load_resources
from .sources import Document
from .validate import Finding, class_hierarchy, load_shapes, store_of, validate_store


class LabelClaim(NamedTuple):
    """A label a document states, whose predicate (prefLabel or altLabel) the corpus decides."""

    subject: str  # entity key
    predicate: str  # skos:prefLabel | skos:altLabel, as the document states it
    lang: str | None
    value: str
    subject_term: str  # N-Triples
    object_term: str


@dataclass
class DocumentPart:
    """What extraction makes of one document, before the corpus's decisions on labels."""

    doc_id: str
    file_name: str
    language: str
    mentions: int
    other_claims: int  # distinct claims that are not labels
    body: str  # N-Triples: the document's graph but its label triples, one sorted line each
    labels: list[LabelClaim]
    uses: LabelUses
    #: the nodes the graph describes or links to (subjects, and objects minted under the base
    #: IRI), passages excepted: where documents can meet, and so disagree
    nodes: list[str]


class _Written(NamedTuple):
    """Claims written as N-Triples: what a document's part is assembled from."""

    triples: set[tuple[str, str, str]]  # but the labels'
    labels: list[LabelClaim]
    others: set[tuple[str, str, str]]  # the statements of the claims that are not labels
    uses: LabelUses


@dataclass
class SectionPart:
    """What extraction makes of one section of a long document (kg.text.sections): its
    claims written (in the process that extracted them), but its beginnings, which are
    decided over the whole document (kg.claims.one_beginning_per_period)."""

    written: _Written
    beginnings: list[Claim]
    mentions: int
    context: DocumentContext  # (what later sections take, when this one opens the document)


def document_part(document: Document, settings: Settings) -> DocumentPart:
    """The document extracted (a long one section after section: the part a build makes of
    its sections in parallel) and its graph written."""
    resources = load_resources(settings.lexicon_dir, settings.ontology_dir)
    x = extract_in_sections(document, resources, settings.section_chars)
    return _assembled(document, [_written(x.claims, settings)], len(x.mentions), settings)


def section_part(document: Document, settings: Settings, section: tuple[int, int],
                 context: DocumentContext | None) -> SectionPart:
    """One section of a long document extracted and written: ``context`` None for the
    opening one, whose context the part then carries for the others."""
    x = extract_document(document, load_resources(settings.lexicon_dir, settings.ontology_dir), section, context)
    beginnings = [c for c in x.claims if c.predicate == BEGINNING]
    written = _written([c for c in x.claims if c.predicate != BEGINNING], settings)
    return SectionPart(written, beginnings, len(x.mentions), context or context_of(x))


def joined_part(document: Document, sections: list[SectionPart], settings: Settings) -> DocumentPart:
    """The part of a long document from its sections' (in order): what ``document_part``
    gives it."""
    beginnings = join_sections([s.beginnings for s in sections])
    return _assembled(document, [s.written for s in sections] + [_written(beginnings, settings)],
                      sum(s.mentions for s in sections), settings)


def _writer(settings: Settings) -> NTriplesWriter:
    return NTriplesWriter(IRIs(settings.base_iri), load_resources(settings.lexicon_dir, settings.ontology_dir).lexicon)


def _written(claims: list[Claim], settings: Settings) -> _Written:
    writer = _writer(settings)
    triples: set[tuple[str, str, str]] = set()  # N-Triples terms
    labels, others = [], set()
    for claim in claims:
        writer.add_claim(triples, claim)
        s, p, o = writer.node(claim.subject), writer.predicate(claim.predicate), writer.term(claim.object)
        if is_label_claim(claim):
            triples.discard((s, p, o))
            labels.append(LabelClaim(claim.subject, claim.predicate, claim.object.lang, claim.object.value, s, o))
        else:
            others.add((s, p, o))
    return _Written(triples, labels, others, LabelUses.of(claims))


def _assembled(document: Document, pieces: list[_Written], mentions: int, settings: Settings) -> DocumentPart:
    """The document's part: its own statements and its claims', written."""
    triples: set[tuple[str, str, str]] = set()
    _writer(settings).add_document(triples, document)
    labels, others, uses = [], set(), LabelUses()
    for piece in pieces:
        triples |= piece.triples
        labels += piece.labels
        others |= piece.others
        uses.add(piece.uses)
    iris = IRIs(settings.base_iri)
    passages, minted = iris.evidence_base, iris.minted_base
    # (every subject is an IRI: <…>)
    nodes = {s[1:-1] for s, _, _ in triples} | {lc.subject_term[1:-1] for lc in labels}
    nodes |= {o[1:-1] for _, _, o in triples if o[0] == "<" and o.startswith(minted, 1)}
    body = "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in triples))
    return DocumentPart(
        doc_id=document.doc_id, file_name=document.file_name, language=document.language,
        mentions=mentions, other_claims=len(others), body=body, labels=labels,
        uses=uses, nodes=sorted(n for n in nodes if not n.startswith(passages)),
    )


def part_or_failure(document: Document, settings: Settings) -> DocumentPart | str:
    """``document_part``, or what went wrong (one line) when extraction raises on the
    document: a build reports it by the document's name (and may go on without it)."""
    try:
        return document_part(document, settings)
    except Exception as exc:  # noqa: BLE001 - any fault of extraction on this text
        return _failure(exc)


def section_or_failure(document: Document, settings: Settings, section: tuple[int, int],
                       context: DocumentContext | None) -> SectionPart | str:
    """``section_part``, or what went wrong (as ``part_or_failure``)."""
    try:
        return section_part(document, settings, section, context)
    except Exception as exc:  # noqa: BLE001 - any fault of extraction on this text
        return _failure(exc)


def joined_or_failure(document: Document, sections: list[SectionPart], settings: Settings) -> DocumentPart | str:
    """``joined_part``, or what went wrong (as ``part_or_failure``)."""
    try:
        return joined_part(document, sections, settings)
    except Exception as exc:  # noqa: BLE001 - any fault of writing this document's graph
        return _failure(exc)


def _failure(exc: Exception) -> str:
    """One line: the exception and the innermost place it was raised."""
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        where = f" ({Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
        tb = tb.tb_next
    return f"extraction failed: {type(exc).__name__}: {exc}{where}"


_LABEL_PREDICATES = {name: nt_term(curie(name)) for name in ("skos:prefLabel", "skos:altLabel")}


def finish(part: DocumentPart, choice: LabelChoice) -> tuple[bytes, int]:
    """The document's graph (N-Triples, sorted) with the corpus's label decisions, and its
    number of claims (merged, as :func:`kg.resolve.apply_labels` merges them)."""
    final = set()
    for lc in part.labels:
        predicate = choice.predicate(lc.subject, lc.predicate, lc.lang, lc.value)
        final.add(f"{lc.subject_term} {_LABEL_PREDICATES[predicate]} {lc.object_term} .\n")
    lines = part.body.splitlines(keepends=True)
    lines.extend(final)
    lines.sort()
    return "".join(lines).encode("utf-8"), part.other_claims + len(final)


def label_keys(part: DocumentPart) -> set[tuple[str, str | None]]:
    return {(lc.subject, lc.lang) for lc in part.labels}


@lru_cache(maxsize=4)
def _validation_inputs(shapes_dir: Path, ontology_dir: Path):
    return load_shapes(shapes_dir), class_hierarchy(load_ontology(ontology_dir))


def validation_inputs(settings: Settings):
    """The shapes and the ontology's class hierarchy (N-Triples), loaded once per process."""
    return _validation_inputs(settings.shapes_dir, settings.ontology_dir)


def validate_document(ntriples: bytes, settings: Settings) -> list[Finding]:
    """The document's graph checked alone against every shape: its findings."""
    shapes, hierarchy = validation_inputs(settings)
    return validate_store(store_of(ntriples, hierarchy), shapes).findings


#: How much lower than the build's own the priority of a validation the build does not wait
#: for is (nice(1)): the store, the entailments and the search index the build does wait
#: for get the cores first, and the validation the time they leave (a 1 MB document's
#: build: 3-4 s less, the validation then waited for at the end).
BESIDE_NICENESS = 10
_lowered = False  # (whether this process's priority was lowered already)


def validate_document_beside(ntriples: bytes, settings: Settings) -> list[Finding]:
    """``validate_document`` in a local pool's process while the build goes on: this
    process's calling thread, and the threads it starts, are given a lower priority first
    (once: a priority cannot be raised again without privileges)."""
    global _lowered
    if not _lowered:
        try:
            os.nice(BESIDE_NICENESS)
        except OSError:  # (a system that refuses it: the validation runs as it is)
            pass
        _lowered = True
    return validate_document(ntriples, settings)
