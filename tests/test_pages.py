"""The graph as linked data over real HTTP: dereferenceable IRIs, entity and document pages,
lists, search, pictures, exports and the JSON-LD context (issue 6).

Every check is made against the real server of the session (``server``, a real build of
the five documents) and, for what a page should show, against the store itself.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import requests
from conftest import Server, select
from rdflib import Graph, Literal, URIRef

BASE = "http://localhost:8000/"
ICRC = BASE + "id/organisation/icrc"
ICRC_PATH = "/id/organisation/icrc"
KG = "https://w3id.org/humanitarian-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


# -- a small DOM from the standard library's parser ----------------------------------------

class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list = []

    def text(self, skip_class: str | None = None) -> str:
        return "".join(c if isinstance(c, str) else
                       ("" if skip_class and skip_class in c.attrs.get("class", "").split() else c.text(skip_class))
                       for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, **attrs):
        out = []
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            ok = True
            for k, v in attrs.items():
                k = k.rstrip("_")
                have = n.attrs.get(k)
                if have is None or (k == "class" and v not in have.split()) or (k != "class" and have != v):
                    ok = False
                    break
            if ok:
                out.append(n)
        return out

    def find(self, tag=None, **attrs):
        hits = self.find_all(tag, **attrs)
        return hits[0] if hits else None


class _Builder(HTMLParser):
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "base", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in self.VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dom(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    return b.root


def page(server, path: str, **headers) -> requests.Response:
    r = requests.get(server.url + path, headers={**HTML, **headers}, timeout=30)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    assert r.headers["Content-Type"].startswith("text/html")
    return r


def local(href: str) -> str:
    return unquote(urlsplit(href).path)


@pytest.fixture(scope="module")
def icrc_html(server):
    return page(server, ICRC_PATH + "?lang=en").text


@pytest.fixture(scope="module")
def icrc_turtle(server) -> Graph:
    r = requests.get(server.url + ICRC_PATH, headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=r.text, format="turtle")


# -- the ICRC page: names, offices with periods, handovers with receivers and passages ----------

def test_icrc_page_names_in_three_languages(server, icrc_html):
    d = dom(icrc_html)
    assert d.find("h1").text().strip() == "International Committee of the Red Cross"
    names = d.find("table", class_="names")
    rows = {tr.attrs["data-lang"]: tr.text() for tr in names.find_all("tr") if "data-lang" in tr.attrs}
    assert "Международный Комитет Красного Креста" in rows["ru"] and "МККК" in rows["ru"]
    assert "Beynəlxalq Qızıl Xaç Komitəsi" in rows["az"] and "BQXK" in rows["az"]
    assert "ICRC" in rows["en"]


def test_language_chosen_by_parameter_cookie_and_accept_language(server):
    ru = dom(page(server, ICRC_PATH + "?lang=ru").text)
    assert ru.find("h1").text().strip() == "Международный Комитет Красного Креста"
    assert ru.find("h1").attrs["lang"] == "ru"
    az = dom(page(server, ICRC_PATH, **{"Accept-Language": "az-AZ,az;q=0.9,en;q=0.5"}).text)
    assert az.find("h1").text().strip() == "Beynəlxalq Qızıl Xaç Komitəsi"
    s = requests.Session()
    s.get(server.url + ICRC_PATH + "?lang=ru", headers=HTML, timeout=30)
    again = dom(s.get(server.url + ICRC_PATH, headers={**HTML, "Accept-Language": "en"}, timeout=30).text)
    assert again.find("h1").text().strip() == "Международный Комитет Красного Креста"


def test_label_falls_back_to_any_language(server):
    # the State Commission has no Russian label: a Russian page still names it
    r = page(server, "/id/organisation/state-commission-pow-hostages-missing-azerbaijan?lang=ru")
    h1 = dom(r.text).find("h1")
    assert h1.text().strip() and h1.attrs.get("lang") in ("en", "az")


def test_icrc_offices_with_their_periods(server, store, icrc_html):
    offices = select(store, f"SELECT ?o WHERE {{ ?o org:unitOf <{ICRC}> }}")
    assert len(offices) >= 5
    section = dom(icrc_html).find("section", id="unitOf")
    cards = {c.attrs["data-iri"]: c for c in section.find_all("div", class_="fact")}
    assert {o["o"] for o in offices} == set(cards)
    periods = select(store, f"""
        SELECT ?o ?d WHERE {{ ?o org:unitOf <{ICRC}> ; kg:activeDuring ?p .
          ?p time:hasBeginning|time:hasEnd ?i .
          ?i time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?d }}""")
    assert periods
    from kg.web.graph.dates import human_date

    for row in periods:  # each date as people read it ("3 Sep 2025"), never as 2025-09-03
        assert human_date(row["d"], "en") in cards[row["o"]].text(), (row, cards[row["o"]].text()[:300])
    baku = " ".join(cards[BASE + "id/office/icrc-azerbaijan"].text().split())
    assert "1992 – 3 Sep 2025 (ru) · Sep 2025 (en, az)" in baku, "which document gives which end"
    assert "2025-09" not in baku


def test_icrc_handovers_with_receivers_and_passages(server, store, icrc_html):
    handovers = select(store, f"SELECT ?h ?r WHERE {{ ?h kg:giver <{ICRC}> ; kg:receiver ?r }}")
    assert len(handovers) >= 4
    section = dom(icrc_html).find("section", id="giver")
    cards = {c.attrs["data-iri"]: c for c in section.find_all("div", class_="fact")}
    for row in handovers:
        card = cards[row["h"]]
        hrefs = {local(a.attrs["href"]) for a in card.find_all("a") if "href" in a.attrs}
        assert "/" + row["r"][len(BASE):] in hrefs, "the receiver is linked"
        quotes = [q.text() for q in card.find_all("blockquote")]
        exact = {x["x"] for x in select(store, f"""
            SELECT ?x WHERE {{ <{row['h']}> kg:hasEvidence/oa:hasSelector/oa:exact ?x }}""")}
        assert quotes and set(quotes) <= exact
        links = [a.attrs["href"] for a in card.find_all("a", class_="passage-link")]
        assert len(links) == len(quotes) or len(links) >= 2
        assert all(re.fullmatch(r"/id/document/[^/#]+#ev-\d+-\d+", link) for link in links)


def test_passage_link_leads_to_the_highlighted_passage(server, icrc_html):
    section = dom(icrc_html).find("section", id="giver")
    card = section.find("div", class_="fact")
    quote = card.find("li", class_="quote")
    exact = quote.find("blockquote").text()
    link = quote.find("a", class_="passage-link").attrs["href"]
    path, anchor = link.split("#")
    doc = dom(page(server, path).text)
    pieces = [m for m in doc.find_all("mark") if m.attrs.get("data-ev") == anchor]
    assert pieces and pieces[0].attrs.get("id") == anchor
    # the highlighted pieces put together are the quoted words
    first = pieces[0]
    assert " ".join(first.text().split()).startswith(" ".join(exact.split())[:40])
    entry = doc.find("li", id="p-" + anchor)
    assert entry is not None, "the passage is listed with the facts made from it"
    facts = {local(a.attrs["href"]) for a in entry.find_all("a") if a.attrs.get("href", "").startswith("/id/")}
    assert "/" + card.attrs["data-iri"][len(BASE):] in facts, "and the fact links back"


# -- the same facts as data -------------------------------------------------------------------

def test_icrc_turtle_and_jsonld_are_the_same_rdf(server, icrc_turtle):
    r = requests.get(server.url + ICRC_PATH, headers={"Accept": "application/ld+json"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/ld+json")
    assert "Accept" in r.headers["Vary"]
    g = Graph().parse(data=r.text, format="json-ld")
    assert len(g) > 1000
    assert set(g) == set(icrc_turtle)
    # the same through pyoxigraph's parser (the context is inline: no network needed)
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(r.content, format=ox.RdfFormat.JSON_LD)}
    assert len(triples) == len(g)


def test_rdf_has_the_facts_the_page_shows(server, store, icrc_html, icrc_turtle):
    g = icrc_turtle
    icrc = URIRef(ICRC)
    assert (icrc, URIRef(SKOS + "prefLabel"), Literal("Международный Комитет Красного Креста", lang="ru")) in g
    d = dom(icrc_html)
    facts = [c for c in d.find_all("div", class_="fact")]
    assert len(facts) > 20
    exact = {str(o) for o in g.objects(None, URIRef(OA + "exact"))}
    for card in facts:
        iri = URIRef(card.attrs["data-iri"])
        assert (iri, None, icrc) in g, f"{iri} is linked to the ICRC in the data too"
        for a in card.find_all("a"):
            href = local(a.attrs.get("href", ""))
            if href.startswith("/id/") and "#" not in a.attrs["href"] and "/evidence/" not in href:
                assert URIRef(BASE + href[1:]) in set(g.subjects()) | set(g.objects()), href
        for q in card.find_all("blockquote"):
            assert q.text() in exact
    for row in select(store, f"SELECT ?h ?r WHERE {{ ?h kg:giver <{ICRC}> ; kg:receiver ?r }}"):
        assert (URIRef(row["h"]), URIRef(KG + "receiver"), URIRef(row["r"])) in g


def test_entity_jsonld_is_framed_around_the_entity(server):
    r = requests.get(server.url + ICRC_PATH + ".jsonld", timeout=30)
    doc = r.json()
    assert doc["id"] == ICRC
    assert doc["name"] == {"az": "Beynəlxalq Qızıl Xaç Komitəsi", "en": "International Committee of the Red Cross",
                           "ru": "Международный Комитет Красного Креста"}
    assert "HumanitarianOrganisation" in doc["type"]
    given = doc["handoversGiven"]
    assert len(given) >= 4
    for h in given:
        assert "Handover" in h["type"]
        assert h["receiver"]["name"]  # the receiver, named
        for ev in h["evidence"]:
            assert ev["source"]["title"] and ev["source"]["language"] in ("en", "ru", "az")
            quote = [s for s in ev["selector"] if "quote" in s]
            position = [s for s in ev["selector"] if "start" in s]
            assert quote and position and position[0]["end"] > position[0]["start"]
    office = next(o for o in doc["offices"] if o["id"].endswith("/icrc-azerbaijan"))
    assert office["period"]["begins"]["year"] == "1992"


def test_context_is_published_with_short_keys(server):
    r = requests.get(server.url + "/context.jsonld", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/ld+json")
    ctx = r.json()["@context"]
    for key in ("name", "altName", "type", "organisation", "place", "activityType", "giver", "receiver",
                "evidence", "quote", "start", "end", "source"):
        assert key in ctx, key
    assert ctx["quote"]["@id"] == "oa:exact" and ctx["giver"]["@type"] == "@id"


# -- dereferencing ----------------------------------------------------------------------------

@pytest.mark.parametrize("suffix,media,fmt", [
    (".ttl", "text/turtle", "turtle"),
    (".jsonld", "application/ld+json", "json-ld"),
    (".nt", "application/n-triples", "nt"),
    (".rdf", "application/rdf+xml", "xml"),
])
def test_suffixes_pick_the_format(server, suffix, media, fmt):
    r = requests.get(server.url + "/id/office/icrc-barda" + suffix, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)
    g = Graph().parse(data=r.text, format=fmt)
    assert (URIRef(BASE + "id/office/icrc-barda"), URIRef(ORG + "unitOf"), URIRef(ICRC)) in g


@pytest.mark.parametrize("accept,media", [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/json", "application/ld+json"),
    ("text/html", "text/html"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
])
def test_accept_picks_the_format(server, accept, media):
    r = requests.get(server.url + ICRC_PATH, headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)
    assert "Accept" in r.headers["Vary"]


def test_html_suffix_and_unacceptable_and_unknown(server):
    assert page(server, ICRC_PATH + ".html").headers["Content-Type"].startswith("text/html")
    assert requests.get(server.url + ICRC_PATH, headers={"Accept": "image/png"}, timeout=10).status_code == 406
    r = requests.get(server.url + "/id/organisation/no-such-body", headers=HTML, timeout=10)
    assert r.status_code == 404 and "no-such-body" in r.text


@pytest.mark.parametrize("path", [
    "/id/document/001_2bdc8158457999b5",
    "/id/evidence/001_2bdc8158457999b5/3244-3388",
    "/graph/document/001_2bdc8158457999b5",
    "/id/handover/icrc-activities-to-government-of-azerbaijan",
    "/id/period/office-icrc-azerbaijan",
    "/id/place/baku",
])
def test_every_minted_kind_of_iri_dereferences(server, path):
    page(server, path)
    r = requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=r.text, format="turtle")
    assert len(g) > 0
    iri = URIRef(BASE + path[1:])
    assert (iri, None, None) in g or (None, None, iri) in g or path.startswith("/graph/")


def test_named_graph_serves_what_the_document_states(server, store):
    r = requests.get(server.url + "/graph/document/001_2bdc8158457999b5.nt", timeout=30)
    g = Graph().parse(data=r.text, format="nt")
    n = select(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%sgraph/document/001_2bdc8158457999b5> "
                      "{ ?s ?p ?o } }" % BASE)[0]["n"]
    assert len(g) == n


def test_resource_for_a_vocabulary_iri(server):
    at = "https://w3id.org/humanitarian-kg/activity-type/detention-visits"
    r = page(server, "/resource?iri=" + at + "&lang=en")
    d = dom(r.text)
    assert d.find("h1").text().strip() == "visits to detainees"
    # the activities of this type are listed, linked to their pages
    assert "/id/activity/icrc-detention-visits-azerbaijan" in r.text
    ttl = requests.get(server.url + "/resource", params={"iri": at}, headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef(at), URIRef(SKOS + "prefLabel"), Literal("посещения мест содержания под стражей", lang="ru")) in g


def test_configured_base_maps_request_paths(tmp_path):
    """IRIs minted under another base resolve at their paths on whatever host serves them."""
    from kg.config import Settings
    from kg.web import create_app

    store = ox.Store()
    base = "https://example.org/hkg/"
    a = ox.NamedNode(base + "id/organisation/x")
    store.add(ox.Quad(a, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Body X", language="en"),
                      ox.NamedNode(base + "graph/document/d")))
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    app = create_app(Settings(base_iri=base, var_dir=tmp_path), store)
    c = app.test_client()
    r = c.get("/id/organisation/x", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and base + "id/organisation/x" in r.get_data(as_text=True)
    html = c.get("/id/organisation/x", headers=HTML).get_data(as_text=True)
    assert "Body X" in html
    assert c.get("/graph/document/d.nt").status_code == 200


# -- documents, lists, search, pictures ---------------------------------------------------------

def test_document_page_highlights_every_passage(server, store):
    doc = "002_3085d1d938f57e6c"
    d = dom(page(server, f"/id/document/{doc}").text)
    anchors = {m.attrs["id"] for m in d.find_all("mark") if "id" in m.attrs}
    evidence = select(store, f"SELECT DISTINCT ?s ?e WHERE {{ ?ev oa:hasSource <{BASE}id/document/{doc}> ; "
                             "oa:hasSelector [ oa:start ?s ; oa:end ?e ] }")
    assert {f"ev-{r['s']}-{r['e']}" for r in evidence} == anchors
    text = d.find("div", class_="text").text(skip_class="fn")  # without the footnote numbers
    chars = select(store, f"SELECT ?t WHERE {{ <{BASE}id/document/{doc}> cnt:chars ?t }}")[0]["t"]
    assert text == chars, "the whole text, unchanged"
    entries = [e for e in d.find("ol", class_="passages").children if isinstance(e, Node) and e.tag == "li"]
    assert len(entries) > 20 and all(e.find("a", class_="back") and e.find("ul") for e in entries)


def test_lists_of_every_kind(server, store):
    for kind, cls in [("organisations", "Organisation"), ("offices", "Office"), ("activities", "Activity"),
                      ("handovers", "Handover"), ("closures", "Closure"), ("documents", "SourceDocument")]:
        expected = {r["x"] for r in select(store, f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* kg:{cls} }}")}
        d = dom(page(server, f"/list/{kind}").text)
        listed = {BASE + local(a.attrs["href"])[1:] for a in d.find("table", class_="list").find_all("a")
                  if local(a.attrs.get("href", "")).startswith("/id/")}
        assert expected <= listed, (kind, expected - listed)
    classes = page(server, "/classes").text
    assert "/class?iri=https%3A%2F%2Fw3id.org%2Fhumanitarian-kg%2Fontology%23Handover" in classes
    listed = page(server, "/class?iri=https%3A%2F%2Fw3id.org%2Fhumanitarian-kg%2Fontology%23Organisation").text
    assert ICRC_PATH in listed


@pytest.mark.parametrize("query", ["МККК", "Красного Креста", "BQXK-nın", "icrc", "Международного Комитета Красного Креста",
                                   "beynəlxalq qızıl xaç komitəsinin"])
def test_search_finds_the_icrc_by_any_name_and_form(server, query):
    d = dom(requests.get(server.url + "/search", params={"q": query}, headers=HTML, timeout=30).text)
    results = d.find("ol", class_="results")
    assert results is not None, query
    hrefs = [local(a.attrs["href"]) for a in results.find_all("a")][:5]
    assert ICRC_PATH in hrefs, (query, hrefs)


def test_timeline_and_neighbourhood_pictures(server, icrc_html):
    d = dom(page(server, "/timeline").text)
    entries = [" ".join(e.text().split()) for e in d.find("ol", class_="timeline").find_all("li", class_="entry")]
    assert any("Withdrawal of the ICRC delegation in Azerbaijan" in e and "3 Sep 2025" in e for e in entries)
    assert any("1 Jun 2000" in e for e in entries)
    pic = icrc_html[icrc_html.index('<svg class="neighbourhood"'):]
    pic = pic[:pic.index("</svg>")]
    assert "State Commission on Prisoners of War" in pic and "search for and identification" in pic


def test_pages_load_nothing_from_another_host(server, icrc_html):
    for html in (icrc_html, page(server, "/id/document/001_2bdc8158457999b5").text, page(server, "/sparql").text,
                 page(server, "/").text, page(server, "/timeline").text):
        d = dom(html)
        for n in d.iter():
            for attr in ("src", "href"):
                v = n.attrs.get(attr)
                if v and n.tag in ("script", "link", "img", "iframe", "source", "use", "image"):
                    assert not urlsplit(v).netloc, (n.tag, v)
        assert "@import" not in html and "url(http" not in html


# -- the query page and exports -------------------------------------------------------------------

def test_query_page_offers_the_competency_queries(server):
    d = dom(page(server, "/sparql").text)
    examples = json.loads(d.find("script", id="examples-data").text())
    assert len(examples) == 15 and examples[3]["name"] == "CQ04" and "SELECT" in examples[3]["query"]
    assert d.find("textarea") is not None and d.find("select", id="examples") is not None
    filled = dom(page(server, "/query?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D").text)
    assert filled.find("textarea").text() == "ASK { ?s ?p ?o }"


@pytest.mark.parametrize("fmt,parse", [("turtle", "turtle"), ("trig", "trig"), ("nquads", "nquads")])
def test_export_formats(server, store, fmt, parse):
    r = requests.get(server.url + "/export", params={"format": fmt}, timeout=60)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(data=r.content, format=parse)
    assert len(ds) > 1000 or sum(1 for _ in ds.quads()) > 1000


def test_export_jsonld_uses_the_context_and_keeps_every_quad(server):
    nq = requests.get(server.url + "/export?format=nquads", timeout=60).content
    jl = requests.get(server.url + "/export?format=jsonld", timeout=60)
    doc = jl.json()
    assert doc["@context"]["name"]["@id"] == "skos:prefLabel"
    assert {"id", "@graph"} <= set(doc["@graph"][0])
    a = set(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    b = set(ox.parse(jl.content, format=ox.RdfFormat.JSON_LD))
    assert a == b
    assert requests.get(server.url + "/export?format=xml", timeout=10).status_code == 400


# -- escaping ---------------------------------------------------------------------------------

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_server(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("evil") / "evil.ttl"
    path.write_text(f"""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix kg: <https://w3id.org/humanitarian-kg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<{BASE}id/organisation/evil> a kg:Organisation ;
    skos:prefLabel "{EVIL}"@en ;
    skos:altLabel "\\"><img src=x onerror=alert(2)>"@en ;
    kg:cooperatesWith <{ICRC}> ;
    kg:hasEvidence <{BASE}id/evidence/evil/1-2> .
<{BASE}id/handover/evil> a kg:Handover ; skos:prefLabel "{EVIL}"@en ;
    kg:giver <{BASE}id/organisation/evil> ; kg:receiver <{ICRC}> ;
    kg:hasEvidence <{BASE}id/evidence/evil/1-2> .
<{BASE}id/evidence/evil/1-2> a kg:Evidence ; oa:hasSource <{BASE}id/document/001_2bdc8158457999b5> ;
    oa:hasSelector <{BASE}id/evidence/evil/1-2#quote> .
<{BASE}id/evidence/evil/1-2#quote> a oa:TextQuoteSelector ; oa:exact "</blockquote><script>alert(3)</script>" .
""", encoding="utf-8")
    srv = Server(built["env"], (str(path),))
    yield srv
    srv.stop()


def test_labels_and_quotes_are_escaped(evil_server):
    for path in ("/id/organisation/evil", "/id/handover/evil", ICRC_PATH, "/list/organisations",
                 "/list/handovers", "/search?q=script"):
        html = page(evil_server, path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    d = dom(page(evil_server, "/id/organisation/evil").text)
    assert d.find("h1").text() == EVIL
    assert "&lt;/blockquote&gt;&lt;script&gt;alert(3)" in page(evil_server, "/id/handover/evil").text
