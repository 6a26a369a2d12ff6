"""Conflicts and situations: what missing persons, detainees, activities and events are
related to ("persons missing in connection with the conflict", "the 2020-2023
escalations", "в связи с войной в Таджикистане", "münaqişə ilə bağlı itkin düşmüş").

A situation is named by its noun (``data/lexicon/situations.yaml``), its place by a place
in its phrase ("the conflict in Ukraine", "Nagorno-Karabakh conflict"), else by the
country the document is about; its period by years in its phrase. It is recorded when a
link word relates something of the clause to it; every activity and group of the clause
is then related to it (kg:relatesTo).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from ..annotate.grammar import clause_of
from ..components import component
from ..datafile import load_yaml
from ..namespaces import slugify
from ..text import tokenize
from .dates import time_node

CLASSES = {"conflict": "kg:Conflict", "situation": "kg:Situation"}
RELATED = ("group/", "closure/", "opening/", "handover/", "suspension/", "downsizing/")


@lru_cache(maxsize=2)
def _load(path: Path) -> dict:
    return load_yaml(path)


@lru_cache(maxsize=256)
def _term_words(listed: str) -> tuple[str, ...]:
    return tuple(w for w in tokenize(listed) if w[0].isalnum())


class _Openings:
    """The nouns, in their order, whose first word a word may be (a noun of no words: every
    word), for one language's list of one kind (kg.morphology.FirstWords)."""

    def __init__(self, morph, lang: str, nouns: tuple[str, ...]):
        words = [_term_words(n) for n in nouns]
        self.nouns = nouns
        self.position = [i for i, w in enumerate(words) if w]  # (in ``nouns``, of each listed first word)
        self.always = [i for i, w in enumerate(words) if not w]
        self.words = morph.first_words(lang, tuple((words[i][0], len(words[i]) == 1) for i in self.position))

    def of(self, word: str) -> list[str]:
        found = [self.position[k] for k in self.words.of(word)]
        if self.always:
            found = sorted(found + self.always)
        return [self.nouns[i] for i in found]


@lru_cache(maxsize=16)
def _openings(morph, lang: str, nouns: tuple[str, ...]) -> _Openings:
    return _Openings(morph, lang, nouns)


def _matches(match, listed: str, words: list[str], i: int) -> int | None:
    """The end of the listed term when it stands at word ``i`` (``match``: the document's
    remembering :meth:`~kg.morphology.Morphology.matches`)."""
    term = _term_words(listed)
    if i + len(term) <= len(words) and all(match(t, words[i + k], k == len(term) - 1) for k, t in enumerate(term)):
        return i + len(term)
    return None


@component("situations", needs=("sentences", "activities_by_span", "offices"), after=("closures", "handovers"))
def situations(doc) -> None:
    data = _load(doc.lexicon_dir / "situations.yaml")
    links = [str(x) for x in data.get("links", {}).get(doc.lang, [])]
    norm = doc.text.norm
    by_span = doc.facts["activities_by_span"]
    # what may be related to a situation: groups, and events, by the passages that state them
    related = sorted((ev.start, c.subject) for c in doc.sink.claims if c.predicate == "rdf:type"
                     and c.subject.startswith(RELATED) for ev in c.evidence)
    related_starts = [at for at, _ in related]
    # each sentence's activities, in their order (a look-up per situation, not a scan)
    activities_of: dict[int, list[str]] = {}
    for (hs, _), activity in by_span.items():
        around = doc.sentence_containing(hs)
        if around is not None:
            activities_of.setdefault(around.start, []).append(activity)
    nouns = {kind: [str(n) for n in data.get(kind, {}).get(doc.lang, [])] for kind in CLASSES}
    match = doc.resources.morph.remembering_matches(doc.lang)
    # (kind, word) -> the nouns, in their order, whose first word the word may be: the
    # rest of a noun is tried only where its first word stands
    opening: dict[tuple[str, str], list[str]] = {}
    firsts = {kind: _openings(doc.resources.morph, doc.lang, tuple(nouns[kind])) for kind in CLASSES}
    for sent in doc.sentences:
        toks = [t for t in doc.text.tokens_in(sent.start, sent.end) if t.is_word]
        words = [t.text for t in toks]
        for i in range(len(toks)):
            for kind in CLASSES:
                candidates = opening.get((kind, words[i]))
                if candidates is None:
                    candidates = opening[(kind, words[i])] = firsts[kind].of(words[i])
                if not candidates:
                    continue
                end = next((e for n in candidates if (e := _matches(match, n, words, i))), None)
                if end is None:
                    continue
                start_tok, end_tok = toks[i], toks[end - 1]
                linked = any(re.search(rf"(?<!\w){re.escape(l)}\w*\s+(?:\S+\s+){{0,3}}$", norm[max(sent.start, start_tok.start - 60):start_tok.start], re.I)
                             for l in links) if not doc.language.head_final else \
                    any(re.match(rf"\s*\S*\s*{re.escape(l)}", norm[end_tok.end:end_tok.end + 30], re.I) for l in links)
                if not linked:
                    continue
                key = _emit(doc, kind, sent, start_tok.start, end_tok.end)
                a, b = clause_of(doc, sent, start_tok.start)
                for activity in activities_of.get(sent.start, []):
                    doc.sink.ref(activity, "kg:relatesTo", key)
                sa, sb = doc.text.to_original(sent.start, sent.end)
                lo, hi = bisect_left(related_starts, sa), bisect_left(related_starts, sb)
                for node in sorted({n for _, n in related[lo:hi]}):
                    doc.sink.ref(node, "kg:relatesTo", key)
                break


def _years_of(doc, sent, start: int, end: int) -> list:
    """The time expressions of a situation's own phrase: right before its noun, with those
    coordinated before them ("2020 və 2023-cü ilin eskalasiyaları"), or an interval right
    after it ("escalations between 2020 and 2023")."""
    norm = doc.text.norm
    times = sorted((t for t in sent.times if t.value or t.begin), key=lambda t: t.start)
    before = [t for t in times if 0 <= start - t.end <= 2]
    while before:
        prev = [t for t in times if t.end <= before[0].start
                and norm[t.end:before[0].start].strip(" ,").lower() in set(doc.language.conjunctions) | {""}]
        if not prev:
            break
        before.insert(0, prev[-1])
    after = [t for t in times if 0 <= t.start - end <= 4 and t.kind == "interval"]
    return before or after[:1]


def _emit(doc, kind: str, sent, start: int, end: int) -> str:
    """The situation node: keyed by its kind, place and years, so that two documents'
    "conflict" in one country is one conflict."""
    # its place and years are those of its own phrase: right before the noun ("the
    # Nagorno-Karabakh conflict", "the 2020-2023 escalations") or in a place slot right after
    # it ("the conflict in Ukraine", "войной в Таджикистане")
    norm = doc.text.norm
    before = [m for m in sent.places if 0 <= start - m.norm_end <= 2]
    after = [m for m in sent.places if 0 <= m.norm_start - end <= 12 and norm[end:m.norm_start].strip().lower()
             in doc.language.locative_prepositions | doc.language.place_prepositions]
    place = (before or after)[0].entity if before or after else doc.focal_country
    years = _years_of(doc, sent, start, end)
    tail = ""
    if years:
        first = min((t.begin or t.value or "")[:4] for t in years)
        last = max((t.end_value or t.value or "")[:4] for t in years)
        tail = f"-{first}" if first == last else f"-{first}-{last}"
    key = f"situation/{kind}-{place.split('/', 1)[1] if place else slugify(doc.doc_id, 3)}{tail}"
    ev = doc.evidence(start, end)
    doc.sink.types(key, CLASSES[kind], evidence=[ev])
    doc.sink.lit(key, "skos:altLabel", doc.text.norm[start:end], lang=doc.lang)
    if place:
        doc.sink.ref(key, "kg:inPlace", place)
    labels = doc.resources.labels.get("situation", {}).get(kind, {})
    where = doc.entities[place].labels if place and place in doc.entities else {}
    doc.sink.labels(key, {lang: labels[lang].format(place=where.get(lang) or where.get("en", "")).strip(" :()")
                          for lang in labels})
    for t in years:
        node = time_node(doc.sink, t)
        doc.sink.ref(key, "kg:activeDuring" if node.startswith("period/") else "time:hasTime", node)
    return key
