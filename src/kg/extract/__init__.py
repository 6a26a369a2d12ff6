"""Extraction: from a document's mentions to claims. One module per kind of fact."""

from __future__ import annotations

from dataclasses import dataclass

from ..claims import Claim
from ..lexicon import Lexicon
from ..mentions import Mention, MentionFinder
from ..sources import Document
from ..text import Text
from .organisations import extract_organisations


@dataclass
class DocumentExtraction:
    document: Document
    text: Text
    mentions: list[Mention]
    claims: list[Claim]


def extract_document(doc: Document, finder: MentionFinder, lexicon: Lexicon) -> DocumentExtraction:
    text = Text(doc.text)
    mentions = finder.find(doc.doc_id, text)
    claims: list[Claim] = []
    claims += extract_organisations(doc, mentions, lexicon)
    return DocumentExtraction(doc, text, mentions, claims)
