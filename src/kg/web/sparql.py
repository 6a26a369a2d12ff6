"""The SPARQL 1.1 Protocol endpoint at /sparql (read-only).

* queries by GET, by POST of a form (``application/x-www-form-urlencoded``) or directly
  (``application/sparql-query``); the dataset from ``default-graph-uri`` / ``named-graph-uri``
  (or the query's FROM / FROM NAMED), always among the graphs the store holds;
* updates refused: 403 for a well-formed one, 400 for a malformed one, 415 for an unknown
  media type; nothing ever changes the data;
* SERVICE refused with 400 (unless the endpoint is on the allow-list);
* every query runs in a worker process under the time limit (503 when it is stopped);
* results cut at ``--max-results`` rows or ``--max-result-bytes`` bytes (``X-KG-Truncated``
  header and, in JSON, ``"truncated"``);
* CORS for queries (GET, POST and their preflight), none for anything else;
* one access log line per request: outcome and duration.

Queries and updates are answered by ``Endpoint``, a WSGI layer in front of Flask (a query
is the endpoint's hot path: it skips Flask's per-request machinery). A GET without a query —
the service description, or the query page for a browser — goes on to Flask (``bp``).
"""

from __future__ import annotations

import codecs
import functools
import logging
import time

from flask import Blueprint, Response, current_app, g, render_template, request

from ..sparql import analysis, renderers
from .logs import access
from .negotiation import choose
from ..sparql.pool import PoolBusy, QueryTimeout, WorkerDied
from ..sparql.engine import MAX_SHAPE_CHARS, Job, QueryError, WouldWait, plan

bp = Blueprint("sparql", __name__)
access_log = logging.getLogger("kg.access")

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
CORS_ALLOW_HEADERS = "Accept, Content-Type"
CORS_EXPOSE_HEADERS = "X-KG-Truncated, X-KG-Max-Results, X-KG-Max-Result-Bytes, X-KG-Query-Time"
CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS)]
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 406: "Not Acceptable", 413: "Content Too Large",
           415: "Unsupported Media Type", 500: "Internal Server Error", 503: "Service Unavailable"}


class Refusal(Exception):
    def __init__(self, status: int, message: str, outcome: str):
        self.status, self.message, self.outcome = status, message, outcome


class Call:
    """One request to the endpoint — what it asked, from WSGI or RSGI alike — and what the
    access log will say."""

    __slots__ = ("method", "path", "query_string", "headers", "body", "remote_addr", "app", "started", "outcome",
                 "form", "rows", "cors", "lane")

    def __init__(self, app, method: str, path: str, query_string: str, headers, body, remote_addr: str):
        """``headers``: a mapping by lower-case name (``get``); ``body``: its bytes, or a
        function that reads them (a WSGI body, read only when needed)."""
        self.app, self.method, self.path, self.query_string = app, method.upper(), path, query_string
        self.headers, self.body, self.remote_addr = headers, body, remote_addr
        self.started = time.perf_counter()
        self.outcome, self.form, self.rows, self.cors, self.lane = "-", "-", "-", False, "-"

    def read_body(self) -> bytes:
        if callable(self.body):
            self.body = self.body()
        return self.body

    @property
    def settings(self):
        return self.app.config["KG_SETTINGS"]

    @property
    def engine(self):
        return self.app.extensions["kg.engine"]


Answer = tuple  # (status, headers, body)


def _text(call: Call, status: int, message: str, outcome: str) -> Answer:
    call.outcome = outcome
    return status, [("Content-Type", "text/plain; charset=utf-8")], (message.rstrip() + "\n").encode("utf-8")


# -- request parsing ------------------------------------------------------------------------

def media_type(value: str | None) -> tuple[str, dict[str, str]]:
    """``text/plain; charset=UTF-8`` -> ("text/plain", {"charset": "UTF-8"})."""
    if not value:
        return "", {}
    head, *params = value.split(";")
    out = {}
    for param in params:
        name, _, v = param.partition("=")
        out[name.strip().lower()] = v.strip().strip('"')
    return head.strip().lower(), out


def _charset_ok(params: dict) -> bool:
    charset = params.get("charset")
    return charset is None or charset.strip().lower().replace("_", "-") in ("utf-8", "utf8")


def _url_params(query_string: str) -> dict:
    """The protocol's parameters in a URL's query string (cached: clients repeat queries;
    long ones are not kept, so that the cache stays small)."""
    return _url_params_cached(query_string) if len(query_string) <= 4096 else _parse_url_params(query_string)


@functools.lru_cache(maxsize=1024)
def _url_params_cached(query_string: str) -> dict:
    return _parse_url_params(query_string)


_BYTE = {f"{i:02x}".encode(): bytes([i]) for i in range(256)}
_BYTE.update({k.upper(): v for k, v in _BYTE.items()} | {k[:1].upper() + k[1:]: v for k, v in _BYTE.items()}
             | {k[:1] + k[1:].upper(): v for k, v in _BYTE.items()})


def _unquote(value: str) -> str:
    """``application/x-www-form-urlencoded`` decoding of one name or value, as parse_qsl
    does it. A query's text is mostly escapes (every bracket, colon and slash of its IRIs):
    the escapes are handed to the C decoder of Python's ``\\xNN`` string escapes (4 µs instead of
    24 µs in a loop in Python, as urllib's, for a query with seven PREFIX lines); a
    '%' not followed by two hex digits, which that decoder refuses, is kept as it is."""
    if "%" not in value:
        return value.replace("+", " ")
    escaped = value.replace("\\", "\\\\").replace("+", " ").replace("%", "\\x")
    try:
        return codecs.escape_decode(escaped.encode("utf-8", "surrogateescape"))[0].decode("utf-8", "replace")
    except ValueError:
        return _unquote_slowly(value)


def _unquote_slowly(value: str) -> str:
    first, *rest = value.encode("utf-8", "surrogateescape").replace(b"+", b" ").split(b"%")
    byte = _BYTE.get
    return b"".join([first] + [(byte(part[:2]) or b"%" + part[:2]) + part[2:] for part in rest]).decode("utf-8", "replace")


def _parse_url_params(query_string: str) -> dict:
    args: dict[str, list[str]] = {}
    for field in query_string.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        args.setdefault(_unquote(name), []).append(_unquote(value))
    return {
        "query": args.get("query", []),
        "update": args.get("update", []),
        "default": args.get("default-graph-uri", []),
        "named": args.get("named-graph-uri", []),
        "using": args.get("using-graph-uri", []) + args.get("using-named-graph-uri", []),
        "format": (args.get("format") or [None])[0],
    }


def _params(call: Call) -> dict:
    """The operation and dataset of the request, per the SPARQL 1.1 Protocol."""
    p = {k: list(v) if isinstance(v, list) else v for k, v in _url_params(call.query_string).items()}
    if call.method in ("GET", "HEAD"):
        return p
    ctype, ctype_params = media_type(call.headers.get("content-type"))
    if not ctype:
        raise Refusal(400, "a POST needs a Content-Type: application/x-www-form-urlencoded or "
                      "application/sparql-query (updates are refused anyway)", "bad-request")
    if ctype not in (FORM, QUERY_TYPE, UPDATE_TYPE):
        raise Refusal(415, f"unsupported Content-Type {ctype!r}: use {FORM} or {QUERY_TYPE}", "bad-media-type")
    if not _charset_ok(ctype_params):
        raise Refusal(415, f"unsupported charset {ctype_params.get('charset')!r}: "
                      "SPARQL requests are UTF-8", "bad-media-type")
    if p["query"] or p["update"]:
        raise Refusal(400, "in a POST the query or update goes in the body, not in the URL", "bad-request")
    body = call.read_body()
    if ctype == FORM:
        form = _parse_url_params(body.decode("utf-8", "replace"))
        p["format"] = p["format"] or form["format"]
        p["query"], p["update"] = form["query"], form["update"]
        p["default"] += form["default"]
        p["named"] += form["named"]
        p["using"] += form["using"]
        return p
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "the request body is not valid UTF-8", "bad-request") from None
    p["query" if ctype == QUERY_TYPE else "update"] = [text]
    return p


# -- the endpoint ---------------------------------------------------------------------------

def answer(call: Call) -> Answer | None:
    """The endpoint's answer to a query, an update or a preflight; None for a GET without
    either (Flask answers it: the service description, or the query page)."""
    method = call.method
    if method == "OPTIONS":
        return _preflight(call)
    if method not in ("GET", "HEAD", "POST"):
        call.outcome = "bad-method"
        return 405, [("Allow", "GET, POST, OPTIONS"), ("Content-Type", "text/plain; charset=utf-8")], \
            f"method {method} is not allowed: queries use GET or POST\n".encode()
    try:
        p = _params(call)
        if p["update"]:
            return _refuse_update(call, p)
        if not p["query"]:
            if method in ("GET", "HEAD"):
                return None
            raise Refusal(400, "no query: send a 'query' parameter (form) or an application/sparql-query body",
                          "bad-request")
        if len(p["query"]) > 1:
            raise Refusal(400, "more than one 'query' parameter", "bad-request")
        call.cors = True
        return _run(call, p["query"][0], p)
    except Refusal as r:
        return _text(call, r.status, r.message, r.outcome)


def _analyse(query: str, base: str) -> analysis.Analysis:
    return _analyse_cached(query, base) if len(query) <= 4096 else analysis.analyse(query, base)


@functools.lru_cache(maxsize=1024)
def _analyse_cached(query: str, base: str) -> analysis.Analysis:
    return analysis.analyse(query, base)


def _run(call: Call, query: str, p: dict) -> Answer:
    s = call.settings
    base = f"{s.base_iri}sparql"
    a = _analyse(query, base)
    call.form = a.form or "-"
    accept = call.headers.get("accept")
    results_fmt, graph_fmt = _negotiated("results", accept, p["format"]), _negotiated("graph", accept, p["format"])
    try:
        job = plan(query, base_iri=base, results_format=results_fmt.name if results_fmt else None,
                   graph_format=graph_fmt.name if graph_fmt else None, max_results=s.max_results,
                   max_bytes=s.max_result_bytes, prefixes=call.app.config["KG_PREFIXES"],
                   default_graphs=p["default"], named_graphs=p["named"], service_allow=s.service_allow,
                   max_depth=s.max_query_depth, analysed=a)
    except QueryError as exc:
        raise Refusal(exc.status, str(exc), exc.outcome) from None
    try:
        result = call.engine.run(job)
    except QueryTimeout:
        raise Refusal(503, f"the query was stopped: it ran longer than this endpoint's limit of "
                      f"{s.query_timeout_s:g} s. Narrow it down (LIMIT, more specific patterns) and "
                      "try again.", "timeout") from None
    except PoolBusy:
        raise Refusal(503, f"every query worker stayed busy for {s.query_timeout_s:g} s; try again later",
                      "busy") from None
    except WorkerDied:
        raise Refusal(500, "the query's worker process ended while running it (out of memory?); "
                      "the query was not answered", "worker-died") from None
    call.rows, call.lane = result.rows, result.lane
    if result.status != 200:
        call.outcome = {400: "malformed", 406: "not-acceptable"}.get(result.status, "error")
        return result.status, [("Content-Type", "text/plain; charset=utf-8")], result.body
    call.outcome = "truncated" if result.truncated else "ok"
    headers = [("Content-Type", _content_type(result.kind, result.media_type)), ("Vary", "Accept")]
    if result.truncated:
        headers += [("X-KG-Truncated", "true"), ("X-KG-Max-Results", str(s.max_results)),
                    ("X-KG-Max-Result-Bytes", str(s.max_result_bytes))]
    elif result.native and result.lane == "fast" and call.method == "GET" and _only_query(call.query_string):
        _remember_quick(call.app, job, accept, headers + CORS)
    return 200, headers, result.body


# -- the quick way: a plain GET of a shape the fast lane answers ------------------------------

class _Quick:
    """What the endpoint decided for a query that the fast lane answered (a SELECT that
    Oxigraph wrote), for the next query of its shape asked with the same Accept header."""

    __slots__ = ("model", "path", "key", "headers")

    def __init__(self, model: Job, path: str, key: tuple, headers: list):
        self.model, self.path, self.key, self.headers = model, path, key, headers


#: shapes (with their Accept header) remembered per HTTP process; forgotten all at once beyond
QUICK_CAPACITY = 1024


def _only_query(query_string: str) -> bool:
    return query_string.startswith("query=") and "&" not in query_string


def _remember_quick(app, job: Job, accept: str | None, headers: list) -> None:
    path, key = app.extensions["kg.engine"].lane_key(job)
    if key is None:
        return
    remembered = app.extensions.setdefault("kg.quick", {})
    if len(remembered) >= QUICK_CAPACITY:
        remembered.clear()
    remembered[(job.shape, accept)] = _Quick(job, path, key, headers)


def quick(app, scope) -> Answer | None:
    """The answer to a GET whose only parameter is ``query``, when a query of its shape was
    answered in the fast lane with the same Accept header, and the fast lane still trusts
    that shape on the current build; None otherwise (the endpoint answers it, see ``respond``).

    A query text differs from the one remembered only by its constants (IRIs, literals,
    numbers: its shape is the same), so negotiation, the dataset, limits and headers are
    what they were; the text is still analysed on its own (a keyword hidden by an escape,
    how deep it nests). About a third of the endpoint's own time for a point lookup."""
    remembered = app.extensions.get("kg.quick")
    query_string = scope.query_string
    if not remembered or scope.method != "GET" or not _only_query(query_string):
        return None
    started = time.perf_counter()
    text = _unquote(query_string[6:])
    if len(text) > MAX_SHAPE_CHARS:
        return None
    settings = app.config["KG_SETTINGS"]
    a = _analyse(text, f"{settings.base_iri}sparql")
    q = remembered.get((a.shape, scope.headers.get("accept")))
    if (q is None or a.body_start is None or a.form != q.model.form or not a.repeatable
            or a.nests_deeper_than(settings.max_query_depth)):
        return None
    result = app.extensions["kg.engine"].run_like(q.model, q.path, q.key, text, a.body_start)
    if result is None:
        return None
    ms = (time.perf_counter() - started) * 1000
    body = result.body
    access('%s "GET /sparql" 200 outcome=ok form=%s rows=%s bytes=%s time=%.1fms lane=fast',
           scope.client.rpartition(":")[0].strip("[]") or "-", a.form, result.rows, len(body), ms)
    return 200, q.headers + [("X-KG-Query-Time", f"{ms:.1f}ms"), ("Content-Length", str(len(body)))], body


@functools.lru_cache(maxsize=64)
def _content_type(kind: str, media_type: str) -> str:
    fmt = renderers.lookup(kind, media_type)
    return media_type + ("; charset=utf-8" if fmt is None or fmt.text else "")


def _refuse_update(call: Call, p: dict) -> Answer:
    if p["query"]:
        raise Refusal(400, "a request carries either a query or an update, not both", "bad-request")
    if len(p["update"]) > 1:
        raise Refusal(400, "more than one 'update' parameter", "bad-request")
    if call.method in ("GET", "HEAD"):
        raise Refusal(400, "SPARQL updates are sent with POST, and this endpoint is read-only: it refuses them",
                      "refused-update")
    text = p["update"][0]
    call.form = "UPDATE"
    a = analysis.analyse(text)
    if p["using"] and a.update_dataset_clause:
        raise Refusal(400, "using-graph-uri / using-named-graph-uri cannot be combined with an update that "
                      "has USING or WITH (SPARQL 1.1 Protocol §2.2.3)", "bad-request")
    try:
        problem = call.engine.check_update(text)
    except (QueryTimeout, PoolBusy, WorkerDied):
        problem = None
    if problem:
        raise Refusal(400, f"malformed update: {problem}", "malformed-update")
    raise Refusal(403, "this endpoint is read-only: SPARQL updates (and LOAD) are refused", "refused-update")


def _preflight(call: Call) -> Answer:
    """CORS preflight: queries (GET, POST) may be sent from any origin; nothing else."""
    call.outcome = "preflight"
    headers = [("Allow", "GET, POST, OPTIONS")]
    method = (call.headers.get("access-control-request-method") or "").upper()
    if method in ("GET", "POST"):
        headers += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, POST"),
                    ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS), ("Access-Control-Max-Age", "86400")]
    return 204, headers, b""


# -- formats --------------------------------------------------------------------------------

def _negotiate(req, kind: str):
    """The format a Flask request (a page of the endpoint's) asks for."""
    return _negotiated(kind, req.headers.get("Accept"), req.args.get("format"))


@functools.lru_cache(maxsize=512)
def _negotiated(kind: str, accept: str | None, wanted: str | None):
    if wanted:
        return renderers.lookup(kind, wanted)
    pairs = renderers.offers(kind)
    chosen = choose(accept, [m for m, _ in pairs])
    return dict(pairs).get(chosen) if chosen else None


# -- WSGI and RSGI --------------------------------------------------------------------------

class _EnvironHeaders:
    """A WSGI environ's headers by lower-case name."""

    __slots__ = ("environ",)

    def __init__(self, environ: dict):
        self.environ = environ

    def get(self, name: str, default=None):
        if name == "content-type":
            return self.environ.get("CONTENT_TYPE") or default
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), default)


def respond(call: Call) -> tuple[int, list, bytes] | None:
    """The whole answer to ``call`` (headers and access log line included), or None for a
    GET without a query (Flask answers it). WouldWait is let through (see kg.web.front)."""
    try:
        result = answer(call)
    except WouldWait:
        raise
    except Exception:  # noqa: BLE001
        access_log.exception("the endpoint failed")
        result = _text(call, 500, "the endpoint failed on this request", "error")
    if result is None:
        return None
    status, headers, body = result
    if call.cors and call.method in ("GET", "HEAD", "POST"):
        headers += CORS
    ms = (time.perf_counter() - call.started) * 1000
    headers += [("X-KG-Query-Time", f"{ms:.1f}ms"), ("Content-Length", str(len(body)))]
    log(call, status, len(body), ms)
    return status, headers, (b"" if call.method == "HEAD" else body)


class Endpoint:
    """WSGI middleware: answers /sparql queries, updates and preflights before Flask."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.next = wsgi_app
        self.max_request_bytes = app.config.get("MAX_CONTENT_LENGTH")

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/sparql":
            return self.next(environ, start_response)
        call = Call(self.app, environ.get("REQUEST_METHOD", "GET"), "/sparql", environ.get("QUERY_STRING", ""),
                    _EnvironHeaders(environ), lambda: self._body(environ), environ.get("REMOTE_ADDR") or "-")
        result = respond(call)
        if result is None:
            return self.next(environ, start_response)
        status, headers, body = result
        start_response(f"{status} {REASONS.get(status, 'Unknown')}", headers)
        return [body]

    def _body(self, environ) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        too_large = Refusal(413, f"the request body is larger than this endpoint's limit of "
                                 f"{self.max_request_bytes} bytes", "too-large")
        if self.max_request_bytes is not None and length > self.max_request_bytes:
            raise too_large
        if environ.get("wsgi.input_terminated") and not length:
            data = environ["wsgi.input"].read()
        else:
            data = environ["wsgi.input"].read(length) if length else b""
        if self.max_request_bytes is not None and len(data) > self.max_request_bytes:
            raise too_large
        return data


def call_from_rsgi(app, scope, body: bytes) -> Call:
    """The Call of a request as the RSGI interface gives it (kg.web.front)."""
    return Call(app, scope.method, scope.path, scope.query_string, scope.headers, body,
                scope.client.rpartition(":")[0].strip("[]") or "-")


def log(call: Call, status: int, size, ms: float) -> None:
    access('%s "%s %s" %d outcome=%s form=%s rows=%s bytes=%s time=%.1fms lane=%s',
           call.remote_addr, call.method, call.path, status, call.outcome, call.form,
           call.rows, size, ms, call.lane)


# -- a GET without a query (through Flask) ---------------------------------------------------

def negotiated_graph_response(triples, prefixes=None) -> Response:
    """Triples in the graph format the client prefers (Turtle first); 406 when none fits."""
    fmt = _negotiate(request, "graph")
    if fmt is None:
        g.kg_outcome = "not-acceptable"
        return Response("offered: " + ", ".join(renderers.media_types("graph")) + "\n", status=406,
                        mimetype="text/plain")
    body = renderers.serialize_triples(triples, fmt, prefixes or current_app.config["KG_PREFIXES"])
    resp = Response(body, status=200)
    resp.content_type = fmt.media_type + ("; charset=utf-8" if fmt.text else "")
    resp.vary.add("Accept")
    g.kg_outcome = "ok"
    return resp


@bp.route("/sparql", methods=["GET"])
def service_page() -> Response:
    """The service description (content-negotiated), or the query page for a browser."""
    g.kg_started = time.perf_counter()
    g.kg_form = "service-description"
    accept = request.headers.get("Accept", "")
    if "html" in accept and choose(accept, ["text/html"] + renderers.media_types("graph")) == "text/html":
        g.kg_outcome = "ok"
        return Response(render_template("sparql_form.html"), mimetype="text/html")
    from .service_description import service_description

    g.kg_cors = True
    settings = current_app.config["KG_SETTINGS"]
    return negotiated_graph_response(service_description(
        f"{settings.public_root}sparql", settings, current_app.extensions["kg.engine"]))


@bp.after_app_request
def _cors_and_log(resp: Response) -> Response:
    """CORS and the access log for what Flask answers here (service description, VoID)."""
    started = getattr(g, "kg_started", None)
    if started is None:
        return resp
    if getattr(g, "kg_cors", False) and request.method in ("GET", "HEAD"):
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
    ms = (time.perf_counter() - started) * 1000
    access('%s "%s %s" %d outcome=%s form=%s rows=- bytes=%s time=%.1fms',
           request.remote_addr or "-", request.method, request.path, resp.status_code,
           getattr(g, "kg_outcome", "-"), getattr(g, "kg_form", "-"),
           resp.calculate_content_length() if not resp.is_streamed else "-", ms)
    return resp
