"""The world knowledge extraction reads, loaded once per process and shared by every Doc.

Each kind of resource has one loader: the lexicon (``data/lexicon/*.yaml``), the
morphology of each language, the name finder built on them, the label templates, the
activity scheme (``ontology/activity-types.ttl``). Components reach them through
``doc.resources`` and never read data files themselves.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from .config import SUPPORTED_LANGUAGES
from .language import Language, load_language
from .lexicon import Entities, Lexicon, load_lexicon
from .morphology import Morphology


class Resources:
    def __init__(self, lexicon_dir: Path, ontology_dir: Path | None = None):
        self.lexicon_dir = Path(lexicon_dir)
        # data/lexicon -> the project's ontology/ beside data/
        self.ontology_dir = Path(ontology_dir) if ontology_dir else self.lexicon_dir.parents[1] / "ontology"

    @cached_property
    def lexicon(self) -> Lexicon:
        return load_lexicon(self.lexicon_dir)

    @cached_property
    def languages_dir(self) -> Path:
        return self.lexicon_dir.parent / "languages"

    def language(self, code: str) -> Language:
        return load_language(self.languages_dir, code)

    @cached_property
    def morph(self) -> Morphology:
        languages = {code: self.language(code) for code in SUPPORTED_LANGUAGES}
        return Morphology(self.lexicon_dir / "az-suffixes.yaml", languages)

    @cached_property
    def names(self):
        """The finder of lexicon names (organisations, places, posts, instruments)."""
        from .annotate.names import MentionFinder

        return MentionFinder(self.lexicon, self.morph)

    @cached_property
    def gazetteer(self):
        """Every country, region and city with names in en/ru/az (``gazetteer.tsv``,
        generated from CLDR, ISO 3166 and GeoNames, with ``places.yaml`` over it)."""
        from .gazetteer import Gazetteer

        return Gazetteer.load(self.lexicon_dir, self.morph)

    @cached_property
    def place_adjectives(self) -> dict[str, frozenset[str]]:
        """Countries' adjectives and demonyms per language (lower case / lemma)."""
        return self.gazetteer.adjectives()

    @cached_property
    def country_by_adjective(self) -> dict[str, dict[str, str]]:
        """{language: {adjective or demonym (lower case / lemma): country key}}, for the
        countries that own the word alone ("Angolan" -> Angola)."""
        owners: dict[str, dict[str, set[str]]] = {}
        for c in self.gazetteer.countries():
            for lang, adjs in c.adjectives.items():
                for a in adjs:
                    owners.setdefault(lang, {}).setdefault(a.lower(), set()).add(c.key)
        return {lang: {a: next(iter(keys)) for a, keys in table.items() if len(keys) == 1}
                for lang, table in owners.items()}

    def entities(self) -> Entities:
        """A fresh table for one document: its own entities over the shared ones (the
        lexicon's, then the gazetteer's places)."""
        return Entities(self.lexicon.entities, self.gazetteer.entities)

    @cached_property
    def labels(self) -> dict:
        """Label templates for the nodes the pipeline names itself (``labels.yaml``)."""
        return yaml.safe_load((self.lexicon_dir / "labels.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_resources(lexicon_dir: Path, ontology_dir: Path | None = None) -> Resources:
    return Resources(lexicon_dir, ontology_dir)
