"""Facts the real build holds: one node per fact with evidence from every document that
states it; differing precisions kept apart; figures with qualifier and unit; dates typed
by precision."""

from __future__ import annotations

from conftest import SOURCES, select

BASE = "http://localhost:8000/"
DOC = {p.name[:3]: p.stem for p in SOURCES.glob("*.txt")}


def graph(doc: str) -> str:
    return f"<{BASE}graph/document/{DOC[doc]}>"


def test_each_handover_is_one_node_with_evidence_from_both_faqs(store):
    rows = select(store, """
        SELECT ?h ?receiver ?lang WHERE {
          ?h a kg:Handover ; kg:giver ?giver ; kg:receiver ?receiver ; kg:hasEvidence ?ev .
          ?ev oa:hasSource ?doc . ?doc dcterms:language ?lang }""")
    by_node: dict[str, set[str]] = {}
    for r in rows:
        by_node.setdefault(r["h"], set()).add(r["lang"])
    assert len(by_node) >= 5
    for node, langs in by_node.items():
        assert langs == {"en", "az"}, (node, langs)  # the English and Azerbaijani FAQs both state it
    receivers = {r["receiver"].rsplit("/", 1)[1] for r in rows}
    assert receivers == {"government-of-azerbaijan", "state-commission-pow-hostages-missing-azerbaijan"}


def test_handover_of_remains_search_and_information_with_its_condition(store):
    rows = select(store, """
        SELECT ?h ?type ?cond WHERE { ?h a kg:Handover ; kg:receiver ?r .
          FILTER(STRENDS(STR(?r), "state-commission-pow-hostages-missing-azerbaijan"))
          OPTIONAL { ?h kg:handedOverActivity/kg:activityType ?type }
          OPTIONAL { ?h kg:condition ?cond } }""")
    types = {r.get("type", "").rsplit("/", 1)[-1] for r in rows}
    assert "human-remains-search-and-identification" in types
    conds = {r["cond"] for r in rows if "cond" in r}
    assert "with the consent of the families" in conds


def test_closure_dates_keep_their_precision_per_document(store):
    rows = select(store, """
        SELECT ?g ?v WHERE { GRAPH ?g { ?c a kg:Closure ; kg:closedUnit ?o ; kg:atTime ?t .
          ?o kg:inPlace ?p . FILTER(STRENDS(STR(?p), "/azerbaijan")) }
          ?t time:inXSDDate|time:inXSDgYearMonth ?v }""")
    by_graph = {r["g"].rsplit("/", 1)[1][:3]: r["v"] for r in rows}
    assert by_graph == {"000": "2025-09-03", "001": "2025-09", "002": "2025-09"}
    decided = select(store, "SELECT DISTINCT ?d WHERE { ?c a kg:Closure ; kg:decidedBy ?d }")
    assert {r["d"].rsplit("/", 1)[1] for r in decided} == {"government-of-azerbaijan"}


def test_barda_office_closed_by_end_of_june_2024_with_reason(store):
    rows = select(store, """
        SELECT ?bound ?reason WHERE { ?c a kg:Closure ; kg:closedUnit ?o ; kg:endBound ?t ; kg:reason ?reason .
          ?o kg:inPlace <http://localhost:8000/id/place/barda> . ?t time:inXSDgYearMonth ?bound }""")
    assert rows and rows[0]["bound"] == "2024-06"
    assert "capacity of the Azerbaijani authorities" in rows[0]["reason"]


def test_figures_keep_qualifier_and_unit(store):
    rows = select(store, f"""
        SELECT ?value ?q ?unit ?surface WHERE {{ GRAPH {graph('003')} {{
          ?f a kg:Figure ; kg:value ?value ; kg:qualifier ?q ; kg:surfaceText ?surface . OPTIONAL {{ ?f kg:unit ?unit }} }} }}""")
    got = {(r["value"], r["q"].rsplit("#", 1)[1]) for r in rows}
    assert {(20, "exactly"), (357, "approximately"), (3000, "nearly"), (700, "moreThan"),
            (2000, "moreThan"), (10000, "approximately")} <= got
    assert any(r["surface"] == "Nearly 3,000 people" and r["unit"] == "people" for r in rows)


def test_dates_are_typed_by_precision(store):
    rows = select(store, """SELECT ?i ?unit ?v (DATATYPE(?v) AS ?dt) WHERE {
        ?i a time:Instant ; time:unitType ?unit . { ?i time:inXSDDate ?v } UNION { ?i time:inXSDgYearMonth ?v } UNION { ?i time:inXSDgYear ?v } }""")
    kinds = {"unitDay": "#date", "unitMonth": "#gYearMonth", "unitYear": "#gYear"}
    assert rows
    for r in rows:
        assert r["dt"].endswith(kinds[r["unit"].rsplit("#", 1)[1]]), r
    values = {r["v"] for r in rows}
    assert {"2025-09-03", "2025-09", "1992", "2000-06-01", "2000-06-09", "2000-06-23", "2024-06"} <= values


def test_first_half_of_2024_is_a_period(store):
    rows = select(store, """SELECT ?b ?e ?s WHERE { ?p a kg:Period ; kg:surfaceText ?s ;
        time:hasBeginning/time:inXSDgYearMonth ?b ; time:hasEnd/time:inXSDgYearMonth ?e }""")
    assert any(r["b"] == "2024-01" and r["e"] == "2024-06" and "first half of 2024" in r["s"] for r in rows)


def test_agreement_of_june_2000(store):
    rows = select(store, """SELECT ?p ?v WHERE { ?a a kg:Agreement ; ?p ?v .
        FILTER(?p IN (kg:signedOn, kg:ratifiedOn, kg:ratifiedBy, kg:signatory, kg:firstVisitOn)) }""")
    facts = {(r["p"].rsplit("#", 1)[1], r["v"].rsplit("/", 1)[1]) for r in rows}
    assert {("signedOn", "2000-06-01"), ("ratifiedOn", "2000-06-09"), ("firstVisitOn", "2000-06-23"),
            ("ratifiedBy", "president-of-azerbaijan"), ("signatory", "icrc"),
            ("signatory", "government-of-azerbaijan")} <= facts


def test_membership_of_the_movement(store):
    rows = select(store, "SELECT ?m WHERE { ?m org:memberOf ?mv . ?mv a kg:Movement }")
    assert {r["m"].rsplit("/", 1)[1] for r in rows} == {"icrc", "azerbaijan-red-crescent-society"}


def test_referral_for_missing_relatives_abroad(store):
    rows = select(store, """SELECT ?to ?matter WHERE { ?r a kg:Referral ; kg:referTo ?to ; kg:forMatter ?matter }""")
    matters = {r["matter"] for r in rows if r["to"].endswith("/azerbaijan-red-crescent-society")}
    # the English FAQ's wording, and the Azerbaijani FAQ's ("Azərbaycandan kənarda")
    assert any("outside of Azerbaijan" in m for m in matters), matters
    assert any("kənarda" in m for m in matters), matters
