"""Competency questions CQ16–CQ30: the roles of activities and events, over both corpora.

Each query in ``queries/cqNN.rq`` is sent as is to the SPARQL endpoint of a real server that
serves one build of the first corpus (data/sources) and the development corpus
(tests/corpus/dev) together (conftest ``server_both``), and the answer is checked against what
the documents say. The answers come from structured facts — classes, roles, groups and their
kinds, figures, periods, named graphs — never from searching the quoted text.

Where the extraction does not emit what a question needs, its test is a strict xfail naming
what is missing, so it turns into a failure — to be unmarked — as soon as the extraction gives
the answer. The queries are also run on tests/fixtures/valid/complete.ttl, which has every role
(some the corpora never state, such as to whom an offer is made), to show they answer them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from test_competency import AT, BASE, GOV_AZ, ICRC, ID, KG, STATE_COMMISSION, XSD, Row, post_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
COMPLETE = ROOT / "tests" / "fixtures" / "valid" / "complete.ttl"

ORG = ID + "organisation/"
UNHCR = ORG + "unhcr"
GK = "https://w3id.org/humanitarian-kg/group-kind/"

ROLE_CQS = [f"cq{n}" for n in range(16, 31)]


@pytest.fixture(scope="module")
def cq(server_both):
    """cq("cq16") -> the rows the endpoint returns for queries/cq16.rq (cached per module)."""

    @lru_cache(maxsize=None)
    def run(name: str) -> tuple[Row, ...]:
        r = post_query(server_both, (QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
        assert r.status_code == 200, f"{name}: HTTP {r.status_code}: {r.text[:2000]}"
        assert r.headers["Content-Type"].startswith("application/sparql-results+json")
        return tuple(Row(b) for b in r.json()["results"]["bindings"])

    return run


@lru_cache(maxsize=1)
def languages() -> dict[str, str]:
    """Document file name -> language, from both corpora's metadata."""
    out = {}
    for meta in (ROOT / "data" / "sources" / "metadata.json", ROOT / "tests" / "corpus" / "dev" / "metadata.json"):
        out.update({name: info["language"] for name, info in json.loads(meta.read_text(encoding="utf-8")).items()})
    return out


def docs(row: Row, var: str = "documents") -> set[str]:
    """Stems' prefixes ("001", "15") of the documents a row names."""
    return {name.split("_")[0] for name in row.get(var, "").split()}


def doc(row: Row) -> str:
    return row.get("document", "").split("_")[0]


def local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def split(value: str, sep: str = " | ") -> set[str]:
    return {v for v in value.split(sep) if v} if value else set()


# --------------------------------------------------------------------------------------
# every query: documented, runnable over HTTP, naming no entity, listed in the README
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROLE_CQS)
def test_query_file_is_documented(name):
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith(f"# {name.upper()} — "), "starts with a comment naming the question"
    comment = " ".join(line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#"))
    assert "Columns" in comment and "both corpora" in comment
    assert re.search(r"^PREFIX kg:\s+<https://w3id.org/humanitarian-kg/ontology#>", text, re.M)
    # general questions: no organisation, place or document is named in the query
    assert not re.findall(r"<http://localhost:8000/id/[^>]+>", text)
    assert not re.search(r"\b\d{2,3}_[a-z0-9]+[_-]", text.split("PREFIX", 1)[1]), "no document named"
    # every column the header documents is one the query returns, and the other way round
    header = text.split("# Columns", 1)[1].split("PREFIX", 1)[0]
    documented = set(re.findall(r"^#   (\w+)\s", header, re.M))
    returned = projected(text[text.index("SELECT"):text.index("WHERE")])
    assert documented == returned, f"documented only {sorted(documented - returned)}, returned only {sorted(returned - documented)}"


def projected(select: str) -> set[str]:
    """The variables a SELECT clause returns: "(… AS ?v)" and the plain "?v" outside brackets."""
    names = set(re.findall(r"AS \?(\w+)\s*\)", select))
    depth, outside = 0, []
    for ch in select:
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch != ")":
            outside.append(ch)
    return names | set(re.findall(r"\?(\w+)", "".join(outside)))


@pytest.mark.parametrize("name", ROLE_CQS)
def test_query_runs_over_http(cq, name):
    assert cq(name), f"{name} returns no rows"


def test_queries_readme_lists_every_query():
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for name in ROLE_CQS:
        assert f"| {name.upper()} |" in readme and f"[{name}.rq]({name}.rq)" in readme, name


def test_answers_span_both_corpora(cq):
    """The questions are asked of both corpora: the closures, groups, handovers and offices
    found come from the first corpus and from the development corpus."""
    first, dev = {"000", "001", "002", "003", "004"}, set()
    for name, column in (("cq16", "document"), ("cq17", "document"), ("cq22", "documents"), ("cq24", "documents")):
        found = set()
        for r in cq(name):
            found |= docs(r, column)
        assert found & first and found - first, name
        dev |= found - first
    assert len(dev) >= 8


# --------------------------------------------------------------------------------------
# CQ16 closures, withdrawals, expulsions, downsizings: who, where, when, decided by whom
# --------------------------------------------------------------------------------------

KINDS = {KG + k for k in ("Closure", "Withdrawal", "Expulsion", "Suspension", "Downsizing")}


def test_cq16_kinds_of_leaving_by_organisation_and_country(cq):
    rows = cq("cq16")
    assert {r["kind"] for r in rows} <= KINDS
    by = {(r["organisation"], r.get("countryLabel"), local(r["kind"])) for r in rows}
    assert (ICRC, "Azerbaijan", "Withdrawal") in by
    assert (ICRC, "Azerbaijan", "Closure") in by, "the office in Barda"
    assert (UNHCR, "Uzbekistan", "Expulsion") in by
    assert (ORG + "msf", "Somalia", "Withdrawal") in by
    assert (ORG + "norwegian-refugee-council", "Afghanistan", "Downsizing") in by
    assert (ORG + "ocha", "Indonesia", "Downsizing") in by
    assert {c for o, c, k in by if o == ORG + "ocha" and k == "Closure"} == {"Papua New Guinea", "Sri Lanka"}
    assert {c for o, c, k in by if o == ORG + "save-the-children"} == {
        "Sri Lanka", "Poland", "Brazil", "Georgia", "Liberia"}
    # OCHA keeps its regional office in Bangkok: nothing ended there
    assert not any(r["organisation"] == ORG + "ocha" and r.get("countryLabel") in ("Thailand", "Nepal") for r in rows)


def test_cq16_dates_and_decisions_per_document(cq):
    rows = cq("cq16")
    icrc = {doc(r): r for r in rows if r["organisation"] == ICRC and local(r["kind"]) == "Withdrawal"}
    assert icrc["000"]["when"] == "2025-09-03" and icrc["000"].dtype("when") == XSD + "date"
    assert icrc["001"]["when"] == "2025-09" and icrc["001"].dtype("when") == XSD + "gYearMonth"
    assert {r["decidedBy"] for r in icrc.values()} == {GOV_AZ}
    barda = [r for r in rows if r["organisation"] == ICRC and "Barda" in r.get("places", "")]
    assert [(doc(r), r.get("endBound"), r.get("when")) for r in barda] == [("003", "2024-06", None)]
    expelled = [r for r in rows if local(r["kind"]) == "Expulsion"]
    assert [(r["decidedBy"], r["language"]) for r in expelled] == [(ORG + "government-of-uzbekistan", "ru")]
    for r in rows:
        # nobody expels itself; the document's language is its metadata's
        assert r.get("decidedBy") != r["organisation"], r
        assert languages()[r["document"]] == r["language"], r
        assert r.get("countryLabel"), f"every unit closed is located in a country: {r}"


# --------------------------------------------------------------------------------------
# CQ17 whom activities reached, by kind of people, how many, with sub-groups
# --------------------------------------------------------------------------------------


def test_cq17_detainees_families_and_people_with_counts(cq):
    rows = cq("cq17")
    detainees = [r for r in rows if r.get("groupKind") == GK + "detainees"]
    iraq = {(r["count"], r.get("qualifier"), r.get("upperValue")) for r in detainees if "Iraq" in r["countries"]}
    assert ("20000", "approximately", None) in iraq
    assert ("30000", "approximately", "35000") in iraq, "a range keeps its upper value"
    assert all(r["organisation"] == ICRC and r["role"] == "beneficiaries" and "people" in r["broaderKinds"]
               for r in detainees)
    families = [r for r in rows if r.get("groupKind") == GK + "families" and r["language"] == "az"]
    assert ("600", ORG + "usaid") in [(r["count"], r["organisation"]) for r in families]
    support = [r for r in rows if r["activityType"] == AT + "financial-support" and doc(r) == "003"]
    [support] = [r for r in support if r.get("count") == "700"]
    assert support["qualifier"] == "moreThan"
    assert split(support["subGroups"]) == {"mine survivors (mine survivors and victims)",
                                              "family members of mine victims (family members)",
                                              "children (children)"}


def test_cq17_counts_are_the_documents_numbers(cq):
    for r in cq("cq17"):
        assert r["role"] in ("beneficiaries", "audience", "participants")
        assert not r.get("groupKind") or r["groupKind"].startswith(GK)
        if "count" in r:
            digits = re.sub(r"\D", "", r.get("countWords", ""))
            # (a count in words, "почти двух тысяч беженцев", has no digits to compare)
            assert not digits or r["count"] in digits, f"the count is the number the document gives: {r}"
            assert int(r["count"]) > 0
            if "upperValue" in r:
                assert int(r["upperValue"]) > int(r["count"])


# --------------------------------------------------------------------------------------
# CQ18 trainings and sessions, for whom, how many: separate audiences, separate events
# --------------------------------------------------------------------------------------


def test_cq18_two_trainings_for_different_people_are_two_activities(cq):
    rows = cq("cq18")
    icrc = [r for r in rows if r["organisation"] == ICRC and doc(r) == "003" and r["activityType"] == AT + "training"
            and r.get("audience")]
    by_audience = {r["audienceWords"]: r for r in icrc}
    assert "officials from organizations" in by_audience
    cadets = [w for w in by_audience if w.startswith("cadets and officers")]
    assert cadets, by_audience.keys()
    assert by_audience["officials from organizations"]["activity"] != by_audience[cadets[0]]["activity"]
    assert by_audience["officials from organizations"]["howMany"] == "20"
    assert {"representatives of state bodies (officials)", "students (children)"} <= split(
        by_audience[cadets[0]]["subGroups"])
    # the same in Azerbaijani (26): specialists and residents trained apart
    azrcs = [r for r in rows if doc(r) == "26" and r["activityType"] == AT + "training" and r.get("audience")]
    assert {("staff", "3"), ("people", "1500")} <= {(r.get("audienceKind"), r.get("howMany")) for r in azrcs}
    assert len({r["activity"] for r in azrcs}) >= 2


def test_cq18_awareness_sessions_and_activity_kinds(cq):
    rows = cq("cq18")
    mra = [r for r in rows if r["activityType"] == AT + "mine-risk-awareness" and r.get("audience")]
    assert any(r["audienceKind"] == "community members" and r["howMany"] == "10000" for r in mra)
    gathering = {AT + t for t in ("training", "ihl-promotion", "mine-risk-awareness", "capacity-building")}
    for r in rows:
        assert r["activityType"] in gathering or r.get("audience"), r


# --------------------------------------------------------------------------------------
# CQ19 conflicts and emergencies: what relates to them, where, when
# --------------------------------------------------------------------------------------


def test_cq19_activities_and_events_related_to_conflicts(cq):
    rows = cq("cq19")
    assert {r["kind"] for r in rows} <= {KG + "Conflict", KG + "Situation"}
    azerbaijan = [r for r in rows if r["kind"] == KG + "Conflict" and "Azerbaijan" in r.get("countries", "")
                  and r.get("organisation") == ICRC]
    types = {r.get("activityType") for r in azerbaijan}
    assert {AT + "tracing", AT + "detention-visits", AT + "mine-risk-awareness"} <= types
    assert {"ru", "en", "az"} <= {r["language"] for r in azerbaijan}, "stated in the three languages"
    # the escalations of 2020-2023, to which the accompaniment programme in Armenia relates
    escalations = [r for r in rows if r.get("activityType") == AT + "accompaniment-programme" and doc(r) == "001"]
    assert any(r.get("begins") == "2020" and r.get("ends") == "2023" for r in escalations)
    # development corpus: an event related to the war in Tajikistan; tracing in Kosovo
    opening = [r for r in rows if r["relatedKind"] == KG + "Opening"]
    assert (UNHCR, "Tajikistan", "ru") in [(r.get("organisation"), r.get("countries"), r["language"]) for r in opening]
    assert any(r.get("activityType") == AT + "tracing" and doc(r) == "05" for r in rows)
    for r in rows:
        if r.get("begins") and r.get("ends"):
            assert r["begins"] <= r["ends"][:len(r["begins"])], r


# --------------------------------------------------------------------------------------
# CQ20 how to reach each organisation
# --------------------------------------------------------------------------------------


def test_cq20_contact_points_of_the_icrc_and_unhcr(cq):
    rows = cq("cq20")
    icrc = [r for r in rows if r["organisation"] == ICRC]
    assert any(r.get("email") == "press@icrc.org" and r.get("city") == "Geneva" and r["language"] == "ru" for r in icrc)
    web = [r for r in icrc if r.get("url")]
    assert ("https://www.icrc.org/en/contact", XSD + "anyURI", "az") in [
        (r["url"], r.dtype("url"), r["language"]) for r in web]
    unhcr = {(r.get("telephone"), r.get("person"), r.get("city")) for r in rows if r["organisation"] == UNHCR}
    assert unhcr == {("+41 79 200 7617", "Andrej Mahecic", "Geneva"), ("+66 818 270 280", "Kitty McKinsey", "Bangkok")}
    for r in rows:
        assert r.get("email") or r.get("telephone") or r.get("url") or r.get("about"), r


# --------------------------------------------------------------------------------------
# CQ21 principles and law
# --------------------------------------------------------------------------------------


def test_cq21_law_upheld_kept_apart_from_the_mandates_basis(cq):
    rows = cq("cq21")
    icrc = {(r["basis"], r["whatLabel"]): r for r in rows if r["organisation"] == ICRC}
    gc = icrc[("mandate established by", "Geneva Conventions")]
    assert gc["whatClass"] == KG + "Convention" and {"000", "001", "002"} <= docs(gc)
    ihl = [r for (basis, label), r in icrc.items() if basis == "upholds" and "humanitarian law" in label.lower()]
    assert ihl and ihl[0]["whatClass"] == KG + "BodyOfLaw"
    assert {"en", "ru", "az"} <= set(ihl[0]["languages"].split())
    assert not any(basis == "mandate established by" and "humanitarian law" in label.lower()
                   for basis, label in icrc), "IHL is upheld, not said to establish the mandate"


def test_cq21_principles_the_icrc_states(cq):
    """'humanitarian principles including humanity, neutrality, impartiality, and independence'
    (001, and 002 in Azerbaijani), 'нейтральная, беспристрастная и независимая организация' (000):
    four principles, the concepts of the pr: scheme, and no 'humanity' read into 'humanitarian'."""
    rows = [r for r in cq("cq21") if r["organisation"] == ICRC and r["basis"] == "principle"]
    stated = {r["what"]: docs(r) for r in rows}
    pr = "https://w3id.org/humanitarian-kg/principle/"
    assert stated == {pr + "humanity": {"001", "002"}, pr + "neutrality": {"000", "001", "002"},
                      pr + "impartiality": {"000", "001", "002"}, pr + "independence": {"000", "001", "002"}}


# --------------------------------------------------------------------------------------
# CQ22 who handed over what to whom
# --------------------------------------------------------------------------------------


def test_cq22_handovers_to_authorities_and_to_an_own_unit(cq):
    rows = cq("cq22")
    pairs = {(r["giver"], r["receiver"], r.get("activityType")) for r in rows}
    assert (ICRC, GOV_AZ, AT + "support-to-families-of-missing") in pairs
    assert (ICRC, STATE_COMMISSION, AT + "human-remains-search-and-identification") in pairs
    info = [r for r in rows if r["receiver"] == STATE_COMMISSION and "consent" in r.get("condition", "")]
    assert info and {"001", "002"} <= docs(info[0])
    internal = [r for r in rows if r["internal"] == "true"]
    assert (UNHCR, "unhcr-thailand", {"02"}) in [(r["giver"], local(r["receivingUnit"]), docs(r)) for r in internal]
    wfp = [r for r in rows if r["giver"] == ORG + "wfp"]
    assert wfp and {(r["receiver"], r["countries"]) for r in wfp} == {(ORG + "government-of-armenia", "Armenia")}
    assert any(r["receiver"] == ORG + "anama" and r["countries"] == "Azerbaijan" and docs(r) == {"25"} for r in rows)
    for r in rows:
        assert (r["internal"] == "true") == (r["giver"] == r["receiver"]), r
        assert r["giver"] != r["receiver"] or r.get("receivingUnit"), f"a handover to oneself names the unit: {r}"


# --------------------------------------------------------------------------------------
# CQ23 who took over when an organisation left
# --------------------------------------------------------------------------------------


def test_cq23_who_took_over_after_leaving(cq):
    rows = cq("cq23")
    withdrawal = [r for r in rows if r["organisation"] == ICRC and local(r["kind"]) == "Withdrawal"]
    assert {GOV_AZ, STATE_COMMISSION} <= {r.get("receiver") for r in withdrawal}
    timor = [r for r in rows if r["organisation"] == UNHCR and r["countryLabel"] == "Timor-Leste"]
    assert (UNHCR, "Thailand") in [(r.get("receiver"), r.get("receivingUnitCountry")) for r in timor]
    msf = [r for r in rows if r["organisation"] == ORG + "msf"]
    assert msf and not any(r.get("receiver") for r in msf), "the documents name nobody taking over from MSF"


def test_cq23_units_remaining_after_a_closure(cq):
    """After Barda closed (by June 2024) the delegation in Azerbaijan remained (closed 2025);
    after the delegation closed, the office in Barda was not among what remained."""
    rows = cq("cq23")
    barda = [r for r in rows if r["organisation"] == ICRC and "Barda" in r.get("unitLabel", "")]
    assert barda and all("ICRC office in Azerbaijan" in split(r["remainingUnits"]) for r in barda)
    withdrawal = [r for r in rows if r["organisation"] == ICRC and local(r["kind"]) == "Withdrawal"]
    assert withdrawal and not any("Barda" in r.get("remainingUnits", "") for r in withdrawal)
    assert not any("ICRC office in Azerbaijan" in split(r.get("remainingUnits", "")) for r in withdrawal)


# --------------------------------------------------------------------------------------
# CQ24 offices by kind, with their status
# --------------------------------------------------------------------------------------


def test_cq24_offices_by_kind_and_status(cq):
    rows = {r["unit"]: r for r in cq("cq24")}
    delegation = rows[ID + "office/icrc-azerbaijan"]
    assert local(delegation["unitKind"]) == "Delegation" and delegation["status"] == "closed"
    assert "1992" in delegation["begins"].split() and "2025-09-03" in delegation["ends"].split()
    assert rows[ID + "office/icrc-barda"]["status"] == "closed" and rows[ID + "office/icrc-barda"]["ends"] == "2024-06"
    bases = [r for r in rows.values() if local(r["unitKind"]) == "DelegatesBase"]
    assert {r["towns"] for r in bases} >= {"Erevan", "Khankendi/Stepanakert"}
    assert all(r["status"] == "open (no end stated)" for r in bases)
    ocha = {r["countries"]: r["status"] for r in rows.values() if r["organisation"] == ORG + "ocha"}
    assert ocha["Indonesia"] == "downsized" and ocha["Thailand"] == "open (no end stated)"
    assert ocha["Papua New Guinea"] == ocha["Sri Lanka"] == "closed"
    timor = rows[ID + "office/unhcr-timor-leste"]
    assert (timor["begins"], timor["ends"], timor["status"]) == ("1999-05", "2012-01-12", "closed")
    assert local(rows[ID + "office/msf-somalia"]["unitKind"]) == "Facility"
    for r in rows.values():
        if r["status"] == "open (no end stated)":
            assert not r.get("ends"), r
        if r["status"] == "closed":
            assert r.get("ends") or re.search(r"Closure|Withdrawal|Expulsion", r.get("events", "")), r


# --------------------------------------------------------------------------------------
# CQ25 the office that runs an activity
# --------------------------------------------------------------------------------------


def test_cq25_work_the_baku_office_kept_running_after_barda_closed(cq):
    """'Our office in Baku continues to focus on locating persons missing …, raising awareness of
    weapons contamination, promoting …' after 'closed the office' in Barda (003)."""
    rows = [r for r in cq("cq25") if r["organisation"] == ICRC and doc(r) == "003"]
    baku = [r for r in rows if "Baku" in r.get("unitPlaces", "")]
    assert {AT + "tracing", AT + "mine-risk-awareness"} <= {r["activityType"] for r in baku}
    assert {r["unit"] for r in baku} == {ID + "office/icrc-azerbaijan"}, "run by the delegation, not by Barda"
    assert all("ICRC office in Barda" in split(r["closedElsewhere"]) for r in baku)
    assert not any("Barda" in r.get("unitLabel", "") for r in rows), "the closed office runs nothing afterwards"


# --------------------------------------------------------------------------------------
# CQ26 offers
# --------------------------------------------------------------------------------------


def test_cq26_the_icrc_offers_to_act_as_intermediary(cq):
    """'We stand ready to support their dialogue … as a neutral intermediary should there be a
    request on both sides' (001, and 002 in Azerbaijani), 'suggested a global and humanitarian
    mechanism between the parties' (004), 'Мы готовы играть роль посредника … как только мы
    получим соответствующее обращение' (16_ru)."""
    rows = [r for r in cq("cq26") if r["offeredBy"] == ICRC]
    intermediary = [r for r in rows if re.search(r"intermediary|vasitəçi|посредник", r.get("role", ""), re.I)]
    assert {"001", "002", "16"} <= {doc(r) for r in intermediary}
    [en] = [r for r in intermediary if doc(r) == "001"]
    assert (en["role"], en["what"], en["condition"]) == (
        "a neutral intermediary", "support their dialogue and action", "should there be a request on both sides")
    [ru] = [r for r in intermediary if doc(r) == "16"]
    assert ru["condition"] == "как только мы получим соответствующее обращение"
    assert all(r.get("condition") for r in intermediary if doc(r) == "002")
    assert any(doc(r) == "004" and "mechanism" in r.get("what", "") for r in rows)


# --------------------------------------------------------------------------------------
# CQ27 partners, named and vague
# --------------------------------------------------------------------------------------


def test_cq27_partners_by_kind_in_both_corpora(cq):
    rows = cq("cq27")
    icrc = {(r["partner"], local(r.get("partnerClass", ""))) for r in rows if r["organisation"] == ICRC}
    assert (ORG + "azerbaijan-red-crescent-society", "NationalSociety") in icrc
    assert (GOV_AZ, "Government") in icrc and (STATE_COMMISSION, "StateCommission") in icrc
    assert (ORG + "interagency-commission-pow-hostages-missing-armenia", "StateCommission") in icrc
    unhcr = {(r["partner"], r.get("partnerCountry")) for r in rows if r["organisation"] == UNHCR}
    assert (ORG + "government-of-kazakhstan", "Kazakhstan") in unhcr
    assert (ORG + "government-of-timor-leste", "Timor-Leste") in unhcr
    # working together is stated for both partners
    pairs = {(r["organisation"], r["partner"]) for r in rows if r["how"] == "partnership"}
    assert all((b, a) in pairs for a, b in pairs)


def test_cq27_partners_named_only_vaguely(cq):
    """'с такими партнерами, как Азербайджанское общество Красного Полумесяца, различные
    министерства и ведомства' (000): the ministries are one collective partner, the national
    society a named one."""
    rows = [r for r in cq("cq27") if r["organisation"] == ICRC and "000" in docs(r)]
    vague = [(r["partnerLabel"], local(r["partnerClass"]), r["how"]) for r in rows if r["collective"] == "true"]
    assert vague == [("различные министерства и ведомства", "CollectiveAgent", "partnership")]
    named = {r["partner"] for r in rows if r["collective"] == "false"}
    assert ORG + "azerbaijan-red-crescent-society" in named


# --------------------------------------------------------------------------------------
# CQ28 agreements
# --------------------------------------------------------------------------------------


def test_cq28_agreements_parties_status_and_dates(cq):
    rows = cq("cq28")
    detention = [r for r in rows if "detention" in r.get("grants", "")]
    assert [(r["signedOn"], r["ratifiedOn"], r["status"]) for r in detention] == [("2000-06-01", "2000-06-09", "signed")]
    assert {"International Committee of the Red Cross", "Government of the Republic of Azerbaijan"} <= split(
        detention[0]["signatories"])
    negotiating = [r for r in rows if r.get("status") == "negotiating"]
    assert [docs(r) for r in negotiating] == [{"01"}]
    assert "International Committee of the Red Cross" in negotiating[0]["parties"]
    kazakhstan = [r for r in rows if "UNHCR" in r.get("parties", "") and r["languages"] == "ru"]
    assert [r["status"] for r in kazakhstan] == ["signed"]
    assert any("Казахстан" in p for p in split(kazakhstan[0]["parties"]))


def test_cq28_kazakhstan_agreement_signing_date(cq):
    """A signing in a news lead with no date of its own is dated by the news (20_ru, '14 ноября 2007')."""
    kazakhstan = [r for r in cq("cq28") if "UNHCR" in r.get("parties", "") and r["languages"] == "ru"]
    assert [r.get("signedOn") for r in kazakhstan] == ["2007-11-14"]


# --------------------------------------------------------------------------------------
# CQ29 programmes
# --------------------------------------------------------------------------------------


def test_cq29_school_feeding_programme(cq):
    """'WFP has been implementing the School Feeding Programme since 2010 across ten provinces
    in Armenia' … 'Since 2017, WFP has started the nationalization of the School Feeding
    programme' (06): one programme, begun in 2010 (the later date is a later step's)."""
    wfp = [r for r in cq("cq29") if r["organisation"] == ORG + "wfp"]
    assert [(r["countries"], r.get("begins")) for r in wfp if "School Feeding" in r["name"]] == [("Armenia", "2010")]


def test_cq29_icrc_risk_awareness_programme_in_azerbaijan(cq):
    """'BQXK-nın Azərbaycanda həyata keçirdiyi Risklər və Təhlükəsiz Davranış Proqramının bir
    hissəsidir' (25_az): a programme named in running text, with its sector and country."""
    icrc = [r for r in cq("cq29") if r["organisation"] == ICRC and "25" in docs(r)]
    assert [(r["name"], r["sector"], r["branch"], r["countries"]) for r in icrc] == [
        ("Risklər və Təhlükəsiz Davranış Proqramı", AT + "mine-risk-awareness", "assistance", "Azerbaijan")]


# --------------------------------------------------------------------------------------
# CQ30 datelines and media
# --------------------------------------------------------------------------------------


def test_cq30_reports_filed_from_inside_or_abroad(cq):
    rows = {doc(r): r for r in cq("cq30")}
    assert (rows["01"]["datelineLabel"], rows["01"]["datelineCountry"], rows["01"]["media"],
            rows["01"]["reportedCountries"], rows["01"]["filedFrom"]) == ("Geneva", "Switzerland", "Reuters", "Iraq",
                                                                         "abroad")
    assert (rows["08"]["datelineCountry"], rows["08"]["media"], rows["08"]["filedFrom"]) == ("Somalia", "Reuters", "inside")
    assert (rows["20"]["datelineCountry"], rows["20"]["filedFrom"]) == ("Kazakhstan", "inside")
    assert rows["20"]["language"] == "ru" and rows["20"]["media"]
    assert (rows["000"]["datelineCountry"], rows["000"]["reportedCountries"], rows["000"]["filedFrom"]) == (
        "Switzerland", "Azerbaijan", "abroad")
    assert not rows["000"].get("media"), "the ICRC's own press release credits no news agency"
    for r in rows.values():
        # the dateline itself is never what a document reports on
        assert r["datelineLabel"] not in split(r.get("reportedCountries", "")) if r.get("datelineLabel") else True


# --------------------------------------------------------------------------------------
# the queries answer every role on a graph that has them all, some the corpora never state
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_store() -> ox.Store:
    """tests/fixtures/valid/complete.ttl as one document graph beside the ontology, the
    default graph their union — the layout of a build."""
    store = ox.Store()
    store.load(path=str(COMPLETE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/document/fixture"))
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/ontology"))
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def run_on(store: ox.Store, name: str) -> list[dict]:
    result = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    names = [v.value for v in result.variables]
    return [{n: s[i].value for i, n in enumerate(names) if s[i] is not None} for s in result]


EX = "http://example.org/fixture/"


def test_queries_answer_every_role_of_the_complete_fixture(fixture_store):
    [run_by] = run_on(fixture_store, "cq25")
    assert (run_by["activity"], run_by["unit"], run_by["unitStatus"]) == (EX + "tracing", EX + "office", "closed")
    assert split(run_by["closedElsewhere"]) == {"ICRC presence in Azerbaijan", "ICRC warehouse in Baku"}
    [offer] = run_on(fixture_store, "cq26")
    assert (offer["offeredBy"], offer["role"], offer["condition"], offer["offeredTo"]) == (
        EX + "icrc", "a neutral intermediary", "should there be a request on both sides",
        "Government of the Republic of Azerbaijan")
    principles = {(r["basis"], r["whatLabel"]) for r in run_on(fixture_store, "cq21")}
    assert {("principle", "neutrality"), ("upholds", "International humanitarian law"),
            ("mandate established by", "Geneva Conventions")} <= principles
    vague = [r for r in run_on(fixture_store, "cq27") if r["collective"] == "true"]
    assert {(r["partner"], r["how"]) for r in vague} == {
        (EX + "ministries", "partnership"), (EX + "ministries", "participant in tracing of missing persons")}
    [programme] = run_on(fixture_store, "cq29")
    assert (programme["name"], programme["countries"], programme["begins"], programme["ends"]) == (
        "Mine Risk Awareness Programme", "Azerbaijan", "1992", "2026")
