"""Corpus-level resolution: decisions that need every document at once.

* one ``skos:prefLabel`` per entity and language: the lexicon's canonical name when a
  document uses it, otherwise the name used most; every other name is an altLabel;
* claims stated more than once in a document are merged, their evidence pooled.

Which node a name stands for is decided where the name is read (an entity key minted from
the normalised name, its kind and, for national bodies, its country: :mod:`kg.annotate`),
so documents meet at a node through that key — a hash join, never a comparison of pairs.
What is left for the corpus is the choice of labels, made from each document's
:class:`LabelUses` (counts, summed over documents in any order: a document's share can be
computed where it is extracted and cached with it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .claims import Claim, Lit
from .lexicon import Lexicon


def _entities(known):
    """The shared entities: a Lexicon's, or any mapping key -> EntityInfo (the lexicon's
    and the gazetteer's, ``Resources.entities()``)."""
    return known.entities if isinstance(known, Lexicon) else known


@dataclass
class LabelUses:
    """How a document (or a corpus: ``add``) uses names: what label resolution reads.
    Flat counters, so that it pickles small and sums in any order."""

    #: (entity, language, name) -> passages naming the entity so, for alternative names
    alternative: Counter = field(default_factory=Counter)
    #: (entity, language, name) -> statements of it as the preferred name
    preferred: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, claims: list[Claim]) -> "LabelUses":
        uses = cls()
        for c in claims:
            if isinstance(c.object, Lit):
                if c.predicate == "skos:altLabel":
                    uses.alternative[(c.subject, c.object.lang, c.object.value)] += len(c.evidence) or 1
                elif c.predicate == "skos:prefLabel":
                    uses.preferred[(c.subject, c.object.lang, c.object.value)] += 1
        return uses

    def add(self, other: "LabelUses") -> None:
        self.alternative.update(other.alternative)
        self.preferred.update(other.preferred)

    def subtract(self, other: "LabelUses") -> None:
        for mine, theirs in ((self.alternative, other.alternative), (self.preferred, other.preferred)):
            mine.subtract(theirs)
            for key in [k for k in theirs if mine[k] <= 0]:
                del mine[key]


def _grouped(counts: Counter) -> dict[tuple[str, str], Counter]:
    out: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (entity, lang, value), n in counts.items():
        out[(entity, lang)][value] += n
    return out


@dataclass
class LabelChoice:
    """The corpus's decisions on labels, for the (entity, language) pairs they concern."""

    preferred: dict[tuple[str, str], str]  # an altLabel with this name becomes the prefLabel
    demoted: dict[tuple[str, str], str]  # a prefLabel other than this name becomes an altLabel

    def predicate(self, subject: str, predicate: str, lang: str, value: str) -> str:
        """The predicate a label claim ends with."""
        if predicate == "skos:altLabel" and self.preferred.get((subject, lang)) == value:
            return "skos:prefLabel"
        if predicate == "skos:prefLabel" and self.demoted.get((subject, lang), value) != value:
            return "skos:altLabel"
        return predicate

    def changed(self, other: "LabelChoice") -> set[tuple[str, str]]:
        """The (entity, language) pairs ``other`` decides differently."""
        keys = set(self.preferred) | set(other.preferred) | set(self.demoted) | set(other.demoted)
        return {k for k in keys if (self.preferred.get(k), self.demoted.get(k))
                != (other.preferred.get(k), other.demoted.get(k))}

    def restricted(self, keys) -> "LabelChoice":
        """Only the decisions on ``keys`` ((entity, language) pairs): what one document needs."""
        keys = set(keys)
        return LabelChoice({k: v for k, v in self.preferred.items() if k in keys},
                           {k: v for k, v in self.demoted.items() if k in keys})


def choose_labels(uses: LabelUses, lexicon) -> LabelChoice:
    return LabelChoice(_pref_from_uses(_grouped(uses.alternative), lexicon),
                       _one_pref_from_uses(_grouped(uses.preferred)))


def choose_labels_again(previous: LabelChoice, uses: LabelUses, lexicon, keys: set) -> LabelChoice:
    """What ``choose_labels(uses)`` decides, when only the uses of ``keys`` ((entity,
    language) pairs) changed since ``previous`` was chosen: a decision reads only its own
    pair's uses, so the others stand."""
    about = lambda counts: Counter({k: n for k, n in counts.items() if k[:2] in keys})  # noqa: E731
    again = choose_labels(LabelUses(about(uses.alternative), about(uses.preferred)), lexicon)
    return LabelChoice({**{k: v for k, v in previous.preferred.items() if k not in keys}, **again.preferred},
                       {**{k: v for k, v in previous.demoted.items() if k not in keys}, **again.demoted})


def used_keys(uses: LabelUses) -> set[tuple[str, str]]:
    """The (entity, language) pairs ``uses`` names."""
    return {k[:2] for counts in (uses.alternative, uses.preferred) for k in counts}


def _pref_from_uses(used: dict[tuple[str, str], Counter], lexicon) -> dict[tuple[str, str], str]:
    entities = _entities(lexicon)
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


def _one_pref_from_uses(stated: dict[tuple[str, str], Counter]) -> dict[tuple[str, str], str]:
    """When documents name a node differently (an "office" here, a "delegation" there),
    the name stated most often stays preferred; the others become alternative labels."""
    return {k: sorted(v, key=lambda x: (-v[x], x))[0] for k, v in stated.items() if len(v) > 1}


def is_label_claim(c: Claim) -> bool:
    return c.predicate in ("skos:prefLabel", "skos:altLabel") and isinstance(c.object, Lit)


def apply_labels(claims: list[Claim], choice: LabelChoice) -> list[Claim]:
    """One document's claims with the corpus's label decisions applied, merged."""
    resolved = []
    for c in claims:
        if is_label_claim(c):
            predicate = choice.predicate(c.subject, c.predicate, c.object.lang, c.object.value)
            if predicate != c.predicate:
                c = Claim(c.doc_id, c.subject, predicate, c.object, c.evidence)
        resolved.append(c)
    return merge_claims(resolved)


def resolve(claims_by_doc: dict[str, list[Claim]], lexicon) -> dict[str, list[Claim]]:
    uses = LabelUses()
    for claims in claims_by_doc.values():
        uses.add(LabelUses.of(claims))
    choice = choose_labels(uses, lexicon)
    return {doc_id: apply_labels(claims, choice) for doc_id, claims in claims_by_doc.items()}
