"""The interface's own words in the three languages, and which language a request wants.

Labels of the graph's nodes come from the graph (``skos:prefLabel`` etc. with language
tags) and the words of property headings from the ontology; the words of the pages around
them (buttons, section titles, month names) are in ``messages.yaml`` beside this module,
one entry per key with its English, Russian and Azerbaijani text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ...config import SUPPORTED_LANGUAGES
from ...datafile import load_yaml

LANGUAGES: tuple[str, ...] = SUPPORTED_LANGUAGES
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "az": "Azərbaycanca"}
COOKIE = "kg_lang"
MESSAGES_FILE = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, object]]:
    data = load_yaml(MESSAGES_FILE)
    for key, row in data.items():
        missing = [lang for lang in LANGUAGES if not row.get(lang)]
        if missing:
            raise ValueError(f"{MESSAGES_FILE.name}: {key!r} has no text in {', '.join(missing)}")
        other = sorted(set(row) - set(LANGUAGES))
        if other:  # a comma in an unquoted text makes a key of its second half
            raise ValueError(f"{MESSAGES_FILE.name}: {key!r} has texts for no language: {other}")
    return data


def t(key: str, lang: str) -> str:
    """The interface word ``key`` in ``lang`` (English for a language the table lacks)."""
    row = _table().get(key)
    if row is None:
        raise KeyError(f"no interface text {key!r} in {MESSAGES_FILE.name}")
    return row.get(lang) or row["en"]


def months(lang: str) -> list[str]:
    """Month names for dates with a day (``3 September 2025``: genitive in Russian)."""
    return list(t("months-of-day", lang))


def month_names(lang: str) -> list[str]:
    """Month names for a month on its own (``September 2025``: nominative)."""
    return list(t("months", lang))


def messages(lang: str) -> dict[str, object]:
    return {k: t(k, lang) for k in _table()}


def english_interface_texts() -> set[str]:
    """Every English text of the interface (what a page in another language must not show)."""
    out = set()
    for row in _table().values():
        en = row["en"]
        for text in (en if isinstance(en, list) else [en]):
            out.add(text)
    return out


def from_accept_language(header: str | None) -> str | None:
    best, best_q = None, 0.0
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        tag = fields[0].lower()
        if not tag:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def choose_language(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """?lang= first, then the language chosen before (cookie), then Accept-Language, then en."""
    if asked in LANGUAGES:
        return asked
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(accept_language) or "en"
