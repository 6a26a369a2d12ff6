"""Reading the store for the pages: statements around a node, its labels in a language,
its kind, the passages behind it, and which documents state a statement.

Facts come from the store's default graph (the union of the document graphs, see
:mod:`kg.store`); which document states what comes from the named graphs (one per
document) and from the evidence (``kg:hasEvidence`` → ``oa:hasSource``). What the ontology
says of its own terms (labels, sub-properties, inverses) is in the default graph too.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import CNT, DCTERMS, KG, OA, ORG, OWL, RDF, RDFS, SKOS, TIME

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
INVERSE_LABEL = N(str(KG.inverseLabel))
IN_DATE = N(str(TIME.inXSDDate))
IN_MONTH = N(str(TIME.inXSDgYearMonth))
IN_YEAR = N(str(TIME.inXSDgYear))
BEGIN = N(str(TIME.hasBeginning))
END_T = N(str(TIME.hasEnd))
SUBCLASS = N(str(RDFS.subClassOf))
SUBPROPERTY = N(str(RDFS.subPropertyOf))
INVERSE_OF = N(str(OWL.inverseOf))
SOURCE_DOCUMENT = N(str(KG.SourceDocument))
EVIDENCE = N(str(KG.Evidence))

LABEL_PROPS = (PREF, RDFS_LABEL, TITLE)
NAME_PROPS = (PREF, ALT, HIDDEN, RDFS_LABEL, TITLE)
#: What a node brings along when it is only referred to: enough to name and link it.
BRIEF_PROPS = {RDF_TYPE, PREF, RDFS_LABEL, TITLE, LANGUAGE, IDENTIFIER, DATE, SURFACE, IN_DATE, IN_MONTH, IN_YEAR}
#: Properties a page shows in its header rather than among the facts.
HEADER_PROPS = {RDF_TYPE, PREF, ALT, HIDDEN, RDFS_LABEL, HAS_EVIDENCE, CHARS}

# Kinds of nodes, by class (with every subclass the ontology declares).
#  entity     something with a page of its own that facts are about (organisation, place …)
#  dependent  a part of a fact that means nothing alone (period, instant, figure, passage)
#  fact       everything else that has a class: offices, activities, events, mandates …
ENTITY_TOPS = [str(KG.Organisation), str(KG.Movement), str(KG.Place), str(ORG.FormalOrganization), str(ORG.Post),
               str(KG.SourceDocument), str(SKOS.Concept), str(SKOS.ConceptScheme), str(KG.Convention),
               str(KG.BodyOfLaw), str(KG.Qualifier), str(OWL.Class), str(RDFS.Class), str(RDF.Property),
               str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(OWL.AnnotationProperty), str(OWL.Ontology),
               str(TIME.TemporalUnit), str(KG.DocumentKinds), str(KG.Person)]
DEPENDENT_TOPS = [str(KG.Evidence), str(OA.SpecificResource), str(OA.Selector), str(OA.TextPositionSelector),
                  str(OA.TextQuoteSelector), str(TIME.TemporalEntity), str(TIME.Instant), str(TIME.Interval),
                  str(TIME.ProperInterval), str(KG.Period), str(KG.Figure)]

_EVIDENCE_PATH = re.compile(r"id/evidence/([^/]+)/(\d+)-(\d+)$")


@dataclass(frozen=True)
class Label:
    text: str
    lang: str | None = None  # language of the text (None: not language-tagged)
    fallback: bool = False  # not in the language asked for (the page marks it)
    mixed: str = ""  # a name composed in the language asked for with parts in these others
    parts: tuple = ()  # then the name as (text, language) pieces, for the page to mark each


@dataclass(frozen=True)
class Source:
    """A source document as the pages cite it."""

    node: ox.NamedNode
    graph: ox.NamedNode | None  # the named graph of what it states
    ident: str  # its file name (dcterms:identifier)
    lang: str
    title: str
    date: str  # dcterms:date at its precision, or ""


@dataclass(frozen=True)
class Passage:
    """A passage of a document behind a statement (an oa:SpecificResource)."""

    node: ox.NamedNode | ox.BlankNode
    source: Source
    start: int | None
    end: int | None
    exact: str
    prefix: str = ""
    suffix: str = ""

    @property
    def anchor(self) -> str:
        return anchor(self.start, self.end)


class StoreFacts:
    """What is computed once per store: class closures, the documents and their graphs, what
    the ontology says of its properties (super-properties, inverses)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.entity_classes = self._closure(ENTITY_TOPS)
        self.dependent_classes = self._closure(DEPENDENT_TOPS)
        self.sources_by_graph: dict = {}
        self.sources_by_node: dict = {}
        self.sources_by_ident: dict[str, Source] = {}
        q = (f"SELECT ?g ?d ?id ?lang WHERE {{ GRAPH ?g {{ ?d a <{SOURCE_DOCUMENT.value}> ; "
             f"<{IDENTIFIER.value}> ?id ; <{LANGUAGE.value}> ?lang }} }}")
        for g, d, ident, lang in store.query(q):
            title = _any_literal(store, d, TITLE, lang.value)
            date = _any_literal(store, d, DATE)
            src = Source(d, g, ident.value, lang.value, title or ident.value, date or "")
            self.sources_by_graph[g] = src
            self.sources_by_node[d] = src
            self.sources_by_ident[ident.value] = src
        self.super_properties: dict = {}
        for q_ in store.quads_for_pattern(None, SUBPROPERTY, None, DG):
            if isinstance(q_.object, ox.NamedNode):
                self.super_properties.setdefault(q_.subject, set()).add(q_.object)
        changed = True
        while changed:  # transitive closure (a handful of properties)
            changed = False
            for p, ups in self.super_properties.items():
                more = set().union(*(self.super_properties.get(u, set()) for u in ups)) - ups
                if more:
                    ups |= more
                    changed = True
        self.inverse_of: dict = {}
        for q_ in store.quads_for_pattern(None, INVERSE_OF, None, DG):
            if isinstance(q_.object, ox.NamedNode):
                self.inverse_of.setdefault(q_.subject, q_.object)
                self.inverse_of.setdefault(q_.object, q_.subject)
        self.lock = threading.Lock()
        self.cache: dict = {}  # per-store products of other modules (search, timeline …), by name

    def _closure(self, tops: list[str]) -> set[ox.NamedNode]:
        out = {N(t) for t in tops}
        values = " ".join(f"<{t}>" for t in tops)
        q = f"SELECT DISTINCT ?c WHERE {{ VALUES ?top {{ {values} }} ?c <{SUBCLASS.value}>+ ?top }}"
        for row in self.store.query(q):
            if isinstance(row[0], ox.NamedNode):
                out.add(row[0])
        return out

    def cached(self, name: str, make):
        """``make()`` once per store under ``name`` (a search index, a list of rows …)."""
        with self.lock:
            if name not in self.cache:
                self.cache[name] = make()
            return self.cache[name]


def _any_literal(store: ox.Store, s, p, lang: str | None = None) -> str | None:
    lits = [q.object for q in store.quads_for_pattern(s, p, None, DG) if isinstance(q.object, ox.Literal)]
    if not lits:
        return None
    if lang:
        lits.sort(key=lambda lit: (lit.language != lang, lit.value))
    return lits[0].value


_per_store: dict[int, StoreFacts] = {}
_per_store_lock = threading.Lock()


def store_facts(store: ox.Store) -> StoreFacts:
    with _per_store_lock:
        hit = _per_store.get(id(store))
        if hit is None or hit.store is not store:
            _per_store.clear()  # one store is served at a time; drop the previous build's
            hit = _per_store[id(store)] = StoreFacts(store)
        return hit


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


class GraphReader:
    """The graph as the pages read it, for one request (small caches)."""

    def __init__(self, store: ox.Store, base_iri: str):
        self.store = store
        self.base_iri = base_iri
        self.facts = store_facts(store)
        self._out: dict = {}
        self._in: dict = {}
        self._types: dict = {}

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

    def subjects(self, p, o) -> list:
        return [s for s, pp in self.inc(o) if pp == p]

    def types(self, n) -> set:
        hit = self._types.get(n)
        if hit is None:
            hit = self._types[n] = {o for o in self.values(n, RDF_TYPE) if isinstance(o, ox.NamedNode)}
        return hit

    def superclasses(self, cls) -> set:
        """Every class ``cls`` is a subclass of, up the hierarchy."""
        out, todo = set(), [cls]
        while todo:
            for sup in self.values(todo.pop(), SUBCLASS):
                if sup not in out:
                    out.add(sup)
                    todo.append(sup)
        return out

    def all_types(self, n) -> set:
        """The node's classes and their superclasses."""
        out = set(self.types(n))
        for t in list(out):
            out |= self.superclasses(t)
        return out

    def most_specific_types(self, n) -> list:
        """The node's classes that no other of its classes is a subclass of."""
        ts = self.types(n)
        out = [t for t in ts if not any(o != t and t in self.values(o, SUBCLASS) for o in ts)]
        return sorted(out, key=lambda t: (not t.value.startswith(str(KG)), t.value))

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

    # -- which document states what ---------------------------------------------------------
    def stated_in(self, s, p, o) -> list[Source]:
        """The documents whose named graph states (s, p, o), in document order."""
        out = []
        for q in self.store.quads_for_pattern(s, p, o, None):
            src = self.facts.sources_by_graph.get(q.graph_name)
            if src is not None and src not in out:
                out.append(src)
        return sorted(out, key=lambda src: src.ident)

    def source(self, doc) -> Source | None:
        return self.facts.sources_by_node.get(doc)

    def sources(self) -> list[Source]:
        return sorted(self.facts.sources_by_node.values(), key=lambda src: src.ident)

    # -- the ontology's words for its own terms ------------------------------------------------
    def super_properties(self, p) -> set:
        return self.facts.super_properties.get(p, set())

    def inverse_label(self, p, lang: str) -> Label | None:
        """How a property reads from its object's side ("offices", "handovers given"): its
        ``kg:inverseLabel``, else the label of its declared inverse."""
        lits = self.literals(p, (INVERSE_LABEL,))
        if lits:
            return pick(lits, lang)
        inv = self.facts.inverse_of.get(p)
        if inv is not None:
            lits = self.literals(inv, LABEL_PROPS)
            if lits:
                return pick(lits, lang)
        return None

    # -- names ------------------------------------------------------------------------
    def literals(self, n, props) -> list[ox.Literal]:
        return [o for p, o in self.out(n) if p in props and isinstance(o, ox.Literal)]

    def stored_label(self, n, lang: str) -> Label | None:
        """The node's own label in ``lang`` (else another language, marked as a fallback)."""
        for props in LABEL_PROPS:
            lits = self.literals(n, (props,))
            if lits:
                return pick(lits, lang)
        return None

    def short_label(self, n, lang: str) -> Label | None:
        """The name to compose other names of: an acronym in ``lang`` if it has one ("ICRC",
        "МККК", "BQXK"), else its label."""
        acronyms = [lit for lit in self.literals(n, (PREF, ALT))
                    if (lit.language or "").split("-")[0] == lang and is_acronym(lit.value)]
        if acronyms:
            best = min(acronyms, key=lambda lit: (len(lit.value), lit.value))
            return Label(best.value, best.language)
        return self.stored_label(n, lang)

    def quote(self, ev) -> tuple[str, str | None] | None:
        """(exact words, document language) of an evidence node."""
        for sel in self.values(ev, HAS_SELECTOR):
            for o in self.values(sel, EXACT):
                doc = self.value(ev, HAS_SOURCE)
                src = self.source(doc) if doc is not None else None
                return o.value, (src.lang if src else None)
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
            # rdfs:label copies of the preferred label do not count as other names
            entry["alt"] = sorted(v for v in entry["alt"] if v not in entry["pref"])
        return out

    # -- evidence ---------------------------------------------------------------------
    def passage(self, ev) -> Passage | None:
        doc = self.value(ev, HAS_SOURCE)
        src = self.source(doc) if doc is not None else None
        if src is None:
            if doc is None:
                return None
            src = Source(doc, None, local_name(doc.value), "", local_name(doc.value), "")
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
        return Passage(ev, src, start, end, exact, prefix, suffix)

    def evidence_of(self, n) -> list:
        return sorted(self.values(n, HAS_EVIDENCE), key=term_key)

    def passages_of(self, n) -> list[Passage]:
        return [p for p in (self.passage(ev) for ev in self.evidence_of(n)) if p is not None]

    # -- the description of a resource ---------------------------------------------------
    def describe(self, root, max_incoming: int = 2000) -> Description:
        """The statements a resource's page, Turtle and JSON-LD are made of: its own, those
        of the small nodes it is made of (periods, passages), names of what it links to, the
        facts that point at it and the events about those facts."""
        d = Description(root)
        seen_full: set = set()

        def brief(n):
            if isinstance(n, ox.Literal) or n in seen_full:
                return
            for p, o in self.out(n):
                if p in BRIEF_PROPS:
                    d.add(n, p, o)

        def full(n, with_chars: bool = False):
            if isinstance(n, ox.Literal) or n in seen_full:
                return
            seen_full.add(n)
            for p, o in self.out(n):
                if p == CHARS and not with_chars:
                    continue
                d.add(n, p, o)
            for p, o in self.out(n):
                if isinstance(o, ox.Literal) or p == RDF_TYPE:
                    continue
                if self.kind(o) == "dependent":
                    full(o)
                else:
                    brief(o)

        full(root, with_chars=True)
        incoming = self.inc(root)
        for s, p in incoming[:max_incoming]:
            d.add(s, p, root)
        for s, p in incoming[:max_incoming]:
            k = self.kind(s)
            if p == RDF_TYPE or k == "entity":
                brief(s)
                continue
            full(s)
            for s2, p2 in self.inc(s):
                if k == "dependent":
                    # a passage of this document, a period starting at this instant …:
                    # name what uses it
                    d.add(s2, p2, s)
                    brief(s2)
                elif p2 not in (RDF_TYPE, HAS_EVIDENCE) and self.kind(s2) == "fact":
                    # an event about a fact of the root (the closure of its office): the page shows it
                    d.add(s2, p2, s)
                    full(s2)
        d.truncated = len(incoming) > max_incoming
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
    """The literal in ``lang`` (the shortest first, then alphabetical), else English, else any,
    marked as a fallback when it is not in ``lang``."""
    def key(lit):
        return (len(lit.value), lit.value)

    for want in (lang, "en"):
        hits = [lit for lit in lits if (lit.language or "").split("-")[0] == want]
        if hits:
            best = sorted(hits, key=key)[0]
            return Label(best.value, best.language, fallback=want != lang)
    plain = [lit for lit in lits if not lit.language]
    if plain:
        best = sorted(plain, key=key)[0]
        return Label(best.value, None)
    best = sorted(lits, key=lambda lit: (lit.language or "", len(lit.value), lit.value))[0]
    return Label(best.value, best.language, fallback=True)


def date_value(g: GraphReader, n) -> str | None:
    """The date an instant stands for, at its precision (2025-09-03, 2025-09, 1992)."""
    if isinstance(n, ox.Literal):
        return None
    for p in (IN_DATE, IN_MONTH, IN_YEAR):
        for o in g.values(n, p):
            return o.value
    return None


def is_acronym(text: str) -> bool:
    """One word of capitals, perhaps with small letters between them (ICRC, МККК, AzRCS)."""
    return 2 <= len(text) <= 10 and text.isalpha() and sum(c.isupper() for c in text) >= 2 and text[0].isupper()


def shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def anchor(start, end) -> str:
    return f"ev-{start}-{end}"


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            tail = iri.rstrip(sep).rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri
