"""Relations between organisations stated in a sentence: handovers of activities,
referrals (whom to contact for what), membership and cooperation."""

from __future__ import annotations

import re

from ..namespaces import slugify
from .activities import ActivityHit, concept_labels, emit_activity, sentence_place
from .context import DocContext, SentenceView
from .facts import ClaimSink, label_templates, short_name

_CLAUSE_END = re.compile(r"[,.;:!?]")


def _slug(text: str, words: int = 6) -> str:
    return slugify(text, words)


def _clause_after(ctx: DocContext, sent: SentenceView, pos: int) -> str:
    rest = ctx.text.norm[pos:sent.end]
    m = _CLAUSE_END.search(rest)
    return (rest[: m.start()] if m else rest).strip()


def extract_handovers(ctx: DocContext, sink: ClaimSink, hits: list[ActivityHit], by_span: dict, ontology_dir) -> None:
    labels = concept_labels(ontology_dir)
    previous: SentenceView | None = None
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("handover"):
            previous = sent
            continue
        trig = sent.hits("handover")[0]
        giver = ctx.focal_org
        receivers = [m for m in sent.orgs if m.entity != giver]
        if not giver or not receivers:
            previous = sent
            continue
        receiver = min(receivers, key=lambda m: abs(m.norm_start - trig.start)).entity
        ev = ctx.sentence_evidence(sent)
        acts = [h for h in hits if sent.start <= h.start < sent.end
                and not any(m.norm_start <= h.start < m.norm_end for m in sent.orgs)]
        if not acts and previous is not None:
            # "The authorities have taken over this task": the task named just before
            acts = [h for h in hits if previous.start <= h.start < previous.end]
            acts = acts[-1:]
        condition = None
        cond_start = None
        if sent.has("condition"):
            c = sent.hits("condition")[0]
            cond_start = condition_start(ctx, sent, c.start)
            if cond_start < c.start:  # "onların ailələrinin razılığı əsasında": the condition's words precede
                condition = ctx.text.norm[cond_start:c.end]
            else:
                condition = _clause_after(ctx, sent, c.start)
        tmpl = label_templates(ctx.lexicon_dir)["handover"]
        such = _such_as_item(ctx, sent, acts, receivers, trig)
        if such:
            item, begin, end = such
            _emit_item_handover(ctx, sink, sent, begin, end, item, giver, receiver, ev, tmpl, condition)
        if acts:
            for h in acts:
                place = sentence_place(ctx, sent, h.start) or ctx.focal_country
                activity = by_span.get((h.start, h.end)) or emit_activity(ctx, sink, giver, h.type, place, ev, labels)
                key = f"handover/{giver.split('/', 1)[1]}-{h.type}-to-{receiver.split('/', 1)[1]}"
                _emit_handover(ctx, sink, key, giver, receiver, ev, tmpl,
                               {l: labels.get((h.type, l), h.type) for l in tmpl}, condition)
                sink.ref(key, "kg:handedOverActivity", activity)
        else:
            # something other than an activity changes hands: "information collected about the missing"
            end = min([m.norm_start for m in receivers if m.norm_start > sent.start] + [trig.start]
                      + ([cond_start] if cond_start is not None else []))
            item = ctx.text.norm[sent.start:end].strip(" ,")
            item = re.sub(r"\b(was|were|has been|have been|had been)\s*$", "", item).strip(" ,")
            if not item or any(m.norm_start == sent.start for m in receivers):
                # the receiver is the subject ("The authorities have taken over this task")
                previous = sent
                continue
            _emit_item_handover(ctx, sink, sent, sent.start, end, item, giver, receiver, ev, tmpl, condition)
        previous = sent


ITEM_KINDS = ("item_information", "item_activities")


def item_key(ctx: DocContext, sent: SentenceView, start: int, end: int, item: str) -> str:
    """A language-independent name for an item handed over: the kind of thing it is when the
    trigger lexicon knows it, else the item's own words."""
    for kind in ITEM_KINDS:
        if any(start <= h.start < end for h in sent.hits(kind)):
            return kind.split("_", 1)[1]
    return _slug(item)


_GENITIVE = re.compile(r"(nın|nin|nun|nün|ın|in|un|ün)$")


def condition_start(ctx: DocContext, sent: SentenceView, pos: int) -> int:
    """Where a condition begins. In Azerbaijani its words precede the marker as a chain of
    genitives ("onların ailələrinin razılığı əsasında"); elsewhere it starts at the marker."""
    if ctx.lang != "az":
        return pos
    words = [t for t in ctx.text.tokens_in(sent.start, pos) if t.is_word]
    start = pos
    for t in reversed(words):
        if _GENITIVE.search(t.text.lower()):
            start = t.start
        else:
            break
    return start


def _such_as_item(ctx: DocContext, sent: SentenceView, acts, receivers, trig) -> str | None:
    """The general thing handed over when a sentence gives an example: "All other remaining
    activities, such as support to families, …" / "… dəstək kimi digər qalan fəaliyyətlərimiz"."""
    hits = sent.hits("such_as")
    if not hits or not acts:
        return None
    s = hits[0]
    if acts[0].start < s.start:  # the example comes first: the item follows the marker
        begin = s.end
        end = min([m.norm_start for m in receivers if m.norm_start > s.end] + [trig.start])
    else:
        begin, end = sent.start, s.start
    item = ctx.text.norm[begin:end].strip(" ,")
    return (item, begin, end) if len(item.split()) >= 2 else None


def _emit_item_handover(ctx, sink, sent, begin, end, item, giver, receiver, ev, tmpl, condition) -> None:
    kind = item_key(ctx, sent, begin, end, item)
    key = f"handover/{giver.split('/', 1)[1]}-{kind}-to-{receiver.split('/', 1)[1]}"
    names = label_templates(ctx.lexicon_dir).get("handover_items", {}).get(kind)
    # a known kind of item is labelled in every language; otherwise in the document's own
    what = names if names else {ctx.lang: item}
    _emit_handover(ctx, sink, key, giver, receiver, ev, {l: tmpl[l] for l in what}, what, condition)
    sink.lit(key, "kg:handedOverItem", item)


def _emit_handover(ctx, sink, key, giver, receiver, ev, tmpl, what: dict, condition) -> None:
    sink.types(key, "kg:Handover", "kg:Event", evidence=[ev])
    sink.ref(key, "kg:giver", giver)
    sink.ref(key, "kg:receiver", receiver)
    sink.labels(key, {l: tmpl[l].format(what=what[l], giver=short_name(ctx.lexicon, giver, l),
                                        receiver=short_name(ctx.lexicon, receiver, l)) for l in tmpl})
    if condition:
        sink.lit(key, "kg:condition", condition)


def extract_referrals(ctx: DocContext, sink: ClaimSink) -> None:
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("referral") or not sent.orgs:
            continue
        trig = sent.hits("referral")[0]
        to = min(sent.orgs, key=lambda m: abs(m.norm_start - trig.start))
        before = ctx.text.norm[sent.start:min(trig.start, to.norm_start)].strip(" ,.")
        matter = re.sub(r"^(for|для|по)\s+", "", before, flags=re.I) if before else _clause_after(ctx, sent, max(trig.end, to.norm_end))
        if not matter:
            matter = ctx.text.norm[sent.start:sent.end]
        by = ctx.focal_org
        key = f"referral/{by.split('/', 1)[1] if by else 'document'}-to-{to.entity.split('/', 1)[1]}"
        ev = ctx.sentence_evidence(sent)
        sink.types(key, "kg:Referral", evidence=[ev])
        sink.ref(key, "kg:referTo", to.entity)
        if by:
            sink.ref(key, "kg:referredBy", by)
        sink.lit(key, "kg:forMatter", matter)


def extract_memberships(ctx: DocContext, sink: ClaimSink) -> None:
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("membership") or len(sent.orgs) < 2:
            continue
        trig = sent.hits("membership")[0]
        wholes = [m for m in sent.orgs if ctx.lexicon.entities[m.entity].cls in ("Movement", "InternationalFederation")]
        whole = (wholes or [min(sent.orgs, key=lambda m: abs(m.norm_start - trig.start))])[0].entity
        ev = ctx.sentence_evidence(sent)
        for m in sent.orgs:
            if m.entity == whole:
                continue
            key = f"membership/{m.entity.split('/', 1)[1]}-in-{whole.split('/', 1)[1]}"
            sink.types(key, "org:Membership", evidence=[ev])
            sink.ref(key, "org:member", m.entity)
            sink.ref(key, "org:organization", whole)
            sink.ref(m.entity, "org:memberOf", whole)


def extract_cooperation(ctx: DocContext, sink: ClaimSink) -> None:
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("cooperation"):
            continue
        owner = ctx.focal_org
        partners = sorted({m.entity for m in sent.orgs if m.entity != owner
                           and ctx.lexicon.entities[m.entity].cls != "Movement"})
        if not owner or not partners:
            continue
        ev = ctx.sentence_evidence(sent)
        for p in partners:
            if ctx.lexicon.entities[p].cls == "NationalSociety":
                # working with a national society is an activity of its own kind
                place = sentence_place(ctx, sent, sent.start) or ctx.focal_country
                if place:
                    emit_activity(ctx, sink, owner, "cooperation-with-national-society", place, ev,
                                  concept_labels(ctx.ontology_dir))
            a, b = sorted([owner, p])
            key = f"partnership/{a.split('/', 1)[1]}--{b.split('/', 1)[1]}"
            sink.types(key, "kg:Partnership", evidence=[ev])
            sink.ref(key, "kg:partner", a)
            sink.ref(key, "kg:partner", b)
            sink.ref(a, "kg:cooperatesWith", b)


def extract_questions(ctx: DocContext, sink: ClaimSink) -> None:
    """The questions a document asks (an FAQ's questions), each with its passage."""
    for sent in ctx.sentences:
        if sent.is_question:
            key = f"question/{ctx.doc.doc_id.lower()}-{ctx.text.to_original(sent.start, sent.end)[0]}"
            sink.types(key, "kg:Question", evidence=[ctx.sentence_evidence(sent)])
            sink.lit(key, "kg:surfaceText", sent.text)
