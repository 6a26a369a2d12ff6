"""The humanitarian sectors and modalities as activity types (the IASC clusters, cash and
in-kind assistance, refugee protection and durable solutions, disaster response and
preparedness: ontology/activity-types.ttl), read in-process from real documents of the
development corpus and from documents of our own writing in each language; words that name
a price, a need, or the people who do the work are no activity."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import pytest

from conftest import DEV_CORPUS, ROOT, extract

DOCUMENTS = ROOT / "tests" / "documents"


@lru_cache(maxsize=None)
def _run(path):
    return extract(path)


def _dev(stem: str):
    return _run(next(DEV_CORPUS.glob(f"{stem}_*.txt")))


def _activities(x) -> set[tuple[str, str, str | None]]:
    """(organisation, type, place) of every activity the extraction states."""
    g: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for c in x.claims:
        if c.subject.startswith("activity/"):
            g[c.subject][c.predicate].add(getattr(c.object, "key", None) or c.object.value)
    return {(org, t.removeprefix("at:"), place)
            for v in g.values() for org in v["kg:performedBy"] for t in v["kg:activityType"]
            for place in (v["kg:inPlace"] or {None})}


def _hits(x) -> list[tuple[str, str]]:
    """(type, words) of every activity term found."""
    return [(h.type, x.doc.text.norm[h.start:h.end]) for h in x.doc.activity_hits]


def _types_of(x, org: str) -> set[str]:
    return {t for o, t, _ in _activities(x) if o == org}


# ---------------------------------------------------------------------------
# the development corpus: other organisations' work, in their own words
# ---------------------------------------------------------------------------


def test_school_feeding_is_a_kind_of_food_assistance_found_in_a_programme_name():
    """WFP's School Feeding Programme in Armenia: the programme (not an organisation) names
    the work, in the country and in the province the text lists."""
    x = _dev("06")
    acts = _activities(x)
    assert ("organisation/wfp", "school-feeding", "place/armenia") in acts
    assert any(o == "organisation/wfp" and t == "school-feeding" and p not in (None, "place/armenia")
               for o, t, p in acts), acts
    assert not any(m.kind == "organisation" and "Feeding" in m.exact for m in x.doc.mentions)


def test_food_and_humanitarian_aid_in_russian_inflected():
    """"гуманитарную помощь", "гуманитарной помощи" (the scheme's nominative label alone
    missed them) sent to three cities; the aid's food ("продукты питания") and the Tajik
    Red Crescent's "помощь в виде продуктов питания" are food assistance."""
    rrc = _activities(_dev("18"))
    for city in ("place/saratov", "place/voronezh", "place/rostov-on-don"):
        assert ("organisation/russian-red-cross", "assistance", city) in rrc, (city, rrc)
    assert "food-assistance" in {t for o, t, _ in rrc if o == "organisation/russian-red-cross"}
    tajik = _activities(_dev("22"))
    assert ("organisation/tajikistan-red-crescent-society", "food-assistance", "place/tajikistan") in tajik


def test_hygiene_items_in_azerbaijani_are_relief_items():
    x = _dev("28")
    assert ("relief-items", "gigiyena əşyalarının") in _hits(x)
    assert any(t == "relief-items" and p == "place/baku" for _, t, p in _activities(x))


def test_medical_care_but_not_the_people_who_give_aid():
    """MSF's "medical help" in Somalia is health care; "humanitarian aid workers" name people
    (the term modifies a noun of the language's actor_heads), not aid given in Nairobi."""
    x = _dev("08")
    acts = _activities(x)
    assert ("organisation/msf", "health", "place/somalia") in acts
    workers = x.doc.text.norm.index("humanitarian aid workers")
    assert not any(h.start <= workers < h.end for h in x.doc.activity_hits)
    assert not any(p == "place/nairobi" for _, _, p in acts)


def test_refugee_protection_and_durable_solutions_in_english_and_russian():
    """UNHCR: "to protect refugees and asylum seekers", "helped 220,000 people to return
    home" (Timor-Leste); "по защите прав беженцев", "переселение … беженцев" (Uzbekistan)."""
    timor = _dev("02")
    assert ("organisation/unhcr", "refugee-protection", "place/timor-leste") in _activities(timor)
    assert any(t == "voluntary-return" and "return home" in w for t, w in _hits(timor))
    # the return is to Timor-Leste, which its paragraph named; not to the country the
    # paragraph says people gained independence "from" (a place in the ablative is an origin)
    returns = {p for _, t, p in _activities(timor) if t == "voluntary-return"}
    assert returns == {"place/timor-leste"}, returns
    uzbek = _dev("15")
    assert ("organisation/unhcr", "refugee-protection", "place/uzbekistan") in _activities(uzbek)
    assert "resettlement" in _types_of(uzbek, "organisation/unhcr")


def test_coordination_preparedness_and_disaster_response():
    """OCHA "support coordination of assistance", "help governments prepare for disasters",
    "coordinate humanitarian aid" (the coordination, not the aid); the UN's "responding to
    massive floods"."""
    x = _dev("11")
    ocha = _types_of(x, "organisation/ocha")
    assert {"coordination", "disaster-preparedness"} <= ocha
    assert ("coordination", "coordinate humanitarian aid") in _hits(x)
    assert ("disaster-response", "responding to massive floods") in _hits(x)


# ---------------------------------------------------------------------------
# documents of our own writing (tests/documents), one per language
# ---------------------------------------------------------------------------

OWN = {
    "en_krcs_kenya.txt": ("organisation/kenya-red-cross-society", {
        ("disaster-response", "place/garissa"), ("food-assistance", "place/garissa"),
        ("relief-items", "place/garissa"), ("water-sanitation-hygiene", "place/garissa"),
        ("hygiene-promotion", "place/garissa"), ("health", None), ("vaccination", None)}),
    "ru_krcs_kazakhstan.txt": ("organisation/kazakhstan-red-crescent-society", {
        ("food-assistance", "place/almaty"), ("relief-items", "place/almaty"),
        ("school-feeding", "place/almaty"), ("legal-assistance", None), ("health", None)}),
    "az_grcs_georgia.txt": ("organisation/georgia-red-cross-society", {
        ("food-assistance", None), ("relief-items", None), ("health", "place/marneuli"), ("vaccination", None)}),
}


@pytest.mark.parametrize("name", sorted(OWN))
def test_sectors_in_documents_of_our_own_writing(name):
    """Food parcels, hygiene kits, water trucking, medical care, vaccination, school feeding,
    legal aid, each in the words of its language (None: any place)."""
    x = _run(DOCUMENTS / name)
    org, expected = OWN[name]
    acts = _activities(x)
    for kind, place in expected:
        assert any(o == org and t == kind and (place is None or p == place) for o, t, p in acts), (kind, place, acts)
    # the closing sentence, about food prices, states no activity
    last = x.doc.sentences[-1]
    assert not [h for h in x.doc.activity_hits if last.start <= h.start < last.end], _hits(x)


def test_a_hygiene_session_gathers_its_audience():
    """hygiene-promotion is kg:gathersAudience: the mothers who attended are its audience."""
    x = _run(DOCUMENTS / "en_krcs_kenya.txt")
    g: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for c in x.claims:
        g[c.subject][c.predicate].add(getattr(c.object, "key", None) or c.object.value)
    (session,) = [k for k, v in g.items() if "at:hygiene-promotion" in v["kg:activityType"]]
    assert g[session]["kg:audience"]
    assert {k for a in g[session]["kg:audience"] for k in g[a]["kg:groupKind"]} == {"gk:women"}


@pytest.mark.parametrize("lang, text", [
    ("en", "Food prices rose sharply in Kenya in March. The price of drinking water doubled. "
           "More children in Kenya are dying from malnutrition. Humanitarian aid workers left Kenya."),
    ("ru", "Цены на продукты питания в Казахстане выросли. Стоимость непродовольственных товаров "
           "в Казахстане тоже выросла. В Казахстане растёт недоедание среди детей."),
    ("az", "Gürcüstanda ərzaq qiymətləri artıb. Minimum ərzaq səbətinin dəyəri də qalxıb. "
           "Humanitar yardım işçiləri Gürcüstandan çıxıb."),
])
def test_a_price_a_need_or_aid_workers_are_no_activity(tmp_path, lang, text):
    path = tmp_path / f"{lang}_prices.txt"
    path.write_text(text, encoding="utf-8")
    x = extract(path, lang=lang, publisher="")
    assert not x.doc.activity_hits, _hits(x)
    assert not _activities(x)


def test_what_people_lost_is_no_activity():
    """'… thousands of experienced Afghan staff that have lost their livelihoods': the term
    names what people had and lost (the object of a verb of losing), not work the NRC did."""
    x = _dev("09")
    assert not any(t == "livelihoods" for _, t, _ in _activities(x)), _activities(x)
    # the figure stays attached: it counts the people who lost them
    counted = {c.subject for c in x.claims if c.predicate == "kg:count"}
    labels = {c.object.value for c in x.claims if c.subject in counted and c.predicate == "skos:prefLabel"}
    assert "experienced Afghan staff" in labels


@pytest.mark.parametrize("lang, lost, done", [
    ("en", "The Norwegian Refugee Council supports families in Afghanistan who have lost their livelihoods.",
     "The Norwegian Refugee Council supports livelihoods in Afghanistan."),
    ("ru", "Норвежский совет по делам беженцев помогает семьям в Афганистане, которые потеряли средства к существованию.",
     "Норвежский совет по делам беженцев поддерживает средства к существованию в Афганистане."),
    ("az", "Norveç Qaçqınlar Şurası Əfqanıstanda dolanışıq vasitələrini itirən ailələrə kömək edir.",
     "Norveç Qaçqınlar Şurası Əfqanıstanda ailələrə dolanışıq dəstəyi göstərir."),
])
def test_what_people_lost_is_no_activity_in_each_language(tmp_path, lang, lost, done):
    def livelihoods(text):
        path = tmp_path / f"{lang}_own.txt"
        path.write_text(text, encoding="utf-8")
        return {a for a in _activities(extract(path, lang=lang, publisher="")) if a[1] == "livelihoods"}

    assert not livelihoods(lost)
    assert livelihoods(done) == {("organisation/norwegian-refugee-council", "livelihoods", "place/afghanistan")}
