"""Mandates and legal instruments: what an organisation's work rests on, and agreements
(who signed them and when, who ratified them, the first visit under them)."""

from __future__ import annotations

import re

from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView
from ..claims import ClaimSink
from ..components import component
from ..annotate.grammar import clause_of
from .common import condition_start, dated_agreement_key, label_templates
from .dates import time_node


def extract_instruments(ctx: DocContext, sink: ClaimSink, activity_hits, by_span) -> None:
    for m in ctx.mentions:
        if m.kind != "instrument":
            continue
        info = ctx.entities[m.entity]
        ev = ctx.evidence(m.norm_start, m.norm_end)
        sink.types(m.entity, "kg:LegalInstrument", f"kg:{info.cls}", evidence=[ev])
        sink.lit(m.entity, "skos:altLabel", m.name, lang=m.lang)  # the corpus-wide step picks the preferred one
        if info.year:
            sink.lit(m.entity, "dcterms:date", info.year, datatype="xsd:gYear")
        # the year written with its name ("Женевских конвенциях 1949 г.", "the 1949 Geneva
        # Conventions") dates the instrument
        for t in ctx.times:
            if t.kind == "instant" and t.precision == "year" and t.value and \
                    (0 <= t.start - m.norm_end <= 2 or 0 <= m.norm_start - t.end <= 2):
                sink.ref(m.entity, "time:hasTime", time_node(sink, t), evidence=[ctx.evidence(min(m.norm_start, t.start), max(m.norm_end, t.end))])
    for sent in ctx.sentences:
        if sent.is_question:
            continue
        _mandate(ctx, sink, sent)
        _presence_condition(ctx, sink, sent)
    _agreements(ctx, sink, activity_hits, by_span)


def _organisation_mandate(ctx: DocContext, sink: ClaimSink, sent: SentenceView, org: str | None = None) -> str:
    """The mandate of an organisation (the document's own unless named), with this sentence
    as evidence."""
    org = org or ctx.focal_org
    key = f"mandate/{org.split('/', 1)[1]}"
    sink.types(key, "kg:Mandate", evidence=[ctx.sentence_evidence(sent)])
    sink.ref(key, "kg:mandateOf", org)
    sink.ref(org, "kg:hasMandate", key)
    tmpl = label_templates(ctx.lexicon_dir)["mandate"]
    names = ctx.entities[org].labels
    sink.labels(key, {lang: tmpl[lang].format(org=names[lang]) for lang in tmpl if names.get(lang)})
    return key


# At most this many words between a predicate and the instrument that completes it ("based on
# the 1949 Geneva Conventions", "Cenevrə Konvensiyaları əsasında").
_COMPLEMENT_GAP = 3


def _complements(ctx: DocContext, sent: SentenceView, kind: str) -> list[tuple[object, object]]:
    """(trigger, instrument) pairs where the instrument completes the trigger's predicate:
    right after it where prepositions precede their noun, right before it where
    postpositions follow (``verb_final``), with no clause break between."""
    instruments = [m for m in sent.mentions if m.kind == "instrument"]
    out = []
    for hit in sent.hits(kind):
        for m in instruments:
            if ctx.language.verb_final:
                gap = ctx.text.norm[m.norm_end:hit.start] if m.norm_end <= hit.start else None
            else:
                gap = ctx.text.norm[hit.end:m.norm_start] if hit.end <= m.norm_start else None
            if gap is None or re.search(r"[,;:.!?()]", gap.replace("(", "")) or len(gap.split()) > _COMPLEMENT_GAP:
                continue
            out.append((hit, m))
    return out


def _holder(ctx: DocContext, sent: SentenceView, pos: int) -> str | None:
    """Whose mandate or commitment: the organisation named last before the predicate in its
    clause, else the document's own ("we", "our mandate")."""
    a, _ = clause_of(ctx, sent, pos)
    before = [m for m in sent.orgs if a <= m.norm_start < pos and m.role in ("name", "acronym")]
    return before[-1].entity if before else ctx.focal_org


def _mandate(ctx: DocContext, sink: ClaimSink, sent: SentenceView) -> None:
    """"Its mandate established in the Geneva Conventions": the mandate is established by the
    instrument only where a predicate says so; "committed to persons protected under IHL",
    "as guardians of IHL": the organisation upholds it (kg:upholds), its mandate unnamed."""
    for hit, m in _complements(ctx, sent, "mandate"):
        org = _holder(ctx, sent, hit.start)
        if org:
            key = _organisation_mandate(ctx, sink, sent, org)
            sink.ref(key, "kg:establishedBy", m.entity, evidence=[ctx.sentence_evidence(sent)])
    for hit, m in _complements(ctx, sent, "upholds"):
        org = _holder(ctx, sent, hit.start)
        if org:
            sink.ref(org, "kg:upholds", m.entity, evidence=[ctx.sentence_evidence(sent)])


def _presence_condition(ctx: DocContext, sink: ClaimSink, sent: SentenceView) -> None:
    """"Our presence in a country is subject to the agreement of the authorities"."""
    if not ctx.focal_org or not sent.has("presence_condition"):
        return
    cond = sent.hits("presence_condition")[0]
    key = _organisation_mandate(ctx, sink, sent)
    clause = ctx.text.norm[condition_start(ctx, sent, cond.start):sent.end].strip(" .")
    sink.lit(key, "kg:condition", clause)


def _agreements(ctx: DocContext, sink: ClaimSink, activity_hits, by_span) -> None:
    current: str | None = None
    for sent in ctx.sentences:
        days = [t for t in sent.times if t.kind == "instant" and t.precision == "day" and t.value]
        if sent.has("agreement") and sent.has("signature") and days:
            # the parties; a post ("the Minister of Justice") signs on a party's behalf
            signatories = [m.entity for m in sent.mentions if m.kind == "organisation" and m.role in ("name", "acronym")]
            current = dated_agreement_key(ctx, days[0].value, signatories)
            ev = ctx.sentence_evidence(sent)
            sink.types(current, "kg:LegalInstrument", "kg:Agreement", evidence=[ev])
            sink.ref(current, "kg:signedOn", sink.instant(days[0].value, days[0].surface))
            sink.labels(current, {"en": f"Agreement signed on {days[0].value}"})
            governments = [m.entity for m in sent.orgs if ctx.entities[m.entity].cls == "Government"]
            for m in sent.mentions:
                if m.kind == "organisation" and m.role in ("name", "acronym"):
                    sink.ref(current, "kg:signatory", m.entity)
                elif m.kind == "organisation" and m.role == "post":
                    signature = f"signature/{days[0].value}-{m.entity.split('/', 1)[1]}"
                    sink.types(signature, "kg:Signature", "kg:Event", evidence=[ctx.evidence(m.norm_start, m.norm_end)])
                    sink.ref(signature, "kg:concerns", current)
                    sink.ref(signature, "kg:signatory", m.entity)
                    sink.ref(signature, "kg:atTime", sink.instant(days[0].value))
                    for g in governments:
                        sink.ref(signature, "kg:onBehalfOf", g)
                    sink.labels(signature, {"en": f"Signature by the {m.exact} of the agreement of {days[0].value}"})
            agr = sent.hits("agreement")[0]
            sig = sent.hits("signature")[0]
            grants = ctx.text.norm[agr.end:sig.start].strip(" ,")
            grants = re.sub(r"\s*\b(was|were|has been|have been)$", "", grants).strip()
            if grants:
                sink.lit(current, "kg:grants", grants)
                # the activities the agreement makes possible rest on it
                for h in activity_hits:
                    if agr.end <= h.start < sig.start and (h.start, h.end) in by_span:
                        sink.ref(by_span[(h.start, h.end)], "kg:groundedIn", current)
            continue
        if current and sent.has("ratification") and days:
            ev = ctx.sentence_evidence(sent)
            sink.types(current, "kg:Agreement", evidence=[ev])
            sink.ref(current, "kg:ratifiedOn", sink.instant(days[0].value, days[0].surface))
            for m in sent.mentions:
                if m.kind in ("post", "organisation"):
                    sink.ref(current, "kg:ratifiedBy", m.entity)
                    if m.kind == "post":
                        _emit_post(ctx, sink, m)
        elif current and sent.has("first_visit") and days:
            ev = ctx.sentence_evidence(sent)
            visit = f"visit/first-under-{current.split('/', 1)[1]}"
            sink.types(visit, "kg:Visit", "kg:Event", evidence=[ev])
            sink.ref(visit, "kg:concerns", current)
            sink.ref(visit, "kg:atTime", sink.instant(days[0].value, days[0].surface))
            sink.ref(current, "kg:firstVisitOn", sink.instant(days[0].value))
            sink.labels(visit, {"en": "First visit under the agreement"})


def _emit_post(ctx: DocContext, sink: ClaimSink, m) -> None:
    info = ctx.entities.get(m.entity)
    sink.types(m.entity, "org:Post", evidence=[ctx.evidence(m.norm_start, m.norm_end)])
    if info:
        sink.labels(m.entity, {l: v for l, v in info.labels.items()})
        if info.jurisdiction:
            sink.ref(m.entity, "kg:jurisdiction", info.jurisdiction)


@component("instruments", needs=("sentences", "mentions", "activity_hits", "activities_by_span"))
def instruments(doc) -> None:
    extract_instruments(doc, doc.sink, doc.activity_hits, doc.facts["activities_by_span"])
