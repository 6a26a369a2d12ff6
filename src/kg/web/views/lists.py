"""Lists of everything of a kind: /list/<kind> (organisations, offices, activities …),
/class?iri=… for any class, and /classes (every class in use, with counts)."""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from flask import abort, render_template, request, url_for

from ..graph import catalogue, i18n, iris
from ..graph.reader import node
from . import site


def list_kind(kind: str):
    if kind not in catalogue.KINDS:
        abort(404)
    p = site.presenter()
    classes, columns = catalogue.KINDS[kind]
    rows = catalogue.rows(p, catalogue.instances(p, classes), columns)
    return render_template("list.html", title=i18n.t(kind, p.lang), rows=rows,
                           columns=[p.prop_label(c) for c in columns], kind=kind,
                           classes=[p.link(ox.NamedNode(c)) for c in classes])


def list_class():
    iri = request.args.get("iri", "")
    n = node(iri)
    if n is None:
        abort(404)
    p = site.presenter()
    rows = catalogue.rows(p, catalogue.instances(p, [iri]), [])
    return render_template("list.html", title=p.link(n)["text"], rows=rows, columns=[], kind=None,
                           classes=[p.link(n)])


def list_classes():
    p = site.presenter()
    rows = []
    for c, count in catalogue.class_counts(p):
        vm = p.link(c)
        vm["count"] = count
        vm["list_href"] = url_for("lists.list_class") + "?" + urlencode({"iri": c.value})
        rows.append(vm)
    rows.sort(key=lambda r: (iris.curie(r["iri"]).split(":")[0] != "kg", r["text"].casefold()))
    return render_template("classes.html", rows=rows, kinds=list(catalogue.KINDS), title=i18n.t("classes", p.lang))
