"""A little grammar, enough to tell who does what to whom where in a clause.

The role of a noun phrase in its clause is marked by a preposition before it (English,
Russian), by a case ending (Azerbaijani suffixes, Russian inflection read by pymorphy3),
or by nothing (the subject, in English its place before the verb). Each language's file
(``data/languages/<code>.yaml``: ``cases``, ``clause_openers``, ``anaphors``, ``hedges``,
``negations``) lists the markers; nothing here names a language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..language import Language

#: determiners that may stand between a preposition and its noun ("to the Commission", "in its office")
_DETERMINERS = {"the", "a", "an", "its", "their", "our", "his", "her", "this", "that", "these", "those", "свой", "своей",
                "своего", "свою", "своим", "своём", "своем"}
# brackets and quotes do not end a clause: they hold an acronym or a name ("(МККК)", «Российский Красный Крест»)
_CLAUSE_PUNCT = re.compile(r";|\s[–—]\s|\s-\s|:\s")
_APOSTROPHES = "'’`-"


def _words_before(norm: str, pos: int, n: int = 3) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:'t)?", norm[max(0, pos - 40):pos])[-n:]


def preposition_case(language: Language, norm: str, start: int) -> str | None:
    """The case a preposition right before ``start`` gives the phrase (determiners skipped)."""
    words = [w.lower() for w in _words_before(norm, start, 4)]
    while words and words[-1] in _DETERMINERS:
        words.pop()
    if not words:
        return None
    gap = norm[max(0, start - 40):start]
    if re.search(r"[.;:!?,]\s*$", gap.rstrip()) and not re.search(r"\w\s*$", gap):
        return None
    for case, marks in language.cases.items():
        for prep in marks.get("prepositions", ()):
            pw = prep.lower().split()
            if len(words) >= len(pw) and words[-len(pw):] == pw:
                return case
    return None


def postposition_case(language: Language, norm: str, end: int) -> str | None:
    """The case a postposition right after the phrase gives it ("X ilə": with X)."""
    nxt = re.match(r"[" + _APOSTROPHES + r"]?[^\W\d_]*\s+([^\W\d_]+)", norm[end:end + 40])
    word = language.lower(nxt.group(1)) if nxt else None
    if word is None:
        return None
    for case, marks in language.cases.items():
        if word in {language.lower(p) for p in marks.get("postpositions", ())}:
            return case
    return None


def suffix_case(language: Language, rest: str) -> str | None:
    """The case an ending (what follows a name's stem: "da" of "Bakıda", "'s" of "USA's") marks."""
    raw = language.lower(rest.replace("’", "'"))
    rest = language.lower(rest.strip(_APOSTROPHES))
    if not rest:
        return None
    best = None
    for case, marks in language.cases.items():
        for suffix in marks.get("suffixes", ()):
            suffix = language.lower(suffix.replace("’", "'"))
            # the case ending closes the word (a possessive may precede it: Komissiya-sı-na)
            if (raw == suffix or (rest.endswith(suffix) and not suffix.startswith("'"))) and \
                    (best is None or len(suffix) > best[1]):
                best = (case, len(suffix))
    return best[0] if best else None


def inflection_case(language: Language, words: list[str]) -> str | None:
    """The case the head noun's inflection marks (languages with an inflection table)."""
    tags = {case: set(marks.get("inflection", ())) for case, marks in language.cases.items() if marks.get("inflection")}
    if not tags:
        return None
    for w in words:
        parses = _ru_parses(w.lower())
        nouns = [p for p in parses if "NOUN" in p.tag or "Abbr" in p.tag]
        if not nouns:
            continue
        if any("Fixd" in p.tag for p in nouns[:1]):  # indeclinable (МККК): the case is not marked
            return None
        possible = {str(p.tag.case) for p in nouns}
        # an inanimate noun's nominative and accusative look alike: before the verb, the subject
        if possible & tags.get("nominative", set()):
            return "nominative"
        for case, wanted in tags.items():
            if any(str(p.tag.case) in wanted for p in nouns[:1]):
                return case
        return None
    return None


@lru_cache(maxsize=50_000)
def _ru_parses(word: str):
    from ..morphology import russian_analyser  # the one pymorphy3 analyser of the process

    return tuple(russian_analyser().parse(word)[:2])


def phrase_case(doc, start: int, end: int, stem_end: int | None = None) -> str | None:
    """The case of the noun phrase at [start, end) of ``doc.text.norm``.

    ``stem_end``: where the name's stem ends, when the phrase is a name whose last word
    carries an ending ("Bakı|da", "ANAMA-|ya"); otherwise the ending is what follows the
    phrase inside the same word."""
    language = doc.language
    norm = doc.text.norm
    case = preposition_case(language, norm, start) or postposition_case(language, norm, end)
    if case:
        return case
    if any(m.get("suffixes") for m in language.cases.values()):
        m = re.match(r"[" + _APOSTROPHES + r"]?[^\W\d_]+", norm[end:])
        rest = norm[stem_end:end] if stem_end is not None and stem_end < end else ""
        if m:
            rest += m.group()
        if rest:
            return suffix_case(language, rest)
    words = re.findall(r"[^\W\d_]+", norm[start:end])
    return inflection_case(language, words)


def clauses(doc, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of the sentence [start, end): split at semicolons, dashes, brackets,
    quotes and at the words that open a subordinate or coordinate clause after a comma."""
    language = doc.language
    norm = doc.text.norm
    cuts = {start, end}
    for m in _CLAUSE_PUNCT.finditer(norm, start, end):
        cuts.add(m.start())
    openers = sorted(language.clause_openers, key=len, reverse=True)
    if openers:
        rx = re.compile(r",\s+(?:" + "|".join(re.escape(o) for o in openers) + r")\b", re.I)
        for m in rx.finditer(norm, start, end):
            cuts.add(m.start())
    points = sorted(cuts)
    return [(a, b) for a, b in zip(points, points[1:]) if norm[a:b].strip(" ,;:-–—()«»\"“”")]


def clause_of(doc, sentence, pos: int) -> tuple[int, int]:
    for a, b in clauses(doc, sentence.start, sentence.end):
        if a <= pos < b:
            return a, b
    return sentence.start, sentence.end


def has_word(language: Language, text: str, phrases: tuple[str, ...]) -> bool:
    low = " " + " ".join(re.findall(r"[^\W\d_]+(?:n't)?", language.lower(text))) + " "
    return any(f" {language.lower(p)} " in low for p in phrases)


def mention_case(doc, m) -> str | None:
    """The case of a name's mention, its ending read after the name's own last word
    ("Azərbaycan|dakı", "Komissiya|sına")."""
    return phrase_case(doc, m.norm_start, m.norm_end, name_stem_end(doc, m))


def name_stem_end(doc, m) -> int | None:
    """Where the name's last word ends inside the text's last word ("Bakı|da")."""
    from ..text import tokenize

    language = doc.language
    words = [w for w in tokenize(m.name) if w[0].isalnum()]
    toks = [w for w in tokenize(doc.text.norm[m.norm_start:m.norm_end]) if w[0].isalnum()]
    if not words or not toks:
        return None
    last, tail = language.lower(words[-1]), language.lower(toks[-1])
    if tail.startswith(last) and len(tail) > len(last):
        return m.norm_end - (len(tail) - len(last))
    return None


#: the cases of a place slot: where something is ("in X", "в X", "X-da") or where it goes ("to X")
SLOT_CASES = ("locative", "dative")


def list_head(doc, m, mentions) -> int:
    """Where the list a name is an item of begins: the first of the names joined to it by
    commas, dashes or the language's conjunctions ("Kotayk, Armavir, Lori and Gegharkunik")."""
    norm, language = doc.text.norm, doc.language
    start = m.norm_start
    ends = sorted(((x.norm_end, x.norm_start) for x in mentions), reverse=True)
    moved = True
    while moved:
        moved = False
        for end, begin in ends:
            if end <= start and start - end < 12:
                gap = language.lower(norm[end:start].strip(" ,"))
                if gap == "" or gap in language.conjunctions:
                    start, moved = begin, True
                    break
    return start


def list_tail(doc, m, mentions) -> int:
    """Where the list a name is an item of ends (see list_head)."""
    norm, language = doc.text.norm, doc.language
    end = m.norm_end
    starts = sorted((x.norm_start, x.norm_end) for x in mentions)
    moved = True
    while moved:
        moved = False
        for begin, stop in starts:
            if begin >= end and begin - end < 12:
                gap = language.lower(norm[end:begin].strip(" ,"))
                if gap == "" or gap in language.conjunctions:
                    end, moved = stop, True
                    break
    return end


def place_head_after(doc, end: int) -> tuple[int, str] | None:
    """The place noun right after a name ("Lori region", "Qəbələ rayonunda"): where the
    phrase ends, and the case ending the noun carries after its stem ("nda"; "" if none)."""
    language = doc.language
    nxt = re.match(r" ([^\W\d_]+)", doc.text.norm[end:end + 40])
    if not nxt:
        return None
    word = nxt.group(1)
    low = language.lower(word)
    heads = language.place_heads
    if low in heads or doc.resources.morph.key(doc.lang, word) in heads:
        return end + nxt.end(), ""
    if language.inflection == "suffixes":
        stems = [h for h in heads if doc.resources.morph.az_inflects(low, h)]
        if stems:
            return end + nxt.end(), low[len(max(stems, key=len)):]
    return None


def in_place_slot(doc, m, mentions) -> bool:
    """A place name fills a place slot of its clause: its phrase says where ("in X", "в X",
    "X-da", "to X"), it is an item of a list such a phrase opens, or it names the place a
    place noun in such a phrase speaks of ("in the departments of X, Y and Z", "in four
    provinces – X, Y"). Not a name that modifies a noun ("the Nagorny Karabakh conflict")."""
    language, norm = doc.language, doc.text.norm
    if qualifies_next_noun(doc, m):
        return False
    start = list_head(doc, m, mentions)
    case = mention_case(doc, m) if start == m.norm_start else preposition_case(language, norm, start)
    if case in SLOT_CASES:
        return True
    # the names before their place noun ("in Lori and Tavush regions", "Qəbələ rayonunda")
    head = place_head_after(doc, list_tail(doc, m, mentions))
    if head is not None:
        end, ending = head
        if phrase_case(doc, start, end, end - len(ending)) in SLOT_CASES:
            return True
    before = norm[max(0, start - 60):start].rstrip(" –—-:")
    words = list(re.finditer(r"[^\W\d_]+", before))
    if words and language.lower(words[-1].group()) in language.place_head_links:
        words.pop()
    if not words or re.search(r"[^\w\s–—:-]", before[words[-1].end():]):
        return False  # a comma or a full stop between: the noun is not the name's
    head = words[-1]
    low = language.lower(head.group())
    if low not in language.place_heads and doc.resources.morph.key(doc.lang, head.group()) not in language.place_heads:
        return False
    # the place noun's phrase: its preposition right before it, or before one word more
    # ("in four provinces")
    starts = [head.start()] + ([words[-2].start()] if len(words) > 1 else [])
    offset = max(0, start - 60)
    return any(preposition_case(language, norm, offset + s) in SLOT_CASES for s in starts)


def qualifies_next_noun(doc, m) -> bool:
    """A bare name right before a common noun, in a language where that makes it the noun's
    modifier ("the Nagorny Karabakh conflict", "Qarabağ münaqişəsi"); a name with a case
    ending of its own ("Bakıda keçirilən") heads its phrase."""
    language, norm = doc.language, doc.text.norm
    if not language.noun_adjuncts or name_stem_end(doc, m) is not None or place_head_after(doc, m.norm_end):
        return False  # a case ending of its own, or a place noun after it ("Lori region")
    nxt = re.match(r" ([^\W\d_]+)", norm[m.norm_end:m.norm_end + 40])
    if not nxt or not nxt.group(1)[:1].islower():
        return False
    low = language.lower(nxt.group(1))
    preps = {language.lower(p) for marks in language.cases.values() for p in marks.get("prepositions", ())}
    return not (low in language.conjunctions or low in language.place_prepositions or low in language.articles
                or low in language.place_head_links or low in language.place_heads or low in language.auxiliaries
                or low in preps)
