"""Referrals: whom the document tells readers to contact, for what."""

from __future__ import annotations

from ..annotate.doc import Doc as DocContext
from ..claims import ClaimSink
from ..components import component
from .common import contact_matter

def extract_referrals(ctx: DocContext, sink: ClaimSink) -> None:
    """Whom to contact for what. The matter is the phrase the language marks as one: after
    the verb ("can be contacted for further information"), fronted ("For cases of missing
    relatives …, please contact"), a condition ("If you have additional questions, …") or,
    where verbs come last, the clause right before the organisation ("əlavə məlumata
    ehtiyac olduqda Dövlət Komissiyası ilə əlaqə saxlanıla bilər"). Telling readers to
    contact the document's own organisation is its contact point, not a referral."""
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("referral") or not sent.orgs:
            continue
        trig = sent.hits("referral")[0]
        to = min(sent.orgs, key=lambda m: abs(m.norm_start - trig.start))
        by = ctx.focal_org
        if to.entity == by:
            continue  # "visit the Contact Us page … and write to us": kg.facts.contacts
        matter = contact_matter(ctx, sent, trig.start, trig.end, to.norm_start, to.norm_end)
        if not matter:
            continue  # whom to contact, but for nothing the text says
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
