"""Closures, withdrawals, expulsions, suspensions and downsizings of an organisation's
presence, and openings: each from an event frame (:mod:`kg.annotate.frames`).

The unit affected is the office the clause names ("close its office in X", "two
operational centres"), else the organisation's presence in each place the clause names
("close down in Sri Lanka, Poland and Liberia", "pull out of Somalia"), else, when the
clause says "the country" or the organisation is the document's own, in the country the
document says it is about (its headline or first sentence). No place stated, no closure:
an organisation is never said to close where the text does not say. A hedged or negated
statement ("may shut", "did not close") states no event.
"""

from __future__ import annotations

from ..annotate.frames import Frame
from ..components import component
from .common import label_templates, place_name
from .offices import OfficeRef, office_type, office_ref, emit_office, period_key

CLOSING = {"closure", "withdrawal", "expulsion", "suspension", "downsizing"}
SEPARATE = ("suspension", "downsizing")  # ends of a presence that leave it standing
#: organisations whose "closing" something is not a presence ending (a government closing a border)
NOT_PRESENCES = ("Government", "Ministry", "Parliament", "Post")


def _units(doc, frame: Frame) -> list[OfficeRef]:
    agent = frame.agent
    if agent is None or not agent.entity or agent.entity not in doc.entities:
        return []
    org = agent.entity
    if doc.entities[org].cls in NOT_PRESENCES:
        return []
    typ = "Presence"  # no office named: the organisation's presence there
    if frame.units:
        typ = office_type(min(frame.units, key=lambda u: abs(u.start - frame.start)), doc.lang)
    places = [m.entity for m in frame.places if m.entity in doc.entities]
    if not places and doc.focal_country and (frame.country_word or org == doc.focal_org):
        # "in the country", or the document's own organisation in the country the document is about
        places = [doc.focal_country]
    span = (frame.sentence.start, frame.sentence.end)
    refs = []
    for place in places:
        ref = office_ref(doc, org, place, typ, span)
        if ref.key not in {r.key for r in refs}:
            refs.append(ref)
    return refs


def emit_closure(doc, frame: Frame, office: OfficeRef, ev) -> str:
    sink = doc.sink
    prefix = frame.kind if frame.kind in SEPARATE else "closure"
    key = f"{prefix}/" + office.key.replace("/", "-")
    classes = ["kg:Closure", "kg:Event", "org:ChangeEvent"]
    if frame.cls != "Closure":
        classes.append(f"kg:{frame.cls}")
    sink.types(key, *classes, evidence=[ev])
    sink.ref(key, "kg:closedUnit", office.key)
    sink.ref(key, "org:originalOrganization", office.key)
    tmpl = label_templates(doc.lexicon_dir)
    labels = tmpl.get("closure_kinds", {}).get(frame.cls) or tmpl["closure"]
    sink.labels(key, {lang: labels[lang].format(office=_office_label(doc, office, lang)) for lang in labels})
    period = period_key(office.key)
    for t in frame.times:
        if t.kind in ("instant", "end_bound") and t.value:
            instant = sink.instant(t.value, t.surface)
            sink.types(period, "kg:Period", "time:ProperInterval")
            sink.ref(office.key, "kg:activeDuring", period)
            if t.kind == "end_bound":
                sink.ref(key, "kg:endBound", instant)
                sink.ref(period, "kg:endBound", instant)
            else:
                sink.ref(key, "kg:atTime", instant)
                sink.ref(period, "time:hasEnd", instant)
            break
    decider = frame.decider
    if decider is None and frame.sentence.has("decision"):
        dec = frame.sentence.hits("decision")[0]
        others = [m for m in frame.sentence.orgs if m.entity != office.org]
        if others:
            decider = min(others, key=lambda m: abs(m.norm_start - dec.start))
    if decider is not None and decider.entity and decider.entity != office.org:
        sink.ref(key, "kg:decidedBy", decider.entity)
    reason = reason_of(doc, frame.sentence)
    if reason:
        sink.lit(key, "kg:reason", reason)
    return key


def _office_label(doc, office: OfficeRef, lang: str) -> str:
    from .common import short_name

    tmpl = label_templates(doc.lexicon_dir)
    return tmpl["office"][lang].format(
        org=short_name(doc, office.org, lang),
        type=tmpl["office_types"][office.type][lang],
        place=place_name(doc, office.place, lang),
    )


def reason_of(doc, sent) -> str | None:
    """The clause a reason connective introduces ("X, so we closed" / "because X")."""
    hits = sent.hits("reason")
    if not hits:
        return None
    hit = hits[0]
    text = doc.text.norm
    if hit.term.startswith((",", "so")):
        # the reason precedes: from after a leading time phrase to the connective
        begin = sent.start
        for t in sent.times:
            if t.start - sent.start < 20:
                begin = max(begin, t.end)
        clause = text[begin:hit.start].strip(" ,")
    else:
        clause = text[hit.end:sent.end].strip(" ,.")
    return clause or None


def emit_opening(doc, frame: Frame, office: OfficeRef, ev) -> None:
    sink = doc.sink
    key = "opening/" + office.key.replace("/", "-")
    sink.types(key, "kg:Opening", "kg:Event", "org:ChangeEvent", evidence=[ev])
    sink.ref(key, "kg:openedUnit", office.key)
    sink.ref(key, "org:resultingOrganization", office.key)
    tmpl = label_templates(doc.lexicon_dir).get("opening")
    if tmpl:
        sink.labels(key, {lang: tmpl[lang].format(office=_office_label(doc, office, lang)) for lang in tmpl})
    for t in frame.times:
        if t.kind in ("instant", "start") and t.value:
            instant = sink.instant(t.value, t.surface)
            sink.ref(key, "kg:atTime", instant)
            period = period_key(office.key)
            sink.types(period, "kg:Period", "time:ProperInterval")
            sink.ref(office.key, "kg:activeDuring", period)
            sink.ref(period, "time:hasBeginning", instant)
            break


@component("closures", needs=("frames", "offices"))
def closures(doc) -> None:
    """Closures and openings the document states, with the office each affects. Every
    sentence that states one event of one office adds its passage, time, decider and
    reason to that one event (a headline and the story's first sentence state one closure)."""
    offices = doc.facts["offices"]
    events: dict[tuple[str, str], list[tuple[Frame, OfficeRef]]] = {}
    for frame in doc.facts["frames"]:
        if frame.hedged or frame.negated or (frame.kind not in CLOSING and frame.kind != "opening"):
            continue
        if frame.kind == "opening" and not frame.units:
            continue  # "open" what? an office must be named ("opened its office in X")
        for office in _units(doc, frame):
            office = offices.get(office.key) or office
            offices.setdefault(office.key, office)
            # a downsizing or a suspension is an event of its own beside the closing of the same unit
            kind = "opening" if frame.kind == "opening" else frame.kind if frame.kind in SEPARATE else "closure"
            events.setdefault((kind, office.key), []).append((frame, office))
    for (kind, _), stated in events.items():
        # the most specific kind stated (an expulsion is also a withdrawal)
        stated.sort(key=lambda fo: (_SPECIFICITY.get(fo[0].cls, 0), bool(fo[0].times)), reverse=True)
        main_frame, office = stated[0]
        for frame, _ in stated:
            ev = doc.sentence_evidence(frame.sentence)
            emit_office(doc, doc.sink, office, ev)
            merged = Frame(**{**frame.__dict__, "cls": main_frame.cls,
                              "decider": frame.decider or main_frame.decider})
            if kind == "opening":
                emit_opening(doc, merged, office, ev)
            else:
                emit_closure(doc, merged, office, ev)


#: a more specific statement of the end of a presence wins the event's class
_SPECIFICITY = {"Expulsion": 3, "Withdrawal": 2, "Suspension": 1, "Downsizing": 1, "Closure": 0}
