"""The kinds of things people look for in the graph, by their classes (a class's subclasses
count too): the list pages (/list/<kind>) and the search's "kind" facet use the same kinds,
in this order (a node of several kinds counts as the first)."""

from __future__ import annotations

from .namespaces import KG, ORG, SKOS

KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "organisations": (str(KG.Organisation), str(KG.Movement)),
    "people": (str(KG.Person),),
    "offices": (str(KG.Office), str(KG.Presence)),
    "closures": (str(KG.Closure),),
    "handovers": (str(KG.Handover),),
    "activities": (str(KG.Activity),),
    "events": (str(KG.Event),),
    "mandates": (str(KG.Mandate),),
    "instruments": (str(KG.LegalInstrument),),
    "partnerships": (str(KG.Partnership),),
    "memberships": (str(ORG.Membership),),
    "referrals": (str(KG.Referral),),
    "places": (str(KG.Place),),
    "figures": (str(KG.Figure),),
    "activity-types": (str(SKOS.Concept),),
    "documents": (str(KG.SourceDocument),),
}


def kind_of(classes: set[str]) -> str | None:
    """The first kind any of ``classes`` (with their superclasses) belongs to."""
    for kind, tops in KIND_CLASSES.items():
        if classes.intersection(tops):
            return kind
    return None
