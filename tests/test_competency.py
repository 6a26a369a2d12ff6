"""The competency questions (/work/shared/competency-questions.md) against the real build.

Each query in ``queries/cqNN.rq`` is sent as is to the SPARQL endpoint of a real server (the
session's ``server`` fixture, serving a store built by ``kg build`` from ``data/sources``), and
the answer that comes back is checked against the documented answer of the question.

Every check asserts the documented answer; none is expected to fail.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
SOURCES = ROOT / "data" / "sources"
GOLD = ROOT / "tests" / "gold"

BASE = "http://localhost:8000/"
ID = BASE + "id/"
ICRC = ID + "organisation/icrc"
AZRCS = ID + "organisation/azerbaijan-red-crescent-society"
GOV_AZ = ID + "organisation/government-of-azerbaijan"
STATE_COMMISSION = ID + "organisation/state-commission-pow-hostages-missing-azerbaijan"
INTERAGENCY_AM = ID + "organisation/interagency-commission-pow-hostages-missing-armenia"
AT = "https://w3id.org/humanitarian-kg/activity-type/"
KG = "https://w3id.org/humanitarian-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

ALL_CQS = [f"cq{n:02d}" for n in range(1, 16)]


# --------------------------------------------------------------------------------------
# running a query file through the endpoint
# --------------------------------------------------------------------------------------


class Row(dict):
    """One solution: variable -> lexical value; ``dtype(var)`` / ``lang(var)`` give the rest."""

    def __init__(self, binding: dict):
        super().__init__({k: v["value"] for k, v in binding.items()})
        self._binding = binding

    def dtype(self, var: str) -> str | None:
        return self._binding.get(var, {}).get("datatype")

    def lang(self, var: str) -> str | None:
        return self._binding.get(var, {}).get("xml:lang")


def post_query(server, text: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data=text.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query; charset=utf-8",
            "Accept": "application/sparql-results+json",
        },
        timeout=120,
    )


@pytest.fixture(scope="module")
def cq(server):
    """cq("cq01") -> the rows the endpoint returns for queries/cq01.rq (cached per module)."""

    @lru_cache(maxsize=None)
    def run(name: str) -> tuple[Row, ...]:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        r = post_query(server, text)
        assert r.status_code == 200, f"{name}: HTTP {r.status_code}: {r.text[:2000]}"
        assert r.headers["Content-Type"].startswith("application/sparql-results+json")
        return tuple(Row(b) for b in r.json()["results"]["bindings"])

    return run


def doc(row: Row, var: str = "document") -> str:
    """The document stem prefix ("000", "001", ...) of a document identifier column."""
    return row.get(var, "")[:3]


def docs_of(row: Row, var: str = "documents") -> set[str]:
    """Stem prefixes of the documents listed in a "documents" column."""
    return {m.group(1) for m in re.finditer(r"\b(\d{3})_[0-9a-f]+\.txt", row.get(var, ""))}


def type_of(row: Row, var: str = "activityType") -> str:
    value = row.get(var, "")
    return value[len(AT):] if value.startswith(AT) else value


@lru_cache(maxsize=1)
def languages() -> dict[str, str]:
    """Document stem prefix -> language, from the corpus metadata."""
    meta = json.loads((SOURCES / "metadata.json").read_text(encoding="utf-8"))
    return {name[:3]: info["language"] for name, info in meta.items()}


# --------------------------------------------------------------------------------------
# every query: present, documented, runnable over HTTP, no hard-coded answers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_CQS)
def test_query_file_is_documented(name):
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith(f"# {name.upper()} "), "starts with a comment naming the question"
    assert "Columns" in text, "documents what each result column means"
    assert re.search(r"^PREFIX kg:\s+<https://w3id.org/humanitarian-kg/ontology#>", text, re.M)
    # only what the questions name: the ICRC, Azerbaijan, Armenia; no other entity IRI
    named = set(re.findall(r"<http://localhost:8000/id/([^>]+)>", text))
    assert named <= {"organisation/icrc", "place/azerbaijan", "place/armenia"}, named


@pytest.mark.parametrize("name", ALL_CQS)
def test_query_runs_over_http(cq, name):
    assert cq(name), f"{name} returns no rows"


def test_queries_readme_lists_every_query():
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for name in ALL_CQS:
        assert f"{name}.rq" in readme


# --------------------------------------------------------------------------------------
# CQ01 organisations, once each, with their names in every language
# --------------------------------------------------------------------------------------


def _names(row: Row) -> set[str]:
    names = {row[k] for k in ("name_en", "name_ru", "name_az") if k in row}
    for part in row.get("otherNames", "").split(" | "):
        if part:
            names.add(part.rsplit("@", 1)[0])
    return names


def test_cq01_organisations_once_with_names_in_every_language(cq):
    rows = cq("cq01")
    orgs = [r["org"] for r in rows]
    assert len(orgs) == len(set(orgs)), "an organisation appears more than once"

    def the_one(description: str, match) -> Row:
        found = [r for r in rows if match(_names(r))]
        assert len(found) == 1, f"{description}: expected once, found {[r['org'] for r in found]}"
        return found[0]

    icrc = the_one("ICRC", lambda n: "International Committee of the Red Cross" in n)
    assert icrc["org"] == ICRC
    assert icrc["name_en"] == "International Committee of the Red Cross"
    assert icrc["name_ru"] == "Международный Комитет Красного Креста"
    assert icrc["name_az"] == "Beynəlxalq Qızıl Xaç Komitəsi"
    assert {"ICRC", "МККК", "BQXK"} <= _names(icrc)

    azrcs = the_one("Azerbaijan Red Crescent Society", lambda n: "Azerbaijan Red Crescent Society" in n)
    assert {"Азербайджанское общество Красного Полумесяца", "Azərbaycan Qızıl Aypara Cəmiyyəti", "AzRCS"} <= _names(azrcs)

    ifrc = the_one("IFRC", lambda n: "International Federation of Red Cross and Red Crescent Societies" in n)
    assert {"Международная Федерация обществ Красного Креста и Красного Полумесяца",
            "Qızıl Xaç və Qızıl Aypara Cəmiyyətlərinin Beynəlxalq Federasiyası"} <= _names(ifrc)

    state = the_one("State Commission (Azerbaijan)", lambda n: any(
        "State Commission on Prisoners of War, Hostages" in x and "Azerbaijan" in x for x in n))
    assert "Dövlət Komissiyası" in state.get("name_az", ""), "the az name used in 002"

    the_one("Interagency Commission (Armenia)", lambda n: any(
        "Interagency Commission on Prisoners of War, Hostages and Missing Persons" in x for x in n))
    the_one("Government / authorities of Azerbaijan", lambda n: any(
        re.search(r"(Government|authorities)\b.*Azerbaijan", x) for x in n))
    the_one("Ministry of Justice", lambda n: any("Ministry of Justice" in x for x in n))
    the_one("Ministry of Defense", lambda n: any(re.search(r"Ministry of Defen[cs]e", x) for x in n))
    movement = the_one("the Movement", lambda n: "International Red Cross and Red Crescent Movement" in n)
    assert movement["class"] == KG + "Movement"

    # names in every language the documents naming it are written in
    langs = languages()
    for r in rows:
        have = {lang for lang in ("en", "ru", "az") if f"name_{lang}" in r}
        need = {langs[d] for d in docs_of(r) if d in langs}
        assert need <= have, f"{r.get('label')}: named in {sorted(need)} documents, names only in {sorted(have)}"


# --------------------------------------------------------------------------------------
# CQ02 offices and delegations, and when each was active
# --------------------------------------------------------------------------------------


def test_cq02_delegation_in_azerbaijan_and_delegates_bases(cq):
    rows = cq("cq02")
    azerbaijan = [r for r in rows if r["officeType"] == KG + "Delegation" and "Azerbaijan" in r["places"]]
    assert azerbaijan, "an ICRC delegation in Azerbaijan"
    assert len({r["office"] for r in azerbaijan}) == 1, "one delegation in Azerbaijan, not one per document"
    assert any("Baku" in r["places"] for r in azerbaijan), "based in Baku"
    by_doc = {doc(r): r for r in azerbaijan}
    assert any(r.get("begin") == "1992" for r in azerbaijan), "active since 1992"
    assert by_doc["000"].get("end") == "2025-09-03", "closed 3 September 2025 (000)"
    assert by_doc["001"].get("end") == "2025-09", "closed September 2025 (001)"
    assert by_doc["002"].get("end") == "2025-09", "closed September 2025 (002)"

    bases = [r for r in rows if r["officeType"] == KG + "DelegatesBase" and doc(r) == "004"]
    places = " ".join(r["places"] for r in bases)
    assert re.search(r"Erevan|Yerevan|İrəvan", places), "delegates based in Erevan (004)"
    assert re.search(r"Khankendi|Stepanakert", places), "delegates based in Khankendi/Stepanakert (004)"

    armenia = [r for r in rows if "Armenia" in r["places"]]
    assert armenia and {doc(r) for r in armenia} & {"001", "002"}, "the ICRC in Armenia (001/002)"
    assert all(not r.get("end") and not r.get("endBound") for r in armenia), "Armenia continues: no end"


def test_cq02_office_in_barda_closed_by_end_of_june_2024(cq):
    rows = cq("cq02")
    barda = [r for r in rows if "Barda" in r["places"]]
    assert barda, "an ICRC office in Barda"
    assert any(doc(r) == "003" and r.get("endBound") == "2024-06" for r in barda), "closed by the end of June 2024 (003)"


def test_cq02_icrc_in_armenia_stated_in_001_and_002(cq):
    rows = cq("cq02")
    armenia = [r for r in rows if "Armenia" in r["places"]]
    assert {"001", "002"} <= {doc(r) for r in armenia}


# --------------------------------------------------------------------------------------
# CQ03 who decided the closure, and when: both precisions kept
# --------------------------------------------------------------------------------------


def test_cq03_closure_decided_by_government_both_precisions_kept(cq):
    rows = cq("cq03")
    for d in ("000", "001", "002"):
        in_doc = [r for r in rows if doc(r) == d]
        assert in_doc, f"the closure as stated in {d}"
        assert {r.get("decidedBy") for r in in_doc} == {GOV_AZ}, f"decided by the government/authorities of Azerbaijan ({d})"
        assert all(r.get("timeRole") == "atTime" for r in in_doc)
    when = {(doc(r), r["when"], r.dtype("when")) for r in rows if "when" in r}
    assert ("000", "2025-09-03", XSD + "date") in when
    assert ("001", "2025-09", XSD + "gYearMonth") in when
    assert ("002", "2025-09", XSD + "gYearMonth") in when
    # kept apart: no document gets the other's precision
    assert {w for w in when if w[0] == "000"} == {("000", "2025-09-03", XSD + "date")}
    assert {w[1:] for w in when if w[0] in ("001", "002")} == {("2025-09", XSD + "gYearMonth")}
    # each time comes with the passage of that document that states it, in the document's words
    for r in rows:
        assert r.get("exact") and r.get("surface"), r
        assert re.sub(r"\s+", " ", r["surface"]) in re.sub(r"\s+", " ", r["exact"]), r


# --------------------------------------------------------------------------------------
# CQ04 what the ICRC handed over, and to whom
# --------------------------------------------------------------------------------------


def test_cq04_handovers_to_national_authorities_and_state_commission(cq):
    rows = cq("cq04")
    pairs = {(type_of(r), r["receiver"]) for r in rows if "activityType" in r}
    assert ("support-to-families-of-missing", GOV_AZ) in pairs, "support to families of missing persons -> national authorities"
    assert ("human-remains-search-and-identification", STATE_COMMISSION) in pairs, \
        "search and identification of human remains -> State Commission"
    items = [r for r in rows if r.get("item") and r["receiver"] == STATE_COMMISSION]
    assert any(re.search(r"[Ii]nformation", r["item"]) and "consent of the families" in r.get("condition", "")
               for r in items), "the information collected about missing persons -> State Commission, with the families' consent"
    for r in rows:
        assert {"001", "002"} & docs_of(r), r


def test_cq04_communication_with_detainees_handed_to_authorities(cq):
    rows = cq("cq04")
    assert any(type_of(r) in ("red-cross-messages", "restoring-family-links") and r["receiver"] == GOV_AZ
               for r in rows)


# --------------------------------------------------------------------------------------
# CQ05 whom to contact about a relative missing in a conflict outside Azerbaijan
# --------------------------------------------------------------------------------------


def test_cq05_contact_azerbaijan_red_crescent(cq):
    rows = cq("cq05")
    assert {r["contact"] for r in rows} == {AZRCS}
    assert {"001", "002"} <= {doc(r) for r in rows}
    by_doc = {doc(r): r for r in rows}
    assert "Azerbaijan Red Crescent Society" in by_doc["001"]["exact"] and by_doc["001"]["language"] == "en"
    assert "Qızıl Aypara" in by_doc["002"]["exact"] and by_doc["002"]["language"] == "az"


# --------------------------------------------------------------------------------------
# CQ06 legal basis
# --------------------------------------------------------------------------------------


def test_cq06_geneva_conventions_ihl_and_agreement_of_authorities(cq):
    rows = cq("cq06")
    geneva = [r for r in rows if r["basisKind"] == "established by" and "Geneva" in r.get("basisLabel", "")]
    assert geneva, "mandate established in the Geneva Conventions"
    assert geneva[0].get("year") == "1949"
    assert {"000", "001", "002"} <= docs_of(geneva[0])
    ihl = [r for r in rows if r.get("basisClass") == KG + "BodyOfLaw"
           or re.search(r"humanitarian law|\bIHL\b", r.get("basisLabel", ""), re.I)]
    assert ihl, "international humanitarian law"
    conditions = [r for r in rows if r["basisKind"] == "condition"]
    assert any("subject to the agreement of the authorities" in r["basisLabel"] for r in conditions), \
        "presence subject to the agreement of the authorities"


def test_cq06_agreement_of_authorities_also_stated_in_002(cq):
    rows = cq("cq06")
    assert any(r["basisKind"] == "condition" and "002" in docs_of(r) for r in rows)


# --------------------------------------------------------------------------------------
# CQ07 the 2000 agreement on access to places of detention
# --------------------------------------------------------------------------------------


def test_cq07_agreement_signed_ratified_first_visit(cq):
    rows = cq("cq07")
    assert len({r["agreement"] for r in rows}) == 1, "one agreement"
    r0 = rows[0]
    assert "places of detention" in r0["grants"]
    assert (r0["signedOn"], r0.dtype("signedOn")) == ("2000-06-01", XSD + "date")
    assert (r0["ratifiedOn"], r0.dtype("ratifiedOn")) == ("2000-06-09", XSD + "date")
    assert "President" in r0["ratifiedByLabel"] and "Azerbaijan" in r0["ratifiedByLabel"]
    assert (r0["firstVisitOn"], r0.dtype("firstVisitOn")) == ("2000-06-23", XSD + "date")
    signatories = {r.get("signatory"): r.get("signatoryLabel", "") for r in rows}
    assert ICRC in signatories or any("Head of Delegation" in l for l in signatories.values()), \
        "signed by the ICRC (its Head of Delegation in Baku)"
    assert GOV_AZ in signatories or any("Government" in r.get("onBehalfOf", "") for r in rows), \
        "signed for the Government of the Republic of Azerbaijan"
    assert {doc(r) for r in rows} == {"004"}
    assert "1 June 2000" in r0["exact"]


def test_cq07_signed_by_the_minister_of_justice(cq):
    rows = cq("cq07")
    assert any("Justice" in r.get("signatoryLabel", "") for r in rows), "signed by the Minister of Justice"


# --------------------------------------------------------------------------------------
# CQ08 first half of 2024: activities and figures with their qualifiers
# --------------------------------------------------------------------------------------

CQ08_FIGURES = {  # value -> (qualifier, activity types that fit what was counted)
    20: ("exactly", {"training"}),
    357: ("approximately", {"accompaniment-programme", "support-to-families-of-missing", "psychosocial-support"}),
    3000: ("nearly", {"livelihoods", "economic-security"}),
    700: ("moreThan", {"financial-support", "economic-security"}),
    2000: ("moreThan", {"cooperation-with-national-society", "capacity-building", "ihl-promotion", "training"}),
    10000: ("approximately", {"mine-risk-awareness"}),
}


def _cq08_figures(rows) -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = {}
    for r in rows:
        if "value" in r:
            out.setdefault(int(float(r["value"])), []).append(r)
    return out


def test_cq08_training_of_20_officials(cq):
    rows = cq("cq08")
    assert rows and all(doc(r) == "003" for r in rows), "stated for the first half of 2024 by 003"
    figures = _cq08_figures(rows)
    assert 20 in figures
    r = figures[20][0]
    assert r["qualifier"] == KG + "exactly" and type_of(r) == "training" and "officials" in r["unit"]


def test_cq08_all_figures_with_qualifiers(cq):
    rows = cq("cq08")
    figures = _cq08_figures(rows)
    for value, (qualifier, types) in CQ08_FIGURES.items():
        assert value in figures, f"{value} reached by an ICRC activity in H1 2024"
        assert any(r["qualifier"] == KG + qualifier for r in figures[value]), f"{value}: qualifier {qualifier}"
        assert any(type_of(r) in types for r in figures[value]), f"{value}: counted by {types}"
    assert "ihl-promotion" in {type_of(r) for r in rows}, "IHL seminars and trainings"


# --------------------------------------------------------------------------------------
# CQ09 members of the Movement
# --------------------------------------------------------------------------------------


def test_cq09_members_of_the_movement(cq):
    rows = cq("cq09")
    assert {r["member"] for r in rows} == {ICRC, AZRCS}
    assert len({r["movement"] for r in rows}) == 1
    for r in rows:
        assert {"001", "002"} <= docs_of(r), r


# --------------------------------------------------------------------------------------
# CQ10 what continues in Armenia
# --------------------------------------------------------------------------------------


def test_cq10_work_on_missing_persons_continues_in_armenia(cq):
    rows = cq("cq10")
    activities = [r for r in rows if r["kind"] != "works with"]
    assert activities and all(not r.get("periodEnd") for r in activities), "continuing: no end stated"
    assert any(type_of(r) in ("support-to-families-of-missing", "accompaniment-programme") for r in activities), \
        "work on missing persons and their families"


def test_cq10_accompaniment_forensics_interagency_and_detainees_relatives(cq):
    rows = cq("cq10")
    types = {type_of(r) for r in rows if r["kind"] != "works with"}
    assert "accompaniment-programme" in types
    assert "forensic-support" in types
    assert types & {"restoring-family-links", "red-cross-messages"}, "interaction with relatives of detainees"
    assert INTERAGENCY_AM in {r.get("partner") for r in rows}, "support to the Interagency Commission's working group"
    stated = set().union(*(docs_of(r) for r in rows))
    assert {"001", "002"} <= stated


# --------------------------------------------------------------------------------------
# CQ11 the passages that state the human-remains handover
# --------------------------------------------------------------------------------------


def test_cq11_passages_in_001_en_and_002_az_match_the_files(cq):
    rows = cq("cq11")
    assert {(doc(r), r["language"]) for r in rows} == {("001", "en"), ("002", "az")}
    assert {r["receiver"] for r in rows} == {STATE_COMMISSION}
    for r in rows:
        text = (SOURCES / r["document"]).read_bytes().decode("utf-8")
        start, end = int(r["start"]), int(r["end"])
        assert 0 <= start < end <= len(text)
        assert text[start:end] == r["exact"], f"{r['document']}[{start}:{end}]"
    by_doc = {doc(r): r["exact"] for r in rows}
    assert "human remains" in by_doc["001"]
    assert "meyit qalıqlarının" in by_doc["002"]


# --------------------------------------------------------------------------------------
# CQ12 people repatriated
# --------------------------------------------------------------------------------------


def test_cq12_more_than_390(cq):
    rows = cq("cq12")
    assert any(int(float(r["value"])) == 390 and r["qualifier"] == KG + "moreThan" and doc(r) == "004"
               and "390" in r["exact"] for r in rows), "more than 390 (004)"


# --------------------------------------------------------------------------------------
# CQ13 protection activities
# --------------------------------------------------------------------------------------


def test_cq13_protection_activities(cq):
    rows = cq("cq13")
    types = {type_of(r) for r in rows}
    expected = {"detention-visits", "red-cross-messages", "tracing", "repatriation", "repatriation-of-remains",
                "family-reunification"}
    assert expected <= types, expected - types
    stated = set().union(*(docs_of(r) for r in rows))
    assert {"000", "001", "004"} <= stated


# --------------------------------------------------------------------------------------
# CQ14 time: ended by 2025-09-04 / running on 2024-01-01
# --------------------------------------------------------------------------------------


def _first_day(v: str) -> str:
    return {4: v + "-01-01", 7: v + "-01"}.get(len(v), v)


def _last_day(v: str) -> str:
    import calendar

    if len(v) == 4:
        return v + "-12-31"
    if len(v) == 7:
        y, m = int(v[:4]), int(v[5:])
        return f"{v}-{calendar.monthrange(y, m)[1]:02d}"
    return v


def test_cq14_ended_and_running_from_periods(cq):
    rows = cq("cq14")
    ended = [r for r in rows if r["answer"] == "ended by 2025-09-04"]
    running = [r for r in rows if r["answer"] == "running on 2024-01-01"]
    ended_types = {type_of(r) for r in ended}
    running_types = {type_of(r) for r in running}

    # the work of the delegation in Azerbaijan: since 1992, closed 3 September 2025 (000)
    for t in ("detention-visits", "tracing", "support-to-families-of-missing"):
        assert t in ended_types, f"{t} ended by 2025-09-04"
        assert t in running_types, f"{t} still running on 2024-01-01"
    # an end is proof only if its LAST possible day is on or before 2025-09-04:
    # "3 September 2025" (000) is, "September 2025" (001, 002) is not
    for r in ended:
        ends = r["end"].split()
        assert ends and all(_last_day(e) <= "2025-09-04" for e in ends), r
    assert any(r["end"] == "2025-09-03" and docs_of(r) == {"000"} for r in ended)
    assert not any("2025-09" in r["end"].split() for r in ended)
    # running: begun by then (first day of the stated beginning), no end before it
    for r in running:
        assert any(_first_day(b) <= "2024-01-01" for b in r["begin"].split()), r
        assert all(_last_day(e) >= "2024-01-01" for e in r.get("end", "").split()), r
    # the first half of 2024 (003): a report period 2024-01..2024-06 both ran on 1 January 2024 and ended
    h1 = [r for r in rows if r.get("begin") == "2024-01" and r.get("end") == "2024-06"]
    assert {r["answer"] for r in h1} == {"ended by 2025-09-04", "running on 2024-01-01"}


def test_cq14_work_in_barda_ended_by_end_of_june_2024(server, cq):
    """003: 'By the end of June 2024 ... we terminated our ongoing activities in Barda and closed the office'."""
    rows = cq("cq14")
    in_barda = {b["x"] for b in select(server, f"""
        SELECT ?x WHERE {{ ?x kg:inPlace <{ID}place/barda> .
                           {{ ?x kg:performedBy <{ICRC}> }} UNION {{ ?x org:unitOf <{ICRC}> }} }}""")}
    assert in_barda, "the ICRC's work / office in Barda (003)"
    ended = [r for r in rows if r["answer"] == "ended by 2025-09-04" and r["activity"] in in_barda]
    assert any("2024-06" in r["end"].split() and docs_of(r) == {"003"} for r in ended)
    assert not any(r["answer"] == "running on 2024-01-01" and r["activity"] in in_barda and not r.get("begin")
                   for r in rows), "no beginning stated: not claimed to be running"


# --------------------------------------------------------------------------------------
# CQ15 the English and the Azerbaijani FAQ compared
# --------------------------------------------------------------------------------------


def _status(rows, fact: str) -> str | None:
    found = [r["status"] for r in rows if r["fact"] == fact]
    return found[0] if found else None


def select(server, query: str) -> list[dict]:
    """A helper SELECT through the endpoint (to pick out facts by their properties)."""
    prefixes = f"PREFIX kg: <{KG}>\nPREFIX at: <{AT}>\nPREFIX org: <http://www.w3.org/ns/org#>\n"
    r = post_query(server, prefixes + query)
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def test_cq15_shared_and_single_facts(server, cq):
    rows = cq("cq15")
    facts = [r["fact"] for r in rows]
    assert len(facts) == len(set(facts)), "each fact once"
    statuses = {r["status"].split(" (")[0] for r in rows}
    assert statuses <= {"both", "only en", "only az"} and "both" in statuses
    assert all(r["status"] == "both" or docs_of(r, "status") <= {"001", "002"} for r in rows)

    def the(query: str) -> set[str]:
        return {b["x"] for b in select(server, query)}

    # the handover and contact facts, shared by both FAQs
    support = the(f"SELECT ?x WHERE {{ ?x a kg:Handover ; kg:receiver <{GOV_AZ}> ; "
                  "kg:handedOverActivity/kg:activityType at:support-to-families-of-missing }")
    remains = the(f"SELECT ?x WHERE {{ ?x a kg:Handover ; kg:receiver <{STATE_COMMISSION}> ; "
                  "kg:handedOverActivity/kg:activityType at:human-remains-search-and-identification }")
    contact = the(f"SELECT ?x WHERE {{ ?x a kg:Referral ; kg:referTo <{AZRCS}> }}")
    members = the("SELECT ?x WHERE { ?x a org:Membership }")
    for name, nodes in (("support to families -> national authorities", support),
                        ("human remains -> State Commission", remains),
                        ("contact the Azerbaijan Red Crescent Society", contact),
                        ("membership of the Movement", members)):
        assert nodes, name
        assert all(_status(rows, n) == "both" for n in nodes), name
    # most of the handover and contact facts are shared
    hc = [r for r in rows if {"Handover", "Referral"} & set(r.get("classes", "").split())]
    assert sum(r["status"] == "both" for r in hc) > len(hc) / 2


def test_cq15_information_handover_is_shared(server, cq):
    rows = cq("cq15")
    r = post_query(server, f"""
        PREFIX kg: <{KG}>
        SELECT DISTINCT ?h WHERE {{ ?h a kg:Handover ; kg:handedOverItem ?i ; kg:receiver <{STATE_COMMISSION}> }}""")
    items = {b["h"]["value"] for b in r.json()["results"]["bindings"]}
    assert len(items) == 1, f"one information handover, not one per language: {sorted(items)}"
    assert _status(rows, items.pop()) == "both"


def test_cq15_only_002_carries_the_questions(cq):
    rows = cq("cq15")
    questions = [r for r in rows if r.get("isQuestion") == "true"]
    assert questions and all(r["status"].startswith("only az") for r in questions)
    gold = yaml.safe_load((GOLD / "002_3085d1d938f57e6c.yaml").read_text(encoding="utf-8"))["questions"]
    passages = [re.sub(r"\s+", " ", r.get("exactAz", "")).strip() for r in questions]
    for q in gold:
        last = re.split(r"(?<=[.?])\s+", q)[-1]
        assert any(last in p for p in passages), f"question not in the graph: {q}"
