"""The world knowledge extraction reads, loaded once per process and shared by every Doc.

Each kind of resource has one loader: the lexicon (``data/lexicon/*.yaml``), the
morphology of each language, the name finder built on them, the label templates, the
activity scheme (``ontology/activity-types.ttl``). Components reach them through
``doc.resources`` and never read data files themselves.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

from .config import SUPPORTED_LANGUAGES
from .countries import CountryRecord, countries_from_gazetteer, countries_from_places, merge
from .datafile import load_yaml
from .language import Language, load_language
from .lexicon import Entities, Lexicon, load_lexicon
from .memory import long_lived
from .morphology import Morphology


class Resources:
    def __init__(self, lexicon_dir: Path, ontology_dir: Path | None = None,
                 countries: "list[CountryRecord] | None" = None):
        self.lexicon_dir = Path(lexicon_dir)
        # data/lexicon -> the project's ontology/ beside data/
        self.ontology_dir = Path(ontology_dir) if ontology_dir else self.lexicon_dir.parents[1] / "ontology"
        self._countries = countries  # given (tests, tools): added to the shipped source's

    @cached_property
    def countries(self) -> list[CountryRecord]:
        """The countries national bodies are generated for (:mod:`kg.countries`): the
        gazetteer's when there is one, else places.yaml's; plus any given to the constructor."""
        gazetteer = getattr(self, "gazetteer", None)
        shipped = countries_from_gazetteer(gazetteer) if gazetteer is not None else countries_from_places(self.lexicon_dir)
        return merge(shipped, self._countries or [])

    @cached_property
    def lexicon(self) -> Lexicon:
        with long_lived():
            return load_lexicon(self.lexicon_dir, self.countries)

    @cached_property
    def org_heads(self) -> dict:
        """How unknown organisations' names are recognised (``org-heads.yaml``)."""
        return load_yaml(self.lexicon_dir / "org-heads.yaml")

    def is_place_name(self, lang: str, name: str) -> bool:
        """The whole of ``name`` (in its citation form) is a name the gazetteer has."""
        gazetteer = getattr(self, "gazetteer", None)
        if gazetteer is None:
            return False
        words = [w for w in re.findall(r"\w+", name)]
        if self.morph.inflection(lang) == "lemma":
            keys = " ".join(self.morph.key(lang, w) for w in words)
        else:
            keys = " ".join(self.morph.lower(lang, w) for w in words)
        return bool(gazetteer.lookup(keys))

    @cached_property
    def names_by_entity(self) -> dict[str, list]:
        """The lexicon's names of each entity (an index, for resolving references)."""
        out: dict[str, list] = {}
        for n in self.lexicon.names:
            out.setdefault(n.entity, []).append(n)
        return out

    @cached_property
    def contextual_templates(self) -> dict[tuple[str, str], str]:
        """(language, contextual name as listed) -> the entity key with its country placeholder."""
        from .lexicon import FOCAL

        out: dict[tuple[str, str], str] = {}
        for n in self.lexicon.names:
            if n.role in ("contextual", "post") and FOCAL in n.entity:
                out.setdefault((n.lang, n.text), n.entity)
        return out

    @cached_property
    def people_data(self) -> dict:
        """Roles, titles and verbs of saying that mark people's names (``people.yaml``)."""
        return load_yaml(self.lexicon_dir / "people.yaml")

    @cached_property
    def _natasha(self):
        from natasha import NewsEmbedding, NewsNERTagger, Segmenter

        return Segmenter(), NewsNERTagger(NewsEmbedding())

    def person_spans(self, model: str, text: str) -> list[tuple[int, int]]:
        """(start, end) of each person's name a packaged NER model finds in ``text``."""
        if model != "natasha":
            raise ValueError(f"unknown person NER model {model!r} (data/languages: person_ner)")
        from natasha import Doc as NatashaDoc

        segmenter, tagger = self._natasha
        d = NatashaDoc(text)
        d.segment(segmenter)
        d.tag_ner(tagger)
        return [(s.start, s.stop) for s in d.spans if s.type == "PER"]

    @cached_property
    def references(self) -> dict:
        """Generic phrases that refer to an organisation in context (``references.yaml``)."""
        return load_yaml(self.lexicon_dir / "references.yaml")

    @lru_cache(maxsize=8)
    def country_adjectives(self, lang: str) -> dict[str, str]:
        """A country's adjective in a language, as the language matches words -> country key."""
        out = {}
        for c in self.countries:
            for a in c.adjectives.get(lang, []):
                out.setdefault(self.morph.key(lang, a), c.key)
        return out

    @cached_property
    def citation(self):
        """Citation forms of names (Russian nominative, Azerbaijani without case endings)."""
        from .morphology import Citation

        return Citation(self.morph)

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

        with long_lived():
            return MentionFinder(self.lexicon, self.morph)

    @cached_property
    def gazetteer(self):
        """Every country, region and city with names in en/ru/az (``gazetteer.tsv``,
        generated from CLDR, ISO 3166 and GeoNames, with ``places.yaml`` over it)."""
        from .gazetteer import Gazetteer

        with long_lived():
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

    @lru_cache(maxsize=8)
    def scheme_terms(self, file_name: str, namespace: str) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
        """The words that name each concept of a SKOS scheme in ``ontology/`` (its
        kg:triggerTerm values): {lang: [(concept local name, term words)]}, longest first.
        The scheme's own terms (on the skos:ConceptScheme) are listed under ``""``."""
        from rdflib import Graph

        from .namespaces import KG
        from .text import tokenize

        g = Graph()
        g.parse(self.ontology_dir / file_name, format="turtle")
        table: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for concept, term in g.subject_objects(KG.triggerTerm):
            if str(concept).startswith(namespace) and getattr(term, "language", None):
                words = tuple(w for w in tokenize(str(term)) if w[0].isalnum())
                local = str(concept)[len(namespace):]
                table.setdefault(term.language, []).append(("" if local == "scheme" else local, words))
        for terms in table.values():
            terms.sort(key=lambda t: -len(t[1]))
        return table

    @cached_property
    def labels(self) -> dict:
        """Label templates for the nodes the pipeline names itself (``labels.yaml``)."""
        return load_yaml(self.lexicon_dir / "labels.yaml")


@lru_cache(maxsize=4)
def load_resources(lexicon_dir: Path, ontology_dir: Path | None = None) -> Resources:
    return Resources(lexicon_dir, ontology_dir)
