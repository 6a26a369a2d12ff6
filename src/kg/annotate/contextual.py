"""Contextual names resolved in context: "the authorities", "the Ministry of Justice",
"органы власти" name the body of a country the text does not repeat.

The name finder keeps them with a placeholder key (``government-of-{focal}``); once places
are found, each becomes the body of the country named last before it in its paragraph
("in Armenia … the public authorities"), else of the country the document is about
(:func:`kg.annotate.places.document_country`: datelines and contact lines do not count).
One whose body the lexicon does not know is dropped, never given to another country.
"""

from __future__ import annotations

import bisect
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
    starts = [s for s, _ in countries]  # in text order
    out = []
    for m in mentions:
        if FOCAL not in m.entity:
            out.append(m)
            continue
        # the country named last before it in the same paragraph
        k = bisect.bisect_left(starts, m.norm_start) - 1
        paragraph = norm.rfind("\n", 0, m.norm_start)
        country = countries[k][1] if k >= 0 and countries[k][0] > paragraph else focal
        key = doc.lexicon.resolve_focal(m.entity, country)
        if key is not None and key in doc.entities:
            out.append(replace(m, entity=key))
    doc.mentions = out
