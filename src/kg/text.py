"""Text normalisation that keeps offsets into the original file.

The pipeline matches names on a cleaned copy of each document (unified spaces and
quotes, PDF hard line breaks joined, page furniture marked) but every position it
reports is an offset into the *original* text: ``Text.to_original`` maps back.
Offsets are Unicode code points, 0-based, end exclusive (as ``oa:TextPositionSelector``).
"""

from __future__ import annotations

import re
import statistics
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from .datafile import load_yaml

# Characters replaced one-for-one, so the offset map stays simple.
_ONE_FOR_ONE = str.maketrans(
    {
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
        "\u2002": " ", "\u2003": " ", "\t": " ", "\u3000": " ", "\ufeff": " ",
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
        "\u00ab": '"', "\u00bb": '"', "\u201e": '"',
        "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
        "\r": "\n", "\f": "\n", "\v": "\n",
    }
)
_TERMINAL = ".?!:;"


@dataclass(frozen=True)
class Token:
    text: str  # as in the normalised text
    start: int  # normalised offsets
    end: int
    is_word: bool


@dataclass(frozen=True)
class Sentence:
    start: int  # normalised offsets
    end: int


class Text:
    """A document's normalised text with a map back to original offsets.

    ``norm`` has single spaces between words; ``"\\n"`` marks a hard break (a heading,
    a paragraph end, a list item). ``_orig_at[i]`` is the original offset of ``norm[i]``.
    """

    def __init__(self, original: str, start: int = 0, end: int | None = None):
        """``start``/``end``: only that part of ``original`` is read (a section of a long
        document, ``sections``); offsets stay offsets into the whole of ``original``."""
        self.original = original
        whole = start == 0 and end is None
        self.norm, self._orig_at = _normalise(original if whole else original[start:end])
        if start:
            self._orig_at = [i + start for i in self._orig_at]
        self.tokens: list[Token] = [
            Token(m.group(), m.start(), m.end(), m.group()[0].isalnum())
            for m in _TOKEN.finditer(self.norm)
        ]
        self._token_starts = [t.start for t in self.tokens]
        self.sentences: list[Sentence] = list(_sentences(self.norm))
        self._sentence_starts = [s.start for s in self.sentences]  # (in order, not overlapping)

    @cached_property
    def norm_lower(self) -> str:
        """``norm`` in lower case, made once (finders look words up in it position by position)."""
        return self.norm.lower()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised span [start, end)."""
        if start >= end:
            raise ValueError("empty span")
        return self._orig_at[start], self._orig_at[end - 1] + 1

    def exact(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.original[s:e]

    def tokens_in(self, start: int, end: int) -> list[Token]:
        i = bisect_right(self._token_starts, start - 1)
        out = []
        while i < len(self.tokens) and self.tokens[i].end <= end:
            out.append(self.tokens[i])
            i += 1
        return out

    def sentence_holding(self, pos: int) -> Sentence | None:
        """The sentence whose span holds ``pos``, or None (a look-up, not a scan)."""
        i = bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def sentence_at(self, pos: int) -> Sentence:
        return self.sentence_holding(pos) or Sentence(pos, pos + 1)


class Spans:
    """Character spans taken (by other finders' mentions, or earlier picks), for tests of
    overlap and containment in time proportional to the span tested rather than to the
    spans taken: a scan of every taken span per candidate is quadratic in a long document.
    Each position keeps the furthest end of the spans over it (0: none). Spans are non-empty."""

    def __init__(self, spans=(), length: int = 0):
        spans = list(spans)
        self.reach = array("i", bytes(4 * (max([length] + [e for _, e in spans]) + 1)))
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        if e >= len(self.reach):
            self.reach.extend(bytes(4 * (e + 1 - len(self.reach))))
        for p in range(s, e):
            if self.reach[p] < e:
                self.reach[p] = e

    def overlaps(self, s: int, e: int) -> bool:
        return any(self.reach[s:e])

    def furthest_end(self, s: int, e: int) -> int:
        """The furthest end of the spans that overlap [s, e) (0: none does)."""
        return max(self.reach[s:e], default=0)

    def contain(self, s: int, e: int) -> bool:
        """Some span holds the whole of [s, e)."""
        return s < len(self.reach) and self.reach[s] >= e


_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Words and punctuation marks, as documents are tokenised: the same for lexicon names
    and trigger terms, so that they line up with the text."""
    return [m.group() for m in _TOKEN.finditer(text)]


def _is_wrapped(lines: list[str]) -> bool:
    """True when the text looks hard-wrapped (PDF extraction): many lines of similar length."""
    lengths = [len(l.strip()) for l in lines if l.strip()]
    if len(lengths) < 8:
        return False
    return max(lengths) <= 160 and 40 <= statistics.median(lengths) <= 130


def _normalise(original: str) -> tuple[str, list[int]]:
    text = original.translate(_ONE_FOR_ONE)
    wrapped = _is_wrapped(text.split("\n"))
    median = statistics.median([len(l.strip()) for l in text.split("\n") if l.strip()] or [0])
    out: list[str] = []
    orig_at: list[int] = []
    i, n = 0, len(text)
    line_start = 0
    while i < n:
        ch = text[i]
        if not ch.isspace():
            out.append(ch)
            orig_at.append(i)
            i += 1
            continue
        j = i
        while j < n and text[j].isspace():
            j += 1
        if not out or j >= n:  # leading or trailing whitespace: dropped
            i = j
            continue
        newlines = text.count("\n", i, j)
        if newlines == 0:
            sep = " "
        else:
            prev_line = text[line_start:i].strip()
            sep = "\n"
            if wrapped and out[-1] not in _TERMINAL and len(prev_line) >= 0.6 * median:
                sep = " "  # a PDF line wrap inside a sentence
            elif wrapped and text[j].islower() and out[-1] not in _TERMINAL:
                sep = " "
            line_start = text.rfind("\n", i, j) + 1
        out.append(sep)
        orig_at.append(i)
        i = j
    return "".join(out), orig_at


# A paragraph's end: a blank line; else a line's end; else a sentence's end.
_PARAGRAPH_END = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_END = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"[.?!][\"')\]]*\s+")


def sections(text: str, size: int) -> list[tuple[int, int]]:
    """Where a long text is cut to be read in parts (start, end; together the whole text).

    What a reader needs to understand a passage — who "the organisation" and "we" are, the
    names a text defines, the year of "in March" — is stated near it, not hundreds of pages
    before; and work that grows with the text's length (each finder's look-ups, the
    fact finders over every sentence) can go on in parallel over its sections. So a text
    longer than twice ``size`` characters is cut into sections of at least ``size``: at the
    first paragraph end (a blank line) within half a section after that, else the first line
    end there, else a sentence end, else a space; the last section is not cut short. What
    only the document's opening says — its title, date and dateline, whom and where it is
    about — the opening section finds, and the later ones take from it
    (kg.annotate.doc.DocumentContext). ``size`` 0 (or less): never cut."""
    cuts, start, n = [], 0, len(text)
    while size > 0 and n - start >= 2 * size:
        at, reach = start + size, min(n, start + size + size // 2)
        end = None
        for pattern in (_PARAGRAPH_END, _LINE_END, _SENTENCE_END):
            m = pattern.search(text, at, reach)
            if m is not None:
                end = m.end()
                break
        if end is None:
            space = text.find(" ", at, reach)
            end = space + 1 if space >= 0 else at
        if n - end < size:
            break  # (the last section is not cut short: the rest goes with this one)
        cuts.append((start, end))
        start = end
    cuts.append((start, n))
    return cuts


_ABBREV = {"g", "gg", "dr", "mr", "mrs", "st", "no", "vs", "etc", "e.g", "i.e", "г", "гг", "им", "т", "д", "ул"}


def _sentences(norm: str):
    """Split at hard breaks and at sentence-final punctuation followed by a capital."""
    start = 0
    for m in re.finditer(r"\n|[.?!](?=\s+[\"'(]?[A-ZА-ЯЁƏÜÖĞŞÇİI0-9])", norm):
        if m.group() == ".":
            word = re.search(r"(\w+)$", norm[start:m.start()])
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1 and word.group(1).isupper()):
                continue
        end = m.end() if m.group() != "\n" else m.start()
        if end > start and norm[start:end].strip():
            yield Sentence(start, end)
        start = m.end()
        while start < len(norm) and norm[start] == " ":
            start += 1
    if start < len(norm) and norm[start:].strip():
        yield Sentence(start, len(norm))


@lru_cache(maxsize=4)
def _language_profiles(path: Path) -> tuple[dict[str, frozenset], dict[str, frozenset]]:
    data = load_yaml(path)
    sup = {k: frozenset(v) for k, v in data["supported"].items()}
    other = {k: frozenset(v) for k, v in data.get("recognised_only", {}).items()}
    return sup, other


def detect_language(text: str, profiles_file: Path) -> tuple[str | None, dict[str, float]]:
    """The language whose function words the text uses most, with each language's share.

    Returns ``(None, scores)`` when no language reaches a credible share.
    """
    supported, others = _language_profiles(profiles_file)
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if not words:
        return None, {}
    scores = {}
    for lang, stop in {**supported, **others}.items():
        scores[lang] = sum(1 for w in words if w in stop) / len(words)
    best = max(scores, key=scores.get)
    if scores[best] < 0.04:
        return None, scores
    return best, scores
