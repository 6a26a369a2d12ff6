"""Named entities (organisations and places): one entity per lexicon entry, a label per
name the documents use, evidence per mention."""

from __future__ import annotations

from collections.abc import Mapping

from ..annotate.names import Mention
from ..claims import Claim, Evidence, Lit, Ref
from ..components import component
from ..lexicon import EntityInfo
from ..sources import Document

# The ontology classes for each lexicon class. A movement is a network of organisations
# (kg:Movement), not a kg:Organisation; places are kg:Place.
_BASE_CLASS = {"Movement": "kg:Movement", "Country": "kg:Place", "Settlement": "kg:Place", "Region": "kg:Place",
               "Place": "kg:Place"}  # a place of unknown kind (no dataset knows it)
EXTRACTED_KINDS = ("organisation", "place")


def entity_classes(cls: str) -> list[str]:
    base = _BASE_CLASS.get(cls, "kg:Organisation")
    return [base] if base == f"kg:{cls}" else [base, f"kg:{cls}"]


def extract_organisations(doc: Document, mentions: list[Mention], entities: Mapping[str, EntityInfo]) -> list[Claim]:
    claims: list[Claim] = []
    for m in mentions:
        if m.kind not in EXTRACTED_KINDS:
            continue
        info = entities[m.entity]
        ev = Evidence.of(doc.doc_id, doc.text, m.start, m.end)
        for cls in entity_classes(info.cls):
            claims.append(Claim(doc.doc_id, m.entity, "rdf:type", Ref(cls), [ev]))
        label = _label_of(m, info)
        if label:
            claims.append(Claim(doc.doc_id, m.entity, "skos:altLabel", Lit(label, m.lang), [ev]))
        for prop, place in (("kg:jurisdiction", info.jurisdiction), ("kg:locatedIn", info.part_of)):
            if not place or place not in entities:
                continue
            claims.append(Claim(doc.doc_id, m.entity, prop, Ref(place)))
            # the country or containing place, as the lexicon knows it (it may not be named here)
            outer = entities[place]
            for cls in entity_classes(outer.cls):
                claims.append(Claim(doc.doc_id, place, "rdf:type", Ref(cls)))
            for lang, label in outer.labels.items():
                if lang in ("en", "ru", "az"):
                    claims.append(Claim(doc.doc_id, place, "skos:altLabel", Lit(label, lang)))
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


@component("entities", needs=("mentions",))
def entities(doc) -> None:
    doc.sink.claims.extend(extract_organisations(doc.document, doc.mentions, doc.entities))
