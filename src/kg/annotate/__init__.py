"""Annotation: finders that mark what a document's text contains, each a registered
component over one :class:`~kg.annotate.doc.Doc` (offsets into the normalised text).

    names (lexicon)  -> mentions        organisations, places, posts, instruments
    discovery        -> mentions        organisations the lexicon does not know
    acronyms         -> mentions        acronyms the text defines ("… Council (NRC)")
    coreference      -> mentions        generic phrases resolved in context ("the authorities")
    people           -> mentions        people, with their role and organisation (facts["people"])
    dates            -> times           instants, periods, starts, end bounds
    figures          -> figures         numbers with qualifier and counted noun
    triggers         -> triggers        words that signal a kind of statement
    activity_terms   -> activity_hits   terms of the SKOS activity scheme
    sentences        -> sentences, focus
"""

from . import (activity_terms, acronyms, coreference, dates, discovery, figures, names,  # noqa: F401  (register)
               people, sentences, triggers)
