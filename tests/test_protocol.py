"""The W3C SPARQL 1.1 Protocol test suite, run against a live ``kg serve`` on loopback.

``tests/w3c-protocol/manifest.ttl`` is the suite as published (see its README and LICENSE).
Each ``mf:ProtocolTest`` is one or more HTTP requests with the expected status, format and
boolean. The runner replaces the ``/sparql/`` prefix of each request path with the
endpoint's ``/sparql``, and serves the ``ut:graphData`` files in named graphs named by their
``rdfs:label`` (``kg serve --graph IRI=FILE``).

The endpoint is read-only, so for the update tests the runner expects what a read-only
endpoint must do: the update is refused with 403 (or 4xx where the request is malformed),
the follow-up ASK still answers — now ``false``, since nothing was inserted — and the data is
the same before and after.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from conftest import Server

SUITE = Path(__file__).parent / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = BOOLEAN_TYPES + ("text/csv", "text/tab-separated-values")
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


def _load_manifest():
    g = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    entries = list(Collection(g, g.value(manifest, MF.entries)))
    tests = []
    for e in entries:
        name = str(e).rsplit("#", 1)[-1]
        graph_data = []
        for gd in g.objects(e, UT.graphData):
            graph_data.append((str(g.value(gd, RDFS.label)), Path(str(g.value(gd, UT.graph)).replace("file://", ""))))
        action = g.value(e, MF.action)
        requests_ = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            hl = g.value(req, HT.headers)
            if hl is not None:
                for h in Collection(g, hl):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            b = g.value(req, HT.body)
            if b is not None:
                enc = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(enc.lower())
            resp = g.value(req, HT.resp)
            requests_.append({
                "method": str(g.value(req, HT.methodName)),
                "path": str(g.value(req, HT.absolutePath)),
                "headers": headers,
                "body": body,
                "status": sorted(str(s).replace(HTS, "") for s in g.objects(resp, MF.expectedStatus)),
                "format": str(g.value(resp, MF.expectedFormat) or "") or None,
                "boolean": (str(g.value(resp, MF.expectedBoolean)).lower() == "true")
                if g.value(resp, MF.expectedBoolean) is not None else None,
            })
        tests.append({"name": name, "label": str(g.value(e, MF.name)), "graph_data": graph_data, "requests": requests_})
    return tests


TESTS = _load_manifest()


def test_the_suite_is_complete():
    assert len(TESTS) == 34
    assert sum(t["name"].startswith("update_") for t in TESTS) == 7


@pytest.fixture(scope="module")
def endpoint(built):
    graphs = {}
    for t in TESTS:
        for label, file in t["graph_data"]:
            graphs[label] = SUITE / file.name
    args = []
    for label, file in sorted(graphs.items()):
        args += ["--graph", f"{label}={file}"]
    srv = Server(built["env"], tuple(args))
    yield srv
    srv.stop()


def _fingerprint(srv) -> tuple:
    q = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    n = srv.sparql(q).json()["results"]["bindings"][0]["n"]["value"]
    graphs = srv.sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g").json()
    return n, tuple(b["g"]["value"] for b in graphs["results"]["bindings"])


def _send(srv, req) -> requests.Response:
    path = "/sparql" + req["path"][len("/sparql/"):]
    return requests.request(req["method"], srv.url + path, data=req["body"], headers=req["headers"],
                            timeout=30, allow_redirects=False)


def _check_format(resp: requests.Response, req: dict) -> None:
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
    if req["format"] == "boolean":
        assert ctype in BOOLEAN_TYPES, ctype
        value = resp.json()["boolean"] if "json" in ctype else "<boolean>true</boolean>" in resp.text
        if req["boolean"] is not None:
            assert value is req["boolean"] or value == req["boolean"]
    elif req["format"] == "tabular":
        assert ctype in TABULAR_TYPES, ctype
    elif req["format"] == "RDF":
        assert ctype in RDF_TYPES, ctype
        Graph().parse(data=resp.content, format=RDF_TYPES[ctype])


@pytest.mark.parametrize("test", TESTS, ids=[t["name"] for t in TESTS])
def test_w3c_protocol(endpoint, test):
    is_update = test["name"].startswith("update_")
    before = _fingerprint(endpoint) if is_update or "update" in test["name"] else None
    for i, req in enumerate(test["requests"]):
        resp = _send(endpoint, req)
        code = f"{resp.status_code // 100}xx"
        if is_update and i == 0:
            # a well-formed update, which the read-only endpoint refuses
            assert resp.status_code == 403, (resp.status_code, resp.text)
            assert "read-only" in resp.text
            continue
        if is_update:
            # the follow-up ASK: answered, and false — the update changed nothing
            assert code in req["status"], (resp.status_code, resp.text)
            _check_format(resp, {**req, "boolean": False})
            continue
        assert code in req["status"], (test["label"], resp.status_code, resp.text)
        if code == "4xx":
            assert resp.text.strip(), "a refusal says why"
        if code == "2xx":
            _check_format(resp, req)
    if before is not None:
        assert _fingerprint(endpoint) == before


def test_refusals_use_the_protocols_status_codes(endpoint):
    """Beyond "some 4xx": the status that says what was wrong."""
    by_name = {t["name"]: t for t in TESTS}
    expected = {
        "bad_query_method": 405,
        "bad_multiple_queries": 400,
        "bad_query_wrong_media_type": 415,
        "bad_query_missing_form_type": 400,
        "bad_query_missing_direct_type": 400,
        "bad_query_non_utf8": 415,
        "bad_query_syntax": 400,
        "bad_update_get": 400,
        "bad_multiple_updates": 400,
        "bad_update_wrong_media_type": 415,
        "bad_update_missing_form_type": 400,
        "bad_update_non_utf8": 415,
        "bad_update_syntax": 400,
        "bad_update_dataset_conflict": 400,
        "update_post_form": 403,
        "update_post_direct": 403,
    }
    got = {name: _send(endpoint, by_name[name]["requests"][0]).status_code for name in expected}
    assert got == expected


@pytest.mark.parametrize("literal, value", [
    ("a+%2B+%5C%5C+\\\\+%C3%A9+%3D=", "a + \\\\ \\\\ é =="),  # escapes, and raw characters that mean themselves
    ("a+%25zz+%4+%5C%5C+%C3%A9+%", "a %zz %4 \\\\ é %"),  # and a '%' with no escape after it
])
def test_query_parameters_decode_as_html_forms_do(endpoint, literal, value):
    """A query in the URL or a POSTed form is decoded as ``urllib.parse.parse_qsl`` decodes
    it: '+' is a space, UTF-8 escapes make one character, a raw backslash or '=' is itself,
    and a '%' without two hex digits after it stays a '%'. (``value``: the string as the
    query's text has it, each backslash escaped.)"""
    raw = f"query=SELECT+%28%22{literal}%22+AS+%3Fs%29+%7B%7D"  # SELECT ("…" AS ?s) {}
    assert urllib.parse.parse_qs(raw)["query"][0] == f'SELECT ("{value}" AS ?s) {{}}'
    json_type = "application/sparql-results+json"
    answers = []
    for method, path, body, headers in (
            ("GET", f"/sparql?{raw}", None, {"Accept": json_type}),  # (as sent: requests would quote it again)
            ("POST", "/sparql", raw.encode(), {"Content-Type": "application/x-www-form-urlencoded",
                                               "Accept": json_type})):
        conn = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint.url).netloc, timeout=30)
        conn.request(method, path, body, headers)
        r = conn.getresponse()
        answers.append((r.status, r.read()))
        conn.close()
    for status, body in answers:
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"] == [{"s": {"type": "literal", "value": value.replace("\\\\", "\\")}}]
