"""Dates: every time expression of a document, as the instant or period it names."""

from __future__ import annotations

from ..claims import ClaimSink
from ..components import component


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


@component("dates", needs=("sentences",))
def dates(doc) -> None:
    extract_dates(doc, doc.sink)
