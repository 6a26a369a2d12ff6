"""Acronyms a document defines: "Norwegian Refugee Council (NRC)", "Colombian Red Cross
Society (CRCS)", "Azərbaycan Minatəmizləmə Agentliyinə (ANAMA)".

An organisation's name followed by a bracketed acronym defines it for the document: every
other occurrence of the acronym (inflected as the language inflects foreign words,
"ANAMA-ya", "AzQAÇ-ın": a suffix after a hyphen or apostrophe is a separate token) is that
organisation. When the acronym is one the lexicon knows for an organisation and the name is
one the document introduced (discovered), the name is taken as that organisation's
("Azərbaycan Minatəmizləmə Agentliyi" is ANAMA).
"""

from __future__ import annotations

from dataclasses import replace

from ..components import component
from ..text import Spans
from .names import Mention

_OPEN, _CLOSE = "(", ")"


def looks_like_acronym(word: str) -> bool:
    """Two or more capitals, mostly capitals (NRC, AzRCS, AzQAÇ, МККК, УВКБ), not a roman numeral."""
    letters = [c for c in word if c.isalpha()]
    caps = sum(1 for c in letters if c.isupper())
    return 2 <= len(letters) <= 10 and caps >= 2 and caps * 2 > len(letters) and \
        not set(word) <= set("IVXLC")


def find_definitions(doc) -> list[tuple[Mention, str, int, int]]:
    """(mention of the name, acronym, acronym's start, end) for each "Name (ACR)"."""
    toks = doc.text.tokens
    by_end = {m.norm_end: m for m in doc.mentions if m.kind == "organisation" and m.role == "name"}
    out = []
    for i, t in enumerate(toks[:-3]):
        if t.text != _OPEN or toks[i + 2].text != _CLOSE:
            continue
        acr = toks[i + 1]
        if not acr.is_word or not looks_like_acronym(acr.text):
            continue
        # the name ends just before the bracket (its last word possibly inflected)
        prev_end = toks[i - 1].end if i else None
        m = by_end.get(prev_end)
        if m is not None:
            out.append((m, acr.text, acr.start, acr.end))
    return out


@component("acronyms", needs=("mentions",), adds=("mentions",), after=("organisation_discovery",))
def acronyms(doc) -> None:
    """Acronyms defined in the text resolve their other mentions to the named organisation."""
    definitions = find_definitions(doc)
    if not definitions:
        return
    known_acronyms: dict[str, str] = {}
    for n in doc.lexicon.names:
        if n.role == "acronym":
            known_acronyms.setdefault(n.text, n.entity)
    retarget: dict[str, str] = {}
    defined: dict[str, str] = {}
    for m, acr, _, _ in definitions:
        known = known_acronyms.get(acr)
        if known and known != m.entity and m.entity in doc.entities.local:
            retarget[m.entity] = known  # a discovered name of a known body
            defined[acr] = known
        else:
            defined.setdefault(acr, m.entity)
    mentions = []
    for m in doc.mentions:
        if m.entity in retarget:
            target = retarget[m.entity]
            m = replace(m, entity=target)
        mentions.append(m)
    taken = Spans([(m.norm_start, m.norm_end) for m in mentions], len(doc.text.norm))
    added = []
    for t in doc.text.tokens:
        if not t.is_word or t.text not in defined:
            continue
        if taken.overlaps(t.start, t.end):
            continue
        os_, oe = doc.text.to_original(t.start, t.end)
        added.append(Mention(doc.doc_id, os_, oe, doc.text.original[os_:oe], defined[t.text], doc.lang,
                             t.text, "acronym", t.start, t.end))
    doc.mentions = sorted(mentions + added, key=lambda m: m.norm_start)
