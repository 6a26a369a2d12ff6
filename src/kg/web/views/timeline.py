"""/timeline: the dated events and periods of the graph (or of one entity) as an SVG."""

from __future__ import annotations

from flask import render_template, request

from . import bp, i18n
from .model import KG, node
from .pictures import timeline_rows, timeline_svg
from .present import Presenter


@bp.get("/timeline")
def timeline():
    lang = i18n.request_language()
    g = KG()
    about = node(request.args["iri"]) if request.args.get("iri") else None
    rows = timeline_rows(g, lang, about=about)
    p = Presenter(g, lang)
    return render_template("timeline.html", svg=timeline_svg(rows, i18n.t("timeline", lang)),
                           about=p.link(about) if about is not None else None,
                           rows=[{"link": dict(p.link(r.node), text=r.label + (f" (+{r.more})" if r.more else "")), "what": r.what, "begin": r.begin_text, "end": r.end_text,
                                  "period": r.is_period} for r in rows],
                           title=i18n.t("timeline", lang))
