"""Names and dates as the pages give them (kg.web.graph: names, grammar, dates), on the real
store of the session: generated names composed per language by grammar, never by gluing
labels together; dates in words, saying which document gives which precision."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT

BASE = "http://localhost:8000/id/"


@pytest.fixture(scope="module")
def grammar():
    from kg.resources import load_resources
    from kg.web.graph.grammar import Grammar
    from kg.web.graph.names import load_templates

    lexicon = ROOT / "data" / "lexicon"
    _, letters = load_templates(lexicon)
    return Grammar(load_resources(lexicon).morph, letters)


@pytest.fixture(scope="module")
def namers(store, grammar):
    from kg.web.graph.names import Namer, load_templates
    from kg.web.graph.reader import GraphReader

    g = GraphReader(store, "http://localhost:8000/")
    templates, _ = load_templates(ROOT / "data" / "lexicon")
    return {lang: Namer(g, lang, templates, grammar) for lang in ("en", "ru", "az")}


@pytest.mark.parametrize("lang,phrase,features,expected", [
    ("ru", "поиск и идентификация человеческих останков", ["gent"], "поиска и идентификации человеческих останков"),
    ("ru", "Международная Федерация обществ Красного Креста и Красного Полумесяца", ["loct"],
     "Международной Федерации обществ Красного Креста и Красного Полумесяца"),
    ("ru", "МККК", ["gent"], "МККК"),
    ("ru", "Азербайджан", ["loct"], "Азербайджане"),
    ("az", "Azərbaycan", ["loc_adj"], "Azərbaycandakı"),
    ("az", "Bərdə", ["loc_adj"], "Bərdədəki"),
    ("az", "Bərdə", ["dat"], "Bərdəyə"),
    ("az", "BQXK", ["gen"], "BQXK-nın"),
    ("az", "BQXK", ["abl"], "BQXK-dan"),
    ("az", "Dövlət Komissiyası", ["dat"], "Dövlət Komissiyasına"),
    ("az", "nümayəndəlik", ["poss", "gen"], "nümayəndəliyinin"),
    ("az", "ofis", ["poss"], "ofisi"),
    ("en", "office", ["gent"], "office"),
])
def test_grammar_puts_names_in_a_case(grammar, lang, phrase, features, expected):
    assert grammar.inflect(lang, phrase, features) == expected


def test_russian_v_before_a_cluster(grammar):
    assert grammar.tidy("ru", "офис в Владикавказе") == "офис во Владикавказе"
    assert grammar.tidy("ru", "офис в Баку") == "офис в Баку"


@pytest.mark.parametrize("node,lang,expected", [
    ("closure/office-icrc-azerbaijan", "en", "Withdrawal of the ICRC delegation in Azerbaijan"),
    ("closure/office-icrc-azerbaijan", "ru", "Уход делегации МККК в Азербайджане"),
    ("closure/office-icrc-azerbaijan", "az", "BQXK-nın Azərbaycandakı nümayəndəliyinin çıxması"),
    ("opening/office-icrc-armenia", "ru", "Открытие делегации МККК в Армении"),
    ("opening/office-icrc-armenia", "az", "BQXK-nın Ermənistandakı nümayəndəliyinin açılması"),
    ("mandate/icrc", "az", "BQXK-nın mandatı"),
    ("agreement/2000-06-01-icrc", "ru", "Соглашение от 1 июня 2000 г."),
    ("visit/first-under-2000-06-01-icrc", "ru", "Посещение по соглашению от 1 июня 2000 г."),
])
def test_generated_names_by_grammar(namers, node, lang, expected):
    label = namers[lang].name(ox.NamedNode(BASE + node))
    assert label.text == expected and label.lang == lang and not label.fallback


def test_a_name_needing_another_language_is_marked(namers):
    """The Ministry of Justice has no Russian name: the signature's Russian name marks the part
    in English, piece by piece, so that the page can give it its language."""
    label = namers["ru"].name(ox.NamedNode(BASE + "signature/2000-06-01-ministry-of-justice-azerbaijan"))
    assert label.text.startswith("Подписание соглашения от 1 июня 2000 г.")
    assert label.fallback and label.mixed == "en"
    assert ("Ministry of Justice of the Republic of Azerbaijan", "en") in label.parts
    assert "".join(t for t, _ in label.parts) == label.text


def test_a_period_says_which_document_gives_which_end(namers):
    office_period = ox.NamedNode(BASE + "period/office-icrc-azerbaijan")
    assert namers["en"].name(office_period).text == "1992 – 3 Sep 2025 (ru) · Sep 2025 (en, az)"
    assert namers["ru"].name(office_period).text == "1992 г. – 3 сентября 2025 г. (ru) · сентябрь 2025 г. (en, az)"
    assert namers["az"].name(office_period).text == "1992 – 3 sentyabr 2025 (ru) · sentyabr 2025 (az, en)"


@pytest.mark.parametrize("value,lang,expected", [
    ("2025-09-03", "en", "3 Sep 2025"), ("2025-09", "en", "Sep 2025"), ("1992", "en", "1992"),
    ("2025-09-03", "ru", "3 сентября 2025 г."), ("2024-06", "ru", "июнь 2024 г."),
    ("2000-06-01", "az", "1 iyun 2000"), ("not a date", "en", "not a date"),
])
def test_human_dates(value, lang, expected):
    from kg.web.graph.dates import human_date

    assert human_date(value, lang) == expected


def test_every_interface_text_is_in_three_languages():
    import yaml
    from kg.web.graph import i18n

    table = yaml.safe_load(Path(i18n.MESSAGES_FILE).read_text(encoding="utf-8"))
    for key, row in table.items():
        assert set(row) == {"en", "ru", "az"}, key
        if isinstance(row["en"], list):
            assert all(len(row[lang]) == len(row["en"]) for lang in ("ru", "az")), key
