"""Event frames: who closes, leaves, opens, hands over or signs what, where and when.

The words of each kind of event are in ``data/lexicon/events.yaml``; each word found in a
sentence opens a frame whose roles are filled from the grammar of its clause
(:mod:`kg.annotate.grammar`):

* the **agent** is the organisation that is the clause's subject (not governed by a
  preposition or case ending), or, for a noun ("the closure of X's office", "MSF's
  withdrawal"), its possessor; a pronoun or generic noun ("it", "we", "the organisation")
  stands for the organisation the text last spoke of (``we``: the document's own);
* the **recipient** of a handover is the organisation in the dative ("to X", "X-ya",
  "Комиссии"); a decider orders another organisation out ("X ordered Y to leave");
* the **places** are those the clause puts in a place slot ("in X", "out of X", "X-da",
  "в X") with the places listed after them ("in Sri Lanka, Poland and Liberia"), or the
  object of a verb of leaving;
* **times**, **hedges** ("may shut") and **negations** are read in the clause.

A country that acts (signs, orders) stands for its government (metonymy).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from ..components import component
from ..datafile import load_yaml
from ..text import tokenize
from .grammar import clause_of, has_word, name_stem_end, phrase_case
from .names import Mention
from .triggers import TermMatcher

PLACE_CASES = ("locative", "ablative")
SUBJECT_CASES = (None, "nominative")


@dataclass
class Frame:
    kind: str  # the event kind in events.yaml: closure, withdrawal, expulsion, opening, handover, agreement …
    cls: str  # the ontology class of the event
    start: int  # the words that state it (normalised offsets)
    end: int
    noun: bool  # stated by a noun ("the closure of …"), not a verb
    sentence: object  # SentenceView
    clause: tuple[int, int]
    agent: Mention | None = None
    decider: Mention | None = None
    recipient: Mention | None = None
    parties: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    country_word: bool = False  # "in the country", "в стране": the document's country
    units: list = field(default_factory=list)  # office nouns in the clause (TriggerHit)
    times: list = field(default_factory=list)
    hedged: bool = False
    negated: bool = False
    pending: bool = False  # an agreement under negotiation, not signed

    @property
    def surface(self) -> str:
        return self.sentence.text[self.start - self.sentence.start:self.end - self.sentence.start]


@lru_cache(maxsize=2)
def load_events(path: Path) -> dict:
    return load_yaml(path)


@lru_cache(maxsize=16)
def _matcher(path: Path, lang: str, morph) -> TermMatcher:
    events = load_events(path)
    terms = []
    for kind, spec in events.items():
        for part in ("verbs", "nouns"):
            for term in (spec.get(part) or {}).get(lang, []):
                words = [w for w in tokenize(str(term)) if w[0].isalnum()]
                terms.append((f"{kind}/{part}", words))
    return TermMatcher(lang, terms, morph)


def _term_set(spec: dict, key: str, lang: str) -> set[tuple[str, ...]]:
    return {tuple(w for w in tokenize(str(t)) if w[0].isalnum()) for t in (spec.get(key) or {}).get(lang, [])}


#: trigger kinds (triggers.yaml) whose phrase makes an event's noun in it a consent, not an
#: event ("subject to the agreement of", "on the agreement of the parties")
_CONSENT = ("condition", "presence_condition")


class FrameBuilder:
    def __init__(self, doc):
        self.doc = doc
        self.language = doc.language
        self.events = load_events(doc.lexicon_dir / "events.yaml")
        self.norm = doc.text.norm
        self.org_mentions = [m for m in doc.mentions if m.kind == "organisation" and m.role != "post"]
        self.places = [m for m in doc.mentions if m.kind == "place" and m.role not in ("dateline", "contact")]
        # positions, for look-ups by bisection (the builder's cost grows with the text)
        self._org_starts = [m.norm_start for m in self.org_mentions]
        self._place_starts = [m.norm_start for m in self.places]
        self._sentence_starts = [s.start for s in doc.sentences]
        # (mentions are in text order; the furthest end so far, to know how far back a
        # name ending at a position may start)
        self._times = sorted(enumerate(doc.times or []), key=lambda x: x[1].start)  # (order, time) by start
        self._time_starts = [t.start for _, t in self._times]
        self._mention_starts = [m.norm_start for m in doc.mentions]
        self._reach = list(accumulate((m.norm_end for m in doc.mentions), max))
        self._salient = [m for m in self.org_mentions if m.role in ("name", "acronym", "short")]
        self._salient_starts = [m.norm_start for m in self._salient]
        self._in_org_name = bytearray(len(self.norm) + 1)
        for m in doc.mentions:
            if m.kind == "organisation":
                self._in_org_name[m.norm_start:m.norm_end] = b"\x01" * (m.norm_end - m.norm_start)
        country_words = doc.resources.labels.get("the_country", {}).get(doc.lang, [])
        self.country_words = tuple(w.lower() for w in country_words)
        self._cases: dict[tuple[int, int], str | None] = {}

    # -- cases ------------------------------------------------------------------------
    def case(self, m: Mention) -> str | None:
        key = (m.norm_start, m.norm_end)
        if key not in self._cases:
            head = self._apposed_to(m)
            # "Agentliyinə (ANAMA)": an acronym in brackets after a name takes that name's case
            self._cases[key] = self.case(head) if head is not None else \
                phrase_case(self.doc, m.norm_start, m.norm_end, self._stem_end(m))
        return self._cases[key]

    def _apposed_to(self, m: Mention) -> Mention | None:
        if self.norm[max(0, m.norm_start - 2):m.norm_start].strip() != "(":
            return None
        # the last mention of its kind that ends right before it (at most two characters)
        k = bisect.bisect_left(self._mention_starts, m.norm_start) - 1
        while k >= 0 and self._reach[k] >= m.norm_start - 2:
            n = self.doc.mentions[k]
            if n.norm_end <= m.norm_start and m.norm_start - n.norm_end <= 2 and n.kind == m.kind:
                return n
            k -= 1
        return None

    def _stem_end(self, m: Mention) -> int | None:
        return name_stem_end(self.doc, m)

    # -- roles ------------------------------------------------------------------------
    def orgs_in(self, a: int, b: int) -> list[Mention]:
        return self.org_mentions[bisect.bisect_left(self._org_starts, a):bisect.bisect_left(self._org_starts, b)]

    def places_between(self, a: int, b: int) -> list[Mention]:
        return self.places[bisect.bisect_left(self._place_starts, a):bisect.bisect_left(self._place_starts, b)]

    def sentence_at(self, pos: int):
        k = bisect.bisect_right(self._sentence_starts, pos) - 1
        if k >= 0 and self.doc.sentences[k].start <= pos < self.doc.sentences[k].end:
            return self.doc.sentences[k]
        return None

    def subject_before(self, clause, pos: int) -> Mention | None:
        cands = [m for m in self.orgs_in(clause[0], pos) if self.case(m) in SUBJECT_CASES + ("genitive",)]
        # the nearest subject-like name before the word; a possessor stands for its unit's owner
        return cands[-1] if cands else None

    def subject_anywhere(self, clause) -> Mention | None:
        cands = [m for m in self.orgs_in(*clause) if self.case(m) == "nominative"]
        return cands[0] if cands else None

    def salient_org(self, pos: int) -> str | None:
        """The organisation a pronoun or generic noun refers to: the last named before."""
        k = bisect.bisect_right(self._salient_starts, pos) - 1
        while k >= 0 and self._salient[k].norm_end > pos:  # (one that starts before may end after)
            k -= 1
        if k >= 0:
            return self._salient[k].entity
        return self.doc.focal_org

    def refers_back(self, clause, pos: int) -> bool:
        text = self.norm[clause[0]:pos]
        return has_word(self.language, text, self.language.anaphors)

    def self_reference(self, clause, pos: int) -> bool:
        sent = self.sentence_at(pos)
        return bool(sent) and any(clause[0] <= t.start < pos for t in sent.hits("self"))

    def places_in(self, clause, frame: Frame) -> list[Mention]:
        inside = self.places_between(clause[0], clause[1])
        # leaving is "out of X" / "from X" as well as "in X"; anything else happens "in X"
        cases = PLACE_CASES if frame.kind in ("withdrawal", "expulsion") else ("locative",)
        governed = [m for m in inside if self.case(m) in cases]
        if frame.units:
            # "its office in Uzbekistan … because of the war in Tajikistan": the unit's own place,
            # the one named right after it ("office in X") or right before it ("the Nepal office", "Bakıdakı ofis")
            own = [m for m in inside for u in frame.units
                   if 0 <= m.norm_start - u.end <= 25 or 0 <= u.start - m.norm_end <= 3]
            if own:
                governed = [m for m in governed if m in own] or own[:1]
        if frame.kind in ("withdrawal", "expulsion"):  # "leave Somalia", "покинуть страну"
            governed += [m for m in inside if m.norm_start > frame.end and self.case(m) in (None, "accusative")]
        out: list[Mention] = []
        for m in sorted(set(governed), key=lambda m: m.norm_start):
            if m not in out:
                out.append(m)
            # the places listed after it: "in Sri Lanka, Poland, Brazil, Georgia, and Liberia"
            last = m
            for n in inside:
                if n.norm_start <= last.norm_end or n in out:
                    continue
                gap = self._without_times(last.norm_end, n.norm_start)
                words = gap.replace(",", " ").split()
                # "in X this month and Y by the end of the year": an item may carry a few words of its own
                if self.language.is_conjunction(gap) or \
                        (0 < len(words) <= 4 and self.language.lower(words[-1]) in self.language.conjunctions):
                    out.append(n)
                    last = n
                else:
                    break
        return sorted(out, key=lambda m: m.norm_start)

    def _without_times(self, a: int, b: int) -> str:
        """The text between two places, without the time expressions in it ("in X this
        month and Y by the end of the year": each item may carry its own time)."""
        text = self.norm[a:b]
        lo, hi = bisect.bisect_left(self._time_starts, a), bisect.bisect_left(self._time_starts, b)
        for _, t in sorted(self._times[lo:hi], key=lambda x: x[0]):  # (in the document's order)
            if a <= t.start and t.end <= b:
                text = text.replace(t.surface, " ")
        for w in ("by", "until", "до", "к"):  # a marker left before a time
            text = re.sub(rf"\b{w}\b", " ", text)
        return " ".join(text.split())

    # -- building ---------------------------------------------------------------------
    def build(self) -> list[Frame]:
        doc = self.doc
        toks = doc.text.tokens
        matcher = _matcher(doc.lexicon_dir / "events.yaml", doc.lang, doc.resources.morph)
        seen: dict[tuple[int, int], Frame] = {}
        covered = bytearray(len(self.norm) + 1)  # the words of events read already
        # a word read as a verb and as a noun ("handing over") is taken as the verb
        matches = sorted(set(matcher.find(toks)), key=lambda m: (m[1], -(m[2] - m[1]), m[0].endswith("/nouns")))
        self._noun_starts = {}  # kind -> where its nouns stand, in order
        for label, i, _ in matches:
            if label.endswith("/nouns"):
                self._noun_starts.setdefault(label.split("/")[0], []).append(toks[i].start)
        for label, i, j in matches:
            kind, part = label.split("/")
            start, end = toks[i].start, toks[j - 1].end
            if (start, end) in seen or all(covered[start:end]):
                continue  # read already, or inside a longer event term
            sent = self.sentence_at(start)
            if sent is None or sent.is_question:
                continue
            if self._in_org_name[start]:
                continue  # a word of a name ("Office of …", "Closure Committee")
            if part == "verbs" and not self._verb_form(i, toks):
                continue
            if part == "verbs" and self.language.verb_final and self._attributive(end, sent):
                continue
            frame = self.frame(kind, part == "nouns", start, end, sent)
            if frame is not None:
                seen[(start, end)] = frame
                covered[start:end] = b"\x01" * (end - start)
        return sorted(seen.values(), key=lambda f: f.start)

    def _attributive(self, end: int, sent) -> bool:
        """In a verb-final language the clause's verb closes it: a verb form with more words
        after it before any comma or conjunction is a participle modifying them
        ("bölüşülmüş təcrübələr": shared experiences), not what the clause states."""
        rest = self.norm[end:sent.end]
        cut = re.search(r"[,;:.!?]", rest)
        words = [w for w in tokenize(rest[:cut.start()] if cut else rest) if w[0].isalpha()]
        if not words or self.language.lower(words[0]) in [self.language.lower(c) for c in self.language.conjunctions]:
            return False
        return len(words) > 2

    def _verb_form(self, i: int, toks) -> bool:
        """A verb the language leaves bare ("close", "open") is read as a verb only after a
        marker of the verb phrase ("will close", "forced to close"): otherwise it is an
        adjective ("close cooperation"), a noun or a page's button ("Leave a reply")."""
        markers = self.language.bare_verb_markers
        if not markers:
            return True
        word = toks[i].text.lower()
        if word not in self.doc.resources.morph.dictionary_forms(self.doc.lang, toks[i].text):
            return True  # inflected: "closes", "closed", "withdrew"
        before = [t.text.lower() for t in toks[max(0, i - 3):i] if t.text[:1].isalnum() or t.text in ("'ll", "n't")]
        return any(w in markers for w in before[-2:])

    def frame(self, kind: str, noun: bool, start: int, end: int, sent) -> Frame | None:
        spec = self.events[kind]
        lang = self.doc.lang
        clause = clause_of(self.doc, sent, start)
        if not noun and spec.get("needs_noun") and not self._noun_in(kind, clause) and \
                self._states(start, end, _term_set(spec, "needs_noun", lang)):
            return None  # "as the organisation concludes its work": no agreement
        if noun and any(h.kind in _CONSENT and h.start <= start and end <= h.end for h in sent.triggers):
            return None  # "subject to the agreement of the authorities": consent, no instrument
        f = Frame(kind, spec.get("kind", kind.title()), start, end, noun, sent, clause)
        before = self.norm[clause[0]:start]
        f.hedged = has_word(self.language, before, self.language.hedges)
        f.negated = has_word(self.language, before + " " + self.norm[start:end], self.language.negations)
        f.times = [t for t in sent.times if clause[0] <= t.start < clause[1]] or \
            [t for t in sent.times if t.kind in ("instant", "end_bound", "start")]
        f.units = [h for h in sent.triggers if h.kind in ("office", "delegation", "facility")
                   and clause[0] <= h.start < clause[1]]
        f.pending = any(has_word(self.language, self.norm[clause[0]:clause[1]], (p,))
                        for p in (spec.get("pending") or {}).get(lang, []))
        f.country_word = any(w in self.norm[clause[0]:clause[1]].lower() for w in self.country_words)

        verb_final = self.language.verb_final
        orgs = self.orgs_in(*clause)
        subject = None
        if noun:
            owners = [m for m in orgs if self.case(m) == "genitive"]
            subject = min(owners, key=lambda m: abs(m.norm_start - start)) if owners else None
        else:
            subject = self.subject_before(clause, start)
            if subject is None and not verb_final:
                subject = self.subject_anywhere(clause)
        if noun:  # "its closure", "their withdrawal": only a possessive right before the noun refers
            we = self._possessive_before(start, self.language.possessives + ("our", "наш", "bizim")) == "self"
            back = self._possessive_before(start, self.language.possessives) is not None
        else:
            we = self.self_reference(clause, start) or self._we_by_ending(clause, end)
            back = self.refers_back(clause, start) or self._relative_clause(clause, sent)
        if subject is None and (we or back):
            key = self.doc.focal_org if we else self.salient_org(start)
            subject = _Pseudo(key) if key else None
        if subject is None and f.units:
            # "в Женеве было открыто бюро МККК", "OCHA's Nepal office": the unit's owner
            subject = self._unit_owner(f.units, orgs)

        takes_over = self._states(start, end, _term_set(spec, "receiver_subject", lang))
        datives = [m for m in orgs if self.case(m) == "dative" and m is not subject]
        if spec.get("subject") == "decider":
            f.decider = subject
            ordered = datives or [m for m in orgs if m is not subject and m.norm_start > start
                                  and self.case(m) in (None, "accusative")]
            f.agent = ordered[0] if ordered else None
        elif kind == "handover" and takes_over:
            f.recipient = subject
            givers = [m for m in orgs if self.case(m) == "ablative"]
            f.agent = givers[0] if givers else _Pseudo(self.doc.focal_org) if self.doc.focal_org else None
        else:
            f.agent = subject
            if kind == "handover":
                f.recipient = datives[0] if datives else None
                if f.recipient is None and self._states_stem(start, end, spec.get("receiver_with") or {}):
                    shared = [m for m in orgs if self.case(m) == "instrumental" and m is not subject]
                    f.recipient = min(shared, key=lambda m: abs(m.norm_start - start)) if shared else None
        if kind == "agreement":
            f.parties = [m for m in orgs if self.case(m) in SUBJECT_CASES + ("instrumental", "genitive")]
            # a country that signs is its state ("Казахстан и УВКБ ООН подписали соглашение")
            f.parties += [m for m in self.places_between(clause[0], start) if self.case(m) in SUBJECT_CASES
                          and self.doc.entities.get(m.entity) is not None and self.doc.entities[m.entity].cls == "Country"]
            if isinstance(subject, _Pseudo) and subject.entity:
                f.parties.append(subject)
        f.places = self.places_in(clause, f)
        return f

    def _noun_in(self, kind: str, clause: tuple[int, int]) -> bool:
        """One of the event's nouns stands in the clause."""
        starts = self._noun_starts.get(kind, [])
        i = bisect.bisect_left(starts, clause[0])
        return i < len(starts) and starts[i] < clause[1]

    def _states_stem(self, start: int, end: int, by_lang: dict) -> bool:
        """The event's first word is a form of one of the listed words of the language."""
        words = [w for w in tokenize(self.norm[start:end]) if w[0].isalnum()]
        morph = self.doc.resources.morph
        return bool(words) and any(morph.matches(self.doc.lang, str(t).split()[0], words[0], True)
                                   for t in by_lang.get(self.doc.lang, []))

    def _states(self, start: int, end: int, terms: set[tuple[str, ...]]) -> bool:
        """The words at [start, end) are one of ``terms`` (inflected as the language does)."""
        morph = self.doc.resources.morph
        words = [w for w in tokenize(self.norm[start:end]) if w[0].isalnum()]
        return any(len(t) == len(words) and all(morph.matches(self.doc.lang, t[k], words[k], k == len(t) - 1)
                                                for k in range(len(t))) for t in terms)

    def _possessive_before(self, start: int, possessives: tuple[str, ...]) -> str | None:
        words = [self.language.lower(w) for w in tokenize(self.norm[max(0, start - 30):start]) if w[0].isalpha()][-2:]
        for w in words:
            if w in [self.language.lower(p) for p in possessives]:
                sent = self.sentence_at(start)
                is_self = sent is not None and any(h.end <= start and h.start >= start - 30 for h in sent.hits("self"))
                return "self" if is_self else "other"
        return None

    def _unit_owner(self, units, orgs) -> Mention | None:
        """The organisation an office noun belongs to: named right after it in the genitive
        ("бюро МККК", "office of UNHCR") or right before it ("OCHA's Nepal office", "BQXK-nın ofisi")."""
        for u in units:
            near = [m for m in orgs if 0 <= m.norm_start - u.end <= 6 or 0 <= u.start - m.norm_end <= 25]
            if near:
                return min(near, key=lambda m: min(abs(m.norm_start - u.end), abs(u.start - m.norm_end)))
        return None

    def _we_by_ending(self, clause, end: int) -> bool:
        """A word up to the event word ends in a "we"/"our" ending (ofis-imiz, ver-mişik)."""
        suffixes = self.language.self_suffixes
        if not suffixes:
            return False
        words = [self.language.lower(w) for w in tokenize(self.norm[clause[0]:clause[1]]) if w[0].isalpha()]
        return any(len(w) > len(sfx) + 2 and w.endswith(sfx) for w in words for sfx in suffixes)

    def _relative_clause(self, clause, sent) -> bool:
        """The clause opens with a relative pronoun: its subject is what precedes it."""
        first = self.norm[clause[0]:clause[1]].strip(" ,").split(" ", 1)[0].lower()
        return clause[0] > sent.start and first in self.language.clause_openers


@dataclass(frozen=True)
class _Pseudo:
    """An organisation referred to by a pronoun or generic noun (no name in the clause)."""

    entity: str
    norm_start: int = -1
    norm_end: int = -1
    role: str = "reference"
    kind: str = "organisation"


@component("frames", needs=("sentences", "mentions", "triggers"), adds=("frames",))
def frames(doc) -> None:
    doc.facts["frames"] = FrameBuilder(doc).build()
