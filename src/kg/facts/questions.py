"""The questions a document asks (an FAQ's questions)."""

from __future__ import annotations

from ..annotate.doc import Doc as DocContext
from ..claims import ClaimSink
from ..components import component

def extract_questions(ctx: DocContext, sink: ClaimSink) -> None:
    """The questions a document asks (an FAQ's questions), each with its passage."""
    for sent in ctx.sentences:
        if sent.is_question:
            key = f"question/{ctx.doc_id.lower()}-{ctx.text.to_original(sent.start, sent.end)[0]}"
            sink.types(key, "kg:Question", evidence=[ctx.sentence_evidence(sent)])
            sink.lit(key, "kg:surfaceText", sent.text)


@component("questions", needs=("sentences",))
def questions(doc) -> None:
    extract_questions(doc, doc.sink)
