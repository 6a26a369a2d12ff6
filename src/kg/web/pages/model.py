"""Reading the graph for the pages: labels in a language, kinds of nodes, and the
description of a resource that its page, its Turtle and its JSON-LD all show.

Facts come from the store's default graph (the union of the document graphs, see
:mod:`kg.store`); which document states what comes from the evidence (``kg:hasEvidence``
→ ``oa:hasSource``) and, for named graphs, from ``GRAPH`` queries.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from ...namespaces import (
    CNT,
    DCTERMS,
    KG,
    OA,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
)
from ...sparql import describe as sparql_describe
from . import iris

N = ox.NamedNode
DG = ox.DefaultGraph()

RDF_TYPE = N(str(RDF.type))
PREF = N(str(SKOS.prefLabel))
ALT = N(str(SKOS.altLabel))
HIDDEN = N(str(SKOS.hiddenLabel))
RDFS_LABEL = N(str(RDFS.label))
TITLE = N(str(DCTERMS.title))
LANGUAGE = N(str(DCTERMS.language))
IDENTIFIER = N(str(DCTERMS.identifier))
DATE = N(str(DCTERMS.date))
DTYPE = N(str(DCTERMS.type))
PUBLISHER = N(str(DCTERMS.publisher))
CHARS = N(str(CNT.chars))
HAS_EVIDENCE = N(str(KG.hasEvidence))
HAS_SOURCE = N(str(OA.hasSource))
HAS_SELECTOR = N(str(OA.hasSelector))
EXACT = N(str(OA.exact))
PREFIX = N(str(OA.prefix))
SUFFIX = N(str(OA.suffix))
START = N(str(OA.start))
END = N(str(OA.end))
SURFACE = N(str(KG.surfaceText))
DEFINITION = N(str(SKOS.definition))
IN_DATE = N(str(TIME.inXSDDate))
IN_MONTH = N(str(TIME.inXSDgYearMonth))
IN_YEAR = N(str(TIME.inXSDgYear))
BEGIN = N(str(TIME.hasBeginning))
END_T = N(str(TIME.hasEnd))
SUBCLASS = N(str(RDFS.subClassOf))
SOURCE_DOCUMENT = N(str(KG.SourceDocument))
EVIDENCE = N(str(KG.Evidence))

LABEL_PROPS = (PREF, RDFS_LABEL, TITLE)
NAME_PROPS = (PREF, ALT, HIDDEN, RDFS_LABEL, TITLE)
#: Properties a page shows in its header rather than among the facts.
HEADER_PROPS = {RDF_TYPE, PREF, ALT, HIDDEN, RDFS_LABEL, HAS_EVIDENCE, CHARS}

_EVIDENCE_PATH = re.compile(r"id/evidence/([^/]+)/(\d+)-(\d+)$")


@dataclass(frozen=True)
class Label:
    text: str
    lang: str | None = None  # language of the text (None: not language-tagged)


class _StoreFacts:
    """What is computed once per store: class closures, the document list."""

    def __init__(self, store: ox.Store):
        self.store = store
        # kinds of nodes (entity, dependent, fact), as descriptions read them
        node_kinds = sparql_describe.kinds(store)
        self.entity_classes = node_kinds.entity
        self.dependent_classes = node_kinds.dependent
        self.search_index = None  # built on the first search (kg.web.pages.search)
        self.lock = threading.Lock()


_per_store: dict[int, _StoreFacts] = {}
_per_store_lock = threading.Lock()


def store_facts(store: ox.Store) -> _StoreFacts:
    with _per_store_lock:
        hit = _per_store.get(id(store))
        if hit is None or hit.store is not store:
            _per_store.clear()  # one store is served at a time; drop the previous build's
            hit = _per_store[id(store)] = _StoreFacts(store)
        return hit


def current_store() -> ox.Store:
    return current_app.extensions["kg.store"].get()


def node(iri: str) -> ox.NamedNode | None:
    try:
        return N(iri)
    except ValueError:
        return None


def term_key(term) -> tuple:
    """A sort key that keeps evidence in document order (by document, then offset)."""
    v = term.value
    m = _EVIDENCE_PATH.search(v)
    if m:
        return (m.group(1), int(m.group(2)), int(m.group(3)), v)
    return (v, 0, 0, v)


class KG:
    """The graph as the pages read it, for one request (small caches)."""

    def __init__(self, store: ox.Store | None = None):
        self.store = store if store is not None else current_store()
        self.facts = store_facts(self.store)
        self._out: dict = {}
        self._in: dict = {}
        self._types: dict = {}
        self._composing: set = set()

    # -- raw access -----------------------------------------------------------------
    def out(self, s) -> list[tuple]:
        hit = self._out.get(s)
        if hit is None:
            hit = self._out[s] = [(q.predicate, q.object) for q in self.store.quads_for_pattern(s, None, None, DG)]
        return hit

    def inc(self, o) -> list[tuple]:
        hit = self._in.get(o)
        if hit is None:
            hit = self._in[o] = [(q.subject, q.predicate) for q in self.store.quads_for_pattern(None, None, o, DG)]
        return hit

    def values(self, s, p) -> list:
        return [o for pp, o in self.out(s) if pp == p]

    def value(self, s, p):
        vs = self.values(s, p)
        return sorted(vs, key=lambda t: t.value)[0] if vs else None

    def types(self, n) -> set:
        hit = self._types.get(n)
        if hit is None:
            hit = self._types[n] = {o for o in self.values(n, RDF_TYPE) if isinstance(o, ox.NamedNode)}
        return hit

    def kind(self, n) -> str:
        if isinstance(n, ox.Literal):
            return "literal"
        ts = self.types(n)
        if ts & self.facts.dependent_classes:
            return "dependent"
        if ts & self.facts.entity_classes:
            return "entity"
        return "fact" if ts else "entity"

    def is_document(self, n) -> bool:
        return SOURCE_DOCUMENT in self.types(n)

    def is_evidence(self, n) -> bool:
        return EVIDENCE in self.types(n) or bool(self.values(n, HAS_SOURCE) and self.values(n, HAS_SELECTOR))

    def exists(self, n) -> bool:
        for _ in self.store.quads_for_pattern(n, None, None):
            return True
        for _ in self.store.quads_for_pattern(None, None, n):
            return True
        return self.is_graph(n)

    def is_graph(self, n) -> bool:
        if not isinstance(n, ox.NamedNode):
            return False
        return self.store.contains_named_graph(n)

    # -- names ------------------------------------------------------------------------
    def literals(self, n, props) -> list[ox.Literal]:
        return [o for p, o in self.out(n) if p in props and isinstance(o, ox.Literal)]

    def label(self, n, lang: str = "en") -> Label:
        if isinstance(n, ox.Literal):
            return Label(n.value, n.language)
        for props in LABEL_PROPS:
            lits = self.literals(n, (props,))
            if lits:
                return pick(lits, lang)
        special = self._special_label(n, lang)
        if special is not None:
            return special
        if isinstance(n, ox.BlankNode):
            return Label("_:" + n.value)
        v = n.value
        if v.startswith(iris.base_iri()):
            return Label(v[len(iris.base_iri()):])
        c = iris.curie(v)
        return Label(c if c != v else v)

    def _special_label(self, n, lang: str) -> Label | None:
        date = date_value(self, n)
        if date:
            return Label(date)
        surface = self.literals(n, (SURFACE,))
        if surface:
            return pick(surface, lang)
        begins = [date_value(self, b) for b in self.values(n, BEGIN)]
        ends = [date_value(self, e) for e in self.values(n, END_T)]
        if begins or ends:
            return Label(period_text(begins, ends))
        exact = self.quote(n)
        if exact:
            return Label("“" + shorten(exact[0], 80) + "”", exact[1])
        return self._composed_label(n, lang)

    def _composed_label(self, n, lang: str) -> Label | None:
        """An unnamed fact (a partnership, a referral) named by its class and what it links:
        "Partnership: ICRC – Azerbaijan Red Crescent Society"."""
        types = sorted(self.types(n), key=lambda t: t.value)
        if not types or n in self._composing:
            return None
        self._composing = self._composing | {n}
        try:
            cls = min((self.label(t, lang).text for t in types), key=len)
            parts = []
            for p, o in self.out(n):
                if p == RDF_TYPE or isinstance(o, ox.Literal) or p == HAS_EVIDENCE or self.kind(o) != "entity":
                    continue
                text = self.label(o, lang).text
                if text not in parts:
                    parts.append(text)
            if not parts:
                return None
            return Label(f"{cls[:1].upper()}{cls[1:]}: " + " – ".join(sorted(parts)[:3]))
        finally:
            self._composing = self._composing - {n}

    def quote(self, ev) -> tuple[str, str | None] | None:
        """(exact words, document language) of an evidence node."""
        for sel in self.values(ev, HAS_SELECTOR):
            for o in self.values(sel, EXACT):
                doc = self.value(ev, HAS_SOURCE)
                lang = self.value(doc, LANGUAGE) if doc is not None else None
                return o.value, (lang.value if lang is not None else None)
        return None

    def names(self, n) -> dict[str, dict[str, list[str]]]:
        """{lang: {"pref": [...], "alt": [...]}} for the names table."""
        out: dict[str, dict[str, list[str]]] = {}
        for p, o in self.out(n):
            if not isinstance(o, ox.Literal):
                continue
            if p in (PREF, TITLE, RDFS_LABEL):
                slot = "pref"
            elif p in (ALT, HIDDEN):
                slot = "alt"
            else:
                continue
            entry = out.setdefault(o.language or "", {"pref": [], "alt": []})
            if o.value not in entry[slot] and o.value not in entry["pref"]:
                entry[slot].append(o.value)
        for entry in out.values():
            entry["pref"].sort()
            entry["alt"] = sorted(v for v in entry["alt"] if v not in entry["pref"])
        # rdfs:label copies of the preferred label do not count as other names
        return out

    # -- evidence ---------------------------------------------------------------------
    def evidence_info(self, ev) -> dict | None:
        doc = self.value(ev, HAS_SOURCE)
        if doc is None:
            return None
        start = end = None
        exact = prefix = suffix = ""
        for sel in self.values(ev, HAS_SELECTOR):
            for p, o in self.out(sel):
                if p == START:
                    start = int(o.value)
                elif p == END:
                    end = int(o.value)
                elif p == EXACT:
                    exact = o.value
                elif p == PREFIX:
                    prefix = o.value
                elif p == SUFFIX:
                    suffix = o.value
        if start is None:
            m = _EVIDENCE_PATH.search(ev.value)
            if m:
                start, end = int(m.group(2)), int(m.group(3))
        lang = self.value(doc, LANGUAGE)
        ident = self.value(doc, IDENTIFIER)
        return {
            "iri": ev.value,
            "doc": doc.value,
            "doc_id": ident.value if ident is not None else iris.local_name(doc.value),
            "doc_lang": lang.value if lang is not None else None,
            "doc_title": self.label(doc, lang.value if lang is not None else "en").text,
            "start": start,
            "end": end,
            "exact": exact,
            "prefix": prefix,
            "suffix": suffix,
            "anchor": anchor(start, end),
        }

    def evidence_of(self, n) -> list:
        return sorted(self.values(n, HAS_EVIDENCE), key=term_key)

    # -- the description of a resource ---------------------------------------------------
    def describe(self, root, max_incoming: int = 2000) -> Description:
        """The description DESCRIBE gives too (kg.sparql.describe)."""
        found = sparql_describe.Description(self.store, max_incoming=max_incoming)
        found.resource(root)
        d = Description(root)
        d.triples = found.triples
        d.truncated = found.truncated
        return d


@dataclass
class Description:
    root: object
    triples: dict = field(default_factory=dict)  # ordered set of (s, p, o)
    truncated: bool = False

    def add(self, s, p, o) -> None:
        self.triples[(s, p, o)] = None

    def as_triples(self) -> list[ox.Triple]:
        return [ox.Triple(s, p, o) for s, p, o in self.triples]

    def __len__(self) -> int:
        return len(self.triples)


# -- helpers -------------------------------------------------------------------------


def pick(lits: list[ox.Literal], lang: str) -> Label:
    """The literal in ``lang``, else English, else any (the shortest first, then alphabetical)."""
    def key(lit):
        return (len(lit.value), lit.value)

    for want in (lang, "en"):
        hits = [lit for lit in lits if (lit.language or "").split("-")[0] == want]
        if hits:
            best = sorted(hits, key=key)[0]
            return Label(best.value, best.language)
    plain = [lit for lit in lits if not lit.language]
    best = sorted(plain or lits, key=lambda lit: (lit.language or "", len(lit.value), lit.value))[0]
    return Label(best.value, best.language)


def date_value(g: KG, n) -> str | None:
    """The date an instant stands for, at its precision (2025-09-03, 2025-09, 1992)."""
    if isinstance(n, ox.Literal):
        return None
    for p in (IN_DATE, IN_MONTH, IN_YEAR):
        for o in g.values(n, p):
            return o.value
    return None


def period_text(begins: list, ends: list) -> str:
    b = " / ".join(sorted(x for x in begins if x)) or "…"
    e = " / ".join(sorted((x for x in ends if x), reverse=True)) or "…"
    return f"{b} – {e}"


def shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def anchor(start, end) -> str:
    return f"ev-{start}-{end}"


def literal_text(lit: ox.Literal) -> str:
    return lit.value


def prefixes_sparql() -> str:
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())


XSD_INTEGER = N(str(XSD.integer))
