"""/export?format=turtle|jsonld|trig|nquads (the whole graph) and /context.jsonld.

Turtle, TriG and N-Quads are :func:`kg.store.export`'s; the JSON-LD export keeps the
named graphs too but uses the published context, so that its keys are short names
("name", "giver", "evidence", "quote") rather than full IRIs.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
from flask import Response, request

from ... import store as store_mod
from ...sparql import renderers
from . import bp, jsonld
from .model import current_store

FORMATS = {
    "turtle": ("text/turtle", "ttl"),
    "trig": ("application/trig", "trig"),
    "nquads": ("application/n-quads", "nq"),
    "jsonld": ("application/ld+json", "jsonld"),
}
_cache: dict = {}
_lock = threading.Lock()


def export_bytes(store: ox.Store, fmt: str) -> bytes:
    with _lock:
        key = (id(store), fmt)
        hit = _cache.get(key)
        if hit is not None and hit[0] is store:
            return hit[1]
    if fmt == "jsonld":
        by_graph: dict = {}
        for q in sorted((q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)), key=str):
            by_graph.setdefault(q.graph_name, []).append((q.subject, q.predicate, q.object))
        body = jsonld.dumps(jsonld.graph_document(by_graph), pretty=False)
    else:
        body = store_mod.export(store, fmt)
    with _lock:
        for k in [k for k in _cache if _cache[k][0] is not store]:
            del _cache[k]
        _cache[key] = (store, body)
    return body


@bp.get("/export")
def export():
    fmt = (request.args.get("format") or "").lower()
    f = renderers.lookup("dataset", fmt) if fmt else None
    name = f.name if f else fmt
    if name not in FORMATS:
        return Response("choose a format: /export?format=turtle|jsonld|trig|nquads\n", status=400,
                        mimetype="text/plain")
    media, ext = FORMATS[name]
    resp = Response(export_bytes(current_store(), name), mimetype=media)
    resp.charset = "utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="humanitarian-kg.{ext}"'
    return resp


@bp.get("/context.jsonld")
def context():
    resp = Response(jsonld.dumps(jsonld.context_document()), mimetype="application/ld+json")
    resp.charset = "utf-8"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp
