"""What the extractors see of a document: its sentences, each with the mentions,
time expressions, figures and trigger words inside it."""

from __future__ import annotations

import re

from collections import Counter
from dataclasses import dataclass, field

from ..components import component
from ..text import Spans, Text
from .names import Mention
from .places import SPECIAL_ROLES, country_of
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
        line's (where the text was filed, whom to call), nor a state that acts ("the USA's
        aid agency", "the support of the Russian Federation"): its name is also a metonymy."""
        acting = {(m.norm_start, m.norm_end) for m in self.mentions if m.role == "metonymy"}
        return [m for m in self.mentions if m.kind == "place" and m.role not in SPECIAL_ROLES
                and (m.norm_start, m.norm_end) not in acting]

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


@component("sentences", needs=("mentions", "times", "figures", "triggers", "title_span", "body_start"), adds=("sentences", "focus"))
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
    # (a later section of a long document is about whom and where its opening is)
    doc.focus = _focus(doc) if doc.opens_document else doc.context.focus


def _focus(doc) -> Focus:
    mentions = doc.mentions
    org_counts = Counter(m.entity for m in mentions if m.kind == "organisation" and m.role in ("name", "acronym"))
    # "we" is the publisher when the document names it, else the organisation named most
    publisher = [m.entity for m in doc.resources.names.find("publisher", Text(doc.document.publisher))
                 if m.kind == "organisation"] if doc.document.publisher else []
    named = [o for o in publisher if o in org_counts]
    focal_org = named[0] if named else (org_counts.most_common(1)[0][0] if org_counts else None)
    return Focus(focal_org, subject_country(doc, doc.sentences))


def subject_country(doc, views) -> str | None:
    """The country the document says it is about: the one its headline names, or else the
    one its first sentence names ("Angolan", "в Узбекистане", "Azərbaycanda"), or else the
    only country any of its places lies in; none when they name several. Never the
    dateline, a contact line or the country named most (kg.annotate.places marks the
    first two)."""
    title = doc.facts.get("title_span")
    body = doc.facts.get("body_start", 0)
    lead = next((v for v in views if v.start >= body), None)
    spans = ([title] if title else []) + ([(lead.start, lead.end)] if lead else [])
    for a, b in spans:
        countries = _countries_in(doc, a, b)
        if len(countries) == 1:
            return countries.pop()
        if countries:
            return None  # the headline or lead names several: the document is about none alone
    # headline and lead name none: the one country every place of the document lies in, if any
    everywhere = _countries_in(doc, 0, len(doc.text.norm))
    return everywhere.pop() if len(everywhere) == 1 else None


#: stands in a set of countries for the unnamed ones of "X and other countries"
SEVERAL = "several countries"


def _is_word(doc, word: str, listed: frozenset[str]) -> bool:
    """The word is one of the listed words, as written, by lemma or under case suffixes."""
    language, morph = doc.language, doc.resources.morph
    low = language.lower(word)
    return low in listed or morph.key(doc.lang, word) in listed or \
        (language.inflection == "suffixes" and any(morph.az_inflects(low, w) for w in listed))


def _with_other_countries(doc, end: int) -> bool:
    """A place name coordinated with other countries ("Pakistan and some other Asian
    countries", "в Казахстане и других странах", "Azərbaycan və digər ölkələr"): the
    phrase names several countries, not one."""
    language = doc.language
    words = re.findall(r"[^\W\d_]+", doc.text.norm[end:end + 60])[:6]
    if not words or language.lower(words[0]) not in language.conjunctions:
        return False
    rest = words[1:]
    other = next((i for i, w in enumerate(rest) if _is_word(doc, w, language.other_words)), None)
    return other is not None and any(_is_word(doc, w, language.countries_nouns) for w in rest[other + 1:other + 4])


def _countries_in(doc, a: int, b: int) -> set[str]:
    out = set()
    # a country named as a state that acts ("the support of the Russian Federation") is not
    # where things happen
    acting = {(m.norm_start, m.norm_end) for m in doc.mentions if m.role == "metonymy"}
    for m in doc.mentions:
        if m.kind == "place" and m.role not in SPECIAL_ROLES and a <= m.norm_start < b \
                and (m.norm_start, m.norm_end) not in acting:
            c = country_of(doc, m.entity)
            if c:
                out.add(c)
                if _with_other_countries(doc, m.norm_end):
                    out.add(SEVERAL)
        if m.kind == "organisation" and a <= m.norm_start < b and m.entity in doc.entities and m.role != "metonymy":
            jurisdiction = doc.entities[m.entity].jurisdiction  # "the Tajik Red Crescent": Tajikistan
            if jurisdiction and country_of(doc, jurisdiction):
                out.add(country_of(doc, jurisdiction))
    adjectives = doc.resources.country_by_adjective.get(doc.lang, {})
    morph = doc.resources.morph
    inside_names = Spans([(m.norm_start, m.norm_end) for m in doc.mentions if a <= m.norm_start < b], len(doc.text.norm))
    # an amount's currency ("173,715 Swiss francs", "US dollars") names no country either
    for f in doc.figures or []:
        if f.money and a <= f.start < b:
            inside_names.add(f.start, f.end)
    for tok in doc.text.tokens_in(a, b):
        if inside_names.overlaps(tok.start, tok.start + 1):
            continue  # "Norwegian Refugee Council" names no country
        if tok.is_word and tok.text[:1].isupper():
            for form in {tok.text.lower(), morph.key(doc.lang, tok.text)}:
                if form in adjectives:
                    out.add(adjectives[form])
    return out
