"""Which country a stretch of text is about, for names that leave it unsaid.

"The authorities", "the National Society", "the Ministry of Transport" belong to a country
the text gives around them. In order:

1. a country's adjective or name inside the phrase ("the **Iraqi** Ministry"), or the first
   place named after it in its clause ("the authorities **in Kosovo**", "the government and
   civil society **in Timor-Leste**"); a place named there whose country is unknown makes the
   phrase's country unknown — never another country's;
2. the country named last before it in its sentence, then in its paragraph;
3. the country the document is about: the one at least half of its place names point at.

Otherwise none: the phrase stays unresolved.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from ..text import Spans

_CLAUSE_END = set(".;:!?()")


class CountryContext:
    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        entities = doc.entities
        self.places: list[tuple[int, int, str | None]] = []  # (start, end, country or None)
        from .places import SPECIAL_ROLES

        for m in sorted(doc.mentions or [], key=lambda m: m.norm_start):
            # datelines and contact lines ("GENEVA (Reuters)", "In Bangkok: …") say nothing of a body's country
            if m.kind != "place" or "{" in m.entity or m.role in SPECIAL_ROLES:
                continue
            info = entities.get(m.entity)
            if info is None:
                continue
            country = m.entity if info.cls == "Country" else info.part_of
            self.places.append((m.norm_start, m.norm_end, country))
        self._starts = [p[0] for p in self.places]
        # the country the document is about: the one at least half of its own place names
        # point at (a document about seven countries is about none of them in particular)
        counts = Counter(c for _, _, c in self.places if c)
        total = sum(counts.values())
        top = counts.most_common(1)
        self.document_country = top[0][0] if top and top[0][1] * 2 >= total and total else None
        self._adjectives = doc.resources.country_adjectives(doc.lang)
        self._names: tuple | None = None  # (the mentions list, Spans of its non-place names)

    def _sentence(self, pos: int):
        return self.text.sentence_holding(pos)

    def country_after(self, end: int) -> tuple[bool, str | None]:
        """(a place follows in the clause, its country): "the authorities in Kosovo", "the
        government and civil society in Timor-Leste". The first place of the rest of the
        clause decides."""
        sent = self._sentence(end)
        limit = sent.end if sent else len(self.text.norm)
        words = 0
        for t in self.text.tokens_in(end, limit):
            if t.text in _CLAUSE_END or t.text == ",":
                break
            k = bisect_right(self._starts, t.start) - 1
            if k >= 0 and self.places[k][0] == t.start:
                return True, self.places[k][2]
            if t.is_word:
                words += 1
                if t.text[:1].isupper() and words <= 3 and not self._named(t.start):
                    # "the authorities of Kosovo": a name no finder knows, where a place
                    # would stand — a place whose country is unknown
                    return True, None
        return False, None

    def _named(self, pos: int) -> bool:
        """An organisation or person is named at ``pos`` (not a place)."""
        mentions = self.doc.mentions or []
        if self._names is None or self._names[0] is not mentions:
            self._names = (mentions, Spans([(m.norm_start, m.norm_end) for m in mentions if m.kind != "place"],
                                           len(self.text.norm)))
        return self._names[1].overlaps(pos, pos + 1)

    def country_inside(self, start: int, end: int) -> str | None:
        for t in self.text.tokens_in(start, end):
            if t.is_word:
                c = self._adjectives.get(self.doc.resources.morph.key(self.doc.lang, t.text))
                if c:
                    return c
        k = bisect_right(self._starts, end - 1) - 1
        while k >= 0 and self.places[k][0] >= start:
            if self.places[k][1] <= end and self.places[k][2]:
                return self.places[k][2]
            k -= 1
        return None

    def country_before(self, pos: int) -> str | None:
        sent = self._sentence(pos)
        k = bisect_right(self._starts, pos - 1) - 1
        while k >= 0:
            s, _, country = self.places[k]
            if country and (sent and s >= sent.start):
                return country
            if self.text.norm.rfind("\n", s, pos) >= 0:
                return None  # not in this paragraph
            if country:
                return country
            k -= 1
        return None

    def country_for(self, start: int, end: int) -> str | None:
        inside = self.country_inside(start, end)
        if inside:
            return inside
        follows, country = self.country_after(end)
        if follows:
            return country  # a place named: its country, or none (never another country's)
        return self.country_before(start) or self.document_country
