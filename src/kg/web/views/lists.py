"""Lists of everything of a kind: /list/<kind> (organisations, offices, activities …),
/class?iri=… for any class, and /classes (every class in use, with counts)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import abort, render_template, request

from ...namespaces import DCTERMS, ORG, SKOS
from ...namespaces import KG as KGNS
from . import KINDS, bp, i18n, iris
from .model import KG, RDF_TYPE, SUBCLASS, node
from .present import Presenter

_k = lambda x: ox.NamedNode(str(KGNS[x]))

#: The columns of each list beside the name.
COLUMNS: dict[str, list[ox.NamedNode]] = {
    "organisations": [],
    "offices": [ox.NamedNode(str(ORG.unitOf)), _k("inPlace"), _k("activeDuring")],
    "activities": [_k("performedBy"), _k("activityType"), _k("inPlace"), _k("activeDuring"), _k("reached")],
    "handovers": [_k("giver"), _k("handedOverActivity"), _k("handedOverItem"), _k("receiver"), _k("condition")],
    "closures": [_k("closedUnit"), _k("decidedBy"), _k("atTime"), _k("endBound")],
    "events": [_k("atTime"), _k("endBound")],
    "mandates": [_k("mandateOf"), _k("establishedBy"), _k("condition")],
    "instruments": [ox.NamedNode(str(DCTERMS.date)), _k("signatory"), _k("signedOn")],
    "partnerships": [_k("partner")],
    "memberships": [ox.NamedNode(str(ORG.member)), ox.NamedNode(str(ORG.organization))],
    "referrals": [_k("referredBy"), _k("referTo"), _k("forMatter")],
    "places": [_k("locatedIn")],
    "figures": [_k("value"), _k("qualifier"), _k("unit")],
    "activity-types": [ox.NamedNode(str(SKOS.broader))],
    "documents": [ox.NamedNode(str(DCTERMS.language)), ox.NamedNode(str(DCTERMS.date)),
                  ox.NamedNode(str(DCTERMS.type)), ox.NamedNode(str(DCTERMS.identifier))],
}


def instances(g: KG, classes: list[str]) -> list:
    values = " ".join(f"<{c}>" for c in classes)
    q = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?top {{ {values} }} ?x <{RDF_TYPE.value}> ?c . "
         f"?c <{SUBCLASS.value}>* ?top }}")
    return [row[0] for row in g.store.query(q)]


def _rows(g: KG, p: Presenter, xs: list, columns: list) -> list[dict]:
    rows = []
    for x in xs:
        vm = p.link(x)
        vm["alt"] = sorted({lit.value for lit in g.literals(x, (ox.NamedNode(str(SKOS.altLabel)),))})
        vm["cells"] = [[p.link(o) for o in sorted(g.values(x, c), key=lambda t: t.value)] for c in columns]
        vm["n_evidence"] = len(g.evidence_of(x))
        vm["most_specific"] = _specific_classes(g, p, x)
        rows.append(vm)
    rows.sort(key=lambda r: r["text"].casefold())
    return rows


def _specific_classes(g: KG, p: Presenter, x) -> list[dict]:
    ts = g.types(x)
    out = [t for t in ts if not any(o != t and t in g.values(o, SUBCLASS) for o in ts)]
    return [p.link(t) for t in sorted(out, key=lambda t: t.value)]


@bp.get("/list/<kind>")
def list_kind(kind: str):
    if kind not in KINDS:
        abort(404)
    lang = i18n.request_language()
    g = KG()
    p = Presenter(g, lang)
    columns = COLUMNS.get(kind, [])
    rows = _rows(g, p, instances(g, KINDS[kind]), columns)
    return render_template("list.html", title=i18n.t(kind, lang), rows=rows,
                           columns=[p.prop_label(c) for c in columns], kind=kind,
                           classes=[p.link(ox.NamedNode(c)) for c in KINDS[kind]])


@bp.get("/class")
def list_class():
    iri = request.args.get("iri", "")
    n = node(iri)
    if n is None:
        abort(404)
    lang = i18n.request_language()
    g = KG()
    p = Presenter(g, lang)
    rows = _rows(g, p, instances(g, [iri]), [])
    return render_template("list.html", title=p.link(n)["text"], rows=rows, columns=[], kind=None,
                           classes=[p.link(n)])


@bp.get("/classes")
def list_classes():
    lang = i18n.request_language()
    g = KG()
    p = Presenter(g, lang)
    q = (f"SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{RDF_TYPE.value}> ?t . ?t <{SUBCLASS.value}>* ?c . "
         f"FILTER(isIRI(?c)) }} GROUP BY ?c ORDER BY DESC(?n)")
    rows = []
    for c, count in g.store.query(q):
        vm = p.link(c)
        vm["count"] = int(count.value)
        vm["list_href"] = iris.script_root() + "/class?" + _qs(c.value)
        rows.append(vm)
    rows.sort(key=lambda r: (iris.curie(r["iri"]).split(":")[0] != "kg", r["text"].casefold()))
    return render_template("classes.html", rows=rows, kinds=list(KINDS), title=i18n.t("classes", lang))


def _qs(iri: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"iri": iri})


def home_data() -> dict:
    """What the home page lists: every kind with its count, the documents, the organisations."""
    lang = i18n.request_language()
    g = KG()
    p = Presenter(g, lang)
    kinds = []
    from flask import url_for

    for kind, classes in KINDS.items():
        kinds.append({"kind": kind, "label": i18n.t(kind, lang), "count": len(instances(g, classes)),
                      "href": url_for("pages.list_kind", kind=kind)})
    docs = _rows(g, p, instances(g, KINDS["documents"]), COLUMNS["documents"][:2])
    orgs = _rows(g, p, instances(g, KINDS["organisations"]), [])
    orgs.sort(key=lambda r: (-r["n_evidence"], r["text"].casefold()))
    return {"kinds": kinds, "documents": docs, "organisations": orgs[:12]}
