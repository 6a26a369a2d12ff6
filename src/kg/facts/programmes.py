"""Programmes: a named programme of an organisation with its own duration, place and sector,
as a programme sheet gives it in labelled fields ("Duration: 01.01.1998 - present",
"Location: Baku", "Sectors: Repatriation") under its title. The field labels are language
data (``data/lexicon/programmes.yaml``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..annotate.activity_terms import HitsByStart
from ..annotate.doc import Doc as DocContext
from ..components import component
from ..datafile import load_yaml
from ..namespaces import slugify
from ..text import Spans
from .activities import activity_place
from .common import declare_entity
from .dates import time_node
from .document import lines

# A field line: a label, a colon, a value, and nothing else on the line.
_FIELD = re.compile(r"^\s*(?P<label>[^\W\d_][^:\n]{0,40}?)\s*:\s*(?P<value>\S.*?)\s*$")
MIN_FIELDS = 2  # one labelled line may be anything; two of a sheet's fields make a sheet


@lru_cache(maxsize=2)
def _labels(lexicon_dir: Path) -> dict[str, dict[str, list[str]]]:
    return load_yaml((Path(lexicon_dir) / "programmes.yaml"))


def _fields(doc: DocContext) -> dict[str, tuple[int, int, int, int]]:
    """{field: (line start, line end, value start, value end)} of the sheet's field lines."""
    labels = {field: {doc.language.lower(l) for l in by_lang.get(doc.lang, [])}
              for field, by_lang in _labels(doc.lexicon_dir)["fields"].items()}
    out: dict[str, tuple[int, int, int, int]] = {}
    for line in lines(doc.text.norm):
        m = _FIELD.match(line.text)
        if not m:
            continue
        label = doc.language.lower(m.group("label").strip())
        for field, names in labels.items():
            if label in names and field not in out:
                out[field] = (line.start, line.end, line.start + m.start("value"), line.start + m.end("value"))
    return out


def _named_in_text(doc: DocContext) -> None:
    """Programmes named in running text, with who runs them, where, since when and in which
    sector (an activity its name names, else one its clause names)."""
    from .activities import sentence_places
    from .offices import owner_of

    data = _labels(doc.lexicon_dir)["named"]
    heads = data.get("heads", {}).get(doc.lang, [])
    inner = {doc.language.lower(w) for w in data.get("inner_words", {}).get(doc.lang, [])}
    head_first = data.get("head_position", {}).get(doc.lang) == "first"
    if not heads:
        return
    morph = doc.resources.morph
    orgs = Spans([(m.norm_start, m.norm_end) for m in doc.mentions if m.kind == "organisation"], len(doc.text.norm))
    hits_at = HitsByStart(doc.activity_hits or [])
    is_head: dict[str, bool] = {}  # (once per distinct word)
    for sent in doc.sentences:
        toks = [t for t in doc.text.tokens_in(sent.start, sent.end) if t.is_word]
        for i, tok in enumerate(toks):
            head = is_head.get(tok.text)
            if head is None:
                head = is_head[tok.text] = any(morph.matches(doc.lang, h, tok.text, True) for h in heads)
            if not head:
                continue
            # the name's words: capitalised ones (and small words between them) on the side
            # away from the head
            step = 1 if head_first else -1
            j, k = i, i + step
            while 0 <= k < len(toks) and abs(k - i) <= 8:
                w = toks[k].text
                a, b = (toks[k - step], toks[k]) if step > 0 else (toks[k], toks[k - step])
                if set(doc.text.norm[a.end:b.start]) & set(",;:.!?()[]"):
                    break  # a name does not run across a clause's punctuation ("Currently, the … Programme")
                if w[:1].isupper():
                    j = k
                elif doc.language.lower(w) not in inner:
                    break
                k += step
            if j == i:
                continue  # "the programme": no name
            start, end = (toks[i].start, toks[j].end) if head_first else (toks[j].start, toks[i].end)
            if orgs.overlaps(start, end):
                continue  # "World Food Programme": an organisation's name
            # its sector: what its name names ("School Feeding"); a name that names no kind of
            # work gives no programme node (every activity has a type)
            hits = hits_at.between((start, end))
            if not hits:
                continue
            name = " ".join(re.sub(r"[\"'«»“”„]", "", doc.text.norm[start:end]).split())
            state = data.get("state_words", {}).get(doc.lang, [])
            state_word = next((t for t in toks[min(i, j):max(i, j) + 1]
                               if any(morph.matches(doc.lang, w, t.text, True) for w in state)), None)
            if state_word is not None:
                country = next((p for p in sentence_places(doc, sent, start) if p and p.startswith("place/")), None) \
                    or doc.focal_country
                org = doc.lexicon.bodies.get(("government-of", country)) if country else None
                if org:  # the word that makes it the state's is the government's passage
                    declare_entity(doc, org, [doc.evidence(state_word.start, state_word.end)])
            else:
                org = owner_of(doc, sent, start)
            if not org:
                continue
            key = f"programme/{org.split('/', 1)[1]}-{slugify(doc.resources.citation.name(doc.lang, name.split(), heads) or name, 8)}"
            sink = doc.sink
            ev = doc.sentence_evidence(sent)
            sink.types(key, "kg:Programme", "kg:Activity", evidence=[ev])
            sink.lit(key, "skos:prefLabel", doc.resources.citation.name(doc.lang, name.split(), heads) or name, lang=doc.lang)
            sink.ref(key, "kg:performedBy", org)
            for h in dict.fromkeys(h.type for h in hits):
                sink.ref(key, "kg:activityType", f"at:{h}")
            for place in sentence_places(doc, sent, start):
                if place and place != "worldwide":
                    sink.ref(key, "kg:inPlace", place)
            for t in sent.times:
                if t.kind == "start" and t.value:  # "since 2010"
                    period = f"period/{key.replace('/', '-')}"
                    sink.types(period, "kg:Period", "time:ProperInterval", evidence=[doc.evidence(t.start, t.end)])
                    sink.ref(period, "time:hasBeginning", sink.instant(t.value, t.surface))
                    sink.ref(key, "kg:activeDuring", period)
                    break


def extract_programmes(doc: DocContext) -> None:
    _named_in_text(doc)
    fields = _fields(doc)
    title = doc.facts.get("title_span")
    if len(fields) < MIN_FIELDS or not title:
        return
    a, b = title
    in_title = [m for m in doc.mentions if m.kind == "organisation" and a <= m.norm_start < b]
    org = in_title[0].entity if in_title else doc.focal_org
    if not org:
        return
    # its sector: the field's, else what its title names ("Protection Activities in …"); a
    # programme nothing types is left out (every activity has a type)
    types = [h.type for h in doc.activity_hits or [] if fields.get("sector") and fields["sector"][2] <= h.start < fields["sector"][3]] \
        or [h.type for h in doc.activity_hits or [] if a <= h.start < b]
    if not types:
        return
    name = doc.text.norm[a:b].strip()
    key = f"programme/{org.split('/', 1)[1]}-{slugify(name, 8)}"
    sink = doc.sink
    evidence = [doc.evidence(a, b)] + [doc.evidence(s, e) for s, e, _, _ in fields.values()]
    sink.types(key, "kg:Programme", "kg:Activity", evidence=evidence)
    sink.lit(key, "skos:prefLabel", name, lang=doc.lang)
    sink.ref(key, "kg:performedBy", org)

    def within(field: str, items, start=lambda x: x.start):
        if field not in fields:
            return []
        _, _, vs, ve = fields[field]
        return [x for x in items if vs <= start(x) < ve]

    places = within("location", [m for m in doc.mentions if m.kind == "place"], lambda m: m.norm_start)
    for place in dict.fromkeys(activity_place(doc, m) for m in places):
        sink.ref(key, "kg:inPlace", place)
    if not places and doc.focal_country:
        sink.ref(key, "kg:inPlace", doc.focal_country)
    for t in dict.fromkeys(types):
        sink.ref(key, "kg:activityType", f"at:{t}")
    times = within("duration", doc.times or [])
    if times:
        t = times[0]
        if t.kind == "start" and t.value:  # "01.01.1998 - present": begun, not ended
            period = f"period/{key.replace('/', '-')}"
            sink.types(period, "kg:Period", "time:ProperInterval", evidence=[doc.evidence(t.start, t.end)])
            sink.ref(period, "time:hasBeginning", doc.sink.instant(t.value, t.surface))
            sink.ref(key, "kg:activeDuring", period)
        else:
            node = time_node(sink, t)
            if node:
                sink.ref(key, "kg:activeDuring" if node.startswith("period/") else "time:hasTime", node)


@component("programmes", needs=("sentences", "focus", "mentions", "activity_hits", "title_span"))
def programmes(doc) -> None:
    extract_programmes(doc)
