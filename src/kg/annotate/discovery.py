"""Organisations the lexicon does not know, found by the shape of their names.

A run of capitalised words built on a head word from ``data/lexicon/org-heads.yaml``
("Caritas Armenia Foundation", "Фонд «Право на жизнь»", "Həyat Fondu") is taken as an
organisation. Known names are matched first (mentions.py); discovery only looks at what
they leave, so it never renames a known body.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..lexicon import Entities, EntityInfo, Lexicon
from ..components import component
from .names import Mention
from ..morphology import Morphology, az_lower
from ..namespaces import slugify
from ..text import Text

_QUOTES = {'"': '"', "«": "»"}
_ARTICLES = {"the", "The"}


@lru_cache(maxsize=2)
def _heads(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class OrganisationDiscovery:
    def __init__(self, lexicon: Lexicon, morph: Morphology, entities: Entities):
        self.lexicon = lexicon
        self.entities = entities  # where the organisations found are introduced
        self.morph = morph
        self.data = _heads(lexicon.directory / "org-heads.yaml")

    def _is_head(self, lang: str, word: str) -> bool:
        heads = self.data.get(lang, [])
        if lang == "en":
            return word in heads
        if lang == "ru":
            return self.morph.key("ru", word) in heads
        return any(self.morph.az_inflects(az_lower(word), az_lower(h)) for h in heads)

    def find(self, doc_id: str, text: Text, lang: str, known: list[Mention]) -> list[Mention]:
        taken = [(m.norm_start, m.norm_end) for m in known if m.kind == "organisation"]
        connectors = set(self.data.get("connectors", {}).get(lang, []))
        toks = text.tokens
        found: list[Mention] = []
        i = 0
        while i < len(toks):
            run, j = self._run(text, toks, i, connectors, lang)
            for piece in self._names(run, lang, connectors):
                s, e = piece[0].start, piece[-1].end
                if any(s < te and ts < e for ts, te in taken):
                    continue
                found.append(self._mention(doc_id, text, s, e, lang, piece))
                taken.append((s, e))
            i = max(j, i + 1)
        return found

    def _run(self, text: Text, toks, i: int, connectors: set[str], lang: str):
        """The capitalised run starting at token i (with connectors and quoted names)."""
        run, j = [], i
        while j < len(toks):
            t = toks[j]
            if j > i and "\n" in text.norm[toks[j - 1].end:t.start]:
                break
            if t.is_word and t.text[0].isupper():
                run.append(t)
            elif t.is_word and t.text in connectors and run and j + 1 < len(toks) and toks[j + 1].text[:1].isupper():
                run.append(t)
            elif t.text in _QUOTES and run and self._is_head(lang, run[-1].text):
                close = _QUOTES[t.text]
                k = j + 1
                while k < len(toks) and toks[k].text != close and k - j < 12:
                    k += 1
                if k >= len(toks) or toks[k].text != close:
                    break
                run.extend(toks[j:k + 1])
                j = k
            elif lang == "ru" and t.is_word and run and self._is_head(lang, run[-1].text) and \
                    (len(run) == 1 or run[-2].text in connectors):
                # "Ассоциация семей пропавших": a capitalised head, then its genitive complement
                k = j
                while k < len(toks) and toks[k].is_word and toks[k].text.islower() and k - j < 4 \
                        and self.morph.ru_genitive(toks[k].text):
                    k += 1
                run.extend(toks[j:k])
                j = k
                break
            else:
                break
            j += 1
        return run, j

    def _names(self, run, lang: str, connectors: set[str]):
        """Split a run into names: a head ends a name before a joining word (and a name in
        a head-final language ends at its head); each name must have a head and two words."""
        pieces, cur, seen_head = [], [], False
        head_final = lang == "az"
        for t in run:
            if t.is_word and t.text in connectors and seen_head:
                pieces.append(cur)
                cur, seen_head = [], False
                continue
            cur.append(t)
            if t.is_word and self._is_head(lang, t.text):
                seen_head = True
                if head_final:
                    pieces.append(cur)
                    cur, seen_head = [], False
        pieces.append(cur)
        for p in pieces:
            while p and (p[0].text in _ARTICLES or p[0].text in connectors or not p[0].is_word):
                p = p[1:]
            words = [t for t in p if t.is_word]
            if len(words) >= 2 and any(self._is_head(lang, t.text) for t in words):
                yield p

    def _head_form(self, lang: str, word: str) -> str:
        """The head as a name is cited: Russian nominative ("Ассоциацией" -> "Ассоциация"),
        Azerbaijani without case endings ("Fonduna" -> "Fondu")."""
        if lang == "ru":
            lemma = self.morph.key("ru", word)
            return lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma
        if lang == "az":
            for h in self.data.get("az", []):
                if self.morph.az_inflects(az_lower(word), az_lower(h)):
                    return h
        return word

    def _mention(self, doc_id: str, text: Text, s: int, e: int, lang: str, piece) -> Mention:
        parts, pos = [], s
        for t in piece:
            if t.is_word and self._is_head(lang, t.text):
                parts.append(text.norm[pos:t.start] + self._head_form(lang, t.text))
                pos = t.end
        parts.append(text.norm[pos:e])
        surface = " ".join("".join(parts).split())
        key = f"organisation/{slugify(surface, 10)}"
        self.entities.add(EntityInfo(key, "Organisation", {lang: surface}))
        os_, oe = text.to_original(s, e)
        return Mention(doc_id, os_, oe, text.original[os_:oe], key, lang, surface, "name", s, e)


@component("organisation_discovery", needs=("mentions",), adds=("mentions",))
def discover_organisations(doc) -> None:
    """Organisations the lexicon does not know, added to the lexicon's names."""
    found = OrganisationDiscovery(doc.lexicon, doc.resources.morph, doc.entities).find(doc.doc_id, doc.text, doc.lang, doc.mentions)
    doc.mentions = sorted(doc.mentions + found, key=lambda m: m.norm_start)
