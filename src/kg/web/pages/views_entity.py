"""Dereferenceable IRIs: ``/id/…``, ``/graph/…`` and ``/resource?iri=…``.

The same IRI gives a page to a browser and data to a program (``Accept``: Turtle,
JSON-LD, N-Triples, RDF/XML), or the format a suffix names (``.ttl``, ``.jsonld``,
``.nt``, ``.rdf``, ``.html``). The data are the triples the page is made from.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, abort, current_app, render_template, request

from ...sparql import renderers
from ..negotiation import choose
from . import bp, i18n, iris, jsonld
from .model import KG, SUBCLASS, node
from .pictures import neighbourhood, neighbourhood_svg, timeline_rows, timeline_svg
from .present import Presenter

HTML = "text/html"
#: What a resource can be had as, by media type: None is the HTML page.
OFFERS: list[tuple[str, str | None]] = [
    (HTML, None),
    ("application/xhtml+xml", None),
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("application/json", "jsonld"),
    ("application/x-turtle", "turtle"),
    ("text/plain", "ntriples"),
]
DATA_FORMATS = [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML")]


@bp.get("/id/<path:rest>")
def minted_entity(rest: str):
    return _dereference_path("id/" + rest)


@bp.get("/graph/<path:rest>")
def minted_graph(rest: str):
    return _dereference_path("graph/" + rest)


@bp.get("/resource")
def resource():
    iri = request.args.get("iri", "").strip()
    if not iri:
        return _not_found("", "give an IRI: /resource?iri=…")
    n = node(iri)
    if n is None:
        return _not_found(iri, "not a valid IRI")
    return dereference(n, request.args.get("format"))


def _dereference_path(path: str):
    g = KG()
    iri = iris.iri_for_path(path)
    fmt = None
    n = node(iri)
    if n is None or not g.exists(n):
        for suffix, name in iris.SUFFIXES.items():
            if path.endswith(suffix):
                candidate = node(iris.iri_for_path(path[: -len(suffix)]))
                if candidate is not None and g.exists(candidate):
                    n, fmt = candidate, name
                break
    if n is None:
        return _not_found(iri, "not a valid IRI")
    return dereference(n, fmt or request.args.get("format"), g)


def negotiate(fmt: str | None) -> str | None:
    """'html' or a graph format name, or None when nothing acceptable is offered."""
    if fmt:
        if fmt == "html":
            return "html"
        f = renderers.lookup("graph", fmt)
        return f.name if f else None
    chosen = choose(request.headers.get("Accept"), [m for m, _ in OFFERS])
    if chosen is None:
        return None
    name = dict(OFFERS)[chosen]
    return name or "html"


def dereference(n, fmt: str | None, g: KG | None = None) -> Response:
    g = g or KG()
    if not g.exists(n):
        return _not_found(n.value, i18n.t("not-in-graph", i18n.request_language()))
    want = negotiate(fmt)
    if want is None:
        resp = Response("not acceptable: this resource is available as text/html, "
                        + ", ".join(m for m, f in OFFERS if f) + "\n", status=406, mimetype="text/plain")
        resp.vary.add("Accept")
        return resp
    if want == "html":
        resp = Response(render_html(g, n), mimetype=HTML)
    else:
        resp = data_response(g, n, want)
    resp.vary.add("Accept")
    if isinstance(n, ox.NamedNode):
        links = [f'<{iris.href(n.value, f)}>; rel="alternate"; type="{renderers.lookup("graph", f).media_type}"'
                 for f, _ in DATA_FORMATS]
        resp.headers["Link"] = ", ".join(links)
    return resp


# -- data ------------------------------------------------------------------------------

def triples_for(g: KG, n) -> tuple[list, bool]:
    """The statements served for n: a named graph's content, or n's description."""
    if serve_as_graph(g, n):
        quads = g.store.quads_for_pattern(None, None, None, n)
        return [(q.subject, q.predicate, q.object) for q in quads], True
    return list(g.describe(n).triples), False


def serve_as_graph(g: KG, n) -> bool:
    """A named graph is served as its content, unless the graph also describes it as a subject."""
    if not g.is_graph(n):
        return False
    return not any(True for _ in g.store.quads_for_pattern(n, None, None, ox.DefaultGraph()))


def data_response(g: KG, n, fmt_name: str) -> Response:
    fmt = renderers.lookup("graph", fmt_name)
    triples, is_graph = triples_for(g, n)
    if fmt.name == "jsonld":
        if is_graph:
            doc = jsonld.graph_document({n: triples})
        else:
            doc = jsonld.frame(n, triples)
        body = jsonld.dumps(doc)
    else:
        body = renderers.serialize_triples([ox.Triple(*t) for t in triples], fmt, current_app.config["KG_PREFIXES"])
    resp = Response(body, mimetype=fmt.media_type)
    if fmt.media_type.startswith("text/") or fmt.name in ("jsonld", "rdfxml"):
        resp.charset = "utf-8"
    resp.headers["Content-Location"] = iris.href(n.value, fmt.name) if isinstance(n, ox.NamedNode) else request.path
    resp.headers["Access-Control-Allow-Origin"] = "*"  # data for any web page that wants it
    return resp


# -- pages -----------------------------------------------------------------------------

def render_html(g: KG, n) -> str:
    lang = i18n.request_language()
    from . import views_document

    if serve_as_graph(g, n):
        return views_document.render_graph(g, n, lang)
    if g.is_document(n):
        return views_document.render_document(g, n, lang)
    if g.is_evidence(n):
        return views_document.render_evidence(g, n, lang)
    return render_entity(g, n, lang)


def render_entity(g: KG, n, lang: str) -> str:
    p = Presenter(g, lang)
    vm = p.entity(n)
    if SUBCLASS in {pp for pp, _ in g.out(n)} or any(t.value.endswith(("#Class",)) for t in g.types(n)):
        vm["instances"] = class_instances(g, n, p)
    nb = neighbourhood(g, n, lang)
    picture = neighbourhood_svg(g, n, nb, lang) if nb else None
    rows = timeline_rows(g, lang, about=n) if vm["kind"] in ("entity", "fact") else []
    timeline = timeline_svg(rows, vm["label"]) if len(rows) >= 1 else None
    has_handover = any(e.kind == "handover" for e in nb.left + nb.right)
    return render_template("entity.html", e=vm, picture=picture, timeline=timeline, has_handover=has_handover,
                           formats=_format_links(n), title=vm["label"])


def class_instances(g: KG, cls, p: Presenter) -> list[dict]:
    q = (f"SELECT DISTINCT ?x WHERE {{ ?x a ?c . ?c <{SUBCLASS.value}>* <{cls.value}> }}")
    xs = [row[0] for row in g.store.query(q)]
    return sorted((p.link(x) for x in xs), key=lambda v: v["text"].casefold())


def _format_links(n) -> list[tuple[str, str, str]]:
    """(label, link, media type) of each data format of n."""
    if not isinstance(n, ox.NamedNode):
        return []
    return [(label, iris.href(n.value, f), renderers.lookup("graph", f).media_type) for f, label in DATA_FORMATS]


def _not_found(iri: str, message: str) -> Response:
    accept = request.headers.get("Accept")
    if choose(accept, [HTML, "text/plain"]) == HTML and "html" in (accept or ""):
        body = render_template("error.html", iri=iri, message=message, title=i18n.t("not-found",
                                                                                    i18n.request_language()))
        return Response(body, status=404, mimetype=HTML)
    return Response(f"not found: {iri}\n{message}\n", status=404, mimetype="text/plain")


__all__ = ["abort", "dereference"]
