"""The embedded, persistent store: Oxigraph (pyoxigraph) on disk.

A build writes a fresh directory under ``var/stores/`` and, only when it is complete,
points the ``var/store`` symlink at it (an atomic rename), so a failed build never
leaves a half-written store and a running server keeps the one it opened.

Old builds are deleted when a new one is published, but only those no process reads: a
process that reads a build holds a shared lock (``flock``) on its directory for as long as it
does (``hold``/``release``; an HTTP process, a query worker, the zygote, ``kg query``…), and
``prune`` deletes a build only when it gets the exclusive lock at once. A reader that finds
its build pruned before it could lock it resolves ``var/store`` again (``held_current_store``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .config import Settings


class StoreMissing(Exception):
    pass


def new_store_dir(settings: Settings) -> Path:
    """A new, empty build directory, held (see ``hold``) until ``publish`` or ``discard``."""
    root = settings.var / "stores"
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    hold(path)
    return path


def new_store_copy(settings: Settings) -> Path:
    """A new build directory holding a copy of the published store (a checkpoint: files hard
    linked where they can be), held like ``new_store_dir``'s."""
    source = held_current_store(settings)
    try:
        return checkpoint(settings, ox.Store.read_only(str(source)))
    finally:
        release(source)


def checkpoint(settings: Settings, store: ox.Store) -> Path:
    """A new build directory holding a copy of ``store`` (on disk) as it is now, which goes on
    being written: RocksDB's checkpoint, its files hard linked where they can be. Held like
    ``new_store_dir``'s (``discard`` it); a process may open it read-only."""
    root = settings.var / "stores"
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    store.backup(str(path))
    hold(path)
    return path


# -- which process reads which build -------------------------------------------------------

_held: dict[str, list[int]] = {}  # build directory -> [file descriptor with the shared lock, users]
_held_lock = threading.Lock()


def hold(path: Path | str) -> None:
    """Hold build ``path`` for this process (a shared lock on its directory): ``prune`` leaves
    it alone until every ``hold`` is matched by a ``release``. StoreMissing when the build is
    gone (pruned before it could be locked)."""
    key = str(path)
    with _held_lock:
        if key in _held:
            _held[key][1] += 1
            return
        try:
            fd = os.open(key, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise StoreMissing(f"the build {key} is gone (pruned)") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            if os.stat(key).st_ino != os.fstat(fd).st_ino:
                raise FileNotFoundError(key)
        except (BlockingIOError, FileNotFoundError):  # being pruned, or pruned meanwhile
            os.close(fd)
            raise StoreMissing(f"the build {key} is gone (pruned)") from None
        _held[key] = [fd, 1]


def release(path: Path | str, after: float = 0.0) -> None:
    """Undo one ``hold`` (``after`` seconds from now: for readers that may still be using it).

    The lock goes with the last user; the descriptor is closed, never unlocked, so that a
    process forked meanwhile (the zygote's workers) keeps holding what it inherited."""
    if after > 0:
        timer = threading.Timer(after, release, (path,))
        timer.daemon = True
        timer.start()
        return
    with _held_lock:
        entry = _held.get(str(path))
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del _held[str(path)]
            os.close(entry[0])


def held_current_store(settings: Settings) -> Path:
    """The current build, held (``release`` it when done)."""
    for _ in range(10):
        path = current_store_path(settings)
        try:
            hold(path)
            return path
        except StoreMissing:  # a newer build was published and this one pruned meanwhile
            continue
    raise StoreMissing(f"the store at {settings.store_link} keeps changing; try again")


def prune(settings: Settings) -> list[Path]:
    """Delete the builds that are neither current nor held by any process; the ones deleted."""
    current = current_store_path(settings)
    deleted = []
    for build in sorted((settings.var / "stores").glob("build-*")):
        if build.resolve() == current:
            continue
        try:
            fd = os.open(build, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError):
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a process reads it
        try:
            shutil.rmtree(build, ignore_errors=True)
            deleted.append(build)
        finally:
            os.close(fd)
    return deleted


# The endpoint's default graph is the union of every named graph. It is materialised
# at build time: a set of triples (SPARQL's RDF merge), where Oxigraph's on-the-fly
# union would repeat a triple once per graph that states it.
MATERIALISE_UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _union_update(exclude: list[str]) -> str:
    if not exclude:
        return MATERIALISE_UNION
    keep_out = ", ".join(f"<{g}>" for g in exclude)
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({keep_out})) }}"


class GraphLoader:
    """Loads graphs into a store in large batches (Oxigraph's bulk loader costs ~40 ms a call:
    one call per document would be most of a build), each graph into its own named graph
    and, unless told otherwise, into the default graph: the union (a set of triples)."""

    def __init__(self, store: ox.Store, batch_bytes: int = 64 << 20):
        self.store = store
        self.batch_bytes = batch_bytes
        self._quads: list[bytes] = []
        self._triples: list[bytes] = []
        self._size = 0

    def add(self, graph: str, ntriples: bytes, union: bool = True) -> None:
        """Add a graph given as N-Triples (one statement a line, as Oxigraph writes them)."""
        name = str(ox.NamedNode(graph)).encode("utf-8")
        # a line ends in " .\n"; no literal holds a raw line break (N-Triples escapes it)
        self._quads.append(ntriples.replace(b" .\n", b" " + name + b" .\n"))
        if union:
            self._triples.append(ntriples)
        self._size += len(ntriples) * (2 if union else 1)
        if self._size >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        if self._quads:
            self.store.bulk_load(b"".join(self._quads), format=ox.RdfFormat.N_QUADS)
        if self._triples:
            self.store.bulk_load(b"".join(self._triples), format=ox.RdfFormat.N_TRIPLES)
        self._quads, self._triples, self._size = [], [], 0


def remove_graph(store: ox.Store, graph: str, apart: tuple[str, ...] = ()) -> None:
    """Take named graph ``graph`` out of the store, and out of the union (the default graph)
    what no other named graph but those ``apart`` from the union states."""
    keep_out = ", ".join(f"<{g}>" for g in (graph, *apart))
    store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                 f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({keep_out})) }} }}")
    store.update(f"DROP SILENT GRAPH <{graph}>")


def stated_by_graphs(store: ox.Store, s, p, o, apart: set) -> bool:
    """Whether a named graph but those ``apart`` (pyoxigraph NamedNodes) states (s p o): one
    lookup, whichever number of graphs state it."""
    if isinstance(s, ox.Literal):
        return False
    for q in store.quads_for_pattern(s, p, o, None):
        if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in apart:
            return True
    return False


def typed_by_graphs(store: ox.Store, s, apart: set) -> bool:
    """Whether a named graph but those ``apart`` gives ``s`` a class (an individual)."""
    for q in store.quads_for_pattern(s, _RDF_TYPE, None, None):
        if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in apart:
            return True
    return False


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def in_union(store: ox.Store, s, p, o) -> bool:
    """Whether the union (the default graph) holds (s p o)."""
    return not isinstance(s, ox.Literal) and next(iter(store.quads_for_pattern(s, p, o, ox.DefaultGraph())),
                                                   None) is not None


@dataclass
class StatementChanges:
    """What the statements of a store changed from one state to another: those the data (its
    named graphs but some apart) now states and did not (``added``), and the reverse; the
    same of the union (the default graph). Each (subject, predicate, object) of pyoxigraph terms."""

    added: set
    removed: set
    union_added: set
    union_removed: set
    individuals: int  # how many more IRIs the data gives a class


def statement_changes(before: ox.Store, after: ox.Store, old: set, new: set, apart: set) -> StatementChanges:
    """What changed from ``before`` to ``after`` when the named graphs holding the statements
    ``old`` were taken out and those holding ``new`` put in (every other graph as it was):
    a statement of both is stated before and after; one only taken out may still be stated
    by another graph, one only put in may have been already. ``apart``: the named graphs
    that are not data (NamedNodes)."""
    gone, come = old - new, new - old
    added = {t for t in come if not stated_by_graphs(before, *t, apart)}
    removed = {t for t in gone if not stated_by_graphs(after, *t, apart)}
    typed = {s for s, p, _ in added | removed if p == _RDF_TYPE and isinstance(s, ox.NamedNode)}
    return StatementChanges(
        added, removed,
        union_added={t for t in come if not in_union(before, *t)},
        union_removed={t for t in gone if not in_union(after, *t)},
        individuals=sum(typed_by_graphs(after, s, apart) for s in typed)
        - sum(typed_by_graphs(before, s, apart) for s in typed))


def graph_triples(store: ox.Store, graph: str) -> list[tuple]:
    """The statements of named graph ``graph``, as (subject, predicate, object)."""
    return [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def write_store(path: Path, nquads: bytes, exclude_from_union: list[str] = ()) -> int:
    """Write the quads to a new store; its default graph becomes the union of the named
    graphs except ``exclude_from_union`` (the inferred graph, kept apart)."""
    store = ox.Store(str(path))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.update(_union_update(exclude_from_union))
    store.flush()
    store.optimize()
    n = len(store)
    del store
    return n


MANIFEST = "kg-build.json"  # beside the store's own files: what the build was made of


def write_manifest(path: Path, manifest: dict) -> None:
    (path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def current_manifest(settings: Settings) -> dict:
    """The manifest of the published build ({} when there is none, or it has none)."""
    try:
        return json.loads((current_store_path(settings) / MANIFEST).read_text(encoding="utf-8"))
    except (StoreMissing, OSError, ValueError):
        return {}


def publish(settings: Settings, path: Path) -> None:
    """Point ``var/store`` at ``path`` atomically and prune old builds nobody reads."""
    link = settings.store_link
    tmp = link.with_name(f".store-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(path.resolve())
    os.replace(tmp, link)
    release(path)  # current now: never pruned
    prune(settings)


def discard(path: Path) -> None:
    release(path)
    shutil.rmtree(path, ignore_errors=True)


def current_store_path(settings: Settings) -> Path:
    link = settings.store_link
    if not link.exists():
        raise StoreMissing(f"no store at {link}: run `kg build` first")
    return link.resolve()


def open_store(settings: Settings, read_only: bool = True) -> ox.Store:
    """The current build, held for the rest of this process (a command's run)."""
    path = held_current_store(settings)
    return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))


# -- extra files, export and validation input ---------------------------------------

class RdfFileError(Exception):
    pass


def rdf_format_for(path: Path) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if path.suffix.lower() == ".json":
        fmt = ox.RdfFormat.JSON_LD
    if fmt is None:
        raise RdfFileError(f"{path}: unknown RDF format (use .ttl, .nt, .trig, .nq, .jsonld or .rdf)")
    return fmt


def load_rdf_file(store: ox.Store, path: Path, base_iri: str) -> None:
    """Load a file into the store; triples go to a graph named after the file."""
    fmt = rdf_format_for(path)
    graph = None if fmt.supports_datasets else ox.NamedNode(f"{base_iri}graph/file/{path.name}")
    try:
        store.load(path=str(path), format=fmt, to_graph=graph)
    except (SyntaxError, ValueError, OSError) as exc:
        raise RdfFileError(f"{path}: cannot be loaded as {fmt.name}: {exc}") from None


def serving_copy(settings: Settings, files: list[Path], named: list[tuple[str, Path]] = (),
                 target: Path | None = None) -> Path:
    """A private copy of the current store with ``files`` (each in the graph named after it,
    or in the graphs a TriG / N-Quads file names) and ``named`` files (each in the graph
    given) added; its default graph is again the union of the named graphs but the inferred
    one, as in a built store (``write_store``). Closed when returned, for readers to open
    read-only; the built store is untouched. ``target``: where (default: var/serve/serve-PID)."""
    built = held_current_store(settings)
    target = target or settings.var / "serve" / f"serve-{os.getpid()}"
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = ox.Store.read_only(str(built))
        source.backup(str(target))
        del source
    finally:
        release(built)
    store = ox.Store(str(target))
    try:
        for path in files:
            load_rdf_file(store, path, settings.base_iri)
        for iri, path in named:
            fmt = rdf_format_for(path)
            if fmt.supports_datasets:
                raise RdfFileError(f"{path}: a {fmt.name} file names its own graphs; give it without a graph IRI")
            try:
                store.load(path=str(path), format=fmt, to_graph=ox.NamedNode(iri))
            except (SyntaxError, ValueError, OSError) as exc:
                raise RdfFileError(f"{path}: cannot be loaded into <{iri}> as {fmt.name}: {exc}") from None
        store.update(_union_update([inferred_graph(settings)]))
        store.flush()
    except BaseException:
        del store
        shutil.rmtree(target, ignore_errors=True)
        raise
    del store
    return target


def inferred_graph(settings: Settings) -> str:
    """The graph of what the ontology entails: kept out of the default graph (the union)."""
    return f"{settings.base_iri}graph/inferred"


def export(store: ox.Store, fmt: str) -> bytes:
    """The whole graph: TriG/N-Quads/JSON-LD keep named graphs; Turtle is their union."""
    if fmt == "turtle":
        from .namespaces import PREFIXES

        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    fmt_obj = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    # Named graphs only: the default graph is their union, derived at build time.
    quads = sorted((q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)), key=str)
    if fmt == "jsonld":  # with the published context, as the pages' JSON-LD (kg.jsonld)
        from . import jsonld

        return jsonld.dumps(jsonld.dataset_document(quads), pretty=False)
    from .namespaces import PREFIXES

    return ox.serialize(quads, format=fmt_obj, **({"prefixes": PREFIXES} if fmt == "trig" else {}))


def load_data_graph(settings: Settings, rdf_file: Path | None):
    """The statements to validate: a given file, or every document graph of the store."""
    from rdflib import Dataset, Graph

    ontology_graph = f"{settings.base_iri}graph/ontology"
    if rdf_file is not None:
        fmt = rdf_format_for(rdf_file)
        ds = Dataset()
        try:
            ds.parse(rdf_file, format={"TriG": "trig", "N-Quads": "nquads", "Turtle": "turtle", "N-Triples": "nt",
                                       "JSON-LD": "json-ld", "RDF/XML": "xml", "N3": "n3"}.get(fmt.name, "turtle"))
        except Exception as exc:
            raise RdfFileError(f"{rdf_file}: cannot be parsed: {exc}") from None
        quads = ds.quads((None, None, None, None))
    else:
        store = open_store(settings)
        nq = ox.serialize((q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)),
                          format=ox.RdfFormat.N_QUADS)
        ds = Dataset()
        ds.parse(data=nq, format="nquads")
        quads = ds.quads((None, None, None, None))
    g = Graph()
    skip = {ontology_graph, inferred_graph(settings)}
    for s, p, o, c in quads:
        if str(c) not in skip:
            g.add((s, p, o))
    return g
