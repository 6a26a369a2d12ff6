"""Annotation: finders that mark what a document's text contains, each a registered
component over one :class:`~kg.annotate.doc.Doc` (offsets into the normalised text).

    names (lexicon)  -> mentions        organisations, posts, instruments
    discovery        -> mentions        organisations the lexicon does not know
    places           -> mentions        the gazetteer's places, places in place slots no
                                        dataset knows; datelines and contact lines marked
    contextual_names -> mentions        "the authorities" -> the body of the country in context
    acronyms         -> mentions        acronyms the text defines ("… Council (NRC)")
    coreference      -> mentions        generic phrases resolved in context ("the authorities")
    people           -> mentions        people, with their role and organisation (facts["people"])
    dates            -> times           instants, periods, starts, end bounds
    figures          -> figures         numbers with qualifier and counted noun
    triggers         -> triggers        words that signal a kind of statement
    activity_terms   -> activity_hits   terms of the SKOS activity scheme
    sentences        -> sentences, focus
    frames           -> frames          events with their roles, from the grammar of the clause
"""

from . import (activity_terms, acronyms, contextual, coreference, dates, discovery, figures,  # noqa: F401  (register)
               frames, media, names, people, places, sentences, states, triggers)
