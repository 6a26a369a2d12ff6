"""The pages in a real browser: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

One browser for the module; every page of every test is watched so that no request
leaves the server's host. Screenshots of each page go to ``tests/artifacts/`` for a
person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import Server

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose every request is recorded, and dialogs (alert …) too."""

    def __init__(self, browser, server, locale="en-GB", viewport=None):
        self.server = server
        self.host = urlsplit(server.url).netloc
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale=locale)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str):
        resp = self.page.goto(self.server.url + path)
        assert resp is not None and resp.ok, (path, resp and resp.status)
        return resp

    def shot(self, name: str, full_page: bool = False) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()
        foreign = [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                   and urlsplit(u).netloc != self.host]
        assert not foreign, f"requests left the server's host: {foreign}"
        assert not [u for u in self.requests if not u.startswith(("http:", "https:", "data:", "blob:"))]
        assert not self.dialogs, f"a script ran: {self.dialogs}"
        assert not self.errors, f"script errors: {self.errors}"


@pytest.fixture
def watched(browser, server):
    w = Watched(browser, server)
    yield w
    w.close()


#: What the ICRC's page must say about its leaving Azerbaijan, per language: the closure, its
#: date (which document gives which precision), who decided, and a handover's receiver.
ANSWERS = {
    "en": ("Withdrawal of the ICRC delegation in Azerbaijan", "3 Sep 2025", "Government of the Republic of Azerbaijan",
           "State Commission on Prisoners of War"),
    "ru": ("Уход делегации МККК в Азербайджане", "3 сентября 2025 г.", "Правительство Азербайджанской Республики",
           "Правительству Азербайджанской Республики"),
    "az": ("BQXK-nın Azərbaycandakı nümayəndəliyinin çıxması", "3 sentyabr 2025", "Azərbaycan Respublikasının Hökuməti",
           "Dövlət Komissiyası"),
}


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_from_home_to_the_closure_in_two_clicks_and_its_passage_in_one_more(browser, server, lang):
    """A journalist's question — when and why did the ICRC leave Azerbaijan, and who took over
    its work? — answered from the home page in one click (the ICRC's page), each statement's
    passage one click further (its folded sources), in each language."""
    w = Watched(browser, server, locale={"en": "en-GB", "ru": "ru-RU", "az": "az-AZ"}[lang])
    try:
        page = w.page
        w.goto(f"/?lang={lang}")
        page.locator("main a[href='/id/organisation/icrc']").first.click()  # click 1
        page.wait_for_load_state()
        assert page.url.split("?")[0].endswith("/id/organisation/icrc")
        closure, date, decider, receiver = ANSWERS[lang]
        event = page.locator("#unitOf .event", has_text=closure).first
        assert event.is_visible()
        for text in (closure, date, decider):
            assert text in event.inner_text(), (lang, text)
        assert page.locator("#giver .fact", has_text=receiver).first.is_visible(), "who took over what"
        quotes = event.locator("details.refs li.quote blockquote")
        assert not quotes.first.is_visible(), "the sources are folded"
        event.locator("details.refs > summary").click()  # click 2 (the statement's passage)
        assert quotes.first.is_visible()
        w.shot(f"01-icrc-closure-{lang}")
        if lang == "en":
            # and from the passage to its place in the document
            link = event.locator("details.refs li.quote a.passage-link").first
            anchor = link.get_attribute("href").split("#", 1)[1]
            link.click()
            page.wait_for_load_state()
            page.wait_for_function(f"document.getElementById('{anchor}').classList.contains('current')")
            mark = page.locator(f"mark#{anchor}")
            box = mark.bounding_box()
            assert box is not None and 0 <= box["y"] < 900, "the passage is scrolled into view"
            assert page.locator(f"#p-{anchor}.current").count() == 1
            w.shot("02-document-passage")
    finally:
        w.close()


def test_pages_fit_a_phone(browser, server):
    """No page scrolls sideways on a phone (390 px wide), and the header stays whole."""
    w = Watched(browser, server, viewport={"width": 390, "height": 844})
    try:
        for path in ("/", "/id/organisation/icrc?lang=az", "/id/document/002_3085d1d938f57e6c", "/search?q=ICRC",
                     "/timeline?lang=ru", "/query", "/list/activities", "/ontology"):
            w.goto(path)
            sizes = w.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert sizes[0] <= sizes[1], (path, sizes)
            assert w.page.locator("header.top form.search input").is_visible()
        w.shot("03-phone-query")
    finally:
        w.close()


def test_query_editor(watched):
    page = watched.page
    watched.goto("/sparql")
    options = page.locator("select#examples option")
    assert options.count() == 16  # a prompt and the 15 competency questions
    cq04 = page.locator("select#examples option", has_text=re.compile(r"^CQ04")).get_attribute("value")
    page.select_option("select#examples", value=cq04)
    assert "kg:Handover" in page.locator("textarea#query").input_value()
    assert page.locator("#highlight .hl-kw", has_text="SELECT").count() >= 1, "highlighted"
    page.locator("button#run").click()
    page.wait_for_selector("table.sparql-results tbody tr td .label")
    rows = page.locator("table.sparql-results tbody tr")
    assert rows.count() >= 4
    assert page.locator("table.sparql-results a[href^='/id/handover/']").count() >= 4
    label = page.locator("table.sparql-results a[href^='/id/handover/'] + .label").first.inner_text()
    assert label.startswith("Handover of"), "a label beside the IRI"
    formats = {a.get_attribute("data-format") for a in page.locator("#downloads a").all()}
    assert {"csv", "json"} <= formats
    # sorting by a column, and a link that runs the same query again
    header = page.locator("table.sparql-results th").nth(1)
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    share = page.locator("a#share").get_attribute("href")
    assert share.startswith("/query?") and "kg%3AHandover" in share
    watched.shot("04-query-results")

    # an error: its position marked
    page.fill("textarea#query", "SELECT ?x WHERE {\n  ?x a foo:Thing\n}")
    page.locator("button#run").click()
    page.wait_for_selector("#error:not([hidden])")
    assert "2" in page.locator("#error").inner_text() and "foo:" in page.locator("#error").inner_text()
    assert page.locator("#highlight .hl-error", has_text="foo:Thing").count() == 1
    watched.shot("05-query-error")

    # a project prefix is declared as soon as it is typed
    page.fill("textarea#query", "")
    page.locator("textarea#query").type("SELECT ?o WHERE { ?o a kg:")
    assert page.locator("textarea#query").input_value().startswith(
        "PREFIX kg: <https://w3id.org/humanitarian-kg/ontology#>\n")

    # long texts get wide columns; many rows come in pages
    page.fill("textarea#query", "PREFIX oa: <http://www.w3.org/ns/oa#>\nSELECT ?x WHERE { ?e oa:exact ?x } LIMIT 250")
    page.locator("button#run").click()
    page.wait_for_selector(".pager")
    assert page.locator("table.sparql-results tbody tr").count() == 100
    assert page.locator("table.sparql-results td.long").count() == 100
    assert "1" in page.locator(".pager span").first.inner_text() and "3" in page.locator(".pager span").first.inner_text()
    page.locator(".pager button.next").first.click()
    assert "2" in page.locator(".pager span").first.inner_text()
    assert page.locator("table.sparql-results tbody tr").count() == 100

    # a CONSTRUCT shows Turtle and offers the graph formats
    page.fill("textarea#query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    page.locator("button#run").click()
    page.wait_for_selector("#results pre")
    formats = {a.get_attribute("data-format") for a in page.locator("#downloads a").all()}
    assert formats == {"turtle", "jsonld", "ntriples", "rdfxml"}


def test_no_stale_download_links_after_a_query_error(watched):
    """The links to download a query's results go when the next query fails: they would give
    the old query's results, or the failing query's error, as a file."""
    page = watched.page
    watched.goto("/query?query=" + quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"))
    page.wait_for_selector("#downloads a")
    page.fill("textarea#query", "SELECT ?x WHERE { ?x ?y }")
    page.locator("button#run").click()
    page.wait_for_function("document.getElementById('status').className === 'error'")
    assert page.locator("#downloads").is_hidden() and page.locator("#downloads a").count() == 0
    assert page.locator("table.sparql-results").count() == 0, "no table of the query before"


def test_search_lists_timeline_and_documents(watched):
    page = watched.page
    watched.goto("/")
    page.fill("form.search.big input[name=q]", "bağlanması")
    page.locator("form.search.big button").click()
    page.wait_for_load_state()
    hits = page.locator(".result-group[data-kind=passages] li.passage-hit")
    assert hits.count() >= 1 and hits.first.locator("mark").count() >= 1
    assert hits.locator(".supports a[href='/id/closure/office-icrc-azerbaijan']").count() >= 1
    watched.shot("06-search")
    page.locator(".facet[data-facet=language] a").first.click()
    page.wait_for_load_state()
    assert page.locator(".chosen-facet").count() == 1
    watched.goto("/list/handovers")
    assert page.locator("table.list tbody tr").count() >= 5
    watched.goto("/timeline")
    assert page.locator("ol.timeline li.entry").count() > 10
    watched.shot("07-timeline")
    watched.goto("/id/document/002_3085d1d938f57e6c")
    assert page.locator("mark.ev").count() > 20
    page.locator("mark.ev").nth(5).click()
    assert page.locator("ol.passages li.current").count() == 1
    watched.goto("/ontology")
    assert page.locator("header.top nav.main").is_visible()
    watched.goto("/")
    watched.shot("08-home")


@pytest.fixture(scope="module")
def evil_server(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("evil-browser") / "evil.ttl"
    path.write_text("""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix kg: <https://w3id.org/humanitarian-kg/ontology#> .
<http://localhost:8000/id/organisation/evil> a kg:Organisation ;
    skos:prefLabel "<script>alert(1)</script>"@en ;
    skos:altLabel "<img src=x onerror=alert(2)>"@en ;
    kg:cooperatesWith <http://localhost:8000/id/organisation/icrc> .
""", encoding="utf-8")
    srv = Server(built["env"], (str(path),))
    yield srv
    srv.stop()


def test_a_script_in_a_label_is_shown_as_text(browser, evil_server):
    w = Watched(browser, evil_server)
    try:
        w.goto("/id/organisation/evil")
        assert w.page.locator("h1").inner_text() == "<script>alert(1)</script>"
        assert "<img src=x onerror=alert(2)>" in w.page.locator("table.names").inner_text()
        w.shot("11-escaped-label")
        w.goto("/search?q=script")
        assert "<script>alert(1)</script>" in w.page.locator("ol.results").first.inner_text()
        w.goto("/id/organisation/icrc")
        w.page.wait_for_timeout(200)
    finally:
        w.close()
