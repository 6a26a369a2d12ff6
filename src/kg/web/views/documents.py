"""Pages of source documents, of their passages, and of their named graphs.

A document's page shows its full text (``cnt:chars``) with every passage the graph draws
from highlighted (``<mark id="ev-{start}-{end}">``); passages that facts come from are
numbered and listed beside the text with those facts, each entry linking back into the
text. Which named graph holds what a document states is read with a ``GRAPH`` query.
"""

from __future__ import annotations

from collections import OrderedDict

import pyoxigraph as ox
from flask import render_template

from . import iris
from .model import (
    CHARS,
    HAS_EVIDENCE,
    HAS_SOURCE,
    KG,
    RDF_TYPE,
    SOURCE_DOCUMENT,
    shorten,
    term_key,
)
from .present import Presenter
from .textmarks import Span, render


def document_graphs(g: KG, doc) -> list:
    """The named graphs that state the document (its own graph), by a GRAPH query."""
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{doc.value}> a <{SOURCE_DOCUMENT.value}> }} }} ORDER BY ?g"
    return [row[0] for row in g.store.query(q)]


def render_document(g: KG, doc, lang: str) -> str:
    from .views_entity import _format_links

    p = Presenter(g, lang)
    chars = g.value(doc, CHARS)
    text = chars.value if chars is not None else ""
    doc_lang = p.g.value(doc, ox.NamedNode("http://purl.org/dc/terms/language"))
    passages = []
    spans = []
    names: dict = OrderedDict()
    evidence = sorted((s for s, pr in g.inc(doc) if pr == HAS_SOURCE), key=term_key)
    number = 0
    for ev in evidence:
        info = g.evidence_info(ev)
        if info is None or info["start"] is None:
            continue
        users = [s for s, pr in g.inc(ev) if pr == HAS_EVIDENCE]
        facts = [u for u in users if g.kind(u) == "fact"]
        others = [u for u in users if u not in facts]
        labels = [g.label(u, lang).text for u in facts + others]
        anchor = info["anchor"]
        if facts:
            number += 1
            note = "p-" + anchor
            spans.append(Span(info["start"], info["end"], anchor, "ev", "; ".join(labels)[:400], note, number))
            passages.append({
                "number": number, "anchor": anchor, "note": note, "exact": info["exact"],
                "short": shorten(info["exact"], 220), "start": info["start"], "end": info["end"],
                "href": iris.href(ev.value),
                "facts": sorted((p.link(u) for u in facts), key=lambda v: v["text"].casefold()),
                "others": sorted((p.link(u) for u in others), key=lambda v: v["text"].casefold()),
            })
        else:
            spans.append(Span(info["start"], info["end"], anchor, "mention", "; ".join(labels)[:400]))
            for u in others:
                entry = names.setdefault(u, {"link": p.link(u), "places": []})
                entry["places"].append({"anchor": anchor, "exact": info["exact"]})
    graphs = [{"iri": gr.value, "href": iris.href(gr.value), "size": _graph_size(g, gr)} for gr in document_graphs(g, doc)]
    vm = {
        "iri": doc.value,
        "label": p.g.label(doc, lang).text,
        "label_lang": doc_lang.value if doc_lang is not None else None,
        "meta": p.document_meta(doc),
        "text_html": render(text, spans),
        "text_lang": doc_lang.value if doc_lang is not None else None,
        "passages": passages,
        "names": sorted(names.values(), key=lambda e: e["link"]["text"].casefold()),
        "graphs": graphs,
        "n_passages": len(spans),
    }
    return render_template("document.html", d=vm, formats=_format_links(doc), title=vm["label"])


def _graph_size(g: KG, gr) -> int:
    return sum(1 for _ in g.store.quads_for_pattern(None, None, None, gr))


def render_evidence(g: KG, ev, lang: str) -> str:
    from .views_entity import _format_links

    p = Presenter(g, lang)
    info = g.evidence_info(ev)
    users = [s for s, pr in g.inc(ev) if pr == HAS_EVIDENCE]
    facts = [p.fact(u) for u in users if g.kind(u) == "fact"]
    others = [p.link(u) for u in users if g.kind(u) != "fact"]
    ev_vm = p._evidence_vm(info) if info else None
    return render_template("evidence.html", ev=ev_vm, iri=ev.value, facts=sorted(facts, key=lambda f: f["text"]),
                           others=sorted(others, key=lambda v: v["text"]), formats=_format_links(ev),
                           title=(ev_vm or {}).get("exact", ev.value)[:80])


def render_graph(g: KG, graph, lang: str) -> str:
    from .views_entity import _format_links

    p = Presenter(g, lang)
    counts: dict = OrderedDict()
    types: dict = {}
    for q in g.store.quads_for_pattern(None, None, None, graph):
        counts[q.subject] = counts.get(q.subject, 0) + 1
        if q.predicate == RDF_TYPE:
            types.setdefault(q.subject, set()).add(q.object)
    groups: dict = {}
    documents = []
    for s in counts:
        kind = g.kind(s)
        if kind == "dependent" and g.is_evidence(s):
            groups.setdefault("__passages__", []).append(s)
            continue
        if isinstance(s, ox.NamedNode) and "#" in s.value and s.value.split("#")[0] in {x.value for x in counts}:
            continue  # selectors of passages
        ts = sorted(types.get(s, set()), key=lambda t: t.value)
        cls = _most_specific(g, ts)
        key = p.g.label(cls, lang).text if cls is not None else "—"
        groups.setdefault(key, []).append(s)
        if SOURCE_DOCUMENT in types.get(s, set()):
            documents.append(p.link(s))
    passages = groups.pop("__passages__", [])
    listing = []
    for key in sorted(groups, key=str.casefold):
        items = sorted((dict(p.link(s), count=counts[s]) for s in groups[key]), key=lambda v: v["text"].casefold())
        listing.append({"title": key, "items": items})
    return render_template("graph.html", iri=graph.value, label=graph.value, groups=listing, documents=documents,
                           n_passages=len(passages), size=sum(counts.values()), formats=_format_links(graph),
                           title=graph.value)


def _most_specific(g: KG, types: list):
    if not types:
        return None
    sub = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    for t in types:
        if not any(other != t and t in g.values(other, sub) for other in types):
            if t.value.startswith("https://w3id.org/humanitarian-kg/"):
                return t
    return types[0]
