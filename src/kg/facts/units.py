"""Units of an organisation: a named part of it ("the Tracing Service of the Azerbaijan Red
Crescent Society", "the ICRC Protection team") as org:OrganizationalUnit, org:unitOf the
organisation, with its name as the text gives it (kg:hasUnitName). The head nouns and how a
language joins a unit to its organisation are data (``data/lexicon/units.yaml``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..annotate.doc import Doc as DocContext
from ..components import component
from ..datafile import load_yaml
from ..namespaces import slugify

MAX_NAME_WORDS = 4


@lru_cache(maxsize=2)
def _data(lexicon_dir: Path) -> dict:
    return load_yaml(Path(lexicon_dir) / "units.yaml")


def _is_name_word(w: str, first: bool, title_case: bool) -> bool:
    return w[:1].isupper() or (not title_case and not first)


def extract_units(doc: DocContext) -> None:
    data = _data(doc.lexicon_dir)
    heads = {h.lower() for h in data.get("heads", {}).get(doc.lang, [])}
    connectors = sorted((c for c in data.get("of", {}).get(doc.lang, []) if c is not None), key=len, reverse=True)
    if not heads:
        return
    norm = doc.text.norm
    language = doc.language
    head_first = data.get("head_position", {}).get(doc.lang) == "first"
    title_case = data.get("title_case", {}).get(doc.lang, True)
    for m in doc.mentions or []:
        if m.kind != "organisation" or m.role not in ("name", "acronym"):
            continue
        found = None
        # the unit before its organisation: "Tracing Service of the …", "Служба розыска …"
        before = norm[max(0, m.norm_start - 80):m.norm_start]
        # (what the pattern needs at the end — the connector, then spaces — tested first: the
        # pattern tried at each of 80 characters was 3 % of extraction)
        trimmed = before.rstrip() if before[-1:].isspace() else None
        for c in connectors:
            if trimmed is None or not trimmed.endswith(c.rstrip()):
                continue
            tail = rf"\s+{re.escape(c)}\s+$" if c else r"\s+$"
            mm = re.search(rf"((?:[^\W\d_][\w-]*\s+){{0,{MAX_NAME_WORDS - 1}}}[^\W\d_][\w-]*){tail}", before, re.I if not c else 0)
            if not mm:
                continue
            words = mm.group(1).split()
            # the longest run of name words ending (en) or starting (ru) with a head
            for k in range(len(words)):
                cand = words[k:]
                head = cand[0] if head_first else cand[-1]
                if language.lower(head) in heads and all(_is_name_word(w, i == 0, title_case) for i, w in enumerate(cand)):
                    found = (" ".join(cand), m.norm_start - len(before) + mm.start(1) + len(" ".join(words[:k])) + (1 if k else 0))
                    break
            if found:
                break
        # the unit right after its organisation: "the ICRC Protection team", "AQAC-ın Axtarış Xidməti"
        if not found:
            after = norm[m.norm_end:m.norm_end + 60]
            mm = re.match(r"(?:-?\w{0,4})?\s+((?:[^\W\d_][\w-]*\s+){0,%d}[^\W\d_][\w-]*)" % (MAX_NAME_WORDS - 1), after)
            if mm:
                words = mm.group(1).split()
                for k in range(len(words), 0, -1):
                    cand = words[:k]
                    if language.lower(cand[-1]) in heads and all(w[:1].isupper() for w in cand[:-1]) and len(cand) >= 2:
                        found = (" ".join(cand), m.norm_end + mm.start(1))
                        break
        if not found:
            continue
        name, start = found
        key = f"unit/{m.entity.split('/', 1)[1]}-{slugify(name, 4)}"
        ev = doc.evidence(min(start, m.norm_start), max(start + len(name), m.norm_end))
        sink = doc.sink
        sink.types(key, "org:OrganizationalUnit", evidence=[ev])
        sink.ref(key, "org:unitOf", m.entity)
        sink.ref(m.entity, "org:hasUnit", key)
        sink.lit(key, "kg:hasUnitName", name)
        org_names = doc.entities[m.entity].labels if m.entity in doc.entities else {}
        sink.labels(key, {lang: f"{name} ({org_names[lang]})" if lang == doc.lang else f"{org_names[lang]}: {name}"
                          for lang in org_names})


@component("units", needs=("mentions",))
def units(doc) -> None:
    extract_units(doc)
