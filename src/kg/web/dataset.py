"""The store a server reads: the built one, or a private copy with extra RDF files added."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from .. import store as store_mod
from ..config import Settings


def serving_copy(settings: Settings, files: list[Path], named: list[tuple[str, Path]] = ()) -> Path:
    """A copy of the current store with ``files`` (each in the graph named after it, or in the
    graphs a TriG / N-Quads file names) and ``named`` files (each in the graph given) added; the
    default graph is their union again. Closed when returned, for workers to open read-only.
    The built store is untouched."""
    built = store_mod.held_current_store(settings)
    target = settings.var / "serve" / f"serve-{os.getpid()}"
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = ox.Store.read_only(str(built))
        source.backup(str(target))
        del source
    finally:
        store_mod.release(built)
    store = ox.Store(str(target))
    try:
        for path in files:
            store_mod.load_rdf_file(store, path, settings.base_iri)
        for iri, path in named:
            fmt = store_mod.rdf_format_for(path)
            if fmt.supports_datasets:
                raise store_mod.RdfFileError(f"{path}: a {fmt.name} file names its own graphs; give it without a graph IRI")
            try:
                graph = ox.NamedNode(iri)
                store.load(path=str(path), format=fmt, to_graph=graph)
            except (SyntaxError, ValueError, OSError) as exc:
                raise store_mod.RdfFileError(f"{path}: cannot be loaded into <{iri}> as {fmt.name}: {exc}") from None
        store.update(store_mod.MATERIALISE_UNION)
        store.flush()
    except BaseException:
        del store
        shutil.rmtree(target, ignore_errors=True)
        raise
    del store
    return target
