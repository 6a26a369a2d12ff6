"""Small builders shared by the extractors: claims about instants, periods and labels."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..claims import Claim, Evidence, Lit, Ref
from ..lexicon import Lexicon

_PRECISION = {
    "day": ("time:inXSDDate", "xsd:date", "time:unitDay"),
    "month": ("time:inXSDgYearMonth", "xsd:gYearMonth", "time:unitMonth"),
    "year": ("time:inXSDgYear", "xsd:gYear", "time:unitYear"),
}


def precision_of(iso: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(iso)]


@lru_cache(maxsize=4)
def label_templates(lexicon_dir: Path) -> dict:
    return yaml.safe_load((lexicon_dir / "labels.yaml").read_text(encoding="utf-8"))


def short_name(lexicon: Lexicon, key: str, lang: str) -> str:
    """An entity's short name in a language: its acronym if the lexicon has one."""
    info = lexicon.entities.get(key)
    if info is None:
        return key.split("/", 1)[1]
    return lexicon.acronym(key, lang) or info.labels.get(lang) or info.labels.get("en") or key


class ClaimSink:
    """Collects claims for one document."""

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.claims: list[Claim] = []

    def add(self, subject: str, predicate: str, obj: Ref | Lit, evidence: list[Evidence] | None = None) -> None:
        self.claims.append(Claim(self.doc_id, subject, predicate, obj, list(evidence or [])))

    def ref(self, subject: str, predicate: str, key: str, evidence=None) -> None:
        self.add(subject, predicate, Ref(key), evidence)

    def lit(self, subject: str, predicate: str, value, datatype: str | None = None, lang: str | None = None,
            evidence=None) -> None:
        self.add(subject, predicate, Lit(str(value), lang=lang, datatype=datatype), evidence)

    def types(self, subject: str, *classes: str, evidence=None) -> None:
        for cls in classes:
            self.ref(subject, "rdf:type", cls, evidence)

    def instant(self, iso: str, surface: str | None = None) -> str:
        """The key of the instant for an ISO date at its precision (day, month or year)."""
        key = f"instant/{iso}"
        prop, dtype, unit = _PRECISION[precision_of(iso)]
        self.types(key, "time:Instant")
        self.lit(key, prop, iso, datatype=dtype)
        self.ref(key, "time:unitType", unit)
        if surface:
            self.lit(key, "kg:surfaceText", surface)
        return key

    def labels(self, subject: str, labels: dict[str, str], predicate: str = "skos:prefLabel") -> None:
        for lang, text in labels.items():
            if text:
                self.lit(subject, predicate, text, lang=lang)


def extract_dates(ctx, sink: ClaimSink) -> None:
    """Every time expression, as the instant or period it names, with the passage."""
    for sent in ctx.sentences:
        for t in sent.times:
            ev = ctx.evidence(t.start, t.end)
            if t.kind == "interval" and t.begin and t.end_value:
                key = f"period/{t.begin}--{t.end_value}"
                sink.types(key, "kg:Period", "time:ProperInterval", evidence=[ev])
                sink.ref(key, "time:hasBeginning", sink.instant(t.begin))
                sink.ref(key, "time:hasEnd", sink.instant(t.end_value))
                sink.lit(key, "kg:surfaceText", t.surface)
            elif t.value:
                key = sink.instant(t.value, t.surface)
                sink.types(key, "time:Instant", evidence=[ev])
