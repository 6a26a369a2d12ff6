"""Principles an organisation states it is guided by: "guided by … humanitarian principles
including humanity, neutrality, impartiality, and independence", "нейтральная,
беспристрастная и независимая организация" — the concepts of ``ontology/principles.ttl``.

A principle's name is an ordinary word too ("an independent evaluation", "crimes against
humanity"), so one counts only as a stated principle when two or more are coordinated in one
list, or one stands next to the word for a principle itself ("the principle of neutrality")."""

from __future__ import annotations

from ..annotate.doc import Doc as DocContext
from ..components import component
from ..namespaces import PR
from ..text import tokenize

# Words allowed between two coordinated principles (", and", "и", "və") and between a
# principle and the word "principle" ("the principle of", "принцип").
_MAX_GAP_WORDS = 2


def _hits(doc: DocContext, start: int, end: int, terms, match, firsts) -> list[tuple[str, int, int]]:
    """(concept, word index of its first word, of its last) for each term in the span
    (``match``: the document's remembering :meth:`~kg.morphology.Morphology.matches`;
    ``firsts(word)``: the terms' first words the word matches)."""
    words = [w for w in tokenize(doc.text.norm[start:end]) if w[0].isalnum()]
    # where each term's first word stands: a term is tried there only, not at every word
    at: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        for first in firsts(w):
            at.setdefault(first, []).append(i)
    out = []
    taken: set[int] = set()
    for concept, term in terms:  # longest first
        n = len(term)
        for i in at.get(term[0], ()) if n else range(len(words) + 1):
            if i > len(words) - n:
                break
            if i in taken:
                continue
            if all(match(term[k], words[i + k], True) for k in range(1, n)):
                out.append((concept, i, i + n - 1))
                taken.update(range(i, i + n))
    return sorted(out, key=lambda h: h[1])


def _stated(hits: list[tuple[str, int, int]]) -> set[str]:
    """The principles a run of the hits states: two or more coordinated, or one beside the
    word "principle"."""
    stated: set[str] = set()
    for a, b in zip(hits, hits[1:]):
        if b[1] - a[2] - 1 <= _MAX_GAP_WORDS:
            pair = {a[0], b[0]}
            if "" in pair:
                stated |= pair - {""}
            elif len(pair) == 2:
                stated |= pair
    return stated


def extract_principles(doc: DocContext) -> None:
    terms = doc.resources.scheme_terms("principles.ttl", str(PR)).get(doc.lang, [])
    if not terms:
        return
    match = doc.resources.morph.remembering_matches(doc.lang)
    first_words = list(dict.fromkeys(term[0] for _, term in terms if term))
    index = doc.resources.morph.first_words(doc.lang, tuple((f, True) for f in first_words))

    def firsts(word: str) -> list[str]:
        return [first_words[n] for n in index.of(word)]

    for sent in doc.sentences:
        if sent.is_question:
            continue
        hits = _hits(doc, sent.start, sent.end, terms, match, firsts)
        stated = _stated(hits)
        if not stated:
            continue
        # whose: the one organisation the sentence names, else the document's own ("our")
        # when the sentence names it or none
        named = {m.entity for m in sent.orgs if m.role in ("name", "acronym")}
        org = next(iter(named)) if len(named) == 1 else (doc.focal_org if not named or doc.focal_org in named else None)
        if not org:
            continue
        ev = doc.sentence_evidence(sent)
        for concept in sorted(stated):
            doc.sink.ref(org, "kg:upholdsPrinciple", f"pr:{concept}", evidence=[ev])


@component("principles", needs=("sentences", "focus", "mentions"))
def principles(doc) -> None:
    extract_principles(doc)
