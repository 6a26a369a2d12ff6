"""The full-text search index of a build: every passage the graph quotes and every name it
gives, in a SQLite FTS5 table beside the store (``search.sqlite`` in the build directory).

Words are indexed by their keys in their language, so that a word finds its other forms:
Russian by lemma (pymorphy3: решения, решению → решение), Azerbaijani by the stems its
suffix chains leave (bağlanmasına → bağlanması, bağlanma), English by lemma (handed → hand)
— the project's morphology (:mod:`kg.morphology`). A query word, whose language is not
known, is looked up by its keys in each language its script allows.

Each item carries its facets (kind, organisation, country, document language, year) and,
for a passage, the facts made from it, so that the search page can group, filter and count
as Datasette does. The build writes the index (:func:`write_index`); the server reads it
(:class:`SearchIndex`), or makes one for a store that has none (a store with extra files).
"""

from __future__ import annotations

import atexit
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .kinds import KIND_CLASSES, kind_of
from .morphology import Morphology, az_lower
from .namespaces import DCTERMS, KG, OA, ORG, RDF, RDFS, SKOS

INDEX_NAME = "search.sqlite"
SCHEMA_VERSION = "1"

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_AZ_LETTERS = set("əığşçöüƏİĞŞÇÖÜ")
_AZ_MIN_STEM = 4  # shorter stems of Azerbaijani words match too much

N = ox.NamedNode
DG = ox.DefaultGraph()
RDF_TYPE = N(str(RDF.type))
SUBCLASS = N(str(RDFS.subClassOf))
HAS_EVIDENCE = N(str(KG.hasEvidence))
NAME_PROPS = [N(str(p)) for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label, DCTERMS.title)]
LOCATED_IN = N(str(KG.locatedIn))
UNIT_OF = N(str(ORG.unitOf))


# -- keys of words ----------------------------------------------------------------------------

class Keys:
    """The keys a word is indexed and looked up by, per language (the project's morphology)."""

    def __init__(self, morph: Morphology):
        self.morph = morph
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def word(self, lang: str, word: str) -> frozenset[str]:
        hit = self._cache.get((lang, word))
        if hit is None:
            hit = self._cache[(lang, word)] = frozenset(self._word(lang, word))
        return hit

    def _word(self, lang: str, word: str) -> set[str]:
        head = self._head(word)
        if head != word:  # BQXK-nın: the name without its case ending
            return self._keys(lang, head)
        parts = [p for p in re.split(r"['’-]", word) if p]
        out = self._keys(lang, word) if word.isalpha() or len(parts) == 1 else {word.lower()}
        if len(parts) > 1:  # detention-related: the parts too
            for part in parts:
                out |= self._keys(lang, part)
        return out

    def _keys(self, lang: str, w: str) -> set[str]:
        if lang == "ru":
            return {k.replace("ё", "е") for k in self.morph.lemmas("ru", w)} | {w.lower().replace("ё", "е")}
        if lang == "az":
            low = az_lower(w)
            return set(self.morph.az_stems(low, _AZ_MIN_STEM)) | {low}
        return set(self.morph.lemmas("en", w)) | {w.lower()}

    def _head(self, word: str) -> str:
        """A name without the case ending after its hyphen or apostrophe (BQXK-nın, Luanda'da)."""
        m = re.match(r"^(.+?)['’-]([^'’-]+)$", word)
        if m:
            tail = az_lower(m.group(2))
            if self.morph.az_inflects("a" + tail, "a") or self.morph.az_inflects("b" + tail, "b"):
                return m.group(1)
        return word

    def text(self, lang: str, text: str) -> str:
        """The keys of a text in a known language, as one string for the index."""
        out = []
        for w in words(text):
            out.extend(sorted(self.word(lang, w)))
        return " ".join(out)

    def query_word(self, word: str) -> set[str]:
        """The keys of a word of a query, in every language its letters may be."""
        if _CYRILLIC.search(word):
            return self.word("ru", word)
        if set(word) & _AZ_LETTERS:
            return self.word("az", word)
        return self.word("en", word) | self.word("az", word)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# -- the query language: words (each in any of its forms), "phrases" ----------------------------

@dataclass(frozen=True)
class Query:
    groups: tuple[frozenset[str], ...]  # one group of keys per word: every word must match
    phrases: tuple[str, ...]  # exact phrases, in quotes
    text: str

    @property
    def empty(self) -> bool:
        return not self.groups and not self.phrases

    def match(self) -> str:
        """The FTS5 MATCH expression."""
        parts = []
        for g in self.groups:
            parts.append("keys : (" + " OR ".join(_quote(k) for k in sorted(g)) + ")")
        for ph in self.phrases:
            parts.append("text : " + _quote(ph))
        return " AND ".join(parts)


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def parse_query(text: str, keys: Keys) -> Query:
    phrases = tuple(p.strip() for p in re.findall(r'"([^"]+)"', text) if words(p))
    rest = re.sub(r'"[^"]*"', " ", text)
    groups = tuple(frozenset(keys.query_word(w)) for w in words(rest))
    return Query(tuple(g for g in groups if g), phrases, text)


# -- writing ------------------------------------------------------------------------------------

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE items (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, iri TEXT NOT NULL, node TEXT NOT NULL,
                    lang TEXT, text TEXT NOT NULL, doc TEXT, start INTEGER, "end" INTEGER, name_kind TEXT);
CREATE TABLE facets (item INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX facets_by_value ON facets (facet, value);
CREATE INDEX facets_by_item ON facets (item);
CREATE TABLE supports (item INTEGER NOT NULL, fact TEXT NOT NULL);
CREATE INDEX supports_by_item ON supports (item);
CREATE VIRTUAL TABLE search USING fts5 (text, keys, tokenize = "unicode61 remove_diacritics 2");
"""


def write_index(store_path: Path, lexicon_dir: Path, ontology_dir: Path | None = None,
                index_path: Path | None = None) -> Path:
    """Write the search index of the store at ``store_path`` (by default into that build
    directory, as ``search.sqlite``); return its path. The lexicon is the build's (the same
    ``load_resources`` arguments reuse what the build loaded)."""
    target = index_path or Path(store_path) / INDEX_NAME
    store = ox.Store.read_only(str(store_path))
    try:
        build_index(store, target, lexicon_dir, ontology_dir)
    finally:
        del store
    return target


def build_index(store: ox.Store, target: Path, lexicon_dir: Path, ontology_dir: Path | None = None) -> None:
    from .resources import load_resources

    resources = load_resources(lexicon_dir, ontology_dir)
    keys = Keys(resources.morph)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(_DDL)
        _Writer(store, db, keys, resources).write()
        db.execute("INSERT INTO meta VALUES ('schema', ?), ('quads', ?)", (SCHEMA_VERSION, str(len(store))))
        db.commit()
        db.execute("INSERT INTO search(search) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    tmp.replace(target)


class _Writer:
    def __init__(self, store: ox.Store, db: sqlite3.Connection, keys: Keys, resources):
        self.store = store
        self.db = db
        self.keys = keys
        self.resources = resources
        self._classes: dict = {}
        self._out: dict = {}
        self._touched: dict = {}
        self.sources = {}  # document node -> (lang, year)
        q = (f"SELECT ?d ?lang ?date WHERE {{ ?d a <{KG.SourceDocument}> ; <{DCTERMS.language}> ?lang . "
             f"OPTIONAL {{ ?d <{DCTERMS.date}> ?date }} }}")
        for d, lang, date in store.query(q):
            year = date.value[:4] if date is not None and date.value[:4].isdigit() else None
            self.sources[d] = (lang.value, year)
        self.org_classes = set(KIND_CLASSES["organisations"])
        self.country = str(KG.Country)

    def out(self, s) -> list[tuple]:
        hit = self._out.get(s)
        if hit is None:
            hit = self._out[s] = [(q.predicate, q.object) for q in self.store.quads_for_pattern(s, None, None, DG)]
        return hit

    def classes(self, n) -> set[str]:
        """The node's classes with their superclasses."""
        hit = self._classes.get(n)
        if hit is None:
            out, todo = set(), [o for p, o in self.out(n) if p == RDF_TYPE and isinstance(o, ox.NamedNode)]
            while todo:
                c = todo.pop()
                if c.value not in out:
                    out.add(c.value)
                    todo += [o for p, o in self.out(c) if p == SUBCLASS and isinstance(o, ox.NamedNode)]
            hit = self._classes[n] = out
        return hit

    def touched(self, fact) -> set:
        """What a fact involves: its values, and theirs when they are facts (an office's
        organisation and place), and the places those places are in."""
        hit = self._touched.get(fact)
        if hit is None:
            hit = self._touched[fact] = self._touch(fact)
        return hit

    def _touch(self, fact) -> set:
        near = set()
        for p, o in self.out(fact):
            if isinstance(o, ox.Literal) or p in (RDF_TYPE, HAS_EVIDENCE):
                continue
            near.add(o)
            if self._is_fact(o):
                near |= {o2 for p2, o2 in self.out(o) if not isinstance(o2, ox.Literal)
                         and p2 not in (RDF_TYPE, HAS_EVIDENCE)}
        for place in list(near):
            near |= {o for p, o in self.out(place) if p == LOCATED_IN}
        return near

    def _is_fact(self, n) -> bool:
        return kind_of(self.classes(n)) not in (None, "organisations", "places", "documents", "activity-types",
                                                "people")

    def facets_of(self, nodes: set) -> list[tuple[str, str]]:
        out = []
        for n in nodes:
            cls = self.classes(n)
            if cls & self.org_classes:
                out.append(("organisation", n.value))
            if self.country in cls:
                out.append(("country", n.value))
        return out

    def years_of(self, fact) -> set[str]:
        years = set()
        for p, o in self.out(fact):
            if isinstance(o, ox.Literal):
                continue
            for p2, v in self.out(o):
                if p2.value.startswith("http://www.w3.org/2006/time#inXSD") and v.value[:4].isdigit():
                    years.add(v.value[:4])
                elif p2.value in ("http://www.w3.org/2006/time#hasBeginning", "http://www.w3.org/2006/time#hasEnd"):
                    for p3, v3 in self.out(v):
                        if p3.value.startswith("http://www.w3.org/2006/time#inXSD") and v3.value[:4].isdigit():
                            years.add(v3.value[:4])
        return years

    def add(self, kind: str, node, lang: str | None, text: str, facets: list[tuple[str, str]], doc=None,
            start=None, end=None, supports=(), iri: str | None = None, name_kind: str | None = None) -> None:
        cur = self.db.execute(
            'INSERT INTO items (kind, iri, node, lang, text, doc, start, "end", name_kind) VALUES (?,?,?,?,?,?,?,?,?)',
            (kind, iri or node.value, node.value, lang, text, doc, start, end, name_kind))
        item = cur.lastrowid
        self.db.execute("INSERT INTO search (rowid, text, keys) VALUES (?, ?, ?)",
                        (item, text, self.keys.text(lang or "en", text) if lang else
                         " ".join(sorted(set().union(*(self.keys.text(lg, text).split() for lg in ("en", "ru", "az")))))))
        rows = {("kind", name_kind or "passages")} | ({("language", lang)} if lang else set())
        rows |= set(facets)
        self.db.executemany("INSERT INTO facets VALUES (?, ?, ?)", [(item, f, v) for f, v in sorted(rows) if v])
        self.db.executemany("INSERT INTO supports VALUES (?, ?)", [(item, f) for f in sorted(set(supports))])

    def write(self) -> None:
        self.write_passages()
        self.write_names()

    def write_passages(self) -> None:
        q = (f"SELECT ?ev ?doc ?exact ?start ?end WHERE {{ ?ev <{OA.hasSource}> ?doc ; <{OA.hasSelector}> ?qs, ?ps . "
             f"?qs <{OA.exact}> ?exact . ?ps <{OA.start}> ?start ; <{OA.end}> ?end }}")
        for ev, doc, exact, start, end in self.store.query(q):
            lang, year = self.sources.get(doc, (None, None))
            users = [q_.subject for q_ in self.store.quads_for_pattern(None, HAS_EVIDENCE, ev, DG)]
            facts = [u for u in users if self._is_fact(u)]
            if not facts:
                continue  # a name's mention: the name itself is indexed
            named = [u for u in users if u not in facts]
            involved = set(named)
            for f in facts:
                involved |= self.touched(f) | {f}
            facets = self.facets_of(involved)
            if year:
                facets.append(("year", year))
            self.add("passage", ev, lang, exact.value, facets, doc=doc.value, start=int(start.value),
                     end=int(end.value), supports=[f.value for f in facts])

    def write_names(self) -> None:
        names: dict = {}
        for p in NAME_PROPS:
            for q in self.store.quads_for_pattern(None, p, None, DG):
                if isinstance(q.object, ox.Literal) and isinstance(q.subject, ox.NamedNode):
                    names.setdefault(q.subject, {})[(q.object.value, (q.object.language or "").split("-")[0])] = None
        # the lexicon's names of the entities the graph holds (forms the documents did not use)
        by_value = {n.value: n for n in names}
        base = self._base(by_value)
        if base:
            for nm in self.resources.lexicon.names:
                n = by_value.get(f"{base}id/{nm.entity}")
                if n is not None:
                    names[n][(nm.text, nm.lang)] = None
        for n, texts in names.items():
            cls = self.classes(n)
            kind = kind_of(cls)
            if kind is None or self._is_ontology_term(cls):
                continue
            involved = {n} | (self.touched(n) if self._is_fact(n) else set())
            facets = self.facets_of(involved) + [("year", y) for y in self.years_of(n)]
            for text, lang in texts:
                self.add("name", n, lang or None, text, facets, name_kind=kind)

    @staticmethod
    def _is_ontology_term(classes: set[str]) -> bool:
        return bool(classes & {"http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2002/07/owl#ObjectProperty",
                               "http://www.w3.org/2002/07/owl#DatatypeProperty",
                               "http://www.w3.org/2002/07/owl#AnnotationProperty"})

    def _base(self, by_value: dict) -> str | None:
        """The IRI base the build minted under (what precedes ``id/document/``)."""
        for d in self.sources:
            if "/id/document/" in d.value:
                return d.value.split("id/document/")[0]
        return None


# -- reading ------------------------------------------------------------------------------------

FACETS = ("kind", "organisation", "country", "language", "year")


@dataclass
class Hit:
    id: int
    kind: str  # passage | name
    iri: str  # the passage, or the named node
    lang: str | None
    text: str
    doc: str | None
    start: int | None
    end: int | None
    name_kind: str | None  # for a name: the kind of what it names (organisations, places …)
    rank: float
    supports: list[str]


@dataclass
class Results:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]  # facet -> [(value, count)], largest first


class SearchIndex:
    """A build's index, read-only. ``search(text, filters)``: the matching items with facet counts."""

    def __init__(self, path: Path, morph: Morphology):
        self.path = Path(path)
        self.keys = Keys(morph)
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self.meta = dict(self.db.execute("SELECT key, value FROM meta"))

    @classmethod
    def for_store(cls, store: ox.Store, lexicon_dir: Path, morph: Morphology) -> "SearchIndex":
        """An index made now, in a temporary file, for a store the build did not index."""
        fd, name = tempfile.mkstemp(prefix="kg-search-", suffix=".sqlite")
        os.close(fd)
        atexit.register(Path(name).unlink, missing_ok=True)
        build_index(store, Path(name), lexicon_dir)
        return cls(Path(name), morph)

    def fits(self, store: ox.Store) -> bool:
        """Made from this store's data (the same number of quads: a store served with extra
        files has more)."""
        return self.meta.get("schema") == SCHEMA_VERSION and self.meta.get("quads") == str(len(store))

    def search(self, text: str, filters: dict[str, str] | None = None, limit: int = 500) -> Results:
        query = parse_query(text, self.keys)
        if query.empty:
            return Results([], 0, {})
        try:
            ids = [row[0] for row in self.db.execute(
                "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank", (query.match(),))]
        except sqlite3.OperationalError:
            return Results([], 0, {})
        ranked = {i: r for r, i in enumerate(ids)}
        for facet, value in (filters or {}).items():
            if facet not in FACETS or not value or not ranked:
                continue
            keep = {row[0] for row in self.db.execute(
                f"SELECT item FROM facets WHERE facet = ? AND value = ? AND item IN ({','.join('?' * len(ranked))})",
                (facet, value, *ranked))}
            ranked = {i: r for i, r in ranked.items() if i in keep}
        facets: dict[str, list[tuple[str, int]]] = {}
        if ranked:
            marks = ",".join("?" * len(ranked))
            for facet, value, count in self.db.execute(
                    f"SELECT facet, value, COUNT(DISTINCT item) FROM facets WHERE item IN ({marks}) "
                    f"GROUP BY facet, value ORDER BY facet, COUNT(DISTINCT item) DESC, value", tuple(ranked)):
                facets.setdefault(facet, []).append((value, count))
        chosen = sorted(ranked, key=ranked.get)[:limit]
        hits = []
        if chosen:
            marks = ",".join("?" * len(chosen))
            rows = {row[0]: row for row in self.db.execute(
                f'SELECT id, kind, iri, lang, text, doc, start, "end", name_kind FROM items WHERE id IN ({marks})',
                tuple(chosen))}
            supports: dict[int, list[str]] = {}
            for item, fact in self.db.execute(f"SELECT item, fact FROM supports WHERE item IN ({marks})", tuple(chosen)):
                supports.setdefault(item, []).append(fact)
            for i in chosen:
                r = rows[i]
                hits.append(Hit(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], ranked[i], supports.get(i, [])))
        return Results(hits, len(ranked), facets)

    def matching_words(self, text: str, query_text: str, lang: str | None) -> list[tuple[int, int]]:
        """Where the words of a text that the query matched are ((start, end) offsets)."""
        query = parse_query(query_text, self.keys)
        wanted = set().union(*query.groups) if query.groups else set()
        spans = []
        for m in _WORD.finditer(text):
            ks = self.keys.word(lang or "en", m.group(0)) if lang else self.keys.query_word(m.group(0))
            if ks & wanted:
                spans.append((m.start(), m.end()))
        for ph in query.phrases:
            for m in re.finditer(re.escape(ph), text, re.IGNORECASE):
                spans.append((m.start(), m.end()))
        return sorted(spans)
