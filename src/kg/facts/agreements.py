"""Agreements stated in any words: signed, concluded, reached, ratified, or under
negotiation — their parties, when and where they were signed, and what they are about.

Each comes from an event frame (:mod:`kg.annotate.frames`): the parties are the subjects of
the verb ("X and Y signed an agreement") and the organisations it is made with ("with X",
"с X", "X ilə"); a country that signs stands for its government (metonymy). Later
mentions of "the agreement" add their passages to the agreement the document last spoke
of. Agreements the instruments lexicon already dates (kg.facts.instruments) are kept.
"""

from __future__ import annotations

import re

from ..components import component
from ..lexicon import EntityInfo
from ..namespaces import slugify
from .common import dated_agreement_key, declare_entity, label_templates

#: what a signing verb says about the agreement's state
SIGNED, PENDING = "signed", "negotiating"


def _government_of(doc, country: str) -> str:
    """The government of a country, as the lexicon or gazetteer names it (made when absent)."""
    key = f"organisation/government-of-{country.split('/', 1)[1]}"
    if key not in doc.entities:
        names = doc.entities[country].labels
        tmpl = label_templates(doc.lexicon_dir)["government"]
        labels = {lang: tmpl[lang].format(place=names[lang]) for lang in tmpl if names.get(lang)}
        doc.entities.add(EntityInfo(key, "Government", labels, jurisdiction=country, generated=True))
    return key


def _parties(doc, frame) -> dict[str, object]:
    """The frame's parties, each with the country mention standing for it (a country that
    signs stands for its government, metonymy) or None."""
    out: dict[str, object] = {}
    for m in frame.parties:
        key, country = getattr(m, "entity", None), None
        if key and m.kind == "place":
            key, country = _government_of(doc, key), m
        if key and key not in out and doc.entities.get(key) is not None:
            out[key] = country
    return out


def _in_lead(doc, sentence) -> bool:
    """The sentence is the first of the document's body, or shares its paragraph."""
    body = doc.facts.get("body_start", 0)
    first = next((s for s in doc.sentences if s.start >= body), None)
    return first is not None and sentence.paragraph == first.paragraph


@component("agreements", needs=("frames", "sentences"), after=("instruments",))
def agreements(doc) -> None:
    sink = doc.sink
    current: str | None = None
    found: dict[str, set[str]] = {}  # agreement key -> its parties
    # what the instruments lexicon read already: its sentences are not read again, and a
    # headline or a later sentence naming a dated agreement's parties speaks of that one
    stated_in: set[int] = set()
    for c in sink.claims:
        if c.subject.startswith("agreement/"):
            stated_in.update(ev.start for ev in c.evidence)
            if c.predicate == "kg:signatory":
                found.setdefault(c.subject, set()).add(c.object.key)
    for frame in doc.facts["frames"]:
        if frame.kind != "agreement" or frame.negated:
            continue
        ev = doc.sentence_evidence(frame.sentence)
        if ev.start in stated_in:
            continue  # an agreement the instruments lexicon already read from this sentence
        named = _parties(doc, frame)
        parties = set(named)
        if frame.pending and doc.focal_org and not parties:
            parties = {doc.focal_org}
        if frame.pending and (self_ := doc.focal_org):
            parties.add(self_)
            other = [m.entity for m in doc.mentions if m.kind == "organisation" and m.norm_end <= frame.start
                     and m.entity != self_ and doc.entities.get(m.entity) is not None]
            if other and re.search(r"\b(them|их|onlarla)\b", doc.text.norm[frame.clause[0]:frame.clause[1]], re.I):
                parties.add(other[-1])  # "in negotiations with them": the body spoken of before
        key = next((k for k, ps in found.items() if parties and (parties <= ps or ps <= parties)), None)
        if key is None and not parties:
            key = current  # "the agreement", "данное соглашение": the one spoken of last
        if key is None:
            if not parties:
                continue
            days = [t for t in frame.times if t.value and t.kind == "instant"]
            # with no date, nothing says that another document's agreement of these parties is
            # this one (the document may name only one of them): it is the document's own
            if days:
                key = dated_agreement_key(doc, days[0].value, parties)
            else:
                who = "-".join(sorted(p.split("/", 1)[1] for p in parties))
                key = f"agreement/{slugify(who, 12)}-{slugify(doc.doc_id, 12)}"
        found.setdefault(key, set()).update(parties)
        current = key
        sink.types(key, "kg:LegalInstrument", "kg:Agreement", evidence=[ev])
        for p in sorted(parties):
            sink.ref(key, "kg:party", p)
        for p, country in named.items():
            if country is not None:  # (a government the document may never name: typed by its country's name)
                declare_entity(doc, p, [doc.evidence(country.norm_start, country.norm_end)])
        if frame.pending:
            sink.lit(key, "kg:status", PENDING)
        elif not frame.noun:
            sink.lit(key, "kg:status", SIGNED)
            when = next((t for t in frame.times if t.kind == "instant" and t.value), None)
            if when is not None:
                sink.ref(key, "kg:signedOn", sink.instant(when.value, when.surface))
            elif _in_lead(doc, frame.sentence) and len(doc.facts.get("reference_date") or "") == 10:
                # news of a signing in its lead, with no date of its own: it happened on the day
                # the news is dated ("АСТАНА, 14 ноя - РИА Новости … подписали соглашение")
                sink.ref(key, "kg:signedOn", sink.instant(doc.facts["reference_date"]))
            if frame.places:  # signed in one place: the one named nearest the verb
                where = min(frame.places, key=lambda m: min(abs(m.norm_start - frame.end), abs(frame.start - m.norm_end)))
                sink.ref(key, "kg:signedIn", where.entity)
        names = [doc.entities[p].labels.get("en") or p.split("/", 1)[1] for p in sorted(found[key])]
        if names:
            sink.labels(key, {"en": "Agreement between " + " and ".join(names)})
