"""Temporal expressions: dates, starts, end bounds and intervals, in en/ru/az.

Works in two layers, both driven by ``data/lexicon/dates.yaml``:

1. *atoms* — one date each ("3 сентября 2025 года", "June 2024", "2025-ci ilin sentyabr
   ayında", "first half of 2024", a bare "1992") found by the language's templates;
2. *markers* around atoms — "since"/"с"/the Azerbaijani ablative make a start, "by the end
   of"/"к концу"/"sonunadək" an end bound, "between … and"/"с … по"/"X və Y"/"X - Y" an
   interval, "- present" an open interval (a start).

Every candidate is collected; the longest non-overlapping ones win, so "since 1992" beats
"1992" and "by the end of June 2024" beats "June 2024". A bare 4-digit number is a year
only in a date-like context, so counts ("3,000", "357") and durations ("30 years") are
never dates. Offsets are into ``text.norm`` (the caller maps them back).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..components import component
from ..datafile import load_yaml
from ..text import Text


@dataclass(frozen=True)
class TimeExpression:
    start: int  # normalised offsets into text.norm, end exclusive
    end: int
    surface: str  # text.norm[start:end]
    kind: str  # "instant" | "interval" | "start" | "end_bound"
    value: str | None  # ISO at its precision, for instant/start/end_bound
    precision: str | None  # "day" | "month" | "year"
    begin: str | None = None  # interval only
    end_value: str | None = None  # interval only
    weekday: str | None = None  # as stated ("friday")
    #: a date stated relative to when the document speaks: (unit, offset), e.g. ("day", -1)
    #: for "yesterday", ("month", 0) for "this month"; resolved by :func:`anchor`
    relative: tuple[str, int] | None = None

    @property
    def partial(self) -> bool:
        """Its year is not stated ("28 February", "yesterday"): it needs the document's date."""
        return self.relative is not None or any(v and v.startswith(NO_YEAR) for v in (self.value, self.begin, self.end_value))


#: the year of a date stated without one ("30 avqust", "17 January to 13 April")
NO_YEAR = "XXXX"


def anchor(t: TimeExpression, reference: str) -> TimeExpression | None:
    """The expression with its year or offset resolved against the document's date
    (ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), or None when the reference is too coarse.

    A day and month without a year are in the reference year, unless that puts them more
    than half a year after it (news speaks of the past more than of the future): then in
    the year before."""
    if not t.partial:
        return t
    ref_year = int(reference[:4])
    if t.relative:
        unit, offset = t.relative
        if unit == "year":
            return replace(t, value=f"{ref_year + offset:04d}", precision="year", relative=None)
        if unit == "month" and len(reference) >= 7:
            m = int(reference[5:7]) - 1 + offset
            return replace(t, value=f"{ref_year + m // 12:04d}-{m % 12 + 1:02d}", precision="month", relative=None)
        if unit == "day" and len(reference) == 10:
            day = date.fromisoformat(reference) + timedelta(days=offset)
            return replace(t, value=day.isoformat(), precision="day", relative=None)
        return None

    def fill(v: str | None) -> str | None:
        if not v or not v.startswith(NO_YEAR):
            return v
        year = ref_year
        if len(reference) >= 7 and v[5:] > _half_year_after(reference[5:]):
            year -= 1
        return f"{year:04d}{v[len(NO_YEAR):]}"

    return replace(t, value=fill(t.value), begin=fill(t.begin), end_value=fill(t.end_value))


def _half_year_after(month_day: str) -> str:
    """"MM-DD" six months later (as a string to compare with), "12-31" when past the year's end."""
    month = int(month_day[:2]) + 6
    return "12-31" if month > 12 else f"{month:02d}{month_day[2:]}"


_COARSENESS = {"day": 0, "month": 1, "year": 2}
_LETTERS = re.compile(r"[^\W\d_]*")
_BARE_YEAR = re.compile(r"(?<![\w.,])(?<!\d[.,])((?:19|20)\d\d)(?!\d)(?![.,]\d)")
# Placeholders that become named groups; any other {name} is a phrase list of the language.
_GROUPS = {
    "day": r"(?<!\d)(?P<day>0?[1-9]|[12]\d|3[01])(?!\d)",
    "monthnum": r"(?P<month>0?[1-9]|1[0-2])(?!\d)",
    "year": r"(?P<year>(?:19|20)\d\d)(?!\d)",
}


def fold(word: str) -> str:
    """Lookup key: lower case, with the Turkic dotted/dotless i merged."""
    return word.replace("İ", "i").replace("I", "i").lower().replace("ı", "i").replace("\u0307", "")


def _alt(phrases) -> str:
    """A non-capturing alternation of literal phrases, longest first."""
    items = sorted({str(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p) for p in items) + ")"


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int  # including the rest of the word in suffixing languages
    precision: str  # day | month | year | half | quarter
    value: str | None  # ISO for day/month/year
    begin: str | None  # for half/quarter
    end_value: str | None
    weekday: str | None
    bare: bool  # a 4-digit number with nothing around it
    rest: str  # the case ending after the template (az)


class _Lang:
    """One language's compiled patterns and word maps."""

    def __init__(self, common: dict, data: dict):
        self.suffixing = bool(data.get("suffixing"))
        self.months = {fold(f): int(n) for n, forms in data["months"].items() for f in forms}
        self.weekdays = {fold(f): name for name, forms in data.get("weekdays", {}).items() for f in forms}
        self.halves = {fold(f): int(n) for n, forms in data.get("halves", {}).items() for f in forms}
        self.quarters = {fold(f): int(n) for n, forms in data.get("quarters", {}).items() for f in forms}
        groups = {
            **_GROUPS,
            **{name: _named(name, self._forms(data, key))
               for name, key in (("month", "months"), ("weekday", "weekdays"), ("half", "halves"), ("quarter", "quarters"))},
        }

        def expand(pattern: str) -> str:
            def sub(m: re.Match) -> str:
                name = m.group(1)
                return groups[name] if name in groups else _alt(data[name])

            return r"(?<!\w)" + re.sub(r"\{([a-z_]+)\}", sub, pattern)

        self.templates = [
            (t["precision"], re.compile(expand(t["pattern"]), re.I))
            for t in common.get("templates", []) + data.get("templates", [])
        ]
        # markers before an atom are searched at the end of the preceding text
        self.year_context = _before(data.get("year_context"))
        self.start_before = _before(data.get("start_before"))
        self.end_before = _before(data.get("end_before"))
        # markers after an atom are matched right at its end
        self.start_after = _after(data.get("start_after"))
        self.end_after = _after(data.get("end_after"))
        coord = data.get("coordinators")
        self.coordinators = re.compile(rf" ?{_alt(coord)} ", re.I) if coord else None
        self.start_suffixes = tuple(data.get("start_suffixes") or ())
        self.end_suffixes = tuple(data.get("end_suffixes") or ())
        # "yesterday", "this month": (unit, offset) from the document's date
        self.relative = {fold(p): (unit, int(offset)) for unit, table in (data.get("relative") or {}).items()
                         for offset, phrases in table.items() for p in phrases}
        self.relative_rx = re.compile(rf"(?<!\w){_alt(self.relative)}(?!\w)", re.I) if self.relative else None
        present = _alt(data.get("present") or ["\x00"])
        # (opener or None, gap between two dates, gap + "present" = open end)
        self.intervals: list[tuple[re.Pattern | None, re.Pattern, re.Pattern]] = []
        for rule in data.get("intervals", []):
            gap = _alt(rule["between"])
            self.intervals.append(
                (
                    _before([rule["before"]]) if rule.get("before") else None,
                    re.compile(rf" ?{gap} ?", re.I),
                    re.compile(rf" ?{gap} ?{present}(?!\w)", re.I),
                )
            )

    @staticmethod
    def _forms(data: dict, key: str) -> list[str]:
        return [f for forms in data.get(key, {}).values() for f in forms] or ["\x00"]

    def lookup(self, table: dict[str, int], word: str) -> int | None:
        return int(word) if word.isdigit() else table.get(fold(word))


def _named(name: str, phrases) -> str:
    """Like _alt, but a named group."""
    return f"(?P<{name}>" + _alt(phrases)[len("(?:"):]


def _before(phrases) -> re.Pattern | None:
    phrases = [p for p in phrases or [] if p]
    return re.compile(rf"(?<!\w){_alt(phrases)} $", re.I) if phrases else None


def _after(phrases) -> re.Pattern | None:
    phrases = [p for p in phrases or [] if p]
    return re.compile(rf" {_alt(phrases)}(?!\w)", re.I) if phrases else None


@lru_cache(maxsize=8)
def _load(path: Path) -> dict:
    return load_yaml(path)


@lru_cache(maxsize=16)
def _lang(lexicon_dir: Path, lang: str) -> _Lang | None:
    data = _load(Path(lexicon_dir) / "dates.yaml")
    return _Lang(data.get("all", {}), data[lang]) if lang in data else None


def month_and_weekday_words(lexicon_dir: Path, lang: str) -> frozenset[str]:
    """Folded month and weekday names of a language (for other recognisers' stop-lists)."""
    L = _lang(Path(lexicon_dir), lang)
    return frozenset(L.months) | frozenset(L.weekdays) if L else frozenset()


def _iso(y: int | None, m: int | None = None, d: int | None = None) -> str:
    return (NO_YEAR if y is None else f"{y:04d}") + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")


def _make_atom(L: _Lang, norm: str, m: re.Match, precision: str) -> _Atom | None:
    g = m.groupdict()
    if precision == "daymonth":  # "28 февраля": the year is the document's (see anchor)
        month = L.lookup(L.months, g["month"])
        try:
            date(2000, month, int(g["day"]))  # 2000: a leap year, so "29 February" is a date
        except (TypeError, ValueError):
            return None
        precision, y = "day", None
    else:
        y = int(g["year"])
    month = L.lookup(L.months, g["month"]) if g.get("month") else None
    weekday = L.weekdays.get(fold(g["weekday"])) if g.get("weekday") else None
    value = begin = end_value = None
    if precision == "day":
        try:
            date(2000 if y is None else y, month, int(g["day"]))  # "31 February" is no date
        except (TypeError, ValueError):
            return None
        value = _iso(y, month, int(g["day"]))
    elif precision == "month":
        value = _iso(y, month)
    elif precision == "year":
        value = _iso(y)
    else:  # half / quarter: an interval of months
        n = L.lookup(L.halves if precision == "half" else L.quarters, g[precision])
        if n is None:
            return None
        size = 6 if precision == "half" else 3
        begin, end_value = _iso(y, (n - 1) * size + 1), _iso(y, n * size)
    end, rest = m.end(), ""
    if L.suffixing:  # the case ending belongs to the expression
        rest = _LETTERS.match(norm, end).group()
        end += len(rest)
    elif end < len(norm) and norm[end].isalnum():
        return None  # "2000s", a template stopping inside a word
    return _Atom(m.start(), end, precision, value, begin, end_value, weekday, False, rest)


def _atoms(L: _Lang, norm: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for precision, rx in L.templates:
        for m in rx.finditer(norm):
            a = _make_atom(L, norm, m, precision)
            if a:
                atoms.append(a)
    for m in _BARE_YEAR.finditer(norm):
        if L.suffixing or m.end() >= len(norm) or not norm[m.end()].isalpha():
            atoms.append(_Atom(m.start(), m.end(), "year", m.group(1), None, None, None, True, ""))
    return atoms


def _precision(a: _Atom) -> str:
    return a.precision if a.precision in _COARSENESS else "month"


def _expr(norm: str, start: int, end: int, kind: str, a: _Atom) -> TimeExpression:
    if kind == "start" and a.value is None:
        value = a.begin
    elif kind == "end_bound" and a.value is None:
        value = a.end_value
    else:
        value = a.value
    if kind == "instant" and a.value is None:  # a half/quarter stated alone is an interval
        return TimeExpression(start, end, norm[start:end], "interval", None, "month", a.begin, a.end_value)
    return TimeExpression(start, end, norm[start:end], kind, value, _precision(a), weekday=a.weekday)


def _interval(norm: str, start: int, end: int, begin: str, end_value: str, p1: str, p2: str) -> TimeExpression | None:
    n = min(len(begin), len(end_value))
    if end_value[:n] < begin[:n]:
        return None  # "2023-2020": not an interval
    precision = max(p1, p2, key=_COARSENESS.__getitem__)
    return TimeExpression(start, end, norm[start:end], "interval", None, precision, begin, end_value)


def _candidates(L: _Lang, norm: str, atoms: list[_Atom]) -> list[TimeExpression]:
    out: list[TimeExpression] = []

    def before(rx: re.Pattern | None, pos: int) -> re.Match | None:
        return rx.search(norm, max(0, pos - 60), pos) if rx else None

    for a in atoms:
        if not a.bare or before(L.year_context, a.start):
            out.append(_expr(norm, a.start, a.end, "instant", a))
        if m := before(L.start_before, a.start):
            out.append(_expr(norm, m.start(), a.end, "start", a))
        if m := before(L.end_before, a.start):
            out.append(_expr(norm, m.start(), a.end, "end_bound", a))
        if a.rest and a.rest.endswith(L.start_suffixes or ("\x00",)):  # az "1992-ci ildən (bəri)"
            m = L.start_after.match(norm, a.end) if L.start_after else None
            out.append(_expr(norm, a.start, m.end() if m else a.end, "start", a))
        elif a.rest and a.rest.endswith(L.end_suffixes or ("\x00",)):  # az "2024-cü ilədək"
            out.append(_expr(norm, a.start, a.end, "end_bound", a))
        elif L.start_after and (m := L.start_after.match(norm, a.end)):  # "2020 onwards"
            out.append(_expr(norm, a.start, m.end(), "start", a))
        if L.end_after and (m := L.end_after.match(norm, a.end)):  # az "iyun ayının sonunadək"
            out.append(_expr(norm, a.start, m.end(), "end_bound", a))
        # "01.01.1998 - present", "from 1998 to date": an open interval, i.e. a start
        for opener, _gap, present in L.intervals:
            m = present.match(norm, a.end)
            o = before(opener, a.start) if opener else None
            if m and (o or not opener):
                out.append(_expr(norm, o.start() if o else a.start, m.end(), "start", a))

    # two dates joined by a connector: "between 2020 and 2023", "с 2020 по 2023 год", "2020 və 2023-cü ilin"
    atoms = sorted(atoms, key=lambda x: x.start)
    starts = [x.start for x in atoms]
    for a in atoms:
        for b in atoms[bisect_right(starts, a.end):bisect_right(starts, a.end + 12)]:
            for opener, gap, _present in L.intervals:
                if not gap.fullmatch(norm, a.end, b.start):
                    continue
                o = before(opener, a.start) if opener else None
                if opener and not o:
                    continue
                iv = _interval(norm, o.start() if o else a.start, b.end, a.value or a.begin,
                               b.value or b.end_value, _precision(a), _precision(b))
                if iv:
                    out.append(iv)

    # "2020 və 2023-cü ilin", "in 2020 and 2023": a bare year joined to a date is a year too
    if L.coordinators:
        def dated(x: _Atom) -> bool:
            return not x.bare or bool(before(L.year_context, x.start))

        for a in atoms:
            for b in atoms[bisect_right(starts, a.end):bisect_right(starts, a.end + 12)]:
                if not L.coordinators.fullmatch(norm, a.end, b.start):
                    continue
                if a.bare and dated(b):
                    out.append(_expr(norm, a.start, a.end, "instant", a))
                if b.bare and dated(a):
                    out.append(_expr(norm, b.start, b.end, "instant", b))

    # a start right before an end bound: "from 2020 until 2023", az "2020-ci ildən 2023-cü ilədək"
    opened: dict[int, list[TimeExpression]] = {}
    for c in out:
        if c.kind == "start":
            opened.setdefault(c.end, []).append(c)
    for e in [c for c in out if c.kind == "end_bound"]:
        for s in opened.get(e.start, []) + opened.get(e.start - 1, []):
            if not norm[s.end:e.start].strip(" "):
                iv = _interval(norm, s.start, e.end, s.value, e.value, s.precision, e.precision)
                if iv:
                    out.append(iv)
    return out


def find_time_expressions(text: Text, lang: str, lexicon_dir: Path) -> list[TimeExpression]:
    """Temporal expressions of ``text.norm`` in order, longest reading of each stretch."""
    L = _lang(Path(lexicon_dir), lang)
    if L is None or not text.norm:
        return []
    norm = text.norm
    cands = _candidates(L, norm, _atoms(L, norm))
    if L.relative_rx:
        for m in L.relative_rx.finditer(norm):
            unit, offset = L.relative[fold(m.group())]
            cands.append(TimeExpression(m.start(), m.end(), m.group(), "instant", None, unit, relative=(unit, offset)))
    # the longest candidate wins; among equals, the earliest, then the more specific kind
    order = {"interval": 0, "start": 1, "end_bound": 2, "instant": 3}
    cands.sort(key=lambda c: (-(c.end - c.start), c.start, order[c.kind]))
    chosen: list[TimeExpression] = []
    taken = bytearray(len(norm))
    for c in cands:
        if not any(taken[c.start:c.end]):
            chosen.append(c)
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: c.start)


@component("times", adds=("times",))
def times(doc) -> None:
    doc.times = find_time_expressions(doc.text, doc.lang, doc.lexicon_dir)
