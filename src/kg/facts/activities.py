"""Activities: what an organisation did, typed by the SKOS activity scheme, where, when,
and how many people it reached.

Activity types and the words that signal them come from ontology/activity-types.ttl
(skos:prefLabel, skos:altLabel and kg:triggerTerm in en/ru/az).
"""

from __future__ import annotations

from ..annotate.activity_terms import ActivityHit, concept_labels
from ..annotate.doc import Doc as DocContext
from ..annotate.sentences import SentenceView
from ..claims import ClaimSink
from ..components import component
from ..namespaces import slugify
from .common import label_templates, place_name, short_name
from .dates import time_node
from ..annotate.grammar import clause_of, in_place_slot, mention_case
from .groups import GroupRef, Groups, audience_kind, emit_group
from .offices import owner_of, period_key

WORLDWIDE = "worldwide"  # place of a statement about the whole world: no kg:inPlace

# Verbs that link a number of people to what they received ("benefited from", "received").
BENEFIT_KIND = "benefit"


def activity_key(org: str, concept: str, place: str, tail: str | None = None) -> str:
    key = f"activity/{org.split('/', 1)[1]}-{concept}-{place.split('/', 1)[-1]}"
    return f"{key}-{tail}" if tail else key


def emit_activity(ctx: DocContext, sink: ClaimSink, org: str, concept: str, place: str, ev, concept_labels,
                  tail: str | None = None) -> str:
    key = activity_key(org, concept, place, tail)
    sink.types(key, "kg:Activity", evidence=[ev])
    sink.ref(key, "kg:activityType", f"at:{concept}")
    sink.ref(key, "kg:performedBy", org)
    if place != WORLDWIDE:
        sink.ref(key, "kg:inPlace", place)
    tmpl = label_templates(ctx.lexicon_dir)["activity"]
    where = label_templates(ctx.lexicon_dir).get("worldwide_label", {})
    sink.labels(key, {
        lang: tmpl[lang].format(org=short_name(ctx, org, lang), type=concept_labels.get((concept, lang), concept),
                                place=where.get(lang, place) if place == WORLDWIDE
                                else place_name(ctx, place, lang))
        for lang in tmpl
    })
    return key


def activity_place(ctx: DocContext, m) -> str:
    """The place work named at a mention is recorded in."""
    info = ctx.entities[m.entity]
    # work "in Baku" is the programme for the document's country; other towns, and
    # capitals of other countries ("delegates based in Erevan"), stay as named
    if info.cls == "Settlement" and info.capital and info.part_of == ctx.focal_country:
        return info.part_of
    return m.entity


def sentence_place(ctx: DocContext, sent: SentenceView, pos: int) -> str | None:
    """Where a statement holds: a place it names, not as an origin ("refugees from
    Afghanistan", "из Афганистана", "Əfqanıstandan": the ablative); else the country whose body it names
    ("the Interagency Commission … in Armenia"); else the last place named earlier in the
    same paragraph ("Our work in Armenia … Currently, we are providing …"); else the
    document's country."""
    return sentence_places(ctx, sent, pos)[0]


def is_work_place(ctx: DocContext, sent: SentenceView, m) -> bool:
    """A place work is located in: a country, a settlement, or a country's subdivision (a
    region the gazetteer puts in a country: a department, province, oblast, marz) when the
    sentence says the work is there ("in the departments of La Guajira, Magdalena …"), not
    when the region only qualifies a noun ("the Nagorny Karabakh conflict"). A region above
    countries ("the Southern Caucasus") is only a setting (see sentence_places)."""
    info = ctx.entities[m.entity]
    if info.cls in ("Country", "Settlement"):
        return True
    return info.cls == "Region" and info.part_of is not None and in_place_slot(ctx, m, sent.places)


def sentence_places(ctx: DocContext, sent: SentenceView, pos: int) -> list[str | None]:
    """Like sentence_place, but every place of a list ("in Erevan and Khankendi")."""
    places = [m for m in sent.places if is_work_place(ctx, sent, m) and mention_case(ctx, m) != "ablative"]
    if places:
        nearest = min(places, key=lambda m: abs(m.norm_start - pos))
        listed = [nearest]
        for m in sorted(places, key=lambda m: m.norm_start):
            if m.norm_start > listed[-1].norm_end and ctx.language.joins_list(ctx.text.norm[listed[-1].norm_end:m.norm_start]):
                listed.append(m)
        for m in sorted(places, key=lambda m: -m.norm_start):
            if m.norm_end < listed[0].norm_start and ctx.language.joins_list(ctx.text.norm[m.norm_end:listed[0].norm_start]):
                listed.insert(0, m)
        return [activity_place(ctx, m) for m in listed]
    for m in sent.orgs:
        jur = ctx.entities[m.entity].jurisdiction
        # a country named for its state ("the USA's aid agency") acts; it is not the setting
        if m.entity != ctx.focal_org and jur and m.role != "metonymy":
            return [jur]
    # a region the statement happens in ("in the Southern Caucasus"), not one people came from
    unit_in = label_templates(ctx.lexicon_dir).get("unit_in", {}).get(ctx.lang, [])
    regions = [m for m in sent.places if ctx.entities[m.entity].cls == "Region"
               and any(w in unit_in for w in ctx.text.norm[max(0, m.norm_start - 12):m.norm_start].lower().split()[-2:])]
    if regions:
        return [min(regions, key=lambda m: abs(m.norm_start - pos)).entity]
    if sent.has("worldwide"):
        return [WORLDWIDE]
    return [_paragraph_place(ctx, sent)]


def _paragraph_place(ctx: DocContext, sent: SentenceView) -> str | None:
    """The last place an earlier sentence of the paragraph puts its statement in; not one
    named in a cause ("opened its office in Uzbekistan in 1993 because of the war in
    Tajikistan and northern Afghanistan": the work is in Uzbekistan)."""
    earlier = [m for s in ctx.paragraph_sentences(sent.paragraph) if s.end <= sent.start
               for m in s.places if ctx.entities[m.entity].cls in ("Country", "Settlement")
               and mention_case(ctx, m) != "ablative" and not _in_cause(ctx, s, m)]
    if earlier:
        return activity_place(ctx, earlier[-1])
    return ctx.focal_country


def _in_cause(ctx: DocContext, sent: SentenceView, m) -> bool:
    """The name is in the cause its clause gives ("due to the war in X", "в связи с войной в X")."""
    a, b = clause_of(ctx, sent, m.norm_start)
    return any(a <= r.start and r.end <= m.norm_start for r in sent.hits("reason"))


def _continues(ctx: DocContext, sent: SentenceView) -> bool:
    """The sentence, or an earlier one of its paragraph, says the work goes on."""
    return any(s.has("continuation") for s in ctx.paragraph_sentences(sent.paragraph) if s.start <= sent.start)


def report_period(ctx: DocContext):
    """A document that reports on a period says so near its start ("… for the first half of
    2024"): that interval's time expression, or None."""
    for sent in ctx.sentences[:3]:
        for t in sent.times:
            if t.kind == "interval" and t.begin and t.end_value:
                return t
    return None


def extract_activities(ctx: DocContext, sink: ClaimSink, hits: list[ActivityHit]) -> dict[tuple[int, int], str]:
    """Activity entities; returns {hit span: activity key} for the other extractors."""
    labels = concept_labels(ctx.ontology_dir)
    by_span: dict[tuple[int, int], str] = {}
    # periods this document dates (an office's presence: "since 1992", "closed in September 2025")
    dated_periods = {c.subject for c in sink.claims
                     if c.predicate in ("time:hasBeginning", "time:hasEnd", "kg:endBound")}
    period = report_period(ctx)
    # each sentence's hits (in the order given), found by position rather than by a scan of
    # every hit per sentence
    hits_of: dict[int, list[ActivityHit]] = {}
    for h in hits:
        around = ctx.sentence_containing(h.start)
        if around is not None:
            hits_of.setdefault(around.start, []).append(h)
    body_start = ctx.facts.get("body_start", 0)
    body_values = {f.value for f in ctx.figures if f.start >= body_start}
    offices_of: dict[int, list] = {}  # each sentence's office phrases, likewise
    for ref in ctx.facts.get("office_mentions", []):
        around = ctx.sentence_containing(ref.span[0])
        if around is not None:
            offices_of.setdefault(around.start, []).append(ref)
    for sent in ctx.sentences:
        if sent.is_question:
            continue
        in_sent = hits_of.get(sent.start, [])
        if not in_sent:
            extract_figures_of(ctx, sink, sent, [], by_span, period, body_values)
            continue
        ev = ctx.sentence_evidence(sent)
        audiences = _audiences(ctx, sent, in_sent)
        starts = [t for t in sent.times if t.kind == "start" and t.value]
        benefit = sent.hits(BENEFIT_KIND)
        verb_final = ctx.language.verb_final
        # in a handover sentence the activity is the giver's, unless another body is its subject
        subject = [m for m in sent.orgs if m.norm_start - sent.start <= 4] if sent.has("handover") else []
        runners = _running_offices(ctx, sent, offices_of.get(sent.start, []))
        for h in in_sent:
            # "20 officials from organizations involved in the exhumation … benefited from
            # training": words between a figure and its benefit verb describe who benefited
            if not verb_final and any(f.end <= h.start and b.start >= h.end for f in sent.figures for b in benefit):
                continue
            if _topic_of_talk(ctx, sent, h) or _general_rule(ctx, sent, h) or _what_was_lost(ctx, sent, h):
                continue
            if sent.has("handover"):
                org = subject[0].entity if subject else ctx.focal_org
            else:
                org = owner_of(ctx, sent, h.start)
            places = [p for p in sentence_places(ctx, sent, h.start) if p is not None]
            if org is None or not places:
                continue
            audience = audiences.get((h.start, h.end)) if audience_kind(ctx.ontology_dir, h.type) else None
            # two trainings with different audiences are two activities
            tail = f"for-{slugify(audience.label, 3)}" if audience is not None else None
            for place in places:
                key = emit_activity(ctx, sink, org, h.type, place, ev, labels, tail)
                if audience is not None:
                    sink.ref(key, "kg:audience", emit_group(ctx, audience))
                if place not in (ctx.focal_country, WORLDWIDE) and _continues(ctx, sent):
                    # "Our work in Armenia … will continue": work that goes on elsewhere
                    sink.ref(key, "kg:continuesIn", place)
            # "Our office in Baku continues to focus on locating persons missing …": the office
            # runs the work in its own place ("delegates based in Erevan and Khankendi also visit …")
            for place in places:
                for runner in runners:
                    if runner.org == org and h.start >= runner.span[1] and place in (runner.place, runner.settlement):
                        sink.ref(activity_key(org, h.type, place, tail), "kg:runBy", runner.key)
            # the first place's activity stands for the hit (figures and periods attach to it)
            place = places[0]
            key = by_span[(h.start, h.end)] = activity_key(org, h.type, place, tail)
            if starts:
                pk = "period/" + key.replace("/", "-")
                sink.types(pk, "kg:Period", "time:ProperInterval", evidence=[ctx.evidence(starts[0].start, starts[0].end)])
                sink.ref(key, "kg:activeDuring", pk)
                sink.ref(pk, "time:hasBeginning", sink.instant(starts[0].value, starts[0].surface))
            elif period:
                # the period the document reports on ("first half of 2024"): the date's own node
                sink.ref(key, "kg:activeDuring", time_node(sink, period))
            presence = period_key(f"office/{org.split('/', 1)[1]}-{place.split('/', 1)[-1]}")
            if place == ctx.focal_country and org == ctx.focal_org and presence in dated_periods:
                # the organisation's work in the country runs over its presence there
                sink.ref(key, "kg:activeDuring", presence)
        extract_figures_of(ctx, sink, sent, in_sent, by_span, period, body_values)
    return by_span


# At most this many words before an office phrase that is its sentence's subject ("Our office
# in Baku …", "The delegation of the ICRC in Azerbaijan …", "• ICRC delegates based in …")
_SUBJECT_LEAD_WORDS = 2


def _running_offices(ctx: DocContext, sent: SentenceView, offices: list) -> list:
    """The offices the sentence is about when it opens with them (of ``offices``, the
    office phrases in it): what the sentence says they do, they run."""
    out = []
    lead_words = _SUBJECT_LEAD_WORDS + (1 if ctx.language.verb_final else 0)
    for ref in offices:
        if sent.start <= ref.span[0] < sent.end:
            lead = [w for w in ctx.text.norm[sent.start:ref.span[0]].split() if any(c.isalnum() for c in w)]
            if len(lead) <= lead_words:
                out.append(ref)
    return out


def _topic_of_talk(ctx: DocContext, sent: SentenceView, h: ActivityHit) -> bool:
    """The words are the topic of a talk in their clause ("engage with the authorities
    regarding the future of our work in relation to conflict-related detainees"): the talk
    is about them, it is not the work they name. A talk itself (dialogue) is not excluded."""
    a, b = clause_of(ctx, sent, h.start)
    talks = [t for t in sent.hits("communication") if a <= t.start < b and not (h.start <= t.start < h.end)]
    topics = [t for t in sent.hits("topic") if a <= t.start < b]
    if not talks or not topics:
        return False
    if ctx.language.verb_final:  # "… şəxslərlə bağlı … dialoqumuzu": topic, postposition, then the talk
        return any(h.end <= t.start and any(t.end <= c.start for c in talks) for t in topics)
    return any(c.end <= t.start <= h.start for t in topics for c in talks)


# At most this many words between a verb of losing and the activity term it governs
# ("lost their livelihoods", "lost access to basic assistance")
_LOSS_GAP_WORDS = 3


def _what_was_lost(ctx: DocContext, sent: SentenceView, h: ActivityHit) -> bool:
    """The term is what people lost ("staff that have lost their livelihoods"), the object
    of a verb of losing in its clause: something they had, not work done for them. Where
    the verb closes the clause (Azerbaijani), the term comes before it."""
    a, b = clause_of(ctx, sent, h.start)
    for r in sent.hits("loss"):
        if not a <= r.start < b:
            continue
        lo, hi = (h.end, r.start) if ctx.language.verb_final else (r.end, h.start)
        if lo <= hi and len(ctx.text.norm[lo:hi].split()) <= _LOSS_GAP_WORDS:
            return True
    return False


def _general_rule(ctx: DocContext, sent: SentenceView, h: ActivityHit) -> bool:
    """The clause speaks of any country ("Our ability to visit persons detained in any
    country is always subject to …"): a rule the organisation follows, not work done."""
    a, b = clause_of(ctx, sent, h.start)
    return any(a <= t.start < b for t in sent.hits("generic_place"))


def _linked_activity(ctx: DocContext, sent: SentenceView, by_span: dict):
    """A sentence that opens by linking back ("To this end the ICRC has made interventions …
    regarding several thousand persons", "In particular, …") counts for the activity of the
    last sentence before it in its paragraph that names one: (its hit, its key), or None."""
    opening = ctx.language.lower(ctx.text.norm[sent.start:sent.start + 40]).lstrip(" •-–")
    if not any(opening.startswith(ctx.language.lower(l)) for l in ctx.language.discourse_links):
        return None
    earlier = [(span, key) for span, key in by_span.items() if span[0] < sent.start
               and (s := ctx.sentence_containing(span[0])) is not None and s.paragraph == sent.paragraph]
    if not earlier:
        return None
    span, key = max(earlier, key=lambda item: item[0][0])
    hit = next(h for h in ctx.activity_hits if (h.start, h.end) == span)
    return hit, key


def extract_figures_of(ctx: DocContext, sink: ClaimSink, sent: SentenceView, in_sent: list[ActivityHit],
                       by_span: dict, period, body_values: set) -> None:
    """Attach each figure to the activity it counts: the activity named after a benefit verb
    ("benefited from training"), else the one named nearest the figure within its own part
    of the sentence (coordinated clauses and list items: "traced over 2,000 children,
    reunited 750 families and handled 433,000 messages" gives each figure its own verb's
    activity or none). Money is never people reached. ``body_values``: the values of the
    figures of the document's body (a headline's figure that restates one is no other)."""
    benefit = sent.hits(BENEFIT_KIND)
    segments = sentence_segments(ctx, sent)
    groups = Groups(ctx)
    body_start = ctx.facts.get("body_start", 0)
    for fig in sent.figures:
        if fig.start < body_start and fig.value in body_values:
            continue  # a headline restating a figure of the story is not another figure
        known = [h for h in in_sent if (h.start, h.end) in by_span]
        # "20 officials … benefited from training": the activity named after the benefit verb
        after_benefit = [h for h in known for b in benefit if h.start >= b.end and b.start > fig.end]
        seg = next(((a, b) for a, b in segments if a <= fig.start < b), (sent.start, sent.end))
        candidates = [h for h in known if seg[0] <= h.start < seg[1]]
        if not candidates and any(seg[0] <= r.start < fig.start for r in sent.hits("reach")):
            # ", reaching more than 2,000 people": the activity of the clause before
            candidates = [h for h in known if h.start < seg[0]][-1:]
        people = [f for f in sent.figures if not f.money]
        if not candidates and len({by_span[(h.start, h.end)] for h in known}) == 1 and people == [fig]:
            # one count and one activity in a sentence: "the names of 2,300 persons … were
            # submitted …, with a request to provide information on the fate of these persons"
            candidates = known[:1]
        linked = None if fig.money or after_benefit or candidates else _linked_activity(ctx, sent, by_span)
        if fig.money or not (after_benefit or candidates or linked):
            # (named by where it stands in the file, as a passage is: the same in a section)
            key = f"figure/{ctx.doc_id.lower()}-{ctx.text.to_original(fig.start, fig.end)[0]}"
            _emit_figure(ctx, sink, fig, key, None, period)
            if not fig.money and any(fig.end <= r.start < seg[1] for r in sent.hits("loss")):
                # "thousands of experienced Afghan staff that have lost their livelihoods": no
                # work reached them; the figure counts the people who lost it
                group = groups.of_figure(fig, key)
                if group is not None:
                    emit_group(ctx, group)
            continue
        if linked:
            target, activity = linked
        else:
            if after_benefit and not any(h.start <= fig.end + 1 and h.end >= fig.number_end for h in candidates):
                target = min(after_benefit, key=lambda h: h.start)
            else:
                target = min(candidates, key=lambda h: min(abs(h.start - fig.end), abs(fig.start - h.end)))
            activity = by_span[(target.start, target.end)]
        value = "unknown" if fig.value is None else str(fig.value).replace(".", "_")
        key = f"figure/{activity.split('/', 1)[1]}-{value}-{slugify(fig.unit or 'count', 4)}"
        _emit_figure(ctx, sink, fig, key, activity, period)
        # a date in the figure's own part of the sentence dates the count ("in June 1997 the
        # names of 2,300 persons … were submitted")
        for t in sent.times:
            if seg[0] <= t.start < seg[1] and t.kind == "instant" and t.value:
                sink.ref(key, "kg:atTime", time_node(sink, t))
        # the people it counts: the activity's audience (a training's) or its beneficiaries
        group = groups.of_figure(fig, key)
        if group is not None:
            role = "kg:audience" if audience_kind(ctx.ontology_dir, target.type) else "kg:beneficiaryGroup"
            same = _same_group(audiences_of(ctx, sent), group) if role == "kg:audience" else None
            if same is not None:
                # the audience the activity was keyed by, emitted with it: the figure counts it
                sink.ref(same.key, "kg:count", key)
                continue
            sink.ref(activity, role, emit_group(ctx, group))


def _audiences(ctx: DocContext, sent: SentenceView, in_sent: list[ActivityHit]) -> dict[tuple[int, int], GroupRef]:
    """The people each activity that gathers an audience gathers: those "attended by" it in
    its clause, else those a figure of its sentence counts that the activity is the target of."""
    groups = Groups(ctx)
    out: dict[tuple[int, int], GroupRef] = {}
    for h in in_sent:
        if not audience_kind(ctx.ontology_dir, h.type):
            continue
        a, b = clause_of(ctx, sent, h.start)
        for pos in range(h.end, min(b, h.end + 80)):
            if ctx.text.norm[pos - 1:pos] in (" ", ",") or pos == h.end:
                g = groups.after("audience", pos, b)
                if g is not None:
                    out[(h.start, h.end)] = g
                    break
    for fig, target in figure_targets(ctx, sent, in_sent):
        if audience_kind(ctx.ontology_dir, target.type) and (target.start, target.end) not in out:
            g = groups.of_figure(fig, "")
            if g is not None:
                g.figure = None  # keyed by the activity; the figure links itself when emitted
                out[(target.start, target.end)] = g
    ctx.facts.setdefault("audiences", {}).setdefault(sent.start, {}).update(out)  # by sentence, then span
    return out


def audiences_of(ctx: DocContext, sent: SentenceView) -> list[GroupRef]:
    return list(ctx.facts.get("audiences", {}).get(sent.start, {}).values())


def _same_group(groups: list[GroupRef], group: GroupRef) -> GroupRef | None:
    return next((g for g in groups if g.start == group.start), None)


def figure_targets(ctx: DocContext, sent: SentenceView, in_sent: list[ActivityHit]):
    """(figure, activity hit) for each figure of the sentence that counts an activity of it,
    by the rules of :func:`extract_figures_of` (without emitting anything)."""
    benefit = sent.hits(BENEFIT_KIND)
    segments = sentence_segments(ctx, sent)
    out = []
    for fig in sent.figures:
        after_benefit = [h for h in in_sent for b in benefit if h.start >= b.end and b.start > fig.end]
        seg = next(((a, b) for a, b in segments if a <= fig.start < b), (sent.start, sent.end))
        candidates = [h for h in in_sent if seg[0] <= h.start < seg[1]]
        if not candidates and any(seg[0] <= r.start < fig.start for r in sent.hits("reach")):
            candidates = [h for h in in_sent if h.start < seg[0]][-1:]
        if fig.money or not (after_benefit or candidates):
            continue
        if after_benefit and not any(h.start <= fig.end + 1 and h.end >= fig.number_end for h in candidates):
            out.append((fig, min(after_benefit, key=lambda h: h.start)))
        else:
            out.append((fig, min(candidates, key=lambda h: min(abs(h.start - fig.end), abs(fig.start - h.end)))))
    return out


def sentence_segments(ctx: DocContext, sent: SentenceView) -> list[tuple[int, int]]:
    """The sentence cut at commas, semicolons and the conjunctions that join clauses or
    list items: the stretch a figure and the activity it counts share."""
    import re

    conj = "|".join(re.escape(c) for c in sorted(ctx.language.conjunctions, key=len, reverse=True))
    rx = re.compile(r"[,;]\s+(?:(?:" + conj + r")\s+)?" + (r"|\s+(?:" + conj + r")\s+" if conj else ""), re.I)
    cuts = [sent.start] + [m.start() for m in rx.finditer(ctx.text.norm, sent.start, sent.end)] + [sent.end]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _emit_figure(ctx: DocContext, sink: ClaimSink, fig, key: str, activity: str | None, period) -> None:
    ev = ctx.evidence(fig.start, fig.end)
    sink.types(key, "kg:Figure", evidence=[ev])
    if fig.money:
        sink.types(key, "kg:MonetaryAmount")
    if fig.value is not None:
        sink.lit(key, "kg:value", fig.value, datatype="xsd:integer" if isinstance(fig.value, int) else "xsd:decimal")
    if fig.upper is not None:
        sink.lit(key, "kg:upperValue", fig.upper, datatype="xsd:integer" if isinstance(fig.upper, int) else "xsd:decimal")
    sink.ref(key, "kg:qualifier", f"kg:{fig.qualifier}")
    if fig.unit:
        sink.lit(key, "kg:unit", fig.unit)
    sink.lit(key, "kg:surfaceText", fig.surface)
    if activity:
        sink.ref(activity, "kg:reached", key)
    if period:
        sink.ref(key, "kg:activeDuring", time_node(sink, period))


@component("activities", needs=("sentences", "activity_hits", "offices", "body_start"), adds=("activities_by_span",))
def activities(doc) -> None:
    doc.facts["activities_by_span"] = extract_activities(doc, doc.sink, doc.activity_hits)
