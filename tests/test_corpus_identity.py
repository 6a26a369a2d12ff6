"""Documents nobody here has read go in one after another, in any order, and the graph
conforms; two documents' nodes are one node only when they state the same thing; when
documents disagree, each keeps its claims and the shapes say so (warnings), never refuse."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg.config import load_settings
from kg.namespaces import IRIs
from kg.pipeline import build

from conftest import DEV_CORPUS, SOURCES

DEV = sorted(p.name for p in DEV_CORPUS.glob("*.txt"))


def _sources(tmp: Path, names: list[str]) -> Path:
    """A sources directory with the first corpus and the named development documents."""
    target = tmp / "sources"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SOURCES, target)
    meta = json.loads((target / "metadata.json").read_text(encoding="utf-8"))
    dev_meta = json.loads((DEV_CORPUS / "metadata.json").read_text(encoding="utf-8"))
    for name in names:
        shutil.copyfile(DEV_CORPUS / name, target / name)
        meta[name] = dev_meta[name]
    (target / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> Path:
    """One cache of documents' parts for this module's builds: each document is extracted
    once, whichever build meets it first (its part depends on nothing but itself)."""
    return tmp_path_factory.mktemp("parts")


@pytest.mark.parametrize("seed, sizes", [(11, (1, 5, 12)), (2026, (2, 9, len(DEV)))])
def test_development_documents_go_in_one_after_another_in_any_order(tmp_path, seed, sizes, parts):
    order = DEV[:]
    random.Random(seed).shuffle(order)
    settings = load_settings(var_dir=tmp_path / "var", cache_path=parts)
    # growing prefixes of shuffled orders conform (the graph of a set of documents does not
    # depend on the order they came in: each prefix is a state the corpus passes through)
    for n in sizes:
        result = build(replace(settings, sources_dir=_sources(tmp_path, order[:n])), publish=False)
        assert result.report.conforms, (order[:n], result.report.text())


def test_documents_that_disagree_are_both_kept_and_the_disagreement_is_a_warning(tmp_path):
    target = _sources(tmp_path, [])
    meta = json.loads((target / "metadata.json").read_text(encoding="utf-8"))
    for name, year in (("a_one.txt", "1992"), ("b_two.txt", "1994")):
        (target / name).write_text(f"The Norwegian Refugee Council has been active in Armenia since {year}. "
                                   "The Norwegian Refugee Council office in Armenia supports displaced families.\n",
                                   encoding="utf-8")
        meta[name] = {"language": "en"}
    (target / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    result = build(load_settings(var_dir=tmp_path / "var", sources_dir=target), publish=False)
    assert result.report.conforms, result.report.text()
    disagreements = [f for f in result.report.warnings if f.message.startswith("Documents disagree")]
    assert disagreements, result.report.text()
    iris = IRIs(load_settings().base_iri)
    beginnings = set()
    for doc_id in ("a_one", "b_two"):
        g = result.dataset.graph(iris.document_graph(doc_id))
        beginnings |= {str(o) for o in g.objects(None, None) if str(o) in ("1992", "1994")}
    assert beginnings == {"1992", "1994"}  # each document's own claim stands


@pytest.fixture(scope="module")
def everything(tmp_path_factory, parts):
    tmp = tmp_path_factory.mktemp("all")
    return build(load_settings(var_dir=tmp / "var", sources_dir=_sources(tmp, DEV), cache_path=parts), publish=False)


def test_a_node_stated_by_two_documents_is_placed_where_each_of_them_says(everything):
    """No node carries evidence from two documents about different countries unless both
    state the same fact: each stating document names the country the node is placed in
    (itself or a place in it)."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kg.resources import load_resources
    from conftest import ROOT

    entities = load_resources(ROOT / "data" / "lexicon", ROOT / "ontology").entities()
    iris = IRIs(load_settings().base_iri)
    kg = "https://w3id.org/humanitarian-kg/ontology#"
    graphs = {d: everything.dataset.graph(iris.document_graph(d)) for d in everything.doc_ids}
    has_evidence, in_place = URIRef(kg + "hasEvidence"), URIRef(kg + "inPlace")
    typed = {URIRef(kg + c) for c in ("Activity", "Office", "Closure", "Handover", "Agreement")}

    def country(place) -> str | None:
        key = "place/" + str(place).rsplit("/", 1)[-1]
        info = entities.get(key)
        return None if info is None else key if info.cls == "Country" else info.part_of

    named = {d: {country(p) for p in g.subjects(has_evidence, None) if "/id/place/" in str(p)} for d, g in graphs.items()}
    checked = 0
    for doc_id, g in graphs.items():
        for node in {s for s, t in g.subject_objects(RDF.type) if t in typed}:
            stating = [d for d, other in graphs.items() if (node, has_evidence, None) in other]
            countries = {country(p) for other in graphs.values() for p in other.objects(node, in_place)} - {None}
            if len(stating) < 2 or not countries:
                continue
            for d in stating:
                assert countries & named[d], f"{node} is placed in {countries} but {d} names none of them"
            checked += 1
    assert checked > 0


def test_validating_documents_alone_and_where_they_meet_finds_what_validating_the_union_finds(everything):
    """The build validates each document's graph alone and the union only around the nodes
    several documents describe; that finds what validating the whole union (and telling
    documents' own errors from their disagreements) finds, finding for finding."""
    from rdflib import Graph

    from kg.ontology import load_ontology
    from kg.validate import disagreements_as_warnings, load_shapes, shacl_validate

    from conftest import ROOT

    iris = IRIs(load_settings().base_iri)
    ontology, shapes = load_ontology(ROOT / "ontology"), load_shapes(ROOT / "shapes")
    documents = [everything.dataset.graph(iris.document_graph(d)) for d in everything.doc_ids]
    union = Graph()
    for g in documents:
        for t in g:
            union.add(t)
    whole = shacl_validate(union, shapes, ontology)
    if not whole.conforms:
        whole = disagreements_as_warnings(whole, documents, shapes, ontology)
    key = lambda f: (f.severity, f.shape, f.focus, f.message)  # noqa: E731
    assert len(whole.findings) > 100
    assert sorted(map(key, everything.report.findings)) == sorted(map(key, whole.findings))
