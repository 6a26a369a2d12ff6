"""Handovers: an organisation hands an activity or a thing (information, equipment, the
remaining activities) to another, possibly on a condition."""

from __future__ import annotations

import re
from bisect import bisect_left

from ..annotate.activity_terms import ActivityHit, HitsByStart
from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView
from ..claims import ClaimSink
from ..components import component
from ..namespaces import slugify
from .activities import concept_labels, emit_activity, sentence_place
from ..annotate.frames import load_events
from .offices import emit_office, resolve_office
from .common import clause_after, condition_start, declare_entity, label_templates, short_name

def extract_handovers(ctx: DocContext, sink: ClaimSink, hits: list[ActivityHit], by_span: dict, ontology_dir) -> None:
    labels = concept_labels(ontology_dir)
    by_start = HitsByStart(hits)
    previous: SentenceView | None = None
    for sent in ctx.sentences:
        if sent.is_question or not sent.has("handover"):
            previous = sent
            continue
        trig = sent.hits("handover")[0]
        giver = ctx.focal_org
        receivers = [m for m in sent.orgs if m.entity != giver]
        if not giver or not receivers:
            previous = sent
            continue
        receiver = min(receivers, key=lambda m: abs(m.norm_start - trig.start)).entity
        ev = ctx.sentence_evidence(sent)
        acts = [h for h in by_start.between((sent.start, sent.end))
                if not any(m.norm_start <= h.start < m.norm_end for m in sent.orgs)]
        if not acts and previous is not None:
            # "The authorities have taken over this task": the task named just before
            acts = by_start.between((previous.start, previous.end))
            acts = acts[-1:]
        condition = None
        cond_start = None
        if sent.has("condition"):
            c = sent.hits("condition")[0]
            cond_start = condition_start(ctx, sent, c.start)
            if cond_start < c.start:  # "onların ailələrinin razılığı əsasında": the condition's words precede
                condition = ctx.text.norm[cond_start:c.end]
            else:
                condition = clause_after(ctx, sent, c.start)
        tmpl = label_templates(ctx.lexicon_dir)["handover"]
        such = _such_as_item(ctx, sent, acts, receivers, trig)
        if such:
            item, begin, end = such
            _emit_item_handover(ctx, sink, sent, begin, end, item, giver, receiver, ev, tmpl, condition)
        if acts:
            for h in acts:
                place = sentence_place(ctx, sent, h.start) or ctx.focal_country
                if not place and (h.start, h.end) not in by_span:
                    continue  # an activity needs its place (as in kg.facts.cooperation): none is named
                activity = by_span.get((h.start, h.end)) or emit_activity(ctx, sink, giver, h.type, place, ev, labels)
                key = f"handover/{giver.split('/', 1)[1]}-{h.type}-to-{receiver.split('/', 1)[1]}"
                _emit_handover(ctx, sink, key, giver, receiver, ev, tmpl,
                               {l: labels.get((h.type, l), h.type) for l in tmpl}, condition)
                sink.ref(key, "kg:handedOverActivity", activity)
        else:
            # something other than an activity changes hands: "information collected about the missing"
            end = min([m.norm_start for m in receivers if m.norm_start > sent.start] + [trig.start]
                      + ([cond_start] if cond_start is not None else []))
            item = ctx.text.norm[sent.start:end].strip(" ,")
            item = re.sub(r"\b(was|were|has been|have been|had been)\s*$", "", item).strip(" ,")
            if not item or any(m.norm_start == sent.start for m in receivers):
                # the receiver is the subject ("The authorities have taken over this task")
                previous = sent
                continue
            _emit_item_handover(ctx, sink, sent, sent.start, end, item, giver, receiver, ev, tmpl, condition)
        previous = sent


ITEM_KINDS = ("item_information", "item_activities")


def item_key(ctx: DocContext, sent: SentenceView, start: int, end: int, item: str) -> str:
    """A language-independent name for an item handed over: the kind of thing it is when the
    trigger lexicon knows it, else the item's own words."""
    for kind in ITEM_KINDS:
        if any(start <= h.start < end for h in sent.hits(kind)):
            return kind.split("_", 1)[1]
    return slugify(item, 6)


def _such_as_item(ctx: DocContext, sent: SentenceView, acts, receivers, trig) -> str | None:
    """The general thing handed over when a sentence gives an example: "All other remaining
    activities, such as support to families, …" / "… dəstək kimi digər qalan fəaliyyətlərimiz"."""
    hits = sent.hits("such_as")
    if not hits or not acts:
        return None
    s = hits[0]
    if acts[0].start < s.start:  # the example comes first: the item follows the marker
        begin = s.end
        end = min([m.norm_start for m in receivers if m.norm_start > s.end] + [trig.start])
    else:
        begin, end = sent.start, s.start
    item = ctx.text.norm[begin:end].strip(" ,")
    return (item, begin, end) if len(item.split()) >= 2 else None


def _emit_item_handover(ctx, sink, sent, begin, end, item, giver, receiver, ev, tmpl, condition) -> None:
    kind = item_key(ctx, sent, begin, end, item)
    key = f"handover/{giver.split('/', 1)[1]}-{kind}-to-{receiver.split('/', 1)[1]}"
    names = label_templates(ctx.lexicon_dir).get("handover_items", {}).get(kind)
    # a known kind of item is labelled in every language; otherwise in the document's own
    what = names if names else {ctx.lang: item}
    _emit_handover(ctx, sink, key, giver, receiver, ev, {l: tmpl[l] for l in what}, what, condition)
    sink.lit(key, "kg:handedOverItem", item)
    return key


def _emit_handover(ctx, sink, key, giver, receiver, ev, tmpl, what: dict, condition) -> None:
    sink.types(key, "kg:Handover", "kg:Event", evidence=[ev])
    sink.ref(key, "kg:giver", giver)
    sink.ref(key, "kg:receiver", receiver)
    sink.labels(key, {l: tmpl[l].format(what=what[l], giver=short_name(ctx, giver, l),
                                        receiver=short_name(ctx, receiver, l)) for l in tmpl})
    if condition:
        sink.lit(key, "kg:condition", condition)


def frame_handovers(doc, done: set[int]) -> None:
    """Handovers stated in other words ("gave ANAMA 500 signs", "handing over one province
    each year", "təhvil vermişik", "передал"): the giver is the frame's agent, the receiver
    the organisation in the dative (or, for "share", the one shared with); nationalising a
    programme hands it to the state of the country. What changes hands is the activity
    named in the clause, else the words of its object."""
    spec = load_events(doc.lexicon_dir / "events.yaml").get("handover", {})
    to_state = [tuple(t.split()) for t in (spec.get("to_state") or {}).get(doc.lang, [])]
    tmpl = label_templates(doc.lexicon_dir)["handover"]
    labels = concept_labels(doc.ontology_dir)
    by_span = doc.facts["activities_by_span"]
    stated: dict[tuple[str, str], str] = {}  # (giver, receiver) -> the handover of a thing already stated
    by_start = HitsByStart(doc.activity_hits)
    for frame in doc.facts["frames"]:
        if frame.kind != "handover" or frame.hedged or frame.negated or frame.sentence.start in done:
            continue
        giver = getattr(frame.agent, "entity", None)
        receiver = getattr(frame.recipient, "entity", None)
        clause = doc.text.norm[frame.clause[0]:frame.clause[1]].lower()
        implied = next((t for t in to_state if all(w in clause for w in t)), None)
        if receiver is None and doc.focal_country and implied:
            receiver = _government(doc, doc.focal_country)  # nationalisation: to the state
            if receiver:  # the word that implies the state is its passage
                at = frame.clause[0] + clause.index(implied[0])
                word = re.match(r"[^\W\d_]+", doc.text.norm[at:])
                declare_entity(doc, receiver, [doc.evidence(at, at + (word.end() if word else len(implied[0])))])
        if not giver or not receiver or receiver not in doc.entities or giver not in doc.entities:
            continue
        unit = None
        if giver == receiver:
            # within one organisation: its unit named as the one taking over ("UNHCR's regional
            # office in Bangkok will now take on the job")
            unit = _receiving_unit(doc, frame, receiver)
            if unit is None:
                continue
        begin, end = _object_span(doc, frame)
        if _light_verb(doc, frame, begin, end, spec):
            continue  # "məlumat verilib": it was reported, nothing changed hands
        ev = doc.sentence_evidence(frame.sentence)
        # the activity handed over is the one its object names (not one a purpose clause names)
        acts = by_start.between((begin, max(end, begin + 1)),
                                *([] if doc.language.verb_final else [frame.clause]))
        if unit is not None:
            emit_office(doc, doc.sink, unit, doc.sentence_evidence(frame.sentence))
        if acts:
            for h in acts:
                activity = by_span.get((h.start, h.end))
                key = f"handover/{giver.split('/', 1)[1]}-{h.type}-to-{receiver.split('/', 1)[1]}"
                _emit_handover(doc, doc.sink, key, giver, receiver, ev, tmpl,
                               {l: labels.get((h.type, l), h.type) for l in tmpl}, None)
                if activity:
                    doc.sink.ref(key, "kg:handedOverActivity", activity)
                if unit is not None:  # an activity, too, may be taken over by a unit of the giver
                    doc.sink.ref(key, "kg:receivingUnit", unit.key)
            continue
        if (giver, receiver) in stated:
            # the headline and the story state one handover: one node, each passage its evidence
            doc.sink.types(stated[(giver, receiver)], "kg:Handover", evidence=[ev])
            continue
        item = doc.text.norm[begin:end].strip(" ,.;:") if end > begin else ""
        if not item:
            item = frame.surface
        stated[(giver, receiver)] = _emit_item_handover(doc, doc.sink, frame.sentence, begin, max(end, begin), item,
                                                        giver, receiver, ev, tmpl, None)
        if unit is not None:
            doc.sink.ref(stated[(giver, receiver)], "kg:receivingUnit", unit.key)


def _receiving_unit(doc, frame, org: str):
    """The unit of ``org`` named in the frame's clause as the one that takes over."""
    for hit in frame.units:
        refs = [r for r in resolve_office(doc, frame.sentence, hit) if r.org == org]
        if refs:
            return refs[0]
    return None


def _light_verb(doc, frame, begin: int, end: int, spec: dict) -> bool:
    """A verb of giving whose object is an abstract noun right before (or after) it makes
    one verb with it ("məlumat vermək": to inform), not a handover."""
    nouns = [str(n) for n in (spec.get("light_verb_nouns") or {}).get(doc.lang, [])]
    if not nouns:
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", doc.text.norm[begin:end])]
    near = words[-1:] if doc.language.verb_final else words[:2]
    morph = doc.resources.morph
    return any(morph.matches(doc.lang, n, w, True) for n in nouns for w in near)


def _government(doc, country: str) -> str | None:
    key = f"organisation/government-of-{country.split('/', 1)[1]}"
    return key if key in doc.entities else None


def _object_span(doc, frame) -> tuple[int, int]:
    """Where the thing handed over is named: between the receiver and the verb when the verb
    ends the clause, else from the verb to the receiver or the clause's end."""
    names = [m for m in (frame.agent, frame.recipient) if m is not None and getattr(m, "norm_start", -1) >= 0]
    if doc.language.verb_final:
        begin = max([m.norm_end for m in names if m.norm_end <= frame.start] + [frame.clause[0]])
        # past the rest of the name's word: its case ending ("ANAMA-ya", "Komissiyasına")
        begin = re.match(r"[-'’]?[^\W\d_]*", doc.text.norm[begin:]).end() + begin
        end = frame.start
        # the object stands right before the verb, after any adjunct its postposition closes
        for w in re.finditer(r"[^\W\d_]+", doc.text.norm[begin:end]):
            if doc.language.lower(w.group()) in doc.language.adjunct_postpositions:
                begin = begin + w.end()
    else:
        begin = frame.end
        after = [m.norm_start for m in names if m.norm_start >= frame.end]
        end = min(after + [frame.clause[1]])
    # no time expression or figure-free determiner at the edges
    for t in frame.times:
        if begin <= t.start < end:
            if t.start - begin < end - t.end:
                begin = max(begin, t.end)
            else:
                end = min(end, t.start)
    words = doc.text.norm[begin:end].split()
    if len(words) > 14:
        end = begin + len(" ".join(words[:14]))
    return begin, end


@component("handovers", needs=("sentences", "activity_hits", "activities_by_span", "frames"))
def handovers(doc) -> None:
    extract_handovers(doc, doc.sink, doc.activity_hits, doc.facts["activities_by_span"], doc.ontology_dir)
    # sentences the trigger-word reading above already took: the frames read the others
    stated = sorted({ev.start for c in doc.sink.claims if c.subject.startswith("handover/") for ev in c.evidence})
    done = set()
    for sent in doc.sentences:
        a, b = doc.text.to_original(sent.start, sent.end)
        k = bisect_left(stated, a)
        if k < len(stated) and stated[k] < b:
            done.add(sent.start)
    frame_handovers(doc, done)
