"""/timeline: the graph's dated facts in time order, filterable by organisation and place."""

from __future__ import annotations

from flask import render_template, request

from ..graph import i18n
from ..graph.reader import node
from ..graph.timeline import filters, timeline_rows
from . import site


def timeline():
    p = site.presenter()
    org = node(request.args["organisation"]) if request.args.get("organisation") else None
    place = node(request.args["place"]) if request.args.get("place") else None
    about = node(request.args["iri"]) if request.args.get("iri") else None
    rows = timeline_rows(p, about=about, organisation=org, place=place)
    orgs, places = filters(p)
    return render_template("timeline.html", rows=rows, orgs=orgs, places=places,
                           chosen_org=org.value if org is not None else "",
                           chosen_place=place.value if place is not None else "",
                           about=p.link(about) if about is not None else None,
                           title=i18n.t("timeline", p.lang))
