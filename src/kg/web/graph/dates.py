"""Dates as people read them, in the page's language, at the precision a document gives.

``2025-09-03`` is "3 Sep 2025" / "3 сентября 2025 г." / "3 sentyabr 2025"; ``2025-09`` is
"Sep 2025"; ``1992`` is "1992". When documents state a date at different precisions, each
reading keeps the languages of the documents that give it: "3 Sep 2025 (ru) · Sep 2025 (en, az)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import i18n

_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def human_date(value: str, lang: str, genitive: bool = False) -> str:
    """An xsd:date, gYearMonth or gYear value in words; anything else as it is. ``genitive``:
    a month on its own as after "by" ("не позднее июня 2024 г.")."""
    m = _DATE.match(value.strip())
    if not m:
        return value
    year, month, day = m.group(1), m.group(2), m.group(3)
    y = str(int(year))
    if day:
        return i18n.t("date-day", lang).format(d=int(day), m=i18n.months(lang)[int(month) - 1], y=y)
    if month:
        names = i18n.months(lang) if genitive else i18n.month_names(lang)
        return i18n.t("date-month", lang).format(m=names[int(month) - 1], y=y)
    return i18n.t("date-year", lang).format(y=y)


def precision(value: str) -> int:
    """3 for a day, 2 for a month, 1 for a year, 0 for anything else."""
    m = _DATE.match(value.strip())
    if not m:
        return 0
    return 1 + (m.group(2) is not None) + (m.group(3) is not None)


@dataclass(frozen=True)
class Reading:
    """One way the documents state a date: its value and the languages of those documents."""

    value: str
    langs: tuple[str, ...]


def readings_text(readings: list[Reading], lang: str, always_langs: bool = False, genitive: bool = False) -> str:
    """Readings joined, most precise first; the languages are named only where documents
    differ ("3 Sep 2025 (ru) · Sep 2025 (en, az)"), unless ``always_langs``."""
    ordered = sorted(readings, key=lambda r: (-precision(r.value), r.value))
    show = always_langs or len(ordered) > 1
    parts = []
    for r in ordered:
        text = human_date(r.value, lang, genitive)
        if show and r.langs:
            text += " (" + ", ".join(_lang_order(r.langs, lang)) + ")"
        parts.append(text)
    return " · ".join(parts)


def _lang_order(langs: tuple[str, ...], lang: str) -> list[str]:
    order = list(i18n.LANGUAGES)
    return sorted(set(langs), key=lambda x: (x != lang, order.index(x) if x in order else len(order), x))


def sort_key(value: str) -> tuple:
    """Dates in time order, a less precise date before the more precise ones it contains."""
    m = _DATE.match(value.strip())
    if not m:
        return (10**6, 0, 0, value)
    return (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0), value)
