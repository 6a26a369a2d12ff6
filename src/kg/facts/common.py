"""Helpers the fact extractors share: label templates, short names, clause boundaries."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView

@lru_cache(maxsize=4)
def label_templates(lexicon_dir: Path) -> dict:
    return yaml.safe_load((lexicon_dir / "labels.yaml").read_text(encoding="utf-8"))


def short_name(doc: DocContext, key: str, lang: str) -> str:
    """An entity's short name in a language: its acronym if the lexicon has one."""
    info = doc.entities.get(key)
    if info is None:
        return key.split("/", 1)[1]
    return doc.lexicon.acronym(key, lang) or info.labels.get(lang) or info.labels.get("en") or key


_CLAUSE_END = re.compile(r"[,.;:!?]")


def clause_after(ctx: DocContext, sent: SentenceView, pos: int) -> str:
    rest = ctx.text.norm[pos:sent.end]
    m = _CLAUSE_END.search(rest)
    return (rest[: m.start()] if m else rest).strip()


def condition_start(ctx: DocContext, sent: SentenceView, pos: int) -> int:
    """Where a condition begins. In a language whose modifiers precede what they modify in
    the genitive, its words precede the marker as a chain of genitives ("onların
    ailələrinin razılığı əsasında"); elsewhere it starts at the marker."""
    language = ctx.language
    if not language.verb_final or not language.genitive_endings:
        return pos
    words = [t for t in ctx.text.tokens_in(sent.start, pos) if t.is_word]
    start = pos
    for t in reversed(words):
        if language.lower(t.text).endswith(language.genitive_endings):
            start = t.start
        else:
            break
    return start
