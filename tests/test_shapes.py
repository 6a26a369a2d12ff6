"""The SHACL shapes (shapes/kg-shapes.ttl) as the graph's contract, proved by broken examples.

- every constraint of the shapes file — a property shape, a node shape with a constraint of
  its own (sh:or, sh:xone), or a SHACL-SPARQL constraint — has a negative fixture
  tests/fixtures/invalid/<its local name>.ttl, and every fixture names a constraint;
- each fixture fails with exactly that constraint (sh:sourceShape, and sh:sourceConstraint for
  SHACL-SPARQL), at its severity, with its message, and with no other violation;
- tests/fixtures/valid/complete.ttl, one node of every kind, raises nothing;
- the real build passes every shape with no violation, and its warnings are listed;
- `kg validate FILE` on an export whose selector is shifted by one character fails, naming the
  evidence node and the document.
- figures and dates a document states that no fact takes are listed by `kg validate`, each with
  the passage that states it, and are exactly the ones nothing points at.

Validation is kg.validate.shacl_validate, as in `kg build` and `kg validate`: pyshacl for core
SHACL with the ontology's subclass axioms, Oxigraph for the SHACL-SPARQL constraints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from conftest import kg
from kg.config import load_settings
from kg.ontology import load_ontology
from kg.store import load_data_graph
from kg.validate import class_hierarchy, compiled_core_shapes, core_report, load_shapes, shacl_validate, store_of

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
INVALID = ROOT / "tests" / "fixtures" / "invalid"
VALID = ROOT / "tests" / "fixtures" / "valid"

SH = Namespace("http://www.w3.org/ns/shacl#")
KGSH = Namespace("https://w3id.org/humanitarian-kg/shapes#")

# Parameters that make a node shape a constraint of its own (its results name the node shape).
NODE_CONSTRAINT_PARAMETERS = (
    SH["or"], SH["xone"], SH["and"], SH["not"], SH["class"], SH["datatype"], SH["nodeKind"],
    SH["in"], SH["hasValue"], SH["node"], SH["closed"], SH["pattern"], SH["minInclusive"],
    SH["maxInclusive"], SH["minExclusive"], SH["maxExclusive"], SH["minLength"], SH["maxLength"],
    SH["languageIn"],
)


@dataclass(frozen=True)
class Constraint:
    name: str  # local name in kgsh:, and the fixture's file name
    shape: URIRef  # expected sh:sourceShape
    sparql: URIRef | None  # expected sh:sourceConstraint (SHACL-SPARQL only)
    severity: URIRef
    message: str


def _local(node) -> str:
    return str(node).rsplit("#", 1)[-1]


def shape_constraints(shapes: Graph) -> dict[str, Constraint]:
    found: dict[str, Constraint] = {}

    def add(c: Constraint) -> None:
        assert c.name not in found, f"two constraints named {c.name}"
        found[c.name] = c

    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)):
        add(Constraint(_local(shape), shape, None, shapes.value(shape, SH.severity, default=SH.Violation),
                       str(shapes.value(shape, SH.message))))
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if any(shapes.value(shape, p) is not None for p in NODE_CONSTRAINT_PARAMETERS):
            add(Constraint(_local(shape), shape, None, shapes.value(shape, SH.severity, default=SH.Violation),
                           str(shapes.value(shape, SH.message))))
    for shape, sparql in shapes.subject_objects(SH.sparql):
        severity = shapes.value(sparql, SH.severity) or shapes.value(shape, SH.severity, default=SH.Violation)
        message = shapes.value(sparql, SH.message) or shapes.value(shape, SH.message)
        add(Constraint(_local(sparql), shape, sparql, severity, str(message)))
    return found


SHAPES = load_shapes(SHAPES_DIR)
CONSTRAINTS = shape_constraints(SHAPES)
FIXTURES = sorted(p.stem for p in INVALID.glob("*.ttl"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(ROOT / "ontology")


def _settings():
    return load_settings()


def validate_file(path: Path, ontology: Graph):
    return shacl_validate(load_data_graph(_settings(), path), SHAPES, ontology)


def results(report_graph: Graph) -> list[dict]:
    out = []
    for r in report_graph.subjects(RDF.type, SH.ValidationResult):
        out.append({
            "shape": report_graph.value(r, SH.sourceShape),
            "constraint": report_graph.value(r, SH.sourceConstraint),
            "component": report_graph.value(r, SH.sourceConstraintComponent),
            "severity": report_graph.value(r, SH.resultSeverity),
            "focus": report_graph.value(r, SH.focusNode),
            "message": " ".join(str(m) for m in report_graph.objects(r, SH.resultMessage)),
        })
    return out


def is_result_of(r: dict, c: Constraint) -> bool:
    if r["shape"] != c.shape:
        return False
    if c.sparql is not None:
        return r["constraint"] == c.sparql
    return r["component"] != SH.SPARQLConstraintComponent


def message_pattern(template: str) -> re.Pattern:
    """The message template with each {?var}/{$var} standing for any text."""
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("^" + "(.*?)".join(re.escape(p) for p in parts) + "$", re.S)


def describe(rs: list[dict]) -> str:
    return "\n".join(f"  {_local(r['severity'])} {_local(r['shape'])}"
                     f"{'/' + _local(r['constraint']) if r['constraint'] else ''} <{r['focus']}>: {r['message']}"
                     for r in rs)


# ---------------------------------------------------------------------------
# (b) every constraint has a fixture, every fixture a constraint
# ---------------------------------------------------------------------------


def test_constraints_are_found():
    assert len(CONSTRAINTS) > 100
    for name in ("EvidenceQuoteMatchesSource", "OfficeClosesBeforeItOpens", "HandoverWhileGiverPresent",
                 "FigureHasUnit", "FigureHasQualifier", "InstantPrecisionMatchesDatatype",
                 "Handover-giver", "Handover-receiver", "HandoverWhatShape", "Fact-evidence",
                 "PeriodEndsBeforeItBegins", "Label-prefLabel-ru", "Label-prefLabel-az"):
        assert name in CONSTRAINTS, name


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_every_constraint_has_a_fixture(name):
    assert (INVALID / f"{name}.ttl").is_file(), (
        f"kgsh:{name} has no negative fixture: add tests/fixtures/invalid/{name}.ttl, a small graph "
        f"that breaks exactly this constraint")


@pytest.mark.parametrize("name", FIXTURES)
def test_every_fixture_names_a_constraint(name):
    assert name in CONSTRAINTS, f"tests/fixtures/invalid/{name}.ttl names no constraint of the shapes file"


def test_every_constraint_has_a_message_and_a_severity():
    for c in CONSTRAINTS.values():
        assert c.message and c.message != "None", c.name
        assert c.severity in (SH.Violation, SH.Warning), c.name


def test_severities_of_the_issue():
    """Missing ru/az names warn; a fact without evidence, an incomplete handover and an
    impossible period are violations."""
    for name in ("Label-prefLabel-ru", "Label-prefLabel-az", "Organisation-prefLabel-ru",
                 "Organisation-prefLabel-az", "FigureHasUnit"):
        assert CONSTRAINTS[name].severity == SH.Warning, name
    for name in ("Fact-evidence", "Organisation-evidence", "Handover-giver", "Handover-receiver",
                 "HandoverWhatShape", "PeriodEndsBeforeItBegins", "PeriodEndAfterBound",
                 "OfficeClosesBeforeItOpens", "FigureHasQualifier", "InstantPrecisionMatchesDatatype",
                 "EvidenceQuoteMatchesSource", "HandoverWhileGiverPresent"):
        assert CONSTRAINTS[name].severity == SH.Violation, name


# ---------------------------------------------------------------------------
# (a) each fixture fails with its constraint and message, and nothing else at violation level
# ---------------------------------------------------------------------------


def test_complete_valid_graph_raises_nothing(ontology):
    report = validate_file(VALID / "complete.ttl", ontology)
    rs = results(report.report_graph)
    assert report.conforms and not rs, describe(rs)
    # and it does exercise the shapes: one node of every targeted class
    data = load_data_graph(_settings(), VALID / "complete.ttl")
    assert len(set(data.subjects())) > 35


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_fails_with_its_constraint(name, ontology):
    c = CONSTRAINTS.get(name)
    if c is None:
        pytest.fail(f"no constraint kgsh:{name}")
    report = validate_file(INVALID / f"{name}.ttl", ontology)
    rs = results(report.report_graph)
    mine = [r for r in rs if is_result_of(r, c)]
    assert mine, f"{name}.ttl does not break kgsh:{name}; it gives:\n{describe(rs)}"
    pattern = message_pattern(c.message)
    for r in mine:
        assert r["severity"] == c.severity, describe([r])
        assert pattern.match(r["message"]), f"unexpected message:\n{describe([r])}\nexpected: {c.message}"
    others = [r for r in rs if not is_result_of(r, c) and r["severity"] == SH.Violation]
    assert not others, f"{name}.ttl breaks other constraints too:\n{describe(others)}"
    # a warning alone does not stop a build; a violation does
    assert report.conforms == (c.severity != SH.Violation)


def test_sparql_messages_fill_their_variables(ontology):
    """{?var} placeholders are replaced by the offending values."""
    report = validate_file(INVALID / "EvidenceQuoteMatchesSource.ttl", ontology)
    [finding] = [f for f in report.findings if f.shape == "kgsh:EvidenceTextShape"]
    assert '"ICRC office in Baku"' in finding.message
    assert '"ICRC delegation in Baku"' in finding.message
    assert "fixture.txt" in finding.message and "at characters 4-27" in finding.message
    report = validate_file(INVALID / "OfficeClosesBeforeItOpens.ttl", ontology)
    [finding] = [f for f in report.findings if f.shape == "kgsh:OfficeTimelineShape"]
    assert "its closure (kg:Closure kg:atTime) (1990)" in finding.message
    assert "the beginning of its period (time:hasBeginning) (1992)" in finding.message
    report = validate_file(INVALID / "HandoverWhileGiverPresent.ttl", ontology)
    [finding] = [f for f in report.findings if f.shape == "kgsh:HandoverPresenceShape"]
    assert "dated 2026, after the end (2025-09)" in finding.message
    assert "http://example.org/fixture/office" in finding.message


def test_instants_of_different_precision_compare_on_what_both_state(ontology, tmp_path):
    """A period from 2025-09-03 to 2025-09 is possible (same month); to 2025-08 it is not."""
    text = (INVALID / "PeriodEndsBeforeItBegins.ttl").read_text(encoding="utf-8")
    base = text.replace("time:hasBeginning ex:t1992", "time:hasBeginning ex:t2025-09-03")
    day = (
        '\nex:t2025-09-03 a time:Instant ; time:inXSDDate "2025-09-03"^^xsd:date ; time:unitType time:unitDay ;'
        ' kg:surfaceText "on 3 September 2025" ; kg:hasEvidence ex:evidence .\n'
    )
    for end, month, impossible in (("ex:t2025-09", "2025-09", False), ("ex:t2025-08", "2025-08", True),
                                   ("ex:t2025-10", "2025-10", False)):
        graph = base.replace("time:hasEnd ex:t1990", f"time:hasEnd {end}") + day + (
            f'\n{end} a time:Instant ; time:inXSDgYearMonth "{month}"^^xsd:gYearMonth ; time:unitType time:unitMonth ;'
            f' kg:surfaceText "in {month}" ; kg:hasEvidence ex:evidence .\n'
        )
        path = tmp_path / f"{month}.ttl"
        path.write_text(graph, encoding="utf-8")
        rs = results(validate_file(path, ontology).report_graph)
        hit = [r for r in rs if r["constraint"] == KGSH.PeriodEndsBeforeItBegins]
        assert bool(hit) == impossible, (month, describe(rs))


def test_handover_while_another_office_of_the_giver_is_open(ontology, tmp_path):
    """The giver is present as long as one of its offices there is (or may be) open."""
    text = (INVALID / "HandoverWhileGiverPresent.ttl").read_text(encoding="utf-8")
    text += (
        '\nex:second-office a kg:Office ; org:unitOf ex:icrc ; kg:inPlace ex:azerbaijan ;'
        ' skos:prefLabel "ICRC office in Barda"@en , "Офис МККК в Барде"@ru , "BQXK-nın Bərdədəki ofisi"@az ;'
        ' kg:hasEvidence ex:evidence .\n'
    )
    path = tmp_path / "two-offices.ttl"
    path.write_text(text, encoding="utf-8")
    rs = results(validate_file(path, ontology).report_graph)
    assert not [r for r in rs if r["severity"] == SH.Violation], describe(rs)


# ---------------------------------------------------------------------------
# (c) the real build passes every shape; its warnings are listed
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_report(built, ontology):
    settings = load_settings(var_dir=built["var"])
    return shacl_validate(load_data_graph(settings, None), SHAPES, ontology)


def test_real_build_has_no_violation(real_report):
    assert not real_report.violations, real_report.text()
    assert real_report.conforms
    # every result comes from a warning-level constraint
    warning_level = {f"kgsh:{_local(c.shape)}" for c in CONSTRAINTS.values() if c.severity == SH.Warning}
    assert {f.shape for f in real_report.warnings} <= warning_level


def test_real_build_lists_its_warnings(real_report):
    """Each warning is in the report a curator reads: grouped by shape, with the focus node."""
    text = real_report.text()
    by_shape: dict[str, list] = {}
    for f in real_report.warnings:
        by_shape.setdefault(f.shape, []).append(f)
    for shape, group in by_shape.items():
        assert f"{shape} ({len(group)})" in text, shape
        for f in group[:50]:  # the text lists the first 50 of each shape
            assert f.focus in text and f.message in text, f
    print("\n" + text)




# ---------------------------------------------------------------------------
# (d) a selector shifted by one character in an exported copy
# ---------------------------------------------------------------------------


def test_shifted_selector_in_exported_trig(built, tmp_path):
    """Both offsets of one selector moved one character to the right: the quote no longer
    matches, and `kg validate` names the evidence node and the document (its file name in the
    message), with that constraint as the only violation."""
    out = tmp_path / "graph.trig"
    kg("export", "--format", "trig", "-o", str(out), env=built["env"], check=True)
    text = out.read_text(encoding="utf-8")
    # <…/evidence/{doc}/{start}-{end}#position> a oa:TextPositionSelector ; oa:end M ; oa:start N .
    m = re.search(r'<(http://localhost:8000/id/evidence/(002_[0-9a-f]+)/(\d+)-(\d+))#position> '
                  r'a oa:TextPositionSelector ;\s*oa:end (\d+) ;\s*oa:start (\d+)', text)
    assert m, "no position selector found in the export"
    node, doc_id, end, start = m.group(1), m.group(2), int(m.group(5)), int(m.group(6))
    shifted = m.group(0).replace(f"oa:end {end} ;", f"oa:end {end + 1} ;").replace(
        f"oa:start {start}", f"oa:start {start + 1}")
    broken = tmp_path / "shifted.trig"
    broken.write_text(text.replace(m.group(0), shifted, 1), encoding="utf-8")
    report_file = tmp_path / "report.ttl"
    proc = kg("validate", str(broken), "--no-reasoner", "--report", str(report_file), env=built["env"])
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert node in proc.stdout
    assert f"source document {doc_id}.txt <http://localhost:8000/id/document/{doc_id}>" in proc.stdout
    report = Graph().parse(report_file, format="turtle")
    violations = [r for r in results(report) if r["severity"] == SH.Violation]
    assert [(str(r["focus"]), r["constraint"]) for r in violations] == [(node, KGSH.EvidenceQuoteMatchesSource)]
    assert (None, SH.conforms, Literal(False)) in report


# ---------------------------------------------------------------------------
# (e) figures and dates that no fact takes: listed with their passage
# ---------------------------------------------------------------------------

UNATTACHED = INVALID / "UnattachedFigureOrDate.ttl"
EX = "http://example.org/fixture/"


def _unattached_nodes(report) -> set[str]:
    return {f.focus for f in report.unattached}


def test_unattached_figure_and_date_are_listed_with_their_passage(ontology):
    report = validate_file(UNATTACHED, ontology)
    # the floating ones; not the figure an activity reached, nor the period an activity is
    # active during, nor the instant that ends that period
    assert _unattached_nodes(report) == {EX + "floating-figure", EX + "floating-date"}
    by_node = {f.focus: f.message for f in report.unattached}
    assert by_node[EX + "floating-figure"].startswith("Unattached figure:")
    assert 'training.txt <http://example.org/fixture/training-report> at characters 0-20 reads "More than 700 people"' \
        in by_node[EX + "floating-figure"]
    assert by_node[EX + "floating-date"].startswith("Unattached date:")
    assert 'at characters 43-58 reads "on 30 June 2024"' in by_node[EX + "floating-date"]
    assert report.conforms, "a warning: the build is not refused for it"


def test_what_takes_a_figure_or_a_date(ontology, tmp_path):
    """A link from the document does not attach a value; a group's count does; a period held
    only by a floating figure floats with it; an instant is taken through the period of a fact."""
    extra = """
ex:training-report <http://example.org/fixture/mentions> ex:floating-date .
ex:officials a kg:PopulationGroup ; skos:prefLabel "people"@en ; kg:count ex:floating-figure ;
    kg:hasEvidence ex:evidence .
ex:tracing kg:audience ex:officials .
ex:floating-figure kg:activeDuring ex:floating-period .
ex:floating-period a kg:Period ; time:hasBeginning ex:floating-date ; kg:hasEvidence ex:evidence .
ex:lonely-figure a kg:Figure ; kg:value 5 ; kg:qualifier kg:exactly ; kg:unit "people" ;
    kg:hasEvidence ex:evidence .
ex:lonely-figure kg:activeDuring ex:lonely-period .
ex:lonely-period a kg:Period ; time:hasEnd ex:t2025-09 ; kg:hasEvidence ex:evidence .
"""
    path = tmp_path / "variants.ttl"
    path.write_text(UNATTACHED.read_text(encoding="utf-8") + extra, encoding="utf-8")
    report = validate_file(path, ontology)
    assert _unattached_nodes(report) == {EX + "lonely-figure", EX + "lonely-period"}, report.text()


def test_kg_validate_lists_every_unattached_value(tmp_path):
    """`kg validate FILE` lists them all (no cut at 50), quoting each passage, and counts them;
    the exit status stays 0: they are warnings."""
    text = UNATTACHED.read_text(encoding="utf-8")
    # sixty more floating figures, each stated by the same passage
    text += "".join(f"""
ex:floating-{i} a kg:Figure ; kg:value {i} ; kg:qualifier kg:exactly ; kg:unit "people" ;
    kg:surfaceText "More than 700 people" ; kg:hasEvidence ex:evidence-700 .
""" for i in range(60))
    path = tmp_path / "many.ttl"
    path.write_text(text, encoding="utf-8")
    proc = kg("validate", str(path), "--no-reasoner")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "kgsh:UnattachedShape (62)" in proc.stdout
    listed = re.findall(r"^    - <(http://example.org/fixture/floating-[^>]+)>: Unattached (figure|date): .*"
                        r"training\.txt .* reads \"(More than 700 people|on 30 June 2024)\"", proc.stdout, re.M)
    assert len(listed) == 62, proc.stdout
    assert "Figures and dates no fact takes: 62 unattached figure(s)/date(s) in 62 passage(s)" in proc.stdout
    assert "… and" not in proc.stdout.split("kgsh:UnattachedShape")[1].split("\n  kgsh:")[0]


def test_real_build_unattached_values_are_the_ones_nothing_points_at(built, real_report):
    """The real graph's unattached figures and dates, checked against a walk of the graph
    written here (rdflib), independently of the SHACL-SPARQL constraint; each quote is the
    document's text at its offsets."""
    settings = load_settings(var_dir=built["var"])
    data = load_data_graph(settings, None)
    KG = Namespace("https://w3id.org/humanitarian-kg/ontology#")
    TIME = Namespace("http://www.w3.org/2006/time#")
    value_classes = {KG.Figure, KG.MonetaryAmount, TIME.Instant, KG.Period}
    not_facts = value_classes | {KG.SourceDocument, KG.Evidence}
    links = {TIME.hasBeginning, TIME.hasEnd, KG.endBound, KG.activeDuring}

    def taken(node, seen=()) -> bool:
        for s, p in data.subject_predicates(node):
            if p == RDF.type or s in seen:
                continue
            types = set(data.objects(s, RDF.type))
            if not types & not_facts:
                return True
            if types & value_classes and p in links and taken(s, seen + (node,)):
                return True
        return False

    expected = {str(n) for c in value_classes for n in data.subjects(RDF.type, c)
                if (n, KG.hasEvidence, None) in data and not taken(n)}
    assert _unattached_nodes(real_report) == expected
    for f in real_report.unattached:
        m = re.search(r"<(http[^>]+)> at characters (\d+)-(\d+) reads \"(.*)\"\. Attach", f.message, re.S)
        assert m, f.message
        doc_text = str(data.value(URIRef(m.group(1)), URIRef("http://www.w3.org/2011/content#chars")))
        assert doc_text[int(m.group(2)):int(m.group(3))] == m.group(4)
    print(f"\nfirst corpus: {real_report.unattached_summary()}")


def test_an_offices_impossible_period_is_told_once_on_the_office(ontology, tmp_path):
    """The period of an office (of a subclass: a kg:Delegation) that ends before it begins is
    kgsh:OfficeClosesBeforeItOpens on the office, not kgsh:PeriodEndsBeforeItBegins too; the
    same period of something else is."""
    text = (INVALID / "OfficeClosesBeforeItOpens.ttl").read_text(encoding="utf-8")
    reversed_period = text.replace("time:hasEnd ex:t2025-09", "time:hasEnd ex:t1990")
    for graph, office in ((reversed_period, True), (reversed_period.replace("kg:activeDuring ex:office-period",
                                                                              "kg:inPlace ex:baku"), False)):
        path = tmp_path / f"office-{office}.ttl"
        path.write_text(graph, encoding="utf-8")
        rs = results(validate_file(path, ontology).report_graph)
        hit = [r for r in rs if r["constraint"] == KGSH.PeriodEndsBeforeItBegins]
        assert bool(hit) != office, describe(rs)


def test_findings_read_from_the_engine_report_are_the_public_reports(built_both, ontology, caplog):
    """Findings are read from the N-Triples pyshacl-turbo's engine writes (a private call,
    ``kg.validate.core_report``), not from the rdflib graph its public ``validate`` decodes
    them into (slower than the validation itself): both reports are the same graph on every
    fixture and on the union of both corpora — a changed engine call would break this."""
    compiled = compiled_core_shapes(SHAPES)
    hierarchy = class_hierarchy(ontology)
    union = load_data_graph(load_settings(var_dir=built_both["var"]), None)
    graphs = [load_data_graph(_settings(), p) for p in [VALID / "complete.ttl", *sorted(INVALID.glob("*.ttl"))]]
    results_seen = paths_seen = 0
    with caplog.at_level("WARNING", logger="kg.validate"):
        for data in graphs + [union]:
            store = store_of(data.serialize(format="nt", encoding="utf-8"), hierarchy)
            engine, public = (Graph().parse(data=core_report(compiled, store, native=native), format="nt")
                              for native in (True, False))
            assert isomorphic(engine, public), f"the engine's report differs from the public one on {data}"
            results_seen += len(set(engine.subjects(RDF.type, SH.ValidationResult)))
            paths_seen += sum(1 for p in engine.objects(None, SH.resultPath) if isinstance(p, BNode))
    assert "no engine call" not in caplog.text  # the engine's own report was read, not the public one twice
    assert results_seen > 500 and paths_seen > 0  # (warnings of the corpora; an inverse path in a fixture)
