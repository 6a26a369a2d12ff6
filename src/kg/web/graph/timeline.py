"""The graph's facts in time order: one entry per fact that has a date or a period (an
office's years, a closure's day, an agreement's signature and ratification), and every
event — a handover the documents give no date for is placed at the date of the documents
that report it, and says so.

Dated roles are found by what their values are (an instant, a period), not by a list of
properties: a new dated property in the ontology appears here without a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import KG
from . import dates, i18n, iris
from .present import Presenter
from .reader import BEGIN, END_T, HAS_EVIDENCE, RDF_TYPE, SUBCLASS, date_value

EVENT = ox.NamedNode(str(KG.Event))
END_BOUND = ox.NamedNode(str(KG.endBound))
PLACE = ox.NamedNode(str(KG.Place))
ORGANISATION = ox.NamedNode(str(KG.Organisation))
MOVEMENT = ox.NamedNode(str(KG.Movement))


@dataclass
class Entry:
    node: object
    label: str
    lang: str | None
    fallback: bool
    kind: str  # the fact's class, in the page's language
    when: str  # the dates as read ("1992 – 3 Sep 2025 (ru) · Sep 2025 (en, az)")
    key: tuple  # where it sorts
    year: int | None
    is_period: bool = False
    reported: bool = False  # no date of its own: placed at its documents' dates
    touches: set = field(default_factory=set)  # organisations and places it involves
    href: str = ""
    mixed: str = ""  # the languages of parts of its name not in the page's
    parts: tuple = ()


def timeline_rows(p: Presenter, about=None, organisation=None, place=None) -> list[Entry]:
    """The entries in time order; only those involving ``about``, ``organisation`` and
    ``place`` when given."""
    entries = [e for e in _all_entries(p) if
               (about is None or about in e.touches or e.node == about) and
               (organisation is None or organisation in e.touches) and
               (place is None or place in e.touches)]
    return sorted(entries, key=lambda e: e.key)


def filters(p: Presenter) -> tuple[list[dict], list[dict]]:
    """The organisations and the places that entries involve, for the timeline's filters."""
    orgs, places = set(), set()
    for e in _all_entries(p):
        for x in e.touches:
            classes = p.g.all_types(x)
            if PLACE in classes:
                places.add(x)
            elif ORGANISATION in classes or MOVEMENT in classes:
                orgs.add(x)
    key = lambda v: v["text"].casefold()  # noqa: E731
    return sorted((p.link(x) for x in orgs), key=key), sorted((p.link(x) for x in places), key=key)



def _all_entries(p: Presenter) -> list[Entry]:
    g = p.g
    periods = {q.subject for q in g.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(str(KG.Period)), None)}
    dated: dict = {}
    # facts with a dated role: whatever points at an instant or at a period
    for q in g.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode("http://www.w3.org/2006/time#Instant"),
                                       ox.DefaultGraph()):
        for s, prop in g.inc(q.subject):
            if prop in (BEGIN, END_T) or prop == HAS_EVIDENCE:
                continue
            dated.setdefault(s, set()).add(prop)
    for period in periods:
        for s, prop in g.inc(period):
            if prop != HAS_EVIDENCE:
                dated.setdefault(s, set()).add(prop)
    events = {row[0] for row in g.store.query(
        f"SELECT DISTINCT ?e WHERE {{ ?e a ?c . ?c <{SUBCLASS.value}>* <{EVENT.value}> }}")}
    out = []
    for s in set(dated) | events:
        if g.kind(s) != "fact":
            continue
        out.append(_entry(p, s, dated.get(s, set())))
    return [e for e in out if e is not None]


def _entry(p: Presenter, s, props: set) -> Entry | None:
    g, namer, lang = p.g, p.namer, p.lang
    parts, keys, is_period = [], [], False
    for prop in sorted(props, key=lambda x: x.value):
        values = g.values(s, prop)
        periods = [v for v in values if g.values(v, BEGIN) or g.values(v, END_T) or g.values(v, END_BOUND)]
        instants = [v for v in values if date_value(g, v)]
        if periods:
            is_period = True
            dated_periods = []
            for period in periods:
                ends = [dates.sort_key(r.value) for role in (BEGIN, END_T, END_BOUND)
                        for r in namer.readings(period, role)]
                keys += ends
                dated_periods.append((min(ends) if ends else (10**6,), namer.period_text(period)))
            parts += [text for _, text in sorted(dated_periods)]
        if instants:
            readings = namer.readings(s, prop)
            text = dates.readings_text(readings, lang)
            if len(props) > 1:
                text = f"{p.prop_label(prop).text}: {text}"
            parts.append(text)
            keys += [dates.sort_key(r.value) for r in readings]
    reported = False
    if not keys:
        # an event without a date of its own: when its documents report it
        srcs = {ps.source for ps in g.passages_of(s)}
        doc_dates = [dates.Reading(src.date, (src.lang,)) for src in srcs if src.date]
        if not doc_dates:
            return None
        merged: dict = {}
        for r in doc_dates:
            merged.setdefault(r.value, set()).update(r.langs)
        readings = [dates.Reading(v, tuple(sorted(ls))) for v, ls in merged.items()]
        parts.append(i18n.t("reported-on", lang).format(d=dates.readings_text(readings, lang, always_langs=True)))
        keys = [dates.sort_key(r.value) for r in readings]
        reported = True
    label = namer.name(s)
    kinds = p.class_links(s)
    touches = set()
    for prop, o in g.out(s):
        if isinstance(o, ox.Literal) or prop in (RDF_TYPE, HAS_EVIDENCE):
            continue
        touches.add(o)
        if g.kind(o) == "fact":  # the organisation and place of an office that closes
            touches |= {o2 for p2, o2 in g.out(o) if not isinstance(o2, ox.Literal) and p2 not in (RDF_TYPE, HAS_EVIDENCE)}
    for place in [t for t in touches]:  # a place within a country is in the country too
        touches |= set(g.values(place, ox.NamedNode(str(KG.locatedIn))))
    key = min(keys)
    return Entry(s, label.text, label.lang, label.fallback, kinds[0]["text"] if kinds else "",
                 " · ".join(dict.fromkeys(parts)), key, key[0] if key[0] < 10**6 else None, is_period, reported,
                 touches, iris.href(s.value), label.mixed,
                 tuple({"text": t, "lang": lg} for t, lg in label.parts))
