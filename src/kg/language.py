"""What the pipeline knows about each language it reads, from ``data/languages/<code>.yaml``.

Code asks a :class:`Language` for its rules ("is the verb final?", "how is a word matched
to a listed word?", "which prepositions open a place slot?") instead of branching on
language codes, so a new language is a data file (and its lexicon entries), not code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .datafile import load_yaml

INFLECTIONS = ("exact", "lemma", "suffixes")
_TURKIC_LOWER = str.maketrans({"I": "ı", "İ": "i"})


class LanguageError(Exception):
    pass


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    inflection: str  # exact | lemma | suffixes
    script: str = "Latin"  # Latin | Cyrillic: the script its words are written in
    case: str = "default"  # default | turkic
    verb_final: bool = False
    noun_adjuncts: bool = False  # a bare name before a common noun qualifies it ("the Karabakh conflict")
    head_final: bool = False
    articles: frozenset[str] = frozenset()
    conjunctions: tuple[str, ...] = ()
    place_prepositions: frozenset[str] = frozenset()
    locative_prepositions: frozenset[str] = frozenset()
    place_case_endings: tuple[str, ...] = ()
    unit_in: frozenset[str] = frozenset()
    quote_pairs: dict[str, str] = field(default_factory=dict)
    abbreviations: frozenset[str] = frozenset()
    auxiliaries: frozenset[str] = frozenset()
    name_complement_case: str | None = None
    genitive_endings: tuple[str, ...] = ()
    suffix_harmony: dict[str, str] = field(default_factory=dict)
    person_ner: str | None = None
    #: case -> {"prepositions": (...), "suffixes": (...), "inflection": (...), "postpositions": (...)}
    cases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    clause_openers: tuple[str, ...] = ()
    anaphors: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()
    bare_verb_markers: tuple[str, ...] = ()
    self_suffixes: tuple[str, ...] = ()
    possessives: tuple[str, ...] = ()
    adjunct_postpositions: tuple[str, ...] = ()
    matter_prepositions: tuple[str, ...] = ()
    conditionals: tuple[str, ...] = ()
    matter_followers: tuple[str, ...] = ()
    relative_pronouns: frozenset[str] = frozenset()
    adjunct_prepositions: tuple[str, ...] = ()
    discourse_links: tuple[str, ...] = ()
    role_markers: tuple[str, ...] = ()
    place_heads: dict[str, str] = field(default_factory=dict)  # head noun -> class of the place it names
    place_head_links: frozenset[str] = frozenset()
    contact_words: frozenset[str] = frozenset()
    actor_heads: tuple[str, ...] = ()  # nouns of people or bodies an activity term may modify
    other_words: frozenset[str] = frozenset()  # "other" ("… and other countries")
    countries_nouns: frozenset[str] = frozenset()  # "countries", "страна", "ölkə"

    def lower(self, word: str) -> str:
        """Lower case by the language's rules (Turkic: I -> ı, İ -> i)."""
        if self.case == "turkic":
            return word.translate(_TURKIC_LOWER).lower()
        return word.lower()

    def share_in_script(self, text: str) -> float:
        """The share of the letters of ``text`` written in the language's script."""
        letters = [c for c in text if c.isalpha()]
        if not letters:
            return 0.0
        script = self.script.upper()
        return sum(1 for c in letters if unicodedata.name(c, "").startswith(script)) / len(letters)

    def is_conjunction(self, words: str) -> bool:
        return self.lower(words.strip(" ,")) in self.conjunctions or not words.strip(" ,")

    def joins_list(self, between: str) -> bool:
        """Text between two items of one list: commas and a conjunction, the next item's
        article after them ("Kosovo, the Former Yugoslav Republic of Macedonia and Serbia")."""
        words = between.replace(",", " ").split()
        while words and self.lower(words[-1]) in self.articles:
            words.pop()
        return self.is_conjunction(" ".join(words))


def _tuple(v) -> tuple[str, ...]:
    return tuple(str(x) for x in (v or []))


@lru_cache(maxsize=16)
def load_language(languages_dir: Path, code: str) -> Language:
    path = Path(languages_dir) / f"{code}.yaml"
    try:
        data = load_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LanguageError(f"{path}: cannot read the language file: {exc}") from None
    inflection = data.get("inflection", "exact")
    if inflection not in INFLECTIONS:
        raise LanguageError(f"{path}: inflection {inflection!r} is not one of {', '.join(INFLECTIONS)}")
    lang = Language(
        code=code,
        name=data.get("name", code),
        inflection=inflection,
        script=data.get("script", "Latin"),
        case=data.get("case", "default"),
        verb_final=bool(data.get("verb_final")),
        noun_adjuncts=bool(data.get("noun_adjuncts")),
        head_final=bool(data.get("head_final")),
        conjunctions=_tuple(data.get("conjunctions")),
        place_case_endings=tuple(sorted(_tuple(data.get("place_case_endings")), key=len, reverse=True)),
        quote_pairs=dict(data.get("quote_pairs") or {}),
        name_complement_case=data.get("name_complement_case"),
        genitive_endings=tuple(sorted(_tuple(data.get("genitive_endings")), key=len, reverse=True)),
        suffix_harmony=dict(data.get("suffix_harmony") or {}),
        person_ner=data.get("person_ner"),
        cases={case: {how: tuple(sorted(_tuple(words), key=len, reverse=True)) for how, words in (marks or {}).items()}
               for case, marks in (data.get("cases") or {}).items()},
        clause_openers=_tuple(data.get("clause_openers")),
        anaphors=_tuple(data.get("anaphors")),
        hedges=_tuple(data.get("hedges")),
        negations=_tuple(data.get("negations")),
        bare_verb_markers=_tuple(data.get("bare_verb_markers")),
        self_suffixes=tuple(sorted(_tuple(data.get("self_suffixes")), key=len, reverse=True)),
        possessives=_tuple(data.get("possessives")),
        adjunct_postpositions=_tuple(data.get("adjunct_postpositions")),
        matter_prepositions=tuple(sorted(_tuple(data.get("matter_prepositions")), key=len, reverse=True)),
        conditionals=_tuple(data.get("conditionals")),
        matter_followers=_tuple(data.get("matter_followers")),
        discourse_links=_tuple(data.get("discourse_links")),
        role_markers=tuple(sorted(_tuple(data.get("role_markers")), key=len, reverse=True)),
        adjunct_prepositions=tuple(sorted(_tuple(data.get("adjunct_prepositions")), key=len, reverse=True)),
        relative_pronouns=frozenset(str(w).lower() for w in _tuple(data.get("relative_pronouns"))),
        place_heads={str(k): str(v) for k, v in (data.get("place_heads") or {}).items()},
        actor_heads=_tuple(data.get("actor_heads")),
    )
    sets = {k: frozenset(_tuple(data.get(k))) for k in
            ("articles", "place_prepositions", "locative_prepositions", "unit_in", "abbreviations", "auxiliaries", "place_head_links",
             "contact_words", "other_words", "countries_nouns")}
    return Language(**{**lang.__dict__, **sets})
