"""Dereferenceable IRIs: ``/id/…``, ``/graph/…`` and ``/resource?iri=…``.

The same IRI gives a page to a browser and data to a program (``Accept``: Turtle,
JSON-LD, N-Triples, RDF/XML), or the format a suffix names (``.ttl``, ``.jsonld``,
``.nt``, ``.rdf``, ``.html``). The data are the triples the page is made from. A source
document is found by its file name too (``/id/document/001_….txt`` → its IRI).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, redirect, render_template, request

from ... import jsonld
from .. import renderers
from ..graph import i18n, iris
from ..graph.pictures import neighbourhood, neighbourhood_svg
from ..graph.reader import RDF_TYPE, SUBCLASS, GraphReader, node
from ..graph.timeline import timeline_rows
from ..negotiation import choose
from . import documents, site

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


def minted_entity(rest: str):
    return _dereference_path("id/" + rest)


def minted_graph(rest: str):
    return _dereference_path("graph/" + rest)


def resource():
    iri = request.args.get("iri", "").strip()
    if not iri:
        return site.not_found("", i18n.t("give-iri", site.language()))
    n = node(iri)
    if n is None:
        return site.not_found(iri, i18n.t("bad-iri", site.language()))
    return dereference(n, request.args.get("format"))


def _reader() -> GraphReader:
    return GraphReader(site.store(), site.settings().base_iri)


def _dereference_path(path: str):
    g = _reader()
    iri = iris.iri_for_path(path)
    fmt = None
    n = node(iri)
    if n is None or not g.exists(n):
        # a source document by its file name, as metadata.json and the README name it
        head, _, last = path.rpartition("/")
        src = g.facts.sources_by_ident.get(last)
        if src is not None and src.node.value.rpartition("/")[0] == iris.iri_for_path(head):
            target = iris.href(src.node.value)
            return redirect(target + (("?" + request.query_string.decode()) if request.query_string else ""), 301)
        for suffix, name in iris.SUFFIXES.items():
            if path.endswith(suffix):
                candidate = node(iris.iri_for_path(path[: -len(suffix)]))
                if candidate is not None and g.exists(candidate):
                    n, fmt = candidate, name
                break
    if n is None:
        return site.not_found(iri, i18n.t("bad-iri", site.language()))
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


def dereference(n, fmt: str | None, g: GraphReader | None = None) -> Response:
    g = g or _reader()
    if not g.exists(n):
        return site.not_found(n.value, i18n.t("not-in-graph", site.language()))
    want = negotiate(fmt)
    if want is None:
        resp = Response("not acceptable: this resource is available as text/html, "
                        + ", ".join(m for m, f in OFFERS if f) + "\n", status=406, mimetype="text/plain")
        resp.vary.add("Accept")
        return resp
    if want == "html":
        resp = Response(render_html(n), mimetype=HTML)
    else:
        resp = data_response(g, n, want)
    resp.vary.add("Accept")
    if isinstance(n, ox.NamedNode):
        links = [f'<{url}>; rel="alternate"; type="{media}"' for _, url, media in site.data_formats(n)]
        resp.headers["Link"] = ", ".join(links)
    return resp


# -- data ------------------------------------------------------------------------------

def triples_for(g: GraphReader, n) -> tuple[list, bool]:
    """The statements served for n: a named graph's content, or n's description."""
    if serve_as_graph(g, n):
        quads = g.store.quads_for_pattern(None, None, None, n)
        return [(q.subject, q.predicate, q.object) for q in quads], True
    return list(g.describe(n).triples), False


def serve_as_graph(g: GraphReader, n) -> bool:
    """A named graph is served as its content, unless the graph also describes it as a subject."""
    if not g.is_graph(n):
        return False
    return not any(True for _ in g.store.quads_for_pattern(n, None, None, ox.DefaultGraph()))


def data_response(g: GraphReader, n, fmt_name: str) -> Response:
    fmt = renderers.lookup("graph", fmt_name)
    triples, is_graph = triples_for(g, n)
    if fmt.name == "jsonld":
        doc = jsonld.graph_document({n: triples}) if is_graph else jsonld.frame(n, triples)
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

def render_html(n) -> str:
    p = site.presenter()
    g = p.g
    if serve_as_graph(g, n):
        return documents.render_graph(p, n)
    if g.is_document(n):
        return documents.render_document(p, n)
    if g.is_evidence(n):
        return documents.render_evidence(p, n)
    vm = p.entity(n)
    if SUBCLASS in {pp for pp, _ in g.out(n)} or any(t.value.endswith("#Class") for t in g.types(n)):
        # a class: its instances, its subclasses' too, in a list of their own
        vm["instances"] = class_instances(p, n)
        vm["links"] = [grp for grp in vm["links"] if grp["iri"] != RDF_TYPE.value]
    nb = neighbourhood(p, n)
    picture = neighbourhood_svg(p, n, nb) if nb else None
    timeline = timeline_rows(p, about=n) if vm["kind"] in ("entity", "fact") else []
    has_handover = any(e.kind == "handover" for e in nb.left + nb.right)
    return render_template("entity.html", e=vm, picture=picture, timeline=timeline, has_handover=has_handover,
                           formats=site.data_formats(n), title=vm["label"])


def class_instances(p, cls) -> list[dict]:
    q = f"SELECT DISTINCT ?x WHERE {{ ?x a ?c . ?c <{SUBCLASS.value}>* <{cls.value}> }}"
    xs = [row[0] for row in p.g.store.query(q)]
    return sorted((p.link(x) for x in xs), key=lambda v: v["text"].casefold())
