"""The Python evaluations of SHACL-SPARQL constraints (kg.native_constraints) give what their
queries give on Oxigraph — solution for solution, edge cases included — and are bound to
the queries in the shapes file as it is now."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from kg import native_constraints
from kg.ontology import load_ontology
from kg.validate import SH, class_hierarchy, focus_nodes_of, _prefix_block, load_shapes

ROOT = Path(__file__).resolve().parents[1]
SHAPES = load_shapes(ROOT / "shapes")
INVALID = ROOT / "tests" / "fixtures" / "invalid"

# One document of 20 characters, one beyond the Basic Multilingual Plane (a character
# Oxigraph's UTF-8 and Python's code points count alike), and passages that are right,
# wrong, at the edges, past the end, backwards, empty, or offset by another datatype.
TEXT = "Baku 😀 is the capital"
EDGE_CASES = """
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix cnt: <http://www.w3.org/2011/content#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix kg: <https://w3id.org/humanitarian-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix ex: <http://example.org/> .
ex:doc a kg:SourceDocument ; cnt:chars "%s" ; dcterms:identifier "a.txt" , "b.txt" .
ex:other cnt:chars "short" .
""" % TEXT

PASSAGES = [
    # (start, end, exact, prefix, suffix)
    (0, 4, "Baku", "", " 😀"),  # right
    (5, 6, "😀", "Baku ", " is"),  # right, the character beyond the BMP
    (5, 7, "😀 ", "ku ", " is"),  # right
    (0, 4, "Bakü", "x", " 😀 is the capital and more"),  # wrong quote, prefix longer than the text before
    (17, 21, "pital", "the ca", "!"),  # end within, quote wrong, suffix past the end
    (18, 25, "ital", "ca", ""),  # end past the end
    (4, 2, "x", "", ""),  # backwards
    (3, 3, "", "k", "u"),  # empty
    ("7", "9", "is", "😀 ", " t"),  # offsets as plain strings (xsd:integer casts them)
    ("+7", "09", "IS", "Baku 😀 ", " the"),  # signs and leading zeros (and a wrong quote)
    ("seven", "9", "is", "", ""),  # an offset that does not cast: the solution is dropped
]


def _edge_store() -> ox.Store:
    store = ox.Store()
    store.load(EDGE_CASES.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    ns = "http://example.org/"
    oa = "http://www.w3.org/ns/oa#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for i, (start, end, exact, prefix, suffix) in enumerate(PASSAGES):
        ev, pos, quote = (ox.NamedNode(f"{ns}{kind}{i}") for kind in ("ev", "pos", "quote"))
        offset = (lambda v: ox.Literal(str(v), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
                  if isinstance(v, int) else ox.Literal(v))
        for t in [
            (ev, rdf_type, ox.NamedNode("https://w3id.org/humanitarian-kg/ontology#Evidence")),
            (ev, ox.NamedNode(oa + "hasSource"), ox.NamedNode(ns + ("other" if i == 2 else "doc"))),
            (ev, ox.NamedNode(oa + "hasSelector"), pos), (ev, ox.NamedNode(oa + "hasSelector"), quote),
            (pos, rdf_type, ox.NamedNode(oa + "TextPositionSelector")),
            (pos, ox.NamedNode(oa + "start"), offset(start)), (pos, ox.NamedNode(oa + "end"), offset(end)),
            (quote, rdf_type, ox.NamedNode(oa + "TextQuoteSelector")),
            (quote, ox.NamedNode(oa + "exact"), ox.Literal(exact)),
            (quote, ox.NamedNode(oa + "prefix"), ox.Literal(prefix)),
            (quote, ox.NamedNode(oa + "suffix"), ox.Literal(suffix)),
        ]:
            store.add(ox.Quad(*t))
    return store


def _select(constraint: str) -> str:
    return str(SHAPES.value(URIRef(constraint), URIRef(SH + "select")))


def _by_query(store, constraint: str, variables: list[str]) -> list[tuple]:
    query = _prefix_block(SHAPES, URIRef(constraint)) + "\n" + _select(constraint).replace("$this", "?this")
    focus = _focus(store, constraint)
    return sorted(tuple(str(row[v]) if row[v] is not None else None for v in variables)
                  for row in store.query(query) if row["this"].value in focus)


def _focus(store, constraint: str) -> set[str]:
    shape = next(SHAPES.subjects(URIRef(SH + "sparql"), URIRef(constraint)))
    return focus_nodes_of(store, SHAPES, shape)


def _by_python(store, constraint: str, variables: list[str]) -> list[tuple]:
    evaluate = native_constraints.evaluation(constraint, _select(constraint))
    focus = _focus(store, constraint)
    return sorted(tuple(str(row[v]) if row.get(v) is not None else None for v in variables)
                  for row in evaluate(store, focus))


def _variables(constraint: str) -> list[str]:
    head = _select(constraint).split("WHERE", 1)[0]
    return [v[1:] for v in head.split() if v[0] in "?$"]


CONSTRAINTS = sorted(native_constraints.EVALUATIONS)


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=lambda c: c.rsplit("#", 1)[-1])
def test_bound_to_the_query_in_the_shapes_file(constraint):
    """A changed query is run as written (the evaluation is not used) until its Python
    evaluation is brought in line and its digest updated."""
    digest = native_constraints.select_digest(_select(constraint))
    assert native_constraints.evaluation(constraint, _select(constraint)) is not None, (
        f"{constraint}: the shapes file's query changed (digest {digest}); update its evaluation")
    assert native_constraints.evaluation(constraint, _select(constraint) + " FILTER (false)") is None


TEXT_CONSTRAINTS = [c for c in CONSTRAINTS if "Unattached" not in c]


@pytest.mark.parametrize("constraint", TEXT_CONSTRAINTS, ids=lambda c: c.rsplit("#", 1)[-1])
def test_same_solutions_as_the_query_on_edge_cases(constraint):
    store = _edge_store()
    variables = _variables(constraint)
    expected = _by_query(store, constraint, variables)
    assert expected, "the edge cases break every constraint at least once"
    assert _by_python(store, constraint, variables) == expected


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=lambda c: c.rsplit("#", 1)[-1])
def test_same_solutions_as_the_query_on_its_fixture(constraint):
    store = ox.Store()
    store.load((INVALID / (constraint.rsplit("#", 1)[-1] + ".ttl")).read_bytes(), format=ox.RdfFormat.TURTLE)
    variables = _variables(constraint)
    expected = _by_query(store, constraint, variables)
    assert expected
    assert _by_python(store, constraint, variables) == expected


def test_an_offset_of_another_datatype_is_left_to_the_query():
    store = _edge_store()
    pos = ox.NamedNode("http://example.org/pos0")
    store.add(ox.Quad(pos, ox.NamedNode("http://www.w3.org/ns/oa#end"),
                      ox.Literal("4.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))))
    constraint = "https://w3id.org/humanitarian-kg/shapes#EvidenceQuoteMatchesSource"
    with pytest.raises(native_constraints.NotNative):
        _by_python(store, constraint, _variables(constraint))


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=lambda c: c.rsplit("#", 1)[-1])
def test_same_solutions_as_the_query_on_the_built_graph(constraint, store):
    """The real corpus's union (with the ontology's class hierarchy): figures and dates that
    facts take directly, through a period, through an office's period, and that none takes."""
    variables = _variables(constraint)
    assert _by_python(store, constraint, variables) == _by_query(store, constraint, variables)


def test_what_takes_a_figure_or_a_date_on_the_complete_graph():
    """Every kind of node at once (tests/fixtures/valid/complete.ttl) with the ontology's
    hierarchy: nothing unattached, by either evaluation; and with the facts removed, the
    same values unattached by both."""
    constraint = "https://w3id.org/humanitarian-kg/shapes#UnattachedFigureOrDate"
    variables = _variables(constraint)
    store = ox.Store()
    store.load((ROOT / "tests" / "fixtures" / "valid" / "complete.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    store.load(class_hierarchy(load_ontology(ROOT / "ontology")), format=ox.RdfFormat.N_TRIPLES)
    assert _by_python(store, constraint, variables) == _by_query(store, constraint, variables)
    kg = "https://w3id.org/humanitarian-kg/ontology#"
    for p in (kg + "reached", kg + "atTime", kg + "count"):
        for q in list(store.quads_for_pattern(None, ox.NamedNode(p), None)):
            store.remove(q)
    expected = _by_query(store, constraint, variables)
    assert expected
    assert _by_python(store, constraint, variables) == expected


def test_one_reader_shared_by_every_evaluation_at_once(store):
    """A validation gives every evaluation one StoreReader, read by several threads at once:
    each gets the solutions it gets with a reader of its own."""
    from concurrent.futures import ThreadPoolExecutor

    def rows(constraint, reader):
        variables = _variables(constraint)
        evaluate = native_constraints.evaluation(constraint, _select(constraint))
        return sorted(tuple(str(row[v]) if row.get(v) is not None else None for v in variables)
                      for row in evaluate(store, _focus(store, constraint), reader))

    alone = {c: rows(c, None) for c in CONSTRAINTS}
    assert any(alone.values())
    shared = native_constraints.StoreReader(store)
    with ThreadPoolExecutor(len(CONSTRAINTS)) as pool:
        together = dict(zip(CONSTRAINTS, pool.map(lambda c: rows(c, shared), CONSTRAINTS)))
    assert together == alone
