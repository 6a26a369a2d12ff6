"""What a document says about itself: its title and its date, read from its text when the
metadata does not give them, and the date its relative dates count from.

The header — the lines before the first paragraph of running text — holds the title and,
often, the date; site furniture (navigation, buttons, archive notices), breadcrumbs and
lines in another script are never a title. A date stated without its year ("28 февраля")
or relative to the document ("yesterday", "this month") is resolved against the
document's date, or left out when the document has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..annotate.dates import TimeExpression, anchor
from ..components import component
from ..datafile import load_yaml
from ..text import tokenize

#: a line of at least this many words, or of two sentences, is running text (the body)
BODY_WORDS = 25
SENTENCE_WORDS = 8
TITLE_WORDS = (3, 30)
#: a publication date stands on a short header line, or within the first words of the body
HEADER_DATE_WORDS = 12
BODY_DATE_WORDS = 8
_BREADCRUMB = re.compile(r"\s[>»›|]\s|\s/\s.*\s[>»›]\s")
_SENTENCE_END = re.compile(r"[.!?](\s|$)")


@dataclass(frozen=True)
class Line:
    start: int  # normalised offsets
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        return [w for w in tokenize(self.text) if w[0].isalnum()]


@lru_cache(maxsize=2)
def _furniture(lexicon_dir: Path) -> frozenset[str]:
    data = load_yaml(lexicon_dir / "site-furniture.yaml")
    return frozenset(w.lower() for words in data["words"].values() for w in words)


def lines(norm: str) -> list[Line]:
    out, pos = [], 0
    for chunk in norm.split("\n"):
        if chunk.strip():
            out.append(Line(pos, pos + len(chunk), chunk))
        pos += len(chunk) + 1
    return out


def is_body(line: Line) -> bool:
    """Running text: a long line, two sentences, or one full sentence of some length."""
    words = len(line.words)
    return words >= BODY_WORDS or len(_SENTENCE_END.findall(line.text)) >= 2 or \
        (words >= SENTENCE_WORDS and line.text.rstrip().endswith((".", "!", "?", "»", '"')))


def header(norm: str) -> tuple[list[Line], Line | None]:
    """The lines before the first line of running text, and that line."""
    out = []
    for line in lines(norm):
        if is_body(line):
            return out, line
        out.append(line)
    return out, None


def find_title(doc, head: list[Line], times: list[TimeExpression]) -> Line | None:
    """The header line that reads as a headline: a few words in the document's script, not
    ending as a sentence or a label does, not furniture, a breadcrumb or a date line; one
    the page repeats (a headline often stands twice) wins."""
    furniture = _furniture(doc.lexicon_dir)
    language = doc.language
    candidates = []
    for line in head:
        words = line.words
        text = line.text.strip()
        if not TITLE_WORDS[0] <= len(words) <= TITLE_WORDS[1] or text.endswith((".", ":", ";", ",")):
            continue
        if _BREADCRUMB.search(text) or language.share_in_script(text) < 0.5:
            continue
        if sum(1 for w in words if w.lower() in furniture) * 2 >= len(words):
            continue
        dated = sum(t.end - t.start for t in times if line.start <= t.start < line.end)
        if dated * 3 >= len(text):
            continue
        candidates.append(line)
    if not candidates:
        return None
    norm = doc.text.norm.lower()
    repeated = [c for c in candidates if norm.count(c.text.strip().lower()) > 1]
    return (repeated or candidates)[0]


def _stated_title(head: list[Line], title: str) -> Line | None:
    """The header line that repeats the metadata's title, if the text carries it."""
    want = " ".join(title.split()).casefold()
    return next((l for l in head if " ".join(l.text.split()).casefold() == want), None)


def find_date(head: list[Line], body: Line | None, times: list[TimeExpression]) -> TimeExpression | None:
    """The publication date: a full date on a short header line, or at the very start of
    the body (a dateline: "ДУШАНБЕ, 07.03.2022 /НИАТ «Ховар»/.")."""
    def full(t: TimeExpression) -> bool:
        return t.kind == "instant" and not t.partial and t.value is not None and t.precision in ("day", "month")

    for line in head:
        if len(line.words) <= HEADER_DATE_WORDS:
            for t in times:
                if line.start <= t.start < line.end and full(t):
                    return t
    if body is not None:
        words = [m.start() for m in re.finditer(r"\S+", body.text)]
        limit = body.start + (words[BODY_DATE_WORDS] if len(words) > BODY_DATE_WORDS else len(body.text))
        for t in times:
            if body.start <= t.start < limit and full(t):
                return t
    return None


def _date_line(doc) -> TimeExpression | None:
    """A line of the text that is a full date and nothing else."""
    norm = doc.text.norm
    for t in doc.times:
        if t.kind != "instant" or t.partial or t.value is None or t.precision not in ("day", "month"):
            continue
        a = norm.rfind("\n", 0, t.start) + 1
        b = norm.find("\n", t.end)
        line = norm[a:len(norm) if b < 0 else b]
        if line.strip(" .,") == norm[t.start:t.end].strip(" .,"):
            return t
    return None


@component("document", needs=("times",), adds=("times", "reference_date", "body_start", "title_span"))
def document(doc) -> None:
    """The document's title and date (from its text when the metadata lacks them), and its
    relative dates resolved against that date. A later section of a long document reads
    its dates against the date its opening section found, and says nothing of the document."""
    if not doc.opens_document:
        doc.facts["body_start"], doc.facts["title_span"] = 0, None
        doc.facts["reference_date"] = doc.context.reference_date
        doc.times = _anchored(doc.times, doc.context.reference_date)
        return
    head, body = header(doc.text.norm)
    doc.facts["body_start"] = body.start if body is not None else 0
    meta = doc.document
    subject = f"document/{doc.doc_id}"
    title = find_title(doc, head, doc.times) if not meta.title else _stated_title(head, meta.title)
    doc.facts["title_span"] = (title.start, title.start + len(title.text)) if title else None
    if not meta.title:
        if title:
            s = title.start + len(title.text) - len(title.text.lstrip())
            e = title.start + len(title.text.rstrip())
            doc.sink.lit(subject, "dcterms:title", doc.text.norm[s:e], lang=doc.lang, evidence=[doc.evidence(s, e)])
    reference = meta.date or None
    # the date the text gives itself: on a header line or a dateline, or a line that is only
    # a date ("October 2000" under the text)
    stated = find_date(head, body, doc.times) or _date_line(doc)
    if stated is not None and (not reference or reference.startswith(stated.value) or stated.value.startswith(reference)):
        # the date, and its repetitions in the header ("14 ноября 2007" … "11:40 | 14/ 11/ 2007")
        body_start = body.start if body is not None else len(doc.text.norm)
        for t in doc.times:
            if t is stated or (t.kind == "instant" and t.value == stated.value and t.start < body_start):
                doc.sink.ref(subject, "time:hasTime", doc.sink.instant(t.value, t.surface),
                             evidence=[doc.evidence(t.start, t.end)])
    if not reference:
        if stated is not None:
            reference = stated.value
            dtype = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}[len(stated.value)]
            ev = doc.evidence(stated.start, stated.end)
            doc.sink.lit(subject, "dcterms:date", stated.value, datatype=dtype, evidence=[ev])
            doc.sink.lit(subject, "kg:dateAsStated", stated.surface)
    doc.facts["reference_date"] = reference
    doc.times = _anchored(doc.times, reference)


def _anchored(times: list[TimeExpression], reference: str | None) -> list[TimeExpression]:
    """Dates without their year, or relative to the document: resolved, or dropped."""
    resolved = []
    for t in times:
        if t.partial:
            t = anchor(t, reference) if reference else None
        if t is not None:
            resolved.append(t)
    return resolved


@component("dateline", needs=("mentions",))
def dateline(doc) -> None:
    """The place the document was filed from (its dateline), with the passage: on the
    document's first dateline, so only where the document opens."""
    if not doc.opens_document:
        return
    first = next((m for m in doc.mentions if m.kind == "place" and m.role == "dateline"), None)
    if first is not None:
        doc.sink.ref(f"document/{doc.doc_id}", "kg:dateline", first.entity,
                     evidence=[doc.evidence(first.norm_start, first.norm_end)])
