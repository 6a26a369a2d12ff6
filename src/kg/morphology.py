"""Per-language word matching, so that inflected forms match the names in the lexicon.

Each language's file (``data/languages/``) says how (:attr:`kg.language.Language.inflection`):

* ``exact`` (English): lower case (plural stays distinct).
* ``lemma`` (Russian): the lemma from pymorphy3 ("Федерацией" -> "федерация").
* ``suffixes`` (Azerbaijani): a word matches a lexicon word when it is that word plus a
  chain of suffixes from ``az-suffixes.yaml`` ("Azərbaycandakı" = "Azərbaycan" + "da" +
  "kı"), with the language's own casing (dotted/dotless i).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .config import SUPPORTED_LANGUAGES
from .datafile import load_yaml
from .language import Language, load_language

_AZ_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def az_lower(word: str) -> str:
    return word.translate(_AZ_LOWER).lower()


@lru_cache(maxsize=1)
def russian_analyser():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _default_languages(az_suffix_file: Path) -> dict[str, Language]:
    languages_dir = az_suffix_file.parents[1] / "languages"
    return {code: load_language(languages_dir, code) for code in SUPPORTED_LANGUAGES
            if (languages_dir / f"{code}.yaml").exists()}


def _english_lemmas(word: str) -> dict:
    from lemminflect import getAllLemmas

    return getAllLemmas(word) if word.isalpha() else {}


def _flatten(group) -> list[str]:
    if isinstance(group, str):
        return [group]
    return [s for g in group for s in _flatten(g)]


class Morphology:
    def __init__(self, az_suffix_file: Path, languages: Mapping[str, Language] | None = None):
        # languages not given (tests of one finder): the three the project reads, from data/languages
        self.languages = dict(languages) if languages else _default_languages(az_suffix_file)
        data = load_yaml(az_suffix_file)
        self._vowels = set(data["vowels"])
        self._buffers = tuple(data["buffer_consonants"])
        self._slots = [
            sorted(_flatten(data["slots"][name]), key=len, reverse=True) for name in data["order"]
        ]
        self._cache: dict[tuple[str, str], str] = {}
        self._chain_cache: dict[tuple[str, str], bool] = {}
        self._first_words: dict[tuple, FirstWords] = {}

    def key(self, lang: str, word: str) -> str:
        """The form a word is looked up by: lemma (ru), lower case (en, az)."""
        k = (lang, word)
        hit = self._cache.get(k)
        if hit is None:
            hit = self._cache[k] = self._compute(lang, word)
        return hit

    def inflection(self, lang: str) -> str:
        language = self.languages.get(lang)
        return language.inflection if language else "exact"

    def lower(self, lang: str, word: str) -> str:
        language = self.languages.get(lang)
        return language.lower(word) if language else word.lower()

    def _compute(self, lang: str, word: str) -> str:
        if self.inflection(lang) == "lemma":
            w = word.lower().replace("ё", "е")
            if not any("а" <= c <= "я" for c in w):
                return w
            return russian_analyser().parse(w)[0].normal_form.replace("ё", "е")
        return self.lower(lang, word)

    def lemmas(self, lang: str, word: str) -> frozenset[str]:
        """Every dictionary form the word may be a form of ("left" -> leave, left)."""
        k = ("lemmas", lang, word)
        hit = self._cache.get(k)
        if hit is None:
            how = self.inflection(lang)
            if how == "lemma":
                w = word.lower().replace("ё", "е")
                hit = frozenset(p.normal_form.replace("ё", "е") for p in russian_analyser().parse(w)[:3]) | {w}
            elif how == "exact":
                hit = frozenset(l.lower() for forms in _english_lemmas(word).values() for l in forms) | {word.lower()}
            else:
                hit = frozenset({self.lower(lang, word)})
            self._cache[k] = hit
        return hit

    def only_verb(self, lang: str, word: str) -> bool:
        """The dictionary knows the word only as a verb form ("benefited", "received")."""
        how = self.inflection(lang)
        if how == "exact":
            pos = set(_english_lemmas(word))
            return bool(pos) and pos <= {"VERB", "AUX"}
        if how == "lemma":
            parses = russian_analyser().parse(word.lower())
            return bool(parses) and all(p.tag.POS in ("VERB", "INFN") for p in parses[:2])
        return False

    def only_adjective(self, lang: str, word: str) -> bool:
        """The dictionary knows the word only as an adjective ("operational", "местных")."""
        how = self.inflection(lang)
        if how == "exact":
            pos = set(_english_lemmas(word))
            return bool(pos) and pos <= {"ADJ"}
        if how == "lemma":
            parses = russian_analyser().parse(word.lower())
            return bool(parses) and all(p.tag.POS in ("ADJF", "ADJS", "PRTF") for p in parses[:2])
        return False

    def dictionary_forms(self, lang: str, word: str) -> frozenset[str]:
        """The dictionary forms the word may be a form of, as the dictionary gives them
        (without the word itself added): "close" -> {close}, "closes" -> {close}."""
        if self.inflection(lang) == "exact":
            return frozenset(l.lower() for forms in _english_lemmas(word).values() for l in forms)
        return self.lemmas(lang, word)

    def matches(self, lang: str, listed: str, word: str, last: bool = True, inflected: bool = True) -> bool:
        """A word of the text is a form of a listed word (of a trigger term or a name).

        ``exact``: the same word, a capitalised listed word needing a capital in the text;
        ``lemma``: the word or its lemma starts with the listed stem; ``suffixes``: the last
        word of a term is a stem (verbs inflect: bağla-yacaq), earlier words take only noun
        suffixes, so "əlaqə" does not match "əlaqədar".
        """
        if not listed[0].isalnum():
            return listed == word
        how = self.inflection(lang)
        if how == "exact":
            if listed[0].isupper():
                return word == listed
            # the word as listed, or an inflected form of it ("withdrew" for "withdraw") unless
            # the list gives the forms themselves (the activity scheme's terms)
            return word.lower() == listed or (inflected and listed in self.lemmas(lang, word))
        if how == "lemma":
            t = listed.lower()
            return word.lower().startswith(t) or self.key(lang, word).startswith(t)
        w, l = self.lower(lang, word), self.lower(lang, listed)
        if last:
            return w.startswith(l)
        return self.az_inflects(w, l)

    def lookup_keys(self, lang: str, word: str) -> set[str]:
        """The keys a listed word is indexed by (:meth:`listed_keys`) under which every listed
        word that ``word`` may be a form of (:meth:`matches`) is found, and others: a finder
        looks a word of the text up by these, then asks :meth:`matches` of each it finds."""
        low, folded = self.lower(lang, word), word.lower()
        keys = {word, low, folded} | set(self.lemmas(lang, word))
        if self.inflection(lang) != "exact":  # listed words are stems: the word's prefixes
            for form in {low, folded, self.key(lang, word)}:
                keys.update(form[:i] for i in range(1, len(form) + 1))
        return keys

    def listed_keys(self, lang: str, listed: str) -> set[str]:
        """The keys a listed word is indexed by (see :meth:`lookup_keys`)."""
        return {listed, listed.lower(), self.lower(lang, listed)}

    def first_words(self, lang: str, listed: tuple[tuple[str, bool], ...]) -> "FirstWords":
        """The :class:`FirstWords` of ``listed`` (words and whether each is matched as the last
        word of its term), made once for this morphology: it remembers across documents."""
        key = (lang, listed)
        hit = self._first_words.get(key)
        if hit is None:
            hit = self._first_words[key] = FirstWords(self, lang, listed)
        return hit

    def remembering_matches(self, lang: str):
        """:meth:`matches` for one language (``(listed, word, last)``), remembering its answers:
        for a finder that tries every word of a document against every term of a list, where
        words repeat (kept by the caller for one document, so memory stays bounded)."""
        seen: dict[tuple[str, str, bool], bool] = {}

        def match(listed: str, word: str, last: bool = True) -> bool:
            key = (listed, word, last)
            hit = seen.get(key)
            if hit is None:
                hit = seen[key] = self.matches(lang, listed, word, last)
            return hit

        return match

    def has_case(self, lang: str, word: str, case: str) -> bool:
        """The word may be read in ``case`` (languages matched by lemma, whose analyser tags case)."""
        if self.inflection(lang) != "lemma":
            return False
        return any(case in p.tag and p.tag.POS in ("NOUN", "ADJF", "PRTF") and "Abbr" not in p.tag
                   for p in russian_analyser().parse(word.lower())[:2])

    # -- Azerbaijani ------------------------------------------------------------
    def az_inflects(self, word_key: str, lex_key: str) -> bool:
        """True when ``word_key`` is ``lex_key`` followed by a valid suffix chain."""
        if not word_key.startswith(lex_key):
            return False
        rest = word_key[len(lex_key):]
        if not rest:
            return True
        k = (lex_key[-1], rest)
        hit = self._chain_cache.get(k)
        if hit is None:
            hit = self._chain_cache[k] = self._chain(lex_key[-1], rest, 0)
        return hit

    def az_stems(self, word_key: str, min_len: int = 2):
        """Every prefix of the word that the rest of it could inflect (longest first)."""
        for cut in range(len(word_key), min_len - 1, -1):
            stem = word_key[:cut]
            if self.az_inflects(word_key, stem):
                yield stem

    def _fits(self, prev: str, suffix: str) -> bool:
        prev_vowel = prev in self._vowels
        if suffix[0] in self._vowels:
            return not prev_vowel
        if suffix.startswith(self._buffers) and (suffix[1] in self._vowels or suffix[:2] == "nd"):
            return prev_vowel
        return True

    def _chain(self, prev: str, rest: str, slot: int) -> bool:
        if not rest:
            return True
        for i in range(slot, len(self._slots)):
            for suf in self._slots[i]:
                if rest.startswith(suf) and self._fits(prev, suf):
                    if self._chain(suf[-1], rest[len(suf):], i + 1):
                        return True
        return False


class FirstWords:
    """Which of a list's words a word of a text may be (:meth:`Morphology.matches`, each
    listed word matched as a last word of its term or not): the positions in the list, in
    order. A word is looked up by the keys it may stand for (:meth:`Morphology.lookup_keys`),
    so the cost grows with the text, not with the text times the list; the answers are
    remembered for later documents (words recur), up to ``MEMORY`` words."""

    MEMORY = 200_000

    def __init__(self, morph: Morphology, lang: str, listed: tuple[tuple[str, bool], ...]):
        self.morph, self.lang, self.listed = morph, lang, listed
        self._index: dict[str, list[int]] = {}
        for n, (word, _) in enumerate(listed):
            for key in morph.listed_keys(lang, word):
                self._index.setdefault(key, []).append(n)
        self._known: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        """The number of words remembered."""
        return len(self._known)

    def of(self, word: str) -> tuple[int, ...]:
        hit = self._known.get(word)
        if hit is None:
            found = {n for key in self.morph.lookup_keys(self.lang, word) for n in self._index.get(key, ())}
            hit = tuple(n for n in sorted(found)
                        if self.morph.matches(self.lang, self.listed[n][0], word, self.listed[n][1]))
            if len(self._known) >= self.MEMORY:
                self._known.clear()
            self._known[word] = hit
        return hit


# -- citation forms -----------------------------------------------------------------
# A name found in running text is cited in its dictionary form: Russian names in the
# nominative (the head noun and the adjectives agreeing with it; genitive complements stay),
# Azerbaijani names without the case ending of their head, English as written. The same
# machinery puts a country's name in the genitive for generated labels.

def _capital_like(word: str, form: str) -> str:
    if word.isupper() and len(word) > 1:
        return form.upper()
    if word[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def _ru_phrase_case(words: list[str], case: str) -> list[str]:
    """Put a Russian head-initial noun phrase into ``case``: the words up to and including
    the first noun (adjectives agree with it in gender and number); what follows stays."""
    m = russian_analyser()
    parses = [m.parse(w.lower().replace("ё", "е")) for w in words]
    head = next((i for i, ps in enumerate(parses) if ps and "NOUN" in ps[0].tag), None)
    if head is None:
        return list(words)
    noun = parses[head][0]
    number = noun.tag.number or "sing"
    out = list(words)
    for i in range(head + 1):
        p = parses[i][0]
        if i < head and "ADJF" not in p.tag and "PRTF" not in p.tag:
            continue
        grams = {case, number}
        if i < head and number == "sing" and noun.tag.gender:
            grams.add(noun.tag.gender)
        form = p.inflect(grams)
        if form is not None:
            out[i] = _capital_like(words[i], form.word)
    return out


def _ru_person_nominative(words: list[str]) -> list[str]:
    """A person's name (given name, patronymic, surname) in the nominative, the gender
    taken from the given name ("Татьяной Москальковой" -> "Татьяна Москалькова")."""
    m = russian_analyser()
    gender = None
    for w in words:
        for p in m.parse(w.lower()):
            if "Name" in p.tag and p.tag.gender in ("masc", "femn"):
                gender = p.tag.gender
                break
        if gender:
            break
    out = []
    for w in words:
        ps = [p for p in m.parse(w.lower()) if {"Name", "Surn", "Patr"} & set(str(p.tag).replace(" ", ",").split(","))]
        if gender:
            ps = [p for p in ps if gender in p.tag or "ms-f" in p.tag or p.tag.gender is None] or ps
        if not ps or "nomn" in ps[0].tag and (w.lower() == ps[0].word):
            out.append(w)
            continue
        form = ps[0].inflect({"nomn", "sing"} | ({gender} if gender and "ms-f" in ps[0].tag else set()))
        out.append(_capital_like(w, form.word) if form else w)
    return out


def _az_genitive(language: Language, word: str) -> str:
    """Azerbaijani genitive by vowel harmony (Azərbaycan -> Azərbaycanın, Anqola -> Anqolanın)."""
    harmony = language.suffix_harmony
    low = language.lower(word)
    last = next((c for c in reversed(low) if c in harmony), None)
    if last is None:
        return word
    vowel = harmony[last]
    return word + ("n" if low[-1] in harmony else "") + vowel + "n"


class Citation:
    """Citation and case forms by each language's rules (its ``inflection``)."""

    def __init__(self, morph: "Morphology"):
        self.morph = morph
        self._genitives: dict[tuple[str, str], str] = {}

    def genitive(self, lang: str, phrase: str) -> str:
        # (generated labels ask for a country's genitive once per template: 720 phrases,
        # asked 7,920 times when the resources load)
        hit = self._genitives.get((lang, phrase))
        if hit is None:
            hit = self._genitives[(lang, phrase)] = self._genitive(lang, phrase)
        return hit

    def _genitive(self, lang: str, phrase: str) -> str:
        how = self.morph.inflection(lang)
        words = phrase.split()
        if not words:
            return phrase
        if how == "lemma":
            return " ".join(_ru_phrase_case(words, "gent"))
        if how == "suffixes" and lang in self.morph.languages and self.morph.languages[lang].suffix_harmony:
            return " ".join(words[:-1] + [_az_genitive(self.morph.languages[lang], words[-1])])
        return phrase

    def case(self, lang: str, phrase: str, case: str) -> str:
        """A name put in another case, for names composed of it (kg.web.graph.grammar): in a
        language matched by lemma, the head and what agrees with it (pymorphy3's case names:
        "gent", "datv", "loct" …); elsewhere as written."""
        words = phrase.split()
        if words and self.morph.inflection(lang) == "lemma":
            return " ".join(_ru_phrase_case(words, case))
        return phrase

    def name(self, lang: str, words: list[str], heads: list[str] = ()) -> str:
        """An organisation's name as cited: Russian nominative; in a language of suffixes, the
        last word cut back to the listed head it inflects (``heads``); else as written."""
        how = self.morph.inflection(lang)
        if how == "lemma":
            return " ".join(_ru_phrase_case(words, "nomn"))
        if how == "suffixes" and words:
            last = self.morph.lower(lang, words[-1])
            for h in sorted(heads, key=len, reverse=True):
                if self.morph.az_inflects(last, self.morph.lower(lang, h)):
                    return " ".join(words[:-1] + [words[-1][:len(h)]])
        return " ".join(words)

    def person(self, lang: str, words: list[str]) -> str:
        if self.morph.inflection(lang) == "lemma":
            return " ".join(_ru_person_nominative(words))
        if self.morph.inflection(lang) == "suffixes" and words:
            # "Mahatın" -> "Mahat": the case ending after an apostrophe or on the last word
            return " ".join(words)
        return " ".join(words)
