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

import os
import re
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .kinds import KIND_CLASSES, kind_of
from .morphology import Morphology, az_lower
from .namespaces import DCTERMS, KG, OA, ORG, RDF, RDFS, SKOS

INDEX_NAME = "search.sqlite"
SCHEMA_VERSION = "3"

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

# The index is made of *owners*: a passage (an evidence node) or the names of a node, each
# with the items it gives and the statements of other nodes it read to make them (``reads``:
# a node's types, its links to other nodes, its time values). An update finds the owners
# that a changed statement concerns — directly, or through what they read — and makes
# them again; every other owner stands. A build from nothing makes every owner the same way.
# (Nodes are numbered in ``nodes``, as pyoxigraph writes them: <iri> or _:label.)
_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE nodes (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE);
CREATE TABLE owners (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, node INTEGER NOT NULL);
CREATE UNIQUE INDEX owners_by_node ON owners (node, kind);
CREATE TABLE reads (node INTEGER NOT NULL, aspect TEXT NOT NULL, owner INTEGER NOT NULL,
                    PRIMARY KEY (node, aspect, owner)) WITHOUT ROWID;
CREATE INDEX reads_by_owner ON reads (owner);
CREATE TABLE items (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, kind TEXT NOT NULL, iri TEXT NOT NULL,
                    node TEXT NOT NULL, lang TEXT, text TEXT NOT NULL, doc TEXT, start INTEGER, "end" INTEGER,
                    name_kind TEXT);
CREATE INDEX items_by_owner ON items (owner);
CREATE TABLE facets (item INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX facets_by_value ON facets (facet, value);
CREATE INDEX facets_by_item ON facets (item);
CREATE TABLE supports (item INTEGER NOT NULL, fact TEXT NOT NULL);
CREATE INDEX supports_by_item ON supports (item);
CREATE VIRTUAL TABLE search USING fts5 (text, keys, tokenize = "unicode61 remove_diacritics 2");
"""

PASSAGE, NAMES = "passage", "names"  # the kinds of owner
TYPES, LINKS, LOCATED, TIMES = "t", "l", "p", "y"  # what an owner read of another node
_TIME = "http://www.w3.org/2006/time#"
HAS_SOURCE, HAS_SELECTOR = N(str(OA.hasSource)), N(str(OA.hasSelector))
_SELECTOR_PROPS = {N(str(p)) for p in (OA.exact, OA.start, OA.end)}
_SOURCE_PROPS = {N(str(DCTERMS.language)), N(str(DCTERMS.date)), RDF_TYPE}


def write_index(store_path: Path, lexicon_dir: Path, ontology_dir: Path | None = None,
                index_path: Path | None = None, quads: int | None = None, stop: "StopFile | None" = None) -> Path:
    """Write the search index of the store at ``store_path`` (by default into that build
    directory, as ``search.sqlite``); return its path. The lexicon is the build's (the same
    ``load_resources`` arguments reuse what the build loaded). ``quads``: the store's size,
    when known (counting it reads the whole store). ``stop``: as ``build_index``'s."""
    target = index_path or Path(store_path) / INDEX_NAME
    store = ox.Store.read_only(str(store_path))
    try:
        build_index(store, target, lexicon_dir, ontology_dir, quads, stop)
    finally:
        del store
    return target


class IndexingStopped(Exception):
    """The index was being written for a build that failed meanwhile (``build_index``'s ``stop``)."""


class StopFile:
    """A stop flag (``is_set``, as a ``threading.Event``'s) that another process sees: a file,
    for an index written in a process apart from the build's."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def set(self) -> None:
        self.path.touch()

    def is_set(self) -> bool:
        return self.path.exists()

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def build_index(store: ox.Store, target: Path, lexicon_dir: Path, ontology_dir: Path | None = None,
                quads: int | None = None, stop: "threading.Event | StopFile | None" = None) -> None:
    """Write the index of ``store`` into ``target`` (through a copy renamed onto it). With
    ``stop`` (the build writing it alongside other work may fail meanwhile), it stops when
    ``stop`` is set, raising IndexingStopped, and leaves no file behind."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(_DDL)
        writer = _Writer(store, db, lexicon_dir, ontology_dir)
        writer.read_every_source()
        writer.write_owners(writer.every_owner(), stop)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA_VERSION),
                                                         ("quads", str(len(store) if quads is None else quads))])
        db.commit()
        db.execute("INSERT INTO search(search) VALUES ('optimize')")
        db.commit()
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    tmp.replace(target)


def record_quads(target: Path, quads: int) -> None:
    """Note in the index at ``target`` the size of the store it was made from (an index
    written while the store still grew — by the reasoner's entailments, which it does not
    read — is given the final size after)."""
    db = sqlite3.connect(target)
    try:
        db.execute("UPDATE meta SET value = ? WHERE key = 'quads'", (str(quads),))
        db.commit()
    finally:
        db.close()


def update_index(store_path: Path, published: Path, added: set, removed: set, lexicon_dir: Path,
                 ontology_dir: Path | None = None, quads: int | None = None) -> Path:
    """The index of the store at ``store_path`` (a build directory), made from ``published``
    — the index of the store it was copied from — when the union (the default graph) has
    since gained the statements ``added`` and lost ``removed`` ((subject, predicate, object)
    of pyoxigraph terms): a copy of it, where the owners those statements concern are made
    again. Written whole when ``published`` is missing or of another schema. The copy is
    written beside the target and renamed onto it, so the published index is never touched
    and an interrupted update leaves nothing behind."""
    target = Path(store_path) / INDEX_NAME
    tmp = target.with_name(target.name + ".tmp")
    try:
        shutil.copyfile(published, tmp)
        db = sqlite3.connect(tmp)
    except (OSError, sqlite3.Error):
        return write_index(store_path, lexicon_dir, ontology_dir, quads=quads)
    store = ox.Store.read_only(str(store_path))
    try:
        try:
            schema = dict(db.execute("SELECT key, value FROM meta")).get("schema")
        except sqlite3.Error:
            schema = None
        if schema != SCHEMA_VERSION:
            db.close()
            tmp.unlink()
            return write_index(store_path, lexicon_dir, ontology_dir, quads=quads)
        writer = _Writer(store, db, lexicon_dir, ontology_dir)
        owners = writer.owners_concerned(added | removed)
        writer.remove_owners(owners)
        writer.write_owners(sorted(owners, key=lambda owner: (owner[0], str(owner[1]))))
        db.execute("UPDATE meta SET value = ? WHERE key = 'quads'", (str(len(store) if quads is None else quads),))
        db.commit()
        db.close()
        tmp.replace(target)
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    finally:
        del store
    return target


class _Writer:
    """Makes owners' items from the store (see ``_DDL``), noting what each read."""

    def __init__(self, store: ox.Store, db: sqlite3.Connection, lexicon_dir: Path, ontology_dir: Path | None):
        from .resources import load_resources

        self.store = store
        self.db = db
        self.resources = load_resources(lexicon_dir, ontology_dir)
        self.keys = Keys(self.resources.morph)
        self._out: dict = {}
        self._superclasses: dict = {}
        self._memo: dict = {}
        self._views: dict = {}  # (aspect, node) -> what _read selected
        self.noted: set | None = None  # (aspect, node) read by the owner being made
        self._ids: dict[str, int] = {}  # node (str of its term) -> its number in the index
        self._rows: dict[str, list[tuple]] = {table: [] for table in self._INSERTS}  # (not yet written)
        self._next: dict[str, int] = {}  # table -> the number of its next row
        self._pending = 0
        self._sources: dict = {}  # document node -> (lang, year): see source()
        self._every_source = False  # whether _sources holds every document (read_every_source)
        self.org_classes = set(KIND_CLASSES["organisations"])
        self.country = str(KG.Country)
        # the lexicon's names of each entity (forms the documents did not use), by its IRI
        self.lexicon_names: dict[str, list[tuple[str, str]]] = {}
        base = self._base()
        if base:
            for nm in self.resources.lexicon.names:
                self.lexicon_names.setdefault(f"{base}id/{nm.entity}", []).append((nm.text, nm.lang))

    # -- what is read of the store, each read noted ------------------------------------------

    def _statements(self, n) -> list[tuple]:
        hit = self._out.get(n)
        if hit is None:
            hit = self._out[n] = ([] if isinstance(n, ox.Literal) else
                                  [(q.predicate, q.object) for q in self.store.quads_for_pattern(n, None, None, DG)])
        return hit

    def _note(self, aspect: str, n) -> None:
        if self.noted is not None:
            self.noted.add((aspect, str(n)))

    def _read(self, aspect: str, n, select) -> tuple:
        """``select`` of the node's statements, made once a build (a node many facts link to
        is read for each), noted at every read."""
        self._note(aspect, n)
        hit = self._views.get((aspect, n))
        if hit is None:
            hit = self._views[(aspect, n)] = tuple(select(self._statements(n)))
        return hit

    def types(self, n) -> tuple:
        return self._read(TYPES, n, lambda st: (o for p, o in st if p == RDF_TYPE and isinstance(o, ox.NamedNode)))

    def links(self, n) -> tuple:
        """The node's links to other nodes (but its types and evidence)."""
        return self._read(LINKS, n, lambda st: ((p, o) for p, o in st if not isinstance(o, ox.Literal)
                                                and p != RDF_TYPE and p != HAS_EVIDENCE))

    def located(self, n) -> tuple:
        """The places the node is in (its kg:locatedIn)."""
        return self._read(LOCATED, n, lambda st: (o for p, o in st if p == LOCATED_IN and not isinstance(o, ox.Literal)))

    def times(self, n) -> tuple:
        """The node's OWL-Time values: its xsd values, its beginning and end."""
        return self._read(TIMES, n, lambda st: ((p, o) for p, o in st if _is_time(p)))

    def _remembered(self, kind: str, n, make):
        """``make(n)``, made once a build, with what it read noted again at every use."""
        hit = self._memo.get((kind, n))
        if hit is None:
            outer, self.noted = self.noted, set()
            try:
                value = make(n)
            finally:
                read, self.noted = self.noted, outer
            hit = self._memo[(kind, n)] = (value, read)
        if self.noted is not None:
            self.noted |= hit[1]
        return hit[0]

    def classes(self, n) -> set[str]:
        """The node's classes with their superclasses (the ontology's: not noted, an update
        keeps the ontology)."""
        return self._remembered("classes", n, lambda n: set().union(*(self._up(c) for c in self.types(n))))

    def _up(self, c) -> set[str]:
        hit = self._superclasses.get(c)
        if hit is None:
            out, todo = set(), [c]
            while todo:
                x = todo.pop()
                if x.value not in out:
                    out.add(x.value)
                    todo += [o for p, o in self._statements(x) if p == SUBCLASS and isinstance(o, ox.NamedNode)]
            hit = self._superclasses[c] = out
        return hit

    def touched(self, fact) -> set:
        """What a fact involves: its values, and theirs when they are facts (an office's
        organisation and place), and the places those places are in."""
        return self._remembered("touched", fact, self._touch)

    def _touch(self, fact) -> set:
        near = set()
        for _, o in self.links(fact):
            near.add(o)
            if self._is_fact(o):
                near |= {o2 for _, o2 in self.links(o)}
        for place in list(near):
            near |= set(self.located(place))
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
        for _, o in self.links(fact):
            for p2, v in self.times(o):
                if p2.value.startswith(_TIME + "inXSD"):
                    if v.value[:4].isdigit():
                        years.add(v.value[:4])
                else:  # its beginning or end
                    for p3, v3 in self.times(v):
                        if p3.value.startswith(_TIME + "inXSD") and v3.value[:4].isdigit():
                            years.add(v3.value[:4])
        return years

    # -- owners -----------------------------------------------------------------------------

    def every_owner(self) -> list[tuple]:
        """Every passage the graph quotes, and every node it names."""
        passages = {q.subject for q in self.store.quads_for_pattern(None, HAS_SOURCE, None, DG)}
        named = {q.subject for p in NAME_PROPS for q in self.store.quads_for_pattern(None, p, None, DG)
                 if isinstance(q.subject, ox.NamedNode)}
        return [(PASSAGE, n) for n in sorted(passages, key=str)] + [(NAMES, n) for n in sorted(named, key=str)]

    def owners_concerned(self, changed: set) -> set[tuple]:
        """The owners whose items a change of the ``changed`` statements of the union may
        alter: those the statements are about (a passage's source and selectors, its
        document, its evidence links; a node's names and types), and those that read what
        the statements change."""
        owners: set[tuple] = set()
        reads: set[tuple[str, str]] = set()
        documents = set()
        for s, p, o in changed:
            if p in (HAS_SOURCE, HAS_SELECTOR):
                owners.add((PASSAGE, s))
            elif p in _SELECTOR_PROPS:
                owners.update((PASSAGE, q.subject) for q in self.store.quads_for_pattern(None, HAS_SELECTOR, s, DG))
            elif p == HAS_EVIDENCE:
                owners.add((PASSAGE, o))
            if p in _SOURCE_PROPS:
                documents.add(s)
            if p in NAME_PROPS or p == RDF_TYPE:
                owners.add((NAMES, s))
            if p == RDF_TYPE:
                reads.add((TYPES, str(s)))
            if not isinstance(o, ox.Literal) and p != RDF_TYPE and p != HAS_EVIDENCE:
                reads.add((LINKS, str(s)))
                if p == LOCATED_IN:
                    reads.add((LOCATED, str(s)))
            if _is_time(p):
                reads.add((TIMES, str(s)))
        for d in documents:  # (its language or date: every passage it is the source of)
            owners.update((PASSAGE, q.subject) for q in self.store.quads_for_pattern(None, HAS_SOURCE, d, DG))
        known = {}
        for aspect, node in reads:
            number = self._known_id(node)
            if number is not None:
                for (owner,) in self.db.execute("SELECT owner FROM reads WHERE node = ? AND aspect = ?",
                                                (number, aspect)):
                    known[owner] = None
        for kind, node in self._owner_nodes(list(known)):
            owners.add((kind, _term(node)))
        return {(kind, n) for kind, n in owners if not isinstance(n, ox.Literal)}

    def _owner_nodes(self, ids: list[int]) -> list[tuple[str, str]]:
        out = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out += self.db.execute(f"SELECT owners.kind, nodes.term FROM owners JOIN nodes ON nodes.id = owners.node "
                                   f"WHERE owners.id IN ({','.join('?' * len(chunk))})", chunk)
        return out

    def _known_id(self, node: str) -> int | None:
        hit = self._ids.get(node)
        if hit is None:
            row = self.db.execute("SELECT id FROM nodes WHERE term = ?", (node,)).fetchone()
            if row is not None:
                hit = self._ids[node] = row[0]
        return hit

    def _id(self, node: str) -> int:
        hit = self._known_id(node)
        if hit is None:
            hit = self._ids[node] = self._insert("nodes", node)
        return hit

    # Rows are written in batches (not one SQLite call each), each numbered here as SQLite
    # would number it: one more than the table's largest, read when first needed (after an
    # update has taken its owners out).
    _INSERTS = {
        "nodes": "INSERT INTO nodes (id, term) VALUES (?, ?)",
        "owners": "INSERT INTO owners (id, kind, node) VALUES (?, ?, ?)",
        "items": 'INSERT INTO items (id, owner, kind, iri, node, lang, text, doc, start, "end", name_kind) '
                 'VALUES (?,?,?,?,?,?,?,?,?,?,?)',
        "search": "INSERT INTO search (rowid, text, keys) VALUES (?, ?, ?)",
        "reads": "INSERT INTO reads VALUES (?, ?, ?)",
        "facets": "INSERT INTO facets VALUES (?, ?, ?)",
        "supports": "INSERT INTO supports VALUES (?, ?)",
    }
    _BATCH = 20_000

    def _insert(self, table: str, *row) -> int:
        """A row of ``table`` (numbered), to be written with its batch: its number."""
        number = self._next.get(table)
        if number is None:
            (largest,) = self.db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
            number = largest + 1
        self._next[table] = number + 1
        self._rows[table].append((number, *row))
        self._pending += 1
        return number

    def _append(self, table: str, rows: list[tuple]) -> None:
        """Rows of a table whose rows are not numbered."""
        self._rows[table].extend(rows)
        self._pending += len(rows)
        if self._pending >= self._BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the rows kept (those a table refers to first)."""
        for table, statement in self._INSERTS.items():
            if self._rows[table]:
                self.db.executemany(statement, self._rows[table])
                self._rows[table] = []
        self._pending = 0

    def remove_owners(self, owners: set[tuple]) -> None:
        """Take the owners out: their items, and what they read."""
        for kind, n in owners:
            number = self._known_id(str(n))
            row = None if number is None else self.db.execute(
                "SELECT id FROM owners WHERE node = ? AND kind = ?", (number, kind)).fetchone()
            if row is None:
                continue
            owner = row[0]
            items = [i for (i,) in self.db.execute("SELECT id FROM items WHERE owner = ?", (owner,))]
            for table, column in (("search", "rowid"), ("facets", "item"), ("supports", "item"), ("items", "id")):
                self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in items])
            self.db.execute("DELETE FROM reads WHERE owner = ?", (owner,))
            self.db.execute("DELETE FROM owners WHERE id = ?", (owner,))

    def write_owners(self, owners: list[tuple], stop: "threading.Event | StopFile | None" = None) -> None:
        passages = self._passages([n for kind, n in owners if kind == PASSAGE])
        names = self._names([n for kind, n in owners if kind == NAMES])
        for number, (kind, n) in enumerate(owners):
            if stop is not None and number % 256 == 0 and stop.is_set():
                raise IndexingStopped()
            self.noted = set()
            try:
                made = (self._passage_items(n, passages.get(n)) if kind == PASSAGE
                        else self._name_items(n, names.get(n)))
            finally:
                read, self.noted = self.noted, None
            if made is None:
                continue  # nothing of it in the graph (any more)
            owner = self._insert("owners", kind, self._id(str(n)))
            self._append("reads", [(self._id(node), aspect, owner) for aspect, node in read])
            for item in made:
                self.add(owner, *item)
        self.flush()

    def _passages(self, evidence: list) -> dict:
        """Each passage's rows: (document, exact text, start, end)."""
        out: dict = {}
        q = (f"SELECT ?ev ?doc ?exact ?start ?end WHERE {{ VALUES ?ev {{ {{}} }} ?ev <{OA.hasSource}> ?doc ; "
             f"<{OA.hasSelector}> ?qs, ?ps . ?qs <{OA.exact}> ?exact . ?ps <{OA.start}> ?start ; <{OA.end}> ?end }}")
        named = [ev for ev in evidence if isinstance(ev, ox.NamedNode)]
        for i in range(0, len(named), 1000):
            values = " ".join(str(ev) for ev in named[i:i + 1000])
            for ev, doc, exact, start, end in self.store.query(q.replace("{ {} }", "{ " + values + " }")):
                out.setdefault(ev, []).append((doc, exact, start, end))
        return out

    def _names(self, nodes: list) -> dict:
        """Each node's names: {(text, language): None}, the graph's and the lexicon's."""
        out: dict = {}
        wanted = set(nodes)
        for p in NAME_PROPS:
            for n in nodes:
                for q in self.store.quads_for_pattern(n, p, None, DG):
                    if isinstance(q.object, ox.Literal) and isinstance(n, ox.NamedNode):
                        out.setdefault(n, {})[(q.object.value, (q.object.language or "").split("-")[0])] = None
        for n in wanted & set(out):
            for text, lang in self.lexicon_names.get(n.value, ()):
                out[n][(text, lang)] = None
        return out

    def _passage_items(self, ev, rows) -> list[tuple] | None:
        if not rows:
            return None
        users = [q.subject for q in self.store.quads_for_pattern(None, HAS_EVIDENCE, ev, DG)]
        facts = [u for u in users if self._is_fact(u)]
        if not facts:
            return []  # a name's mention: the name itself is indexed
        named = [u for u in users if u not in facts]
        involved = set(named)
        for f in facts:
            involved |= self.touched(f) | {f}
        items = []
        for doc, exact, start, end in rows:
            lang, year = self.source(doc)
            facets = self.facets_of(involved)
            if year:
                facets.append(("year", year))
            items.append(("passage", ev, lang, exact.value, facets, doc.value, int(start.value), int(end.value),
                          [f.value for f in facts]))
        return items

    def _name_items(self, n, texts) -> list[tuple] | None:
        if not texts:
            return None
        cls = self.classes(n)
        kind = kind_of(cls)
        if kind is None or self._is_ontology_term(cls):
            return []
        involved = {n} | (self.touched(n) if self._is_fact(n) else set())
        facets = self.facets_of(involved) + [("year", y) for y in self.years_of(n)]
        return [("name", n, lang or None, text, facets, None, None, None, (), None, kind) for text, lang in texts]

    def add(self, owner: int, kind: str, node, lang: str | None, text: str, facets: list[tuple[str, str]], doc=None,
            start=None, end=None, supports=(), iri: str | None = None, name_kind: str | None = None) -> None:
        item = self._insert("items", owner, kind, iri or node.value, node.value, lang, text, doc, start, end, name_kind)
        self._append("search", [(item, text, self.keys.text(lang or "en", text) if lang else " ".join(sorted(
            set().union(*(self.keys.text(lg, text).split() for lg in ("en", "ru", "az"))))))])
        rows = {("kind", name_kind or "passages")} | ({("language", lang)} if lang else set())
        rows |= set(facets)
        self._append("facets", [(item, f, v) for f, v in sorted(rows) if v])
        self._append("supports", [(item, f) for f in sorted(set(supports))])

    @staticmethod
    def _is_ontology_term(classes: set[str]) -> bool:
        return bool(classes & {"http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2002/07/owl#ObjectProperty",
                               "http://www.w3.org/2002/07/owl#DatatypeProperty",
                               "http://www.w3.org/2002/07/owl#AnnotationProperty"})

    def source(self, doc) -> tuple[str | None, str | None]:
        """A document's language and year ((None, None): not a source document with a
        language), read when first asked for: an update concerns a few documents of
        thousands, and reading them all was a third of a second at 10,000."""
        hit = self._sources.get(doc)
        if hit is None and not self._every_source:
            if isinstance(doc, ox.NamedNode):  # (a document is an IRI)
                self._read_sources(doc)
            hit = self._sources.setdefault(doc, (None, None))
        return hit or (None, None)

    def read_every_source(self) -> None:
        """Every document's language and year at once, for an index written whole (one
        query rather than one per document)."""
        self._read_sources()
        self._every_source = True

    def _read_sources(self, doc=None) -> None:
        """The language and year of document ``doc`` (None: of every document)."""
        values = "" if doc is None else f"VALUES ?d {{ {doc} }} "
        q = (f"SELECT ?d ?lang ?date WHERE {{ {values}?d a <{KG.SourceDocument}> ; <{DCTERMS.language}> ?lang . "
             f"OPTIONAL {{ ?d <{DCTERMS.date}> ?date }} }}")
        for d, lang, date in self.store.query(q):
            self._sources[d] = (lang.value, _year(date))

    def _base(self) -> str | None:
        """The IRI base the build minted under (what precedes ``id/document/``)."""
        q = (f"SELECT ?d WHERE {{ ?d a <{KG.SourceDocument}> ; <{DCTERMS.language}> [] . "
             f'FILTER(CONTAINS(STR(?d), "/id/document/")) }} LIMIT 1')
        for (d,) in self.store.query(q):
            return d.value.split("id/document/")[0]
        return None


@lru_cache(maxsize=4096)  # (a graph has a few hundred predicates)
def _is_time(p) -> bool:
    """Whether ``p`` gives an OWL-Time value (what ``_Writer.times`` reads): an xsd value
    (time:inXSD…), a beginning or an end."""
    return p.value.startswith(_TIME + "inXSD") or p.value in (_TIME + "hasBeginning", _TIME + "hasEnd")


def _year(date) -> str | None:
    """The year of a document's dcterms:date (None: none, or not a year)."""
    return date.value[:4] if date is not None and date.value[:4].isdigit() else None


def _term(text: str):
    """A node as ``str`` gave it (N-Triples: <iri> or _:label)."""
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text[1:-1])


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
        try:
            build_index(store, Path(name), lexicon_dir)
            index = cls(Path(name), morph)
        finally:
            # (the open connection keeps the file's data; nothing is left behind however the
            # process ends: an HTTP process is ended with os._exit, which runs no atexit)
            Path(name).unlink(missing_ok=True)
        return index

    def fits(self, store: ox.Store) -> bool:
        """Made from this store's data (the same number of quads: a store served with extra
        files has more)."""
        return self.meta.get("schema") == SCHEMA_VERSION and self.meta.get("quads") == str(len(store))

    def search(self, text: str, filters: dict[str, str] | None = None, limit: int = 500) -> Results:
        query = parse_query(text, self.keys)
        if query.empty:
            return Results([], 0, {})
        try:
            # (equal ranks in the items' order, not their ids': an updated index gives what a
            # new one does)
            ids = [row[0] for row in self.db.execute(
                'SELECT search.rowid FROM search JOIN items ON items.id = search.rowid WHERE search MATCH ? '
                'ORDER BY search.rank, items.kind, items.iri, items.text, items.lang, items.doc, items.start',
                (query.match(),))]
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
