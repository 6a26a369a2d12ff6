"""Cooperation: the document's organisation works with partners."""

from __future__ import annotations

from ..annotate.doc import Doc as DocContext
from ..claims import ClaimSink
from ..components import component
from .activities import concept_labels, emit_activity, sentence_place

def extract_cooperation(ctx: DocContext, sink: ClaimSink) -> None:
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("cooperation"):
            continue
        owner = ctx.focal_org
        partners = sorted({m.entity for m in sent.orgs if m.entity != owner
                           and ctx.entities[m.entity].cls != "Movement"})
        if not owner or not partners:
            continue
        ev = ctx.sentence_evidence(sent)
        for p in partners:
            if ctx.entities[p].cls == "NationalSociety":
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


@component("cooperation", needs=("sentences", "focus"))
def cooperation(doc) -> None:
    extract_cooperation(doc, doc.sink)
