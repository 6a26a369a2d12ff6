"""/search?q=…: entities by any of their names, in any language and inflection."""

from __future__ import annotations

from flask import render_template, request

from . import bp, i18n, settings
from .model import KG
from .present import Presenter
from .search import index_for


@bp.get("/search")
def search():
    lang = i18n.request_language()
    q = request.args.get("q", "")[:200]
    results = []
    if q.strip():
        g = KG()
        p = Presenter(g, lang)
        for h in index_for(g, settings()).search(q):
            vm = p.link(h.node)
            vm.update(matched=h.name, matched_lang=h.lang, score=h.score, how=h.how)
            results.append(vm)
    return render_template("search.html", q=q, results=results, title=i18n.t("search", lang))
