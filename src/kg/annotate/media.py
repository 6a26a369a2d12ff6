"""News media, by the shape of their names: a news website named by its address
("Newscenter.az", "Şəffaflıq.az-a xəbər verilib") and the agency a dateline credits
("GENEVA (Reuters) –", "АСТАНА, 14 ноя - РИА Новости,", "ДУШАНБЕ, 07.03.2022 /НИАТ «Ховар»/").
The endings are in ``data/lexicon/media.yaml``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..components import component
from ..datafile import load_yaml
from ..lexicon import EntityInfo
from ..namespaces import slugify
from .names import Mention

CLASS = "MediaOrganisation"
# after a dateline's place: an agency in brackets, between slashes, or after a dash up to a comma
_CREDIT = re.compile(r"[^\n]{0,25}?(?:\((?P<p>[^()\n]{2,40})\)|/(?P<s>[^/\n]{2,40})/|\s[-–—]\s(?P<d>[^,.\n]{2,40})[,.])")


@lru_cache(maxsize=2)
def _tlds(path: Path) -> tuple[str, ...]:
    return tuple(load_yaml(path)["tlds"])


def _mention(doc, s: int, e: int, name: str) -> Mention:
    key = f"organisation/{slugify(name, 8)}"
    if key not in doc.entities:
        doc.entities.add(EntityInfo(key, CLASS, {doc.lang: name}))
    os_, oe = doc.text.to_original(s, e)
    return Mention(doc.doc_id, os_, oe, doc.text.original[os_:oe], key, doc.lang, name, "name", s, e)


@component("media", needs=("mentions",), adds=("mentions",), after=("places",))
def media(doc) -> None:
    norm = doc.text.norm
    taken = [(m.norm_start, m.norm_end) for m in doc.mentions if m.kind in ("organisation", "person")]
    found: list[Mention] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken + [(m.norm_start, m.norm_end) for m in found])

    tlds = "|".join(re.escape(t) for t in sorted(_tlds(doc.lexicon_dir / "media.yaml"), key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w@/.])([^\W\d_][\w-]*\.(?:{tlds}))(?![\w@]|\.[^\W\d_])", norm, re.I):
        name = m.group(1)
        if name[0].isupper() and free(m.start(1), m.end(1)):
            found.append(_mention(doc, m.start(1), m.end(1), name))
    for place in (m for m in doc.mentions if m.kind == "place" and m.role == "dateline"):
        c = _CREDIT.match(norm, place.norm_end)
        if not c:
            continue
        group = next(g for g in ("p", "s", "d") if c.group(g))
        s, e = c.start(group), c.end(group)
        text = norm[s:e].strip()
        if text[:1] in "«\"" and text[-1:] in "»\"":  # a name in quotes: the name
            text = text[1:-1].strip()
        s = norm.index(text, s)
        e = s + len(text)
        words = text.split()
        if not words or not words[0][0].isupper() or len(words) > 5 or any(w[0].isdigit() for w in words):
            continue
        if free(s, e) and not any(p.norm_start < e and s < p.norm_end for p in doc.mentions if p.kind == "place"):
            found.append(_mention(doc, s, e, text))
    if found:
        doc.mentions = sorted(doc.mentions + found, key=lambda m: m.norm_start)
