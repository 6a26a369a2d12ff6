"""Countries as the name generators see them: one small interface, several sources.

The organisations the Movement and states name after a country — its national Red Cross or
Red Crescent society, its government, ministries and president — are generated for every
country a source gives (:mod:`kg.national_bodies`). The generators read only
:class:`CountryRecord` (key, ISO code, names and adjectives per language), so the source can
change without touching them:

* :func:`countries_from_gazetteer` adapts any object with a ``countries()`` method returning
  records with ``key``, ``iso2``, ``names`` and ``adjectives`` (the gazetteer,
  ``kg.gazetteer.Gazetteer``: every country of CLDR and ISO 3166);
* :func:`countries_from_places` reads ``data/lexicon/places.yaml``'s curated ``countries``
  (formal names for labels; the source when there is no gazetteer);
* :func:`countries_from_yaml` reads a file of the same shape (tests give a few countries
  with it when the shipped source does not know them).

:meth:`kg.resources.Resources.countries` picks the gazetteer when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from .datafile import load_yaml


@dataclass(frozen=True)
class CountryRecord:
    key: str  # "place/angola"
    iso2: str | None = None
    names: dict[str, list[str]] = field(default_factory=dict)  # per language, the usual name first
    adjectives: dict[str, list[str]] = field(default_factory=dict)  # per language (Russian: masculine lemma)
    formal: dict[str, str] = field(default_factory=dict)  # formal name per language, for labels
    formal_gen: dict[str, str] = field(default_factory=dict)  # the formal name in the genitive

    @property
    def slug(self) -> str:
        return self.key.split("/", 1)[1]

    def label_name(self, lang: str) -> str | None:
        """The name used in generated labels: the formal name, else the usual one."""
        if lang in self.formal:
            return self.formal[lang]
        names = self.names.get(lang)
        return names[0] if names else None


class CountrySource(Protocol):
    def countries(self) -> Iterable: ...


def _record(c: dict) -> CountryRecord:
    key = c.get("key") or f"place/{c['id']}"
    return CountryRecord(
        key=key,
        iso2=c.get("iso2") or c.get("iso"),
        names={l: list(v) for l, v in (c.get("names") or {}).items()},
        adjectives={l: list(v) for l, v in (c.get("adjectives") or {}).items()},
        formal=dict(c.get("formal") or {}),
        formal_gen=dict(c.get("formal_gen") or {}),
    )


def countries_from_places(lexicon_dir: Path) -> list[CountryRecord]:
    path = Path(lexicon_dir) / "places.yaml"
    data = load_yaml(path) or {}
    return [_record(c) for c in data.get("countries", [])]


def countries_from_yaml(path: Path) -> list[CountryRecord]:
    data = load_yaml(Path(path)) or {}
    return [_record(c) for c in data.get("countries", [])]


def countries_from_gazetteer(gazetteer: CountrySource) -> list[CountryRecord]:
    """Records from any source with ``countries()`` (attributes or mappings)."""
    out = []
    for r in gazetteer.countries():
        get = (lambda k, r=r: r.get(k)) if isinstance(r, dict) else (lambda k, r=r: getattr(r, k, None))
        key = get("key")
        if key and "/" not in key:
            key = f"place/{key}"
        out.append(CountryRecord(
            key=key, iso2=get("iso2"),
            names={l: list(v) if not isinstance(v, str) else [v] for l, v in (get("names") or {}).items()},
            adjectives={l: list(v) if not isinstance(v, str) else [v] for l, v in (get("adjectives") or {}).items()},
            formal=dict(get("formal") or {}), formal_gen=dict(get("formal_gen") or {}),
        ))
    return out


def merge(*sources: Iterable[CountryRecord]) -> list[CountryRecord]:
    """Records of several sources, one per key: the first source's names first, later
    sources adding the names and adjectives it lacks."""
    merged: dict[str, CountryRecord] = {}
    for source in sources:
        for r in source:
            old = merged.get(r.key)
            if old is None:
                merged[r.key] = r
                continue

            def union(a: dict, b: dict) -> dict:
                out = {l: list(v) for l, v in a.items()}
                for l, v in b.items():
                    out.setdefault(l, [])
                    out[l] += [x for x in v if x not in out[l]]
                return out

            merged[r.key] = CountryRecord(
                old.key, old.iso2 or r.iso2, union(old.names, r.names), union(old.adjectives, r.adjectives),
                {**r.formal, **old.formal}, {**r.formal_gen, **old.formal_gen},
            )
    return list(merged.values())
