"""Per-language word matching, so that inflected forms match the names in the lexicon.

* English: lower case (plural stays distinct).
* Russian: the lemma from pymorphy3 ("Федерацией" -> "федерация").
* Azerbaijani: a word matches a lexicon word when it is that word plus a chain of
  suffixes from ``az-suffixes.yaml`` ("Azərbaycandakı" = "Azərbaycan" + "da" + "kı"),
  with Azerbaijani dotted/dotless i casing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

_AZ_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def az_lower(word: str) -> str:
    return word.translate(_AZ_LOWER).lower()


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _flatten(group) -> list[str]:
    if isinstance(group, str):
        return [group]
    return [s for g in group for s in _flatten(g)]


class Morphology:
    def __init__(self, az_suffix_file: Path):
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

    def _compute(self, lang: str, word: str) -> str:
        if lang == "ru":
            w = word.lower().replace("ё", "е")
            if not any("а" <= c <= "я" for c in w):
                return w
            return _morph().parse(w)[0].normal_form.replace("ё", "е")
        if lang == "az":
            return az_lower(word)
        return word.lower()

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
