"""Offers and proposals: "We stand ready to support their dialogue and action in our capacity as
a neutral intermediary should there be a request on both sides", "it has again in August 2000
suggested a global and humanitarian mechanism between the parties", "Мы готовы играть роль
посредника". Who offers, what, in which role, on what condition, to whom and when.

Readiness is an offer only when what the organisation is ready for helps someone (a word of
``offer_help`` in triggers.yaml, or an activity the sentence names after it); "ready to comply
with the decision" is no offer. A proposal is one by itself."""

from __future__ import annotations

import re

from ..annotate.doc import Doc as DocContext
from ..annotate.grammar import clause_of
from ..components import component
from ..namespaces import slugify
from .dates import time_node

_END = re.compile(r"[.;:!?«»\"“”]")


def _phrase_after(doc: DocContext, start: int, limit: int, stop_words) -> str:
    """The words from ``start`` to the clause's end or the first stop word."""
    text = doc.text.norm[start:limit]
    m = _END.search(text)
    text = text[:m.start()] if m else text
    low = doc.language.lower(text)
    cut = len(text)
    for w in stop_words:
        k = low.find(f" {doc.language.lower(w)} ")
        if 0 <= k < cut:
            cut = k
    return text[:cut].strip(" ,")


def _role(doc: DocContext, a: int, b: int) -> str | None:
    """The role the offerer would act in, as its clause words it."""
    language = doc.language
    text = doc.text.norm[a:b]
    low = language.lower(text)
    for marker in language.role_markers:
        k = low.find(language.lower(marker) + " ")
        if k < 0 or (k > 0 and low[k - 1].isalnum()):
            continue
        if language.verb_final:  # "neytral vasitəçi qismində": the role stands before
            words = text[:k].split()
            return " ".join(words[-2:]) or None
        after = text[k + len(marker):]
        stops = list(language.conditionals) + list(language.conjunctions) + ["to", "in order", "чтобы"]
        role = _phrase_after(doc, a + k + len(marker), b, stops) if after.strip() else ""
        return role.split(",")[0].strip() or None
    return None


def _what(doc: DocContext, lo: int, hi: int) -> str | None:
    """What is offered: the complement of the offer's words, without its condition and,
    when enough is left, without the role ("support their dialogue and action [in our
    capacity as …]", "[… vasitəçi qismində] onların arasındakı dialoq … dəstək göstərməyə")."""
    language = doc.language
    if language.verb_final:
        text = doc.text.norm[lo:hi]
        low = language.lower(text)
        cut = 0
        for w in list(language.role_markers) + list(language.conditionals):
            for m in re.finditer(rf"(?<!\w){re.escape(language.lower(w))}(?!\w)", low):
                cut = max(cut, m.end())
        cut = max(cut, text.rfind(",") + 1)
        return text[cut:].strip(" ,") or None
    what = _phrase_after(doc, lo, hi, language.conditionals)
    shorter = _phrase_after(doc, lo, hi, list(language.conditionals) + list(language.role_markers))
    return (shorter if len(shorter.split()) >= 2 else what) or None


def _condition(doc: DocContext, sent, after: int) -> str | None:
    """A condition of the sentence ("should there be a request on both sides", "в случае …",
    "… olduğu halda")."""
    language = doc.language
    norm = doc.text.norm
    low = language.lower(norm[sent.start:sent.end])
    for c in language.conditionals:
        for m in re.finditer(rf"(?<!\w){re.escape(language.lower(c))}(?!\w)", low):
            at = sent.start + m.start()
            if language.verb_final:
                # the condition's words stand before its closing word
                head = norm[sent.start:at + len(c)]
                return head[head.rfind(",") + 1:].strip(" ,") or None
            if at >= after:
                return _phrase_after(doc, at, sent.end, ()) or None
    return None


def extract_offers(doc: DocContext) -> None:
    by_span = doc.facts.get("activities_by_span", {})
    for sent in doc.sentences:
        if sent.is_question:
            continue
        for kind in ("offer_readiness", "offer_proposal"):
            for hit in sent.hits(kind):
                a, b = clause_of(doc, sent, hit.start)
                if kind == "offer_readiness":
                    # what it is ready for: after the words in most languages, before them where
                    # verbs come last ("… dəstək göstərməyə hazırıq")
                    lo, hi = (a, hit.start) if doc.language.verb_final else (hit.end, b)
                    helps = [h for h in sent.hits("offer_help") if lo <= h.start < hi] or \
                            [span for span in by_span if lo <= span[0] < hi]
                    if not helps:
                        continue
                else:
                    lo, hi = (a, hit.start) if doc.language.verb_final else (hit.end, b)
                _emit(doc, sent, hit, a, b, lo, hi)
                break


def _emit(doc: DocContext, sent, hit, a: int, b: int, lo: int, hi: int) -> None:
    named = [m for m in sent.orgs if a <= m.norm_start < hit.start and m.role in ("name", "acronym", "contextual")]
    by = named[-1].entity if named else doc.focal_org
    if not by:
        return
    what = _what(doc, lo, hi)
    role = _role(doc, a, b)
    # the same offer stated twice (an FAQ repeats its answers) is one offer
    key = f"offer/{by.split('/', 1)[1]}-{slugify(what or role or doc.doc_id, 8)}"
    sink = doc.sink
    ev = doc.sentence_evidence(sent)
    sink.types(key, "kg:Offer", evidence=[ev])
    sink.ref(key, "kg:offeredBy", by)
    if what:
        sink.lit(key, "kg:offerOf", what)
    if role:
        sink.lit(key, "kg:asRole", role)
    condition = _condition(doc, sent, hit.end)
    if condition:
        sink.lit(key, "kg:condition", condition)
    for m in sent.orgs:
        if m.entity != by and m.norm_start >= hit.end and m.role in ("name", "acronym", "contextual"):
            sink.ref(key, "kg:offeredTo", m.entity)
    for t in sent.times:
        if a <= t.start < b and t.kind == "instant" and t.value:
            sink.ref(key, "kg:atTime", time_node(sink, t))
    labels = doc.resources.labels.get("offer", {})
    name = doc.entities[by].labels if by in doc.entities else {}
    sink.labels(key, {lang: labels[lang].format(org=name.get(lang) or name.get("en", "")) for lang in labels})


@component("offers", needs=("sentences", "focus", "activities_by_span"))
def offers(doc) -> None:
    extract_offers(doc)
