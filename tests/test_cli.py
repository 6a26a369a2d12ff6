"""The command line contract: query, export, validate, serve with extra files."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Dataset, Graph

from conftest import Server, kg

ICRC = "http://localhost:8000/id/organisation/icrc"


def test_query_formats(built):
    q = f"SELECT ?l WHERE {{ <{ICRC}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}"
    out = kg("query", q, env=built["env"], check=True).stdout
    assert len(json.loads(out)["results"]["bindings"]) == 3
    csv = kg("query", q, "--format", "csv", env=built["env"], check=True).stdout
    assert csv.splitlines()[0] == "l" and "Beynəlxalq Qızıl Xaç Komitəsi" in csv
    ttl = kg("query", f"DESCRIBE <{ICRC}>", "--format", "turtle", env=built["env"], check=True).stdout
    assert len(Graph().parse(data=ttl, format="turtle")) > 10


def test_query_prints_a_table_on_a_terminal(built):
    """On a terminal, a SELECT is a table (prefixed names, IRIs relative to the base,
    languages after the text, a row count); piped, it is JSON; --format table asks for it."""
    import os
    import pty
    import subprocess
    import sys

    from conftest import ROOT

    q = f"SELECT ?p ?l WHERE {{ <{ICRC}> ?p ?l FILTER (LANG(?l) = 'ru') }} ORDER BY ?p ?l"
    main, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "query", q], cwd=ROOT, stdout=secondary,
                            stderr=subprocess.PIPE, env={**os.environ, **built["env"], "COLUMNS": "100"})
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(60) == 0, proc.stderr.read()
    text = out.decode("utf-8")
    lines = text.replace("\r\n", "\n").splitlines()
    assert lines[0].split() == ["p", "│", "l"] and set(lines[1]) <= {"─", "┼"}
    assert any(line.startswith("skos:prefLabel") and line.endswith("@ru") for line in lines), text
    assert lines[-1] == f"({len(lines) - 3} rows)"
    piped = kg("query", q, env=built["env"], check=True).stdout
    assert json.loads(piped)["head"]["vars"] == ["p", "l"]
    asked = kg("query", "SELECT ?o WHERE { ?o org:unitOf ?x } ORDER BY ?o LIMIT 1", "--format", "table",
               env=built["env"], check=True).stdout
    assert "<id/office/" in asked and asked.rstrip().endswith("(1 row)")


def test_query_reads_a_file_and_knows_the_projects_prefixes(built, tmp_path):
    f = tmp_path / "offices.rq"
    f.write_text("SELECT (COUNT(?o) AS ?n) WHERE { ?o a kg:Office ; org:unitOf ?org }", encoding="utf-8")
    n = int(json.loads(kg("query", "-f", str(f), env=built["env"], check=True).stdout)
            ["results"]["bindings"][0]["n"]["value"])
    assert n > 3
    # a prefix the query declares wins over the project's
    own = kg("query", "PREFIX kg: <urn:other#> SELECT ?x WHERE { BIND (kg:a AS ?x) }", env=built["env"], check=True)
    assert json.loads(own.stdout)["results"]["bindings"][0]["x"]["value"] == "urn:other#a"


@pytest.mark.parametrize("args, message", [
    (("-f", "no-such-query.rq"), "no such query file: no-such-query.rq"),
    (("no-such-query.rq",), "no such query file: no-such-query.rq"),
    (("SELECT ?x WHERE {\n  ?x ?y }",), "malformed query: syntax error at line 2, column 10"),
    (("INSERT DATA { <urn:a> <urn:b> <urn:c> }",), "updates are refused"),
    (("DELETE WHERE { ?s ?p ?o }",), "updates are refused"),
    (("SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 5000, "--format", "nquads"), "cannot carry the result"),
    ((), "no query"),
])
def test_query_errors_are_one_line(built, args, message):
    proc = kg("query", *args, env=built["env"])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert not proc.stdout


def test_a_query_too_long_for_a_file_name_is_run(built):
    q = "ASK { ?s ?p ?o } #" + "x" * 5000  # ("File name too long" to the file system)
    assert json.loads(kg("query", q, env=built["env"], check=True).stdout)["boolean"] is True


def test_kg_query_does_not_import_flask(built):
    """The query engine stands without the web layer: ``kg query`` never imports Flask."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import sys\n"
            "from kg.cli import main\n"
            "try:\n"
            "    main(['query', 'ASK { ?s a kg:Organisation }'])\n"
            "except SystemExit as exit:\n"
            "    assert not exit.code, exit.code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'jinja2', 'kg')))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **built["env"]})
    assert proc.returncode == 0, proc.stderr
    modules = proc.stdout.strip().splitlines()[-1]
    assert "kg.sparql.engine" in modules and "flask" not in modules and "werkzeug" not in modules, modules
    assert "kg.web" not in modules


def test_query_from_file_and_bad_query(built, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?s ?p ?o }")
    assert json.loads(kg("query", str(f), env=built["env"], check=True).stdout)["boolean"] is True
    bad = kg("query", "SELECT WHERE", env=built["env"])
    assert bad.returncode != 0 and "malformed query" in bad.stderr
    wrong = kg("query", "ASK { ?s ?p ?o }", "--format", "turtle", env=built["env"])
    assert wrong.returncode != 0 and "cannot carry" in wrong.stderr


@pytest.mark.parametrize("fmt, parser", [("turtle", "turtle"), ("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_export_parses(built, tmp_path, fmt, parser):
    out = tmp_path / f"graph.{fmt}"
    kg("export", "--format", fmt, "-o", str(out), env=built["env"], check=True)
    ds = Dataset()
    ds.parse(out, format=parser)
    triples = {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    assert len(triples) > 3000
    if fmt != "turtle":  # the dataset formats keep one graph per document
        graphs = {str(c) for _, _, _, c in ds.quads((None, None, None, None))}
        assert sum("/graph/document/" in g for g in graphs) == 5


def test_validate_store_and_exported_file(built, tmp_path):
    proc = kg("validate", env=built["env"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "conforms" in proc.stdout and "consistent" in proc.stdout
    out = tmp_path / "graph.trig"
    kg("export", "--format", "trig", "-o", str(out), env=built["env"], check=True)
    assert kg("validate", str(out), "--no-reasoner", env=built["env"]).returncode == 0


def test_shifted_selector_fails_validation_naming_evidence_and_document(built, tmp_path):
    nq = kg("export", "--format", "nquads", env=built["env"], check=True).stdout
    # shift one selector's start by one character
    m = re.search(r'<(http://localhost:8000/id/evidence/(001_[0-9a-f]+)/(\d+)-(\d+))#position> '
                  r'<http://www.w3.org/ns/oa#start> "(\d+)"', nq)
    assert m
    node, doc, start = m.group(1), m.group(2), int(m.group(5))
    broken = nq.replace(m.group(0), m.group(0).replace(f'"{start}"', f'"{start + 1}"'), 1)
    path = tmp_path / "broken.nq"
    path.write_text(broken, encoding="utf-8")
    proc = kg("validate", str(path), "--no-reasoner", "--report", str(tmp_path / "report.ttl"), env=built["env"])
    assert proc.returncode != 0
    assert node in proc.stdout and doc in proc.stdout
    report = Graph().parse(tmp_path / "report.ttl", format="turtle")
    assert any(str(o) == node for o in report.objects())


def test_inconsistent_data_fails_the_reasoner(built, tmp_path):
    ttl = kg("export", "--format", "turtle", env=built["env"], check=True).stdout
    ttl += f"\n<{ICRC}> a <https://w3id.org/humanitarian-kg/ontology#Office> .\n"
    path = tmp_path / "inconsistent.ttl"
    path.write_text(ttl, encoding="utf-8")
    proc = kg("validate", str(path), env=built["env"])
    assert proc.returncode != 0
    assert "INCONSISTENT" in proc.stdout and ICRC in proc.stdout


def test_serve_extra_files_in_named_graphs(built, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("<urn:x:a> <urn:x:p> 'from turtle' .\n", encoding="utf-8")
    trig = tmp_path / "extra.trig"
    trig.write_text("<urn:x:g> { <urn:x:b> <urn:x:p> 'from trig' . }\n", encoding="utf-8")
    srv = Server(built["env"], (str(ttl), str(trig)))
    try:
        r = srv.sparql("SELECT ?g ?o WHERE { GRAPH ?g { ?s <urn:x:p> ?o } } ORDER BY ?o")
        rows = [(b["g"]["value"], b["o"]["value"]) for b in r.json()["results"]["bindings"]]
        assert rows == [("urn:x:g", "from trig"), ("http://localhost:8000/graph/file/extra.ttl", "from turtle")]
        # and the union default graph sees them with the documents
        assert srv.sparql("ASK { <urn:x:a> ?p ?o . <%s> ?q ?r }" % ICRC).json()["boolean"] is True
        # but, as in the built store, not what the ontology entails (the inferred graph, kept apart)
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        served = int(srv.sparql(count).json()["results"]["bindings"][0]["n"]["value"])
    finally:
        srv.stop()
    built_count = json.loads(kg("query", count, "--format", "json", env=built["env"], check=True).stdout)
    assert served == int(built_count["results"]["bindings"][0]["n"]["value"]) + 2
    # the built store itself is untouched
    assert kg("query", "ASK { <urn:x:a> ?p ?o }", env=built["env"], check=True).stdout.strip().endswith("false}")


def test_serve_refuses_unparseable_extra_file(built, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    proc = kg("serve", "--port", "0", str(bad), env=built["env"], timeout=60)
    assert proc.returncode != 0 and "bad.ttl" in proc.stderr


@pytest.mark.parametrize("option, value", [
    ("--threads", "0"), ("--http-workers", "0"), ("--workers", "-1"), ("--fast-lane-ms", "-5"), ("--threads", "many"),
])
def test_serve_refuses_bad_process_counts(built, option, value):
    proc = kg("serve", "--port", "9", option, value, env=built["env"], timeout=60)
    assert proc.returncode == 2
    assert option in proc.stderr and "Invalid value" in proc.stderr, proc.stderr


def test_a_second_server_on_a_busy_port_refuses(server, built):
    """kg serve on a port another server listens on exits non-zero with one line naming the
    port, instead of saying it serves and sharing the port with the first."""
    proc = kg("serve", "--port", str(server.port), env=built["env"], timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"port {server.port}" in lines[0] and "in use" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and "serving on" not in proc.stderr
    assert server.sparql("ASK { ?s ?p ?o }").json()["boolean"] is True  # the first one serves on
