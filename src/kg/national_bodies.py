"""Bodies named after a country, generated for every country a source gives.

* **National societies** (``data/lexicon/national-societies.yaml``): the Movement names a
  society after its country and emblem — "Angola Red Cross", "Comoros Red Crescent Society",
  "Colombian Red Cross Society", "Red Cross of Georgia", "Общество Красного Полумесяца
  Таджикистана", "Турецкое общество Красного Полумесяца", "Anqola Qızıl Xaç Cəmiyyəti". A
  country has one recognised society (the Movement's statutes), so every pattern of every
  emblem names the same entity: the lexicon's society of that country when it has one
  (``organisations.yaml``, kept keys), else ``<country>-red-cross-society`` or
  ``<country>-red-crescent-society`` by the emblem the data gives the country.
* **Government bodies** (``organisation-templates.yaml``): government, authorities,
  ministries, president.

Both read countries only through :class:`kg.countries.CountryRecord`. ``contextual``
names ("the authorities", "the Ministry of Justice") get the placeholder key ``{focal}`` and
are resolved per document; :attr:`Bodies.by_country` gives, for a kind of body and a
country, the entity (so "the National Society" can be resolved to the right country's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .countries import CountryRecord

FOCAL = "{focal}"

NATIONAL_SOCIETY = "national-society"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Bodies:
    """What the generators made: entities (key -> (class, labels, jurisdiction, labelled by template)), names
    (key, lang, text, role) and the body of each kind per country."""

    entities: dict[str, tuple[str, dict[str, str], str, bool]] = field(default_factory=dict)
    names: list[tuple[str, str, str, str]] = field(default_factory=list)
    by_country: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, country key) -> entity key


def _fillers(pattern: str, country: CountryRecord, lang: str) -> list[dict]:
    if "{adj}" in pattern:
        return [{"adj": a} for a in country.adjectives.get(lang, [])]
    if "{country}" in pattern:
        return [{"country": n} for n in country.names.get(lang, [])]
    return [{}]


def _emblem_of(country: CountryRecord, data: dict) -> str:
    """The emblem the country's society uses: listed by ISO code, or by English name when
    the source gives no code; the red cross otherwise."""
    en_names = set(country.names.get("en", []))
    for emblem, members in (data.get("emblem_of") or {}).items():
        for m in members:
            if (country.iso2 and m.get("iso2") == country.iso2) or m.get("name") in en_names:
                return emblem
    return data.get("default_emblem", "red-cross")


def national_societies(countries: Iterable[CountryRecord], data: dict, known: dict[str, str],
                       genitive: Callable[[str, str], str]) -> Bodies:
    """``known``: country key -> key of the lexicon's society of that country."""
    out = Bodies()
    emblems = data.get("emblems", {})
    for c in countries:
        emblem = _emblem_of(c, data)
        key = known.get(c.key) or f"organisation/{c.slug}-{emblems[emblem]['key']}"
        if key not in known.values():
            labels = {}
            for lang, pat in (data.get("label") or {}).items():
                name = (c.names.get(lang) or [None])[0]
                if name:
                    labels[lang] = pat.format(country=name, country_gen=c.formal_gen.get(lang) or genitive(lang, name),
                                              **{k: v for k, v in emblems[emblem].get(lang, {}).items()})
            # labelled by the names documents give it (cited), not by a template: generated=False
            out.entities[key] = ("NationalSociety", labels, c.key, False)
        out.by_country[(NATIONAL_SOCIETY, c.key)] = key
        for lang, patterns in (data.get("names") or {}).items():
            for pat in patterns:
                for em in emblems.values():  # one society per country, whichever emblem a text names
                    forms = em.get(lang) or {}
                    for f in _fillers(pat, c, lang):
                        out.names.append((key, lang, pat.format(**forms, **f), "name"))
    return out


def government_bodies(countries: Iterable[CountryRecord], templates: list[dict],
                      genitive: Callable[[str, str], str]) -> Bodies:
    out = Bodies()
    countries = list(countries)
    for t in templates:
        kind = t.get("kind", "organisation")
        for variant in t.get("domains") or [{}]:
            body_kind = _slug(t["id"].format(**{**variant, "place": ""}))
            for c in countries:
                key = f"{kind}/" + _slug(t["id"].format(**{**variant, "place": c.slug}))
                if key not in out.entities:
                    labels = {}
                    for lang, pat in t["label"].items():
                        name = c.label_name(lang)
                        if name:
                            gen = c.formal_gen.get(lang) or genitive(lang, name)
                            labels[lang] = pat.format(formal=name, formal_gen=gen, **variant)
                    out.entities[key] = (t["class"], labels, c.key, True)
                    out.by_country[(body_kind, c.key)] = key
                for lang, patterns in t.get("names", {}).items():
                    for pat in patterns:
                        for f in _fillers(pat, c, lang):
                            if f:
                                out.names.append((key, lang, pat.format(**variant, **f), "name"))
            focal_key = f"{kind}/" + _slug(t["id"].format(**{**variant, "place": "FOCAL"})).replace("focal", FOCAL)
            for lang, patterns in t.get("contextual", {}).items():
                for pat in patterns:
                    out.names.append((focal_key, lang, pat.format(**variant), "contextual"))
            for lang, patterns in t.get("posts", {}).items():
                for pat in patterns:
                    out.names.append((focal_key, lang, pat.format(**variant), "post"))
    return out
