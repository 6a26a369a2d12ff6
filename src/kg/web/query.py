"""Running SPARQL on the store: the endpoint's engine, independent of HTTP."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..namespaces import PREFIXES
from .. import store as store_mod


class QueryError(Exception):
    """The query cannot be run as asked (syntax, refused feature); HTTP 400."""


class QueryRefused(QueryError):
    """The query asks for something the endpoint does not do (updates); HTTP 403."""


@dataclass
class QueryResult:
    kind: str  # results | graph
    value: object  # QuerySolutions, QueryBoolean or an iterable of Triples


class StoreProvider:
    """The current store, reopened when ``kg build`` publishes a new one."""

    def __init__(self, settings: Settings, store: ox.Store | None = None):
        self.settings = settings
        self._fixed = store
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._store: ox.Store | None = None

    def get(self) -> ox.Store:
        if self._fixed is not None:
            return self._fixed
        path = store_mod.current_store_path(self.settings)
        with self._lock:
            if path != self._path:
                self._store = ox.Store.read_only(str(path))
                self._path = path
            return self._store


def run_query(
    store: ox.Store,
    query: str,
    default_graph_uris: list[str] | None = None,
    named_graph_uris: list[str] | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    kwargs: dict = {}
    if default_graph_uris:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
    # Otherwise the store's default graph: the union of every named graph, materialised
    # at build time (see kg.store).
    if named_graph_uris:
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
    try:
        result = store.query(query, base_iri=base_iri, **kwargs)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        return QueryResult("results", result)
    return QueryResult("graph", result)


DEFAULT_PREFIXES = PREFIXES
