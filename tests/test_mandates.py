"""Mandates, extracted in-process from the real documents: an instrument establishes a
mandate only where a predicate says so; being committed to, or a guardian of, a body of law
is upholding it (kg:upholds), with the passage that says so."""

from __future__ import annotations

import pytest

from conftest import SOURCES, extract

DOCS = ("000_22953d9dd2031f1d", "001_2bdc8158457999b5", "002_3085d1d938f57e6c", "003_362a282f5771ddaf")


@pytest.fixture(scope="module", params=DOCS)
def doc(request):
    return extract(SOURCES / f"{request.param}.txt")


def _claims(x, predicate):
    return [c for c in x.claims if c.predicate == predicate]


def test_no_mandate_established_by_ihl(doc):
    """"Committed to persons protected under IHL", "guardians of IHL", "в соответствии с нашим
    мандатом" near IHL: none says IHL establishes the mandate."""
    established = {c.object.key for c in _claims(doc, "kg:establishedBy")}
    assert "instrument/international-humanitarian-law" not in established, doc.document.doc_id


def test_the_icrc_upholds_ihl_with_the_passage_that_names_it(doc):
    upholds = [c for c in _claims(doc, "kg:upholds") if c.object.key == "instrument/international-humanitarian-law"]
    assert upholds and all(c.subject == "organisation/icrc" for c in upholds), doc.document.doc_id
    ihl_names = {m.exact for m in doc.doc.mentions if m.entity == "instrument/international-humanitarian-law"}
    for c in upholds:
        (ev,) = c.evidence
        assert any(n in ev.exact for n in ihl_names), ev.exact


def test_establishing_passages_say_so():
    """Every kg:establishedBy is evidenced by a passage with an establishing predicate next to
    the instrument it names (the Geneva Conventions in 000–002)."""
    wording = {"000_22953d9dd2031f1d": "основываются на Женевских", "001_2bdc8158457999b5": "established in the Geneva",
               "002_3085d1d938f57e6c": "Konvensiyaları əsasında"}
    for doc_id, words in wording.items():
        x = extract(SOURCES / f"{doc_id}.txt")
        claims = _claims(x, "kg:establishedBy")
        assert {c.object.key for c in claims} == {"instrument/geneva-conventions"}, doc_id
        assert any(words in ev.exact for c in claims for ev in c.evidence), doc_id


def test_another_organisation_named_before_the_predicate_holds_the_commitment(tmp_path):
    path = tmp_path / "00_en_commitment.txt"
    path.write_text("The ICRC visited detainees in Baku.\n\nThe Azerbaijan Red Crescent Society remains "
                    "committed to persons protected under international humanitarian law.\n", encoding="utf-8")
    x = extract(path)
    holders = {c.subject for c in _claims(x, "kg:upholds")}
    assert holders == {"organisation/azerbaijan-red-crescent-society"}


# -- principles ------------------------------------------------------------------------

PRINCIPLES = {"pr:humanity", "pr:neutrality", "pr:impartiality", "pr:independence"}


@pytest.mark.parametrize("doc_id, expected", [
    ("000_22953d9dd2031f1d", {"pr:neutrality", "pr:impartiality", "pr:independence"}),  # "нейтральная, беспристрастная и независимая организация"
    ("001_2bdc8158457999b5", PRINCIPLES),  # "humanitarian principles including humanity, neutrality, impartiality, and independence"
    ("002_3085d1d938f57e6c", PRINCIPLES),  # "insanlıq, neytrallıq, qərəzsizlik və müstəqillik daxil olmaqla, humanitar prinsiplər"
])
def test_stated_principles_in_three_languages(doc_id, expected):
    x = extract(SOURCES / f"{doc_id}.txt")
    claims = _claims(x, "kg:upholdsPrinciple")
    assert {c.subject for c in claims} == {"organisation/icrc"}
    assert {c.object.key for c in claims} == expected
    assert all(c.evidence for c in claims)


def test_a_principles_name_alone_is_an_ordinary_word(tmp_path):
    path = tmp_path / "00_en_words.txt"
    path.write_text("The ICRC commissioned an independent evaluation of its work in Baku.\n\n"
                    "The report documents crimes against humanity.\n\n"
                    "The ICRC works according to the principle of neutrality.\n", encoding="utf-8")
    x = extract(path)
    assert {c.object.key for c in _claims(x, "kg:upholdsPrinciple")} == {"pr:neutrality"}
