"""The interface's own words in the three languages, and which language a request wants.

Labels of the graph's nodes come from the graph (``skos:prefLabel`` etc. with language
tags); these are only the words of the pages around them (headings, buttons).
"""

from __future__ import annotations

from flask import request

LANGUAGES: tuple[str, ...] = ("en", "ru", "az")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "az": "Azərbaycanca"}
COOKIE = "kg_lang"

_M: dict[str, tuple[str, str, str]] = {
    # key: (en, ru, az)
    "site": ("Humanitarian organisations knowledge graph", "Граф знаний о гуманитарных организациях",
             "Humanitar təşkilatlar bilik qrafı"),
    "home": ("Home", "Главная", "Ana səhifə"),
    "organisations": ("Organisations", "Организации", "Təşkilatlar"),
    "offices": ("Offices", "Офисы", "Ofislər"),
    "activities": ("Activities", "Деятельность", "Fəaliyyətlər"),
    "handovers": ("Handovers", "Передачи", "Təhvillər"),
    "closures": ("Closures", "Закрытия", "Bağlanmalar"),
    "documents": ("Documents", "Документы", "Sənədlər"),
    "places": ("Places", "Места", "Yerlər"),
    "events": ("Events", "События", "Hadisələr"),
    "mandates": ("Mandates", "Мандаты", "Mandatlar"),
    "instruments": ("Legal instruments", "Правовые документы", "Hüquqi sənədlər"),
    "partnerships": ("Partnerships", "Партнёрства", "Tərəfdaşlıqlar"),
    "memberships": ("Memberships", "Членство", "Üzvlüklər"),
    "referrals": ("Referrals", "Направления", "Yönləndirmələr"),
    "figures": ("Figures", "Числа", "Rəqəmlər"),
    "activity-types": ("Activity types", "Виды деятельности", "Fəaliyyət növləri"),
    "timeline": ("Timeline", "Хронология", "Xronologiya"),
    "classes": ("Classes", "Классы", "Siniflər"),
    "ontology": ("Ontology", "Онтология", "Ontologiya"),
    "search": ("Search", "Поиск", "Axtarış"),
    "search-placeholder": ("Name in any language: ICRC, МККК, BQXK-nın …", "Название на любом языке: ICRC, МККК, BQXK-nın …",
                           "İstənilən dildə ad: ICRC, МККК, BQXK-nın …"),
    "query": ("SPARQL query", "Запрос SPARQL", "SPARQL sorğusu"),
    "export": ("Export", "Экспорт", "İxrac"),
    "language": ("Language", "Язык", "Dil"),
    "names": ("Names", "Названия", "Adlar"),
    "preferred": ("Name", "Название", "Ad"),
    "other-names": ("Other names", "Другие названия", "Digər adlar"),
    "class": ("Class", "Класс", "Sinif"),
    "classes-of": ("Classes", "Классы", "Siniflər"),
    "facts": ("Facts", "Факты", "Faktlar"),
    "properties": ("Properties", "Свойства", "Xüsusiyyətlər"),
    "incoming": ("Incoming links", "Входящие связи", "Daxil olan əlaqələr"),
    "passages": ("Passages", "Фрагменты текста", "Mətn parçaları"),
    "passage": ("Passage", "Фрагмент", "Parça"),
    "more-passages": ("more passages", "ещё фрагменты", "daha çox parça"),
    "mentions": ("Named in the documents", "Упоминания в документах", "Sənədlərdə adı çəkilir"),
    "times": ("times", "раз", "dəfə"),
    "show-in-document": ("show in the document", "показать в документе", "sənəddə göstər"),
    "in-document": ("in", "в", "sənəd:"),
    "download": ("Data", "Данные", "Məlumat"),
    "connections": ("Who handed what to whom", "Кто что кому передал", "Kim nəyi kimə təhvil verdi"),
    "neighbourhood": ("Connections", "Связи", "Əlaqələr"),
    "legend-handover": ("handed over", "передано", "təhvil"),
    "legend-other": ("other links", "другие связи", "digər əlaqələr"),
    "how-name": ("a name", "название", "ad"),
    "how-inflected name": ("a name, inflected", "название в другой форме", "adın başqa forması"),
    "how-start of a name": ("start of a name", "начало названия", "adın başlanğıcı"),
    "how-words": ("words of a name", "слова названия", "adın sözləri"),
    "how-part of a name": ("part of a name", "часть названия", "adın bir hissəsi"),
    "rows": ("rows", "строк", "sətir"),
    "document": ("Document", "Документ", "Sənəd"),
    "text": ("Text", "Текст", "Mətn"),
    "facts-from-passages": ("Passages and the facts made from them", "Фрагменты и извлечённые из них факты",
                            "Parçalar və onlardan çıxarılan faktlar"),
    "facts-from-passage": ("Facts made from this passage", "Факты из этого фрагмента", "Bu parçadan çıxarılan faktlar"),
    "named-graph": ("What this document states (named graph)", "Что утверждает этот документ (именованный граф)",
                    "Bu sənədin dedikləri (adlı qraf)"),
    "statements": ("statements", "утверждений", "ifadə"),
    "title": ("Title", "Заголовок", "Başlıq"),
    "publisher": ("Publisher", "Издатель", "Nəşr edən"),
    "date": ("Date", "Дата", "Tarix"),
    "kind": ("Kind", "Вид", "Növ"),
    "identifier": ("File", "Файл", "Fayl"),
    "no-results": ("Nothing found.", "Ничего не найдено.", "Heç nə tapılmadı."),
    "results": ("results", "результатов", "nəticə"),
    "matched": ("matched", "совпало", "uyğun gəldi"),
    "all-of-kind": ("Everything of a kind", "Всё по видам", "Növlərə görə hamısı"),
    "label": ("Label", "Название", "Ad"),
    "run": ("Run", "Выполнить", "İcra et"),
    "examples": ("Competency questions", "Вопросы компетентности", "Səriştə sualları"),
    "example-choose": ("Choose an example…", "Выберите пример…", "Nümunə seçin…"),
    "not-found": ("Not found", "Не найдено", "Tapılmadı"),
    "not-in-graph": ("The graph says nothing about this IRI.", "Граф ничего не сообщает об этом IRI.",
                     "Qraf bu IRI haqqında heç nə demir."),
    "instances": ("Instances", "Экземпляры", "Nümunələr"),
    "period": ("Period", "Период", "Dövr"),
    "events-dated": ("Dated events", "События с датами", "Tarixli hadisələr"),
    "periods": ("Periods", "Периоды", "Dövrlər"),
    "quote-lang": ("language", "язык", "dil"),
    "graph": ("Named graph", "Именованный граф", "Adlı qraf"),
    "of-document": ("of the document", "документа", "sənədin"),
    "whole-graph": ("The whole graph", "Весь граф", "Bütün qraf"),
    "context": ("JSON-LD context", "Контекст JSON-LD", "JSON-LD konteksti"),
    "start": ("Where to start", "С чего начать", "Haradan başlamalı"),
    "about": ("Organisations, their offices, activities, mandates and handovers, drawn from documents in "
              "English, Russian and Azerbaijani; every statement points at the passage it comes from.",
              "Организации, их офисы, деятельность, мандаты и передача работы — из документов на английском, "
              "русском и азербайджанском; каждое утверждение указывает на фрагмент текста, из которого оно взято.",
              "Təşkilatlar, onların ofisləri, fəaliyyətləri, mandatları və işlərin təhvili — ingilis, rus və "
              "Azərbaycan dillərindəki sənədlərdən; hər ifadə götürüldüyü mətn parçasına istinad edir."),
}

#: Headings for facts that point at the entity (incoming links), by the linking property.
REVERSE_HEADINGS: dict[str, tuple[str, str, str]] = {
    "http://www.w3.org/ns/org#unitOf": ("Offices and delegations", "Офисы и делегации", "Ofislər və nümayəndəliklər"),
    "https://w3id.org/humanitarian-kg/ontology#performedBy": ("Activities", "Деятельность", "Fəaliyyətlər"),
    "https://w3id.org/humanitarian-kg/ontology#giver": ("Handovers given", "Переданная работа", "Təhvil verdikləri"),
    "https://w3id.org/humanitarian-kg/ontology#receiver": ("Handovers received", "Принятая работа", "Təhvil aldıqları"),
    "https://w3id.org/humanitarian-kg/ontology#mandateOf": ("Mandates", "Мандат", "Mandat"),
    "http://www.w3.org/ns/org#member": ("Memberships", "Членство", "Üzvlük"),
    "http://www.w3.org/ns/org#organization": ("Members", "Члены", "Üzvlər"),
    "https://w3id.org/humanitarian-kg/ontology#partner": ("Partnerships", "Партнёрства", "Tərəfdaşlıqlar"),
    "https://w3id.org/humanitarian-kg/ontology#referredBy": ("Referrals made", "Направляет к другим", "Yönləndirmələri"),
    "https://w3id.org/humanitarian-kg/ontology#referTo": ("Referrals received", "К ним направляют", "Ona yönləndirilənlər"),
    "https://w3id.org/humanitarian-kg/ontology#signatory": ("Agreements signed", "Подписанные соглашения", "İmzaladığı sazişlər"),
    "https://w3id.org/humanitarian-kg/ontology#decidedBy": ("Decisions", "Решения", "Qərarlar"),
    "https://w3id.org/humanitarian-kg/ontology#closedUnit": ("Closure", "Закрытие", "Bağlanma"),
    "https://w3id.org/humanitarian-kg/ontology#openedUnit": ("Opening", "Открытие", "Açılma"),
    "https://w3id.org/humanitarian-kg/ontology#handedOverActivity": ("Handed over in", "Передана в рамках", "Təhvil edildiyi"),
    "https://w3id.org/humanitarian-kg/ontology#inPlace": ("Here", "Здесь", "Burada"),
    "https://w3id.org/humanitarian-kg/ontology#activityType": ("Activities of this type", "Деятельность этого вида",
                                                             "Bu növdən olan fəaliyyətlər"),
    "https://w3id.org/humanitarian-kg/ontology#concerns": ("Events", "События", "Hadisələr"),
    "https://w3id.org/humanitarian-kg/ontology#groundedIn": ("Grounds for", "Основание для", "Əsası olduğu"),
    "https://w3id.org/humanitarian-kg/ontology#establishedBy": ("Establishes", "Устанавливает", "Təsis edir"),
    "https://w3id.org/humanitarian-kg/ontology#hasEvidence": ("Facts made from this passage", "Факты из этого фрагмента",
                                                            "Bu parçadan çıxarılan faktlar"),
}

#: The order of the incoming-fact groups on a page (others follow, by heading).
REVERSE_ORDER = list(REVERSE_HEADINGS)


def t(key: str, lang: str) -> str:
    row = _M.get(key)
    if row is None:
        return key
    return row[LANGUAGES.index(lang) if lang in LANGUAGES else 0]


def heading(prop: str, lang: str) -> str | None:
    row = REVERSE_HEADINGS.get(prop)
    if row is None:
        return None
    return row[LANGUAGES.index(lang) if lang in LANGUAGES else 0]


def _from_accept_language(header: str | None) -> str | None:
    best, best_q = None, 0.0
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        tag = fields[0].lower()
        if not tag:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def request_language() -> str:
    """?lang= first, then the language chosen before (cookie), then Accept-Language, then en."""
    try:
        asked = request.args.get("lang", "")
    except RuntimeError:  # outside a request
        return "en"
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return _from_accept_language(request.headers.get("Accept-Language")) or "en"


def messages(lang: str) -> dict[str, str]:
    return {k: t(k, lang) for k in _M}
