"""Generic phrases resolved to the body they refer to in context, or to nothing.

"The authorities", "the National Society", "the agency", "управление", "Cəmiyyət" name no
organisation: they refer to one the context gives. This component runs after every finder
of names (the lexicon's, the places', discovery, acronyms) and

* re-resolves the lexicon's contextual names of national bodies ("the authorities",
  "национальные власти", "the Ministry of Justice") by :class:`~kg.annotate.context.CountryContext`
  — the country of their clause, sentence, paragraph or document — dropping them when no
  country is given (never another country's body);
* resolves "the National Society" (``references.yaml``) to the national society of the
  country in context, or the society the paragraph or document last named;
* resolves anaphors ("the organisation", "the agency", "управление", "Təşkilat") to the
  organisation named last before them whose name has their head word, else of the classes
  they may refer to;
* cites the names of national societies matched by the Movement's patterns in their base
  form ("Общества Красного Полумесяца Таджикистана" -> "Общество Красного Полумесяца
  Таджикистана").

Resolved phrases are mentions of role ``short`` (a reference: evidence, no label).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from ..components import component
from ..lexicon import FOCAL
from ..national_bodies import NATIONAL_SOCIETY
from ..text import Spans, tokenize
from .context import CountryContext
from .names import Mention

_NAMED = ("name", "acronym")


class Coreference:
    def __init__(self, doc):
        self.doc = doc
        self.lang = doc.lang
        self.language = doc.language
        self.morph = doc.resources.morph
        self.lexicon = doc.lexicon
        self.context = CountryContext(doc)
        self.data = doc.resources.references
        self._head_cache: dict[tuple[str, str], bool] = {}
        self._starts: dict[str, list[int]] | None = None
        # the named organisations a reference may point back to, in text order, by the test
        # they pass ("has the head word …"): a look-up per reference, not a scan of the document
        self._named: list[Mention] = []
        self._antecedents: dict[tuple, tuple[list[Mention], list[int]]] = {}
        self._places: Spans | None = None  # the document's place names (it adds none)

    # -- matching phrases ----------------------------------------------------------
    def _word_is(self, word: str, listed: str) -> bool:
        how = self.morph.inflection(self.lang)
        if listed[:1].isupper() != word[:1].isupper() and listed[:1].isalpha():
            return False
        if how == "suffixes":
            return self.morph.az_inflects(self.morph.lower(self.lang, word), self.morph.lower(self.lang, listed))
        if how == "lemma":
            return self.morph.key(self.lang, word) == self.morph.key(self.lang, listed)
        return word.lower() == listed.lower()

    def _key(self, listed: str) -> str:
        """The form a listed word is looked up by (its lemma; its lower case)."""
        if self.morph.inflection(self.lang) == "lemma":
            return self.morph.key(self.lang, listed)
        return self.morph.lower(self.lang, listed)

    def _keys(self, word: str) -> set[str]:
        """The forms a text word may be a form of: itself, its lemma, or (suffixing
        languages) every stem its endings may follow."""
        if self.morph.inflection(self.lang) == "lemma":
            return {self.morph.key(self.lang, word)}
        low = self.morph.lower(self.lang, word)
        if self.morph.inflection(self.lang) == "suffixes":
            return {low[:n] for n in range(1, len(low) + 1)}
        return {low}

    def _word_starts(self) -> dict[str, list[int]]:
        """Where each first word may stand: one look-up per token, not a scan per phrase;
        made once for the document (every phrase of every list asks)."""
        if self._starts is None:
            self._starts = {}
            for i, t in enumerate(self.doc.text.tokens):
                if t.is_word:
                    for k in self._keys(t.text):
                        self._starts.setdefault(k, []).append(i)
        return self._starts

    def _occurrences(self, phrases: list[str]):
        """(start, end) of each phrase in the text, where it may be a reference: after an
        article of its own, or at the start of a clause or after a preposition."""
        toks = self.doc.text.tokens
        articles = {a.lower() for a in self.language.articles}
        openers = self.language.place_prepositions | set(self.language.conjunctions)
        starts = self._word_starts()
        for phrase in phrases:
            words = [w for w in tokenize(phrase) if w[0].isalnum()]
            if not words:
                continue
            for i in sorted(set(starts.get(self._key(words[0]), ()))):
                if i + len(words) > len(toks):
                    continue
                window = toks[i:i + len(words)]
                if not all(t.is_word and self._word_is(t.text, w) for t, w in zip(window, words)):
                    continue
                if words[0].lower() not in articles and i > 0:
                    prev = toks[i - 1]
                    gap = self.doc.text.norm[prev.end:window[0].start]
                    if prev.is_word and "\n" not in gap and self.language.lower(prev.text) not in openers \
                            and prev.text.lower() not in articles:
                        continue  # "humanitar təşkilat", "гражданское общество": a modifier, not a reference
                nxt = toks[i + len(words)] if i + len(words) < len(toks) else None
                if nxt is not None and nxt.is_word and nxt.text.islower() and self.language.name_complement_case \
                        and self.morph.has_case(self.lang, nxt.text, self.language.name_complement_case):
                    continue  # "в организации передачи": a noun with its complement, not a reference
                start = window[0].start
                if words[0].lower() in articles:
                    start = window[1].start if len(window) > 1 else start
                yield start, window[-1].end

    # -- resolution -------------------------------------------------------------------
    def _mention(self, s: int, e: int, key: str, role: str, name: str) -> Mention:
        text = self.doc.text
        os_, oe = text.to_original(s, e)
        return Mention(self.doc.doc_id, os_, oe, text.original[os_:oe], key, self.lang, name, role, s, e)

    def _contextual_key(self, m: Mention) -> str | None:
        template = self.doc.resources.contextual_templates.get((m.lang, m.name))
        if template is None:
            return m.entity
        if self._other_body(m):
            return None
        country = self.context.country_for(m.norm_start, m.norm_end)
        if not country:
            return None
        key = template.replace(FOCAL, country.split("/", 1)[1])
        return key if key in self.doc.entities else None

    def _other_body(self, m: Mention) -> bool:
        """"the Kurdish authorities": a capitalised word before the phrase that is no country's
        adjective names another body than the country's (lower-case modifiers, "the detaining
        authorities", do not)."""
        toks = self.doc.text.tokens_in(max(0, m.norm_start - 40), m.norm_start)
        if not toks or not toks[-1].is_word or not toks[-1].text[:1].isupper():
            return False
        prev = toks[-1]
        if len(toks) < 2 or toks[-2].text in ".!?:;\"«“" or "\n" in self.doc.text.norm[toks[-2].end:prev.start]:
            return False  # sentence-initial capital
        if self.morph.key(self.lang, prev.text) in self.doc.resources.country_adjectives(self.lang):
            return False
        if self._places is None:
            self._places = Spans([(x.norm_start, x.norm_end) for x in self.doc.mentions if x.kind == "place"],
                                 len(self.doc.text.norm))
        return not self._places.overlaps(prev.start, prev.start + 1)

    def _last_before(self, s: int, test: tuple, passes) -> Mention | None:
        """The last named mention (in text order) that ends by ``s`` and passes ``test``
        (``passes(mention)``, the same answer for the same ``test``)."""
        hit = self._antecedents.get(test)
        if hit is None:
            chosen = [m for m in self._named if passes(m)]
            hit = self._antecedents[test] = (chosen, [m.norm_start for m in chosen])
        chosen, starts = hit
        i = bisect_right(starts, s) - 1
        while i >= 0 and chosen[i].norm_end > s:  # (one that starts before s may end after it)
            i -= 1
        return chosen[i] if i >= 0 else None

    def _class(self, m: Mention) -> str | None:
        info = self.doc.entities.get(m.entity)
        return info.cls if info else None

    def _national_society(self, s: int, e: int) -> str | None:
        ctx = self.context
        society = self._last_before(s, ("society",), lambda m: self._class(m) == "NationalSociety")
        follows, country = ctx.country_after(e)
        if follows:
            return self.lexicon.bodies.get((NATIONAL_SOCIETY, country)) if country else None
        if society and "\n" not in self.doc.text.norm[society.norm_end:s]:
            return society.entity
        country = ctx.country_before(s)
        if country:
            return self.lexicon.bodies.get((NATIONAL_SOCIETY, country))
        if society:
            return society.entity
        if ctx.document_country:
            return self.lexicon.bodies.get((NATIONAL_SOCIETY, ctx.document_country))
        return None

    def _has_head(self, key: str, word: str) -> bool:
        hit = self._head_cache.get((key, word))
        if hit is None:
            hit = self._head_cache[(key, word)] = self._has_head_uncached(key, word)
        return hit

    def _has_head_uncached(self, key: str, word: str) -> bool:
        lang = self.lang
        names = [n.text for n in self.doc.resources.names_by_entity.get(key, ()) if n.lang == lang]
        info = self.doc.entities.get(key)
        if info and info.labels.get(lang):
            names.append(info.labels[lang])
        for name in names:
            for w in tokenize(name):
                if w[0].isalnum() and self._word_is(w, word) or \
                        (w[0].isalnum() and self.morph.inflection(lang) == "suffixes"
                         and self.morph.az_inflects(self.morph.lower(lang, w), self.morph.lower(lang, word))):
                    return True
        return False

    def _anaphor(self, s: int, classes: frozenset[str], head: str) -> str | None:
        m = self._last_before(s, ("head", head), lambda m: m.kind == "organisation" and self._has_head(m.entity, head)) \
            or self._last_before(s, ("classes", classes),
                                 lambda m: m.kind == "organisation" and self._class(m) in classes)
        return m.entity if m else None

    def run(self) -> list[Mention]:
        doc = self.doc
        out: list[Mention] = []
        named = Spans([(m.norm_start, m.norm_end) for m in doc.mentions
                       if m.kind == "organisation" and m.role in _NAMED], len(doc.text.norm))
        for m in doc.mentions:
            if m.role in ("contextual", "post"):
                if named.overlaps(m.norm_start, m.norm_end):
                    continue  # "the Government Commission …": part of a name
                key = self._contextual_key(m)
                if key is None:
                    continue
                if key != m.entity:
                    m = replace(m, entity=key)
            elif m.kind == "organisation" and m.role == "name" and doc.entities[m.entity].cls == "NationalSociety":
                m = self._cite(m)
            out.append(m)
        out = self._state_bodies(out)
        # what a reference points back to: a name or acronym the finders found (mentions are
        # in text order; the references this resolves are not names, so never antecedents)
        self._named = [m for m in out if m.role in _NAMED]
        taken = Spans([(m.norm_start, m.norm_end) for m in out if m.kind in ("organisation", "place", "person")],
                      len(doc.text.norm))

        def free(s, e):
            return not taken.overlaps(s, e)

        added = []
        for s, e in self._occurrences(self.data.get("national_society", {}).get(self.lang, [])):
            if free(s, e):
                key = self._national_society(s, e)
                if key and key in doc.entities:
                    added.append(self._mention(s, e, key, "short", doc.text.norm[s:e]))
                    taken.add(s, e)
        for group in self.data.get("anaphors", []):
            classes = frozenset(group.get("classes", []))
            for phrase in group.get(self.lang, []):
                head = [w for w in tokenize(phrase) if w[0].isalnum()][-1]
                for s, e in self._occurrences([phrase]):
                    if free(s, e):
                        key = self._anaphor(s, classes, head)
                        if key:
                            added.append(self._mention(s, e, key, "short", doc.text.norm[s:e]))
                            taken.add(s, e)
        return sorted(out + added, key=lambda m: m.norm_start)

    def _state_bodies(self, mentions: list[Mention]) -> list[Mention]:
        """A state body the document introduced without its country ("the Ministry of
        Transport") is that of the country its first mention's context gives: keyed by it."""
        state = frozenset(self.doc.resources.org_heads.get("state_classes", []))
        moved: dict[str, str] = {}
        for m in mentions:
            info = self.doc.entities.local.get(m.entity)
            if info is None or info.cls not in state or info.jurisdiction or m.entity in moved:
                continue
            country = self.context.country_for(m.norm_start, m.norm_end)
            if country:
                key = f"{m.entity}-{country.split('/', 1)[1]}"
                self.doc.entities.add(replace(info, key=key, jurisdiction=country))
                moved[m.entity] = key
        return [replace(m, entity=moved[m.entity]) if m.entity in moved else m for m in mentions]

    def _cite(self, m: Mention) -> Mention:
        """A society matched by a pattern, cited in its base form (the pattern itself is no
        name in an inflecting language: "Общество Красного Полумесяца Таджикистан")."""
        if self.morph.inflection(self.lang) != "lemma":
            return m  # patterns of uninflected words and suffix chains are cited as listed
        words = [t.text for t in self.doc.text.tokens_in(m.norm_start, m.norm_end) if t.is_word]
        heads = [w for w in tokenize(m.name) if w[0].isalnum()][-1:]
        return replace(m, name=self.doc.resources.citation.name(self.lang, words, heads))


@component("coreference", needs=("mentions",), adds=("mentions",),
           after=("places", "contextual_names", "organisation_discovery", "acronyms"))
def coreference(doc) -> None:
    """Generic phrases resolved to the specific body in context (or dropped)."""
    doc.mentions = Coreference(doc).run()
