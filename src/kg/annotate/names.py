"""Finding mentions of lexicon entities (organisations, posts, instruments) in a document's text.

Names are matched as sequences of per-language word keys (see :mod:`kg.morphology`),
so "Международной Федерацией обществ Красного Креста" finds the IFRC and
"Azərbaycan Qızıl Aypara Cəmiyyəti ilə" finds the Azerbaijan Red Crescent Society.
Every language's names are tried on every document: press releases quote captions
and names in other languages. Each mention keeps offsets into the original file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..components import component
from ..lexicon import FOCAL, Lexicon, Name
from ..morphology import Morphology
from ..text import Spans, Text, Token, tokenize

# Punctuation that may sit inside a name ("Prisoners of War, Hostages", "BQXK-nın").
_TRANSPARENT = {",", "-", "'", "/"}
_ROLE_RANK = {"name": 0, "acronym": 1, "short": 2, "post": 3, "contextual": 4}


@dataclass(frozen=True)
class Mention:
    doc_id: str
    start: int  # offsets into the original text
    end: int
    exact: str  # original text between start and end
    entity: str  # entity key, e.g. "organisation/icrc"
    lang: str  # language of the matched name
    name: str  # the lexicon name that matched (canonical spelling)
    role: str  # name | acronym | short | post | contextual
    norm_start: int
    norm_end: int

    @property
    def kind(self) -> str:
        return self.entity.split("/", 1)[0]


def _stream(text: Text) -> list[list[Token]]:
    """Runs of word tokens between hard boundaries (sentence punctuation, line breaks)."""
    runs: list[list[Token]] = []
    cur: list[Token] = []
    prev_end = None
    for tok in text.tokens:
        hard_gap = prev_end is not None and "\n" in text.norm[prev_end:tok.start]
        if hard_gap or (not tok.is_word and tok.text not in _TRANSPARENT):
            if cur:
                runs.append(cur)
            cur = []
        if tok.is_word:
            cur.append(tok)
        prev_end = tok.end
    if cur:
        runs.append(cur)
    return runs


def _name_tokens(morph: Morphology, lang: str, text: str) -> list[str]:
    articles = _articles(morph, lang)
    return [t for t in tokenize(text) if t[0].isalnum() and t.lower() not in articles]


def _articles(morph: Morphology, lang: str) -> frozenset[str]:
    """Articles are skipped in names ("the ICRC" is "ICRC")."""
    language = morph.languages.get(lang)
    return language.articles if language else frozenset()


class MentionFinder:
    def __init__(self, lexicon: Lexicon, morphology: Morphology):
        self.lexicon = lexicon
        self.morph = morphology
        # trie per language: key -> node; node["$"] = [(Name, name_tokens)]
        self._tries: dict[str, dict] = {}
        for name in lexicon.names:
            toks = _name_tokens(self.morph, name.lang, name.text)
            if not toks:
                continue
            node = self._tries.setdefault(name.lang, {})
            for t in toks:
                node = node.setdefault(self.morph.key(name.lang, t), {})
            node.setdefault("$", []).append((name, toks))

    # -- matching --------------------------------------------------------------
    def _children(self, lang: str, node: dict, key: str) -> list[dict]:
        if self.morph.inflection(lang) != "suffixes":
            child = node.get(key)
            return [child] if child is not None else []
        # words carry suffix chains: try each stem the word could inflect
        return [node[stem] for stem in self.morph.az_stems(key) if stem in node]

    def _candidates(self, text: Text):
        for run in _stream(text):
            for lang, trie in self._tries.items():
                articles = _articles(self.morph, lang)
                seq = [t for t in run if t.text.lower() not in articles]
                keys = [self.morph.key(lang, t.text) for t in seq]
                for i in range(len(seq)):
                    frontier = [trie]
                    for j in range(i, len(seq)):
                        frontier = [c for node in frontier for c in self._children(lang, node, keys[j])]
                        if not frontier:
                            break
                        for node in frontier:
                            for name, toks in node.get("$", ()):
                                surface = seq[i : j + 1]
                                if self._shape_ok(name, toks, surface):
                                    yield name, surface

    @staticmethod
    def _shape_ok(name: Name, toks: list[str], surface: list[Token]) -> bool:
        if name.role == "acronym":
            return [t.text for t in surface] == toks
        # A name's first word keeps its capital in the text, so "the commission" is not "the
        # Commission"; later words may vary ("Международный комитет Красного Креста" is the
        # lexicon's "Международный Комитет Красного Креста"). A one-word name keeps its case.
        lex, tok = toks[0], surface[0]
        if lex[0].isupper() and not tok.text[0].isupper():
            return False
        if len(toks) > 1 and not any(t.text[0].isupper() for t in surface[1:]) and \
                sum(1 for t in toks[1:] if t[0].isupper()) > 1:
            return False  # a capitalised name written all in lower case after its first word is a phrase
        return True

    def find(self, doc_id: str, text: Text, keep_contextual: bool = False) -> list[Mention]:
        """Mentions of lexicon names. A contextual name ("the authorities") depends on the
        country the text is about: with ``keep_contextual`` it is kept with its
        placeholder key (``…-{focal}``), for :mod:`kg.annotate.contextual` to resolve once
        places are found; without, it is left out."""
        raw = []
        for name, surface in self._candidates(text):
            raw.append((surface[0].start, surface[-1].end, name))
        # Longest span first, then the better kind of name; overlapping shorter spans lose.
        raw.sort(key=lambda r: (-(r[1] - r[0]), _ROLE_RANK[r[2].role], r[0]))
        taken = Spans(length=len(text.norm))
        chosen: list[tuple[int, int, list[Name]]] = []
        by_span: dict[tuple[int, int], list[Name]] = {}
        for s, e, name in raw:
            if (s, e) in by_span:
                by_span[(s, e)].append(name)
                continue
            if taken.overlaps(s, e):
                continue
            taken.add(s, e)
            by_span[(s, e)] = [name]
            chosen.append((s, e, by_span[(s, e)]))
        chosen.sort(key=lambda c: c[0])

        seen: set[str] = set()
        mentions: list[Mention] = []
        for s, e, names in chosen:
            names = sorted(names, key=lambda n: _ROLE_RANK[n.role])
            picked = None
            for n in names:
                if FOCAL in n.entity:
                    if keep_contextual and picked is None:
                        picked = (n.entity, n)
                    continue
                key = n.entity
                if key not in self.lexicon.entities:
                    continue
                if n.role == "short" and key not in seen:
                    continue  # a short form refers back to an entity named in full
                if picked is None or FOCAL in picked[0] or (key in seen and picked[0] not in seen):
                    picked = (key, n)
            if picked is None:
                continue
            key, n = picked
            if n.role in ("name", "acronym"):
                seen.add(key)
            os_, oe = text.to_original(s, e)
            mentions.append(
                Mention(doc_id, os_, oe, text.original[os_:oe], key, n.lang, n.text, n.role, s, e)
            )
        return mentions


@component("names", adds=("mentions",))
def names(doc) -> None:
    """Names the lexicon knows, in any of the three languages and any inflection
    (places are the gazetteer's: :mod:`kg.annotate.places`; contextual names are resolved
    by :mod:`kg.annotate.contextual`)."""
    doc.mentions = doc.resources.names.find(doc.doc_id, doc.text, keep_contextual=True)
