"""Search results as the search page shows them: names grouped by the kind of thing they
name, passages with the words that matched and the facts made from them, and facets with
their counts (kind, organisation, country, document language, year) as Datasette shows them.

The index is the build's (``search.sqlite`` beside the store, :mod:`kg.search_index`); a
store served with extra files, which the build did not index, gets one made on the first
search.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from markupsafe import Markup, escape

from ... import store as store_mod
from ...kinds import KIND_CLASSES
from ...search_index import FACETS, INDEX_NAME, Results, SearchIndex
from . import i18n, iris
from .present import Presenter
from .reader import store_facts

#: How many names of one kind, and how many passages, the page shows.
SHOWN = {"name": 20, "passage": 30}


def index_for(store: ox.Store, settings, morph) -> SearchIndex | None:
    """The search index of the store being served (the build's, or one made for it)."""
    def make():
        try:
            path = store_mod.current_store_path(settings) / INDEX_NAME
        except store_mod.StoreMissing:
            path = None
        if path is not None and path.exists():
            idx = SearchIndex(path, morph)
            if idx.fits(store):
                return idx
        return SearchIndex.for_store(store, Path(settings.lexicon_dir), morph)

    return store_facts(store).cached("search-index", make)


@dataclass
class Page:
    q: str
    filters: dict[str, str]
    total: int
    groups: list[dict]
    facets: list[dict]
    chosen: list[dict]


def search_page(p: Presenter, idx: SearchIndex, q: str, filters: dict[str, str], url) -> Page:
    """``url(**params)``: the address of this page with other parameters."""
    filters = {k: v for k, v in filters.items() if k in FACETS and v}
    results: Results = idx.search(q, filters)
    names: dict[str, dict] = {}
    passages: list[dict] = []
    for hit in results.hits:
        if hit.kind == "name":
            node = ox.NamedNode(hit.iri)
            grp = names.setdefault(hit.name_kind or "", {"kind": hit.name_kind, "items": {}})
            item = grp["items"].get(hit.iri)
            if item is None:
                item = grp["items"][hit.iri] = dict(p.link(node), matched=[])
            if (hit.text, hit.lang) not in item["matched"]:
                item["matched"].append((hit.text, hit.lang))
        else:
            ev = ox.NamedNode(hit.iri)
            ps = p.g.passage(ev)
            if ps is None:
                continue
            vm = p.passage(ps)
            vm["marked"] = _marked(hit.text, idx.matching_words(hit.text, q, hit.lang))
            vm["facts"] = [dict(p.link(ox.NamedNode(f)), classes=[c["text"] for c in p.class_links(ox.NamedNode(f))])
                           for f in hit.supports]
            passages.append(vm)
    order = list(KIND_CLASSES)
    groups = []
    for kind in sorted(names, key=lambda k: order.index(k) if k in order else len(order)):
        items = list(names[kind]["items"].values())
        groups.append({"kind": kind, "title": i18n.t(kind, p.lang) if kind in order else kind,
                       "names": items[:SHOWN["name"]], "count": len(items)})
    if passages:
        # the page's language first
        passages.sort(key=lambda v: v["lang"] != p.lang)
        groups.append({"kind": "passages", "title": i18n.t("kind-passage", p.lang), "passages": passages[:SHOWN["passage"]],
                       "count": len(passages)})
    facets = []
    for facet in FACETS:
        values = results.facets.get(facet, [])
        if not values:
            continue
        shown = []
        for value, count in values[:12]:
            shown.append({"value": value, "label": _facet_label(p, facet, value), "count": count,
                          "selected": filters.get(facet) == value,
                          "href": url(**{**filters, facet: value})})
        facets.append({"facet": facet, "title": i18n.t("facet-" + facet, p.lang),
                       "values": shown})
    chosen = [{"facet": f, "title": i18n.t("facet-" + f, p.lang), "label": _facet_label(p, f, v),
               "remove": url(**{k: x for k, x in filters.items() if k != f})} for f, v in filters.items()]
    return Page(q, filters, results.total, groups, facets, chosen)


def _facet_label(p: Presenter, facet: str, value: str) -> str:
    if facet == "kind":
        return i18n.t("kind-passage", p.lang) if value == "passages" else (
            i18n.t(value, p.lang) if value in KIND_CLASSES else value)
    if facet == "language":
        return i18n.LANGUAGE_NAMES.get(value, value)
    if facet in ("organisation", "country"):
        return p.namer.name(ox.NamedNode(value)).text
    return value


def _marked(text: str, spans: list[tuple[int, int]]) -> Markup:
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>{}</mark>").format(text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


__all__ = ["index_for", "search_page", "iris"]
