"""Pages of source documents, of their passages, and of their named graphs (reached through
the IRIs of :mod:`.entity`).

A document's page shows its full text (``cnt:chars``) with every passage the graph draws
from highlighted (``<mark id="ev-{start}-{end}">``); passages that facts come from are
numbered and listed beside the text with those facts, each entry linking back into the
text. Which named graph holds what a document states is read with a ``GRAPH`` query.
"""

from __future__ import annotations

from collections import OrderedDict

import pyoxigraph as ox
from flask import render_template

from ..graph import iris
from ..graph.present import Presenter
from ..graph.reader import CHARS, HAS_EVIDENCE, HAS_SOURCE, RDF_TYPE, SOURCE_DOCUMENT, shorten, term_key
from ..graph.textmarks import Span, render
from . import site


def document_graphs(p: Presenter, doc) -> list:
    """The named graphs that state the document (its own graph), by a GRAPH query."""
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{doc.value}> a <{SOURCE_DOCUMENT.value}> }} }} ORDER BY ?g"
    return [row[0] for row in p.g.store.query(q)]


def render_document(p: Presenter, doc) -> str:
    g = p.g
    chars = g.value(doc, CHARS)
    text = chars.value if chars is not None else ""
    src = g.source(doc)
    doc_lang = src.lang if src else None
    passages = []
    spans = []
    names: dict = OrderedDict()
    evidence = sorted((s for s, pr in g.inc(doc) if pr == HAS_SOURCE), key=term_key)
    number = 0
    for ev in evidence:
        ps = g.passage(ev)
        if ps is None or ps.start is None:
            continue
        users = [s for s, pr in g.inc(ev) if pr == HAS_EVIDENCE]
        facts = [u for u in users if g.kind(u) == "fact"]
        others = [u for u in users if u not in facts]
        labels = [p.namer.name(u).text for u in facts + others]
        if facts:
            number += 1
            note = "p-" + ps.anchor
            spans.append(Span(ps.start, ps.end, ps.anchor, "ev", "; ".join(labels)[:400], note, number))
            passages.append({
                "number": number, "anchor": ps.anchor, "note": note, "exact": ps.exact,
                "short": shorten(ps.exact, 220), "start": ps.start, "end": ps.end,
                "href": iris.href(ev.value),
                "facts": sorted((dict(p.link(u), classes=[c["text"] for c in p.class_links(u)]) for u in facts),
                                key=lambda v: v["text"].casefold()),
                "others": sorted((p.link(u) for u in others), key=lambda v: v["text"].casefold()),
            })
        else:
            spans.append(Span(ps.start, ps.end, ps.anchor, "mention", "; ".join(labels)[:400]))
            for u in others:
                entry = names.setdefault(u, {"link": p.link(u), "places": []})
                entry["places"].append({"anchor": ps.anchor, "exact": ps.exact})
    graphs = [{"iri": gr.value, "href": iris.href(gr.value), "size": _graph_size(p, gr)}
              for gr in document_graphs(p, doc)]
    label = p.namer.name(doc)
    vm = {
        "iri": doc.value,
        "label": label.text,
        "label_lang": label.lang,
        "meta": p.document_meta(doc),
        "text_html": render(text, spans),
        "text_lang": doc_lang,
        "passages": passages,
        "names": sorted(names.values(), key=lambda e: e["link"]["text"].casefold()),
        "graphs": graphs,
        "n_passages": len(spans),
    }
    return render_template("document.html", d=vm, formats=site.data_formats(doc), title=vm["label"])


def _graph_size(p: Presenter, gr) -> int:
    return sum(1 for _ in p.g.store.quads_for_pattern(None, None, None, gr))


def render_evidence(p: Presenter, ev) -> str:
    g = p.g
    ps = g.passage(ev)
    users = [s for s, pr in g.inc(ev) if pr == HAS_EVIDENCE]
    facts = [p.fact(u, about=ev, depth=0) for u in users if g.kind(u) == "fact"]
    others = [p.link(u) for u in users if g.kind(u) != "fact"]
    ev_vm = p.passage(ps) if ps else None
    return render_template("evidence.html", ev=ev_vm, iri=ev.value, facts=sorted(facts, key=lambda f: f["text"]),
                           others=sorted(others, key=lambda v: v["text"]), formats=site.data_formats(ev),
                           title=(ev_vm or {}).get("exact", ev.value)[:80])


def render_graph(p: Presenter, graph) -> str:
    g = p.g
    counts: dict = OrderedDict()
    types: dict = {}
    for q in g.store.quads_for_pattern(None, None, None, graph):
        counts[q.subject] = counts.get(q.subject, 0) + 1
        if q.predicate == RDF_TYPE:
            types.setdefault(q.subject, set()).add(q.object)
    groups: dict = {}
    documents = []
    for s in counts:
        if g.kind(s) == "dependent" and g.is_evidence(s):
            groups.setdefault("__passages__", []).append(s)
            continue
        if isinstance(s, ox.NamedNode) and "#" in s.value and s.value.split("#")[0] in {x.value for x in counts}:
            continue  # selectors of passages
        specific = g.most_specific_types(s)
        key = p.namer.class_name(specific[0]).text if specific else "—"
        groups.setdefault(key, []).append(s)
        if SOURCE_DOCUMENT in types.get(s, set()):
            documents.append(p.link(s))
    passages = groups.pop("__passages__", [])
    listing = []
    for key in sorted(groups, key=str.casefold):
        items = sorted((dict(p.link(s), count=counts[s]) for s in groups[key]), key=lambda v: v["text"].casefold())
        listing.append({"title": key, "items": items})
    return render_template("graph.html", iri=graph.value, label=graph.value, groups=listing, documents=documents,
                           n_passages=len(passages), size=sum(counts.values()), formats=site.data_formats(graph),
                           title=graph.value)
