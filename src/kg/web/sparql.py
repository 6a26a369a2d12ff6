"""The SPARQL 1.1 Protocol endpoint at /sparql (read-only)."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, render_template, request

from . import renderers
from .negotiation import choose
from .query import QueryError, run_query

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def _error(status: int, message: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def _params() -> tuple[list[str], list[str], list[str], list[str]] | Response:
    """(queries, updates, default graphs, named graphs) from the request, per the protocol."""
    args = request.args
    if request.method == "GET":
        return args.getlist("query"), args.getlist("update"), args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    ctype = (request.mimetype or "").lower()
    if ctype == FORM:
        form = request.form
        return (
            form.getlist("query"),
            form.getlist("update"),
            form.getlist("default-graph-uri") + args.getlist("default-graph-uri"),
            form.getlist("named-graph-uri") + args.getlist("named-graph-uri"),
        )
    if ctype == QUERY_TYPE:
        body = request.get_data()
        try:
            text = body.decode(request.mimetype_params.get("charset", "utf-8"))
        except (UnicodeDecodeError, LookupError):
            return _error(400, "the query is not valid UTF-8")
        return [text], [], args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    if ctype == UPDATE_TYPE:
        return [], ["(direct update)"], [], []
    if not ctype:
        return _error(400, "a POST needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query")
    return _error(415, f"unsupported Content-Type {ctype!r}: use {FORM} or {QUERY_TYPE}")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    parsed = _params()
    if isinstance(parsed, Response):
        return parsed
    queries, updates, default_graphs, named_graphs = parsed
    if updates:
        return _error(403, "this endpoint is read-only: SPARQL updates are refused")
    if not queries:
        if request.method == "GET":
            return _describe_service()
        return _error(400, "no query: send a 'query' parameter")
    if len(queries) > 1:
        return _error(400, "more than one 'query' parameter")
    query = queries[0]
    try:
        query.encode("utf-8")
    except UnicodeEncodeError:
        return _error(400, "the query is not valid UTF-8")

    started = time.perf_counter()
    store = current_app.extensions["kg.store"].get()
    try:
        result = run_query(store, query, default_graphs, named_graphs)
        fmt = _negotiate(result.kind)
        if fmt is None:
            return _error(406, "none of the formats in Accept can carry this result; offered: "
                          + ", ".join(renderers.media_types(result.kind)))
        if result.kind == "results":
            body = renderers.serialize_results(result.value, fmt)
        else:
            body = renderers.serialize_triples(result.value, fmt, current_app.config["KG_PREFIXES"])
    except QueryError as exc:
        current_app.logger.info("query refused in %.3fs: %s", time.perf_counter() - started, exc)
        return _error(400, str(exc))
    except OSError as exc:
        return _error(500, f"the query failed: {exc}")
    current_app.logger.info("query answered in %.3fs (%s)", time.perf_counter() - started, fmt.name)
    resp = Response(body, mimetype=fmt.media_type)
    if fmt.media_type.startswith("text/") or fmt.name in ("json", "jsonld", "xml"):
        resp.charset = "utf-8"
    resp.vary.add("Accept")
    return resp


def _negotiate(kind: str):
    wanted = request.values.get("format")
    if wanted:
        return renderers.lookup(kind, wanted)
    offers = [f.media_type for f in renderers.formats(kind)]
    accept = request.headers.get("Accept")
    chosen = choose(accept, offers)
    if chosen is None:
        # aliases (application/json, text/xml ...) are accepted too
        for alias in renderers.media_types(kind):
            if choose(accept, [alias]):
                return renderers.lookup(kind, alias)
        return None
    return renderers.lookup(kind, chosen)


def _describe_service() -> Response:
    accept = request.headers.get("Accept", "")
    if choose(accept, ["text/html", "text/turtle"]) == "text/html" and "html" in accept:
        return Response(render_template("sparql_form.html"), mimetype="text/html")
    from .service_description import service_description

    fmt = renderers.lookup("graph", choose(accept, [f.media_type for f in renderers.formats("graph")]) or "turtle")
    if fmt is None:
        return _error(406, "the service description is available as " + ", ".join(renderers.media_types("graph")))
    body = renderers.serialize_triples(service_description(request.base_url), fmt, current_app.config["KG_PREFIXES"])
    resp = Response(body, mimetype=fmt.media_type)
    resp.vary.add("Accept")
    return resp
