"""Running SPARQL on the store: the endpoint's engine, independent of HTTP.

``execute(store, job)`` runs one query and returns the finished response body. The endpoint
calls it inside a worker process (``kg.sparql.pool``) so that a query that overruns its time can
be stopped for real; ``kg query`` calls ``run_query`` directly.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ..config import Settings
from .. import store as store_mod
from . import analysis, renderers
from .describe import describe

# (kept free of rdflib: worker processes import this module and should start fast)
KG = "https://w3id.org/humanitarian-kg/ontology#"


#: Result formats Oxigraph writes exactly as ``renderers`` does (tests/test_fastlane.py), so
#: either may write them (see ``execute``'s ``native``; CSV's rows cannot be counted in the
#: text). Not TSV: Oxigraph writes an xsd:integer bare (``4``), we write it typed
#: (``"4"^^xsd:integer``); both are allowed, but one answer must not depend on the lane.

class QueryError(Exception):
    """The query cannot be run as asked: ``status`` is the HTTP status that says why (400:
    malformed or refused, 406: no acceptable format), ``outcome`` the access log's word."""

    def __init__(self, message: str, status: int = 400, outcome: str = "malformed"):
        super().__init__(message)
        self.status, self.outcome = status, outcome


class WouldWait(Exception):
    """Raised instead of waiting (for a query worker, or on a query that may run long) where
    nothing may wait: in an HTTP process's event loop (kg.web.front), which then hands the
    request to a request thread."""


#: False while a request is tried in an event loop, where nothing may wait (see WouldWait)
may_wait: ContextVar[bool] = ContextVar("kg_may_wait", default=True)


class StoreProvider:
    """The current store, reopened when ``kg build`` publishes a new one."""

    def __init__(self, settings: Settings, store: ox.Store | None = None, path: Path | None = None):
        self.settings = settings
        self._fixed = store
        self._fixed_path = path
        self._lock = threading.Lock()
        self._path: str | None = None
        self._store: ox.Store | None = None

    #: the current build as the query engine knows it (kg.sparql.builds), when it does
    current: "Callable[[], str] | None" = None

    def get(self) -> ox.Store:
        if self._fixed is not None:
            return self._fixed
        if self._fixed_path:
            return self.open(self._fixed_path)
        if self.current is not None:
            return self.open(self.current())
        path = store_mod.held_current_store(self.settings)
        try:
            return self.open(path)
        finally:
            store_mod.release(path)

    def open(self, path: Path | str) -> ox.Store:
        """The store at ``path``, read-only (the one open store is reused while it is current).

        The build stays held while it is open here, and a while after (a request that took it
        may still be reading it): see kg.store.hold."""
        path = str(path)
        with self._lock:
            if path != self._path:
                store_mod.hold(path)
                self._store = ox.Store.read_only(path)
                if self._path is not None:
                    store_mod.release(self._path, after=self.settings.query_timeout_s + 5)
                self._path = path
            return self._store


def service_refusal(analysis: analysis.Analysis, allowed: frozenset[str] | set[str] = frozenset()) -> str | None:
    """Why the query's SERVICE clauses are refused, or None when there are none (or all allowed)."""
    for target in analysis.services:
        if target is None or target not in allowed:
            where = f" <{target}>" if target else ""
            return ("SERVICE (federated query) is not allowed on this endpoint: it would make the server "
                    f"connect to{where or ' another endpoint'}. Query the other endpoint yourself.")
    return None


def depth_refusal(a: analysis.Analysis, max_depth: int) -> str | None:
    """Why a query nested too deep for the parser is refused, or None."""
    if not a.nests_deeper_than(max_depth):
        return None
    return (f"the query nests {a.depth} levels deep (brackets, and operators in a row); this endpoint "
            f"reads at most {max_depth}. Write a long chain of alternatives as VALUES or IN (...).")


def _dataset_kwargs(default_graph_uris, named_graph_uris) -> dict:
    """The query's RDF dataset. Protocol parameters replace the query's FROM / FROM NAMED
    entirely (SPARQL 1.1 Protocol §2.1.4); only graphs the store holds are ever read."""
    if not default_graph_uris and not named_graph_uris:
        return {}  # the store's default graph: the union of every named graph (see kg.store)
    try:
        return {
            "default_graph": [ox.NamedNode(u) for u in default_graph_uris or []],
            "named_graphs": [ox.NamedNode(u) for u in named_graph_uris or []],
        }
    except ValueError as exc:
        raise QueryError(f"not a valid graph IRI: {exc}") from None


# -- the endpoint's jobs ------------------------------------------------------------------

@dataclass
class Job:
    """One query, everything decided that HTTP had to decide (formats, dataset, limits)."""

    query: str
    form: str | None = None
    describe_select: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None
    results_format: str | None = "json"  # format names; None: nothing acceptable (406)
    graph_format: str | None = "turtle"
    max_results: int = 10_000
    #: the serialised answer is cut to at most this many bytes (as it is to max_results rows)
    max_bytes: int = 16_000_000
    #: prefixes a Turtle / TriG / JSON-LD answer is written with
    prefixes: dict[str, str] = field(default_factory=dict)
    #: prefixes the query may use without declaring them (``kg query``: the project's)
    default_prefixes: dict[str, str] | None = None
    #: the same query on the same store does the same work (see analysis.Analysis.repeatable)
    repeatable: bool = False
    #: reads nothing but the default graph (no GRAPH, FROM, dataset parameters or DESCRIBE)
    default_graph_only: bool = False
    #: the query's shape (analysis.Analysis.shape), for the fast lane to judge its cost by
    shape: str | None = None
    #: where the query form starts in ``query``, after its prologue (None: unknown)
    body_start: int | None = None

    def with_text(self, query: str, body_start: int | None) -> "Job":
        """This job for another text of its shape (a shallow copy: the fast lane makes one
        per point lookup, where ``copy.copy`` of a dataclass costs five times as much)."""
        job = object.__new__(type(self))
        job.__dict__.update(self.__dict__)
        job.query, job.body_start = query, body_start
        return job

    def shape_key(self) -> tuple:
        """What decides the work but for the query's constants: its shape, dataset, the
        format of its result and limits."""
        fmt = self.results_format if self.form in ("SELECT", "ASK") else self.graph_format
        return (self.shape, self.form, tuple(self.default_graphs), tuple(self.named_graphs), self.base_iri, fmt,
                self.max_results, self.max_bytes, tuple(sorted((self.default_prefixes or {}).items())))

    def query_kwargs(self) -> dict:
        """The arguments of ``Store.query`` beside the text: base, prefixes, dataset."""
        kwargs = _dataset_kwargs(self.default_graphs, self.named_graphs)
        if self.default_prefixes:
            kwargs["prefixes"] = self.default_prefixes
        return kwargs


def plan(query: str, *, base_iri: str | None, results_format: str | None = "json",
         graph_format: str | None = "turtle", max_results: int = Settings.max_results,
         max_bytes: int = Settings.max_result_bytes, prefixes: dict[str, str] | None = None,
         default_prefixes: dict[str, str] | None = None, default_graphs: list[str] = (),
         named_graphs: list[str] = (), service_allow=(), max_depth: int = Settings.max_query_depth,
         analysed: "analysis.Analysis | None" = None) -> Job:
    """The job of running ``query``, or QueryError saying why it is refused: an update
    (this engine only reads), SERVICE not on ``service_allow``, nesting deeper than
    ``max_depth``, or a result that none of the formats asked for can carry (406; a format
    of None: nothing acceptable)."""
    a = analysed or analysis.analyse(query, base_iri, default_prefixes)
    if a.form == "UPDATE":
        raise QueryError("this is a SPARQL update; updates are refused: the store is read-only here",
                         outcome="refused-update")
    refusal = service_refusal(a, set(service_allow)) or depth_refusal(a, max_depth)
    if refusal:
        raise QueryError(refusal, outcome="refused-service" if a.services else "too-deep")
    if a.kind == "results" and results_format is None or a.kind == "graph" and graph_format is None:
        raise QueryError("none of the formats asked for can carry this result; offered: "
                         + ", ".join(renderers.media_types(a.kind)), 406, "not-acceptable")
    return Job(
        query=query, form=a.form, describe_select=a.describe_select, default_graphs=list(default_graphs),
        named_graphs=list(named_graphs), from_graphs=a.from_graphs, base_iri=base_iri,
        results_format=results_format, graph_format=graph_format, max_results=max_results, max_bytes=max_bytes,
        prefixes=prefixes if prefixes is not None else {}, default_prefixes=default_prefixes, repeatable=a.repeatable,
        default_graph_only=not (a.names_graphs or default_graphs or named_graphs or a.form == "DESCRIBE"),
        shape=a.shape if a.repeatable and len(query) <= MAX_SHAPE_CHARS else None, body_start=a.body_start,
    )


#: Longer query texts get no shape: the fast lane never judges them.
MAX_SHAPE_CHARS = 16_384


_SYNTAX_AT = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def syntax_error_message(exc: Exception, text: str) -> str:
    """Oxigraph's parse error as one line: where (line, column, the text there) and what
    the parser expected, its long lists of characters cut short."""
    message = " ".join(str(exc).split())
    m = _SYNTAX_AT.match(message)
    if not m:
        return f"malformed query: {message}"
    line, column, expected = int(m.group(1)), int(m.group(2)), m.group(3)
    if len(expected) > 160:
        expected = expected[:160].rsplit(",", 1)[0] + ", …"
    lines = text.splitlines() or [""]
    here = lines[line - 1][column - 1:column + 29].strip() if line <= len(lines) else ""
    near = f" near {here!r}" if here else " at the end"
    return f"malformed query: syntax error at line {line}, column {column}{near}: {expected}"


@dataclass
class Answer:
    status: int
    body: bytes
    media_type: str = "text/plain"
    kind: str | None = None  # results | graph
    rows: int = 0
    truncated: bool = False
    charset: bool = True
    compute_ms: float = 0.0  # time spent running and serialising the query
    #: where it ran: worker (from disk) | memory (a worker, on the default graph in memory,
    #: see kg.sparql.zygote) | fast (the HTTP process, see kg.sparql.fastlane) | in-process
    lane: str = "worker"
    #: written by Oxigraph (see ``execute``'s ``native``), not row by row here
    native: bool = False


def _text(status: int, message: str) -> Answer:
    return Answer(status, (message.rstrip() + "\n").encode("utf-8"))


def _not_acceptable(kind: str) -> Answer:
    return _text(406, "none of the formats in Accept can carry this result; offered: "
                 + ", ".join(renderers.media_types(kind)))


def execute(store: ox.Store, job: Job, native: bool = False) -> Answer:
    """Run ``job`` and serialise its result: at most ``job.max_results`` rows or triples and
    ``job.max_bytes`` bytes, cut (and marked) at whichever comes first.

    ``native``: let Oxigraph write a SELECT's JSON or XML itself — several times faster than
    building it row by row here, for the cheap queries of the fast lane — with the query
    limited to at most one row more than the cap; a result at the cap or over the byte
    limit is made again the slow way, cut."""
    started = time.perf_counter()
    answer = (_execute_native(store, job) if native else None) or _execute(store, job)
    answer.compute_ms = (time.perf_counter() - started) * 1000
    return answer


def execute_native(store: ox.Store, job: Job) -> Answer | None:
    """``execute(store, job, native=True)`` when Oxigraph writes the answer itself; None
    when it cannot (not such a SELECT, or a result at the row or byte cap)."""
    started = time.perf_counter()
    answer = _execute_native(store, job)
    if answer is not None:
        answer.compute_ms = (time.perf_counter() - started) * 1000
    return answer


def _execute_native(store: ox.Store, job: Job) -> Answer | None:
    """The answer written by Oxigraph, or None when this job cannot be answered so."""
    if job.form != "SELECT" or job.body_start is None or job.shape is None or job.results_format not in _ROW_COUNTERS:
        return None
    if _ends_with_its_group(job.shape):
        # (a subquery would cost Oxigraph a third more on a point lookup)
        capped = f"{job.query}\nLIMIT {job.max_results + 1}"
    else:
        projection = _projection(job.shape)
        if projection is None:
            return None
        capped = (f"{job.query[:job.body_start]}SELECT {projection} WHERE {{\n{job.query[job.body_start:]}\n}} "
                  f"LIMIT {job.max_results + 1}")
    try:
        body = store.query(capped, base_iri=job.base_iri, **job.query_kwargs()).serialize(
            format=renderers.lookup("results", job.results_format).oxigraph)
    except (SyntaxError, ValueError):
        return None  # (the slow way says what is wrong with it)
    rows = _ROW_COUNTERS[job.results_format](body)
    if rows > job.max_results or len(body) > job.max_bytes:
        return None
    return Answer(200, body, renderers.lookup("results", job.results_format).media_type, "results", rows, native=True)


_SELECT_CLAUSE = re.compile(r"\bSELECT\b(?!\s*:)\s*(?:DISTINCT\b|REDUCED\b)?(.*?)(?:\{|\bWHERE\b|\bFROM\b)",
                            re.IGNORECASE | re.DOTALL)
_PROJECTED = re.compile(r"\(.*?\bAS\s*([?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)\s*\)|([?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)",
                        re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=1024)  # (the fast lane asks once per query, of a few shapes)
def _ends_with_its_group(shape: str) -> bool:
    """Whether a SELECT's text ends where the group it opens first closes: nothing after
    its WHERE clause (no GROUP BY, ORDER BY, LIMIT or VALUES), so that a LIMIT may be added
    to the text as it is. Read from its shape, where no string, IRI or comment can hide a
    brace (a comment after the group is a mark there: not the end)."""
    start = shape.find("{")
    if start < 0:
        return False
    depth = 0
    for i in range(start, len(shape)):
        c = shape[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return not shape[i + 1:].strip()
    return False


@functools.lru_cache(maxsize=1024)  # (the fast lane asks once per query, of a few shapes)
def _projection(shape: str) -> str | None:
    """The variables a SELECT projects, in order (``?p ?o``, or ``*``), read from its shape
    (where no string can hide a bracket); None when they cannot be read so."""
    m = _SELECT_CLAUSE.search(shape)
    if m is None:
        return None
    clause = m.group(1).strip()
    if clause == "*":
        return "*"
    names = [a or b for a, b in _PROJECTED.findall(clause)]
    return " ".join(names) if names else None


def _json_rows(body: bytes) -> int:
    """Rows in Oxigraph's SPARQL JSON: rows are separated by "},{" followed by a quote or a
    brace, which no string holds with its quote unescaped; an empty row is "{}". (A string
    holding "},{}" would count one too many: only the access log reads this number, and the
    cap, which it may then trip early, is then applied the slow way.)"""
    if body.endswith(b'"bindings":[]}}'):
        return 0
    return body.count(b'},{"') + body.count(b"},{}") + 1


_ROW_COUNTERS = {"json": _json_rows, "xml": lambda body: body.count(b"<result>")}


def _execute(store: ox.Store, job: Job) -> Answer:
    try:
        if job.form == "DESCRIBE":
            if not job.describe_select:
                return _text(400, "this DESCRIBE names what to describe in a way this endpoint does not read: "
                                  "name resources (IRIs) or variables of a WHERE clause")
            return _describe(store, job)
        kwargs = job.query_kwargs()
        result = store.query(job.query, base_iri=job.base_iri, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            fmt = renderers.lookup("results", job.results_format) if job.results_format else None
            if fmt is None:
                return _not_acceptable("results")
            return Answer(200, renderers.write_boolean(bool(result), fmt), fmt.media_type, "results", 1)
        if isinstance(result, ox.QuerySolutions):
            fmt = renderers.lookup("results", job.results_format) if job.results_format else None
            if fmt is None:
                return _not_acceptable("results")
            variables = [v.value for v in result.variables]
            rows, truncated = _first(result, job, _row_size)
            body, rows, truncated = _fit(rows, truncated, job.max_bytes,
                                         lambda rows, cut: renderers.write_solutions(variables, rows, fmt, cut))
            return Answer(200, body, fmt.media_type, "results", len(rows), truncated)
        triples, truncated = _first(result, job, _triple_size)
        return _graph_answer(triples, truncated, job)
    except SyntaxError as exc:
        return _text(400, syntax_error_message(exc, job.query))
    except ValueError as exc:
        return _text(400, f"the query cannot be run: {exc}")
    except QueryError as exc:
        return _text(400, str(exc))


def _term_size(term) -> int:
    """About what a term takes in a serialised answer, in bytes (its text, and some markup)."""
    if term is None:
        return 0
    value = getattr(term, "value", None)
    return 48 + (len(value) if isinstance(value, str) else len(str(term)))


def _row_size(row: tuple) -> int:
    return 16 + sum(_term_size(t) for t in row)


def _triple_size(t) -> int:
    return _term_size(t.subject) + _term_size(t.predicate) + _term_size(t.object)


def _first(items, job: Job, size) -> tuple[list, bool]:
    """The first items (rows or triples), as many as fit in the row and (about) the byte cap;
    whether there were more. Rows are taken one by one, so a cut answer is never computed in
    full."""
    out: list = []
    total = 0
    for item in items:
        item = tuple(item) if isinstance(item, ox.QuerySolution) else item
        total += size(item)
        if len(out) >= job.max_results or total > job.max_bytes:
            return out, True
        out.append(item)
    return out, False


def _fit(items: list, truncated: bool, max_bytes: int, write) -> tuple[bytes, list, bool]:
    """``write(items, truncated)``, with items dropped from the end until it is at most
    ``max_bytes`` (the size estimate undercounts escapes and multi-byte characters)."""
    body = write(items, truncated)
    while len(body) > max_bytes and items:
        keep = min(len(items) - 1, int(len(items) * max_bytes / len(body) * 0.95))
        items, truncated = items[:keep], True
        body = write(items, truncated)
    return body, items, truncated


def _graph_answer(triples: list, truncated: bool, job: Job) -> Answer:
    fmt = renderers.lookup("graph", job.graph_format) if job.graph_format else None
    if fmt is None:
        return _not_acceptable("graph")
    body, triples, truncated = _fit(triples, truncated, job.max_bytes,
                                    lambda triples, cut: renderers.serialize_triples(triples, fmt, job.prefixes))
    return Answer(200, body, fmt.media_type, "graph", len(triples), truncated)


# -- DESCRIBE (kg.sparql.describe) -----------------------------------------------------------

def _describe(store: ox.Store, job: Job) -> Answer:
    solutions = store.query(job.describe_select, base_iri=job.base_iri, **job.query_kwargs())
    resources = []
    seen_resources = set()
    for solution in solutions:
        for term in solution:
            if isinstance(term, (ox.NamedNode, ox.BlankNode)) and term not in seen_resources:
                seen_resources.add(term)
                resources.append(term)
        if len(resources) >= job.max_results:
            break
    if job.default_graphs or job.named_graphs:  # the protocol's dataset replaces the query's
        graphs = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.from_graphs:
        graphs = [ox.NamedNode(g) for g in job.from_graphs]
    else:
        graphs = [ox.DefaultGraph()]
    triples, truncated = describe(store, resources, graphs, job.max_results, job.max_bytes)
    return _graph_answer(triples, truncated, job)


# -- dataset statistics (VoID, service description) ----------------------------------------

def dataset_stats(store: ox.Store, base_iri: str) -> dict:
    """Counts for the VoID description: computed once per store by a worker."""

    def rows(q: str) -> list[tuple]:
        return [tuple(s) for s in store.query(q)]

    def num(t) -> int:
        return int(t.value) if t is not None else 0

    stats: dict = {}
    stats["triples"] = num(rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0])
    stats["subjects"] = num(rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")[0][0])
    stats["objects"] = num(rows("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")[0][0])
    stats["graphs"] = sorted(
        (g.value, num(n)) for g, n in rows("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        if isinstance(g, ox.NamedNode))
    stats["classes"] = sorted(
        (c.value, num(n)) for c, n in rows("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
        if isinstance(c, ox.NamedNode))
    stats["properties"] = sorted(
        (p.value, num(n)) for p, n in rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"))
    ids = f"{base_iri}id/"
    stats["linksets"] = sorted(
        (p.value, ns.value, num(n)) for p, ns, n in rows(
            "SELECT ?p ?ns (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
            f'FILTER (isIRI(?o) && STRSTARTS(STR(?s), "{ids}") && !STRSTARTS(STR(?o), "{base_iri}") '
            "&& ?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) "
            'BIND (REPLACE(STR(?o), "[^/#]*$", "") AS ?ns) } GROUP BY ?p ?ns'))
    stats["sources"] = sorted(
        (d.value, i.value if i else None, t.value if t else None, lang.value if lang else None)
        for d, i, t, lang in rows(
            "PREFIX dcterms: <http://purl.org/dc/terms/> "
            f"SELECT ?d (SAMPLE(?id) AS ?i) (SAMPLE(?title) AS ?t) (SAMPLE(?l) AS ?lang) WHERE {{ ?d a <{KG}SourceDocument> "
            "OPTIONAL { ?d dcterms:identifier ?id } OPTIONAL { ?d dcterms:title ?title } "
            "OPTIONAL { ?d dcterms:language ?l } } GROUP BY ?d"))
    return stats
