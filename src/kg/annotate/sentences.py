"""What the extractors see of a document: its sentences, each with the mentions,
time expressions, figures and trigger words inside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..components import component
from ..text import Text
from .names import Mention
from .places import SPECIAL_ROLES, document_country
from .dates import TimeExpression
from .figures import Figure
from .triggers import TriggerHit


@dataclass
class SentenceView:
    start: int  # normalised offsets
    end: int
    text: str
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    triggers: list[TriggerHit] = field(default_factory=list)
    paragraph: int = 0  # sentences between the same hard breaks share a paragraph

    @property
    def orgs(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "organisation"]

    @property
    def places(self) -> list[Mention]:
        """The places the sentence states something about: not a dateline's or a contact
        line's (where the text was filed, whom to call)."""
        return [m for m in self.mentions if m.kind == "place" and m.role not in SPECIAL_ROLES]

    def hits(self, kind: str) -> list[TriggerHit]:
        return [t for t in self.triggers if t.kind == kind]

    def has(self, kind: str) -> bool:
        return any(t.kind == kind for t in self.triggers)

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


@dataclass(frozen=True)
class Focus:
    """Whom and where a document is about: "we" and "our" mean ``org``; ``country`` is the
    country its own place names point at most (datelines and contact lines do not count)."""

    org: str | None
    country: str | None


@component("sentences", needs=("mentions", "times", "figures", "triggers"), adds=("sentences", "focus"))
def sentences(doc) -> None:
    """Sentence views, each with the mentions, times, figures and triggers inside it."""
    text = doc.text
    views = []
    paragraph, prev_end = 0, 0
    for s in text.sentences:
        if "\n" in text.norm[prev_end:s.start]:
            paragraph += 1
        views.append(SentenceView(s.start, s.end, text.norm[s.start:s.end], paragraph=paragraph))
        prev_end = s.end

    def place(items, start_of, target):
        i = 0
        for item in sorted(items, key=start_of):
            pos = start_of(item)
            while i < len(views) and views[i].end <= pos:
                i += 1
            if i < len(views) and views[i].start <= pos:
                target(views[i]).append(item)

    place(doc.mentions, lambda m: m.norm_start, lambda v: v.mentions)
    place(doc.times, lambda t: t.start, lambda v: v.times)
    place(doc.figures, lambda f: f.start, lambda v: v.figures)
    place(doc.triggers, lambda t: t.start, lambda v: v.triggers)
    doc.sentences = views
    doc.focus = _focus(doc)


def _focus(doc) -> Focus:
    mentions = doc.mentions
    org_counts = Counter(m.entity for m in mentions if m.kind == "organisation" and m.role in ("name", "acronym"))
    # "we" is the publisher when the document names it, else the organisation named most
    publisher = [m.entity for m in doc.resources.names.find("publisher", Text(doc.document.publisher))
                 if m.kind == "organisation"] if doc.document.publisher else []
    named = [o for o in publisher if o in org_counts]
    focal_org = named[0] if named else (org_counts.most_common(1)[0][0] if org_counts else None)
    focal_country = document_country(doc, mentions)
    return Focus(focal_org, focal_country)
