"""Names put in a grammatical case, for the names the pages compose (:mod:`.names`).

Russian goes through the project's morphology (pymorphy3: the head noun and the words
agreeing with it take the case; coordinated heads too: "поиск и идентификация останков" →
"поиска и идентификации останков"). Azerbaijani is suffixing with vowel harmony: the last
word of a name takes the ending (Azərbaycan → Azərbaycanın, Azərbaycanda, Azərbaycandakı),
after a buffer consonant when the word ends in a vowel or already carries the possessive of
a compound name (Dövlət Komissiyası → Dövlət Komissiyasına); an acronym takes it after a
hyphen, in harmony with how its last letter is read (BQXK → BQXK-nın). English has no case.
"""

from __future__ import annotations

import re

from ...morphology import Citation, Morphology, az_lower

_RU_COORDINATION = re.compile(r"\s+(и|или)\s+")
_RU_CLUSTER_V = re.compile(r"(^|\s)([вВ]) (?=[вфВФ][бвгджзйклмнпрстфхцчшщ])")

BACK = set("aıou")
FRONT = set("eəiöü")
VOWELS = BACK | FRONT


class Grammar:
    """``inflect(lang, phrase, features)``: the phrase with the endings the features ask for.

    Russian features are pymorphy3's case names (gent, datv, accs, ablt, loct); Azerbaijani
    ones are gen, dat, acc, loc, abl, loc_adj (the -dakı adjective: "the one in") and poss
    (third-person possessive: the head of a compound, "Azərbaycandakı nümayəndəliyi").
    """

    def __init__(self, morph: Morphology, az_letter_names: dict[str, str] | None = None):
        self.morph = morph
        self.citation = Citation(morph)
        self.letters = {az_lower(k): az_lower(v) for k, v in (az_letter_names or {}).items()}

    def inflect(self, lang: str, phrase: str, features: list[str]) -> str:
        if not phrase or not features:
            return phrase
        how = self.morph.inflection(lang)
        if how == "lemma":
            for case in features:
                phrase = self._ru_case(lang, phrase, case)
            return phrase
        if how == "suffixes":
            return self._az(phrase, features)
        return phrase

    def tidy(self, lang: str, text: str) -> str:
        """Forms that depend on the next word: Russian "в" is "во" before в/ф and a consonant."""
        if self.morph.inflection(lang) == "lemma":
            return _RU_CLUSTER_V.sub(lambda m: f"{m.group(1)}{m.group(2)}о ", text)
        return text

    # -- Russian -------------------------------------------------------------------
    def _ru_case(self, lang: str, phrase: str, case: str) -> str:
        if all(w.isupper() for w in phrase.split()):
            return phrase  # an acronym does not decline (МККК)
        parts = _RU_COORDINATION.split(phrase)
        out = [self.citation.case(lang, parts[0], case)]
        for i in range(1, len(parts), 2):
            conj, conjunct = parts[i], parts[i + 1]
            # a coordinated head ("поиск и идентификация") takes the case too; a coordinated
            # complement already in its own case ("… Красного Креста и Красного Полумесяца")
            # keeps it
            first = conjunct.split()[0] if conjunct.split() else ""
            if first and self.morph.has_case(lang, first, "nomn"):
                conjunct = self.citation.case(lang, conjunct, case)
            out.append(f" {conj} {conjunct}")
        return "".join(out)

    # -- Azerbaijani ------------------------------------------------------------------
    def _az(self, phrase: str, features: list[str]) -> str:
        words = phrase.split()
        if not words:
            return phrase
        last = words[-1]
        # a compound name ending in its head's possessive ("Dövlət Komissiyası", "Qızıl Xaç
        # Komitəsi") takes its case endings after n
        possessed = len(words) > 1 and az_lower(last)[-1:] in ("ı", "i", "u", "ü")
        for f in features:
            last, possessed = self._az_suffix(last, f, possessed)
        return " ".join(words[:-1] + [last])

    def _az_suffix(self, word: str, feature: str, possessed: bool) -> tuple[str, bool]:
        acronym = len(word) > 1 and word.isupper() and word.isalpha()
        sound = self._sound(word)
        if not sound:
            return word, possessed
        vowel_end = sound[-1] in VOWELS
        last_vowel = next((c for c in reversed(sound) if c in VOWELS), "a")
        i4 = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "ə": "i", "i": "i", "ö": "ü", "ü": "ü"}[last_vowel]
        a2 = "a" if last_vowel in BACK else "ə"
        joint = "-" if acronym else ""
        stem = word
        if feature == "poss":
            if possessed:
                return word, True
            if vowel_end:
                return word + joint + "s" + i4, True
            if not acronym and sound.endswith(("k", "q")) and sum(c in VOWELS for c in sound) > 1:
                stem = word[:-1] + ("y" if sound.endswith("k") else "ğ")  # nümayəndəlik → nümayəndəliyi
            return stem + joint + i4, True
        n = "n" if possessed else ""
        if feature == "gen":
            suffix = ("n" if vowel_end or possessed else "") + i4 + "n"
        elif feature == "dat":
            suffix = (n or ("y" if vowel_end else "")) + a2
        elif feature == "acc":
            suffix = ("n" if vowel_end or possessed else "") + i4
        elif feature == "loc":
            suffix = n + "d" + a2
        elif feature == "abl":
            suffix = n + "d" + a2 + "n"
        elif feature == "loc_adj":
            suffix = n + "d" + a2 + ("kı" if a2 == "a" else "ki")
        else:
            return word, possessed
        return stem + joint + suffix, False

    def _sound(self, word: str) -> str:
        """The word as it is read, lower case: an acronym by the names of its letters."""
        if len(word) > 1 and word.isupper() and word.isalpha():
            return "".join(self.letters.get(az_lower(c), az_lower(c)) for c in word)
        return az_lower(word)
