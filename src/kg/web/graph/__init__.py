"""The layer that reads the graph and presents it to the pages (no routes: see kg.web.views).

  reader     the store as the pages read it: statements, labels, kinds, passages, documents
  names      what a node is called in a language (composed by grammar for generated nodes)
  grammar    names put in a case (Russian through pymorphy3, Azerbaijani by suffixes)
  dates      dates as people read them, with which document says what
  present    values, statements, facts with roles and references, entity pages
  catalogue  everything of a kind (lists, the home page)
  timeline   dated events and periods in time order
  pictures   the SVG drawings (timeline, who handed what to whom)
  textmarks  a document's text with its passages marked
  search     full-text search over the build's index (kg.search_index)
  i18n       the interface's own words (messages.yaml)
  iris       where an IRI lives on this server
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .grammar import Grammar
from .names import Namer, load_templates
from .present import Presenter
from .reader import GraphReader


@lru_cache(maxsize=2)
def _grammar(lexicon_dir: Path) -> Grammar:
    from ...resources import load_resources

    _, letters = load_templates(lexicon_dir)
    return Grammar(load_resources(lexicon_dir).morph, letters)


def presenter(store: ox.Store, base_iri: str, lexicon_dir: Path, lang: str) -> Presenter:
    """Everything a page needs to show the graph in ``lang``, for one request."""
    g = GraphReader(store, base_iri)
    templates, _ = load_templates(lexicon_dir)
    return Presenter(g, Namer(g, lang, templates, _grammar(lexicon_dir)))
