"""Memberships: an organisation is a member of a movement or federation."""

from __future__ import annotations

from ..annotate.doc import Doc as DocContext
from ..claims import ClaimSink
from ..components import component

def extract_memberships(ctx: DocContext, sink: ClaimSink) -> None:
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("membership") or len(sent.orgs) < 2:
            continue
        trig = sent.hits("membership")[0]
        wholes = [m for m in sent.orgs if ctx.entities[m.entity].cls in ("Movement", "InternationalFederation")]
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


@component("memberships", needs=("sentences",))
def memberships(doc) -> None:
    extract_memberships(doc, doc.sink)
