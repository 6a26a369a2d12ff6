"""Temporal expressions and figures: on the five real documents, on sentences written for
these tests in each language, and on bad input."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from kg.annotate.dates import TimeExpression, find_time_expressions
from kg.annotate.figures import QUALIFIERS, Figure, find_figures
from kg.text import Text

from conftest import ROOT, SOURCES

LEXICON = ROOT / "data" / "lexicon"
META = json.loads((SOURCES / "metadata.json").read_text(encoding="utf-8"))
DOCS = sorted(p.name for p in SOURCES.glob("*.txt"))


def doc(prefix: str) -> tuple[Text, str]:
    name = next(n for n in DOCS if n.startswith(prefix))
    return Text((SOURCES / name).read_text(encoding="utf-8")), META[name]["language"]


def times(text: Text, lang: str) -> list[TimeExpression]:
    return find_time_expressions(text, lang, LEXICON)


def figures(text: Text, lang: str) -> list[Figure]:
    return find_figures(text, lang, LEXICON)


def readings(exprs: list[TimeExpression]) -> set[tuple]:
    """(kind, value, precision) for points, (kind, begin, end_value, precision) for intervals."""
    return {
        ("interval", t.begin, t.end_value, t.precision) if t.kind == "interval" else (t.kind, t.value, t.precision)
        for t in exprs
    }


def fig_readings(figs: list[Figure]) -> set[tuple]:
    return {(f.value, f.qualifier, f.unit) for f in figs}


# -- the real documents ------------------------------------------------------------------

def test_000_russian_press_release():
    text, lang = doc("000")
    found = times(text, lang)
    assert ("instant", "2025-09-03", "day") in readings(found)
    assert ("start", "1992", "year") in readings(found)
    assert ("instant", "1949", "year") in readings(found)  # "Женевских конвенциях 1949 г."
    assert {t.surface for t in found} == {"3 сентября 2025 года", "С 1992 года", "1949 г."}
    assert figures(text, lang) == []


def test_001_english_faq():
    text, lang = doc("001")
    found = times(text, lang)
    assert ("instant", "2025-09", "month") in readings(found)
    assert ("start", "1992", "year") in readings(found)
    assert ("interval", "2020", "2023", "year") in readings(found)  # "between 2020 and 2023"
    # "For over 30 years" and "more than three decades" are durations, not dates or figures
    assert not any("30" in t.surface for t in found)
    assert figures(text, lang) == []


def test_002_azerbaijani_faq():
    text, lang = doc("002")
    found = times(text, lang)
    surfaces = {t.surface: t for t in found}
    # the PDF breaks "sentyabr / ayında" over lines; the normalised text joins them
    month = surfaces["2025-ci ilin sentyabr ayında"]
    assert (month.kind, month.value, month.precision) == ("instant", "2025-09", "month")
    assert (surfaces["1992-ci ildən"].kind, surfaces["1992-ci ildən"].value) == ("start", "1992")
    assert (surfaces["1992-ci ildən bəri"].kind, surfaces["1992-ci ildən bəri"].value) == ("start", "1992")
    # "2020 və 2023-cü ilin eskalasiyaları": the escalations of 2020 and of 2023, two years
    assert (surfaces["2020"].kind, surfaces["2020"].value) == ("instant", "2020")
    assert (surfaces["2023-cü ilin"].kind, surfaces["2023-cü ilin"].value) == ("instant", "2023")
    assert not any(t.surface.startswith("30") for t in found)  # "30 ildən çox müddətdir": a duration
    assert figures(text, lang) == []  # "30 ildən çox" is a duration, "onlarla" is "with them"


def test_003_english_activity_report():
    text, lang = doc("003")
    found = times(text, lang)
    halves = [t for t in found if t.surface == "first half of 2024"]
    assert len(halves) == 2  # the title, twice
    assert all((t.kind, t.begin, t.end_value, t.precision) == ("interval", "2024-01", "2024-06", "month") for t in halves)
    end = next(t for t in found if t.kind == "end_bound")
    assert (end.surface, end.value, end.precision) == ("By the end of June 2024", "2024-06", "month")
    assert len(found) == 3  # no date for "357", "3,000", "10,000" ...

    figs = figures(text, lang)
    assert fig_readings(figs) == {
        (20, "exactly", "officials"),
        (357, "approximately", "home visits"),
        (3000, "nearly", "people"),
        (700, "moreThan", "people"),
        (2000, "moreThan", "people"),
        (10000, "approximately", "community members"),
    }
    by_value = {f.value: f for f in figs}
    assert by_value[357].surface == "around 357 home visits"
    assert text.norm[by_value[3000].number_start:by_value[3000].number_end] == "3,000"
    assert by_value[3000].surface == "Nearly 3,000 people"


def test_004_english_programme_page():
    text, lang = doc("004")
    found = times(text, lang)
    r = readings(found)
    for expected in [
        ("instant", "2000-06-01", "day"),
        ("instant", "2000-06-09", "day"),
        ("instant", "2000-06-23", "day"),
        ("start", "1998-01-01", "day"),
        ("instant", "1997-06", "month"),
        ("instant", "2000-08", "month"),
        ("instant", "2000-10", "month"),
        ("start", "1992", "year"),
    ]:
        assert expected in r, expected
    friday = next(t for t in found if t.value == "2000-06-23")
    assert (friday.surface, friday.weekday) == ("Friday 23 June 2000", "friday")
    duration = next(t for t in found if t.value == "1998-01-01")
    assert duration.surface == "01.01.1998 - present"

    figs = figures(text, lang)
    assert fig_readings(figs) == {
        (390, "moreThan", "persons"),
        (2300, "exactly", "persons"),
        (None, "several", "persons"),
    }
    several = next(f for f in figs if f.qualifier == "several")
    assert several.surface == "several thousand persons"
    # the phone numbers "(055) 669 68 89" and the dates' digits are not figures
    assert not any(f.surface[0].isdigit() and f.value in (55, 669, 68, 89, 1, 9, 23) for f in figs)


@pytest.mark.parametrize("name", DOCS)
def test_spans_are_consistent_and_map_back_to_the_original(name):
    text = Text((SOURCES / name).read_text(encoding="utf-8"))
    lang = META[name]["language"]
    found = times(text, lang)
    figs = figures(text, lang)
    for item in [*found, *figs]:
        assert text.norm[item.start:item.end] == item.surface
        s, e = text.to_original(item.start, item.end)
        original = text.original[s:e]
        # same characters, modulo whitespace (PDF line breaks) and quote/dash normalisation
        assert re.sub(r"\s+", " ", Text(original).norm) == re.sub(r"\s+", " ", item.surface), (item, original)
    for f in figs:
        assert f.qualifier in QUALIFIERS
        assert f.start <= f.number_start < f.number_end <= f.end
        # no figure is a year or sits inside a date
        assert not any(t.start < f.number_end and f.number_start < t.end for t in found), f
        assert f.unit not in ("years", "year", "decades", "лет", "il", "ildən")
    # spans do not overlap and come in order
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    for t in found:
        assert t.kind in ("instant", "interval", "start", "end_bound")
        if t.kind == "interval":
            assert t.begin and t.end_value and t.value is None
        else:
            assert t.value and t.precision in ("day", "month", "year")


# -- sentences written for these tests ---------------------------------------------------

@pytest.mark.parametrize(
    "lang, sentence, expected",
    [
        ("en", "The office in Gəncə closed on 15 March 2021.", ("instant", "2021-03-15", "day")),
        ("en", "Talks resumed on Wednesday, March 3, 2021 in Geneva.", ("instant", "2021-03-03", "day")),
        ("en", "The clinic opened in May 2019.", ("instant", "2019-05", "month")),
        ("en", "The depot was built in 1975.", ("instant", "1975", "year")),
        ("en", "Work has continued since April 2003.", ("start", "2003-04", "month")),
        ("en", "Stocks must be delivered by the end of March 2026.", ("end_bound", "2026-03", "month")),
        ("en", "Costs rose in the second quarter of 2022.", ("interval", "2022-04", "2022-06", "month")),
        ("en", "Figures for Q4 2021 are lower.", ("interval", "2021-10", "2021-12", "month")),
        ("en", "The camps ran from 2015 to 2018.", ("interval", "2015", "2018", "year")),
        ("en", "The 2010-2012 drought hit the north.", ("interval", "2010", "2012", "year")),
        ("ru", "Офис закрылся 15 марта 2021 года.", ("instant", "2021-03-15", "day")),
        ("ru", "Склад открыли в мае 2019 года.", ("instant", "2019-05", "month")),
        ("ru", "Работа ведётся с 2003 года.", ("start", "2003", "year")),
        ("ru", "Поставки завершатся к концу марта 2026 года.", ("end_bound", "2026-03", "month")),
        ("ru", "Лагеря работали с 2015 по 2018 год.", ("interval", "2015", "2018", "year")),
        ("ru", "В 2010–2012 годах была засуха.", ("interval", "2010", "2012", "year")),
        ("ru", "Отчёт за первое полугодие 2022 года готов.", ("interval", "2022-01", "2022-06", "month")),
        ("az", "Ofis 2021-ci il martın 15-də bağlandı.", ("instant", "2021-03-15", "day")),
        ("az", "Ofis 15 mart 2021-ci il tarixində bağlandı.", ("instant", "2021-03-15", "day")),
        ("az", "Anbar 2019-cu ilin may ayında açıldı.", ("instant", "2019-05", "month")),
        ("az", "İş 2003-cü ildən bəri davam edir.", ("start", "2003", "year")),
        ("az", "Tədarük 2026-cı ilin mart ayının sonunadək başa çatacaq.", ("end_bound", "2026-03", "month")),
        ("az", "Düşərgələr 2015-ci ildən 2018-ci ilədək işləyib.", ("interval", "2015", "2018", "year")),
        ("az", "Hesabat 2022-ci ilin birinci yarısını əhatə edir.", ("interval", "2022-01", "2022-06", "month")),
    ],
)
def test_own_sentences_dates(lang, sentence, expected):
    found = times(Text(sentence), lang)
    assert expected in readings(found), (sentence, found)
    assert len(found) == 1, found


@pytest.mark.parametrize(
    "lang, sentence, expected",
    [
        ("en", "The team reached about 1,200 families in the valley.", (1200, "approximately", "families")),
        ("en", "At least 45 volunteers joined.", (45, "atLeast", "volunteers")),
        ("en", "Fewer than 80 households applied.", (80, "lessThan", "households")),
        ("en", "Some 2.5 million people live there.", (2500000, "approximately", "people")),
        ("en", "Hundreds of families waited.", (None, "several", "families")),
        ("ru", "Помощь получили около 500 семей.", (500, "approximately", "семей")),
        ("ru", "Обучение прошли не менее 40 волонтёров.", (40, "atLeast", "волонтёров")),
        ("ru", "В лагере живут свыше 1 200 человек.", (1200, "moreThan", "человек")),
        ("ru", "Почти 3000 человек получили помощь.", (3000, "nearly", "человек")),
        ("az", "Yardımı təxminən 500 ailə aldı.", (500, "approximately", "ailə")),
        ("az", "Təlimdə 40-dan çox könüllü iştirak etdi.", (40, "moreThan", "könüllü")),
        ("az", "Düşərgədə 1200-ə yaxın insan yaşayır.", (1200, "nearly", "insan")),
        ("az", "Təlimdə 12 nəfər məmur iştirak etdi.", (12, "exactly", "məmur")),
    ],
)
def test_own_sentences_figures(lang, sentence, expected):
    figs = figures(Text(sentence), lang)
    assert fig_readings(figs) == {expected}, (sentence, figs)


@pytest.mark.parametrize(
    "lang, sentence",
    [
        ("en", "The programme has run for over 25 years."),  # a duration
        ("en", "It lasted 18 months in 2019 and 2020."),
        ("en", "Call (012) 345 67 89 for help."),  # a phone number
        ("en", "See page 3 of the report, section 12."),  # bare numbers
        ("en", "Up to 500 people may come."),  # an upper bound: no qualifier for it
        ("ru", "Программа работает более 25 лет."),
        ("ru", "Звоните по телефону (012) 345 67 89."),
        ("az", "Proqram 25 ildən çox müddətdir davam edir."),
        ("az", "Layihə 18 ay çəkdi."),
    ],
)
def test_durations_phone_numbers_and_bare_numbers_are_not_figures(lang, sentence):
    assert figures(Text(sentence), lang) == []


def test_counts_and_durations_are_not_dates():
    for lang, sentence in [
        ("en", "About 357 visits and 3,000 people, 2,300 persons, over 30 years."),
        ("ru", "Около 357 визитов и 3000 человек, более 30 лет."),
        ("az", "357 başçəkmə, 3000 nəfər, 30 ildən çox."),
    ]:
        assert times(Text(sentence), lang) == [], sentence


# -- bad and odd input -------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_empty_and_blank_text(lang):
    for raw in ["", "   ", "\n\n", "\x00"]:
        assert times(Text(raw), lang) == []
        assert figures(Text(raw), lang) == []


def test_impossible_day_is_not_a_day():
    for lang, sentence in [("en", "It ended on 31 February 2020."), ("ru", "Это было 31 февраля 2020 года."),
                           ("az", "Bu 31 fevral 2020-ci il idi.")]:
        found = times(Text(sentence), lang)
        assert all(t.precision != "day" for t in found), found
        assert all(t.value in (None, "2020-02") for t in found), found  # at most the month remains


def test_unknown_language_and_huge_numbers_do_not_crash():
    assert times(Text("On 1 June 2000"), "fr") == []
    assert figures(Text("more than 5 people"), "fr") == []
    text = Text("1" * 6000 + " people, " + "2020-" * 500)
    assert figures(text, "en") == []
    times(text, "en")


def test_backwards_interval_is_not_an_interval():
    assert not any(t.kind == "interval" for t in times(Text("between 2023 and 2020"), "en"))


def test_data_files_hold_only_strings_where_words_are_expected():
    # YAML 1.1 reads a bare `on`/`no`/`yes` as a boolean: every word must stay a string
    def words(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("units", "scales", "fractions") and isinstance(v, dict):
                    yield from v  # number words: the words are the keys ("on": 10 in Azerbaijani)
                elif k == "relative":
                    yield from words([list(t.values()) for t in v.values()])
                elif k not in ("suffixing", "before", "months", "halves", "quarters", "multipliers", "three_digit_groups"):
                    yield from words(v)
                elif k in ("months", "halves", "quarters"):
                    yield from words(list(v.values()))
        elif isinstance(node, list):
            for v in node:
                yield from words(v)
        else:
            yield node

    for name in ("dates.yaml", "figures.yaml"):
        data = yaml.safe_load((LEXICON / name).read_text(encoding="utf-8"))
        bad = [w for w in words(data) if not isinstance(w, str)]
        assert bad == [], (name, bad)
