"""Figures: quantities with their qualifier and counted noun, in en/ru/az.

"more than 390 persons", "около 10 000 человек", "390-dan çox şəxs", "several thousand
persons". The words (qualifiers, separators, units, time units) are in
``data/lexicon/figures.yaml``. A number counts as a figure only with a qualifier or a
counted noun, so phone numbers and stray digits are left out; numbers inside a date
(``kg.annotate.dates``) and durations ("30 years", "30 ildən çox") are never figures.
Offsets are into ``text.norm``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..datafile import load_yaml
from ..morphology import Morphology
from ..text import Text
from ..components import component
from .dates import TimeExpression, find_time_expressions, fold, month_and_weekday_words

QUALIFIERS = ("exactly", "approximately", "nearly", "moreThan", "lessThan", "atLeast", "several", "range")
_UNSUPPORTED = "unsupported"
_WORD = re.compile(r" ([^\W\d_][^\W\d_'-]*)")


@dataclass(frozen=True)
class Figure:
    start: int  # normalised offsets covering qualifier + number + unit
    end: int
    surface: str
    value: int | float | None  # None for vague amounts ("several thousand")
    qualifier: str  # one of QUALIFIERS
    unit: str | None  # the counted noun as written, lower-cased
    number_start: int
    number_end: int
    upper: int | float | None = None  # the upper end of a range ("30,000 to 35,000")
    money: bool = False  # an amount of money: never people reached


def _alt(phrases) -> str:
    items = sorted({str(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p) for p in items) + ")" if items else "(?!)"


def _phrase_map(table: dict | None, extra: list | None = None) -> dict[str, str]:
    """Folded phrase -> qualifier; upper bounds map to ``_UNSUPPORTED``."""
    out = {fold(p): q for q, phrases in (table or {}).items() for p in phrases}
    out.update({fold(p): _UNSUPPORTED for p in extra or []})
    return out


class _Lang:
    def __init__(self, lang: str, data: dict, lexicon_dir: Path):
        self.lang = lang
        thousands = _alt(data.get("thousands_separators", []))
        dec = re.escape(data.get("decimal_separator", "."))
        # a whole number: groups of three after a separator, or plain digits; then decimals
        # (bounded, so that a run of thousands of digits is no number at all)
        self.number = re.compile(
            rf"(?<![\w.,])(?P<int>\d{{1,3}}(?:{thousands}\d{{3}}){{1,5}}(?!\d)|\d{{1,15}})(?:{dec}(?P<dec>\d{{1,6}}))?(?![.,]?\d)"
        )
        self.before = _phrase_map(data.get("qualifiers_before"), data.get("unsupported_before"))
        self.after = _phrase_map(data.get("qualifiers_after"), data.get("unsupported_after"))
        self.before_rx = re.compile(rf"(?<!\w){_alt(self.before)} $", re.I) if self.before else None
        # after-qualifiers attach to the number, the hyphen optional ("390-dan çox", "3000 ə yaxın")
        self.after_rx = re.compile(rf"(?:-| )?{_alt(self.after)}(?!\w)", re.I) if self.after else None
        self.vague_rx = re.compile(rf"(?<!\w){_alt(data.get('vague', []))}(?!\w)", re.I)
        self.multipliers = {fold(k): v for k, v in (data.get("multipliers") or {}).items()}
        self.multiplier_rx = re.compile(rf" {_alt(data.get('multipliers') or {})}(?!\w)", re.I)
        units = data.get("units", [])
        self.morph = _morphology(lexicon_dir)
        suffixing = self.morph.inflection(lang) == "suffixes"
        tail = r"[^\W\d_]*" if suffixing else ""  # nouns carry case endings: ailə|yə
        self.unit_rx = re.compile(rf"(?: ?%| {_alt([u for u in units if u != '%'])}{tail}(?!\w))", re.I)
        self.classifiers = {fold(c) for c in data.get("classifiers", [])}
        self.time_units = {fold(t) for t in data.get("time_units", [])}
        self.not_units = {fold(w) for w in data.get("not_units", [])} | month_and_weekday_words(lexicon_dir, lang)
        self.suffixing = suffixing
        words = data.get("number_words") or {}
        self.number_units = {fold(k): v for k, v in (words.get("units") or {}).items()}
        self.number_scales = {fold(k): v for k, v in (words.get("scales") or {}).items()}
        self.number_fractions = {fold(k): v for k, v in (words.get("fractions") or {}).items()}
        self.number_joiners = {fold(j) for j in words.get("joiners") or []}
        self.article_numbers = {fold(j) for j in words.get("article_numbers") or []}
        self.generic_rx = re.compile(rf"(?<!\w){_alt(data.get('generic') or [])}(?!\w)", re.I) if data.get("generic") else None
        self.distributive_rx = re.compile(rf"(?<!\w){_alt(data.get('distributives') or [])} $", re.I) \
            if data.get("distributives") else None
        self.range_rx = re.compile(rf" ?{_alt(data.get('range_joiners') or [])} ?", re.I) if data.get("range_joiners") else None
        self.not_counts_rx = re.compile(rf" ?{_alt(data.get('not_counts') or [])}{tail}(?!\w)", re.I) \
            if data.get("not_counts") else None
        money = data.get("money") or []
        self.money_after_rx = re.compile(rf" ?{_alt(money)}(?!\w)", re.I) if money else None
        self.money_signs = tuple(m for m in money if not m[0].isalnum())
        self.three_digit_groups = bool(data.get("three_digit_groups"))
        self.decimal = data.get("decimal_separator", ".")

    def is_time_unit(self, word: str) -> bool:
        w = fold(word)
        if self.suffixing:  # "ildən", "ayın": a time-unit stem with a case ending
            return any(self.morph.az_inflects(self.lower(word), stem) for stem in self.time_units)
        return w in self.time_units

    def lower(self, word: str) -> str:
        return self.morph.lower(self.lang, word)


@lru_cache(maxsize=8)
def _load(path: Path) -> dict:
    return load_yaml(path)


@lru_cache(maxsize=2)
def _morphology(lexicon_dir: Path) -> Morphology:
    return Morphology(lexicon_dir / "az-suffixes.yaml")


@lru_cache(maxsize=8)
def _lang(lexicon_dir: Path, lang: str) -> _Lang | None:
    data = _load(lexicon_dir / "figures.yaml")
    return _Lang(lang, data[lang], lexicon_dir) if lang in data else None


def _unit(L: _Lang, norm: str, pos: int) -> tuple[str | None, int, bool]:
    """(counted noun, its end, is a duration) for the words starting at ``pos``.

    A name or adjectives may stand before the noun ("102 Colombian Red Cross volunteers",
    "two operational centres"): up to three such words are passed over."""
    m = L.unit_rx.match(norm, pos)
    if m:
        word, end = m.group().strip(), m.end()
    else:
        w = _WORD.match(norm, pos)
        if not w:
            return None, pos, False
        word, end = w.group(1), w.end()
        skipped = 0
        while skipped < 3 and (word[0].isupper() or _only_adjective(L, word)) and fold(word) not in L.not_units:
            nxt = _WORD.match(norm, end)
            if not nxt or L.is_time_unit(nxt.group(1)):
                break
            word, end, skipped = nxt.group(1), nxt.end(), skipped + 1
    if L.is_time_unit(word):
        return None, pos, True
    if not m and (len(word) < 2 or not word[0].islower() or fold(word) in L.not_units):
        return None, pos, False  # a name ("23 June"), a function word ("700 of them")
    if fold(word) in L.classifiers:  # "20 nəfər məmur": the noun after the classifier
        n = L.unit_rx.match(norm, end)
        if n and fold(n.group().strip()) not in L.classifiers:
            return L.lower(n.group().strip()), n.end(), False
    return L.lower(word), end, False


def _only_adjective(L: _Lang, word: str) -> bool:
    """The word can only be an adjective (a modifier before the counted noun)."""
    return L.morph.only_adjective(L.lang, word)


_WORDS = re.compile(r"[^\W\d_]+")


def _word_numbers(L: _Lang, norm: str) -> list[tuple[int, int, float]]:
    """Numbers written as words: "sixteen", "two million", "a quarter of a million",
    "двух тысяч" (by lemma), "on min"."""
    if not L.number_units and not L.number_scales:
        return []
    words = [(m.start(), m.end(), fold(L.morph.key(L.lang, m.group()))) for m in _WORDS.finditer(norm)]
    out = []
    i = 0
    while i < len(words):
        s, e, w = words[i]
        fraction = L.number_fractions.get(w)
        if w not in L.number_units and w not in L.number_scales and fraction is None:
            i += 1
            continue
        total, current, j, end = 0.0, 0.0, i, e
        if fraction is not None:  # "a quarter of a million", "half a million"
            k = i + 1
            while k < len(words) and words[k][2] in {"of", "a", "an"} | L.number_joiners:
                k += 1
            if k < len(words) and words[k][2] in L.number_scales and norm[e:words[k][0]].strip(" ") in ("of a", "a", "of", ""):
                out.append((s if norm[max(0, s - 2):s] != "a " else s - 2, words[k][1], fraction * L.number_scales[words[k][2]]))
                i = k + 1
                continue
            i += 1
            continue
        seen_number = False
        while j < len(words):
            ws, we, word = words[j]
            gap = norm[end:ws] if j > i else ""
            if j > i and gap.strip() not in ("", "-") and fold(gap.strip()) not in L.number_joiners:
                break
            if word in L.number_units:
                current += L.number_units[word]
            elif word in L.number_scales:
                scale = L.number_scales[word]
                if scale == 100:
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * scale
                    current = 0
            elif word in L.number_joiners and j > i:
                j += 1
                continue
            else:
                break
            seen_number, end = True, we
            j += 1
        if seen_number and not (w in L.article_numbers and not any(
                x[2] in L.number_scales for x in words[i + 1:j])):  # "bir hissəsi" is "a part"
            value = total + current
            out.append((s, end, int(value) if float(value).is_integer() else value))
        i = max(j, i + 1)
    return out


def _digit_numbers(L: _Lang, norm: str) -> list[tuple[int, int, float]]:
    out = []
    for m in L.number.finditer(norm):
        value: int | float = int(re.sub(r"\D", "", m.group("int")))
        dec = m.group("dec")
        if dec:
            # "3,800" with a decimal comma: a thousands group in a count (no multiplier after)
            if L.three_digit_groups and L.decimal == "," and len(dec) == 3 and not L.multiplier_rx.match(norm, m.end()):
                value = value * 1000 + int(dec)
            else:
                value = float(f"{value}.{dec}")
        out.append((m.start(), m.end(), value))
    return out


def _figures_from_numbers(L: _Lang, norm: str, blocked: bytearray) -> list[Figure]:
    out: list[Figure] = []
    vague = bytearray(len(norm))
    for v in L.vague_rx.finditer(norm):  # "several thousand": a vague amount, not 1000
        vague[v.start():v.end()] = b"\x01" * (v.end() - v.start())
    if L.generic_rx:  # "one or more", "one another": no amount
        for v in L.generic_rx.finditer(norm):
            vague[v.start():v.end()] = b"\x01" * (v.end() - v.start())
    numbers = sorted(_digit_numbers(L, norm) + [w for w in _word_numbers(L, norm) if not any(vague[w[0]:w[1]])])
    consumed_to = -1
    for idx, (s, e, value) in enumerate(numbers):
        if s < consumed_to or any(blocked[s:e]):
            continue  # part of a date, or the upper end of a range taken already
        prev, nxt = norm[s - 2:s], norm[e:e + 2]
        if prev.endswith(("+", "#", "№", "-", "/")) or nxt.startswith("/"):
            continue  # phone numbers, codes, ranges
        if re.fullmatch(r"\d ", prev) or re.fullmatch(r" \d", nxt):
            continue  # one group of a digit sequence ("669 68 89")
        money = bool(L.money_signs) and norm[max(0, s - 1):s] in L.money_signs
        pos = e
        if L.vague_rx.match(norm, pos + 1) and norm[pos:pos + 1] == " ":
            continue  # "on minlərlə" (tens of thousands): a vague amount, read below
        if L.distributive_rx and L.distributive_rx.search(norm, max(0, s - 12), s):
            continue  # "hər iki tərəfdən" (from both sides), "each two years": no count
        if mm := L.multiplier_rx.match(norm, pos):  # "2 million", "10 тыс."
            value = value * L.multipliers[fold(mm.group().strip())]
            pos = mm.end()
        value = int(value) if float(value).is_integer() else value
        qualifier, start = "exactly", s - (1 if money else 0)
        if L.before_rx and (q := L.before_rx.search(norm, max(0, start - 40), start)):
            qualifier, start = L.before[fold(q.group()[:-1])], q.start()
        upper = None
        if L.range_rx and idx + 1 < len(numbers) and L.range_rx.fullmatch(norm, pos, numbers[idx + 1][0]) \
                and not any(blocked[numbers[idx + 1][0]:numbers[idx + 1][1]]):
            ns, ne, nv = numbers[idx + 1]
            if nm := L.multiplier_rx.match(norm, ne):
                nv, ne = nv * L.multipliers[fold(nm.group().strip())], nm.end()
            if nv > value:  # "30,000 to 35,000": a range (not "2 and 3" of a list)
                upper, pos, consumed_to = (int(nv) if float(nv).is_integer() else nv), ne, ne
                if qualifier == "exactly":
                    qualifier = "range"
        if L.after_rx and (q := L.after_rx.match(norm, pos)):
            after = L.after[fold(q.group().lstrip("- "))]
            qualifier = _UNSUPPORTED if _UNSUPPORTED in (qualifier, after) else after
            pos = q.end()
        if pos < len(norm) and (norm[pos].isalnum() or norm[pos] == "-" and pos + 1 < len(norm) and norm[pos + 1].isalnum()):
            continue  # "1st", "20-year", "1992-ci", "H1": not a count
        if L.not_counts_rx and L.not_counts_rx.match(norm, pos):
            continue  # a distance, a percentage, an age: not a count of anything reached
        if not money and L.money_after_rx and (cur := L.money_after_rx.match(norm, pos)):
            money, unit, end, duration = True, cur.group().strip(), cur.end(), False
        else:
            unit, end, duration = _unit(L, norm, pos)
        if duration or qualifier == _UNSUPPORTED:
            continue
        if unit is None and qualifier == "exactly" and not money:
            continue  # a bare number says nothing countable
        end = max(end, pos)
        if money and unit is None:
            unit = norm[s - 1]
        out.append(Figure(start, end, norm[start:end], value, qualifier, unit, s, e, upper, money))
    return out


def _vague_figures(L: _Lang, norm: str) -> list[Figure]:
    out: list[Figure] = []
    for m in L.vague_rx.finditer(norm):
        unit, end, duration = _unit(L, norm, m.end())
        if duration:
            continue  # "several hundred years"
        out.append(Figure(m.start(), max(end, m.end()), norm[m.start():max(end, m.end())], None,
                          "several", unit, m.start(), m.end()))
    return out


def find_figures(text: Text, lang: str, lexicon_dir: Path, times: list[TimeExpression] | None = None) -> list[Figure]:
    """Figures of ``text.norm`` in order of position (``times``: the text's time expressions,
    found here when not given)."""
    lexicon_dir = Path(lexicon_dir)
    L = _lang(lexicon_dir, lang)
    if L is None or not text.norm:
        return []
    norm = text.norm
    blocked = bytearray(len(norm))
    if times is None:
        times = find_time_expressions(text, lang, lexicon_dir)
    for t in times:
        if t.surface.isdigit() and L.unit_rx.match(norm, t.end):
            continue  # "of 2000 people": a bare "year" followed by a counted noun is a count
        blocked[t.start:t.end] = b"\x01" * (t.end - t.start)
    figures = _figures_from_numbers(L, norm, blocked)
    for v in _vague_figures(L, norm):  # "2 тысячи" is a number, not the vague "тысячи"
        if not any(f.start < v.end and v.start < f.end for f in figures):
            figures.append(v)
    return sorted(figures, key=lambda f: f.start)


@component("figures", needs=("times",), adds=("figures",))
def figures(doc) -> None:
    doc.figures = find_figures(doc.text, doc.lang, doc.lexicon_dir, doc.times)
