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
from .annotate.doc import Doc
from .annotate.names import Mention
from .claims import Claim, one_beginning_per_period
from .components import Component, PipelineError, registered, run_order
from .resources import Resources
from .sources import Document
from .text import Text


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


def extract_document(document: Document, resources: Resources) -> DocumentExtraction:
    doc = Doc(document, Text(document.text), resources)
    for comp in pipeline():
        comp(doc)
        missing = [layer for layer in comp.adds if not doc.has(layer)]
        if missing:
            raise PipelineError(f"component {comp.name!r} did not add {', '.join(missing)}")
    return DocumentExtraction(document, doc.text, doc.mentions or [], one_beginning_per_period(doc.sink.claims), doc)
