"""A document's title and date come from its text when its metadata does not give them:
the headline, never site furniture; the date the document states, never the day it was
ingested; dates without a year are dated by it (extraction in-process, real documents)."""

from __future__ import annotations

import pytest

from conftest import DEV_CORPUS, extract


def _document_claims(path):
    x = extract(path)
    claims = {c.predicate: c for c in x.claims if c.subject == f"document/{path.stem}"}
    return x, claims


@pytest.mark.parametrize("path", sorted(DEV_CORPUS.glob("*.txt")), ids=lambda p: p.stem[:24])
def test_a_title_is_a_headline_of_the_document_never_furniture(path):
    x, claims = _document_claims(path)
    title = claims.get("dcterms:title")
    if title is None:
        return
    text = title.object.value
    words = text.split()
    assert 3 <= len(words) <= 30 and not text.endswith("."), text
    assert x.doc.language.share_in_script(text) >= 0.5, f"{text!r} is not in the document's script"
    assert ">" not in text and "icon" not in text.lower() and "search" not in text.lower(), text
    ev = title.evidence[0]
    assert x.document.text[ev.start:ev.end] == ev.exact == text  # the exact passage


def test_site_furniture_and_breadcrumbs_are_skipped_for_the_headline():
    # navigation lines ("Close sites icon close", "Search form") come first on this page
    _, claims = _document_claims(DEV_CORPUS / "02_en_timor-leste-unhcr-office-closes.txt")
    assert claims["dcterms:title"].object.value == "UNHCR closes office in Timor-Leste, ending 12 year operation"
    # a breadcrumb "Əsas Səhifə > HƏRBİ / SON XƏBƏR > …" comes first
    _, claims = _document_claims(DEV_CORPUS / "25_az_bqxk-anama-mine-signs.txt")
    assert claims["dcterms:title"].object.value == "BQXK ANAMA-ya 500 ədəd mina xəbərdarlıq nişanı verib"
    # a Russian page whose site name and English tagline come first
    _, claims = _document_claims(DEV_CORPUS / "20_ru_kazakhstan-unhcr-agreement.txt")
    assert claims["dcterms:title"].object.value == "Казахстан и УВКБ ООН подписали соглашение о сотрудничестве"


def test_running_text_is_no_title():
    for name in ("06_en_armenia-wfp-school-feeding-handover.txt", "08_en_somalia-msf-withdrawal.txt",
                 "15_ru_uzbekistan-unhcr-ordered-out.txt"):
        _, claims = _document_claims(DEV_CORPUS / name)
        assert "dcterms:title" not in claims, name


@pytest.mark.parametrize("name, date, stated", [
    ("02_en_timor-leste-unhcr-office-closes.txt", "2012-01-13", "13 January 2012"),
    ("05_en_western-balkans-icrc-missing.txt", "2010-10-29", "29-10-2010"),
    ("20_ru_kazakhstan-unhcr-agreement.txt", "2007-11-14", "14 ноября 2007"),
    ("22_ru_tajik-red-crescent-aid.txt", "2022-03-07", "Март 7, 2022"),
    ("25_az_bqxk-anama-mine-signs.txt", "2022-07-22", "22-07-2022"),
    ("28_az_usaid-azqac-hygiene-kits.txt", "2020-06-22", "22.06.2020"),
])
def test_a_stated_date_is_the_documents_date(name, date, stated):
    _, claims = _document_claims(DEV_CORPUS / name)
    assert claims["dcterms:date"].object.value == date
    assert claims["kg:dateAsStated"].object.value == stated


def test_no_stated_date_no_date():
    # dates inside the story ("с 24 февраля 2022 года", "28 февраля") are not the document's
    for name in ("16_ru_icrc-pow-visits-3100.txt", "18_ru_russian-red-cross-aid-saratov.txt",
                 "01_en_iraq-icrc-first-detention-visit.txt"):
        _, claims = _document_claims(DEV_CORPUS / name)
        assert "dcterms:date" not in claims, name


def _instants(x) -> set[str]:
    return {c.object.value for c in x.claims if c.predicate.startswith("time:inXSD")}


def test_dates_without_a_year_take_the_documents_year():
    x, _ = _document_claims(DEV_CORPUS / "22_ru_tajik-red-crescent-aid.txt")  # "5 марта", dated 7 March 2022
    assert "2022-03-05" in _instants(x)
    x, _ = _document_claims(DEV_CORPUS / "20_ru_kazakhstan-unhcr-agreement.txt")  # "АСТАНА, 14 ноя"
    assert "2007-11-14" in _instants(x)


def test_dates_without_a_year_in_an_undated_document_are_left_out():
    x, _ = _document_claims(DEV_CORPUS / "18_ru_russian-red-cross-aid-saratov.txt")  # "28 февраля", no year anywhere
    assert not any(v.endswith("-02-28") or "XXXX" in v for v in _instants(x))


def test_metadata_wins_over_the_text(tmp_path):
    source = DEV_CORPUS / "02_en_timor-leste-unhcr-office-closes.txt"
    x = extract(source, title="Given title", date="2012-01")
    claims = {c.predicate for c in x.claims if c.subject == f"document/{source.stem}"}
    assert not claims & {"dcterms:title", "dcterms:date"}
    # "Yesterday" counts from the metadata's date when it is the only one: too coarse for a day
    assert not any(v.startswith("2012-01-") for v in _instants(x) if len(v) == 10 and v != "2012-01-13")


@pytest.mark.parametrize("name, place", [
    ("01_en_iraq-icrc-first-detention-visit.txt", "place/geneva"),   # "GENEVA (Reuters) –"
    ("08_en_somalia-msf-withdrawal.txt", "place/mogadishu"),          # "MOGADISHU (Reuters) -"
    ("20_ru_kazakhstan-unhcr-agreement.txt", "place/astana"),         # "АСТАНА, 14 ноя - РИА Новости"
    ("22_ru_tajik-red-crescent-aid.txt", "place/dushanbe"),           # "ДУШАНБЕ, 07.03.2022 /НИАТ «Ховар»/"
])
def test_the_dateline_is_the_documents_own_and_no_facts_place(name, place):
    x, claims = _document_claims(DEV_CORPUS / name)
    assert claims["kg:dateline"].object.key == place
    # the dateline is where the text was filed: no office, activity or closure is placed there by it
    placed = {c.subject for c in x.claims if c.predicate == "kg:inPlace" and c.object.key == place
              and not c.subject.startswith("document/")}
    assert not placed, placed
