"""Collective partners: organisations a text names only together and vaguely ("we worked
closely with partners such as the Azerbaijan Red Crescent Society, various ministries and
agencies …") — one kg:CollectiveAgent for the phrase, a partner of the document's
organisation where the sentence speaks of cooperation. Its words are language data
(``data/lexicon/collectives.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..annotate.doc import Doc as DocContext
from ..components import component
from ..datafile import load_yaml
from ..namespaces import slugify

MAX_GAP_WORDS = 1  # "various government ministries": a word between quantifier and kind


@lru_cache(maxsize=2)
def _data(lexicon_dir: Path) -> dict:
    return load_yaml((Path(lexicon_dir) / "collectives.yaml"))


def extract_collectives(doc: DocContext) -> None:
    data = _data(doc.lexicon_dir)
    quantifiers = data.get("quantifiers", {}).get(doc.lang, [])
    kinds = data.get("kinds", {}).get(doc.lang, [])
    owner = doc.focal_org
    if not quantifiers or not kinds or not owner:
        return
    morph = doc.resources.morph
    conj = {doc.language.lower(c) for c in doc.language.conjunctions}

    def is_(words, w):
        return any(morph.matches(doc.lang, t, w, True) for t in words)

    for sent in doc.sentences:
        if sent.is_question or not sent.has("cooperation"):
            continue
        toks = [t for t in doc.text.tokens_in(sent.start, sent.end) if t.is_word]
        i = 0
        while i < len(toks):
            if not is_(quantifiers, toks[i].text):
                i += 1
                continue
            j = next((k for k in range(i + 1, min(len(toks), i + 2 + MAX_GAP_WORDS)) if is_(kinds, toks[k].text)), None)
            if j is None:
                i += 1
                continue
            end = j
            # "ministries and agencies": coordinated kinds belong to the same phrase
            while end + 2 < len(toks) and doc.language.lower(toks[end + 1].text) in conj and is_(kinds, toks[end + 2].text):
                end += 2
            start, stop = toks[i].start, toks[end].end
            phrase = doc.text.norm[start:stop]
            key = f"collective/{doc.doc_id.lower()}-{slugify(phrase, 5)}"
            ev = doc.evidence(start, stop)
            sink = doc.sink
            sink.types(key, "kg:CollectiveAgent", evidence=[ev])
            # as written: a plural's citation form is ambiguous ("министерства" reads as a
            # genitive singular too)
            sink.lit(key, "skos:prefLabel", phrase, lang=doc.lang)
            a, b = sorted([owner, key])
            partnership = f"partnership/{a.split('/', 1)[1]}--{b.split('/', 1)[1]}"
            sink.types(partnership, "kg:Partnership", evidence=[doc.sentence_evidence(sent)])
            sink.ref(partnership, "kg:partner", owner)
            sink.ref(partnership, "kg:partner", key)
            sink.ref(owner, "kg:cooperatesWith", key)
            i = end + 1


@component("collectives", needs=("sentences", "focus"))
def collectives(doc) -> None:
    extract_collectives(doc)
