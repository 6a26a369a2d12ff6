"""Finding entities by any of their names, in any language.

Three ways a name can match, best first:
  * the whole name, ignoring case (and Azerbaijani/Russian letter variants);
  * the lexicon's own name finder (:class:`kg.annotate.names.MentionFinder`), which knows
    inflected forms: "BQXK-nın", "Международного Комитета Красного Креста";
  * word by word through :mod:`kg.morphology` — Russian lemmas ("Красного Креста" →
    красный крест), Azerbaijani suffix chains ("Komitəsinin" → komitə) — and, last,
    plain substrings of the labels.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from ...morphology import az_lower
from .model import ALT, HIDDEN, KG, NAME_PROPS, store_facts

_WORD = re.compile(r"\w+(?:['’-]\w+)*", re.UNICODE)
_LANGS = ("en", "ru", "az")

_finder_lock = threading.Lock()


def _finder(lexicon_dir):
    """The lexicon and its name finder, built once per process (world knowledge, not the
    extraction pipeline)."""
    from ...resources import load_resources

    with _finder_lock:
        res = load_resources(Path(lexicon_dir))
        return res.lexicon, res.names


def fold(text: str) -> str:
    """Case- and mark-insensitive form: İ/I, ё, ı, ə are folded too."""
    t = text.replace("İ", "i").replace("ё", "е").replace("Ё", "Е").casefold()
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return t.replace("ı", "i").replace("ə", "e")


@dataclass
class Name:
    node: object
    text: str
    lang: str
    folded: str
    keys: tuple[str, ...] | None = None  # word keys in the name's language


@dataclass
class Hit:
    node: object
    name: str
    lang: str
    score: int
    how: str


class SearchIndex:
    def __init__(self, store: ox.Store, base_iri: str, lexicon_dir):
        self.names: list[Name] = []
        self.lexicon_dir = lexicon_dir
        self.base = base_iri
        props = ", ".join(f"<{p.value}>" for p in NAME_PROPS)
        q = f"SELECT DISTINCT ?s ?p ?l WHERE {{ ?s ?p ?l FILTER(?p IN ({props}) && isLITERAL(?l)) }}"
        for s, _p, lit in store.query(q):
            lang = (lit.language or "").split("-")[0]
            self.names.append(Name(s, lit.value, lang, fold(lit.value)))
        self._morph = None
        self._lexicon = None
        self._mention_finder = None
        try:
            self._lexicon, self._mention_finder = _finder(lexicon_dir)
            self._morph = self._mention_finder.morph
        except Exception:  # no lexicon: plain matching still works
            pass
        # the lexicon's names of entities the graph holds (inflection-aware aliases)
        if self._lexicon is not None:
            present = {n.node.value for n in self.names}
            for nm in self._lexicon.names:
                iri = f"{base_iri}id/{nm.entity}"
                if iri in present:
                    self.names.append(Name(ox.NamedNode(iri), nm.text, nm.lang, fold(nm.text)))

    # -- word keys ------------------------------------------------------------------
    def _keys(self, lang: str, text: str) -> tuple[str, ...]:
        words = []
        for w in _WORD.findall(text):
            if lang == "az":
                # "BQXK-nın": the acronym and its case ending; keep the acronym
                head, *tail = re.split(r"['’-]", w)
                if tail and all(self._is_suffix(t) for t in tail):
                    w = head
            words.append(w)
        if self._morph is None:
            return tuple(fold(w) for w in words)
        return tuple(self._morph.key(lang if lang in _LANGS else "en", w) for w in words)

    def _is_suffix(self, piece: str) -> bool:
        if self._morph is None:
            return False
        p = az_lower(piece)
        return self._morph.az_inflects("a" + p, "a") or self._morph.az_inflects("b" + p, "b")

    def _word_match(self, lang: str, q: str, k: str) -> bool:
        if q == k:
            return True
        if lang == "az" and self._morph is not None and len(k) >= 3:
            return self._morph.az_inflects(q, k) or self._morph.az_inflects(k, q)
        return False

    def _seq_match(self, lang: str, qkeys: tuple, keys: tuple) -> bool:
        n = len(qkeys)
        for i in range(len(keys) - n + 1):
            if all(self._word_match(lang, qkeys[j], keys[i + j]) for j in range(n)):
                return True
        return False

    # -- search ---------------------------------------------------------------------
    def search(self, query: str, limit: int = 100) -> list[Hit]:
        query = " ".join(query.split())
        if not query:
            return []
        fq = fold(query)
        best: dict = {}

        def hit(name: Name, score: int, how: str):
            cur = best.get(name.node)
            if cur is None or score > cur.score:
                best[name.node] = Hit(name.node, name.text, name.lang, score, how)

        for name in self.names:
            if name.folded == fq:
                hit(name, 100, "name")
        present = {n.node for n in self.names}
        for node, text, lang in self._lexicon_hits(query):
            if node in present:
                hit(Name(node, text, lang, fold(text)), 90, "inflected name")
        qkeys_by_lang = {lang: self._keys(lang, query) for lang in _LANGS}
        for name in self.names:
            if name.node in best and best[name.node].score >= 90:
                continue
            if name.folded.startswith(fq):
                hit(name, 80, "start of a name")
                continue
            lang = name.lang if name.lang in _LANGS else "en"
            qkeys = qkeys_by_lang[lang]
            if qkeys:
                if name.keys is None:
                    name.keys = self._keys(lang, name.text)
                if self._seq_match(lang, qkeys, name.keys):
                    hit(name, 70, "words")
                    continue
            if fq in name.folded:
                hit(name, 60, "part of a name")
        hits = sorted(best.values(), key=lambda h: (-h.score, _kind_rank(h.node.value, self.base), h.name.casefold()))
        return hits[:limit]

    def _lexicon_hits(self, query: str) -> list:
        if self._mention_finder is None:
            return []
        from ...text import Text

        found = []
        for variant in {query, query.title(), query.upper()}:
            try:
                mentions = self._mention_finder.find("query", Text(variant))
            except Exception:
                continue
            for m in mentions:
                # only a mention covering the whole query counts as the name asked for;
                # what is left may be an Azerbaijani case ending ("BQXK-nın")
                rest = (variant[:m.start] + " " + variant[m.end:]).strip(" -'’.,")
                if not rest or all(self._is_suffix(w) for w in re.split(r"[\s'’-]+", rest) if w):
                    iri = ox.NamedNode(f"{self.base}id/{m.entity}")
                    if all(f[0] != iri for f in found):
                        found.append((iri, m.name, m.lang))
        return found


_KIND_ORDER = ("organisation", "office", "place", "activity", "handover", "closure", "document")


def _kind_rank(iri: str, base: str) -> int:
    if iri.startswith(base + "id/"):
        kind = iri[len(base) + 3:].split("/", 1)[0]
        return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)
    return len(_KIND_ORDER) + 1


def index_for(g: KG, settings) -> SearchIndex:
    facts = store_facts(g.store)
    with facts.lock:
        if facts.search_index is None:
            facts.search_index = SearchIndex(g.store, settings.base_iri, settings.lexicon_dir)
        return facts.search_index


__all__ = ["ALT", "HIDDEN", "SearchIndex", "fold", "index_for"]
