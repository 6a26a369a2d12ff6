"""Places: the gazetteer's places found in the text, and places no dataset knows.

Known places (:mod:`kg.gazetteer`) are matched by hash lookups of token n-grams, with the
morphology of the document's language: Russian words by lemma ("в Луанде", "Восточном
Тиморе", "Саратовскую область"), Azerbaijani words by their stem under a suffix chain
("Bakıda", "Azərbaycandakı", "Luanda'da"), English words as written ("Iraq's"). A name is a
place mention only when the text is shaped like one:

* each capitalised word of the name is capitalised in the text ("turkey" is no country);
  a word in capitals is an acronym, unless it opens a paragraph (a dateline: "GENEVA (Reuters)");
* a name that is also a frequent common word (marked in the gazetteer) is a place only in
  a place slot or a list of places ("in Independence", not "on Independence from …");
* a settlement's or region's name next to another capitalised word that is no place is
  part of a longer name — a person's or a body's ("Kitty McKinsey", "Asia-Pacific X office");
* words inside an organisation's name already found are not read again ("Colombian Red
  Cross", "Azerbaijan Red Crescent Society").

When several places share a name, the best kind of name wins (curated, country, main name,
then alternative), then a place in a country the document names unambiguously, then a
country over a settlement over a region, then the most populous.

The open-world rule: a capitalised name in a place slot — after a place preposition of the
language ("in X", "в X"), with a place case ending after an apostrophe or hyphen
("X'da", "X-də"), governed by a place noun ("the town of X", "X rayonu", "Айнинский
район"), or in a list or apposition with a place ("Atambua, West Timor") — that no dataset
knows is a place of unknown kind (class ``Place``, or the class its place noun gives),
introduced by the document. It is not a place when it is a month or weekday, an acronym,
a label followed by a number ("Figure 3"), a modifier of a common noun ("in Red Cross
messages", "in Swiss francs"), a country's adjective or demonym, or a person's name.

Datelines ("GENEVA (Reuters) –", "АСТАНА, 14 ноя", "Luanda / Geneva (ICRC)") and contact
lines (a phone number, an e-mail address, "contact") are recognised by their shape; the
places in them get the role ``dateline`` or ``contact``: they say where the text was filed
or whom to call, never where a fact happened (:attr:`SentenceView.places` leaves them out).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ..components import component
from ..datafile import load_yaml
from ..gazetteer import CLASS_ORDER, Candidate
from ..lexicon import EntityInfo
from ..namespaces import slugify
from ..text import Spans
from .names import Mention

SPECIAL_ROLES = ("dateline", "contact")  # places that are never a fact's place
_JOINERS = {"-", "'", "/"}  # punctuation inside a name when written without spaces
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+\d[\d ().-]{6,}\d")  # an international number: "+41 79 200 7617"


@lru_cache(maxsize=4)
def _calendar_words(path: Path) -> dict[str, frozenset[str]]:
    """Month and weekday names per language (dates.yaml): never places."""
    data = load_yaml(path)
    out = {}
    for lang, block in data.items():
        if not isinstance(block, dict):
            continue
        words = set()
        for key in ("months", "weekdays"):
            for forms in (block.get(key) or {}).values():
                words.update(str(f).lower() for f in forms)
        out[lang] = frozenset(words)
    return out


@lru_cache(maxsize=4)
def _function_words(path: Path) -> dict[str, frozenset[str]]:
    data = load_yaml(path)
    return {k: frozenset(v) for k, v in (data.get("supported") or {}).items()}


class PlaceFinder:
    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        self.norm = doc.text.norm
        self._near_cache: dict = {}
        self.lang = doc.lang
        self.language = doc.language
        self.morph = doc.resources.morph
        self.gaz = doc.resources.gazetteer
        self.lexicon_dir = doc.lexicon_dir
        self.calendar = _calendar_words(self.lexicon_dir / "dates.yaml").get(self.lang, frozenset())
        self.function = _function_words(self.lexicon_dir / "languages.yaml").get(self.lang, frozenset())
        self.adjectives = doc.resources.place_adjectives
        self.tokens = [t for t in self.text.tokens]
        self.words = [i for i, t in enumerate(self.tokens) if t.is_word]
        self._keys: dict[tuple[int, bool], list[str]] = {}
        self.certain: Counter[str] = Counter()
        self.known_found: list[tuple[int, int, Candidate]] = []
        taken = [(m.norm_start, m.norm_end) for m in doc.mentions]
        self.taken = Spans(taken, len(self.norm))

    # -- word keys ------------------------------------------------------------------------
    def keys(self, i: int, last: bool) -> list[str]:
        """The keys token i is looked up by: its lemma (ru), itself (en), and for the last
        word of an Azerbaijani name every stem its suffixes may hang on."""
        k = (i, last)
        hit = self._keys.get(k)
        if hit is None:
            word = self.tokens[i].text
            how = self.language.inflection
            if how == "lemma":
                hit = [self.morph.key(self.lang, word)]
            elif how == "suffixes":
                low = self.language.lower(word)
                hit = list(self.morph.az_stems(low, min_len=3)) if last else [low]
                if not hit:
                    hit = [low]
            else:
                hit = [word.lower()]
            self._keys[k] = hit
        return hit

    def _runs(self) -> list[list[int]]:
        """Word tokens in runs that a name may span: words separated by spaces, or joined
        without spaces by a hyphen, apostrophe or slash; never across a line break. The
        period of an abbreviation is inside the run ("St. Kitts and Nevis", "Washington
        D.C."): written onto its word, a capital after it, and no sentence ending there
        (the gazetteer's names are keyed without it)."""
        runs, cur = [], []
        toks = self.tokens
        prev = None
        sentence_ends = {s.end for s in self.text.sentences}
        for i, t in enumerate(toks):
            if t.is_word:
                if cur and prev is not None:
                    last = toks[cur[-1]]
                    gap = self.norm[last.end:t.start]
                    ok = gap == " " or (gap in _JOINERS and last.end == toks[i - 1].start
                                        and toks[i - 1].end == t.start) or \
                        (gap in (". ", ".") and last.end + 1 not in sentence_ends and t.text[:1].isupper())
                    if not ok:
                        runs.append(cur)
                        cur = []
                cur.append(i)
                prev = i
            elif t.text not in _JOINERS and not (t.text == "." and cur and toks[cur[-1]].end == t.start):
                if cur:
                    runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        return runs

    # -- known places ---------------------------------------------------------------------
    def known(self) -> list[tuple[int, int, list[Candidate]]]:
        """(first token, last token, candidates) for every gazetteer name in the text,
        leftmost longest first."""
        found = []
        maxw = self.gaz.max_words
        for run in self._runs():
            p = 0
            while p < len(run):
                hit = None
                # (no longer name than the gazetteer has starting with the first word)
                most = self.gaz.words_from(self.keys(run[p], last=False)[0]) if len(run) - p > 1 else 1
                for n in range(min(maxw, len(run) - p, most), 0, -1):
                    idx = run[p:p + n]
                    s, e = self.tokens[idx[0]].start, self.tokens[idx[-1]].end
                    if self.taken.overlaps(s, e):
                        continue
                    cands = self._lookup(idx)
                    cands = [c for c in cands if self._shape_ok(idx, c)]
                    if cands:
                        hit = (idx[0], idx[-1], cands, n)
                        break
                if hit:
                    found.append(hit[:3])
                    p += hit[3]
                else:
                    p += 1
        return found

    def _lookup(self, idx: list[int]) -> list[Candidate]:
        heads = [self.keys(i, last=False)[0] for i in idx[:-1]]
        out = []
        for n, last in enumerate(self.keys(idx[-1], last=True)):
            cands = self.gaz.lookup(" ".join(heads + [last]))
            if n:  # a stem under case endings: a main name of four letters at least
                cands = [c for c in cands if c.rank < 3 and len(last) >= 4]
            out.extend(cands)
        return out

    def _shape_ok(self, idx: list[int], c: Candidate) -> bool:
        words = [self.tokens[i].text for i in idx]
        if c.acronym:
            return len(words) == 1 and words[0].startswith(c.name)
        name_words = [w for w in re.findall(r"[^\W_]+", c.name)]
        for lex, w in zip(name_words, words):
            if lex[:1].isupper() and not w[:1].isupper():
                return False
        if any(w.isupper() and len(w) > 1 for w in words) and not self._opens_paragraph(idx[0]):
            return False  # an acronym, unless a dateline in capitals
        return True

    # -- context --------------------------------------------------------------------------
    def _line_start(self, pos: int) -> int:
        return self.norm.rfind("\n", 0, pos) + 1

    def _opens_paragraph(self, i: int) -> bool:
        start = self.tokens[i].start
        return not self.norm[self._line_start(start):start].strip(" /,")  or \
            all(not ch.isalpha() or ch.isupper() for ch in self.norm[self._line_start(start):start])

    def _prev_word(self, i: int) -> int | None:
        """The word token right before token i, when a space or a hyphen (no spaces)
        separates them ("Oliver Lacey", "Asia-Pacific Bangkok")."""
        t = self.tokens
        if i > 0 and t[i - 1].is_word and self.norm[t[i - 1].end:t[i].start] == " ":
            return i - 1
        if i > 1 and t[i - 1].text == "-" and t[i - 2].is_word and t[i - 2].end == t[i - 1].start == t[i].start - 1:
            return i - 2
        return None

    def _next_word(self, j: int) -> int | None:
        t = self.tokens
        if j + 1 < len(t) and t[j + 1].is_word and self.norm[t[j].end:t[j + 1].start] == " ":
            return j + 1
        if j + 2 < len(t) and t[j + 1].text == "-" and t[j + 2].is_word and t[j].end == t[j + 1].start \
                and t[j + 1].end == t[j + 2].start and t[j + 2].text[:1].isupper():
            return j + 2
        return None

    def in_slot(self, i: int, j: int) -> bool:
        """A place slot: after a place preposition (and articles), or a place case ending."""
        k = i - 1
        while k >= 0 and self.tokens[k].is_word and self.language.lower(self.tokens[k].text) in self.language.articles:
            k -= 1
        if k >= 0 and self.tokens[k].is_word and self.language.lower(self.tokens[k].text) in self.language.place_prepositions:
            return True
        return self._case_ending_after(j) is not None or self._case_suffix(j)

    def _case_ending_after(self, j: int) -> int | None:
        """"Luanda'da", "ANAMA-ya": an apostrophe or hyphen, then a place case ending."""
        endings = self.language.place_case_endings
        if not endings or j + 2 >= len(self.tokens):
            return None
        sep, suf = self.tokens[j + 1], self.tokens[j + 2]
        if sep.text in ("'", "-") and sep.start == self.tokens[j].end and suf.start == sep.end and suf.is_word \
                and self.language.lower(suf.text) in endings:
            return j + 2
        return None

    def _case_suffix(self, j: int) -> bool:
        """The word itself ends in a place case ending (Azerbaijani "Bakıda")."""
        endings = self.language.place_case_endings
        if not endings or self.language.inflection != "suffixes":
            return False
        low = self.language.lower(self.tokens[j].text)
        return any(low.endswith(e) and len(low) > len(e) + 2 for e in endings if len(e) >= 2)

    def _near(self, places: list[tuple[int, int]], i: int, j: int, reach: int = 6) -> list[tuple[int, int]]:
        """The places (token spans) that start within ``reach`` tokens of [i, j]."""
        key = id(places)
        if self._near_cache.get("key") != key or self._near_cache.get("n") != len(places):
            ordered = sorted(places)
            self._near_cache = {"key": key, "n": len(places), "spans": ordered, "starts": [a for a, _ in ordered]}
        starts, spans = self._near_cache["starts"], self._near_cache["spans"]
        lo = bisect.bisect_left(starts, i - reach - 8)
        hi = bisect.bisect_right(starts, j + reach)
        return spans[lo:hi]

    def in_list(self, i: int, j: int, places: list[tuple[int, int]]) -> bool:
        """Next to another place with only a comma or a conjunction between ("Saratov,
        Voronezh and Rostov")."""
        return any(self._adjacent((i, j), s) for s in self._near(places, i, j))

    def _is_name_word(self, i: int) -> bool:
        t = self.tokens[i].text
        low = self.language.lower(t)
        return t[:1].isupper() and low not in self.function and low not in self.language.place_prepositions \
            and low not in self.language.articles and not self._sentence_initial(i)

    def _sentence_initial(self, i: int) -> bool:
        s = self.tokens[i].start
        before = self.norm[max(0, s - 40):s].rstrip(" \"'(«")  # a bounded look back: linear in the text
        return not before or before[-1] in ".!?:\n•"

    def part_of_longer_name(self, i: int, j: int, in_place: bytearray) -> bool:
        """A capitalised word right before or after that is no place, place noun or
        function word: the name is part of a longer one ("Kitty McKinsey"). ``in_place``:
        a byte per token, set for the tokens of the places found."""
        heads = self.language.place_heads
        for k in (self._prev_word(i), self._next_word(j)):
            if k is None:
                continue
            t = self.tokens[k].text
            low = self.language.lower(t)
            if not t[:1].isupper() or low in self.function or low in self.language.place_prepositions \
                    or low in self.language.articles or (t.isupper() and len(t) > 1):
                continue  # an acronym beside a place is a body and where it is ("ICRC Geneva")
            if low in heads or self.morph.key(self.lang, t) in heads or in_place[k]:
                continue
            return True
        return False

    # -- choosing among places of one name -----------------------------------------------
    def choose(self, found) -> list[tuple[int, int, Candidate]]:
        spans = [(i, j) for i, j, _ in found]
        in_place = self.token_marks(spans)
        kept = []
        for i, j, cands in found:
            slot = self.in_slot(i, j) or self.in_list(i, j, spans)
            single = i == j
            low = self.language.lower(self.tokens[i].text)
            adjs = self.adjectives.get(self.lang, frozenset())
            if single and (low in adjs or self.morph.key(self.lang, self.tokens[i].text) in adjs):
                continue  # "Somali", "Swiss": an adjective or demonym, not the country
            ok = []
            for c in cands:
                cls = self.gaz.rows_class(c.row)
                if c.common and not slot:
                    continue
                if cls != "Country" and self.part_of_longer_name(i, j, in_place):
                    continue
                if single and c.rank >= 3 and not slot and self._sentence_initial(i):
                    continue  # capitalised for the sentence; an alternative name only
                ok.append(c)
            if ok:
                kept.append((i, j, ok))
        # countries the document names without doubt
        certain: Counter[str] = Counter()
        for _, _, cands in kept:
            best = min(c.rank for c in cands)
            countries = {self.gaz.country_code(c.row) for c in cands if c.rank == best}
            if len(countries) == 1 and None not in countries:
                certain[next(iter(countries))] += 1
        self.certain = certain
        out = []
        for i, j, cands in kept:
            out.append((i, j, self.best(cands)))
        return self._like_list_mates(kept, out)

    def _like_list_mates(self, kept, chosen) -> list[tuple[int, int, Candidate]]:
        """Items of one list name places of one kind in one country ("in four provinces –
        Kotayk, Armavir, Lori and Gegharkunik"): a name several places share is read as the
        one of the kind and country its unambiguous list-mates have (Armavir the Armenian
        province, not the Russian town)."""
        spans = [(i, j) for i, j, _ in kept]

        def kind(c: Candidate) -> tuple[str, str | None]:
            return self.gaz.rows_class(c.row), self.gaz.country_code(c.row)

        plain = {}  # span -> (class, country) of a name with one reading
        for i, j, cands in kept:
            kinds = {kind(c) for c in cands}
            if len(kinds) == 1:
                plain[(i, j)] = kinds.pop()
        out = []
        for (i, j, cands), (_, _, best) in zip(kept, chosen):
            if (i, j) not in plain:
                mates = [plain[s] for s in self._list_mates(i, j, spans) if s in plain]
                fitting = [c for c in cands if mates and kind(c) == Counter(mates).most_common(1)[0][0]]
                if fitting:
                    best = self.best(fitting)
            out.append((i, j, best))
        return out

    def _list_mates(self, i: int, j: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The places of the list the name at [i, j] is an item of."""
        seen, todo = {(i, j)}, [(i, j)]
        while todo:
            a, b = todo.pop()
            for s in self._near(spans, a, b):
                if s not in seen and self._adjacent((a, b), s):
                    seen.add(s)
                    todo.append(s)
        return [s for s in seen if s != (i, j)]

    def token_marks(self, spans) -> bytearray:
        """A byte per token, set for the tokens of the spans (first, last token): whether a
        token is in one is a look-up, not a scan of the spans."""
        marks = bytearray(len(self.tokens) + 1)
        for a, b in spans:
            marks[a:b + 1] = b"\x01" * (b + 1 - a)
        return marks

    def _adjacent(self, x: tuple[int, int], y: tuple[int, int]) -> bool:
        """Two names with only a comma or a conjunction between them."""
        (a, b), (c, d) = sorted((x, y))
        if c <= b:
            return False
        lo, hi = self.tokens[b].end, self.tokens[c].start
        gap = self.norm[lo:hi]
        return len(gap) < 12 and "\n" not in gap and \
            (gap.strip() == "," or self.language.lower(gap.strip(" ,")) in self.language.conjunctions)

    def best(self, cands: list[Candidate], cls: str | None = None) -> Candidate:
        best = min(c.rank for c in cands)
        top = [c for c in cands if c.rank == best] if cls is None else list(cands)
        top.sort(key=lambda c: (cls is not None and self.gaz.rows_class(c.row) != cls,
                                # (of places of one name, the one in the country the document names most)
                                -self.certain.get(self.gaz.country_code(c.row), 0),
                                c.rank, CLASS_ORDER.get(self.gaz.rows_class(c.row), 9),
                                -self.gaz.row_population(c.row), self.gaz.key_of(c.row)))
        return top[0]

    # -- unknown places -------------------------------------------------------------------
    def _cap_run(self, k: int, limit: int = 5) -> list[int]:
        """Capitalised words from token k on (joined by spaces or hyphens)."""
        run = []
        toks = self.tokens
        while k < len(toks) and len(run) < limit:
            t = toks[k]
            if not (t.is_word and t.text[:1].isupper()):
                break
            if run:
                gap = self.norm[toks[run[-1]].end:t.start]
                if gap != " " and not (gap == "-" and toks[k - 1].text == "-"):
                    break
            run.append(k)
            k += 1
            if k + 1 < len(toks) and toks[k].text == "-" and toks[k].start == toks[k - 1].end \
                    and toks[k + 1].start == toks[k].end and toks[k + 1].is_word and toks[k + 1].text[:1].isupper():
                k += 1
        return run

    def _not_a_place(self, run: list[int]) -> bool:
        words = [self.tokens[i].text for i in run]
        lows = [self.language.lower(w) for w in words]
        if any(w.isupper() and len(w) > 1 for w in words):
            return True  # an acronym: an organisation's name, not a place's
        if any(low in self.calendar for low in lows) or any(self.morph.key(self.lang, w) in self.calendar for w in words):
            return True
        if lows[0] in self.function or lows[0] in self.language.articles:
            return True
        adjs = self.adjectives.get(self.lang, frozenset())
        for w, low in zip(words, lows):
            key = self.morph.key(self.lang, w)
            if low in adjs or key in adjs or low.rstrip("s") in adjs:
                return True  # "in Swiss francs", "to Somalis"
        j = run[-1]
        nxt = self._after(j)
        headed = nxt is not None and self.tokens[nxt].text[:1].islower() and bool(self._head_class(nxt))
        if nxt is not None:
            t = self.tokens[nxt]
            if t.text[:1].isdigit():
                return True  # "Figure 3", "Autumn 2020"
            if t.is_word and t.text[:1].islower() and self.language.lower(t.text) not in self.function \
                    and not self._head_class(nxt):
                return True  # a modifier of a common noun: "in Red Cross messages"
        if self.language.inflection == "lemma" and not headed:
            parses = self.morph_parse(words[0])
            if parses and any(g in parses for g in ("Name", "Surn", "Patr")) and "Geox" not in parses:
                return True
        return False

    def _dictionary_place(self, k: int) -> bool:
        if k >= len(self.tokens) or self.language.inflection != "lemma" or not self.tokens[k].text[:1].isupper():
            return False
        return "Geox" in self.morph_parse(self.tokens[k].text)

    def morph_parse(self, word: str) -> str:
        from ..morphology import russian_analyser

        return str(russian_analyser().parse(word.lower())[0].tag)

    def _after(self, j: int) -> int | None:
        if j + 1 < len(self.tokens) and "\n" not in self.norm[self.tokens[j].end:self.tokens[j + 1].start]:
            return j + 1
        return None

    def _head_class(self, k: int) -> str | None:
        heads = self.language.place_heads
        t = self.tokens[k].text
        return heads.get(self.language.lower(t)) or heads.get(self.morph.key(self.lang, t)) or \
            next((heads[h] for h in heads if self.language.inflection == "suffixes"
                  and self.morph.az_inflects(self.language.lower(t), h)), None)

    def unknown(self, known: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
        """(first, last token, class, label) of places no dataset knows."""
        out: list[tuple[int, int, str, str]] = []
        self.known_found = []  # known places a slot or place noun confirmed
        spans = list(known)

        in_span = self.token_marks(spans)  # tokens inside a known place (one look-up each)

        def free(run):
            s, e = self.tokens[run[0]].start, self.tokens[run[-1]].end
            return not self.taken.overlaps(s, e) and not any(in_span[r] for r in run)

        def take(run, cls, name_end=None):
            """A place named by the run (its words up to name_end): one the gazetteer has
            under that name (a place noun or a slot confirms a common word), else new."""
            if not run or not free(run) or self._not_a_place(run[:name_end] if name_end else run):
                return False
            name = run[:name_end] if name_end else run
            cands = [c for c in self._lookup(name) if self._shape_ok(name, c)]
            if cands and not self.part_of_longer_name(name[0], name[-1], in_span):
                c = self.best(cands, None if cls == "Place" else cls)
                self.known_found.append((run[0], run[-1], c))
            else:
                out.append((run[0], run[-1], cls, self._label(run)))
            spans.append((run[0], run[-1]))
            in_span[run[0]:run[-1] + 1] = b"\x01" * (run[-1] + 1 - run[0])
            return True

        toks = self.tokens
        for k, t in enumerate(toks):
            if not t.is_word:
                continue
            low = self.language.lower(t.text)
            # "in X", "в X"; after a preposition of direction ("из X"), only a name the
            # language's dictionary knows as a place name (pymorphy3's Geox)
            if low in self.language.locative_prepositions or \
                    low in self.language.place_prepositions and self._dictionary_place(k + 1):
                m = k + 1
                while m < len(toks) and toks[m].is_word and self.language.lower(toks[m].text) in self.language.articles:
                    m += 1
                run = self._cap_run(m)
                if run and not self._sentence_gap(k, run[0]):
                    head = self._after(run[-1])
                    cls = self._head_class(head) if head is not None and toks[head].text[:1].islower() else None
                    if cls:
                        take(run + [head], cls, name_end=len(run))
                    else:
                        take(run, "Place")
            # "X'da", "X-də"
            if t.text[:1].isupper():
                cap = self._case_ending_after(k)
                if cap is not None and (k == 0 or not toks[k - 1].is_word or not toks[k - 1].text[:1].isupper()):
                    take([k], "Place")
            # a place noun: "the town of X" (head, link, name) or "X rayonu" / "Айнинский район"
            cls = self._head_class(k) if t.text[:1].islower() else None
            if cls:
                m = k + 1
                if m < len(toks) and self.language.lower(toks[m].text) in self.language.place_head_links:
                    take(self._cap_run(m + 1), cls)
                elif k > 0 and toks[k - 1].is_word and toks[k - 1].text[:1].isupper() \
                        and self.norm[toks[k - 1].end:t.start] == " " and not self._sentence_initial(k - 1) \
                        and not toks[k - 1].text.isupper():
                    take([k - 1, k], cls, name_end=1)
        # lists and appositions of places: "Atambua, West Timor", "Saratov, Voronezh and Rostov"
        changed = True
        while changed:
            changed = False
            for a, b in sorted(spans):
                nxt = b + 1
                while nxt < len(toks) and (toks[nxt].text == "," or self.language.is_conjunction(toks[nxt].text)
                                           and toks[nxt].is_word and toks[nxt].text.islower()) and nxt - b <= 2:
                    nxt += 1
                if nxt > b + 1 and nxt < len(toks):
                    run = self._cap_run(nxt)
                    end = run[-1] + 1 if run else None
                    if run and free(run) and (end >= len(toks) or toks[end].text in (",", ".", ")", ";")
                                              or "\n" in self.norm[toks[run[-1]].end:toks[end].start]):
                        if take(run, "Place"):
                            changed = True
        return out

    def _sentence_gap(self, k: int, m: int) -> bool:
        return "\n" in self.norm[self.tokens[k].end:self.tokens[m].start]

    def _label(self, run: list[int]) -> str:
        """The name as cited: Russian words in the nominative, Azerbaijani without case
        endings, English as written."""
        words = [self.tokens[i].text for i in run]
        if self.language.inflection == "lemma":
            words = _nominative_phrase(words)
        elif self.language.inflection == "suffixes":
            last = self.language.lower(words[-1])
            heads = self.language.place_heads
            stem = next((h for h in heads if self.morph.az_inflects(last, h)), None)
            if stem is None:
                stems = list(self.morph.az_stems(last, min_len=3))
                stem = stems[0] if stems else last
                # the shortest stem that leaves a case ending of a place slot
                for s_ in stems:
                    if last[len(s_):] and self.morph.az_inflects(last, s_):
                        stem = s_
                        break
            words[-1] = words[-1][:len(stem)] if stem else words[-1]
        return " ".join(words)


def _nominative_phrase(words: list[str]) -> list[str]:
    """Russian words in the nominative, adjectives agreeing with the last noun
    ("Айнинского района" -> "Айнинский район", "Центральной Азии" -> "Центральная Азия")."""
    from ..morphology import russian_analyser

    m = russian_analyser()
    head = m.parse(words[-1].lower())[0]
    agree = {g for g in (head.tag.gender, head.tag.number) if g}
    out = []
    for w in words[:-1]:
        p = m.parse(w.lower())[0]
        if "ADJF" in p.tag and any("а" <= ch <= "я" for ch in w.lower()):
            form = p.inflect({"nomn", *(agree if head.tag.number != "plur" else {"plur"})})
            low = form.word if form else p.normal_form
            out.append(low[:1].upper() + low[1:] if w[:1].isupper() else low)
        else:
            out.append(_nominative(w))
    return out + [_nominative(words[-1])]


def _nominative(word: str) -> str:
    from ..morphology import russian_analyser

    if not any("а" <= ch <= "я" for ch in word.lower()):
        return word
    p = russian_analyser().parse(word.lower())[0]
    form = p.inflect({"nomn"}) if "nomn" not in p.tag else p
    out = (form.word if form else p.normal_form)
    if word[:1].isupper():
        out = "-".join(x[:1].upper() + x[1:] for x in out.split("-")) if word.count("-") else out[:1].upper() + out[1:]
    return out


# -- datelines and contact lines ------------------------------------------------------------


def special_role(doc, m: Mention, places: list[Mention], starts: list[int] | None = None) -> str | None:
    """"dateline" or "contact" for a place named on a dateline or a contact line, else None.
    ``places``: the document's, sorted by position (``starts``: their starts, when the caller
    asks for many)."""
    norm = doc.text.norm
    ls = norm.rfind("\n", 0, m.norm_start) + 1
    le = norm.find("\n", m.norm_end)
    le = len(norm) if le < 0 else le
    line = norm[ls:le]
    language = doc.language
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", line)
    if _EMAIL.search(line) or (_PHONE.search(line) and sum(ch.isdigit() for ch in _PHONE.search(line).group()) >= 7):
        return "contact"
    if any(language.lower(w) in language.contact_words for w in words) and \
            (len(words) <= 8 or line.rstrip().endswith(":")):
        return "contact"
    # a dateline: the line opens with places (joined by "/" or ","), then an agency in
    # parentheses, a date, or a dash or slash
    pos = ls
    opened = False
    if starts is None:
        starts = [p.norm_start for p in places]  # places come sorted by position
    for p in places[bisect.bisect_left(starts, ls):bisect.bisect_left(starts, le)]:
        if norm[pos:p.norm_start].strip(" /,"):
            break
        pos = p.norm_end
        if p is m:
            opened = True
    if not opened:
        return None
    rest = norm[pos:le]
    months = _calendar_words(doc.lexicon_dir / "dates.yaml").get(doc.lang, frozenset())
    if re.match(r"\s*\([^()]{1,60}\)", rest):
        return "dateline"
    if re.match(r"\s*,\s*\d", rest):
        return "dateline"
    mm = re.match(r"\s*,\s*([^\W\d_]+)", rest)
    if mm and language.lower(mm.group(1)) in months:
        return "dateline"
    exact = doc.text.exact(m.norm_start, m.norm_end)
    if re.match(r"\s*[-–—]\s", rest) and exact.isupper():
        return "dateline"
    return None


def country_of(doc, key: str) -> str | None:
    info = doc.entities.get(key)
    if info is None:
        return None
    return key if info.cls == "Country" else info.part_of


def document_country(doc, mentions: list[Mention]) -> str | None:
    """The country the document is about: the one its own place names (not datelines,
    not contact lines) point at most."""
    counts: Counter[str] = Counter()
    for m in mentions:
        if m.kind == "place" and m.role not in SPECIAL_ROLES:
            c = country_of(doc, m.entity)
            if c:
                counts[c] += 1
    return counts.most_common(1)[0][0] if counts else None


@component("places", needs=("mentions",), adds=("mentions",), after=("organisation_discovery",))
def places(doc) -> None:
    """Places the gazetteer knows and places in place slots that no dataset knows."""
    finder = PlaceFinder(doc)
    chosen = finder.choose(finder.known())
    found: list[tuple[int, int, str, str, str, str]] = []  # (i, j, key, lang, name, role)
    for i, j, c in chosen:
        found.append((i, j, doc.resources.gazetteer.key_of(c.row), c.lang, c.name, "name"))
    local: dict[tuple[str, ...], tuple[str, str]] = {}
    unknown = finder.unknown([(i, j) for i, j, *_ in found])
    for i, j, c in finder.known_found:
        found.append((i, j, doc.resources.gazetteer.key_of(c.row), c.lang, c.name, "name"))
    for i, j, cls, label in unknown:
        key = _unknown_key(doc, label, cls)
        doc.entities.add(EntityInfo(key, cls, {doc.lang: label}))
        found.append((i, j, key, doc.lang, label, "name"))
        local[tuple(finder.keys(k, last=False)[0] for k in range(i, j + 1) if finder.tokens[k].is_word)] = (key, label)
    # the places a document introduced, named again elsewhere in it ("из Донбасса" … "жителей Донбасса")
    if local:
        in_place = finder.token_marks((i, j) for i, j, *_ in found)
        longest = max(len(k) for k in local)
        for run in finder._runs():
            p = 0
            while p < len(run):
                for n in range(min(longest, len(run) - p), 0, -1):
                    idx = run[p:p + n]
                    key = tuple(finder.keys(k, last=False)[0] for k in idx)
                    if key in local and not any(in_place[x] for x in idx) \
                            and all(finder.tokens[x].text[:1].isupper() for x in idx) \
                            and not finder.taken.overlaps(finder.tokens[idx[0]].start, finder.tokens[idx[-1]].end):
                        found.append((idx[0], idx[-1], local[key][0], doc.lang, local[key][1], "name"))
                        in_place[idx[0]:idx[-1] + 1] = b"\x01" * (idx[-1] + 1 - idx[0])
                        p += n - 1
                        break
                p += 1
    mentions = []
    for i, j, key, lang, name, role in found:
        s, e = finder.tokens[i].start, finder.tokens[j].end
        os_, oe = doc.text.to_original(s, e)
        mentions.append(Mention(doc.doc_id, os_, oe, doc.text.original[os_:oe], key, lang, name, role, s, e))
    mentions.sort(key=lambda m: m.norm_start)
    starts = [m.norm_start for m in mentions]
    out = []
    for m in mentions:
        role = special_role(doc, m, mentions, starts)
        if role:
            m = Mention(m.doc_id, m.start, m.end, m.exact, m.entity, m.lang, m.name, role, m.norm_start, m.norm_end)
        out.append(m)
    doc.mentions = sorted(doc.mentions + out, key=lambda m: m.norm_start)


def _unknown_key(doc, label: str, cls: str) -> str:
    """A key from the name; another place's key (a dataset's) is never reused."""
    key = f"place/{slugify(label, 10)}"
    known = doc.entities.get(key)
    if known is None or (key in doc.entities.local):
        return key
    return f"{key}-place"
