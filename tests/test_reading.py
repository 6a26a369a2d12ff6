"""The analyst's way in (issue 13), over real HTTP against the session's server: entity pages
that answer first, one language per page, search over passages with facets, the timeline,
the small breakages (a document by its file name, the header on every page, the favicon, the
example queries' speed) and one JSON-LD for the pages, /export and ``kg export``.

Each check is made against the real server of the session (a real build of the five
documents) and, where a page shows facts, against the store itself.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
import requests
from conftest import kg, select
from test_pages import HTML, ICRC, ICRC_PATH, Node, dom, page

BASE = "http://localhost:8000/"
KG = "https://w3id.org/humanitarian-kg/ontology#"
CLOSURE = BASE + "id/closure/office-icrc-azerbaijan"
OFFICE = BASE + "id/office/icrc-azerbaijan"


def text_of(n: Node) -> str:
    return " ".join(n.text().split())


def local(href: str) -> str:
    return unquote(urlsplit(href).path)


# -- the small breakages ------------------------------------------------------------------------

def test_a_document_is_found_by_its_file_name(server):
    """/id/document/001_….txt (the file name, as metadata.json and the README give it) is the
    document: a permanent redirect to its IRI, for a browser and for a program."""
    r = requests.get(server.url + "/id/document/001_2bdc8158457999b5.txt?lang=ru", headers=HTML,
                     allow_redirects=False, timeout=30)
    assert r.status_code == 301
    assert r.headers["Location"].endswith("/id/document/001_2bdc8158457999b5?lang=ru")
    followed = requests.get(server.url + "/id/document/001_2bdc8158457999b5.txt", headers={"Accept": "text/turtle"},
                            timeout=30)
    assert followed.status_code == 200 and followed.headers["Content-Type"].startswith("text/turtle")
    assert "001_2bdc8158457999b5.txt" in followed.text
    assert requests.get(server.url + "/id/document/no-such-file.txt", headers=HTML, timeout=30).status_code == 404


@pytest.mark.parametrize("path", ["/", ICRC_PATH, "/ontology", "/search?q=ICRC", "/timeline", "/query", "/sparql",
                                  "/list/handovers", "/classes", "/id/document/000_22953d9dd2031f1d",
                                  "/id/evidence/001_2bdc8158457999b5/3244-3388", "/graph/document/001_2bdc8158457999b5"])
def test_every_page_shares_the_site_header_and_favicon(server, path):
    d = dom(page(server, path).text)
    header = d.find("header", class_="top")
    assert header is not None, f"{path} has no site header"
    nav = {local(a.attrs["href"]) for a in header.find("nav", class_="main").find_all("a")}
    assert {"/list/organisations", "/timeline", "/ontology", "/query"} <= nav
    assert header.find("form", class_="search") and header.find("nav", class_="langs")
    icons = [ln for ln in d.find_all("link") if ln.attrs.get("rel") == "icon"]
    assert icons, f"{path} names no favicon"


def test_favicon(server):
    r = requests.get(server.url + "/favicon.ico", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.content.lstrip().startswith(b"<svg")


def test_example_queries_all_answer(server):
    """Every competency query on the query page answers, with rows. (How fast is measured in
    bench/, not asserted here: tests check correctness, not time.)"""
    examples = __import__("json").loads(dom(page(server, "/query").text).find("script", id="examples-data").text())
    assert len(examples) >= 15
    for ex in examples:
        r = requests.post(server.url + "/sparql", data={"query": ex["query"]},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert r.status_code == 200, (ex["name"], r.text[:300])
        assert r.json()["results"]["bindings"], f"{ex['name']} answers nothing"


# -- the ICRC's page answers first ----------------------------------------------------------------

@pytest.fixture(scope="module")
def icrc(server) -> dict[str, Node]:
    return {lang: dom(page(server, f"{ICRC_PATH}?lang={lang}").text) for lang in ("en", "ru", "az")}


def test_closure_date_decider_and_handovers_are_key_facts(icrc, store):
    d = icrc["en"]
    offices = d.find("section", id="unitOf")
    office = next(c for c in offices.find_all("div", class_="fact") if c.attrs["data-iri"] == OFFICE)
    closure = next(e for e in office.find_all("div", class_="event") if e.attrs["data-iri"] == CLOSURE)
    text = text_of(closure)
    assert "Withdrawal of the ICRC delegation in Azerbaijan" in text
    assert "3 Sep 2025 (ru)" in text and "Sep 2025 (en, az)" in text, "which document gives which date"
    assert "Government of the Republic of Azerbaijan" in text
    # the closure's passages: folded, the page's language first, each linked to its place
    refs = closure.find("details", class_="refs")
    shown = [q for q in refs.find("ul", class_="quotes").find_all("li", class_="quote")]
    assert shown and all(q.find("blockquote").attrs["lang"] == "en" for q in shown)
    folded = refs.find("details", class_="more")
    assert folded is not None and {q.find("blockquote").attrs["lang"] for q in folded.find_all("li")} == {"ru", "az"}
    for q in shown:
        assert re.fullmatch(r"/id/document/[^/#]+#ev-\d+-\d+", q.find("a", class_="passage-link").attrs["href"])
    # who took over what
    handovers = d.find("section", id="giver")
    rows = {c.attrs["data-iri"]: text_of(c) for c in handovers.find_all("div", class_="fact")}
    expected = select(store, f"SELECT ?h ?r WHERE {{ ?h kg:giver <{ICRC}> ; kg:receiver ?r }}")
    assert len(rows) == len({r["h"] for r in expected}) >= 4
    assert any("search for and identification of human remains" in t and "State Commission" in t
               for t in rows.values())


def test_headings_are_the_ontologys_inverse_labels(icrc, store):
    for lang, d in icrc.items():
        for prop in ("http://www.w3.org/ns/org#unitOf", KG + "giver", KG + "performedBy"):
            want = {r["l"] for r in select(store, f"SELECT ?l WHERE {{ <{prop}> kg:inverseLabel ?l "
                                                  f"FILTER(LANG(?l) = '{lang}') }}")}
            section = d.find("section", id=prop.rsplit("#", 1)[1])
            assert section.find("h2").text().split("(")[0].strip() in want, (lang, prop)


def test_no_raw_iri_where_a_label_exists(icrc):
    for lang, d in icrc.items():
        body = d.find("article")
        visible = "".join(c if isinstance(c, str) else (c.text() if c.tag not in ("code", "script") else "")
                          for c in body.children)
        assert not re.search(r"\bid/(period|instant|figure|closure|office)/", visible), lang
        assert not re.search(r"\b\d{4}-\d{2}(-\d{2})?\b", visible.replace(ICRC, "")), (lang, "a date as xsd")


def test_an_office_shows_its_closure_once(server):
    d = dom(page(server, "/id/office/icrc-azerbaijan?lang=en").text)
    cards = [c for c in d.find_all("div", class_="fact") if c.attrs.get("data-iri") == CLOSURE]
    assert len(cards) == 1
    assert "original organization" not in d.find("article").text().lower()


def test_what_links_here(server):
    d = dom(page(server, "/id/place/azerbaijan?lang=en").text)
    links = d.find("section", id="links")
    assert links is not None
    titles = [text_of(dt) for dt in links.find_all("dt")]
    assert "Bodies of this country" in titles
    assert "/id/organisation/government-of-azerbaijan" in {local(a.attrs["href"]) for a in links.find_all("a")}


# -- one language per page ----------------------------------------------------------------------

def _interface_english(store, lang: str) -> list[str]:
    """The interface's English texts and the English labels of the ontology's properties and
    classes (what a Russian or Azerbaijani page must not show unmarked), but for the words
    that are the same in ``lang`` ("status")."""
    from kg.web.graph import i18n

    texts = set()
    for t in i18n.english_interface_texts():
        for piece in re.split(r"\{[a-z]+\}", t):
            piece = piece.strip(" :()·.,…")
            if len(re.findall(r"[A-Za-z]{3,}", piece)) >= 1 and len(piece) >= 4:
                texts.add(piece)
    for row in select(store, f"""SELECT DISTINCT ?l WHERE {{
            {{ ?p a owl:ObjectProperty }} UNION {{ ?p a owl:DatatypeProperty }} UNION {{ ?p a owl:Class }}
            ?p rdfs:label ?l FILTER(LANG(?l) = "en")
            FILTER NOT EXISTS {{ ?p rdfs:label ?same FILTER(LANG(?same) = "{lang}" && STR(?same) = STR(?l)) }} }}"""):
        if len(row["l"]) >= 5:
            texts.add(row["l"])
    # names the same in every language (JSON-LD, SPARQL) are not English
    same = {"JSON-LD", "SPARQL", "Turtle", "TriG", "N-Quads", "N-Triples", "RDF/XML", "SHA-256"}
    return sorted(t for t in texts if t not in same)


def _unmarked_text(n: Node, lang: str) -> str:
    """The page's text outside elements marked as another language, code and scripts."""
    out = []
    for c in n.children:
        if isinstance(c, str):
            out.append(c)
        elif c.tag in ("script", "style", "code", "noscript") or (c.attrs.get("lang") not in (None, "", lang)):
            continue
        else:
            out.append(_unmarked_text(c, lang))
    return " ".join(out)


@pytest.mark.parametrize("lang", ["ru", "az"])
def test_pages_in_russian_and_azerbaijani_have_no_english_interface_text(server, store, lang):
    english = _interface_english(store, lang)
    paths = ["/", ICRC_PATH, "/id/office/icrc-azerbaijan", "/id/closure/office-icrc-azerbaijan",
             "/id/handover/icrc-information-to-state-commission-pow-hostages-missing-azerbaijan",
             "/id/document/001_2bdc8158457999b5", "/search?q=ICRC", "/timeline", "/query", "/list/handovers",
             "/classes", "/ontology"]
    problems = []
    for path in paths:
        html = page(server, path + ("&" if "?" in path else "?") + "lang=" + lang).text
        d = dom(html)
        assert d.find("html").attrs["lang"] == lang
        text = " ".join(_unmarked_text(d.find("html"), lang).split())
        for t in english:
            if re.search(r"(?<![\w-])" + re.escape(t) + r"(?![\w-])", text):
                problems.append(f"{path}: {t!r}")
    assert not problems, "English interface text on a page in " + lang + ":\n" + "\n".join(problems[:40])


def test_values_in_the_pages_language_and_fallbacks_marked(icrc):
    for lang in ("en", "ru"):
        h = icrc[lang].find("section", id="giver")
        info = next(c for c in h.find_all("div", class_="fact") if c.attrs["data-iri"].endswith("/icrc-information-"
                                                                                                 "to-state-commission-pow-hostages-missing-azerbaijan"))
        conditions = [dd for dt, dd in zip(info.find_all("dt"), info.find_all("dd")) if "condition" in dt.text()
                      or "условие" in dt.text()]
        first = conditions[0].find("span", class_="literal")
        if lang == "en":  # the English words first, the Azerbaijani ones folded
            assert first.text() == "with the consent of the families" and first.attrs["lang"] == "en"
        else:  # no Russian words: another language's, marked as such
            assert first.attrs["lang"] != "ru"
            tag = conditions[0].find("small", class_="fallback")
            assert tag is not None and tag.text().strip().lower() == first.attrs["lang"]


def test_generated_names_are_composed_by_grammar(icrc):
    ru = text_of(icrc["ru"].find("section", id="unitOf"))
    az = text_of(icrc["az"].find("section", id="unitOf"))
    assert "Уход делегации МККК в Азербайджане" in ru and "Уход: МККК" not in ru
    assert "BQXK-nın Azərbaycandakı nümayəndəliyinin çıxması" in az and "Çıxma: BQXK:" not in az


# -- search ---------------------------------------------------------------------------------------

def _search(server, q: str, **params) -> Node:
    r = requests.get(server.url + "/search", params={"q": q, **params}, headers=HTML, timeout=60)
    assert r.status_code == 200
    return dom(r.text)


@pytest.mark.parametrize("query,word,fact", [
    ("handed over", "handed over", "/id/handover/icrc-information-to-state-commission-pow-hostages-missing-azerbaijan"),
    ("решение", "решению", "/id/closure/office-icrc-azerbaijan"),
    ("bağlanması", "bağlanması", "/id/closure/office-icrc-azerbaijan"),
])
def test_search_finds_passages_and_the_facts_they_support(server, store, query, word, fact):
    d = _search(server, query)
    group = next(g for g in d.find_all("section", class_="result-group") if g.attrs["data-kind"] == "passages")
    hits = group.find_all("li", class_="passage-hit")
    assert hits
    quotes = [text_of(h.find("blockquote")) for h in hits]
    assert any(word.lower() in q.lower() for q in quotes), quotes
    # the words that matched are marked, and each passage lists the facts made from it
    assert all(h.find("mark") is not None for h in hits)
    supported = {local(a.attrs["href"]) for h in hits for a in h.find("div", class_="supports").find_all("a")}
    assert fact in supported
    for h in hits:
        ev = BASE + local(h.find("a", class_="passage-link").attrs["href"]).split("#")[0][1:]
        doc_facts = {r["f"] for r in select(store, f"SELECT ?f WHERE {{ ?f kg:hasEvidence ?ev . ?ev oa:hasSource <{ev}> }}")}
        shown = {BASE + local(a.attrs["href"])[1:] for a in h.find("div", class_="supports").find_all("a")}
        assert shown <= doc_facts


def test_search_groups_by_kind_with_facets(server):
    d = _search(server, "ICRC Azerbaijan")
    kinds = [g.attrs["data-kind"] for g in d.find_all("section", class_="result-group")]
    assert "passages" in kinds and "handovers" in kinds and len(kinds) >= 3
    facets = {f.attrs["data-facet"]: f for f in d.find_all("section", class_="facet")}
    assert {"kind", "organisation", "country", "language", "year"} <= set(facets)
    total = int(re.search(r"\d+", d.find("p", id="result-count").text()).group())
    # a facet value narrows the results to its count
    passages = next(li for li in facets["kind"].find_all("li") if "Passages" in li.text())
    count = int(passages.find("small").text())
    narrowed = dom(requests.get(server.url + passages.find("a").attrs["href"], headers=HTML, timeout=30).text)
    assert int(re.search(r"\d+", narrowed.find("p", id="result-count").text()).group()) == count < total
    assert narrowed.find("span", class_="chosen-facet") is not None
    assert [g.attrs["data-kind"] for g in narrowed.find_all("section", class_="result-group")] == ["passages"]


def test_search_finds_names_in_any_form(server):
    for q in ("BQXK-nın", "Международного Комитета Красного Креста", "icrc"):
        d = _search(server, q)
        orgs = next(g for g in d.find_all("section", class_="result-group") if g.attrs["data-kind"] == "organisations")
        assert ICRC_PATH in [local(a.attrs["href"]) for a in orgs.find_all("a")][:3], q


# -- timeline ---------------------------------------------------------------------------------------

def test_timeline_in_date_order_with_handovers_and_filters(server):
    d = dom(page(server, "/timeline?lang=en").text)
    entries = d.find("ol", class_="timeline").find_all("li", class_="entry")
    iris = [e.attrs["data-iri"] for e in entries]
    assert len(iris) == len(set(iris)), "each fact once"
    years = [int(y.text()) for y in d.find("ol", class_="timeline").find_all("li", class_="year") if y.text().strip().isdigit()]
    assert years == sorted(years)
    assert any("/id/handover/" in i for i in iris) and CLOSURE in iris
    texts = [text_of(e) for e in entries]
    assert not any(re.search(r"\(\+\d+\)", t) for t in texts), "plain labels"
    armenia = dom(page(server, "/timeline?lang=en&place=" + BASE + "id/place/armenia").text)
    shown = [e.attrs["data-iri"] for e in armenia.find("ol", class_="timeline").find_all("li", class_="entry")]
    assert shown and set(shown) < set(iris) and BASE + "id/opening/office-icrc-armenia" in shown
    assert CLOSURE not in shown


# -- one JSON-LD --------------------------------------------------------------------------------------

def test_kg_export_jsonld_is_the_web_export(server, built, tmp_path):
    out = tmp_path / "graph.jsonld"
    kg("export", "--format", "jsonld", "-o", str(out), env=built["env"], check=True)
    web = requests.get(server.url + "/export?format=jsonld", timeout=60)
    assert out.read_bytes() == web.content
    doc = web.json()
    assert doc["@context"]["name"]["@id"] == "skos:prefLabel"
