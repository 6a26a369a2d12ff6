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
