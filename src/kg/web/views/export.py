"""/export?format=turtle|jsonld|trig|nquads (the whole graph) and /context.jsonld.

The whole graph is :func:`kg.store.export`'s, as ``kg export`` writes it (the JSON-LD with
the published context, its keys short names: "name", "giver", "evidence", "quote").
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
from flask import Response, request

from ... import jsonld
from ... import store as store_mod
from .. import renderers
from . import site

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
        hit = _cache.get((id(store), fmt))
        if hit is not None and hit[0] is store:
            return hit[1]
    body = store_mod.export(store, fmt)
    with _lock:
        for k in [k for k in _cache if _cache[k][0] is not store]:
            del _cache[k]
        _cache[(id(store), fmt)] = (store, body)
    return body


def export():
    fmt = (request.args.get("format") or "").lower()
    f = renderers.lookup("dataset", fmt) if fmt else None
    name = f.name if f else fmt
    if name not in FORMATS:
        return Response("choose a format: /export?format=turtle|jsonld|trig|nquads\n", status=400,
                        mimetype="text/plain")
    media, ext = FORMATS[name]
    resp = Response(export_bytes(site.store(), name), mimetype=media)
    resp.charset = "utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="humanitarian-kg.{ext}"'
    return resp


def context():
    resp = Response(jsonld.dumps(jsonld.context_document()), mimetype="application/ld+json")
    resp.charset = "utf-8"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp
