"""The lexicon: names of organisations and places per language, read from ``data/lexicon``.

It is world knowledge (that МККК is the ICRC, that Bərdə is Barda), kept as data so a
new organisation or country needs an edit to a YAML file, not to code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .config import SUPPORTED_LANGUAGES
from .countries import CountryRecord, countries_from_places, merge
from .datafile import load_yaml

FOCAL = "{focal}"  # jurisdiction placeholder, resolved per document to its focal country


@dataclass(frozen=True)
class Name:
    entity: str  # entity key "kind/slug", may contain FOCAL for contextual names
    lang: str
    text: str
    role: str  # name | acronym | short | contextual | post


@dataclass
class EntityInfo:
    key: str  # "organisation/icrc", "place/baku"
    cls: str  # ontology class local name
    labels: dict[str, str] = field(default_factory=dict)  # canonical label per language
    jurisdiction: str | None = None  # place key
    part_of: str | None = None  # place key (settlement -> country)
    generated: bool = False  # made from a template (organisation-templates.yaml)
    capital: bool = False  # a settlement that is its country's capital
    year: str | None = None  # an instrument's year of adoption


class LexiconError(Exception):
    pass


@dataclass
class Lexicon:
    entities: dict[str, EntityInfo]
    names: list[Name]
    directory: Path | None = None  # where the lexicon files are (other data files sit beside them)
    #: (kind of body, country key) -> entity key: "national-society", "government-of", "ministry-of-justice" …
    bodies: dict[tuple[str, str], str] = field(default_factory=dict)
    _acronyms: dict | None = field(default=None, repr=False)

    def acronym(self, key: str, lang: str) -> str | None:
        """The entity's first acronym in a language ("ICRC", "МККК", "BQXK"), if any."""
        if self._acronyms is None:
            self._acronyms = {}
            for n in self.names:
                if n.role == "acronym":
                    self._acronyms.setdefault((n.entity, n.lang), n.text)
        return self._acronyms.get((key, lang))

    def entity(self, key: str) -> EntityInfo:
        return self.entities[key]

    def resolve_focal(self, key: str, country: str | None) -> str | None:
        """Entity key of a contextual name for the document's focal country."""
        if FOCAL not in key:
            return key
        if not country:
            return None
        return key.replace(FOCAL, country.split("/", 1)[1])


class Entities(Mapping[str, EntityInfo]):
    """The entities one document can refer to: those it introduces itself (organisations
    discovered in its text, people, places no dataset knows) over the shared ones (the
    lexicon's, then the gazetteer's). The shared tables are never written to, so documents
    can be read in any order, in any process."""

    def __init__(self, *shared: Mapping[str, EntityInfo]):
        self.local: dict[str, EntityInfo] = {}
        self.shared = shared

    def __getitem__(self, key: str) -> EntityInfo:
        hit = self.local.get(key)
        if hit is not None:
            return hit
        for table in self.shared:
            hit = table.get(key)
            if hit is not None:
                return hit
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __iter__(self):
        seen = set(self.local)
        yield from self.local
        for table in self.shared:
            for k in table:
                if k not in seen:
                    seen.add(k)
                    yield k

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def add(self, info: EntityInfo) -> EntityInfo:
        """Introduce an entity (a known one is kept as it is)."""
        if info.key in self:
            return self[info.key]
        self.local[info.key] = info
        return info


def _load_yaml(path: Path) -> dict:
    try:
        return load_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read the lexicon file: {exc}") from None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_lexicon(lexicon_dir: Path, countries: "list[CountryRecord] | None" = None) -> Lexicon:
    """The lexicon's entities and names. ``countries`` (:mod:`kg.countries`) are those the
    national bodies are generated for; by default places.yaml's."""
    entities: dict[str, EntityInfo] = {}
    names: list[Name] = []
    bodies_by_country: dict[tuple[str, str], str] = {}
    country_records = countries

    def add_names(key: str, block: dict | None, role: str) -> None:
        for lang, values in (block or {}).items():
            for v in values or []:
                names.append(Name(key, lang, str(v), role))

    # Places are the gazetteer's (kg.gazetteer, with places.yaml as its curated overlay);
    # the organisation templates read the curated countries' adjectives and formal names.
    places = _load_yaml(lexicon_dir / "places.yaml")
    countries = places.get("countries", [])

    orgs = _load_yaml(lexicon_dir / "organisations.yaml")
    for o in orgs.get("organisations", []):
        key = f"organisation/{o['id']}"
        if key in entities:
            raise LexiconError(f"organisations.yaml: duplicate id {o['id']!r}")
        labels = {l: v[0] for l, v in o.get("names", {}).items()}
        for l, v in o.get("acronyms", {}).items():
            labels.setdefault(l, v[0])
        jur = f"place/{o['jurisdiction']}" if o.get("jurisdiction") else None
        entities[key] = EntityInfo(key, o["class"], labels, jurisdiction=jur)
        add_names(key, o.get("names"), "name")
        add_names(key, o.get("acronyms"), "acronym")
        add_names(key, o.get("short"), "short")

    instruments = _load_yaml(lexicon_dir / "instruments.yaml") if (lexicon_dir / "instruments.yaml").exists() else {}
    for i in instruments.get("instruments", []):
        key = f"instrument/{i['id']}"
        labels = {l: v[0] for l, v in i.get("names", {}).items()}
        entities[key] = EntityInfo(key, i["class"], labels, year=str(i["year"]) if i.get("year") else None)
        add_names(key, i.get("names"), "name")
        add_names(key, i.get("acronyms"), "acronym")

    add_bodies(entities, names, lexicon_dir, country_records, bodies_by_country)
    # Names in languages the pipeline reads; others are kept for reference only.
    names = [n for n in names if n.lang in SUPPORTED_LANGUAGES]
    return Lexicon(entities, names, lexicon_dir, bodies=bodies_by_country)


def add_bodies(entities: dict[str, EntityInfo], names: list[Name], lexicon_dir: Path,
               countries: "list[CountryRecord] | None", bodies_by_country: dict) -> None:
    """National societies and government bodies of every country (kg.national_bodies)."""
    from .morphology import Citation, Morphology
    from .national_bodies import government_bodies, national_societies

    # the places themselves are the gazetteer's (kg.gazetteer); places.yaml's curated
    # countries add their formal names and adjectives
    records = merge(countries or [], countries_from_places(lexicon_dir)) if countries else countries_from_places(lexicon_dir)
    genitive = Citation(Morphology(lexicon_dir / "az-suffixes.yaml")).genitive
    known_ns = {e.jurisdiction: k for k, e in entities.items() if e.cls == "NationalSociety" and e.jurisdiction}
    ns_data = _load_yaml(lexicon_dir / "national-societies.yaml")
    templates = _load_yaml(lexicon_dir / "organisation-templates.yaml").get("templates", [])
    for made in (national_societies(records, ns_data, known_ns, genitive),
                 government_bodies(records, templates, genitive)):
        for key, (cls, labels, jurisdiction, templated) in made.entities.items():
            entities.setdefault(key, EntityInfo(key, cls, labels, jurisdiction=jurisdiction, generated=templated))
        for key, lang, text, role in made.names:
            names.append(Name(key, lang, text, role))
        bodies_by_country.update(made.by_country)
