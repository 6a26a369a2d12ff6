"""Activity terms: the words that signal a kind of activity, from the SKOS activity scheme
(``ontology/activity-types.ttl``: skos:prefLabel, skos:altLabel and kg:triggerTerm in en/ru/az),
found in a document's text."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from ..components import component
from ..morphology import Morphology
from ..namespaces import AT, KG
from ..text import Text, tokenize


@dataclass(frozen=True)
class ActivityHit:
    type: str  # concept local name, e.g. "detention-visits"
    start: int
    end: int


class HitsByStart:
    """Activity hits looked up by where they start, answered in the list's own order: what a
    sentence or a phrase holds costs a bisection, not a scan of the document's hits."""

    def __init__(self, hits: list[ActivityHit]):
        self.hits = hits
        self._order = sorted(range(len(hits)), key=lambda i: hits[i].start)
        self._starts = [hits[i].start for i in self._order]

    def between(self, *ranges: tuple[int, int]) -> list[ActivityHit]:
        """The hits that start in any of the ranges [a, b), in the list's order."""
        found: set[int] = set()
        for a, b in ranges:
            found.update(self._order[bisect_left(self._starts, a):bisect_left(self._starts, b)])
        return [self.hits[i] for i in sorted(found)]


@lru_cache(maxsize=2)
def activity_scheme(ontology_dir: Path) -> Graph:
    """The ontology files, parsed once for the activity terms and labels below."""
    g = Graph()
    for p in sorted(ontology_dir.glob("*.ttl")):
        g.parse(p, format="turtle")
    return g


@lru_cache(maxsize=2)
def activity_terms(ontology_dir: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """{lang: [(concept, term words)]}, longest terms first."""
    g = activity_scheme(ontology_dir)
    table: dict[str, list[tuple[str, list[str]]]] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel, KG.triggerTerm):
        for concept, label in g.subject_objects(prop):
            if not str(concept).startswith(str(AT)) or not getattr(label, "language", None):
                continue
            words = [w for w in tokenize(str(label)) if w[0].isalnum() or w == GAP]
            # a one-word label ("assistance", "training") is too common a word to signal the
            # activity by itself; one-word signals are listed as kg:triggerTerm on purpose
            if prop != KG.triggerTerm and len(words) < 2:
                continue
            if words:
                table.setdefault(label.language, []).append((str(concept)[len(str(AT)):], words))
    for terms in table.values():
        terms.sort(key=lambda t: -len(t[1]))
    return table


GAP = "…"  # in a term: up to GAP_WORDS words of any kind
GAP_WORDS = 6


def _match_at(lang: str, term: list[str], words, i: int, morph: Morphology, limit: int) -> int | None:
    """Index just past the match of ``term`` starting at word ``i``, or None."""
    j = i
    for k, w in enumerate(term):
        if w == GAP:
            continue
        last = k == len(term) - 1
        if k > 0 and term[k - 1] == GAP:
            for skip in range(GAP_WORDS + 1):
                if j + skip < limit and morph.matches(lang, w, words[j + skip].text, last, inflected=False):
                    j = j + skip + 1
                    break
            else:
                return None
        else:
            if j >= limit or not morph.matches(lang, w, words[j].text, last, inflected=False):
                return None
            j += 1
    return j


@lru_cache(maxsize=8)
def _first_word_index(ontology_dir: Path, lang: str, morph: Morphology) -> dict[str, list[int]]:
    """{first word's form: [rank of each term starting with it]} (a GAP never starts a term)."""
    index: dict[str, list[int]] = {}
    stems = morph.inflection(lang) != "exact"
    for rank, (_, term) in enumerate(activity_terms(ontology_dir).get(lang, [])):
        first = next(w for w in term if w != GAP)
        key = first if first[:1].isupper() and not stems else morph.lower(lang, first)
        index.setdefault(key, []).append(rank)
    return index


def find_activity_hits(text: Text, lang: str, ontology_dir: Path, morph: Morphology,
                       exclude: list[tuple[int, int]], actor_heads: tuple[str, ...] = ()) -> list[ActivityHit]:
    """Activity-type terms in the text, longest first, never inside ``exclude`` spans
    (names of organisations) nor across a sentence boundary, nor modifying one of
    ``actor_heads`` (the language's nouns of people and bodies: "humanitarian aid workers",
    "relief agencies" name who, not what is done)."""
    words = [t for t in text.tokens if t.is_word]
    # limits[i]: index of the first word past the sentence of word i
    limits = [0] * len(words)
    i = 0
    for sent in text.sentences:
        j = i
        while j < len(words) and words[j].start < sent.end:
            j += 1
        for k in range(i, j):
            limits[k] = j
        i = j
    for k in range(i, len(words)):
        limits[k] = len(words)
    # candidate starts through an index of the terms' first words (one look-up per word),
    # then longest terms first, as before: the cost grows with the text, not text x terms
    terms = activity_terms(ontology_dir).get(lang, [])
    index = _first_word_index(ontology_dir, lang, morph)
    stems = morph.inflection(lang) != "exact"
    found: list[tuple[int, int, int, str]] = []  # (term rank, start, end, concept)
    for i, w in enumerate(words):
        low = morph.lower(lang, w.text)
        keys = {w.text, low} | set(morph.lemmas(lang, w.text))
        if stems:
            forms = {low, morph.key(lang, w.text)}
            keys |= {f[:n] for f in forms for n in range(1, len(f) + 1)}
        for rank in {r for k in keys for r in index.get(k, ())}:
            concept, term = terms[rank]
            j = _match_at(lang, term, words, i, morph, limits[i])
            if j is None:
                continue
            if j < limits[i] and words[j].start - words[j - 1].end <= 1 and \
                    any(morph.matches(lang, head, words[j].text) for head in actor_heads):
                continue
            found.append((rank, words[i].start, words[j - 1].end, concept))
    hits: list[ActivityHit] = []
    taken = bytearray(len(text.norm) + 1)
    for ts, te in exclude:
        taken[ts:te] = b"\x01" * (te - ts)
    for rank, s, e, concept in sorted(found):
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        hits.append(ActivityHit(concept, s, e))
    hits.sort(key=lambda h: h.start)
    return hits


@lru_cache(maxsize=2)
def concept_labels(ontology_dir: Path) -> dict[tuple[str, str], str]:
    g = activity_scheme(ontology_dir)
    return {(str(c)[len(str(AT)):], l.language): str(l) for c, l in g.subject_objects(SKOS.prefLabel)
            if str(c).startswith(str(AT)) and getattr(l, "language", None)}


@component("activity_terms", needs=("mentions",), adds=("activity_hits",))
def activity_terms_in(doc) -> None:
    """Activity-type terms outside organisations' names ("Tracing Service" is a name)."""
    names = [(m.norm_start, m.norm_end) for m in doc.mentions if m.kind == "organisation"]
    doc.activity_hits = find_activity_hits(doc.text, doc.lang, doc.ontology_dir, doc.resources.morph, names,
                                           doc.language.actor_heads)
