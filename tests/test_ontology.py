"""Tests of the ontology (ontology/kg.ttl), the activity-type scheme
(ontology/activity-types.ttl) and the SHACL shapes (shapes/kg-shapes.ttl).

- both Turtle files parse, every kg: term is labelled and defined, the ontology is
  self-contained (every reused term it relies on is declared in it);
- the activity-type scheme has one prefLabel per language (en, ru, az) per concept,
  definitions, trigger terms and a well-formed hierarchy;
- HermiT (through owlready2) finds the ontology consistent, alone and with a small
  realistic data graph, and finds the disjointness axioms violated when they should be;
- pyshacl accepts a small good graph and rejects bad ones with the expected messages.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
ACTIVITY_TYPES = ROOT / "ontology" / "activity-types.ttl"
SHAPES = ROOT / "shapes" / "kg-shapes.ttl"

KG = Namespace("https://w3id.org/humanitarian-kg/ontology#")
AT = Namespace("https://w3id.org/humanitarian-kg/activity-type/")
KGSH = Namespace("https://w3id.org/humanitarian-kg/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")
CNT = Namespace("http://www.w3.org/2011/content#")
SH = Namespace("http://www.w3.org/ns/shacl#")
# a plain Namespace: pytest probing rdflib's DefinedNamespace XSD at module level warns
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ID = Namespace("http://localhost:8000/id/")

LANGUAGES = ("en", "ru", "az")
DECLARATION_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
REQUIRED_ACTIVITY_TYPES = (
    "protection", "detention-visits", "red-cross-messages", "restoring-family-links",
    "tracing", "support-to-families-of-missing", "accompaniment-programme",
    "human-remains-search-and-identification", "forensic-support", "repatriation",
    "repatriation-of-remains", "family-reunification", "assistance", "psychosocial-support",
    "livelihoods", "economic-security", "financial-support", "infrastructure-repair",
    "mine-risk-awareness", "prevention", "ihl-promotion", "capacity-building", "training",
    "humanitarian-diplomacy", "cooperation-with-national-society", "donation-of-items",
    # the IASC clusters and the common modalities (the scheme's "Humanitarian sectors" section)
    "coordination", "logistics", "emergency-telecommunications", "camp-management",
    "child-protection", "gender-based-violence-response", "refugee-protection", "durable-solutions",
    "voluntary-return", "resettlement", "legal-assistance", "food-assistance", "school-feeding",
    "relief-items", "health", "vaccination", "health-facility-support", "nutrition",
    "water-sanitation-hygiene", "hygiene-promotion", "shelter", "education", "early-recovery",
    "disaster-response", "disaster-preparedness",
)
TOP_CONCEPTS = ("protection", "assistance", "prevention", "coordination")
# Terms other modules code against: they must stay declared, with these kinds.
EXPECTED_TERMS = {
    OWL.Class: [
        "Organisation", "HumanitarianOrganisation", "NationalSociety", "InternationalFederation",
        "GovernmentBody", "Government", "Ministry", "StateCommission",
        "IntergovernmentalOrganisation", "NonGovernmentalOrganisation", "Movement",
        "Place", "Country", "Settlement", "Region", "Office", "Delegation", "DelegatesBase",
        "Period", "Activity", "Figure", "Qualifier", "LegalInstrument", "Convention",
        "Agreement", "BodyOfLaw", "Mandate", "Event", "Closure", "Opening", "Handover",
        "Signature", "Ratification", "Visit", "Referral", "SourceDocument", "Evidence",
    ],
    OWL.ObjectProperty: [
        "hasEvidence", "jurisdiction", "cooperatesWith", "locatedIn", "inPlace",
        "activeDuring", "endBound", "activityType", "performedBy", "reached", "groundedIn",
        "continuesIn", "qualifier", "hasMandate", "mandateOf", "establishedBy", "signatory",
        "signedOn", "ratifiedOn", "ratifiedBy", "firstVisitOn", "closedUnit", "decidedBy",
        "atTime", "handedOverActivity", "giver", "receiver", "concerns", "referTo",
        "referredBy",
    ],
    OWL.DatatypeProperty: [
        "surfaceText", "beneficiaries", "value", "unit", "grants", "reason", "condition",
        "forMatter", "dateAsStated", "sha256",
    ],
    OWL.AnnotationProperty: ["triggerTerm"],
}


# ---------------------------------------------------------------------------
# fixtures and helpers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onto() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY, format="turtle")
    return g


@pytest.fixture(scope="module")
def schemes() -> Graph:
    g = Graph()
    g.parse(ACTIVITY_TYPES, format="turtle")
    return g


@pytest.fixture(scope="module")
def shapes() -> Graph:
    g = Graph()
    g.parse(SHAPES, format="turtle")
    return g


def _en(g: Graph, s, p) -> list[Literal]:
    return [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


def add_evidence(g: Graph, doc: URIRef, doc_id: str, text: str, phrase: str, context: int = 10) -> URIRef:
    """Adds an evidence node for the first occurrence of ``phrase`` in ``text``."""
    start = text.index(phrase)
    end = start + len(phrase)
    ev = ID[f"evidence/{doc_id}/{start}-{end}"]
    pos = URIRef(f"{ev}#position")
    quote = URIRef(f"{ev}#quote")
    g.add((ev, RDF.type, KG.Evidence))
    g.add((ev, OA.hasSource, doc))
    g.add((ev, OA.hasSelector, pos))
    g.add((ev, OA.hasSelector, quote))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((pos, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(phrase)))
    g.add((quote, OA.prefix, Literal(text[max(0, start - context):start])))
    g.add((quote, OA.suffix, Literal(text[end:end + context])))
    return ev


def _instant(g: Graph, node: URIRef, value: Literal, surface: str) -> URIRef:
    prop, unit = {
        XSD.date: (TIME.inXSDDate, TIME.unitDay),
        XSD.gYearMonth: (TIME.inXSDgYearMonth, TIME.unitMonth),
        XSD.gYear: (TIME.inXSDgYear, TIME.unitYear),
    }[value.datatype]
    g.add((node, RDF.type, TIME.Instant))
    g.add((node, prop, value))
    g.add((node, TIME.unitType, unit))
    g.add((node, KG.surfaceText, Literal(surface)))
    return node


DOC_ID = "001_test"
DOC_TEXT = (
    "The International Committee of the Red Cross (ICRC) has been active in Azerbaijan since 1992.\n"
    "Following a decision of the authorities of the Republic of Azerbaijan, the ICRC will end its "
    "physical presence in the country in September 2025.\n"
    "Nearly 3,000 people benefited from various projects such as beekeeping.\n"
    "The State Commission on Prisoners of War, Hostages, and Missing Persons of the Republic of "
    "Azerbaijan will continue the activities of search and identification of human remains.\n"
    "For cases of missing relatives linked to conflicts outside of Azerbaijan, please contact the "
    "Azerbaijan Red Crescent Society.\n"
    "On 1 June 2000, an Agreement granting the ICRC access to all places of detention was signed "
    "by the Minister of Justice; it was ratified on 9 June 2000 by the President of the Republic.\n"
    "Международный Комитет Красного Креста (МККК). Beynəlxalq Qızıl Xaç Komitəsi (BQXK).\n"
)


def realistic_graph() -> Graph:
    """A small graph shaped like the pipeline's output, touching most of the ontology."""
    g = Graph()
    doc = ID[f"document/{DOC_ID}"]
    ev = lambda phrase: add_evidence(g, doc, DOC_ID, DOC_TEXT, phrase)  # noqa: E731

    # the document
    g.add((doc, RDF.type, KG.SourceDocument))
    g.add((doc, DCTERMS.identifier, Literal(f"{DOC_ID}.txt")))
    g.add((doc, DCTERMS.title, Literal("Frequently asked questions", lang="en")))
    g.add((doc, DCTERMS.language, Literal("en")))
    g.add((doc, DCTERMS.publisher, Literal("ICRC")))
    g.add((doc, DCTERMS.date, Literal("2025", datatype=XSD.gYear)))
    g.add((doc, KG.dateAsStated, Literal("2025")))
    g.add((doc, DCTERMS.type, KG.FAQ))
    g.add((doc, CNT.chars, Literal(DOC_TEXT)))
    g.add((doc, KG.sha256, Literal(hashlib.sha256(DOC_TEXT.encode("utf-8")).hexdigest())))

    # places
    az, baku, armenia = ID["place/azerbaijan"], ID["place/baku"], ID["place/armenia"]
    for place, cls, label in ((az, KG.Country, "Azerbaijan"), (baku, KG.Settlement, "Baku"),
                              (armenia, KG.Country, "Armenia")):
        g.add((place, RDF.type, KG.Place))
        g.add((place, RDF.type, cls))
        g.add((place, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((baku, KG.locatedIn, az))

    # organisations
    icrc, gov, commission, azrcs, movement = (
        ID["organisation/icrc"], ID["organisation/government-of-azerbaijan"],
        ID["organisation/state-commission-azerbaijan"], ID["organisation/azrcs"],
        ID["organisation/red-cross-red-crescent-movement"],
    )
    g.add((icrc, RDF.type, KG.Organisation))
    g.add((icrc, RDF.type, KG.HumanitarianOrganisation))
    g.add((icrc, SKOS.prefLabel, Literal("International Committee of the Red Cross", lang="en")))
    g.add((icrc, SKOS.prefLabel, Literal("Международный Комитет Красного Креста", lang="ru")))
    g.add((icrc, SKOS.prefLabel, Literal("Beynəlxalq Qızıl Xaç Komitəsi", lang="az")))
    g.add((icrc, SKOS.altLabel, Literal("ICRC", lang="en")))
    g.add((icrc, SKOS.altLabel, Literal("МККК", lang="ru")))
    g.add((icrc, SKOS.altLabel, Literal("BQXK", lang="az")))
    g.add((icrc, KG.hasEvidence, ev("International Committee of the Red Cross (ICRC)")))
    g.add((icrc, KG.hasEvidence, ev("Международный Комитет Красного Креста (МККК)")))
    g.add((icrc, KG.hasEvidence, ev("Beynəlxalq Qızıl Xaç Komitəsi (BQXK)")))

    for node, classes, labels, phrase in (
        (gov, (KG.Government,), ("authorities of the Republic of Azerbaijan",
                                 "Правительство Азербайджана", "Azərbaycan hökuməti"),
         "authorities of the Republic of Azerbaijan"),
        (commission, (KG.StateCommission,),
         ("State Commission on Prisoners of War, Hostages and Missing Persons",
          "Государственная комиссия по делам военнопленных, заложников и пропавших без вести",
          "Əsir və itkin düşmüş, girov götürülmüş vətəndaşlarla əlaqədar Dövlət Komissiyası"),
         "The State Commission on Prisoners of War"),
        (azrcs, (KG.NationalSociety, KG.HumanitarianOrganisation),
         ("Azerbaijan Red Crescent Society", "Азербайджанское общество Красного Полумесяца",
          "Azərbaycan Qızıl Aypara Cəmiyyəti"), "Azerbaijan Red Crescent Society"),
    ):
        g.add((node, RDF.type, KG.Organisation))
        for cls in classes:
            g.add((node, RDF.type, cls))
        for label, lang in zip(labels, LANGUAGES):
            g.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
        g.add((node, KG.hasEvidence, ev(phrase)))
    g.add((gov, KG.jurisdiction, az))
    g.add((commission, KG.jurisdiction, az))
    g.add((movement, RDF.type, KG.Movement))
    for label, lang in zip(("International Red Cross and Red Crescent Movement",
                            "Международное движение Красного Креста и Красного Полумесяца",
                            "Beynəlxalq Qızıl Xaç və Qızıl Aypara Hərəkatı"), LANGUAGES):
        g.add((movement, SKOS.prefLabel, Literal(label, lang=lang)))
    g.add((movement, KG.hasEvidence, ev("Azerbaijan Red Crescent Society")))
    g.add((icrc, ORG.memberOf, movement))
    g.add((azrcs, ORG.memberOf, movement))
    g.add((icrc, KG.cooperatesWith, azrcs))

    # time
    y1992 = _instant(g, ID["time/1992"], Literal("1992", datatype=XSD.gYear), "since 1992")
    sep2025 = _instant(g, ID["time/2025-09"], Literal("2025-09", datatype=XSD.gYearMonth),
                       "in September 2025")
    jun1 = _instant(g, ID["time/2000-06-01"], Literal("2000-06-01", datatype=XSD.date), "On 1 June 2000")
    jun9 = _instant(g, ID["time/2000-06-09"], Literal("2000-06-09", datatype=XSD.date), "on 9 June 2000")
    period = ID["period/icrc-delegation-azerbaijan"]
    g.add((period, RDF.type, KG.Period))
    g.add((period, TIME.hasBeginning, y1992))
    g.add((period, TIME.hasEnd, sep2025))
    g.add((period, KG.surfaceText, Literal("since 1992")))
    g.add((period, KG.hasEvidence, ev("active in Azerbaijan since 1992")))

    # office and its closure
    delegation = ID["office/icrc-delegation-azerbaijan"]
    g.add((delegation, RDF.type, KG.Delegation))
    g.add((delegation, RDF.type, KG.Office))
    g.add((delegation, ORG.unitOf, icrc))
    g.add((delegation, KG.inPlace, baku))
    g.add((delegation, KG.activeDuring, period))
    g.add((delegation, SKOS.prefLabel, Literal("ICRC delegation in Azerbaijan", lang="en")))
    g.add((delegation, KG.hasEvidence, ev("active in Azerbaijan since 1992")))
    closure = ID["event/closure-icrc-delegation-azerbaijan"]
    g.add((closure, RDF.type, KG.Closure))
    g.add((closure, KG.closedUnit, delegation))
    g.add((closure, KG.decidedBy, gov))
    g.add((closure, KG.atTime, sep2025))
    g.add((closure, KG.reason, Literal("decision of the authorities of the Republic of Azerbaijan")))
    g.add((closure, KG.hasEvidence, ev("will end its physical presence in the country in September 2025")))

    # an activity with a figure, and a handover
    livelihoods = ID["activity/icrc-livelihoods-2024"]
    figure = ID["figure/icrc-livelihoods-2024"]
    g.add((livelihoods, RDF.type, KG.Activity))
    g.add((livelihoods, KG.activityType, AT.livelihoods))
    g.add((livelihoods, KG.performedBy, icrc))
    g.add((livelihoods, KG.inPlace, az))
    g.add((livelihoods, KG.beneficiaries, Literal("people in conflict-affected communities")))
    g.add((livelihoods, KG.reached, figure))
    g.add((livelihoods, KG.hasEvidence, ev("Nearly 3,000 people benefited")))
    g.add((figure, RDF.type, KG.Figure))
    g.add((figure, KG.value, Literal(3000)))  # xsd:integer
    g.add((figure, KG.qualifier, KG.nearly))
    g.add((figure, KG.unit, Literal("people")))
    g.add((figure, KG.surfaceText, Literal("Nearly 3,000 people")))
    g.add((figure, KG.hasEvidence, ev("Nearly 3,000 people")))

    remains = ID["activity/icrc-human-remains-azerbaijan"]
    g.add((remains, RDF.type, KG.Activity))
    g.add((remains, KG.activityType, AT["human-remains-search-and-identification"]))
    g.add((remains, KG.performedBy, icrc))
    g.add((remains, KG.continuesIn, armenia))
    g.add((remains, KG.hasEvidence, ev("search and identification of human remains")))
    handover = ID["event/handover-human-remains"]
    g.add((handover, RDF.type, KG.Handover))
    g.add((handover, KG.handedOverActivity, remains))
    g.add((handover, KG.giver, icrc))
    g.add((handover, KG.receiver, commission))
    g.add((handover, KG.condition, Literal("with the consent of the families")))
    g.add((handover, KG.hasEvidence, ev("will continue the activities of search and identification")))

    # legal basis
    gc = ID["legal-instrument/geneva-conventions-1949"]
    mandate = ID["mandate/icrc"]
    g.add((gc, RDF.type, KG.Convention))
    g.add((mandate, RDF.type, KG.Mandate))
    g.add((mandate, KG.mandateOf, icrc))
    g.add((mandate, KG.establishedBy, gc))
    g.add((mandate, KG.hasEvidence, ev("has been active in Azerbaijan since 1992")))
    g.add((gc, KG.hasEvidence, ev("has been active in Azerbaijan since 1992")))
    g.add((icrc, KG.hasMandate, mandate))
    g.add((icrc, KG.groundedIn, gc))
    g.add((remains, KG.groundedIn, mandate))

    # the detention agreement
    agreement = ID["legal-instrument/agreement-detention-access-2000"]
    minister, president = ID["post/minister-of-justice-azerbaijan"], ID["post/president-azerbaijan"]
    for post, label in ((minister, "Minister of Justice"), (president, "President of the Republic")):
        g.add((post, RDF.type, ORG.Post))
        g.add((post, ORG.postIn, gov))
        g.add((post, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((post, KG.hasEvidence, ev("Minister of Justice" if post == minister else "President of the Republic")))
    g.add((agreement, RDF.type, KG.Agreement))
    g.add((agreement, KG.grants, Literal("access to all places of detention")))
    g.add((agreement, KG.signatory, minister))
    g.add((agreement, KG.signatory, icrc))
    g.add((agreement, KG.signedOn, jun1))
    g.add((agreement, KG.ratifiedBy, president))
    g.add((agreement, KG.ratifiedOn, jun9))
    g.add((agreement, KG.hasEvidence, ev("an Agreement granting the ICRC access to all places of detention")))
    signature = ID["event/signature-agreement-2000"]
    g.add((signature, RDF.type, KG.Signature))
    g.add((signature, KG.concerns, agreement))
    g.add((signature, KG.signatory, minister))
    g.add((signature, KG.onBehalfOf, gov))
    g.add((signature, KG.atTime, jun1))
    g.add((signature, KG.hasEvidence, ev("was signed by the Minister of Justice")))

    # a referral
    referral = ID["referral/missing-outside-azerbaijan"]
    g.add((referral, RDF.type, KG.Referral))
    g.add((referral, KG.referTo, azrcs))
    g.add((referral, KG.referredBy, icrc))
    g.add((referral, KG.forMatter, Literal("missing relatives linked to conflicts outside of Azerbaijan")))
    g.add((referral, KG.hasEvidence, ev("please contact the Azerbaijan Red Crescent Society")))
    return g


# ---------------------------------------------------------------------------
# the ontology file
# ---------------------------------------------------------------------------


def test_ontology_header(onto: Graph):
    ont = URIRef("https://w3id.org/humanitarian-kg/ontology")
    assert (ont, RDF.type, OWL.Ontology) in onto
    assert onto.value(ont, OWL.versionInfo) == Literal("1.0")
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert onto.value(ont, p) is not None, p
    assert not list(onto.objects(ont, OWL.imports)), "the ontology must be self-contained"


@pytest.mark.parametrize("kind", list(EXPECTED_TERMS))
def test_expected_terms_are_declared(onto: Graph, kind):
    missing = [n for n in EXPECTED_TERMS[kind] if (KG[n], RDF.type, kind) not in onto]
    assert not missing, f"not declared as {kind}: {missing}"


def test_every_kg_term_has_label_and_definition(onto: Graph):
    terms = {s for t in DECLARATION_TYPES for s in onto.subjects(RDF.type, t)
             if isinstance(s, URIRef) and s.startswith(str(KG))}
    assert len(terms) > 80
    problems = []
    for term in sorted(terms):
        if not _en(onto, term, RDFS.label):
            problems.append(f"{term}: no English rdfs:label")
        if not (_en(onto, term, SKOS.definition) or _en(onto, term, RDFS.comment)):
            problems.append(f"{term}: no English skos:definition or rdfs:comment")
    assert not problems, "\n".join(problems)


def test_every_kg_term_used_is_declared(onto: Graph, schemes: Graph):
    declared = {s for t in DECLARATION_TYPES + (OWL.Ontology, SKOS.ConceptScheme, SKOS.Concept)
                for s in onto.subjects(RDF.type, t)}
    used = set()
    for g in (onto, schemes):
        for s, p, o in g:
            for term in (s, p, o):
                if isinstance(term, URIRef) and term.startswith(str(KG)):
                    used.add(term)
    assert not sorted(used - declared)


def test_reused_terms_are_declared(onto: Graph, schemes: Graph):
    """Every non-builtin predicate and class used in the two files is declared in kg.ttl."""
    builtin = (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/2002/07/owl#",
        "http://www.w3.org/2001/XMLSchema#",
    )
    declared = {s for t in DECLARATION_TYPES for s in onto.subjects(RDF.type, t)}
    used = set()
    for g in (onto, schemes):
        used |= set(g.predicates())
        used |= set(g.objects(None, RDF.type))
        for p in (RDFS.subClassOf, RDFS.domain, RDFS.range, OWL.disjointWith):
            used |= {o for o in g.objects(None, p) if isinstance(o, URIRef)}
    # (URIRef.startswith does not accept a tuple, hence str())
    used = {u for u in used if not str(u).startswith(builtin)}
    assert not sorted(used - declared)


def test_key_axioms(onto: Graph):
    assert (KG.Organisation, RDFS.subClassOf, ORG.FormalOrganization) in onto
    assert (KG.Movement, RDFS.subClassOf, ORG.Organization) in onto
    assert (KG.Office, RDFS.subClassOf, KG.Presence) in onto and (KG.Presence, RDFS.subClassOf, ORG.OrganizationalUnit) in onto
    assert (KG.Organisation, OWL.disjointWith, KG.Presence) in onto
    assert (KG.Period, RDFS.subClassOf, TIME.ProperInterval) in onto
    assert (KG.Evidence, RDFS.subClassOf, OA.SpecificResource) in onto
    assert (KG.Closure, RDFS.subClassOf, ORG.ChangeEvent) in onto
    assert (KG.Closure, RDFS.subClassOf, KG.Event) in onto
    assert (KG.performedBy, RDFS.subPropertyOf, PROV.wasAssociatedWith) in onto
    assert (KG.closedUnit, RDFS.subPropertyOf, ORG.originalOrganization) in onto
    assert (KG.cooperatesWith, RDF.type, OWL.SymmetricProperty) in onto
    assert (KG.locatedIn, RDF.type, OWL.TransitiveProperty) in onto
    assert (KG.hasEvidence, RDFS.range, KG.Evidence) in onto
    assert (KG.hasEvidence, RDFS.subPropertyOf, PROV.wasDerivedFrom) not in onto
    assert onto.value(KG.hasEvidence, RDFS.domain) is None
    qualifiers = set(onto.subjects(RDF.type, KG.Qualifier))
    assert qualifiers == {KG.exactly, KG.approximately, KG.nearly, KG.moreThan, KG.lessThan,
                          KG.atLeast, KG.several, KG.range}
    kinds = set(onto.subjects(SKOS.inScheme, KG.DocumentKinds))
    assert kinds == {KG.PressRelease, KG.FAQ, KG.ActivityReport, KG.ProgrammePage, KG.Article}


# ---------------------------------------------------------------------------
# the activity-type scheme
# ---------------------------------------------------------------------------


def test_activity_scheme(schemes: Graph):
    scheme = AT.scheme
    assert (scheme, RDF.type, SKOS.ConceptScheme) in schemes
    for lang in LANGUAGES:
        assert len([l for l in schemes.objects(scheme, SKOS.prefLabel) if l.language == lang]) == 1
    concepts = set(schemes.subjects(RDF.type, SKOS.Concept))
    missing = [c for c in REQUIRED_ACTIVITY_TYPES if AT[c] not in concepts]
    assert not missing, missing
    assert set(schemes.objects(scheme, SKOS.hasTopConcept)) == {AT[c] for c in TOP_CONCEPTS}


def test_activity_concepts_have_one_preflabel_per_language(schemes: Graph):
    problems = []
    for c in sorted(schemes.subjects(RDF.type, SKOS.Concept)):
        labels = list(schemes.objects(c, SKOS.prefLabel))
        for lang in LANGUAGES:
            n = sum(1 for l in labels if l.language == lang)
            if n != 1:
                problems.append(f"{c}: {n} prefLabel(s) @{lang}")
        if any(l.language not in LANGUAGES for l in labels):
            problems.append(f"{c}: prefLabel in another language")
        alt = list(schemes.objects(c, SKOS.altLabel))
        if not alt or any(l.language not in LANGUAGES for l in alt):
            problems.append(f"{c}: altLabels missing or not en/ru/az")
        pref = {(str(l), l.language) for l in labels}
        if pref & {(str(l), l.language) for l in alt}:
            problems.append(f"{c}: a label is both prefLabel and altLabel")
    assert not problems, "\n".join(problems)


def test_activity_concepts_definitions_triggers_hierarchy(schemes: Graph):
    concepts = set(schemes.subjects(RDF.type, SKOS.Concept))
    tops = {AT[c] for c in TOP_CONCEPTS}
    problems = []
    for c in sorted(concepts):
        if (c, SKOS.inScheme, AT.scheme) not in schemes:
            problems.append(f"{c}: not skos:inScheme at:scheme")
        if len(_en(schemes, c, SKOS.definition)) != 1:
            problems.append(f"{c}: needs one English skos:definition")
        triggers = list(schemes.objects(c, KG.triggerTerm))
        for lang in LANGUAGES:
            if not any(t.language == lang for t in triggers):
                problems.append(f"{c}: no kg:triggerTerm @{lang}")
        broader = set(schemes.objects(c, SKOS.broader))
        if c in tops:
            if broader or (c, SKOS.topConceptOf, AT.scheme) not in schemes:
                problems.append(f"{c}: a top concept must be topConceptOf the scheme, without broader")
            continue
        if not broader or not broader <= concepts:
            problems.append(f"{c}: skos:broader missing or outside the scheme")
        # walk up: must reach a top concept without a cycle
        seen, node = {c}, c
        while node not in tops:
            node = next(iter(sorted(schemes.objects(node, SKOS.broader))), None)
            if node is None or node in seen:
                problems.append(f"{c}: hierarchy does not reach a top concept")
                break
            seen.add(node)
    assert not problems, "\n".join(problems)


def test_activity_hierarchy_examples(schemes: Graph):
    def ancestors(c):
        out, todo = set(), [c]
        while todo:
            for b in schemes.objects(todo.pop(), SKOS.broader):
                if b not in out:
                    out.add(b)
                    todo.append(b)
        return out

    for c in ("detention-visits", "red-cross-messages", "tracing", "repatriation",
              "repatriation-of-remains", "family-reunification"):
        assert AT.protection in ancestors(AT[c]), c
    for c in ("psychosocial-support", "livelihoods", "financial-support", "mine-risk-awareness"):
        assert AT.assistance in ancestors(AT[c]), c
    for c in ("ihl-promotion", "training", "humanitarian-diplomacy"):
        assert AT.prevention in ancestors(AT[c]), c
    # the clusters under the scheme's own tops: protection's areas of responsibility and
    # UNHCR's durable solutions; in-kind and cash modalities under economic security
    for c in ("child-protection", "gender-based-violence-response", "refugee-protection", "resettlement",
              "voluntary-return", "legal-assistance"):
        assert AT.protection in ancestors(AT[c]), c
    for c in ("food-assistance", "school-feeding", "relief-items", "financial-support"):
        assert AT["economic-security"] in ancestors(AT[c]), c
    for c in ("health", "vaccination", "nutrition", "water-sanitation-hygiene", "shelter", "education",
              "early-recovery", "disaster-response"):
        assert AT.assistance in ancestors(AT[c]), c
    assert AT["capacity-building"] in ancestors(AT["disaster-preparedness"])
    for c in ("logistics", "emergency-telecommunications", "camp-management"):
        assert AT.coordination in ancestors(AT[c]), c
    assert schemes.value(AT["detention-visits"], SKOS.prefLabel) is not None
    ru = {str(l) for l in schemes.objects(AT["detention-visits"], SKOS.prefLabel) if l.language == "ru"}
    assert ru == {"посещения мест содержания под стражей"}
    az = {str(l) for l in schemes.objects(AT["red-cross-messages"], SKOS.prefLabel) if l.language == "az"}
    assert az == {"Qızıl Xaç məktubları"}


def test_every_trigger_term_is_read_as_its_own_concept(schemes: Graph):
    """Each kg:triggerTerm, read as text (a gap "…" filled by one word), is found as its own
    concept: no stem fails to match its own words, and no longer term of another concept
    takes them (a new term must not silently shadow an old one)."""
    from kg.annotate.activity_terms import find_activity_hits
    from kg.resources import load_resources
    from kg.text import Text

    morph = load_resources(ROOT / "data" / "lexicon", ROOT / "ontology").morph
    filler = {"en": "many", "ru": "многих", "az": "çox"}
    problems = []
    for concept, term in schemes.subject_objects(KG.triggerTerm):
        text = Text(str(term).replace("…", filler[term.language]))
        hits = find_activity_hits(text, term.language, ROOT / "ontology", morph, [])
        if concept not in {AT[h.type] for h in hits}:
            problems.append(f"{concept} {term!r}@{term.language}: read as {[h.type for h in hits]}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# HermiT through owlready2
# ---------------------------------------------------------------------------


def _hermit(tmp_path: Path, *graphs: Graph, extra_types: list[tuple[URIRef, URIRef]] = ()):
    """Loads the graphs into a fresh owlready2 World and runs HermiT.

    Returns None when consistent, the OwlReadyInconsistentOntologyError otherwise.
    """
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    merged = Graph()
    for g in graphs:
        merged += g
    for ind, cls in extra_types:
        merged.add((ind, RDF.type, cls))
        merged.add((ind, RDF.type, OWL.NamedIndividual))
    path = tmp_path / "merged.nt"
    merged.serialize(destination=str(path), format="nt", encoding="utf-8")
    world = World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        sync_reasoner(world, infer_property_values=False, debug=0)
    except OwlReadyInconsistentOntologyError as exc:
        return exc
    finally:
        world.close()
    return None


def test_hermit_ontology_and_scheme_consistent(tmp_path, onto, schemes):
    assert _hermit(tmp_path, onto, schemes) is None


def test_hermit_realistic_data_consistent(tmp_path, onto, schemes):
    assert _hermit(tmp_path, onto, schemes, realistic_graph()) is None


def test_hermit_organisation_and_office_inconsistent(tmp_path, onto, schemes):
    bad = ID["organisation/both"]
    error = _hermit(tmp_path, onto, schemes, extra_types=[(bad, KG.Organisation), (bad, KG.Office)])
    assert error is not None, "an individual both kg:Organisation and kg:Office must be inconsistent"


@pytest.mark.parametrize("a,b", [
    (KG.Place, KG.Organisation),
    (KG.Evidence, KG.SourceDocument),
    (KG.SourceDocument, ORG.Organization),
    (KG.Movement, KG.Organisation),
])
def test_hermit_other_disjointness(tmp_path, onto, a, b):
    bad = ID["thing/both"]
    assert _hermit(tmp_path, onto, extra_types=[(bad, a), (bad, b)]) is not None


def test_hermit_range_clash_is_caught(tmp_path, onto):
    """An office closed as if it were an organisation: kg:closedUnit's range makes it an Office."""
    g = Graph()
    g.add((ID["organisation/x"], RDF.type, KG.Organisation))
    g.add((ID["event/c"], KG.closedUnit, ID["organisation/x"]))
    assert _hermit(tmp_path, onto, g) is not None


# ---------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------


@functools.cache
def _class_hierarchy() -> Graph:
    from kg.validate import class_hierarchy

    return Graph().parse(data=class_hierarchy(Graph().parse(ONTOLOGY)), format="nt")


_PREPARED: dict = {}


@contextlib.contextmanager
def _sparql_parsed_once():
    """pySHACL gives rdflib a SPARQL constraint's text for each focus node, and rdflib parses
    it anew each time (three quarters of a validation here): while this lasts, each text is
    parsed and translated once and the query reused, as rdflib's own prepareQuery does;
    it is evaluated every time, as before."""
    from rdflib.plugins.sparql import processor

    query, prepared = processor.SPARQLProcessor.query, _PREPARED

    def once(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
            strOrQuery = prepared[key]
        return query(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = once
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = query


def _validate(data: Graph, shapes: Graph, allow_warnings: bool = False):
    from pyshacl import validate

    # as kg.validate does: sh:targetClass follows the ontology's subclass axioms
    data = data + _class_hierarchy()
    with _sparql_parsed_once():
        conforms, results_graph, text = validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=allow_warnings,
        )
    results = []
    for r in results_graph.subjects(RDF.type, SH.ValidationResult):
        results.append({
            "focus": results_graph.value(r, SH.focusNode),
            "severity": results_graph.value(r, SH.resultSeverity),
            "message": " ".join(str(m) for m in results_graph.objects(r, SH.resultMessage)),
            "shape": results_graph.value(r, SH.sourceShape),
        })
    return conforms, results, text


def test_shapes_parse(shapes: Graph):
    assert (KGSH.SourceDocumentShape, RDF.type, SH.NodeShape) in shapes
    assert (KGSH.OrganisationShape, RDF.type, SH.NodeShape) in shapes
    assert (KGSH.EvidenceShape, RDF.type, SH.NodeShape) in shapes
    assert (KGSH.EvidenceTextShape, RDF.type, SH.NodeShape) in shapes
    # every shape with a constraint has a message and a severity
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert shapes.value(shape, SH.message) is not None, shape
        assert shapes.value(shape, SH.severity) is not None, shape
    for c in set(shapes.subjects(RDF.type, SH.SPARQLConstraint)):
        assert shapes.value(c, SH.message) is not None, c
    for shape in set(shapes.subjects(SH.sparql, None)) | set(shapes.subjects(SH.xone, None)):
        assert shapes.value(shape, SH.severity) is not None, shape
    for s in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert isinstance(s, URIRef) and s.startswith(str(KGSH)), s


def test_shacl_good_graph_conforms(shapes):
    conforms, results, text = _validate(realistic_graph(), shapes, allow_warnings=True)
    assert conforms, text


def test_shacl_bad_graph(shapes):
    g = realistic_graph()
    icrc = ID["organisation/icrc"]
    ev = next(g.objects(icrc, KG.hasEvidence))
    quote = next(s for s in g.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in g)
    g.set((quote, OA.exact, Literal("the wrong words")))
    g.remove((ID["organisation/azrcs"], SKOS.prefLabel, None))
    conforms, results, text = _validate(g, shapes)
    assert not conforms
    by_shape = {r["shape"]: r for r in results}
    # the quoted text does not match the document
    sparql = [r for r in results if r["focus"] == ev and "is not the text of the source document" in r["message"]]
    assert sparql, text
    assert "the wrong words" in sparql[0]["message"]
    assert "International Committee of the Red Cross (ICRC)" in sparql[0]["message"]
    assert sparql[0]["severity"] == SH.Violation
    # the organisation without a name
    missing = by_shape.get(KGSH["Organisation-prefLabel"])
    assert missing and missing["focus"] == ID["organisation/azrcs"], text
    assert "needs at least one skos:prefLabel" in missing["message"]
    assert missing["severity"] == SH.Violation


def test_shacl_language_warnings(shapes):
    g = realistic_graph()
    azrcs = ID["organisation/azrcs"]
    g.remove((azrcs, SKOS.prefLabel, None))
    g.add((azrcs, SKOS.prefLabel, Literal("Azerbaijan Red Crescent Society", lang="en")))
    conforms, results, text = _validate(g, shapes)
    assert not conforms
    results = [r for r in results if r["focus"] == azrcs]
    assert {r["shape"] for r in results} == {KGSH["Organisation-prefLabel-ru"], KGSH["Organisation-prefLabel-az"]}
    assert all(r["severity"] == SH.Warning for r in results)
    assert any("no Russian skos:prefLabel" in r["message"] for r in results)
    conforms, results, text = _validate(g, shapes, allow_warnings=True)
    assert conforms, text


def test_shacl_label_languages_and_unique_lang(shapes):
    g = realistic_graph()
    icrc = ID["organisation/icrc"]
    g.add((icrc, SKOS.prefLabel, Literal("ICRC again", lang="en")))
    g.add((icrc, SKOS.altLabel, Literal("CICR", lang="fr")))
    conforms, results, text = _validate(g, shapes)
    shapes_hit = {r["shape"] for r in results}
    assert KGSH["Organisation-prefLabel-uniqueLang"] in shapes_hit, text
    assert KGSH["Organisation-altLabel-languages"] in shapes_hit, text


def test_shacl_document_and_evidence_structure(shapes):
    g = realistic_graph()
    doc = ID[f"document/{DOC_ID}"]
    g.set((doc, DCTERMS.language, Literal("fr")))
    g.add((doc, DCTERMS.title, Literal("A second title", lang="en")))  # at most one
    g.remove((doc, CNT.chars, None))
    ev = next(g.objects(ID["organisation/icrc"], KG.hasEvidence))
    pos = next(s for s in g.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in g)
    g.set((pos, OA.start, Literal(-5)))  # a negative offset
    g.add((ev, OA.hasSource, ID["document/unknown"]))
    conforms, results, text = _validate(g, shapes)
    assert not conforms
    shapes_hit = {r["shape"] for r in results}
    for s in ("SourceDocument-language", "SourceDocument-title", "SourceDocument-chars",
              "TextPositionSelector-start", "Evidence-source", "Evidence-source-class"):
        assert KGSH[s] in shapes_hit, (s, text)


def test_shacl_language_code_typed_or_plain(shapes):
    g = realistic_graph()
    doc = ID[f"document/{DOC_ID}"]
    g.set((doc, DCTERMS.language, Literal("ru", datatype=XSD.string)))
    conforms, results, text = _validate(g, shapes, allow_warnings=True)
    assert conforms, text
    g.set((doc, DCTERMS.language, Literal("en", lang="en")))
    conforms, results, text = _validate(g, shapes)
    assert KGSH["SourceDocument-language"] in {r["shape"] for r in results}, text


def test_shacl_offsets_out_of_order(shapes):
    g = realistic_graph()
    ev = next(g.objects(ID["organisation/icrc"], KG.hasEvidence))
    pos = next(s for s in g.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in g)
    g.set((pos, OA.start, Literal(50, datatype=XSD.nonNegativeInteger)))
    g.set((pos, OA.end, Literal(40, datatype=XSD.nonNegativeInteger)))
    conforms, results, text = _validate(g, shapes)
    assert any(r["focus"] == ev and "out of order" in r["message"] for r in results), text


def test_shacl_instant_and_figure(shapes):
    g = realistic_graph()
    g.add((ID["time/1992"], TIME.inXSDDate, Literal("1992-01-01", datatype=XSD.date)))
    g.set((ID["figure/icrc-livelihoods-2024"], KG.value, Literal("3,000")))
    conforms, results, text = _validate(g, shapes)
    shapes_hit = {r["shape"] for r in results}
    assert KGSH.InstantShape in shapes_hit, text
    assert KGSH["Figure-value"] in shapes_hit, text
