"""Dates: every time expression of a document, as the instant or period it names."""

from __future__ import annotations

from ..claims import ClaimSink
from ..components import component


def time_node(sink: ClaimSink, t) -> str | None:
    """The node a time expression names — a period ("between 2020 and 2023", "first half of
    2024") or an instant — keyed by its value, so every fact it dates refers to the node the
    date itself is."""
    if t.kind == "interval" and t.begin and t.end_value:
        key = f"period/{t.begin}--{t.end_value}"
        sink.types(key, "kg:Period", "time:ProperInterval")
        sink.ref(key, "time:hasBeginning", sink.instant(t.begin))
        sink.ref(key, "time:hasEnd", sink.instant(t.end_value))
        sink.lit(key, "kg:surfaceText", t.surface)
        return key
    if t.value:
        return sink.instant(t.value, t.surface)
    return None


def extract_dates(ctx, sink: ClaimSink) -> None:
    """Every time expression, as the instant or period it names, with the passage."""
    for sent in ctx.sentences:
        for t in sent.times:
            key = time_node(sink, t)
            if key:
                sink.types(key, "kg:Period" if key.startswith("period/") else "time:Instant",
                           evidence=[ctx.evidence(t.start, t.end)])


@component("dates", needs=("sentences",))
def dates(doc) -> None:
    extract_dates(doc, doc.sink)
