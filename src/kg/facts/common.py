"""Helpers the fact extractors share: label templates, short names, clause boundaries."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView
from ..datafile import load_yaml
from ..namespaces import slugify
from .entities import entity_classes

@lru_cache(maxsize=4)
def label_templates(lexicon_dir: Path) -> dict:
    return load_yaml(lexicon_dir / "labels.yaml")


def short_name(doc: DocContext, key: str, lang: str) -> str:
    """An entity's short name in a language: its acronym if the lexicon has one."""
    info = doc.entities.get(key)
    if info is None:
        return key.split("/", 1)[1]
    return doc.lexicon.acronym(key, lang) or info.labels.get(lang) or info.labels.get("en") or key


def declare_entity(doc: DocContext, key: str, evidence: list) -> None:
    """An entity a fact names that no mention in the document names (the state a programme is
    handed over to, "nationalisation"): its classes, evidenced by the passage that implies it,
    and its lexicon names, so that the fact's node is never untyped nor unevidenced."""
    info = doc.entities.get(key)
    if info is None or any(m.entity == key for m in doc.mentions or ()):
        return  # (named in the document: its mentions type it)
    for cls in entity_classes(info.cls):
        doc.sink.ref(key, "rdf:type", cls, evidence=evidence)
    for lang, label in info.labels.items():
        if lang in ("en", "ru", "az") and label:
            doc.sink.lit(key, "skos:altLabel", label, lang=lang)
    if info.jurisdiction and info.jurisdiction in doc.entities:
        doc.sink.ref(key, "kg:jurisdiction", info.jurisdiction)


def dated_agreement_key(doc: DocContext, day: str, parties) -> str:
    """The key of an agreement concluded on ``day``: the day and the organisations that
    concluded it (the states' side when no organisation is named). The day alone would make
    one agreement of every two signed on the same day by different parties in different
    documents; the state's side is left out because it is often only implied ("the agreement
    with the authorities"), so that two documents telling of one agreement still meet."""
    def tail(key: str) -> str:
        return key.split("/", 1)[1]

    named = sorted(set(parties))
    bodies = [p for p in named if (info := doc.entities.get(p)) is None or info.cls != "Government"]
    who = "-".join(tail(p) for p in (bodies or named))
    return f"agreement/{day}-{slugify(who, 12)}" if who else f"agreement/{day}"


def place_name(doc: DocContext, key: str, lang: str) -> str:
    """A place's name in a language, else in English, else in any language the gazetteer
    gives (a region GeoNames names only in English), never its key."""
    labels = doc.entities[key].labels if key in doc.entities else {}
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), None) or key.split("/", 1)[-1]


_CLAUSE_END = re.compile(r"[,.;:!?]")


def clause_after(ctx: DocContext, sent: SentenceView, pos: int) -> str:
    rest = ctx.text.norm[pos:sent.end]
    m = _CLAUSE_END.search(rest)
    return (rest[: m.start()] if m else rest).strip()


def condition_start(ctx: DocContext, sent: SentenceView, pos: int) -> int:
    """Where a condition begins. In a language whose modifiers precede what they modify in
    the genitive, its words precede the marker as a chain of genitives ("onların
    ailələrinin razılığı əsasında"); elsewhere it starts at the marker."""
    language = ctx.language
    if not language.verb_final or not language.genitive_endings:
        return pos
    words = [t for t in ctx.text.tokens_in(sent.start, pos) if t.is_word]
    start = pos
    for t in reversed(words):
        if language.lower(t.text).endswith(language.genitive_endings):
            start = t.start
        else:
            break
    return start


def contact_matter(ctx: DocContext, sent: SentenceView, trig_start: int, trig_end: int,
                   to_start: int | None = None, to_end: int | None = None) -> str | None:
    """What readers are told to get in touch for. The language marks it: a phrase after the
    verb and whom to contact ("can be contacted for further information"), fronted ("For
    cases of missing relatives …, please contact"), a condition ("If you have additional
    questions, …"), the subject of "can be obtained" ("Дополнительную информацию можно
    получить, обратившись …") or, where verbs come last, the clause right before
    ("əlavə məlumata ehtiyac olduqda … ilə əlaqə saxlanıla bilər")."""
    language = ctx.language
    norm = ctx.text.norm
    low = language.lower
    preps = language.matter_prepositions
    to_start = trig_start if to_start is None else to_start
    to_end = trig_end if to_end is None else to_end
    head = norm[sent.start:min(trig_start, to_start)].strip(" ,.")
    for f in language.matter_followers:
        at = low(head).find(low(f))
        if at > 0:
            return _clip_matter(language, head[:at])
    if not language.verb_final:
        rest = norm[max(trig_end, to_end):sent.end]
        for p in preps:
            m = re.match(rf"\s*,?\s*{re.escape(p)}\s+(.+)", rest, re.I | re.S)
            if m:
                return _clip_matter(language, m.group(1))
        for marker in preps + language.conditionals:
            if low(head).startswith(low(marker) + " "):
                return _clip_matter(language, head[len(marker) + 1:])
        return None
    if head:
        # the last clause before whom to contact: after its last comma or conjunction
        cut = max([head.rfind(",")] + [low(head).rfind(f" {low(c)} ") for c in language.conjunctions])
        tail = head[cut + 1:].strip(" ,") if cut >= 0 else head
        words = tail.split()
        if words and low(words[0]) in {low(c) for c in language.conjunctions}:
            tail = " ".join(words[1:])
        return _clip_matter(language, tail)
    return None


def _clip_matter(language, text: str) -> str | None:
    """The matter up to its clause's end, without the postposition or condition marker
    that closes it in a verb-final language ("… şəxslərlə bağlı", "… ehtiyac olduqda")."""
    m = re.search(r"[.;:!?]|,\s", text)
    text = (text[:m.start()] if m else text).strip(" ,.")
    if not language.verb_final:
        return text or None
    low = language.lower
    closers = sorted(language.matter_prepositions + language.conditionals, key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for c in closers:
            if low(text).endswith(" " + low(c)):
                text = text[: -len(c) - 1].rstrip(" ,")
                changed = True
                break
    return text or None
