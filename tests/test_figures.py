"""Figures on real documents: numbers in words, ranges, money, thousands groups, and what
is no figure at all; each figure on the fact its own clause states (extraction in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.annotate.figures import find_figures
from kg.text import Text

from conftest import DEV_CORPUS, ROOT, SOURCES, extract

LEXICON = ROOT / "data" / "lexicon"


def _figures(name: str, lang: str | None = None):
    path = DEV_CORPUS / name if (DEV_CORPUS / name).exists() else SOURCES / name
    return extract(path, lang).doc.figures


@pytest.mark.parametrize("name, value, qualifier", [
    ("08_en_somalia-msf-withdrawal.txt", 16, "exactly"),                 # "Sixteen MSF staff members"
    ("02_en_timor-leste-unhcr-office-closes.txt", 3, "exactly"),         # "three UNHCR staff"
    ("02_en_timor-leste-unhcr-office-closes.txt", 250000, "nearly"),     # "nearly a quarter of a million people"
    ("09_en_afghanistan-nrc-office-closures.txt", 2, "exactly"),         # "two operational centres"
    ("15_ru_uzbekistan-unhcr-ordered-out.txt", 2000, "nearly"),          # "почти двух тысяч беженцев"
])
def test_numbers_in_words_are_read(name, value, qualifier):
    assert (value, qualifier) in {(f.value, f.qualifier) for f in _figures(name)}


def test_a_range_is_one_figure_with_both_ends():
    figs = [f for f in _figures("01_en_iraq-icrc-first-detention-visit.txt") if f.value == 30000]
    assert len(figs) == 1 and figs[0].upper == 35000 and figs[0].unit == "prisoners"
    assert not any(f.value == 35000 for f in _figures("01_en_iraq-icrc-first-detention-visit.txt"))


def test_money_is_a_figure_never_people():
    figs = _figures("01_en_iraq-icrc-first-detention-visit.txt")
    money = {f.value: f for f in figs if f.money}
    assert 1_090_000_000 in money and money[1_090_000_000].unit == "Swiss francs"
    assert 973_200_000 in money  # "($973.2 million)"
    x = extract(DEV_CORPUS / "01_en_iraq-icrc-first-detention-visit.txt")
    reached = {c.object.key for c in x.claims if c.predicate == "kg:reached"}
    assert not any("1090000000" in k or "973200000" in k for k in reached)


@pytest.mark.parametrize("name, value", [
    ("23_az_bqxk-missing-3800.txt", 3800),    # "3,800-dən çox": a decimal comma, but a count is whole
    ("23_az_bqxk-missing-3800.txt", 11000),   # "11,000-ə yaxın"
    ("28_az_usaid-azqac-hygiene-kits.txt", 3600),
])
def test_three_digit_groups_after_a_decimal_comma_are_thousands(name, value):
    assert value in {f.value for f in _figures(name)}


@pytest.mark.parametrize("lang, text", [
    ("en", "The camp lies about 400 km south-west of the capital."),
    ("en", "Some 20% of the population was displaced."),
    ("en", "A 12-year-old girl and one of the most remote villages."),
    ("ru", "Лагерь находится примерно в 400 км от столицы."),
    ("az", "Əhalinin 20 faizi köçkündür."),
])
def test_distances_percentages_ages_and_generic_phrases_are_no_figures(lang, text):
    assert find_figures(Text(text), lang, LEXICON) == []


def test_a_figure_counts_the_activity_of_its_own_clause_or_none():
    text = Text("The agency traced over 2,000 unaccompanied children, reunited more than 750 families "
                "and handled 433,000 Red Cross messages.")
    figs = {f.value: f for f in find_figures(text, "en", LEXICON)}
    assert figs[2000].unit == "children" and figs[750].unit == "families" and figs[433000].unit == "messages"


def test_figures_of_the_first_corpus_keep_their_activity():
    x = extract(SOURCES / "003_362a282f5771ddaf.txt", "en")
    reached = {c.subject: c.object.key for c in x.claims if c.predicate == "kg:reached"}
    # "… through sessions in conflict-affected communities, reaching more than 2,000 people"
    assert any("2000" in figure for figure in reached.values())
    # "20 officials … benefited from training"
    assert any(figure.endswith("-20-officials") for figure in reached.values())


def test_a_headline_restating_a_figure_is_not_another_figure():
    x = extract(DEV_CORPUS / "25_az_bqxk-anama-mine-signs.txt")
    five_hundred = {c.subject for c in x.claims if c.predicate == "kg:value" and c.object.value == "500"}
    assert len(five_hundred) == 1
