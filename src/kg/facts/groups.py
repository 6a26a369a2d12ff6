"""Population groups: who an activity is for, reaches or gathers, as the text describes them.

A group is named by the noun a figure counts ("more than 700 people", "20 officials from
organizations involved in …"), by the people after an audience phrase ("attended by cadets
and officers …, students and instructors") or after an activity ("psychological support to
affected communities"). Its kind comes from the group-kind scheme's words
(ontology/group-kinds.ttl), its sub-groups from what follows "including" / "в том числе" /
"o cümlədən". A group stays the document's own node: two documents' "families" are not one
group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..datafile import load_yaml
from ..namespaces import GK, KG
from ..text import tokenize

_CLAUSE_END = re.compile(r"[.;:!?()]|\s[-–—]\s")
MAX_WORDS = 20
HEAD_WORDS = 3  # the kind must be named by the phrase's head: within its first (last) words


@dataclass
class GroupRef:
    key: str
    label: str
    start: int  # normalised offsets of its words
    end: int
    kinds: list[str] = field(default_factory=list)  # gk: concept local names, most specific first
    figure: str | None = None  # key of the figure that counts it
    includes: list["GroupRef"] = field(default_factory=list)


@lru_cache(maxsize=2)
def _words(lexicon_dir: Path) -> dict:
    return load_yaml((Path(lexicon_dir) / "groups.yaml"))


@lru_cache(maxsize=2)
def gathers_audience(ontology_dir: Path) -> frozenset[str]:
    from ..annotate.activity_terms import activity_scheme

    return frozenset(str(c).rsplit("/", 1)[-1] for c in activity_scheme(ontology_dir).subjects(KG.gathersAudience, None))


class Groups:
    def __init__(self, doc):
        self.doc = doc
        self.norm = doc.text.norm
        self.language = doc.language
        self.morph = doc.resources.morph
        words = _words(doc.lexicon_dir)
        self.markers = {k: [str(p) for p in (v or {}).get(doc.lang, [])] for k, v in words.items()}
        self.terms = doc.resources.scheme_terms("group-kinds.ttl", str(GK)).get(doc.lang, [])

    # -- kinds ---------------------------------------------------------------------
    def kinds(self, start: int, end: int) -> list[str]:
        """The kind of people the phrase at [start, end) names by its head: a term of the
        group-kind scheme among its first words (its last, where heads come last), the
        longest such term; none when only a complement names people ("home visits at the
        funerals of missing persons" are visits)."""
        toks = [w for w in tokenize(self.norm[start:end]) if w[0].isalnum()]
        if self.language.head_final:
            window = range(max(0, len(toks) - HEAD_WORDS), len(toks))
        else:
            window = range(0, min(HEAD_WORDS, len(toks)))
        found = []
        for kind, term in self.terms:
            n = len(term)
            for i in range(len(toks) - n + 1):
                if (i in window or i + n - 1 in window) and \
                        all(self.morph.matches(self.doc.lang, term[k], toks[i + k], True) for k in range(n)):
                    if kind not in found:
                        found.append(kind)
                    break
        return found

    # -- the words of a group --------------------------------------------------------
    def phrase_end(self, start: int, limit: int) -> int:
        """Where the noun phrase starting at ``start`` ends: the clause's end, a relative
        pronoun, a time or place adjunct ("since the start of its work"), the verb its
        people are the subject of ("… benefited from"), or
        ``MAX_WORDS`` words on."""
        m = _CLAUSE_END.search(self.norm, start, limit)
        end = m.start() if m else limit
        low = self.language.lower(self.norm[start:end])
        for p in self.language.adjunct_prepositions:
            k = low.find(f" {self.language.lower(p)} ")
            if k > 0:
                end = start + k
                low = low[:k]
        for w in re.finditer(r"[^\W\d_]+", self.norm[start:end]):
            if w.start() > 0 and (self.language.lower(w.group()) in self.language.relative_pronouns
                                  or self.morph.only_verb(self.doc.lang, w.group())):
                end = start + w.start()
                break
        end = start + len(self.norm[start:end].rstrip(" ,"))
        words = list(re.finditer(r"\S+", self.norm[start:end]))
        if len(words) > MAX_WORDS:
            end = start + words[MAX_WORDS - 1].end()
        return end

    def _marker_at(self, kind: str, pos: int, limit: int) -> tuple[int, int] | None:
        """A marker word of ``kind`` ("including", "attended by") right at ``pos``."""
        text = self.norm[pos:limit].lower()
        for p in sorted(self.markers.get(kind, []), key=len, reverse=True):
            m = re.match(rf"\s*,?\s*{re.escape(p.lower())}\b\s*", text)
            if m:
                return pos + m.start(), pos + m.end()
        return None

    def make(self, start: int, end: int, figure: str | None = None, sub: bool = False) -> GroupRef | None:
        label = self.norm[start:end].strip(" ,")
        words = label.split()
        while words and self.language.lower(words[-1]) in self.language.conjunctions:
            words.pop()  # "community members and [encouraged …]"
        label = " ".join(words) if words != label.split() else label
        if not label or len(label.split()) > MAX_WORDS:
            return None
        start = self.norm.index(label, start)
        end = start + len(label)
        kinds = self.kinds(start, end)
        s0, e0 = self.doc.text.to_original(start, end)
        key = f"group/{self.doc.doc_id.lower()}-{s0}-{e0}"
        group = GroupRef(key, label, start, end, kinds, figure)
        if not sub:
            # "more than 700 people, including mine survivors, … and children repatriated …"
            around = self.doc.sentence_containing(end)
            limit = around.end if around is not None else len(self.norm)
            marker = self._marker_at("including", end, min(len(self.norm), end + 40))
            if marker is None:
                for p in self.markers.get("including", []):
                    k = label.lower().find(f" {p.lower()} ")
                    if k > 0:
                        marker = (start + k, start + k + len(p) + 2)
                        group.label = label[:k].rstrip(" ,")
                        group.end = start + len(group.label)
                        break
            if marker is not None:
                items_end = self.phrase_end(marker[1], max(limit, marker[1] + 1))
                items = [g for g in (self.make(a, b, sub=True) for a, b in self._items(marker[1], items_end))
                         if g is not None]
                # "people benefited from projects such as beekeeping …": things, not people
                group.includes = items if any(g.kinds for g in items) else []
        return group

    def _items(self, start: int, end: int) -> list[tuple[int, int]]:
        """The items of a list: "A, B and C" (commas and the language's conjunctions)."""
        conj = "|".join(re.escape(c) for c in sorted(self.language.conjunctions, key=len, reverse=True))
        rx = re.compile(r",\s+(?:(?:" + conj + r")\s+)?" + (r"|\s+(?:" + conj + r")\s+" if conj else ""), re.I)
        cuts = [start]
        for m in rx.finditer(self.norm, start, end):
            cuts += [m.start(), m.end()]
        cuts.append(end)
        return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if self.norm[cuts[i]:cuts[i + 1]].strip()]

    # -- finders ---------------------------------------------------------------------
    def of_figure(self, fig, figure_key: str) -> GroupRef | None:
        """The people a figure counts: its counted noun and what describes it after."""
        if fig.money or not fig.unit:
            return None
        unit_at = self.norm.find(fig.unit.split()[0], fig.number_end) if fig.unit else -1
        if unit_at < 0:
            lowered = self.doc.text.norm_lower
            unit_at = lowered.find(fig.unit.split()[0].lower(), fig.number_end)
        if unit_at < 0 or unit_at > fig.end + 2:
            unit_at = fig.number_end
        start = unit_at
        around = self.doc.sentence_containing(start)
        sent_end = around.end if around is not None else len(self.norm)
        if self.language.head_final:
            end = fig.end  # what describes the noun stands before the number; after it, the verb
        else:
            end = max(self.phrase_end(start, sent_end), fig.end)
        group = self.make(start, end, figure_key)
        return group if group is not None and group.kinds else None

    def after(self, kind: str, pos: int, limit: int) -> GroupRef | None:
        """The people after a marker of ``kind`` at ``pos`` ("attended by …", "support to …"),
        only when the words name a kind of people."""
        marker = self._marker_at(kind, pos, limit)
        if marker is None:
            return None
        end = self.phrase_end(marker[1], limit)
        group = self.make(marker[1], end)
        if group is None:
            return None
        if not group.kinds and not any(g.kinds for g in group.includes):
            return None
        if not group.includes:
            items = self._items(group.start, group.end)
            if len(items) > 1:  # "cadets and officers …, students and instructors": a group of groups
                group.includes = [g for g in (self.make(a, b, sub=True) for a, b in items) if g is not None]
                group.includes = [g for g in group.includes if (g.start, g.end) != (group.start, group.end)]
        return group


def cited_label(doc, label: str) -> str:
    """A group's words as a label: in the citation form where the text inflects them
    ("ailəyə" → "ailə", "беженцев" → "беженцы"), the head cut back to the kind's term."""
    words = label.split()
    heads = [term[-1] for _, term in doc.resources.scheme_terms("group-kinds.ttl", str(GK)).get(doc.lang, [])]
    cited = doc.resources.citation.name(doc.lang, words, heads)
    return cited or label


def emit_group(doc, group: GroupRef, ev=None) -> str:
    sink = doc.sink
    sink.types(group.key, "kg:PopulationGroup", evidence=[ev or doc.evidence(group.start, group.end)])
    sink.lit(group.key, "skos:prefLabel", cited_label(doc, group.label), lang=doc.lang)
    for kind in group.kinds[:1]:
        sink.ref(group.key, "kg:groupKind", f"gk:{kind}")
    if group.figure:
        sink.ref(group.key, "kg:count", group.figure)
    for sub in group.includes:
        emit_group(doc, sub)
        sink.ref(group.key, "kg:includes", sub.key)
    return group.key


def audience_kind(ontology_dir: Path, concept: str) -> bool:
    return concept in gathers_audience(ontology_dir)

