"""Referrals: whom the document tells readers to contact, for what."""

from __future__ import annotations

import re

from ..annotate.doc import Doc as DocContext
from ..claims import ClaimSink
from ..components import component
from .common import clause_after

def extract_referrals(ctx: DocContext, sink: ClaimSink) -> None:
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("referral") or not sent.orgs:
            continue
        trig = sent.hits("referral")[0]
        to = min(sent.orgs, key=lambda m: abs(m.norm_start - trig.start))
        before = ctx.text.norm[sent.start:min(trig.start, to.norm_start)].strip(" ,.")
        matter = re.sub(r"^(for|для|по)\s+", "", before, flags=re.I) if before else clause_after(ctx, sent, max(trig.end, to.norm_end))
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


@component("referrals", needs=("sentences", "focus"))
def referrals(doc) -> None:
    extract_referrals(doc, doc.sink)
