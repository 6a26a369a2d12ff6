"""SHACL-SPARQL constraints that Oxigraph evaluates slowly, evaluated in Python with the
results their queries give.

Four compare a passage with its document's text: Oxigraph evaluates ``SUBSTR`` and
``STRLEN`` by walking the string from its first character, and copies the document's whole
text (``cnt:chars``) into every solution: for a document of 1 MB with ~19,000 passages they
took ~33 CPU-s, growing with passages × length. Python indexes a string by character in
constant time, so here each passage costs the length of its quote. The fifth, figures and
dates that no fact takes, Oxigraph evaluates by joining every statement of the graph with
the test of what is not a fact (its OPTIONAL is not evaluated per value): 10 CPU-s for that
document, 25 ms for a document of 2,000 triples, as long as all the core constraints;
here the walk starts from each value.

The shapes file stays the statement of each rule: an evaluation is bound to the text of the
query it stands for (a digest of its ``sh:select``), and when the shapes change that text
the query runs again (``tests/test_native_constraints.py`` says which evaluation is then
out of date, and holds each to its query's results, edge cases included). Each yields the
solutions of its query for the focus nodes given — one per combination of values, as the
query's join gives them — with the variables its ``SELECT`` names.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

_OA = "http://www.w3.org/ns/oa#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_HAS_SOURCE, _HAS_SELECTOR = ox.NamedNode(_OA + "hasSource"), ox.NamedNode(_OA + "hasSelector")
_START, _END = ox.NamedNode(_OA + "start"), ox.NamedNode(_OA + "end")
_EXACT, _PREFIX, _SUFFIX = ox.NamedNode(_OA + "exact"), ox.NamedNode(_OA + "prefix"), ox.NamedNode(_OA + "suffix")
_POSITION, _QUOTE = ox.NamedNode(_OA + "TextPositionSelector"), ox.NamedNode(_OA + "TextQuoteSelector")
_CHARS = ox.NamedNode("http://www.w3.org/2011/content#chars")
_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
_INTEGER = ox.NamedNode(_XSD + "integer")
_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
_KG = "https://w3id.org/humanitarian-kg/ontology#"
_TIME = "http://www.w3.org/2006/time#"
_HAS_EVIDENCE = ox.NamedNode(_KG + "hasEvidence")
_STRING = ox.NamedNode(_XSD + "string")

Row = dict[str, object]  # variable name -> pyoxigraph term


class NotNative(Exception):
    """A value the Python evaluation cannot read as the query would (an offset of a datatype
    it does not cast): the query is run instead."""


#: xsd:integer and the types derived from it: ``xsd:integer(?x)`` is their value.
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_INTEGER_LEXICAL = re.compile(r"[+-]?[0-9]+")


def _integer(term) -> int | None:
    """``xsd:integer(term)``: None where the cast is an error (the solution is dropped)."""
    if not isinstance(term, ox.Literal):
        return None
    datatype = term.datatype.value
    if datatype in _INTEGER_TYPES or datatype == _STRING.value:
        return int(term.value) if _INTEGER_LEXICAL.fullmatch(term.value) else None
    raise NotNative(f"an offset of datatype <{datatype}>")


def _string(term) -> str | None:
    """``STR(term)``: None for a blank node (an error)."""
    return None if isinstance(term, ox.BlankNode) else term.value


def _substring(text: str, start: int, length: int) -> str:
    """``SUBSTR(text, start, length)`` (XPath fn:substring: 1-based, characters at positions
    start ≤ p < start + length)."""
    first, last = start - 1, start - 1 + length
    return text[max(first, 0):max(last, 0)] if last > first else ""


class StoreReader:
    """What the queries join, read from the store: each predicate's statements once, in one
    pass (a lookup per node and predicate costs more for the thousands of passages of a
    document), each document's text once. One reader serves every evaluation of a
    validation, in whichever thread each runs: the passages' predicates and the types are
    read once, not once per constraint (validating a 1 MB document: 12.2 → 9.5 CPU-s).
    The store must not change while the reader is used."""

    def __init__(self, store):
        self.store = store
        self._by_predicate: dict = {}
        self._texts: dict = {}
        self._reading = threading.Lock()

    def values(self, node, predicate) -> list:
        index = self._by_predicate.get(predicate)
        if index is None:
            with self._reading:  # (another thread may be reading it: read once)
                index = self._by_predicate.get(predicate)
                if index is None:
                    index = {}
                    for q in self.store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
                        index.setdefault(q.subject, []).append(q.object)
                    self._by_predicate[predicate] = index
        return index.get(node, [])

    def typed(self, node, cls) -> bool:
        return cls in self.values(node, _RDF_TYPE)

    def texts(self, doc) -> list[str]:
        """``STR(?chars)`` for each ``?doc cnt:chars ?chars``."""
        texts = self._texts.get(doc)
        if texts is None:
            texts = self._texts[doc] = [t for t in map(_string, self.values(doc, _CHARS)) if t is not None]
        return texts

    def selectors(self, this, cls, *predicates) -> Iterator[tuple]:
        """(selector, value of each predicate) for each selector of ``this`` typed ``cls``."""
        for sel in self.values(this, _HAS_SELECTOR):
            if self.typed(sel, cls):
                yield from _product([self.values(sel, p) for p in predicates])

    def sources(self, this) -> Iterator[tuple[object, str]]:
        for doc in self.values(this, _HAS_SOURCE):
            for text in self.texts(doc):
                yield doc, text


def _product(lists: list[list]) -> Iterator[tuple]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for rest in _product(lists[1:]):
            yield (head, *rest)


def _literal(text: str) -> ox.Literal:
    return ox.Literal(text)


def quote_matches_source(store, focus: Iterable[str], reader: StoreReader | None = None) -> Iterator[Row]:
    """kgsh:EvidenceQuoteMatchesSource."""
    r = reader or StoreReader(store)
    for node in focus:
        this = ox.NamedNode(node)
        for start, end in r.selectors(this, _POSITION, _START, _END):
            s, e = _integer(start), _integer(end)
            if s is None or e is None or not s < e:
                continue
            for (exact,) in r.selectors(this, _QUOTE, _EXACT):
                quoted = _string(exact)
                for doc, text in r.sources(this):
                    found = _substring(text, s + 1, e - s)
                    if quoted is None or found == quoted:
                        continue
                    for file in r.values(doc, _IDENTIFIER) or [None]:
                        yield {"this": this, "doc": doc, "file": file, "start": start, "end": end,
                               "exact": exact, "found": _literal(found)}


def _context_rows(store, focus: Iterable[str], offset: tuple[str, object], context: tuple[str, object],
                  found_at: Callable[[str, int, int], str], reader: StoreReader | None) -> Iterator[Row]:
    """The solutions of a check of the text beside a passage: ``offset`` and ``context`` are
    (variable, predicate) — oa:start and oa:prefix, or oa:end and oa:suffix —, ``found_at``
    the text the query reads there (the text, the offset, the context's length)."""
    r = reader or StoreReader(store)
    for node in focus:
        this = ox.NamedNode(node)
        for (at,) in r.selectors(this, _POSITION, offset[1]):
            i = _integer(at)
            for (said,) in r.selectors(this, _QUOTE, context[1]):
                expected = _string(said)
                if i is None or expected is None:
                    continue
                for _, text in r.sources(this):
                    found = found_at(text, i, len(expected))
                    if found != expected:
                        yield {"this": this, offset[0]: at, context[0]: said, "found": _literal(found)}


def prefix_matches_source(store, focus: Iterable[str], reader: StoreReader | None = None) -> Iterator[Row]:
    """kgsh:EvidencePrefixMatchesSource."""
    return _context_rows(store, focus, ("start", _START), ("prefix", _PREFIX), lambda text, start, n: (
        _substring(text, start - n + 1, n) if start >= n else "<prefix longer than the text before the passage>"),
        reader)


def suffix_matches_source(store, focus: Iterable[str], reader: StoreReader | None = None) -> Iterator[Row]:
    """kgsh:EvidenceSuffixMatchesSource."""
    return _context_rows(store, focus, ("end", _END), ("suffix", _SUFFIX),
                         lambda text, end, n: _substring(text, end + 1, n), reader)


def within_document(store, focus: Iterable[str], reader: StoreReader | None = None) -> Iterator[Row]:
    """kgsh:EvidenceWithinDocument."""
    r = reader or StoreReader(store)
    for node in focus:
        this = ox.NamedNode(node)
        for (end,) in r.selectors(this, _POSITION, _END):
            e = _integer(end)
            if e is None:
                continue
            for _, text in r.sources(this):
                if e > len(text):
                    yield {"this": this, "end": end, "length": ox.Literal(str(len(text)), datatype=_INTEGER)}


#: kgsh:UnattachedFigureOrDate: the kinds of value (?kind), the links through which a fact
#: holds one (a period's beginning …), and what is not a fact.
_KINDS = ((ox.NamedNode(_KG + "Figure"), "figure"), (ox.NamedNode(_TIME + "Instant"), "date"),
          (ox.NamedNode(_KG + "Period"), "period"))
_HOLDS = tuple(ox.NamedNode(p) for p in (_TIME + "hasBeginning", _TIME + "hasEnd", _KG + "endBound", _KG + "activeDuring"))
_NOT_FACTS = (ox.NamedNode(_KG + "SourceDocument"), ox.NamedNode(_KG + "Evidence"), ox.NamedNode(_KG + "Figure"),
              ox.NamedNode(_TIME + "Instant"), ox.NamedNode(_KG + "Period"))


class _Classes:
    """``?x rdf:type/rdfs:subClassOf* ?class``, with each class's superclasses found once."""

    def __init__(self, reader: StoreReader):
        self.reader = reader
        self._above: dict = {}

    def above(self, cls) -> set:
        if cls not in self._above:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in self.reader.values(todo.pop(), _SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self._above[cls] = seen
        return self._above[cls]

    def of(self, node) -> set:
        return set().union(*(self.above(t) for t in self.reader.values(node, _RDF_TYPE)))


def unattached_figure_or_date(store, focus: Iterable[str], reader: StoreReader | None = None) -> Iterator[Row]:
    """kgsh:UnattachedFigureOrDate (its solutions are DISTINCT)."""
    r = reader or StoreReader(store)
    classes = _Classes(r)
    seen = set()
    for node in focus:
        this = ox.NamedNode(node)
        evidence = r.values(this, _HAS_EVIDENCE)
        if not evidence:
            continue
        kinds = [kind for cls, kind in _KINDS if cls in classes.of(this)]
        if not kinds or _taken(store, classes, this):
            continue
        for ev in evidence:
            for doc in r.values(ev, _HAS_SOURCE):
                for start, end in r.selectors(ev, _POSITION, _START, _END):
                    for (exact,) in r.selectors(ev, _QUOTE, _EXACT):
                        for file in r.values(doc, _IDENTIFIER) or [None]:
                            for kind in kinds:
                                row = (this, kind, doc, file, start, end, exact)
                                if row not in seen:
                                    seen.add(row)
                                    yield {"this": this, "kind": ox.Literal(kind), "doc": doc, "file": file,
                                           "start": start, "end": end, "exact": exact}


def _taken(store, classes: _Classes, this) -> bool:
    """Whether a fact takes ``this``: a node that is not a document, a passage, a figure or a
    date links (by anything but rdf:type) to it, or to what holds it (its period, the
    office active during that period …)."""
    holders, todo = {this}, [this]
    while todo:  # ?holder (time:hasBeginning|time:hasEnd|kg:endBound|kg:activeDuring)* $this
        node = todo.pop()
        for p in _HOLDS:
            for q in store.quads_for_pattern(None, p, node, ox.DefaultGraph()):
                if q.subject not in holders:
                    holders.add(q.subject)
                    todo.append(q.subject)
    for holder in holders:
        for q in store.quads_for_pattern(None, None, holder, ox.DefaultGraph()):
            if q.predicate != _RDF_TYPE and not classes.of(q.subject).intersection(_NOT_FACTS):
                return True
    return False


def select_digest(select: str) -> str:
    """The digest an evaluation is bound to: the query's text, its spacing aside."""
    return hashlib.sha256(" ".join(select.split()).encode("utf-8")).hexdigest()[:16]


_SHAPES = "https://w3id.org/humanitarian-kg/shapes#"

#: constraint IRI -> (digest of the sh:select it evaluates, the evaluation)
EVALUATIONS: dict[str, tuple[str, Callable[..., Iterator[Row]]]] = {
    _SHAPES + "EvidenceQuoteMatchesSource": ("83bfb19cd273e9f3", quote_matches_source),
    _SHAPES + "EvidencePrefixMatchesSource": ("76a8d1b049ced57a", prefix_matches_source),
    _SHAPES + "EvidenceSuffixMatchesSource": ("5ddf4e15160e2eec", suffix_matches_source),
    _SHAPES + "EvidenceWithinDocument": ("b0fc3d266920025a", within_document),
    _SHAPES + "UnattachedFigureOrDate": ("c9b7878a6ce307a4", unattached_figure_or_date),
}


def evaluation(constraint: str, select: str) -> Callable[..., Iterator[Row]] | None:
    """The Python evaluation of ``constraint`` if it is bound to this query text, else None."""
    entry = EVALUATIONS.get(constraint)
    return entry[1] if entry is not None and entry[0] == select_digest(select) else None
