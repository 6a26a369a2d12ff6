"""People named in a document, with the role and organisation the text gives them.

Where a language has a packaged model for people's names (its ``person_ner`` in
``data/languages``: Russian uses Natasha's news NER, shipped inside the ``natasha``
package), its PER spans are the names. Elsewhere a name is a run of two to four capitalised
words (``name_particles`` may stand inside: "Suze van Meegen") that is no organisation,
place or date, next to something that says a person is meant (``data/lexicon/people.yaml``):

* a role before it ("ICRC spokeswoman Dorothea Krimitsas", "CEO Inger Ashing", "head of
  delegation Maryse Limoner", "Proqramının koordinatoru Bişnu Mahat");
* a role after it, set off by a comma ("Jakob Kellenberger, the ICRC president");
* a title ("Mr Michel") or a verb of saying ("… said Lacey-Hall", "Krimitsas told");
* a contact line's words after it ("Kitty McKinsey on mobile …");
* a list it heads ("Samson Aregahegn, Carlos Luis Caceres-Collazo and Pero Simundza").

A person's later mentions by surname ("Kellenberger said", "господин Мишель") are that
person. Names are cited in their base form (Russian nominative by pymorphy3). The role is
the role word of the clause, the organisation the one named in the role's phrase ("the ICRC
president", "председатель РКК", "BQXK-nın … koordinatoru"), else — for a role held inside
an organisation — the document's focal organisation. Roles found are left in
``doc.facts["people"]`` for :mod:`kg.facts.people`.
"""

from __future__ import annotations

import bisect

from dataclasses import dataclass

from ..components import component
from ..lexicon import EntityInfo
from ..namespaces import slugify
from ..text import Token, tokenize
from .names import Mention

_CLAUSE_STOP = set(".;:!?()\"«»“”")
_JOINERS = {"-", "'", "’"}  # inside a word: "Lacey-Hall", "O'Brien"


@dataclass
class RoleFact:
    person: str  # entity key
    role: str  # role id
    label: str  # the role's name as listed, in the document's language
    organisation: str | None
    start: int  # normalised span of the role statement (role phrase and name)
    end: int


@dataclass(frozen=True)
class Role:
    id: str
    words: tuple[str, ...]
    label: str
    in_organisation: bool


class PeopleFinder:
    def __init__(self, doc):
        self.doc = doc
        self.lang = doc.lang
        self.language = doc.language
        self.morph = doc.resources.morph
        data = doc.resources.people_data
        self.roles = []
        for r in data.get("roles", []):
            for name in r.get(self.lang, []) or []:
                words = tuple(w for w in tokenize(name) if w[0].isalnum() or w == "-")
                self.roles.append(Role(r["id"], words, name, bool(r.get("in_organisation"))))
        self.roles.sort(key=lambda r: -len(r.words))
        self.titles = list(data.get("titles", {}).get(self.lang, []))
        # the roles by the key of their first word, and every role and title word by its key:
        # a word is looked up by its keys (``_keys``) rather than tried against each listed
        # word (a few hundred roles, at every word before and after a name); ``_is`` decides
        self._roles_by_first: dict[str, list[int]] = {}
        for n, r in enumerate(self.roles):
            if r.words:
                self._roles_by_first.setdefault(self._listed_key(r.words[0]), []).append(n)
        self._role_or_title_words: dict[str, list[str]] = {}
        for x in [x for r in self.roles for x in r.words if x[0].isalnum()] + self.titles:
            self._role_or_title_words.setdefault(self._listed_key(x), []).append(x)
        self._roles_from_memo: dict[str, list[Role]] = {}
        self.speech = [tuple(tokenize(v)) for v in data.get("speech_verbs", {}).get(self.lang, [])]
        self.particles = set(data.get("name_particles", {}).get(self.lang, []))
        self.toks = doc.text.tokens
        self.listed: dict[int, int] = {}
        self.blocked = [(m.norm_start, m.norm_end) for m in doc.mentions if m.kind != "person"]
        self.blocked += [(t.start, t.end) for t in doc.times or []]
        self._blocked_mask = bytearray(len(doc.text.norm) + 1)  # one lookup per word: linear in the text
        for bs, be in self.blocked:
            self._blocked_mask[bs:be] = b"\x01" * (be - bs)

    # -- word rules ------------------------------------------------------------------
    def _is(self, word: str, listed: str) -> bool:
        how = self.morph.inflection(self.lang)
        if how == "suffixes":
            return self.morph.az_inflects(self.morph.lower(self.lang, word), self.morph.lower(self.lang, listed))
        if how == "lemma":
            return self.morph.key(self.lang, word) == self.morph.key(self.lang, listed)
        return word.lower() == listed.lower()

    def _listed_key(self, listed: str) -> str:
        """The key a listed word is found by: the word's keys (``_keys``) hold it whenever
        ``_is(word, listed)``."""
        how = self.morph.inflection(self.lang)
        if how == "suffixes":
            return self.morph.lower(self.lang, listed)
        if how == "lemma":
            return self.morph.key(self.lang, listed)
        return listed.lower()

    def _keys(self, word: str) -> list[str]:
        """The keys of the listed words a word may be (``_is``): its lower case (exact), its
        lemma, or (suffixes) every beginning of it, a stem its suffixes may follow."""
        how = self.morph.inflection(self.lang)
        if how == "suffixes":
            low = self.morph.lower(self.lang, word)
            return [low[:n] for n in range(1, len(low) + 1)]
        if how == "lemma":
            return [self.morph.key(self.lang, word)]
        return [word.lower()]

    def _roles_from(self, k: int) -> list[Role]:
        """The roles whose first word token k may be, in their order (``_words_at`` decides)."""
        word = self.toks[k].text
        hit = self._roles_from_memo.get(word)
        if hit is None:
            found = sorted({n for key in self._keys(word) for n in self._roles_by_first.get(key, ())})
            hit = self._roles_from_memo[word] = [self.roles[n] for n in found]
        return hit

    def _is_role_or_title_word(self, word: str) -> bool:
        return any(self._is(word, x) for key in self._keys(word) for x in self._role_or_title_words.get(key, ()))

    def _words_at(self, i: int, words: tuple[str, ...]) -> int | None:
        """Index after the listed words when they start at token i."""
        j = i
        for w in words:
            while j < len(self.toks) and not self.toks[j].is_word and self.toks[j].text not in ("-",):
                return None
            if j >= len(self.toks) or not self._is(self.toks[j].text, w):
                return None
            j += 1
        return j

    def _blocked(self, s: int, e: int) -> bool:
        return any(self._blocked_mask[s:e])

    # -- names -------------------------------------------------------------------------
    def _name_at(self, i: int, allow_one: bool = False) -> int | None:
        """End index of a name starting at token i (2–4 capitalised words), or None."""
        j, words = i, 0
        norm = self.doc.text.norm
        while j < len(self.toks) and words < 4:
            t = self.toks[j]
            if j > i and "\n" in norm[self.toks[j - 1].end:t.start]:
                break  # a name stays on its line
            if t.is_word and t.text[:1].isupper() and not t.text.isupper() and not self._blocked(t.start, t.end):
                words += 1
                j += 1
                # "Lacey-Hall": joined without spaces
                while j + 1 < len(self.toks) and self.toks[j].text in _JOINERS and self.toks[j].start == self.toks[j - 1].end \
                        and self.toks[j + 1].start == self.toks[j].end and self.toks[j + 1].text[:1].isupper():
                    j += 2
                continue
            if t.is_word and t.text in self.particles and words and j + 1 < len(self.toks) and \
                    self.toks[j + 1].text[:1].isupper():
                j += 1
                continue
            break
        if words >= 2 or (allow_one and words == 1):
            inside = [self.toks[k].text for k in range(i, j) if self.toks[k].is_word]
            if any(self._is_role_or_title_word(w) for w in inside):
                return None  # "President Jakob …": a role or title is no part of a name
            return j
        return None

    def _role_before(self, i: int) -> tuple[Role, int] | None:
        """A role word before token i in its clause (within eight words): (role, its index)."""
        k, words = i - 1, 0
        while k >= 0 and words < 8:
            t = self.toks[k]
            if t.text in _CLAUSE_STOP or (t.text == "," and words > 0):
                return None
            if t.is_word:
                words += 1
                for r in self._roles_from(k):
                    end = self._words_at(k, r.words)
                    if end is not None and end <= i:
                        return self._longest_role(r, k, end, i)
            k -= 1
        return None

    def _longest_role(self, role: Role, k: int, end: int, limit: int) -> tuple[Role, int]:
        """A longer role ending there ("верховный комиссар", not "комиссар")."""
        for back in (1, 2, 3):
            if k - back < 0:
                break
            for r in self._roles_from(k - back):
                e = self._words_at(k - back, r.words)
                if e is not None and end <= e <= limit and len(r.words) > len(role.words):
                    return r, k - back
        return role, k

    def _role_after(self, j: int) -> tuple[Role, int, int] | None:
        """", the ICRC president": a role in the comma-set phrase after a name."""
        if j >= len(self.toks) or self.toks[j].text != ",":
            return None
        k = j + 1
        while k < len(self.toks) and k - j < 12:
            t = self.toks[k]
            if t.text in _CLAUSE_STOP or t.text == ",":
                break
            if t.is_word:
                for r in self._roles_from(k):
                    end = self._words_at(k, r.words)
                    if end is not None:
                        # the phrase runs to the clause's end ("… of Swedish Save the Children")
                        stop = end
                        while stop < len(self.toks) and self.toks[stop].text not in _CLAUSE_STOP \
                                and self.toks[stop].text != "," and stop - j < 16:
                            stop += 1
                        return r, k, stop
            k += 1
        return None

    def _speech_next_to(self, i: int, j: int) -> bool:
        for verb in self.speech:
            if j < len(self.toks) and self._words_at(j, verb) is not None:
                return True
            k = i - len(verb)
            if k >= 0 and self._words_at(k, verb) is not None:
                return True
            if i >= 2 and self.toks[i - 1].text == "," and self._words_at(i - 1 - len(verb), verb) is not None:
                return True
        return False

    def _name_follows(self, j: int) -> bool:
        """Another name follows within three words of the clause."""
        for k in range(j, min(j + 4, len(self.toks))):
            t = self.toks[k]
            if t.text in _CLAUSE_STOP or t.text == ",":
                return False
            if k > j and self._name_at(k) is not None:
                return True
        return False

    def _titled(self, i: int) -> bool:
        return i > 0 and any(self._is(self.toks[i - 1].text, t) for t in self.titles) or \
            (i > 1 and self.toks[i - 1].text == "." and any(self._is(self.toks[i - 2].text, t) for t in self.titles))

    def _candidates(self) -> list[tuple[int, int]]:
        """Token ranges of full names."""
        ner = self.language.person_ner
        if ner:
            return self._ner_spans(ner)
        out = []
        i = 0
        while i < len(self.toks):
            j = self._name_at(i)
            if j is None:
                i += 1
                continue
            if self._role_before(i) and self._name_follows(j):
                i += 1  # "head of OCHA's Asia-Pacific Bangkok office Oliver Lacey-Hall": the name is the last
                continue
            if self._role_before(i) or self._role_after(j) or self._speech_next_to(i, j) or self._titled(i) \
                    or self._contact_after(j):
                out.append((i, j))
                i = self._list_after(i, j, out)
            else:
                i += 1
        return out

    def _contact_after(self, j: int) -> bool:
        """"Kitty McKinsey on mobile +66 …": a name on a contact line, before its number."""
        words = 0
        norm = self.doc.text.norm
        for t in self.toks[j:j + 4]:
            if j and "\n" in norm[self.toks[j - 1].end:t.start]:
                return False
            if t.is_word:
                words += 1
                if self.language.lower(t.text) in self.language.contact_words:
                    return True
        return False

    def _list_after(self, head: int, j: int, out: list) -> int:
        """"staff - Samson Aregahegn, Carlos Luis Caceres-Collazo and Pero Simundza": names
        listed after a person's name, joined by commas and conjunctions, are people too."""
        while j < len(self.toks):
            k = j
            if self.toks[k].text == ",":
                k += 1
            if k < len(self.toks) and self.toks[k].is_word and self.language.is_conjunction(self.toks[k].text):
                k += 1
            if k == j or k >= len(self.toks):
                return j
            end = self._name_at(k)
            if end is None:
                return j
            out.append((k, end))
            self.listed[k] = head  # a listed name shares the role of the list's first
            j = end
        return j

    def _ner_spans(self, ner: str) -> list[tuple[int, int]]:
        spans = self.doc.resources.person_spans(ner, self.doc.text.norm)
        out = []
        starts = {t.start: k for k, t in enumerate(self.toks)}
        ends = {t.end: k for k, t in enumerate(self.toks)}
        for s, e in spans:
            if s in starts and e in ends and not self._blocked(s, e):
                i, j = starts[s], ends[e] + 1
                if sum(1 for t in self.toks[i:j] if t.is_word) >= 2:  # a lone surname is a later mention
                    out.append((i, j))
        return out

    # -- roles and organisations --------------------------------------------------------
    def _org_in(self, s: int, e: int) -> str | None:
        if not hasattr(self, "_orgs"):  # organisations in text order, found by bisection
            self._orgs = [m for m in self.doc.mentions if m.kind == "organisation" and "{" not in m.entity]
            self._org_starts = [m.norm_start for m in self._orgs]
        lo, hi = bisect.bisect_left(self._org_starts, s), bisect.bisect_left(self._org_starts, e)
        orgs = [m for m in self._orgs[lo:hi] if m.norm_end <= e]
        return orgs[-1].entity if orgs else None

    def _role_fact(self, key: str, i: int, j: int) -> RoleFact | None:
        before = self._role_before(i)
        if before:
            role, k = before
            # the role's phrase: from an organisation named just before the role word
            # ("ICRC spokeswoman", "BQXK-nın … Proqramının koordinatoru") to the name
            s = self._phrase_start(k)
            org = self._org_in(s, self.toks[i].start)
            return self._fact(key, role, org, s, self.toks[j - 1].end)
        after = self._role_after(j)
        if after:
            role, k, stop = after
            s, e = self.toks[j].end, self.toks[stop - 1].end
            org = self._org_in(s, e)
            return self._fact(key, role, org, self.toks[i].start, e)
        return None

    def _phrase_start(self, k: int) -> int:
        """Start of the words before a role word that belong to its phrase (within the clause)."""
        m = k
        while m > 0 and k - m < 8:
            t = self.toks[m - 1]
            if t.text in _CLAUSE_STOP or t.text == ",":
                break
            m -= 1
        return self.toks[m].start

    def _fact(self, key, role: Role, org, s, e) -> RoleFact:
        if org is None and role.in_organisation:
            org = self.doc.focal_org if self.doc.focus else self._focal_org()
        return RoleFact(key, role.id, role.label, org, s, e)

    def _focal_org(self) -> str | None:
        from collections import Counter

        counts = Counter(m.entity for m in self.doc.mentions if m.kind == "organisation" and m.role in ("name", "acronym")
                         and self.doc.entities[m.entity].cls not in ("Government", "Ministry", "StateCommission", "GovernmentBody"))
        return counts.most_common(1)[0][0] if counts else None

    # -- the component ----------------------------------------------------------------------
    def run(self) -> tuple[list[Mention], list[RoleFact]]:
        doc, text = self.doc, self.doc.text
        mentions: list[Mention] = []
        facts: list[RoleFact] = []
        people: dict[str, str] = {}  # key -> surname
        for i, j in self._candidates():
            s, e = self.toks[i].start, self.toks[j - 1].end
            cited = " ".join(self.doc.resources.citation.person(self.lang, self._joined(i, j)).split())
            key = f"person/{slugify(cited, 6)}"
            doc.entities.add(EntityInfo(key, "Person", {self.lang: cited}))
            os_, oe = text.to_original(s, e)
            mentions.append(Mention(doc.doc_id, os_, oe, text.original[os_:oe], key, self.lang, cited, "name", s, e))
            people.setdefault(key, self._joined(i, j)[-1])
            fact = self._role_fact(key, i, j)
            if fact is None and i in self.listed:
                first = next((f for f in facts if f.start <= self.toks[self.listed[i]].start <= f.end), None)
                if first is not None:
                    fact = RoleFact(key, first.role, first.label, first.organisation, first.start, self.toks[j - 1].end)
            if fact:
                facts.append(fact)
        # later mentions by surname (a mask of what is taken: one pass over the text)
        taken = bytearray(len(text.norm) + 1)
        for ts, te in [(m.norm_start, m.norm_end) for m in mentions] + self.blocked:
            taken[ts:te] = b"\x01" * (te - ts)

        def free(a: int, b: int) -> bool:
            return not any(taken[a:b])

        by_key: dict[str, list[str]] = {}
        for key, surname in people.items():
            if not surname.isalpha():  # "Lacey-Hall": matched as written
                import re

                for mt in re.finditer(rf"(?<!\w){re.escape(surname)}(?!\w)", text.norm):
                    if free(mt.start(), mt.end()):
                        os_, oe = text.to_original(mt.start(), mt.end())
                        mentions.append(Mention(doc.doc_id, os_, oe, text.original[os_:oe], key, self.lang, surname,
                                                "short", mt.start(), mt.end()))
                        taken[mt.start():mt.end()] = b"\x01" * (mt.end() - mt.start())
                continue
            by_key.setdefault(self.morph.key(self.lang, surname), []).append((key, surname))
        if by_key:
            for t in self.toks:
                if not t.is_word or not t.text[:1].isupper() or not free(t.start, t.end):
                    continue
                for key, surname in by_key.get(self.morph.key(self.lang, t.text), []) or \
                        [ks for ks in (v for vs in by_key.values() for v in vs) if self._is(t.text, ks[1])][:1]:
                    os_, oe = text.to_original(t.start, t.end)
                    mentions.append(Mention(doc.doc_id, os_, oe, text.original[os_:oe], key, self.lang, surname,
                                            "short", t.start, t.end))
                    taken[t.start:t.end] = b"\x01" * (t.end - t.start)
                    break
        return mentions, facts

    def _joined(self, i: int, j: int) -> list[str]:
        """The name's words, hyphenated parts joined ("Lacey-Hall")."""
        out: list[str] = []
        prev: Token | None = None
        for t in self.toks[i:j]:
            if prev is not None and t.start == prev.end and (t.text in _JOINERS or prev.text in _JOINERS):
                out[-1] += t.text
            elif t.is_word:
                out.append(t.text)
            prev = t
        return out


@component("people", needs=("mentions", "times"), adds=("mentions",),
           after=("coreference", "acronyms", "organisation_discovery", "places"))
def people(doc) -> None:
    """People with the role and organisation the text gives them."""
    mentions, facts = PeopleFinder(doc).run()
    doc.facts["people"] = facts
    if mentions:
        doc.mentions = sorted(doc.mentions + mentions, key=lambda m: m.norm_start)
