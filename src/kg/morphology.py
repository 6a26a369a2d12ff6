"""Per-language word matching, so that inflected forms match the names in the lexicon.

Each language's file (``data/languages/``) says how (:attr:`kg.language.Language.inflection`):

* ``exact`` (English): lower case (plural stays distinct).
* ``lemma`` (Russian): the lemma from pymorphy3 ("Федерацией" -> "федерация").
* ``suffixes`` (Azerbaijani): a word matches a lexicon word when it is that word plus a
  chain of suffixes from ``az-suffixes.yaml`` ("Azərbaycandakı" = "Azərbaycan" + "da" +
  "kı"), with the language's own casing (dotted/dotless i).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import yaml

from .config import SUPPORTED_LANGUAGES
from .language import Language, load_language

_AZ_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def az_lower(word: str) -> str:
    return word.translate(_AZ_LOWER).lower()


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _default_languages(az_suffix_file: Path) -> dict[str, Language]:
    languages_dir = az_suffix_file.parents[1] / "languages"
    return {code: load_language(languages_dir, code) for code in SUPPORTED_LANGUAGES
            if (languages_dir / f"{code}.yaml").exists()}


def _english_lemmas(word: str) -> dict:
    from lemminflect import getAllLemmas

    return getAllLemmas(word) if word.isalpha() else {}


def _flatten(group) -> list[str]:
    if isinstance(group, str):
        return [group]
    return [s for g in group for s in _flatten(g)]


class Morphology:
    def __init__(self, az_suffix_file: Path, languages: Mapping[str, Language] | None = None):
        # languages not given (tests of one finder): the three the project reads, from data/languages
        self.languages = dict(languages) if languages else _default_languages(az_suffix_file)
        data = yaml.safe_load(az_suffix_file.read_text(encoding="utf-8"))
        self._vowels = set(data["vowels"])
        self._buffers = tuple(data["buffer_consonants"])
        self._slots = [
            sorted(_flatten(data["slots"][name]), key=len, reverse=True) for name in data["order"]
        ]
        self._cache: dict[tuple[str, str], str] = {}
        self._chain_cache: dict[tuple[str, str], bool] = {}

    def key(self, lang: str, word: str) -> str:
        """The form a word is looked up by: lemma (ru), lower case (en, az)."""
        k = (lang, word)
        hit = self._cache.get(k)
        if hit is None:
            hit = self._cache[k] = self._compute(lang, word)
        return hit

    def inflection(self, lang: str) -> str:
        language = self.languages.get(lang)
        return language.inflection if language else "exact"

    def lower(self, lang: str, word: str) -> str:
        language = self.languages.get(lang)
        return language.lower(word) if language else word.lower()

    def _compute(self, lang: str, word: str) -> str:
        if self.inflection(lang) == "lemma":
            w = word.lower().replace("ё", "е")
            if not any("а" <= c <= "я" for c in w):
                return w
            return _morph().parse(w)[0].normal_form.replace("ё", "е")
        return self.lower(lang, word)

    def lemmas(self, lang: str, word: str) -> frozenset[str]:
        """Every dictionary form the word may be a form of ("left" -> leave, left)."""
        k = ("lemmas", lang, word)
        hit = self._cache.get(k)
        if hit is None:
            how = self.inflection(lang)
            if how == "lemma":
                w = word.lower().replace("ё", "е")
                hit = frozenset(p.normal_form.replace("ё", "е") for p in _morph().parse(w)[:3]) | {w}
            elif how == "exact":
                hit = frozenset(l.lower() for forms in _english_lemmas(word).values() for l in forms) | {word.lower()}
            else:
                hit = frozenset({self.lower(lang, word)})
            self._cache[k] = hit
        return hit

    def only_adjective(self, lang: str, word: str) -> bool:
        """The dictionary knows the word only as an adjective ("operational", "местных")."""
        how = self.inflection(lang)
        if how == "exact":
            pos = set(_english_lemmas(word))
            return bool(pos) and pos <= {"ADJ"}
        if how == "lemma":
            parses = _morph().parse(word.lower())
            return bool(parses) and all(p.tag.POS in ("ADJF", "ADJS", "PRTF") for p in parses[:2])
        return False

    def dictionary_forms(self, lang: str, word: str) -> frozenset[str]:
        """The dictionary forms the word may be a form of, as the dictionary gives them
        (without the word itself added): "close" -> {close}, "closes" -> {close}."""
        if self.inflection(lang) == "exact":
            return frozenset(l.lower() for forms in _english_lemmas(word).values() for l in forms)
        return self.lemmas(lang, word)

    def matches(self, lang: str, listed: str, word: str, last: bool = True) -> bool:
        """A word of the text is a form of a listed word (of a trigger term or a name).

        ``exact``: the same word, a capitalised listed word needing a capital in the text;
        ``lemma``: the word or its lemma starts with the listed stem; ``suffixes``: the last
        word of a term is a stem (verbs inflect: bağla-yacaq), earlier words take only noun
        suffixes, so "əlaqə" does not match "əlaqədar".
        """
        if not listed[0].isalnum():
            return listed == word
        how = self.inflection(lang)
        if how == "exact":
            if listed[0].isupper():
                return word == listed
            # the word as listed, or an inflected form of it ("withdrew" for "withdraw")
            return word.lower() == listed or listed in self.lemmas(lang, word)
        if how == "lemma":
            t = listed.lower()
            return word.lower().startswith(t) or self.key(lang, word).startswith(t)
        w, l = self.lower(lang, word), self.lower(lang, listed)
        if last:
            return w.startswith(l)
        return self.az_inflects(w, l)

    def ru_genitive(self, word: str) -> bool:
        """A Russian word that reads as genitive (as the complement of a name's head does)."""
        return any("gent" in p.tag for p in _morph().parse(word.lower())[:2])

    # -- Azerbaijani ------------------------------------------------------------
    def az_inflects(self, word_key: str, lex_key: str) -> bool:
        """True when ``word_key`` is ``lex_key`` followed by a valid suffix chain."""
        if not word_key.startswith(lex_key):
            return False
        rest = word_key[len(lex_key):]
        if not rest:
            return True
        k = (lex_key[-1], rest)
        hit = self._chain_cache.get(k)
        if hit is None:
            hit = self._chain_cache[k] = self._chain(lex_key[-1], rest, 0)
        return hit

    def az_stems(self, word_key: str, min_len: int = 2):
        """Every prefix of the word that the rest of it could inflect (longest first)."""
        for cut in range(len(word_key), min_len - 1, -1):
            stem = word_key[:cut]
            if self.az_inflects(word_key, stem):
                yield stem

    def _fits(self, prev: str, suffix: str) -> bool:
        prev_vowel = prev in self._vowels
        if suffix[0] in self._vowels:
            return not prev_vowel
        if suffix.startswith(self._buffers) and (suffix[1] in self._vowels or suffix[:2] == "nd"):
            return prev_vowel
        return True

    def _chain(self, prev: str, rest: str, slot: int) -> bool:
        if not rest:
            return True
        for i in range(slot, len(self._slots)):
            for suf in self._slots[i]:
                if rest.startswith(suf) and self._fits(prev, suf):
                    if self._chain(suf[-1], rest[len(suf):], i + 1):
                        return True
        return False
