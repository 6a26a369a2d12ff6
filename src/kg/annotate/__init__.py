"""Annotation: finders that mark what a document's text contains, each a registered
component over one :class:`~kg.annotate.doc.Doc` (offsets into the normalised text).

    names (lexicon)  -> mentions        organisations, places, posts, instruments
    discovery        -> mentions        organisations the lexicon does not know
    dates            -> times           instants, periods, starts, end bounds
    figures          -> figures         numbers with qualifier and counted noun
    triggers         -> triggers        words that signal a kind of statement
    activity_terms   -> activity_hits   terms of the SKOS activity scheme
    sentences        -> sentences, focus
    frames           -> frames          events with their roles, from the grammar of the clause
"""

from . import activity_terms, dates, discovery, figures, frames, names, sentences, triggers  # noqa: F401  (register)
