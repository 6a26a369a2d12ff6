"""Trigger words: per-language terms that signal a kind of statement (data/lexicon/triggers.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

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
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, list[list[str]]]] = {}
    for kind, by_lang in data.items():
        out[kind] = {}
        for lang, terms in by_lang.items():
            out[kind][lang] = [tokenize(str(t)) for t in terms]
    return out


def word_matches(lang: str, term_word: str, token: str, morph: Morphology, last: bool = True) -> bool:
    """A token of the text is a form of a term's word (see :meth:`Morphology.matches`)."""
    return morph.matches(lang, term_word, token, last)


def find_triggers(text: Text, lang: str, triggers_file: Path, morph: Morphology) -> list[TriggerHit]:
    """Every trigger term of the document's language found in its text."""
    table = load_triggers(triggers_file)
    toks = text.tokens
    hits: list[TriggerHit] = []
    for kind, by_lang in table.items():
        for term in by_lang.get(lang, []):
            n = len(term)
            for i in range(len(toks) - n + 1):
                if all(word_matches(lang, term[k], toks[i + k].text, morph, k == n - 1) for k in range(n)):
                    hits.append(TriggerHit(kind, toks[i].start, toks[i + n - 1].end, " ".join(term)))
    # one hit per kind and span (several stems may match the same word)
    unique = {(h.kind, h.start, h.end): h for h in hits}
    return sorted(unique.values(), key=lambda h: (h.start, -h.end))


@component("triggers", adds=("triggers",))
def triggers(doc) -> None:
    doc.triggers = find_triggers(doc.text, doc.lang, doc.lexicon_dir / "triggers.yaml", doc.resources.morph)
