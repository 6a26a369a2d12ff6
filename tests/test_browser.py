"""The pages in a real browser: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

One browser for the module; every page of every test is watched so that no request
leaves the server's host. Screenshots of each page go to ``tests/artifacts/`` for a
person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

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

    def __init__(self, browser, server, locale="en-GB"):
        self.server = server
        self.host = urlsplit(server.url).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
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


def test_icrc_page_language_handover_and_passage(watched):
    page = watched.page
    watched.goto("/id/organisation/icrc")
    h1 = page.locator("h1")
    assert h1.inner_text().strip() == "International Committee of the Red Cross"
    rows = page.locator("table.names tbody tr")
    assert rows.count() == 3
    assert page.locator("#unitOf .fact").count() >= 5
    assert "1992" in page.locator("#unitOf").inner_text()
    watched.shot("01-icrc-en")

    # switch language
    page.locator("nav.langs a[data-lang=ru]").click()
    page.wait_for_load_state()
    assert h1.inner_text().strip() == "Международный Комитет Красного Креста"
    assert "Переданная работа" in page.locator("#giver h2").inner_text()
    watched.shot("02-icrc-ru")

    # follow a handover to the body that received it
    card = page.locator("#giver .fact").filter(has_text="поиск и идентификация").first
    receiver = card.locator("dd a[href*='/id/organisation/']").first
    receiver_name = receiver.inner_text().strip()
    receiver.click()
    page.wait_for_load_state()
    assert "/id/organisation/state-commission" in page.url
    assert page.locator("h1").inner_text().strip() == receiver_name
    received = page.locator("#receiver .fact")
    assert received.count() >= 1
    watched.shot("03-receiver-ru")

    # open the passage the handover comes from, in its document
    link = received.first.locator("a.passage-link").first
    href = link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("#" + anchor)
    mark = page.locator(f"mark#{anchor}")
    assert mark.count() == 1
    page.wait_for_function(f"document.getElementById('{anchor}').classList.contains('current')")
    assert mark.is_visible()
    box = mark.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "the passage is scrolled into view"
    colour = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    entry = page.locator(f"#p-{anchor}")
    assert entry.count() == 1 and "current" in (entry.get_attribute("class") or "")
    watched.shot("04-document-passage")


def test_query_page_runs_a_competency_query(watched):
    page = watched.page
    watched.goto("/sparql")
    options = page.locator("select#examples option")
    queries = Path(__file__).resolve().parents[1] / "queries"
    assert options.count() == 1 + len(list(queries.glob("cq*.rq")))  # a prompt and every competency question
    cq04 = page.locator("select#examples option", has_text=re.compile(r"^CQ04")).get_attribute("value")
    page.select_option("select#examples", value=cq04)
    assert "kg:Handover" in page.locator("textarea#query").input_value()
    page.locator("button#run").click()
    page.wait_for_selector("table.sparql-results tbody tr")
    rows = page.locator("table.sparql-results tbody tr")
    assert rows.count() >= 4
    assert page.locator("table.sparql-results a[href^='/id/handover/']").count() >= 4
    formats = {a.get_attribute("data-format") for a in page.locator("#downloads a").all()}
    assert formats == {"json", "xml", "csv", "tsv"}
    watched.shot("05-query-results")
    page.locator("table.sparql-results a[href^='/id/organisation/']").first.click()
    page.wait_for_load_state()
    assert "/id/organisation/" in page.url and page.locator("h1").inner_text().strip()

    # a CONSTRUCT shows Turtle and offers the graph formats
    watched.goto("/query")
    page.fill("textarea#query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    page.locator("button#run").click()
    page.wait_for_selector("#results pre")
    formats = {a.get_attribute("data-format") for a in page.locator("#downloads a").all()}
    assert formats == {"turtle", "jsonld", "ntriples", "rdfxml"}


def test_search_lists_timeline_and_documents(watched):
    page = watched.page
    watched.goto("/")
    page.fill("form.search.big input[name=q]", "Красного Креста")
    page.locator("form.search.big button").click()
    page.wait_for_load_state()
    assert page.locator("ol.results a[href='/id/organisation/icrc']").count() == 1
    watched.shot("06-search")
    watched.goto("/list/handovers")
    assert page.locator("table.list tbody tr").count() >= 5
    watched.shot("07-list-handovers")
    watched.goto("/timeline")
    assert page.locator("svg.timeline").count() == 1
    watched.shot("08-timeline")
    watched.goto("/id/document/002_3085d1d938f57e6c")
    assert page.locator("mark.ev").count() > 20
    page.locator("mark.ev").nth(5).click()
    assert page.locator("ol.passages li.current").count() == 1
    watched.shot("09-document-az")
    watched.goto("/")
    watched.shot("10-home")


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
        assert "<script>alert(1)</script>" in w.page.locator("ol.results").inner_text()
        w.goto("/id/organisation/icrc")
        w.page.wait_for_timeout(200)
    finally:
        w.close()
