"""Corpus-level resolution: decisions that need every document at once.

* one ``skos:prefLabel`` per entity and language: the lexicon's canonical name when a
  document uses it, otherwise the name used most; every other name is an altLabel;
* claims stated more than once in a document are merged, their evidence pooled.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .claims import Claim, Lit
from .lexicon import Lexicon


def _entities(known):
    """The shared entities: a Lexicon's, or any mapping key -> EntityInfo (the lexicon's
    and the gazetteer's, ``Resources.entities()``)."""
    return known.entities if isinstance(known, Lexicon) else known


def choose_pref_labels(claims: list[Claim], lexicon) -> dict[tuple[str, str], str]:
    entities = _entities(lexicon)
    used: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in claims:
        if c.predicate == "skos:altLabel" and isinstance(c.object, Lit):
            used[(c.subject, c.object.lang)][c.object.value] += len(c.evidence) or 1
    pref = {}
    for (entity, lang), counts in used.items():
        info = entities.get(entity)
        canonical = info.labels.get(lang) if info else None
        if canonical in counts:
            pref[(entity, lang)] = canonical
        else:
            # most used, then longest (a full name over an acronym), then alphabetical
            pref[(entity, lang)] = sorted(counts, key=lambda v: (-counts[v], -len(v), v))[0]
    return pref


def merge_claims(claims: list[Claim]) -> list[Claim]:
    """One claim per (document, triple), with the evidence of every statement of it."""
    merged: dict[tuple, Claim] = {}
    for c in claims:
        key = (c.doc_id, c.triple)
        if key in merged:
            merged[key].evidence.extend(e for e in c.evidence if e not in merged[key].evidence)
        else:
            merged[key] = Claim(c.doc_id, c.subject, c.predicate, c.object, list(c.evidence))
    return list(merged.values())


def _one_pref_per_language(claims: list[Claim]) -> dict[tuple[str, str], str]:
    """When documents name a node differently (an "office" here, a "delegation" there),
    the name stated most often stays preferred; the others become alternative labels."""
    stated: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in claims:
        if c.predicate == "skos:prefLabel" and isinstance(c.object, Lit):
            stated[(c.subject, c.object.lang)][c.object.value] += 1
    return {k: sorted(v, key=lambda x: (-v[x], x))[0] for k, v in stated.items() if len(v) > 1}


def resolve(claims_by_doc: dict[str, list[Claim]], lexicon) -> dict[str, list[Claim]]:
    everything = [c for cs in claims_by_doc.values() for c in cs]
    pref = choose_pref_labels(everything, lexicon)
    conflicts = _one_pref_per_language(everything)
    out: dict[str, list[Claim]] = {}
    for doc_id, claims in claims_by_doc.items():
        resolved = []
        for c in claims:
            if c.predicate == "skos:altLabel" and pref.get((c.subject, c.object.lang)) == c.object.value:
                c = Claim(c.doc_id, c.subject, "skos:prefLabel", c.object, c.evidence)
            elif c.predicate == "skos:prefLabel" and conflicts.get((c.subject, c.object.lang), c.object.value) != c.object.value:
                c = Claim(c.doc_id, c.subject, "skos:altLabel", c.object, c.evidence)
            resolved.append(c)
        out[doc_id] = merge_claims(resolved)
    return out
