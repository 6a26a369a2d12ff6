"""Extraction: from a document's text to claims. One module per kind of fact.

    text -> mentions (lexicon names), time expressions, figures, trigger words
         -> sentence views (context.py)
         -> organisations & places, offices & closures, activities & figures,
            handovers, referrals, memberships, partnerships, mandates & agreements
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..claims import Claim
from ..lexicon import Lexicon
from ..mentions import Mention, MentionFinder
from ..sources import Document
from ..text import Text
from .activities import extract_activities, find_activity_hits
from .context import build_context
from .dates import find_time_expressions
from .discovery import OrganisationDiscovery
from .events import (
    extract_cooperation,
    extract_handovers,
    extract_memberships,
    extract_questions,
    extract_referrals,
)
from .facts import ClaimSink, extract_dates
from .figures import find_figures
from .instruments import extract_instruments
from .offices import extract_offices
from .organisations import extract_organisations
from .triggers import find_triggers


@dataclass
class DocumentExtraction:
    document: Document
    text: Text
    mentions: list[Mention]
    claims: list[Claim]


def extract_document(doc: Document, finder: MentionFinder, lexicon: Lexicon, ontology_dir: Path) -> DocumentExtraction:
    text = Text(doc.text)
    lexicon_dir = lexicon.directory
    mentions = finder.find(doc.doc_id, text)
    # organisations the lexicon does not know, named in the usual shape of such names
    mentions = sorted(mentions + OrganisationDiscovery(lexicon, finder.morph).find(doc.doc_id, text, doc.language, mentions),
                      key=lambda m: m.norm_start)
    times = find_time_expressions(text, doc.language, lexicon_dir)
    figures = find_figures(text, doc.language, lexicon_dir)
    triggers = find_triggers(text, doc.language, lexicon_dir / "triggers.yaml", finder.morph)
    publisher = [m.entity for m in finder.find("publisher", Text(doc.publisher)) if m.kind == "organisation"]
    ctx = build_context(doc, text, mentions, times, figures, triggers, lexicon, ontology_dir, publisher)

    claims: list[Claim] = extract_organisations(doc, mentions, lexicon)
    sink = ClaimSink(doc.doc_id)
    name_spans = [(m.norm_start, m.norm_end) for m in mentions if m.kind == "organisation"]
    activity_hits = find_activity_hits(text, doc.language, ontology_dir, finder.morph, name_spans)
    extract_dates(ctx, sink)
    extract_offices(ctx, sink)
    by_span = extract_activities(ctx, sink, activity_hits)
    extract_handovers(ctx, sink, activity_hits, by_span, ontology_dir)
    extract_referrals(ctx, sink)
    extract_memberships(ctx, sink)
    extract_cooperation(ctx, sink)
    extract_questions(ctx, sink)
    extract_instruments(ctx, sink, activity_hits, by_span)
    claims += sink.claims
    return DocumentExtraction(doc, text, mentions, claims)
