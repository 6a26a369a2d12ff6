"""Contextual names resolved in context: "the authorities", "the Ministry of Justice",
"органы власти" name the body of a country the text does not repeat.

The name finder keeps them with a placeholder key (``government-of-{focal}``); once places
are found, each becomes the body of the country named last before it in its paragraph
("in Armenia … the public authorities"), else of the country the document is about
(:func:`kg.annotate.places.document_country`: datelines and contact lines do not count).
One whose body the lexicon does not know is dropped, never given to another country.
"""

from __future__ import annotations

from dataclasses import replace

from ..components import component
from ..lexicon import FOCAL
from .places import SPECIAL_ROLES, country_of, document_country


@component("contextual_names", needs=("mentions",), adds=("mentions",), after=("places",))
def contextual_names(doc) -> None:
    mentions = doc.mentions
    if not any(FOCAL in m.entity for m in mentions):
        return
    focal = document_country(doc, mentions)
    norm = doc.text.norm
    countries = [(m.norm_start, c) for m in mentions
                 if m.kind == "place" and m.role not in SPECIAL_ROLES and (c := country_of(doc, m.entity))]
    out = []
    for m in mentions:
        if FOCAL not in m.entity:
            out.append(m)
            continue
        before = [c for s, c in countries if s < m.norm_start and "\n" not in norm[s:m.norm_start]]
        country = before[-1] if before else focal
        key = doc.lexicon.resolve_focal(m.entity, country)
        if key is not None and key in doc.entities:
            out.append(replace(m, entity=key))
    doc.mentions = out
