"""The home page: search, the organisations most written about, the documents, every kind."""

from __future__ import annotations

from flask import render_template, url_for

from ..graph import catalogue, i18n
from . import site


def index():
    p = site.presenter()
    kinds = []
    for kind, (classes, _) in catalogue.KINDS.items():
        kinds.append({"kind": kind, "label": i18n.t(kind, p.lang), "count": len(catalogue.instances(p, classes)),
                      "href": url_for("lists.list_kind", kind=kind)})
    classes, columns = catalogue.KINDS["documents"]
    docs = catalogue.rows(p, catalogue.instances(p, classes), columns[:2])
    orgs = catalogue.rows(p, catalogue.instances(p, catalogue.KINDS["organisations"][0]), [])
    orgs.sort(key=lambda r: (-r["n_evidence"], r["text"].casefold()))
    return render_template("index.html", home={"kinds": kinds, "documents": docs, "organisations": orgs[:12]})
