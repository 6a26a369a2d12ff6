"""Trigger words: per-language terms that signal a kind of statement (data/lexicon/triggers.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..datafile import load_yaml
from ..morphology import Morphology
from ..components import component
from ..text import Text, tokenize


@dataclass(frozen=True)
class TriggerHit:
    kind: str
    start: int  # normalised offsets
    end: int
    term: str


@lru_cache(maxsize=4)
def load_triggers(path: Path) -> dict[str, dict[str, list[list[str]]]]:
    data = load_yaml(path)
    out: dict[str, dict[str, list[list[str]]]] = {}
    for kind, by_lang in data.items():
        out[kind] = {}
        for lang, terms in by_lang.items():
            out[kind][lang] = [tokenize(str(t)) for t in terms]
    return out


def word_matches(lang: str, term_word: str, token: str, morph: Morphology, last: bool = True) -> bool:
    """A token of the text is a form of a term's word (see :meth:`Morphology.matches`)."""
    return morph.matches(lang, term_word, token, last)


class TermMatcher:
    """Finds listed terms (sequences of words) in a text's tokens, in one pass.

    Terms are indexed by their first word; a token looks up the forms it may stand for
    (itself, its lemmas, its prefixes when the language lists stems), so the cost grows
    with the text, not with the text times the lexicon."""

    def __init__(self, lang: str, terms: list[tuple[str, list[str]]], morph: Morphology):
        self.lang = lang
        self.morph = morph
        self.stems = morph.inflection(lang) != "exact"  # listed words are stems: prefixes match
        self.index: dict[str, list[tuple[str, list[str]]]] = {}
        for label, words in terms:
            if words:
                first = words[0] if words[0][:1].isupper() and not self.stems else morph.lower(lang, words[0])
                self.index.setdefault(first, []).append((label, words))

    def find(self, tokens) -> list[tuple[str, int, int]]:
        """(label, index of the first token, index past the last) of every match."""
        out = []
        keys_of: dict[str, set[str]] = {}  # (a word's forms, once per distinct word of the text)
        for i, tok in enumerate(tokens):
            if not tok.text[:1].isalnum():
                continue
            keys = keys_of.get(tok.text)
            if keys is None:
                keys = keys_of[tok.text] = self.morph.lookup_keys(self.lang, tok.text)
            for key in keys:
                for label, words in self.index.get(key, ()):
                    n = len(words)
                    if i + n <= len(tokens) and all(
                            self.morph.matches(self.lang, words[k], tokens[i + k].text, k == n - 1) for k in range(n)):
                        out.append((label, i, i + n))
        return out


def find_triggers(text: Text, lang: str, triggers_file: Path, morph: Morphology) -> list[TriggerHit]:
    """Every trigger term of the document's language found in its text."""
    table = load_triggers(triggers_file)
    terms = [(kind, term) for kind, by_lang in table.items() for term in by_lang.get(lang, [])]
    toks = text.tokens
    hits = [TriggerHit(kind, toks[i].start, toks[j - 1].end, " ".join(toks[k].text for k in range(i, j)))
            for kind, i, j in _matcher(triggers_file, lang, morph, tuple(map(tuple, (t for _, t in terms))),
                                       tuple(k for k, _ in terms)).find(toks)]
    # one hit per kind and span (several stems may match the same word)
    unique = {(h.kind, h.start, h.end): h for h in hits}
    return sorted(unique.values(), key=lambda h: (h.start, -h.end))


@lru_cache(maxsize=16)
def _matcher(source: Path, lang: str, morph: Morphology, terms: tuple, kinds: tuple) -> TermMatcher:
    return TermMatcher(lang, [(k, list(t)) for k, t in zip(kinds, terms)], morph)


@component("triggers", adds=("triggers",))
def triggers(doc) -> None:
    doc.triggers = find_triggers(doc.text, doc.lang, doc.lexicon_dir / "triggers.yaml", doc.resources.morph)
