"""The union is validated only around the nodes several documents describe, and only as far
around each as its shapes read (kg.validate.validate_around): what two documents violate
together and neither alone is still found, finding for finding as validating the whole
union finds it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.config import load_settings
from kg.namespaces import IRIs
from kg.ontology import load_ontology
from kg.validate import (class_hierarchy, far_reading_shapes, forward_reading_shapes, load_shapes, split_shapes,
                         store_of, validate_around, validate_store)

from conftest import ROOT

KG = "https://w3id.org/humanitarian-kg/ontology#"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"


@pytest.fixture(scope="module")
def inputs():
    return load_shapes(ROOT / "shapes"), class_hierarchy(load_ontology(ROOT / "ontology"))


def _documents(base: str) -> tuple[bytes, bytes, str]:
    """Two documents' graphs about one office: the first says it opened in 2010; the second
    that it was closed in 2005 (a closure linking to the office: the office's own statements
    do not say it) and gives it a second period. The first places its town in a region, in a
    country; the second the country in the town: a cycle three links long. Neither is a
    violation in either document alone."""
    office = f"{base}presence/office-x"

    def t(s, p, o):
        return f"<{s}> <{p}> {o} .\n"

    a = "".join([
        t(office, RDF_TYPE, f"<{KG}Presence>"), t(office, ORG + "unitOf", f"<{base}org/org-x>"),
        t(office, KG + "inPlace", f"<{base}place/town-x>"), t(office, KG + "activeDuring", f"<{base}period/p1>"),
        t(f"{base}period/p1", RDF_TYPE, f"<{KG}Period>"), t(f"{base}period/p1", TIME + "hasBeginning", f"<{base}instant/i2010>"),
        t(f"{base}instant/i2010", RDF_TYPE, f"<{TIME}Instant>"),
        t(f"{base}instant/i2010", TIME + "inXSDgYear", f'"2010"^^<{GYEAR}>'),
        t(f"{base}place/town-x", RDF_TYPE, f"<{KG}Place>"), t(f"{base}place/town-x", KG + "locatedIn", f"<{base}place/region-x>"),
        t(f"{base}place/region-x", RDF_TYPE, f"<{KG}Place>"),
        t(f"{base}place/region-x", KG + "locatedIn", f"<{base}place/country-x>"),
    ])
    b = "".join([
        t(office, KG + "activeDuring", f"<{base}period/p2>"), t(f"{base}period/p2", RDF_TYPE, f"<{KG}Period>"),
        t(f"{base}closure/c1", RDF_TYPE, f"<{KG}Closure>"), t(f"{base}closure/c1", KG + "closedUnit", f"<{office}>"),
        t(f"{base}closure/c1", KG + "atTime", f"<{base}instant/i2005>"),
        t(f"{base}instant/i2005", RDF_TYPE, f"<{TIME}Instant>"),
        t(f"{base}instant/i2005", TIME + "inXSDgYear", f'"2005"^^<{GYEAR}>'),
        t(f"{base}place/country-x", RDF_TYPE, f"<{KG}Place>"),
        t(f"{base}place/country-x", KG + "locatedIn", f"<{base}place/town-x>"),
    ])
    return a.encode(), b.encode(), office


def test_what_two_documents_violate_together_is_found_around_the_node_they_share(inputs):
    shapes, hierarchy = inputs
    iris = IRIs(load_settings().base_iri)
    a, b, office = _documents(iris.minted_base)
    key = lambda f: (f.severity, f.shape, f.focus, f.path, f.message)  # noqa: E731
    together = {"kgsh:OfficeTimelineShape", "kgsh:Office-activeDuring"}
    # each document alone (with the office's type, as a document's validation sees it)
    typed = f"<{office}> <{RDF_TYPE}> <{KG}Presence> .\n".encode()
    for alone in (a, b + typed):
        found = {f.shape for f in validate_store(store_of(alone, hierarchy), shapes, focus={office}).findings}
        assert not found & together, found
    union = ox.Store()
    union.bulk_load(a + b, format=ox.RdfFormat.N_TRIPLES)
    shared = {office, f"{iris.minted_base}place/town-x", f"{iris.minted_base}place/country-x"}
    around = validate_around(union, shared, shapes, hierarchy, iris.minted_base,
                             pruned=(iris.evidence_base, str(iris.document(""))))
    # a SPARQL constraint reading what links to the office (its closure), a count of the
    # office's own statements, and a query following the town's links forward three deep:
    # all only in the union
    assert together <= {f.shape for f in around.violations if f.focus == office}, around.text()
    assert {f.focus for f in around.violations if f.shape == "kgsh:PlaceContainmentShape"} == shared - {office}
    whole = validate_store(store_of(a + b, hierarchy), shapes, focus=shared)
    assert sorted(map(key, around.findings)) == sorted(map(key, whole.findings))


def test_shapes_that_read_past_their_node_are_told_from_those_that_do_not(inputs):
    shapes, _ = inputs
    name = shapes.namespace_manager.normalizeUri
    far = {name(s) for s in far_reading_shapes(shapes)}
    forward = {name(s) for s in forward_reading_shapes(shapes)}
    assert {"kgsh:OfficeTimelineShape", "kgsh:MediaOrganisationShape", "kgsh:PlaceContainmentShape"} <= far  # SPARQL, inverse path
    assert not {"kgsh:OfficeShape", "kgsh:EvidenceShape", "kgsh:Range-inPlace", "kgsh:PeriodBoundsShape"} & far
    # a query following kg:locatedIn from the place; those reading what links to the node
    assert "kgsh:PlaceContainmentShape" in forward and forward < far
    assert not {"kgsh:OfficeTimelineShape", "kgsh:UnattachedShape", "kgsh:MediaOrganisationShape"} & forward
    assert all(len(g) < len(shapes) for g in split_shapes(shapes))


def test_a_findings_path_reads_the_same_in_every_process():
    """A path that is a blank node (kgsh:PopulationGroup-role: any of five inverse
    properties) is reported as SPARQL writes it, not by a blank-node label that differs in
    every process: reports and the build state stay reproducible."""
    from rdflib import Graph

    settings = load_settings()
    shapes = load_shapes(settings.shapes_dir)
    data = Graph().parse(ROOT / "tests" / "fixtures" / "invalid" / "PopulationGroup-role.ttl")
    report = validate_store(store_of(data.serialize(format="nt", encoding="utf-8"),
                                     class_hierarchy(load_ontology(settings.ontology_dir))), shapes)
    paths = {f.path for f in report.findings if f.shape == "kgsh:PopulationGroup-role"}
    assert paths == {"(^kg:beneficiaryGroup|^kg:audience|^kg:participant|^kg:includes|^kg:offeredTo)"}, paths
