"""Organisations the lexicon does not know, found by the shape of their names.

A run of capitalised words built on a head word from ``data/lexicon/org-heads.yaml``
("Caritas Armenia Foundation", "Фонд «Право на жизнь»", "Həyat Fondu") is taken as an
organisation. Known names are matched first (names.py); discovery only looks at what they
leave, so it never renames a known body. How a word is matched to a head, whether a name
ends at its head, which lower-case complement a head takes, which quotes hold a name: each
language's rules (:class:`kg.language.Language`), never its code.

* The head gives the class (Ministry -> kg:Ministry, "State Commission" -> kg:StateCommission,
  Agency -> kg:Agency, otherwise kg:Organisation).
* A name made only of its head and generic words ("the National Society", "International
  Federation", "Dövlət Komissiyası") is a generic phrase, not a name: it is left to
  :mod:`kg.annotate.coreference`.
* The name is cited in its base form (Russian nominative, Azerbaijani without the case
  ending of its head) and keyed by it, so the same organisation in two documents, in two
  inflections, is one entity; a state body named without its country ("Ministry of
  Transport") belongs to the country its sentence, paragraph or document is about, and its
  key says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..components import component
from ..datafile import load_yaml
from ..language import Language
from ..lexicon import Entities, EntityInfo, Lexicon
from ..morphology import Citation, Morphology
from ..namespaces import slugify
from ..text import Spans, Text
from .names import Mention


@dataclass(frozen=True)
class Head:
    cls: str
    words: dict[str, tuple[str, ...]]
    after: dict[str, tuple[str, ...]] | None
    within: dict[str, tuple[str, ...]] | None = None


def load_heads(data: dict) -> list[Head]:
    out = []
    for h in data.get("heads", []):
        words = {k: tuple(v) for k, v in h.items() if k not in ("class", "after", "with")}
        after = {k: tuple(v) for k, v in h["after"].items()} if h.get("after") else None
        within = {k: tuple(v) for k, v in h["with"].items()} if h.get("with") else None
        out.append(Head(h["class"], words, after, within))
    return out


class OrganisationDiscovery:
    def __init__(self, lexicon: Lexicon, morph: Morphology, entities: Entities, data: dict | None = None,
                 is_place=None):
        self.lexicon = lexicon
        self.entities = entities  # where the organisations found are introduced
        self.morph = morph
        self.citation = Citation(morph)
        if data is None:
            
            data = load_yaml(lexicon.directory / "org-heads.yaml")
        self.data = data
        self.heads = load_heads(data)
        self.state_classes = frozenset(data.get("state_classes", []))
        self.is_place = is_place  # (lang, cited name) -> a place's name ("Russian Federation")
        self._is_head: dict[tuple[str, str], bool] = {}  # (asked of every word: once per distinct word)

    # -- word rules, by the language's kind of inflection -----------------------------
    def _word_is(self, lang: str, word: str, listed: str) -> bool:
        how = self.morph.inflection(lang)
        if how == "suffixes":
            return self.morph.az_inflects(self.morph.lower(lang, word), self.morph.lower(lang, listed))
        if how == "lemma":
            return self.morph.key(lang, word) == self.morph.key(lang, listed)
        return word == listed

    def _in(self, lang: str, word: str, listed) -> bool:
        return any(self._word_is(lang, word, w) for w in listed)

    def _head_words(self, lang: str) -> list[str]:
        return [w for h in self.heads for w in h.words.get(lang, ())]

    def is_head(self, lang: str, word: str) -> bool:
        hit = self._is_head.get((lang, word))
        if hit is None:
            hit = self._is_head[(lang, word)] = self._in(lang, word, self._head_words(lang))
        return hit

    def head_class(self, lang: str, words: list[str], head_index: int) -> str:
        before = words[:head_index]
        plain = None
        for h in self.heads:
            if not self._in(lang, words[head_index], h.words.get(lang, ())):
                continue
            if h.after is not None:
                if any(self._in(lang, w, h.after.get(lang, ())) for w in before):
                    return h.cls
            elif h.within is not None:
                if any(self._in(lang, w, h.within.get(lang, ())) for w in words):
                    return h.cls
            elif plain is None:
                plain = h.cls
        return plain or "Organisation"

    def _generic(self, lang: str, word: str) -> bool:
        return self._in(lang, word, self.data.get("generic", {}).get(lang, ())) or \
            self._in(lang, word, self.data.get("connectors", {}).get(lang, ()))

    # -- finding -------------------------------------------------------------------
    def find(self, doc_id: str, text: Text, language: Language, known: list[Mention],
             country_at=None) -> list[Mention]:
        """``country_at(pos)``: the country a position's context is about (for state bodies)."""
        lang = language.code
        # names are kept; a contextual word ("government") inside a longer name is not
        taken = Spans([(m.norm_start, m.norm_end) for m in known if m.kind == "organisation"
                       and m.role not in ("contextual", "post")], len(text.norm))
        # a name a place finder already took whole ("Russian Federation") is a place
        contextual = Spans([(m.norm_start, m.norm_end) for m in known
                            if m.role in ("contextual", "post") or m.kind == "place"], len(text.norm))
        connectors = set(self.data.get("connectors", {}).get(lang, []))
        toks = text.tokens
        found: list[Mention] = []
        i = 0
        while i < len(toks):
            run, j = self._run(text, toks, i, connectors, language)
            for piece in self._names(run, language, connectors):
                s, e = piece[0].start, piece[-1].end
                inside = taken.furthest_end(s, e)
                if inside:
                    # a known organisation is never renamed; what follows it may be a name
                    # ("BQXK Həyat Fonduna")
                    rest = [t for t in piece if t.start >= inside]
                    piece = next(iter(self._names(rest, language, connectors)), None) if rest else None
                    if piece is None or taken.overlaps(piece[0].start, piece[-1].end):
                        continue
                    s, e = piece[0].start, piece[-1].end
                if contextual.contain(s, e):
                    continue  # "the Interior Ministry": the lexicon's contextual name, resolved later; a place
                m = self._mention(doc_id, text, s, e, language, piece, country_at)
                if m is not None:
                    found.append(m)
                    taken.add(s, e)
            i = max(j, i + 1)
        return found

    def _run(self, text: Text, toks, i: int, connectors: set[str], language: Language):
        """The capitalised run starting at token i (with connectors and quoted names)."""
        lang = language.code
        run, j = [], i
        while j < len(toks):
            t = toks[j]
            if j > i and "\n" in text.norm[toks[j - 1].end:t.start]:
                break
            if t.is_word and t.text[0].isupper():
                run.append(t)
            elif t.is_word and t.text in connectors and run and j + 1 < len(toks) and \
                    (toks[j + 1].text[:1].isupper() or toks[j + 1].text in connectors):
                run.append(t)
            elif t.text in language.quote_pairs and run and self.is_head(lang, run[-1].text):
                close = language.quote_pairs[t.text]
                k = j + 1
                while k < len(toks) and toks[k].text != close and k - j < 12:
                    k += 1
                if k >= len(toks) or toks[k].text != close:
                    break
                run.extend(toks[j:k + 1])
                j = k
            elif language.name_complement_case and t.is_word and run and self.is_head(lang, run[-1].text) and \
                    (len(run) == 1 or run[-2].text in connectors):
                # "Ассоциация семей пропавших": a capitalised head, then its complement in the
                # case the language gives complements
                k = j
                while k < len(toks) and toks[k].is_word and toks[k].text.islower() and k - j < 4 \
                        and self.morph.has_case(lang, toks[k].text, language.name_complement_case):
                    k += 1
                run.extend(toks[j:k])
                j = k
                break
            else:
                break
            j += 1
        return run, j

    def _names(self, run, language: Language, connectors: set[str]):
        """Split a run into names. After a head, a conjunction ends a name when what follows
        has a head of its own ("X Foundation and the Y Society"); in a head-final language a
        name ends at its head. Each name needs a head, two words, and a word that is neither
        the head nor generic."""
        lang = language.code
        pieces, cur, seen_head = [], [], False
        for k, t in enumerate(run):
            article_next = k + 1 < len(run) and run[k + 1].text.lower() in language.articles
            if t.is_word and language.is_conjunction(t.text) and (article_next or (
                    seen_head and any(x.is_word and self.is_head(lang, x.text) for x in run[k + 1:]))):
                # "X Foundation and the Y Society", "Civil Defence and the Institute …": a
                # conjunction before an article, or between two heads, joins two names
                pieces.append(cur)
                cur, seen_head = [], False
                continue
            cur.append(t)
            if t.is_word and self.is_head(lang, t.text):
                seen_head = True
                if language.head_final:
                    pieces.append(cur)
                    cur, seen_head = [], False
        pieces.append(cur)
        articles = {a.lower() for a in language.articles}
        for p in pieces:
            while p and (p[0].text.lower() in articles or p[0].text in connectors or not p[0].is_word):
                p = p[1:]
            while p and (p[-1].text in connectors or not p[-1].is_word) and not p[-1].text in language.quote_pairs.values():
                p = p[:-1]
            words = [t for t in p if t.is_word]
            if len(words) < 2 or not any(self.is_head(lang, t.text) for t in words):
                continue
            if all(self.is_head(lang, t.text) or self._generic(lang, t.text) for t in words):
                continue  # "National Society", "International Federation": generic, not a name
            yield p

    def _mention(self, doc_id: str, text: Text, s: int, e: int, language: Language, piece,
                 country_at) -> Mention | None:
        lang = language.code
        words = [t.text for t in piece if t.is_word]
        # the head: the last head word in a head-final language, else the first
        idx = [k for k, w in enumerate(words) if self.is_head(lang, w)]
        head = idx[-1] if language.head_final else idx[0]
        cls = self.head_class(lang, words, head)
        surface = text.norm[s:e]
        if self.morph.inflection(lang) == "exact":
            cited = " ".join(surface.split())
        else:
            # cite word by word, keeping the punctuation inside the name (quotes, hyphens)
            cited_words = self.citation.name(lang, words, self._head_words(lang)).split()
            out, pos, wi = [], s, 0
            for t in piece:
                if t.is_word:
                    out.append(text.norm[pos:t.start] + (cited_words[wi] if wi < len(cited_words) else t.text))
                    wi += 1
                    pos = t.end
            out.append(text.norm[pos:e])
            cited = " ".join("".join(out).split())
        if self.is_place is not None and self.is_place(lang, cited):
            return None  # "Russian Federation", "Rusiya Federasiyası": a place, named like a body
        key = f"organisation/{slugify(cited, 10)}"
        jurisdiction = None
        if cls in self.state_classes and country_at is not None:
            jurisdiction = country_at(s, e)
            if jurisdiction:
                key = f"{key}-{jurisdiction.split('/', 1)[1]}"
        self.entities.add(EntityInfo(key, cls, {lang: cited}, jurisdiction=jurisdiction))
        os_, oe = text.to_original(s, e)
        return Mention(doc_id, os_, oe, text.original[os_:oe], key, lang, cited, "name", s, e)


@component("organisation_discovery", needs=("mentions",), adds=("mentions",))
def discover_organisations(doc) -> None:
    """Organisations the lexicon does not know, added to the lexicon's names (the country of
    a state body named without one is given once places are found: kg.annotate.coreference)."""
    finder = OrganisationDiscovery(doc.lexicon, doc.resources.morph, doc.entities, doc.resources.org_heads,
                                   is_place=doc.resources.is_place_name)
    found = finder.find(doc.doc_id, doc.text, doc.language, doc.mentions)
    doc.mentions = sorted(doc.mentions + found, key=lambda m: m.norm_start)
