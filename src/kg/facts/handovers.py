"""Handovers: an organisation hands an activity or a thing (information, equipment, the
remaining activities) to another, possibly on a condition."""

from __future__ import annotations

import re

from ..annotate.activity_terms import ActivityHit
from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView
from ..claims import ClaimSink
from ..components import component
from ..namespaces import slugify
from .activities import concept_labels, emit_activity, sentence_place
from .common import clause_after, condition_start, label_templates, short_name

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
                condition = clause_after(ctx, sent, c.start)
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
    return slugify(item, 6)


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
    sink.labels(key, {l: tmpl[l].format(what=what[l], giver=short_name(ctx, giver, l),
                                        receiver=short_name(ctx, receiver, l)) for l in tmpl})
    if condition:
        sink.lit(key, "kg:condition", condition)


@component("handovers", needs=("sentences", "activity_hits", "activities_by_span"))
def handovers(doc) -> None:
    extract_handovers(doc, doc.sink, doc.activity_hits, doc.facts["activities_by_span"], doc.ontology_dir)
