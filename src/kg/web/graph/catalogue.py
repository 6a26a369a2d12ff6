"""Everything of a kind: the kinds with a list page, their members as rows, every class in use."""

from __future__ import annotations

import pyoxigraph as ox

from ...kinds import KIND_CLASSES
from ...namespaces import DCTERMS, KG, ORG, SKOS
from .present import Presenter
from .reader import ALT, RDF_TYPE, SUBCLASS

_k = lambda x: ox.NamedNode(str(KG[x]))  # noqa: E731

#: The columns of each kind's list beside the name.
COLUMNS: dict[str, list[ox.NamedNode]] = {
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
#: Kinds of things with a list page, /list/<kind> (kg.kinds): their classes and columns.
KINDS: dict[str, tuple[list[str], list[ox.NamedNode]]] = {
    kind: (list(classes), COLUMNS.get(kind, [])) for kind, classes in KIND_CLASSES.items()}


def instances(p: Presenter, classes: list[str]) -> list:
    values = " ".join(f"<{c}>" for c in classes)
    q = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?top {{ {values} }} ?x <{RDF_TYPE.value}> ?c . "
         f"?c <{SUBCLASS.value}>* ?top }}")
    return [row[0] for row in p.g.store.query(q)]


def rows(p: Presenter, xs: list, columns: list) -> list[dict]:
    """Each node as a list row: its name, its other names, its classes, the columns, how many passages."""
    out = []
    for x in xs:
        vm = p.link(x)
        vm["alt"] = sorted({lit.value for lit in p.g.literals(x, (ALT,))
                            if (lit.language or "").split("-")[0] in ("", p.lang)} - {vm["text"]})
        vm["cells"] = [p.statement(x, c, p.g.values(x, c))["vals"] if p.g.values(x, c) else [] for c in columns]
        vm["n_evidence"] = len(p.g.evidence_of(x))
        vm["classes"] = p.class_links(x)
        out.append(vm)
    out.sort(key=lambda r: r["text"].casefold())
    return out


def class_counts(p: Presenter) -> list[tuple]:
    """(class, number of instances) of every class in use, the largest first."""
    q = (f"SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{RDF_TYPE.value}> ?t . ?t <{SUBCLASS.value}>* ?c . "
         f"FILTER(isIRI(?c)) }} GROUP BY ?c ORDER BY DESC(?n)")
    return [(c, int(n.value)) for c, n in p.g.store.query(q)]
