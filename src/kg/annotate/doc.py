"""The document state every extraction component reads and adds to (one per document).

A :class:`Doc` starts with the document, its normalised text (offsets kept) and the shared
resources; components fill its layers — ``mentions``, ``times``, ``figures``,
``triggers``, ``activity_hits``, ``sentences``, ``focus`` — and the fact extractors add
claims to ``sink``. Offsets in layers are into ``text.norm``; :meth:`Doc.evidence` maps a
span back to the original file for the Web Annotation selectors.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..claims import ClaimSink, Evidence
from ..sources import Document
from ..text import Text

if TYPE_CHECKING:  # layers' types, for readers and checkers only
    from ..language import Language
    from ..lexicon import Entities, Lexicon
    from ..resources import Resources
    from .activity_terms import ActivityHit
    from .dates import TimeExpression
    from .figures import Figure
    from .names import Mention
    from .sentences import Focus, SentenceView
    from .triggers import TriggerHit


@dataclass(frozen=True)
class DocumentContext:
    """What a section of a long document takes from the section that opens it (kg.text.sections):
    the date its relative dates are read against, and whom and where the document is
    about. A section that does not open its document states nothing of the document itself
    (title, date, dateline): the opening section does."""

    reference_date: str | None
    focus: "Focus"


@dataclass
class Doc:
    document: Document
    text: Text
    resources: "Resources"
    # layers, None until a component adds them
    mentions: list["Mention"] | None = None
    times: list["TimeExpression"] | None = None
    figures: list["Figure"] | None = None
    triggers: list["TriggerHit"] | None = None
    activity_hits: list["ActivityHit"] | None = None
    sentences: list["SentenceView"] | None = None
    focus: "Focus | None" = None
    sink: ClaimSink = field(init=False)
    #: what one fact extractor leaves for the others (offices found, activities by span …)
    facts: dict[str, Any] = field(default_factory=dict)
    #: a section after the first of a long document: what the opening section found (None:
    #: the whole document, or its opening section)
    context: DocumentContext | None = None

    #: the entities this document can refer to (its own over the lexicon's and gazetteer's)
    entities: "Entities" = field(init=False)

    #: the sentences by offset and by paragraph (built when first asked, for the list of
    #: sentences then held): a question about a position costs a look-up, not a scan of
    #: the document, which would make a long document's extraction quadratic
    _sentence_index: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.sink = ClaimSink(self.document.doc_id)
        self.entities = self.resources.entities()

    def _sentences_indexed(self) -> tuple:
        index = self._sentence_index
        if index is None or index[0] is not self.sentences:
            sentences = self.sentences or []
            by_paragraph: dict[int, list] = {}
            for sent in sentences:
                by_paragraph.setdefault(sent.paragraph, []).append(sent)
            index = self._sentence_index = (self.sentences, [s.start for s in sentences], by_paragraph)
        return index

    def sentence_containing(self, pos: int) -> "SentenceView | None":
        """The sentence whose span holds the normalised offset ``pos`` (sentences do not
        overlap), or None."""
        sentences, starts, _ = self._sentences_indexed()
        i = bisect_right(starts, pos) - 1
        if i >= 0 and sentences[i].start <= pos < sentences[i].end:
            return sentences[i]
        return None

    def paragraph_sentences(self, paragraph: int) -> list["SentenceView"]:
        """The sentences of a paragraph, in order."""
        return self._sentences_indexed()[2].get(paragraph, [])

    LAYERS = ("mentions", "times", "figures", "triggers", "activity_hits", "sentences", "focus", "facts")

    def has(self, layer: str) -> bool:
        if layer in ("document", "text"):
            return True
        if layer in self.LAYERS:
            return getattr(self, layer) is not None
        return layer in self.facts

    # -- conveniences the extractors share ------------------------------------------
    @property
    def opens_document(self) -> bool:
        """Whether this text starts the document (its header, its dateline are here)."""
        return self.context is None

    @property
    def lang(self) -> str:
        return self.document.language

    @property
    def language(self) -> "Language":
        return self.resources.language(self.document.language)

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    @property
    def lexicon(self) -> "Lexicon":
        return self.resources.lexicon

    @property
    def lexicon_dir(self) -> Path:
        return self.resources.lexicon_dir

    @property
    def ontology_dir(self) -> Path:
        return self.resources.ontology_dir

    @property
    def focal_org(self) -> str | None:
        return self.focus.org if self.focus else None

    @property
    def focal_country(self) -> str | None:
        return self.focus.country if self.focus else None

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for a normalised span, as offsets into the original file."""
        s, e = self.text.to_original(start, end)
        return Evidence.of(self.document.doc_id, self.document.text, s, e)

    def sentence_evidence(self, sent) -> Evidence:
        return self.evidence(sent.start, sent.end)
