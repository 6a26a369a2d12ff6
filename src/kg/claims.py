"""Claims: what a document states, as subject-predicate-object with the passages behind it.

A claim names entities by key ("organisation/icrc") and vocabulary terms by CURIE
("kg:Organisation"); :mod:`kg.rdf` turns keys into IRIs under the configured base.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTEXT_CHARS = 32  # characters of oa:prefix / oa:suffix


@dataclass(frozen=True, order=True)
class Evidence:
    doc_id: str
    start: int  # code-point offsets into the original file, end exclusive
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def of(cls, doc_id: str, original: str, start: int, end: int) -> "Evidence":
        return cls(
            doc_id,
            start,
            end,
            original[start:end],
            original[max(0, start - CONTEXT_CHARS) : start],
            original[end : end + CONTEXT_CHARS],
        )


@dataclass(frozen=True)
class Ref:
    """An entity key ("organisation/icrc") or a vocabulary CURIE ("kg:Organisation")."""

    key: str

    @property
    def is_curie(self) -> bool:
        return ":" in self.key and "/" not in self.key.split(":", 1)[0]


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None  # CURIE, e.g. "xsd:date"


@dataclass
class Claim:
    doc_id: str
    subject: str  # entity key
    predicate: str  # CURIE
    object: Ref | Lit
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def triple(self) -> tuple[str, str, Ref | Lit]:
        return (self.subject, self.predicate, self.object)


_PRECISION = {
    "day": ("time:inXSDDate", "xsd:date", "time:unitDay"),
    "month": ("time:inXSDgYearMonth", "xsd:gYearMonth", "time:unitMonth"),
    "year": ("time:inXSDgYear", "xsd:gYear", "time:unitYear"),
}


def precision_of(iso: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(iso)]


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


#: the predicate of a beginning, of which a document gives each thing one
BEGINNING = "time:hasBeginning"


def one_beginning_per_period(claims: list[Claim]) -> list[Claim]:
    """A document that states two beginnings of one thing ("implementing the programme since
    2010" … "since 2017, started the nationalisation of the programme") gives it the earliest:
    what has gone on since 2010 has gone on since 2017 too, while the later date is usually
    that of a later step. Of beginnings that agree (2010, March 2010) the most precise stays."""
    starts: dict[str, set[str]] = {}
    for c in claims:
        if c.predicate == BEGINNING and isinstance(c.object, Ref) and c.object.key.startswith("instant/"):
            starts.setdefault(c.subject, set()).add(c.object.key)
    keep: dict[str, str] = {}
    for subject, keys in starts.items():
        if len(keys) < 2:
            continue
        isos = {k[len("instant/"):] for k in keys}
        first = min(isos, key=lambda d: (d + "-01-01")[:10])  # a year or month from its first day
        agreeing = [d for d in isos if d.startswith(first) or first.startswith(d)]
        keep[subject] = "instant/" + max(agreeing, key=len)
    if not keep:
        return claims
    return [c for c in claims if not (c.predicate == BEGINNING and c.subject in keep
                                      and c.object.key != keep[c.subject])]
