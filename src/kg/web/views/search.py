"""/search?q=…: passages and names in any language and form, grouped by kind, with facets."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import render_template, request, url_for

from ..graph import i18n
from ..graph.search import index_for, search_page
from . import site

FILTERS = ("kind", "organisation", "country", "language", "year")


def search():
    p = site.presenter()
    q = request.args.get("q", "")[:300]
    filters = {f: request.args.get(f, "") for f in FILTERS if request.args.get(f)}
    page = None
    if q.strip():
        from ...resources import load_resources

        s = site.settings()
        idx = index_for(site.store(), s, load_resources(s.lexicon_dir).morph)

        def url(**params) -> str:
            return url_for("search.search") + "?" + urlencode({"q": q, **params})

        page = search_page(p, idx, q, filters, url)
    return render_template("search.html", q=q, page=page, title=i18n.t("search", p.lang))
