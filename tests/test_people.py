"""People with their role and organisation, in the three languages, on the real documents
(extraction in-process): found by a role, title or verb of saying next to a capitalised name
(en, az) or by Natasha's packaged NER (ru), cited in their base form, their later mentions by
surname the same person, and their role an org:Membership with an org:Role."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import DEV_CORPUS, ROOT, SOURCES, extract, resources_with_more_countries

DOCUMENTS = ROOT / "tests" / "documents"
REAL = sorted(DEV_CORPUS.glob("*.txt")) + sorted(SOURCES.glob("*.txt")) + sorted(DOCUMENTS.glob("*.txt"))


@lru_cache(maxsize=None)
def run(path: Path):
    # with countries beyond places.yaml, so that "министр иностранных дел Казахстана" has a country
    return extract(path, resources=resources_with_more_countries())


def people(x) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in x.mentions:
        if m.kind == "person":
            out.setdefault(m.entity, []).append(m)
    return out


def roles(x) -> set[tuple[str, str, str | None]]:
    return {(f.person, f.role, f.organisation) for f in x.doc.facts.get("people", [])}


def test_english_people_with_role_and_organisation():
    iraq = run(DEV_CORPUS / "01_en_iraq-icrc-first-detention-visit.txt")
    assert ("person/jakob-kellenberger", "president", "organisation/icrc") in roles(iraq)  # "X, the ICRC president"
    assert ("person/dorothea-krimitsas", "spokesperson", "organisation/icrc") in roles(iraq)  # "ICRC spokeswoman X"
    # "Kellenberger told a news conference": the same person, by surname
    found = people(iraq)
    assert {m.exact for m in found["person/jakob-kellenberger"]} == {"Jakob Kellenberger", "Kellenberger"}
    assert len(found["person/jakob-kellenberger"]) >= 3
    assert {m.name for m in found["person/dorothea-krimitsas"] if m.role == "name"} == {"Dorothea Krimitsas"}
    save = run(DEV_CORPUS / "14_en_save-the-children-country-closures.txt")
    assert ("person/inger-ashing", "chief-executive", "organisation/save-the-children") in roles(save)  # "CEO Inger Ashing"
    assert ("person/asa-regner", "secretary-general", "organisation/save-the-children") in roles(save)
    nrc = run(DEV_CORPUS / "09_en_afghanistan-nrc-office-closures.txt")
    assert ("person/suze-van-meegen", "director", "organisation/norwegian-refugee-council") in roles(nrc)
    ocha = run(DEV_CORPUS / "11_en_asia-ocha-office-closures.txt")
    assert ("person/oliver-lacey-hall", "head", "organisation/ocha") in roles(ocha)
    assert len(people(ocha)["person/oliver-lacey-hall"]) >= 3  # "… said Lacey-Hall"
    msf = run(DEV_CORPUS / "08_en_somalia-msf-withdrawal.txt")
    assert ("person/unni-karunakara", "president", "organisation/msf") in roles(msf)
    # a public office named without an organisation gets none (never the document's focal one)
    assert ("person/ibrahim-mohamed-adan", "commissioner", None) in roles(msf)


def test_people_listed_after_a_role_and_on_contact_lines():
    unhcr = run(DEV_CORPUS / "02_en_timor-leste-unhcr-office-closes.txt")
    # "three UNHCR staff - Samson Aregahegn, Carlos Luis Caceres-Collazo and Pero Simundza":
    # each listed name a person with the list's role
    listed = {"person/samson-aregahegn", "person/carlos-luis-caceres-collazo", "person/pero-simundza"}
    assert {(p, "staff-member", "organisation/unhcr") for p in listed} <= roles(unhcr)
    # "In Bangkok: Kitty McKinsey on mobile +66 …": a person on a contact line
    assert {"person/kitty-mckinsey", "person/andrej-mahecic"} <= set(people(unhcr))


def test_russian_people_in_the_nominative_with_role_and_organisation():
    icrc = run(DEV_CORPUS / "16_ru_icrc-pow-visits-3100.txt")
    # "Глава делегации организации в Москве Борис Мишель": the head of the ICRC's delegation
    assert ("person/boris-mishel", "head-of-delegation", "organisation/icrc") in roles(icrc)
    # "— сказал господин Мишель": the same person
    assert "Мишель" in {m.exact for m in people(icrc)["person/boris-mishel"]}
    # "с уполномоченной … Татьяной Москальковой": cited in the nominative
    assert {m.name for m in people(icrc)["person/tatiana-moskalkova"]} == {"Татьяна Москалькова"}
    rkk = run(DEV_CORPUS / "18_ru_russian-red-cross-aid-saratov.txt")
    assert ("person/pavel-savchuk", "chair", "organisation/russian-red-cross") in roles(rkk)  # "председатель РКК"
    kz = run(DEV_CORPUS / "20_ru_kazakhstan-unhcr-agreement.txt")
    assert {m.name for m in people(kz)["person/marat-tazhin"]} == {"Марат Тажин"}  # "Маратом Тажиным"
    assert ("person/marat-tazhin", "minister", "organisation/ministry-of-foreign-affairs-kazakhstan") in roles(kz)
    assert ("person/antonio-guterres", "high-commissioner") in {(p, r) for p, r, _ in roles(kz)}
    assert len(people(kz)["person/antonio-guterres"]) >= 2  # "… отметил Гутеррес"


def test_azerbaijani_people_with_role_and_organisation():
    anama = run(DEV_CORPUS / "25_az_bqxk-anama-mine-signs.txt")
    # "BQXK-nın … Proqramının koordinatoru Bişnu Mahat"
    assert ("person/bisnu-mahat", "coordinator", "organisation/icrc") in roles(anama)
    usaid = run(DEV_CORPUS / "28_az_usaid-azqac-hygiene-kits.txt")
    # "USAID Azərbaycandakı missiyasının direktoru Cey Sinqx"
    assert ("person/cey-sinqx", "director", "organisation/usaid") in roles(usaid)
    # "ABŞ-ın Azərbaycandakı səfiri Örl Litzenberqer": an ambassador of a country, no organisation
    assert ("person/orl-litzenberqer", "ambassador", None) in roles(usaid)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_a_person_is_never_an_organisation_place_or_date(path):
    x = run(path)
    others = [(m.norm_start, m.norm_end) for m in x.mentions if m.kind != "person"]
    times = [(t.start, t.end) for t in x.doc.times]
    for key, ms in people(x).items():
        assert any(m.role == "name" and len(m.name.split()) >= 2 for m in ms), (path.name, key)
        for m in ms:
            assert not any(m.norm_start < e and s < m.norm_end for s, e in others + times), (path.name, m.exact)


def test_no_person_is_invented_in_the_first_corpus():
    """The five documents name posts ("the Head of Delegation of ICRC in Baku", "the Minister
    of Justice") but no person."""
    for path in sorted(SOURCES.glob("*.txt")) + sorted(DOCUMENTS.glob("*.txt")):
        assert not people(run(path)), path.name


def test_people_become_persons_with_memberships_in_the_claims():
    x = run(DEV_CORPUS / "01_en_iraq-icrc-first-detention-visit.txt")
    triples = {(c.subject, c.predicate, getattr(c.object, "key", getattr(c.object, "value", None))) for c in x.claims}
    assert ("person/jakob-kellenberger", "rdf:type", "kg:Person") in triples
    assert ("person/jakob-kellenberger", "skos:altLabel", "Jakob Kellenberger") in triples
    membership = "membership/jakob-kellenberger-president-icrc"
    assert {(membership, "rdf:type", "org:Membership"), (membership, "org:member", "person/jakob-kellenberger"),
            (membership, "org:organization", "organisation/icrc"), (membership, "org:role", "role/president"),
            ("role/president", "rdf:type", "org:Role"), ("role/president", "skos:altLabel", "president")} <= triples
    # every mention of the person is evidence, the surname ones too
    evidence = {e.exact for c in x.claims if c.subject == "person/jakob-kellenberger" for e in c.evidence}
    assert {"Jakob Kellenberger", "Kellenberger"} <= evidence
