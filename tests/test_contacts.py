"""Contact points and referrals, extracted in-process from the real documents: telling readers
to write to the publisher is its contact point, never a referral to itself; a referral's
matter is the phrase the language marks, not a sentence cut at its first word."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEV_CORPUS, SOURCES, extract


def _facts(x, prefix: str) -> dict[str, dict[str, set[str]]]:
    out: dict[str, dict[str, set[str]]] = {}
    for c in x.claims:
        if c.subject.startswith(prefix):
            value = getattr(c.object, "value", None) or getattr(c.object, "key", None)
            out.setdefault(c.subject, {}).setdefault(c.predicate, set()).add(value)
    return out


def _contact_points(x) -> dict[str, set[str]]:
    """Contact point key -> the organisations that have it."""
    out: dict[str, set[str]] = {}
    for c in x.claims:
        if c.predicate == "kg:contactPoint":
            out.setdefault(c.object.key, set()).add(c.subject)
    return out


@pytest.fixture(scope="module")
def faq_en():
    return extract(SOURCES / "001_2bdc8158457999b5.txt")


@pytest.fixture(scope="module")
def faq_az():
    return extract(SOURCES / "002_3085d1d938f57e6c.txt")


def test_contact_us_line_is_the_publishers_contact_point_not_a_referral(faq_en):
    referrals = _facts(faq_en, "referral/")
    assert referrals, "the FAQ's two referrals are lost"
    assert all(f["kg:referTo"] != f["kg:referredBy"] for f in referrals.values()), referrals
    assert not any("organisation/icrc" in f["kg:referTo"] for f in referrals.values())
    points = _contact_points(faq_en)
    assert list(points.values()) == [{"organisation/icrc"}], points
    point = _facts(faq_en, next(iter(points)))[next(iter(points))]
    assert any("additional questions" in m for m in point["schema:contactType"]), point


def test_referral_matters_are_the_marked_phrases(faq_en, faq_az):
    en = {f["kg:referTo"].pop(): f["kg:forMatter"] for f in _facts(faq_en, "referral/").values()}
    assert en["organisation/azerbaijan-red-crescent-society"] == {"cases of missing relatives linked to conflicts outside of Azerbaijan"}
    assert en["organisation/state-commission-pow-hostages-missing-azerbaijan"] == {"further information"}
    az = {f["kg:referTo"].pop(): f["kg:forMatter"] for f in _facts(faq_az, "referral/").values()}
    # before the postposition that closes it, without it ("… şəxslərlə bağlı")
    (matter,) = az["organisation/azerbaijan-red-crescent-society"]
    assert matter.startswith("Azərbaycandan kənarda") and matter.endswith("şəxslərlə"), matter
    # the condition, without the word that makes it one ("… ehtiyac olduqda")
    assert az["organisation/state-commission-pow-hostages-missing-azerbaijan"] == {"əlavə məlumata ehtiyac"}
    for matters in list(en.values()) + list(az.values()):
        for m in matters:
            assert len(m.split()) >= 2, f"a matter cut to a word: {m!r}"


def test_contact_page_printed_elsewhere_is_the_same_point(faq_az):
    (key, orgs), = _contact_points(faq_az).items()
    assert orgs == {"organisation/icrc"}
    point = _facts(faq_az, key)[key]
    assert point["schema:url"] == {"https://www.icrc.org/en/contact"}
    assert point["schema:contactType"], "the matter of the Contact Us line is lost"


def test_press_address_after_a_contact_line():
    x = extract(SOURCES / "000_22953d9dd2031f1d.txt")
    (key, orgs), = _contact_points(x).items()
    assert orgs == {"organisation/icrc"}
    point = _facts(x, key)[key]
    assert point["schema:email"] == {"press@icrc.org"}
    assert point["kg:inPlace"] == {"place/geneva"}
    assert point["schema:contactType"] == {"Дополнительную информацию"}
    assert not _facts(x, "referral/")


def test_press_officers_are_two_contact_points_with_their_names_and_cities():
    x = extract(DEV_CORPUS / "02_en_timor-leste-unhcr-office-closes.txt")
    points = _contact_points(x)
    assert len(points) == 2 and all(o == {"organisation/unhcr"} for o in points.values()), points
    by_name = {}
    for key in points:
        f = _facts(x, key)[key]
        by_name[f["schema:name"].pop()] = f
    assert by_name["Kitty McKinsey"]["schema:telephone"] == {"+66 818 270 280"}
    assert by_name["Kitty McKinsey"]["kg:inPlace"] == {"place/bangkok"}
    assert by_name["Andrej Mahecic"]["kg:inPlace"] == {"place/geneva"}
    assert all(f["schema:contactType"] == {"further information on this topic"} for f in by_name.values())


def test_numbers_without_a_contact_word_are_no_telephones(tmp_path: Path):
    doc = tmp_path / "00_en_figures.txt"
    doc.write_text("The ICRC delivered aid to 1 250 000 people in 2023.\n\n"
                   "Reference 2023 456 7890 was issued by the ICRC.\n", encoding="utf-8")
    x = extract(doc)
    assert not _contact_points(x)


def test_an_address_of_an_organisation_the_text_names_on_its_line(tmp_path: Path):
    doc = tmp_path / "00_en_contacts.txt"
    doc.write_text("The ICRC closed its office in Barda.\n\n"
                   "For media enquiries, please contact:\n"
                   "UNHCR Geneva: media@unhcr.org, tel. +41 22 739 8502\n", encoding="utf-8")
    x = extract(doc)
    points = _contact_points(x)
    assert set().union(*points.values()) == {"organisation/unhcr"}, points
    merged = {p: v for key in points for p, v in _facts(x, key)[key].items()}
    assert "media@unhcr.org" in merged["schema:email"]
    assert "+41 22 739 8502" in merged["schema:telephone"]


@pytest.mark.parametrize("line", [
    "UNHCR (United Kingdom) Geneva: media@unhcr.org",  # a place qualifying a name, then the address's
    "UNHCR, Geneva, Switzerland: media@unhcr.org",  # a city and the country it lies in
])
def test_a_contact_point_is_in_the_one_place_that_heads_its_channel(tmp_path: Path, line: str):
    """A contact point is in at most one place (kgsh:ContactPoint-inPlace): of the places on
    its line, the one nearest before the channel, never a country its city lies in (two
    places made a derived document fail validation on its own)."""
    doc = tmp_path / "00_en_contact-line.txt"
    doc.write_text("UNHCR opened an office in Tbilisi.\n\nFor media enquiries, please contact:\n" + line + "\n",
                   encoding="utf-8")
    x = extract(doc)
    (key,) = _contact_points(x)
    assert _facts(x, key)[key]["kg:inPlace"] == {"place/geneva"}
