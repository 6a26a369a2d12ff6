"""Offices, delegations and delegates' bases; when they opened and closed, who decided, why.

An office is keyed by its organisation and place. A delegation to a country and an
office in that country's capital are one unit (organisations keep their delegation in
the capital), so "our office in Baku" and "the delegation in Azerbaijan" meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..annotate.grammar import clause_of, mention_case, preposition_case
from ..annotate.names import Mention
from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView
from ..claims import ClaimSink
from ..components import component
from .common import label_templates, place_name, short_name
from ..annotate.triggers import TriggerHit

#: the class of unit each kind of unit noun (data/lexicon/triggers.yaml) names
UNIT_KINDS = {"office": "Office", "delegation": "Delegation", "facility": "Facility", "delegates_base": "DelegatesBase"}
NEAR = 60  # characters: how far a place or an organisation may stand from the office noun
#: organisations that work across countries: "the ICRC in Armenia" is their unit there (a
#: national body "in Kosovo" is not a unit of anything)
INTERNATIONAL = ("HumanitarianOrganisation", "IntergovernmentalOrganisation", "InternationalFederation",
                 "NonGovernmentalOrganisation", "UNAgency")


@dataclass(frozen=True)
class OfficeRef:
    key: str  # "office/icrc-azerbaijan"
    org: str
    place: str  # place key the office is keyed by (a country or a settlement)
    type: str  # Delegation | Office | DelegatesBase
    span: tuple[int, int]  # normalised span of the noun phrase
    settlement: str | None = None  # the capital named, when keyed by the country


def office_type(hit: TriggerHit, lang: str | None = None) -> str:
    return UNIT_KINDS.get(hit.kind, "Office")


def unit_hits(sent: SentenceView) -> list[TriggerHit]:
    """The words of a sentence that name a unit of an organisation, in order."""
    return sorted((h for kind in UNIT_KINDS for h in sent.hits(kind)), key=lambda h: h.start)


def _mentions_country_word(ctx: DocContext, sent: SentenceView, near: int) -> bool:
    words = label_templates(ctx.lexicon_dir)["the_country"].get(ctx.lang, [])
    window = ctx.text.norm[max(sent.start, near - NEAR): min(sent.end, near + NEAR)].lower()
    return any(w in window for w in words)


def owner_of(ctx: DocContext, sent: SentenceView, pos: int) -> str | None:
    """The organisation an office or activity belongs to: a self-reference ("our") or the
    document's own organisation when the sentence names it, else the nearest organisation."""
    # a government is acted upon here ("helped the authorities"); a movement acts through its members
    orgs = [m for m in sent.orgs if ctx.entities[m.entity].cls not in ("Government", "Ministry", "Movement")]
    # "… the Azerbaijan Red Crescent Society, which strives to re-establish family links"
    for rel in sent.hits("relative"):
        before = [m for m in orgs if m.norm_end <= rel.start]
        if before and rel.start - before[-1].norm_end <= 3 and rel.end <= pos:
            return before[-1].entity
    if sent.has("self") or any(m.entity == ctx.focal_org for m in orgs) or not orgs:
        return ctx.focal_org
    return min(orgs, key=lambda m: abs(m.norm_start - pos)).entity


def _places_near(sent: SentenceView, pos: int, ctx: DocContext) -> list[Mention]:
    """Places near an office noun, its seat first: a place in a place slot ("located in
    Sarajevo", "Bakıda") before one it serves ("a sub-delegation for Bosnia and Herzegovina")."""
    near = [m for m in sent.places if abs(m.norm_start - pos) <= NEAR]
    cases = {id(m): mention_case(ctx, m) for m in near}
    near = [m for m in near if cases[id(m)] != "dative"] or near
    return sorted(near, key=lambda m: (cases[id(m)] not in ("locative", None), abs(m.norm_start - pos)))


def _owner_named_with(ctx: DocContext, sent: SentenceView, hit: TriggerHit) -> str | None:
    """The organisation named with the office noun: its possessor right before it ("OCHA's
    Nepal office", "BQXK-nın Bakı ofisi", "cəmiyyətinin … anbarı") or its genitive right
    after it ("бюро МККК", "office of UNHCR")."""
    norm = ctx.text.norm
    near = [m for m in sent.orgs if 0 <= hit.start - m.norm_end <= 30 and not re.search(r"[,;:()]", norm[m.norm_end:hit.start])
            and mention_case(ctx, m) == "genitive"
            and preposition_case(ctx.language, norm, m.norm_start) is None]  # "X's", "X-nın": not "a decision of X"
    near += [m for m in sent.orgs if 0 <= m.norm_start - hit.end <= 6]
    return min(near, key=lambda m: min(abs(hit.start - m.norm_end), abs(m.norm_start - hit.end))).entity if near else None


def _modifier_owner(ctx: DocContext, sent: SentenceView, hit: TriggerHit) -> str | None:
    """An organisation's name right before the noun, as its modifier ("one MSF hospital")."""
    before = [m for m in sent.orgs if 0 <= hit.start - m.norm_end <= 2]
    return before[-1].entity if before else None


def _subject_owner(ctx: DocContext, sent: SentenceView, hit: TriggerHit) -> str | None:
    """The organisation that has the office when the office noun is the object of its
    clause ("The ICRC has a regional delegation in Belgrade"): the clause's subject before it.
    An organisation after the noun is what the office works with, never its owner."""
    a, _ = clause_of(ctx, sent, hit.start)
    cands = [m for m in sent.orgs if a <= m.norm_start and m.norm_end <= hit.start
             and preposition_case(ctx.language, ctx.text.norm, m.norm_start) is None
             and ctx.entities[m.entity].cls not in ("Government", "Ministry", "Movement")]
    return cands[-1].entity if cands else None


def resolve_office(ctx: DocContext, sent: SentenceView, hit: TriggerHit) -> list[OfficeRef]:
    if hit.kind == "facility":
        # a hospital or a warehouse is an organisation's unit only when named as theirs
        org = _owner_named_with(ctx, sent, hit) or _modifier_owner(ctx, sent, hit)
    else:
        # named with it, else the subject of its clause, else the document's organisation ("the delegation")
        org = _owner_named_with(ctx, sent, hit) or _subject_owner(ctx, sent, hit) or ctx.focal_org
    if org is None:
        return []
    typ = office_type(hit, ctx.lang)
    places = _places_near(sent, hit.start, ctx)
    if typ == "DelegatesBase":
        # the list of places right after "delegates based in": "Erevan and Khankendi"
        refs, pos = [], hit.end
        for m in sorted((m for m in sent.places if m.norm_start >= hit.end), key=lambda m: m.norm_start):
            gap = ctx.text.norm[pos:m.norm_start].strip(" ,").lower()
            if gap not in ("", "and", "и", "və"):
                break
            refs.append(office_ref(ctx, org, m.entity, typ, (hit.start, m.norm_end), keep_settlement=True))
            pos = m.norm_end
        return refs
    if places:
        m = places[0]
        return [office_ref(ctx, org, m.entity, typ, (min(hit.start, m.norm_start), max(hit.end, m.norm_end)))]
    if ctx.focal_country and (_mentions_country_word(ctx, sent, hit.start) or sent.has("closure") or sent.has("self")):
        return [office_ref(ctx, org, ctx.focal_country, typ, (hit.start, hit.end))]
    return []


def office_ref(ctx: DocContext, org: str, place: str, typ: str, span, keep_settlement: bool = False) -> OfficeRef:
    info = ctx.entities[place]
    settlement = None
    if info.cls == "Settlement" and info.capital and info.part_of and not keep_settlement:
        settlement, place = place, info.part_of
    slug = f"{org.split('/', 1)[1]}-{place.split('/', 1)[1]}"
    if typ == "DelegatesBase":
        slug = f"{org.split('/', 1)[1]}-delegates-{place.split('/', 1)[1]}"
    return OfficeRef(f"office/{slug}", org, place, typ, span, settlement)


def emit_office(ctx: DocContext, sink: ClaimSink, ref: OfficeRef, evidence) -> None:
    if ref.type == "Presence":  # its work in a place, no office named ("closes down in Sri Lanka")
        classes = ["kg:Presence"]
    else:
        classes = ["kg:Office"] if ref.type == "Office" else ["kg:Office", f"kg:{ref.type}"]
    sink.types(ref.key, *classes, evidence=[evidence])
    sink.ref(ref.key, "org:unitOf", ref.org)
    sink.ref(ref.key, "kg:inPlace", ref.place)
    if ref.settlement:
        sink.ref(ref.key, "kg:inPlace", ref.settlement)
    tmpl = label_templates(ctx.lexicon_dir)
    labels = {}
    for lang in ("en", "ru", "az"):
        place_label = place_name(ctx, ref.place, lang)
        labels[lang] = tmpl["office"][lang].format(
            org=short_name(ctx, ref.org, lang),
            type=tmpl["office_types"][ref.type if ref.type != "Office" else "Office"][lang],
            place=place_label,
        )
    sink.labels(ref.key, labels)


def period_key(office_key: str) -> str:
    return "period/" + office_key.replace("/", "-")


def extract_offices(ctx: DocContext, sink: ClaimSink) -> dict[str, OfficeRef]:
    """Offices named in the document and the start of the organisation's presence (closures
    and openings stated as events are :mod:`kg.facts.closures`)."""
    found: dict[str, OfficeRef] = {}
    mentions: list[OfficeRef] = []  # every phrase naming an office, with its span (kg:runBy)
    unit_in = label_templates(ctx.lexicon_dir).get("unit_in", {}).get(ctx.lang, [])
    for sent in ctx.sentences:
        refs: list[OfficeRef] = []
        for hit in unit_hits(sent):
            refs.extend(resolve_office(ctx, sent, hit))
        # "The ICRC in Armenia": an organisation named with a country stands for its unit there
        for org in sent.orgs:
            for place in sent.places:
                between = ctx.text.norm[org.norm_end:place.norm_start].strip().lower()
                if place.norm_start > org.norm_end and between in unit_in and \
                        ctx.entities[place.entity].cls == "Country" and \
                        ctx.entities[org.entity].cls in INTERNATIONAL:
                    refs.append(office_ref(ctx, org.entity, place.entity, "Office", (org.norm_start, place.norm_end)))
        if sent.is_question:
            continue  # a question states nothing; its answer does
        ev = ctx.sentence_evidence(sent)
        for ref in refs:
            found.setdefault(ref.key, ref)
            emit_office(ctx, sink, ref, ev)
            mentions.append(ref)
    extract_openings(ctx, sink, found)
    ctx.facts["office_mentions"] = mentions
    return found


def _office_label(ctx: DocContext, office: OfficeRef, lang: str) -> str:
    tmpl = label_templates(ctx.lexicon_dir)
    return tmpl["office"][lang].format(
        org=short_name(ctx, office.org, lang),
        type=tmpl["office_types"][office.type][lang],
        place=place_name(ctx, office.place, lang),
    )


def extract_openings(ctx: DocContext, sink: ClaimSink, offices: dict[str, OfficeRef]) -> None:
    """"Active in Azerbaijan since 1992": the organisation's unit in that country began then."""
    for sent in ctx.sentences:
        if sent.is_question:
            continue
        starts = [t for t in sent.times if t.kind == "start" and t.value]
        if not starts or not ctx.focal_org or not ctx.focal_country:
            continue
        org = owner_of(ctx, sent, starts[0].start)
        if org != ctx.focal_org:
            continue
        places = [m for m in sent.places if ctx.entities[m.entity].cls in ("Country", "Settlement")]
        if places and ctx.entities[places[0].entity].cls == "Country" and places[0].entity != ctx.focal_country:
            continue
        if not (sent.has("opening") or sent.has("office")):
            continue  # "implementing the programme since 2010": the programme began, not a presence
        # "active in Ganja since 2015": the office in that town; else its presence in the country
        ref = office_ref(ctx, org, places[0].entity if places else ctx.focal_country, "Office", (sent.start, sent.end))
        existing = offices.get(ref.key)
        ev = ctx.sentence_evidence(sent)
        emit_office(ctx, sink, existing or ref, ev)
        offices.setdefault(ref.key, ref)
        period = period_key(ref.key)
        sink.types(period, "kg:Period", "time:ProperInterval")
        sink.ref(ref.key, "kg:activeDuring", period)
        sink.ref(period, "time:hasBeginning", sink.instant(starts[0].value, starts[0].surface), evidence=[ev])
        return  # the first statement of the start is enough


@component("offices", needs=("sentences", "focus"), adds=("offices", "office_mentions"))
def offices(doc) -> None:
    doc.facts["offices"] = extract_offices(doc, doc.sink)
