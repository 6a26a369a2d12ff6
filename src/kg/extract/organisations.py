"""Organisations: one entity per lexicon entry, a label per name used, evidence per mention."""

from __future__ import annotations

from ..claims import Claim, Evidence, Lit, Ref
from ..lexicon import Lexicon
from ..mentions import Mention
from ..sources import Document

# Ontology class per lexicon class; every organisation is also a kg:Organisation,
# except a movement, which is a network of organisations (kg:Movement).
_BASE_CLASS = {"Movement": "kg:Movement"}


def organisation_classes(cls: str) -> list[str]:
    base = _BASE_CLASS.get(cls, "kg:Organisation")
    return [base] if base == f"kg:{cls}" else [base, f"kg:{cls}"]


def extract_organisations(doc: Document, mentions: list[Mention], lexicon: Lexicon) -> list[Claim]:
    claims: list[Claim] = []
    for m in mentions:
        if m.kind != "organisation":
            continue
        info = lexicon.entity(m.entity)
        ev = Evidence.of(doc.doc_id, doc.text, m.start, m.end)
        for cls in organisation_classes(info.cls):
            claims.append(Claim(doc.doc_id, m.entity, "rdf:type", Ref(cls), [ev]))
        label = _label_of(m, info)
        if label:
            claims.append(Claim(doc.doc_id, m.entity, "skos:altLabel", Lit(label, m.lang), [ev]))
        if info.jurisdiction:
            claims.append(Claim(doc.doc_id, m.entity, "kg:jurisdiction", Ref(info.jurisdiction), [ev]))
    return claims


def _label_of(m: Mention, info) -> str | None:
    """The name this mention gives the entity, in canonical spelling (not inflected)."""
    if info.generated:
        # Bodies made from templates ("органы власти Азербайджана", "national authorities",
        # "Minister of Justice") are labelled with their canonical name in that language.
        return info.labels.get(m.lang)
    if m.role in ("contextual", "post", "short"):
        return None  # "the Commission": a reference, not a name
    return m.name
