"""Extraction: one document in, its claims out.

The document becomes a :class:`~kg.annotate.doc.Doc`; the registered components
(:mod:`kg.annotate` finders, then :mod:`kg.facts` extractors) run over it in the order
their declared needs give (:mod:`kg.components`). Extraction reads nothing but the
document and the shared :class:`~kg.resources.Resources`, so it can run anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import annotate, facts  # noqa: F401  (registers the components)
from .annotate.doc import Doc, DocumentContext
from .annotate.names import Mention
from .claims import Claim, one_beginning_per_period
from .components import Component, PipelineError, registered, run_order
from .resources import Resources
from .sources import Document
from .text import Text, sections


@dataclass
class DocumentExtraction:
    document: Document
    text: Text
    mentions: list[Mention]
    claims: list[Claim]
    doc: Doc  # the annotated state, every layer (for tests and tools)


@lru_cache(maxsize=1)
def pipeline() -> tuple[Component, ...]:
    """Every registered component, in the order they run."""
    return tuple(run_order(registered().values(), given=("document", "text")))


def extract_document(document: Document, resources: Resources, section: tuple[int, int] | None = None,
                     context: DocumentContext | None = None) -> DocumentExtraction:
    """``section``: only that part of the text (start, end: a cut of :func:`kg.text.sections`);
    ``context``: what the section that opens the document found (for any later section)."""
    start, end = section or (0, None)
    doc = Doc(document, Text(document.text, start, end), resources, context=context)
    for comp in pipeline():
        comp(doc)
        missing = [layer for layer in comp.adds if not doc.has(layer)]
        if missing:
            raise PipelineError(f"component {comp.name!r} did not add {', '.join(missing)}")
    return DocumentExtraction(document, doc.text, doc.mentions or [], one_beginning_per_period(doc.sink.claims), doc)


def extract_in_sections(document: Document, resources: Resources, size: int) -> DocumentExtraction:
    """``extract_document``, a long document section after section (:func:`kg.text.sections`): its
    claims and mentions those of every section; ``text`` and ``doc`` the opening section's."""
    cuts = sections(document.text, size)
    if len(cuts) == 1:
        return extract_document(document, resources)
    first = extract_document(document, resources, cuts[0])
    context = context_of(first)
    rest = [extract_document(document, resources, cut, context) for cut in cuts[1:]]
    return DocumentExtraction(document, first.text, [m for x in (first, *rest) for m in x.mentions],
                              join_sections([x.claims for x in (first, *rest)]), first.doc)


def join_sections(claims: list[list[Claim]]) -> list[Claim]:
    """A long document's claims from its sections' (in order)."""
    return one_beginning_per_period([c for section in claims for c in section])


def context_of(extraction: DocumentExtraction) -> DocumentContext:
    """What the later sections of a long document take from its opening section."""
    doc = extraction.doc
    return DocumentContext(doc.facts.get("reference_date"), doc.focus)
