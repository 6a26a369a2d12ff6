"""What a node is called on a page in the page's language.

Organisations, places and concepts have names the documents give (``skos:prefLabel`` …);
the nodes the pipeline makes itself (offices, closures, handovers, activities …) are named
here from their parts, by the templates of ``data/lexicon/labels.yaml`` (``page_names``)
and the grammar of the language (:mod:`.grammar`): "Закрытие делегации МККК в Азербайджане",
"BQXK-nın Azərbaycandakı nümayəndəliyinin bağlanması". Dates read as dates, periods as
their ends, passages as their words. A name in another language than the page's is marked
(``Label.fallback``), never passed off as a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ...datafile import load_yaml
from ...namespaces import KG, PREFIXES
from . import dates, i18n
from .grammar import Grammar
from .reader import (
    BEGIN,
    END_T,
    SURFACE,
    GraphReader,
    Label,
    date_value,
    local_name,
    shorten,
)

A = "a"  # the slot path that means the node's class
END_BOUND = ox.NamedNode(str(KG.endBound))
LOCATED_IN = ox.NamedNode(str(KG.locatedIn))
PERIOD = ox.NamedNode(str(KG.Period))
_SLOT = re.compile(r"\{(\^?)(\w+)(?::([\w+]+))?\}")


@dataclass(frozen=True)
class Template:
    cls: str  # local name of the class
    slots: dict[str, tuple[tuple[ox.NamedNode | str, ...], ...]]  # slot -> paths tried in order
    texts: dict[str, str]  # lang -> template


@lru_cache(maxsize=4)
def load_templates(lexicon_dir: Path) -> tuple[dict[str, Template], dict[str, str]]:
    """The ``page_names`` templates by class local name, and the Azerbaijani letter names."""
    data = load_yaml(lexicon_dir / "labels.yaml") or {}
    out = {}
    for cls, entry in (data.get("page_names") or {}).items():
        slots = {}
        for slot, paths in (entry.get("slots") or {}).items():
            paths = [paths] if isinstance(paths, str) else list(paths)
            slots[slot] = tuple(tuple(_expand(step) for step in path.split("/")) for path in paths)
        out[cls] = Template(cls, slots, {k: v for k, v in entry.items() if k != "slots"})
    return out, dict(data.get("page_names_az_letters") or {})


def _expand(step: str):
    if step == A:
        return A
    prefix, _, local = step.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"labels.yaml page_names: unknown prefix in {step!r}")
    return ox.NamedNode(PREFIXES[prefix] + local)


class Namer:
    """Names of nodes in one language, for one request (caches what it composed)."""

    def __init__(self, g: GraphReader, lang: str, templates: dict[str, Template], grammar: Grammar):
        self.g = g
        self.lang = lang
        self.templates = templates
        self.grammar = grammar
        self._cache: dict = {}
        self._busy: set = set()

    # -- the name of a node ------------------------------------------------------------
    def name(self, n) -> Label:
        key = (n, ())
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._name(n)
        return hit

    def _name(self, n) -> Label:
        g = self.g
        if isinstance(n, ox.Literal):
            return self.literal(n)
        d = date_value(g, n)
        if d:
            return Label(dates.human_date(d, self.lang), self.lang)
        if g.is_evidence(n):
            q = g.quote(n)
            if q:
                return Label("“" + shorten(q[0], 90) + "”", q[1], fallback=bool(q[1]) and q[1] != self.lang)
        if self.is_period(n):
            return Label(self.period_text(n), self.lang)
        composed = self.compose(n)
        stored = g.stored_label(n, self.lang)
        if composed is not None and (not composed.fallback or stored is None or stored.fallback):
            return composed
        if stored is not None:
            return stored
        surface = g.literals(n, (SURFACE,))
        if surface:
            return self.in_language(n, SURFACE, surface)
        # no name: the identifier, which is in no language ("zxx")
        if isinstance(n, ox.BlankNode):
            return Label("_:" + n.value, "zxx")
        v = n.value
        if v.startswith(g.base_iri):
            return Label(v[len(g.base_iri):], "zxx")
        return Label(_curie(v), "zxx")

    def class_name(self, cls) -> Label:
        return self.g.stored_label(cls, self.lang) or Label(_curie(cls.value), "zxx")

    # -- literals: in the page's language when a document in it states one ---------------------
    def literal(self, lit: ox.Literal, stated_by: list | None = None) -> Label:
        if lit.language:
            return Label(lit.value, lit.language, fallback=lit.language.split("-")[0] != self.lang)
        langs = [src.lang for src in stated_by or ()]
        if langs:
            lang = self.lang if self.lang in langs else langs[0]
            return Label(lit.value, lang, fallback=lang != self.lang)
        return Label(lit.value)

    def in_language(self, s, p, lits: list[ox.Literal]) -> Label:
        """The one of ``lits`` (values of s p) best for the page: in its language, else marked."""
        best = None
        for lit in sorted(lits, key=lambda x: x.value):
            label = self.literal(lit, self.g.stated_in(s, p, lit))
            if not label.fallback:
                return label
            best = best or label
        return best

    # -- periods -------------------------------------------------------------------------
    def readings(self, s, p) -> list[dates.Reading]:
        """The dates s p states, each with the languages of the documents that state it."""
        by_value: dict[str, list[str]] = {}
        for o in self.g.values(s, p):
            d = date_value(self.g, o)
            if d:
                langs = by_value.setdefault(d, [])
                for src in self.g.stated_in(s, p, o):
                    if src.lang not in langs:
                        langs.append(src.lang)
        return [dates.Reading(v, tuple(langs)) for v, langs in by_value.items()]

    def is_period(self, n) -> bool:
        """A stretch of time (its ends are instants), not an event that has a date."""
        return bool(self.g.values(n, BEGIN) or self.g.values(n, END_T) or PERIOD in self.g.types(n))

    def period_text(self, period) -> str:
        begin = dates.readings_text(self.readings(period, BEGIN), self.lang)
        end = dates.readings_text(self.readings(period, END_T), self.lang)
        bound = dates.readings_text(self.readings(period, END_BOUND), self.lang, genitive=True)
        if not end and bound:
            end = i18n.t("until", self.lang).format(d=bound)
        return f"{begin or i18n.t('open-end', self.lang)} – {end or i18n.t('open-end', self.lang)}"

    # -- composed names --------------------------------------------------------------------
    def template_for(self, n) -> Template | None:
        """The template of the node's most specific class that has one (its own classes and
        theirs up the hierarchy: an office is a presence)."""
        found = {}
        for t in self.g.types(n):
            for cls in [t, *self.g.superclasses(t)]:
                if local_name(cls.value) in self.templates:
                    found[cls] = self.g.superclasses(cls)
        for cls in sorted(found, key=lambda c: c.value):
            if not any(cls in ups for other, ups in found.items() if other != cls):
                return self.templates[local_name(cls.value)]
        return None

    def compose(self, n, features: tuple[str, ...] = (), capital: bool = True) -> Label | None:
        """The node's name from its template, its head put in ``features``; None when it has
        no template, or a slot outside ``[ … ]`` has no value."""
        key = (n, features, capital)
        if key in self._cache:
            return self._cache[key]
        tpl = self.template_for(n)
        text = tpl.texts.get(self.lang) if tpl else None
        if tpl is None or text is None or n in self._busy:
            return None
        self._busy.add(n)
        try:
            fallback = False
            others: list[str] = []
            foreign: list[tuple[str, str | None]] = []  # the parts in other languages
            cls = self._matching_class(n, tpl)

            def fill(part: str) -> str | None:
                nonlocal fallback
                out = []
                pos = 0
                for m in _SLOT.finditer(part):
                    out.append(part[pos:m.start()])
                    head, slot, feats = m.group(1), m.group(2), m.group(3)
                    wanted = tuple((feats or "").split("+")) if feats else ()
                    if head:
                        wanted = wanted + features
                    values = self._slot_values(n, tpl, slot, wanted, cls)
                    if not values:
                        return None
                    fallback = fallback or any(v.fallback for v in values)
                    others.extend(v.mixed or v.lang or "" for v in values if v.fallback)
                    for v in values:
                        foreign.extend(v.parts if v.parts else ([(v.text, v.lang)] if v.fallback else []))
                    out.append(self._join([v.text for v in values]))
                    pos = m.end()
                out.append(part[pos:])
                return "".join(out)

            result = []
            for optional, part in _pieces(text):
                filled = fill(part)
                if filled is None:
                    if optional:
                        continue
                    return None
                result.append(filled)
            words = " ".join("".join(result).split())
            if features and "{^" not in text:
                # no slot is the head: the name's own head word takes the case
                words = self.grammar.inflect(self.lang, words, list(features))
            words = self.grammar.tidy(self.lang, words)
            mixed = ", ".join(dict.fromkeys(o for o in others if o and o != self.lang))
            words = words[:1].upper() + words[1:] if capital else words
            label = Label(words, self.lang, fallback, mixed, _parts(words, self.lang, foreign) if foreign else ())
            self._cache[key] = label
            return label
        finally:
            self._busy.discard(n)

    def _matching_class(self, n, tpl: Template):
        for t in self.g.types(n):
            if local_name(t.value) == tpl.cls:
                return t
        return None

    def _slot_values(self, n, tpl: Template, slot: str, features: tuple[str, ...], cls) -> list[Label]:
        for path in tpl.slots.get(slot, ()):
            if path == (A,):
                target = self._specific_class(n) or cls
                if target is None:
                    continue
                label = self.class_name(target)
                text = label.text if _is_proper(label.text) else label.text[:1].lower() + label.text[1:]
                return [Label(self.grammar.inflect(self.lang, text, list(features)), label.lang, label.fallback)]
            subjects, values = [n], []
            for step in path:
                values = [(x, o) for x in subjects for o in self.g.values(x, step)]
                subjects = [o for _, o in values]
            if not values:
                continue
            linked = {o for _, o in values if not isinstance(o, ox.Literal)}
            # a place within another place of the same slot names nothing more ("in Azerbaijan",
            # not "in Azerbaijan and Baku")
            linked = {o for o in linked if not set(self.g.values(o, LOCATED_IN)) & linked}
            nodes = [self.part(o, features) for o in sorted(linked, key=lambda o: o.value)]
            nodes = [v for v in nodes if not v.fallback] or nodes  # other languages only when needed
            texts = [self.literal(o, self.g.stated_in(x, path[-1], o)) for x, o in values if isinstance(o, ox.Literal)]
            # words quoted from documents: the shortest in the page's language, else in another
            texts = sorted([t for t in texts if not t.fallback] or texts, key=lambda t: (len(t.text), t.text))[:1]
            texts = [Label(_lower_first(t.text), t.lang, t.fallback) for t in texts]
            return nodes + texts
        return []

    def _specific_class(self, n):
        """The node's most specific class (Delegation rather than Office)."""
        types = self.g.most_specific_types(n)
        return types[0] if types else None

    def part(self, o, features: tuple[str, ...]) -> Label:
        """A node as part of another's name: composed in the case asked, else its short name."""
        composed = self.compose(o, features, capital=False) if self.template_for(o) else None
        if composed is not None:
            return composed
        d = date_value(self.g, o)
        if d:
            return Label(dates.human_date(d, self.lang), self.lang)
        short = self.g.short_label(o, self.lang)
        if short is None:
            base = self.name(o)
            return base
        text = short.text if short.fallback else self.grammar.inflect(self.lang, short.text, list(features))
        return Label(text, short.lang, short.fallback)

    def _join(self, texts: list[str]) -> str:
        texts = list(dict.fromkeys(texts))
        if len(texts) <= 1:
            return texts[0] if texts else ""
        return ", ".join(texts[:-1]) + f" {i18n.t('and', self.lang)} " + texts[-1]


def _parts(text: str, lang: str, foreign: list[tuple[str, str | None]]) -> tuple:
    """The name cut into (text, language) pieces around the parts in other languages."""
    out, pos = [], 0
    for piece, piece_lang in foreign:
        if piece_lang == lang:
            continue
        # (the name's first letter may have been capitalised after the part was put in)
        at = min((i for i in (text.find(v, pos) for v in (piece, piece[:1].upper() + piece[1:])) if i >= 0),
                 default=-1)
        if at < 0:
            continue
        if at > pos:
            out.append((text[pos:at], lang))
        out.append((text[at:at + len(piece)], piece_lang))
        pos = at + len(piece)
    if pos < len(text):
        out.append((text[pos:], lang))
    return tuple(out)


def _pieces(text: str) -> list[tuple[bool, str]]:
    """A template cut into (optional, text) pieces at its [ … ]."""
    out = []
    pos = 0
    for m in re.finditer(r"\[([^\]]*)\]", text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def _lower_first(text: str) -> str:
    """Words quoted into a name start in lower case, unless they begin with an acronym."""
    return text if _is_proper(text) else text[:1].lower() + text[1:]


def _is_proper(text: str) -> bool:
    """A class name that keeps its capital ("ICRC …"): its second letter is a capital too."""
    return len(text) > 1 and text[1].isupper()


def _curie(iri: str) -> str:
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
