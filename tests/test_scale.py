"""Builds that scale: the same graph whichever way it is built — in one process, in a pool,
on a Dask cluster, from the cache — entailments by rules as HermiT gives them, and a
rebuild that redoes only what changed."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from conftest import ROOT, SOURCES

BASE = "http://localhost:8000/"
INFERRED = BASE + "graph/inferred"
ONTOLOGY = BASE + "graph/ontology"


def quads(store) -> list[str]:
    """Every quad of a store as text, blank nodes masked (the ontology's get new labels on
    every parse), sorted."""
    return sorted(re.sub(r"_:[0-9A-Za-z]+", "_:b", str(q)) for q in store)


def settings_for(tmp: Path, sources: Path = SOURCES, **changes):
    from kg.config import load_settings

    return replace(load_settings(var_dir=tmp / "var", sources_dir=sources), **changes)


def test_the_build_states_what_the_in_process_reference_states(store):
    """The parallel, cached build (``kg build``) writes the same quads as the reference
    path (every document extracted in this process, claims resolved together, one rdflib
    dataset, entailments computed in Python): per-document work and label decisions made
    from per-document counts change nothing."""
    from kg.config import load_settings
    from kg.namespaces import IRIs
    from kg.pipeline import extract_corpus
    from kg.ontology import load_ontology
    from kg.reasoning import entailments

    settings = load_settings()
    ontology = load_ontology(settings.ontology_dir)
    _, _, ds = extract_corpus(settings, ontology)
    reference = ox.Store()
    reference.bulk_load(ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    data = Graph()
    for s, p, o, g in ds.quads((None, None, None, None)):
        if str(g) != ONTOLOGY:
            data.add((s, p, o))
    reference.bulk_load(entailments(data, ontology).serialize(format="nt", encoding="utf-8"),
                        format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(INFERRED))
    reference.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED}>) }}")
    built = quads(store)
    assert len(built) > 15_000
    assert built == quads(reference)


def test_rules_give_the_entailments_hermit_gives_on_the_real_corpus(store):
    """What the rules put in the inferred graph, HermiT entails from the same data and
    ontology (class memberships, inverse links, the kg:presentIn chain), and every class
    membership or object-property link HermiT entails among the documents' nodes is stated
    or in the inferred graph. (HermiT through owlready2 does not report values of
    super-properties; those the rules add by rdfs:subPropertyOf alone are checked to be
    exactly that.)"""
    import tempfile

    import owlready2

    from kg.ontology import load_ontology
    from kg.reasoning import Axioms

    ontology = load_ontology(ROOT / "ontology")
    nt = lambda triples: Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")  # noqa: E731
    data = nt(ox.Triple(q.subject, q.predicate, q.object) for q in store
              if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name.value not in (INFERRED, ONTOLOGY))
    rules = nt(ox.Triple(q.subject, q.predicate, q.object)
               for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED)))
    assert len(rules) > 1000
    merged = ontology + data
    for node in set(data.subjects(RDF.type, None)) - set(ontology.subjects(RDF.type, None)):
        merged.add((node, RDF.type, OWL.NamedIndividual))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        merged.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        hermit = world.as_rdflib_graph()
        types = {URIRef(ind.iri): {URIRef(c.iri) for c in ind.INDIRECT_is_a if hasattr(c, "iri")}
                 for ind in world.individuals()}
        superproperty_only = {q for sups in Axioms.of(ontology).superproperties.values() for q in sups}
        for s, p, o in rules:
            if p == RDF.type:
                assert o in types.get(s, set()), (s, o)
            elif (s, p, o) not in hermit:
                assert p in superproperty_only, (s, p, o)
        ours = data + rules
        for node, classes in types.items():
            if not str(node).startswith(BASE):
                continue
            for cls in classes:
                if cls != OWL.Thing and not str(cls).startswith(str(OWL)):
                    assert (node, RDF.type, cls) in ours or (node, RDF.type, cls) in ontology, (node, cls)
        for s, p, o in hermit:
            if (p != RDF.type and isinstance(o, URIRef) and str(s).startswith(BASE) and str(o).startswith(BASE)
                    and (p, RDF.type, OWL.ObjectProperty) in ontology):
                assert (s, p, o) in ours, (s, p, o)


def _published(settings) -> list[str]:
    store = ox.Store.read_only(str(settings.store_link.resolve()))
    try:
        return quads(store)
    finally:
        del store


def _search_index(settings) -> list[tuple]:
    """What the published build's search index holds (kg.search_index), without row ids."""
    from kg.search_index import INDEX_NAME

    return _index_rows(settings.store_link.resolve() / INDEX_NAME)


def _index_rows(path: Path) -> list[tuple]:
    """What a search index holds, without row ids."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        items = {row[0]: row[1:] for row in db.execute(
            'SELECT id, kind, iri, node, lang, text, doc, start, "end", name_kind FROM items')}
        keys = {row[0]: row[1] for row in db.execute("SELECT rowid, keys FROM search")}
        facets, supports = {}, {}
        for item, facet, value in db.execute("SELECT item, facet, value FROM facets"):
            facets.setdefault(item, []).append((facet, value))
        for item, fact in db.execute("SELECT item, fact FROM supports"):
            supports.setdefault(item, []).append(fact)
    finally:
        db.close()
    return sorted((*row, keys[i], tuple(sorted(facets.get(i, []))), tuple(sorted(supports.get(i, []))))
                  for i, row in items.items())


def test_a_rebuild_redoes_only_what_changed_and_publishes_what_a_fresh_build_does(tmp_path, corpus_copy):
    """Nothing changed: nothing is redone or published. A document added, changed or gone:
    only it is extracted, the published store is updated where it changed (its graph, the
    union, the entailments around its nodes, the labels the corpus now decides otherwise),
    and the result — the store and its search index — is what a build from nothing makes of
    the same sources."""
    from kg.pipeline import build

    settings = settings_for(tmp_path, corpus_copy, build_jobs=2)
    first = build(settings)
    assert first.extracted == 5 and not first.unchanged
    published = _published(settings)
    again = build(settings)
    assert again.unchanged and again.store_path == first.store_path and _published(settings) == published

    # the builds from nothing share one cache of their own (never the updated build's): each
    # extracts the documents no build from nothing has seen, and reads back what such a build made
    fresh_cache, seen = tmp_path / "fresh-cache", set()

    def fresh(name: str, update) -> list[str]:
        alone = settings_for(tmp_path / name, corpus_copy, build_jobs=1, cache_path=fresh_cache)
        result = build(alone)
        texts = {p.read_bytes() for p in corpus_copy.glob("*.txt")}
        assert result.extracted == len(texts - seen)
        seen.update(texts)
        # the search index too: an update's is the one a build from nothing writes; and the
        # update's figures, kept rather than counted, are the store's
        assert _search_index(settings) == _search_index(alone)
        assert (update.quads, update.individuals) == (result.quads, result.individuals)
        return _published(alone)

    meta_file = corpus_copy / "metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    # a document changes
    path = corpus_copy / "003_362a282f5771ddaf.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe ICRC opened an office in Ganja in 2021.\n",
                    encoding="utf-8")
    meta[path.name].pop("sha256", None)
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    changed = build(settings)
    assert changed.extracted == 1 and not changed.unchanged
    assert any("ganja" in q for q in _published(settings))
    assert any("Ganja" in row[4] for row in _search_index(settings))  # (its passage, searchable)
    assert _published(settings) == fresh("fresh-changed", changed)
    # a document comes (naming an organisation the others name, in another language)
    shutil.copyfile(ROOT / "tests" / "documents" / "ru_drc_ukraine.txt", corpus_copy / "ru_drc_ukraine.txt")
    meta["ru_drc_ukraine.txt"] = {"language": "ru"}
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    added = build(settings)
    assert added.extracted == 1
    assert _published(settings) == fresh("fresh-added", added)
    # a document goes
    (corpus_copy / "001_2bdc8158457999b5.txt").unlink()
    del meta["001_2bdc8158457999b5.txt"]
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    gone = build(settings)
    assert gone.extracted == 0 and not gone.unchanged
    assert _published(settings) == fresh("fresh-gone", gone)
    assert {f.focus for f in gone.report.findings} == {f.focus for f in build(
        settings_for(tmp_path / "fresh-gone", corpus_copy, cache_path=fresh_cache)).report.findings}


def test_an_update_reads_only_the_sources_whose_stamp_changed(tmp_path, corpus_copy, monkeypatch):
    """A source whose size, times and inode are as the published build saw them (the test
    git's index makes) is taken as unchanged without being read; an edit that keeps the size
    and the modification time is still seen (its change time moved); a source changed just
    before the build wrote what it saw is read again, as git reads a "racily clean" entry."""
    import os
    import time

    import kg.sources
    from kg.pipeline import build

    meta_file = corpus_copy / "metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    for name in ("000_22953d9dd2031f1d.txt", "001_2bdc8158457999b5.txt", "002_3085d1d938f57e6c.txt"):
        (corpus_copy / name).unlink()
        del meta[name]
    edited, racy = corpus_copy / "003_362a282f5771ddaf.txt", corpus_copy / "004_06b47d949a0c8362.txt"
    meta[edited.name].pop("sha256")  # (edited below)
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    old = time.time() - 60
    os.utime(edited, (old, old))
    os.utime(racy, (time.time() + 30,) * 2)  # (as if written while the build ran)
    settings = settings_for(tmp_path, corpus_copy, build_jobs=1)
    build(settings)
    published = _published(settings)

    reads: list[str] = []
    load = kg.sources.load_document
    monkeypatch.setattr(kg.sources, "load_document", lambda path, *rest: reads.append(path.name) or load(path, *rest))
    assert build(settings).unchanged and reads == [racy.name]

    reads.clear()
    stamp = edited.stat()
    text = edited.read_text(encoding="utf-8")
    assert "office in Baku" in text
    edited.write_text(text.replace("office in Baku", "office in Baka"), encoding="utf-8")  # (same size)
    os.utime(edited, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (stamp.st_size, stamp.st_mtime_ns)
    result = build(settings)
    assert result.extracted == 1 and sorted(reads) == sorted([edited.name, racy.name])
    assert _published(settings) != published


_NOTED: dict = {}  # (for _write_index_noting_its_process: set before the build forks)


def _write_index_noting_its_process(*args, **kwargs):
    """``write_index`` noting the process it runs in (a module's function: a process forked
    from this one is sent it by name)."""
    with _NOTED["notes"].open("a") as f:
        f.write(f"{os.getpid()}\n")
    return _NOTED["write_index"](*args, **kwargs)


def test_the_search_index_written_in_a_process_of_its_own_is_the_one_a_thread_writes(tmp_path, monkeypatch):
    """With more than one job the search index is written in a process of its own, from a
    checkpoint of the store (beside the entailments, without sharing this process's
    interpreter lock); with one job, in a thread from the store itself. Both hold the same,
    and the checkpoint is gone after the build."""
    from kg import search_index
    from kg.pipeline import build

    writers = tmp_path / "writers"
    monkeypatch.setitem(_NOTED, "notes", writers)
    monkeypatch.setitem(_NOTED, "write_index", search_index.write_index)
    monkeypatch.setattr(search_index, "write_index", _write_index_noting_its_process)
    apart = settings_for(tmp_path / "apart", build_jobs=2)
    build(apart)
    assert [int(pid) for pid in writers.read_text().split()] != [os.getpid()]
    assert len(writers.read_text().split()) == 1
    assert [p.name for p in (apart.var / "stores").glob("build-*")] == [apart.store_link.resolve().name]
    threaded = settings_for(tmp_path / "threaded", build_jobs=1)
    build(threaded)
    assert len(writers.read_text().split()) == 1  # (no process of its own: a thread)
    assert _search_index(apart) == _search_index(threaded) != []


def test_entailments_and_search_index_updated_in_place_are_those_made_from_nothing(store, tmp_path):
    """What an update does to the entailments (kg.reasoning.update_entailments) and to the
    search index (kg.search_index.update_index), after a document's graph is taken out and
    one is added whose statements change what other nodes' items and entailments read — an
    organisation a fact names becomes a country, a place gets another country, a time of a
    named fact another year, a name's mention becomes a fact's passage, an office another
    organisation — is what materialising and indexing the changed store from nothing give."""
    from kg.config import load_settings
    from kg.ontology import load_ontology
    from kg.reasoning import materialise, update_entailments
    from kg.search_index import INDEX_NAME, SearchIndex, update_index, write_index
    from kg.store import GraphLoader, graph_triples, remove_graph, statement_changes

    settings = load_settings()
    ontology = load_ontology(ROOT / "ontology")
    published, updated = tmp_path / "published", tmp_path / "updated"
    store.backup(str(published))
    write_index(published, settings.lexicon_dir, settings.ontology_dir)
    store.backup(str(updated))
    after = ox.Store(str(updated))
    kg_, time_ = "https://w3id.org/humanitarian-kg/ontology#", "http://www.w3.org/2006/time#"

    def first(query: str, store_=after) -> list:
        return list(next(iter(store_.query(
            f"PREFIX kg: <{kg_}> PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <{time_}> "
            f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> {query} LIMIT 1"))))

    [named_org] = first("SELECT ?o WHERE { ?f kg:hasEvidence ?ev ; ?p ?o . ?o a kg:Organisation }")
    place, country = first("SELECT ?p ?c WHERE { ?f kg:hasEvidence ?ev ; kg:inPlace ?p . ?c a kg:Country "
                           "FILTER NOT EXISTS { ?p kg:locatedIn ?c } }")
    [instant] = first("SELECT ?t WHERE { ?f a kg:Activity ; skos:prefLabel ?l ; ?p ?period . "
                      "?period time:hasBeginning ?t . ?t time:inXSDgYear ?y }")
    fact, mention = first("SELECT ?f ?ev WHERE { ?f kg:hasEvidence ?e . ?f a kg:Office . ?n kg:hasEvidence ?ev "
                          "FILTER NOT EXISTS { ?x kg:hasEvidence ?ev . ?x a kg:Office } }")
    office, other = first(f"SELECT ?u ?o WHERE {{ ?u org:unitOf ?x ; kg:inPlace ?p . ?o a kg:Organisation "
                          f"FILTER NOT EXISTS {{ GRAPH <{INFERRED}> {{ ?o kg:presentIn ?p }} }} }}")
    N, xsd = ox.NamedNode, "http://www.w3.org/2001/XMLSchema#"
    new_statements = [
        ox.Triple(named_org, N(str(RDF.type)), N(kg_ + "Country")),
        ox.Triple(place, N(kg_ + "locatedIn"), country),
        ox.Triple(instant, N(time_ + "inXSDgYear"), ox.Literal("1901", datatype=N(xsd + "gYear"))),
        ox.Triple(fact, N(kg_ + "hasEvidence"), mention),
        ox.Triple(office, N("http://www.w3.org/ns/org#unitOf"), other)]
    gone = sorted(q.graph_name.value for q in after.quads_for_pattern(None, None, None, None)
                  if "/graph/document/" in getattr(q.graph_name, "value", ""))[0]
    taken_out = set(graph_triples(after, gone))
    remove_graph(after, gone, apart=(INFERRED,))
    loader = GraphLoader(after)
    loader.add(BASE + "graph/document/a-change", ox.serialize(new_statements, format=ox.RdfFormat.N_TRIPLES))
    loader.flush()
    before = ox.Store.read_only(str(published))
    change = statement_changes(before, after, taken_out, {(t.subject, t.predicate, t.object) for t in new_statements},
                               {N(INFERRED), N(ONTOLOGY)})
    del before
    assert len(change.added) == 5 and len(change.removed) > 100 and change.union_removed

    inserted, deleted = update_entailments(after, ontology, INFERRED, [ONTOLOGY], change.added, change.removed)
    assert inserted and deleted
    assert next(after.quads_for_pattern(other, N(kg_ + "presentIn"), None, N(INFERRED)), None)  # (the chain)
    whole = ox.Store()
    whole.extend(q for q in after if getattr(q.graph_name, "value", None) != INFERRED)
    materialise(whole, ontology, INFERRED, [ONTOLOGY])
    assert quads(after) == quads(whole)
    del after

    update_index(updated, published / INDEX_NAME, change.union_added, change.union_removed, settings.lexicon_dir,
                 settings.ontology_dir)
    write_index(updated, settings.lexicon_dir, settings.ontology_dir, index_path=tmp_path / "whole.sqlite")
    rows = _index_rows(updated / INDEX_NAME)
    assert rows == _index_rows(tmp_path / "whole.sqlite")
    assert rows != _index_rows(published / INDEX_NAME)
    assert any(row[2] == mention.value for row in rows)  # (the mention, now a fact's passage)
    assert any(("year", "1901") in row[-2] for row in rows)
    assert any(("country", named_org.value) in row[-2] for row in rows)
    from kg.resources import load_resources

    morph = load_resources(settings.lexicon_dir, settings.ontology_dir).morph
    a, b = SearchIndex(updated / INDEX_NAME, morph), SearchIndex(tmp_path / "whole.sqlite", morph)
    for text in ("office", "ICRC", "решение"):
        mine, theirs = a.search(text), b.search(text)
        assert mine.total and mine.facets == theirs.facets
        assert [(h.kind, h.iri, h.text, h.supports) for h in mine.hits] == [
            (h.kind, h.iri, h.text, h.supports) for h in theirs.hits]


def test_an_index_made_for_a_served_store_leaves_no_file_behind(store, tmp_path, monkeypatch):
    """``kg serve`` with extra files indexes the store it serves in a temporary file
    (SearchIndex.for_store). Its HTTP processes end without running atexit handlers, so the
    file is removed once opened: none is left, and the index answers from the open file."""
    import tempfile

    from kg.config import load_settings
    from kg.resources import load_resources
    from kg.search_index import SearchIndex

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings = load_settings()
    index = SearchIndex.for_store(store, settings.lexicon_dir,
                                  load_resources(settings.lexicon_dir, settings.ontology_dir).morph)
    assert not index.path.exists() and list(tmp_path.iterdir()) == []
    found = index.search("ICRC")
    assert found.total > 0 and found.hits[0].iri


def test_the_same_map_on_a_real_dask_cluster_builds_the_same_graph(tmp_path, store):
    """``--scheduler``: extraction and validation run on the workers of a real Dask cluster
    (a scheduler and two worker processes on this machine, over TCP)."""
    from distributed import LocalCluster

    from kg.pipeline import build

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = build(settings_for(tmp_path), publish=False, scheduler=cluster.scheduler_address)
    assert result.extracted == 5
    assert quads(result.store) == quads(store)


def test_an_unreachable_scheduler_stops_the_build_naming_it(tmp_path):
    from conftest import free_port, kg

    address = f"tcp://127.0.0.1:{free_port()}"
    proc = kg("build", "--scheduler", address, env={"KG_VAR": str(tmp_path / "var"), "KG_SCHEDULER_TIMEOUT": "2"},
              timeout=120)
    assert proc.returncode != 0
    assert address in proc.stderr and "nothing published" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "var" / "store").exists()


def test_a_document_failing_on_its_own_stops_the_build_or_is_left_out(tmp_path, corpus_copy):
    """A document whose own graph violates a shape on a node only it describes (here its
    extraction as stored in the cache quotes a passage wrongly, as a faulty extractor
    would): ``kg build`` stops naming it; with --keep-going it is left out, named, and the
    rest is built as without it."""
    from kg.artefacts import ArtefactCache, document_key
    from kg.pipeline import BuildFailed, build
    from kg.sources import load_corpus

    settings = settings_for(tmp_path, corpus_copy)
    build(settings, publish=False)
    parts = ArtefactCache(settings, "documents")
    doc = next(d for d in load_corpus(settings) if d.doc_id.startswith("003"))
    part = parts.get(document_key(doc, settings))
    exact = next(line for line in part.body.splitlines() if "#exact>" in line)
    part.body = part.body.replace(exact, exact.replace('"', '"not in the text: ', 1))
    parts.put(document_key(doc, settings), part)
    with pytest.raises(BuildFailed) as failed:
        build(settings, publish=False)
    assert "003_362a282f5771ddaf.txt" in str(failed.value)
    assert {f.shape for f in failed.value.report.violations} == {"kgsh:EvidenceTextShape"}
    kept = build(settings, publish=False, may_skip=True)
    assert list(kept.skipped) == ["003_362a282f5771ddaf.txt"]
    assert "kgsh:EvidenceTextShape" in kept.skipped["003_362a282f5771ddaf.txt"]
    assert {s.doc_id for s in kept.stats} == {p.name for p in corpus_copy.glob("*.txt")} - {doc.file_name}
    without = corpus_copy.parent / "without"
    shutil.copytree(corpus_copy, without)
    (without / doc.file_name).unlink()
    meta = json.loads((without / "metadata.json").read_text(encoding="utf-8"))
    del meta[doc.file_name]
    (without / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    # (the documents' parts as the first build made them: the build without it differs from the
    # one that left it out only in what it was given)
    assert quads(kept.store) == quads(build(settings_for(tmp_path / "w", without, cache_path=settings.cache_dir),
                                            publish=False).store)


def _ends(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` is gone or dead (a zombie) within ``within`` seconds. (Not
    ``Process.join``: the executor's own thread may reap it first, and the Process object
    then says it is alive.)"""
    import time

    import psutil

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_a_document_refused_beside_the_work_that_assumed_it_leaves_nothing_behind(tmp_path):
    """With a pool, a build goes on with the union's validation, the entailments and the
    search index while the documents' own validations run, as if none were refused. One
    that is (a passage quoted wrongly, as a faulty extractor would, and a node of two
    disjoint classes, which the reasoner refuses too) is what the build tells — the
    validation's refusal, as when it came first — and nothing is left behind: no build
    directory, no thread. With --keep-going it is left out and the rest alone published."""
    import multiprocessing
    import threading

    from kg.artefacts import ArtefactCache, document_key
    from kg.namespaces import KG, IRIs
    from kg.pipeline import BuildFailed, build
    from kg.sources import load_corpus

    sources = tmp_path / "sources"
    sources.mkdir()
    names = ["en_krcs_kenya.txt", "en_nrc_georgia.txt"]
    meta = json.loads((ROOT / "tests" / "documents" / "metadata.json").read_text(encoding="utf-8"))
    for name in names:
        shutil.copyfile(ROOT / "tests" / "documents" / name, sources / name)
    (sources / "metadata.json").write_text(json.dumps({n: meta[n] for n in names}), encoding="utf-8")
    # (two jobs: a pool on any machine; the data checked by the rules, the ontology once)
    settings = settings_for(tmp_path, sources, build_jobs=2, hermit_max_individuals=0)
    build(settings, publish=False)
    parts = ArtefactCache(settings, "documents")
    doc = next(d for d in load_corpus(settings) if d.file_name == names[0])
    part = parts.get(document_key(doc, settings))
    exact = next(line for line in part.body.splitlines() if "#exact>" in line)
    organisation = next(line for line in part.body.splitlines() if line.endswith(f"<{KG.Organisation}> ."))
    part.body = part.body.replace(exact, exact.replace('"', '"not in the text: ', 1)) + (
        organisation.replace(f"<{KG.Organisation}>", f"<{KG.Presence}>") + "\n")
    parts.put(document_key(doc, settings), part)

    steps: list[tuple] = []
    with pytest.raises(BuildFailed) as failed:
        build(settings, progress=lambda step, done, total: steps.append((step, done, total)))
    assert f"{names[0]}: the document's own graph violates a shape" in str(failed.value)
    assert "kgsh:EvidenceTextShape" in {f.shape for f in failed.value.report.violations}
    assert ("reasoning", 1, 1) in steps  # (the reasoner had its say beside the validation)
    assert not list((settings.var / "stores").glob("build-*")) and not (settings.var / "store").exists()
    assert not [t.name for t in threading.enumerate()
                if t.name.startswith(("search-index", "hermit"))]
    for process in multiprocessing.active_children():  # (the pool's, the index's: ended, not waited for)
        assert _ends(process.pid)

    kept = build(settings, may_skip=True)
    assert list(kept.skipped) == [names[0]] and kept.report.conforms
    assert [p.name for p in (settings.var / "stores").glob("build-*")] == [kept.store_path.name]
    store = ox.Store.read_only(str(kept.store_path))
    iris = IRIs(settings.base_iri)
    graphs = {g.value for g in store.named_graphs()}
    assert str(iris.document_graph(doc.doc_id)) not in graphs
    assert str(iris.document_graph(names[1].removesuffix(".txt"))) in graphs
    assert not list(store.quads_for_pattern(None, None, ox.Literal(doc.file_name)))


def test_the_rules_that_check_large_builds_find_what_makes_the_data_inconsistent(store):
    """Above the size HermiT checks, the data is checked by OWL 2 RL rules: an individual in
    two disjoint classes (through subclasses too), two values of a functional property."""
    from kg.ontology import load_ontology
    from kg.reasoning import inconsistencies
    from kg.store import GraphLoader

    ontology = load_ontology(ROOT / "ontology")
    copy = ox.Store()
    copy.bulk_load(ox.serialize(iter(store), format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    assert inconsistencies(copy, ontology) == []
    icrc, figure = ox.NamedNode(BASE + "id/organisation/icrc"), ox.NamedNode(BASE + "id/figure/x")
    kg_ = "https://w3id.org/humanitarian-kg/ontology#"
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    # written as a build writes a document's graph (its named graph and the union), two documents
    # each saying one thing: only together are they inconsistent
    loader = GraphLoader(copy)
    loader.add(BASE + "graph/document/a", ox.serialize([
        ox.Triple(icrc, ox.NamedNode(str(RDF.type)), ox.NamedNode(kg_ + "Office")),  # (a Presence)
        ox.Triple(figure, ox.NamedNode(kg_ + "value"), ox.Literal("3", datatype=integer))],
        format=ox.RdfFormat.N_TRIPLES))
    loader.add(BASE + "graph/document/b", ox.serialize([
        ox.Triple(figure, ox.NamedNode(kg_ + "value"), ox.Literal("4", datatype=integer))],
        format=ox.RdfFormat.N_TRIPLES))
    loader.flush()
    problems = inconsistencies(copy, ontology)
    assert any(p.startswith(icrc.value + " is both") and "Office" in p for p in problems), problems
    assert any(p.startswith(figure.value + " has two values") for p in problems), problems
    assert inconsistencies(copy, ontology, only={BASE + "id/organisation/azerbaijan-red-crescent-society"}) == []


def test_documents_validated_through_a_full_backlog_give_what_an_in_order_build_gives(tmp_path, monkeypatch):
    """With a pool, the documents' validations are fed to it as it takes them (by a thread,
    while the build goes on), at most a backlog at a time, the next waiting for a place. A
    backlog of one forces that wait at every document; the build reports and writes what a
    build with one job, every validation in order, does."""
    from kg.pipeline import _DocumentChecks, build

    sources = ROOT / "tests" / "documents"
    in_order = build(settings_for(tmp_path / "one", sources, build_jobs=1), publish=False)
    monkeypatch.setattr(_DocumentChecks, "_BACKLOG", 1)
    fed = build(settings_for(tmp_path / "fed", sources, build_jobs=2), publish=False)
    assert len(fed.doc_ids) == len(in_order.doc_ids) > 2
    assert fed.report.findings == in_order.report.findings and fed.report.findings
    assert quads(fed.store) == quads(in_order.store)


def _niceness_and_findings(ntriples: bytes, settings) -> tuple[int, list]:
    from kg.docgraph import validate_document_beside

    findings = validate_document_beside(ntriples, settings)
    validate_document_beside(ntriples, settings)  # (lowered once, not again)
    return os.nice(0), findings


def test_a_validation_the_build_does_not_wait_for_runs_at_a_lower_priority(store):
    """In a pool's process, a document's validation that goes on beside the build lowers the
    process's priority (once) and finds what the validation finds."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from kg.config import load_settings
    from kg.docgraph import BESIDE_NICENESS, validate_document

    settings = load_settings()
    graph = next(q.graph_name for q in store.quads_for_pattern(None, None, None, None)
                 if "/graph/document/" in getattr(q.graph_name, "value", ""))
    ntriples = ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                             for q in store.quads_for_pattern(None, None, None, graph)), format=ox.RdfFormat.N_TRIPLES)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        niceness, findings = pool.submit(_niceness_and_findings, ntriples, settings).result()
    assert niceness == min(os.nice(0) + BESIDE_NICENESS, 19)
    assert findings == validate_document(ntriples, settings)


@pytest.mark.parametrize("sources", [SOURCES, ROOT / "tests" / "corpus" / "dev"], ids=["first", "dev"])
def test_what_the_union_says_of_shared_nodes_is_gathered_from_the_graphs_as_the_store_gives_it(tmp_path, sources):
    """A document's validation reads what the union says of the nodes it shares with other
    documents (their types and literal values). Gathered from the documents' graphs as they
    are made (so that validations need not wait for the store), it is, byte for byte, what
    the written store gives; a document's full text is not in it."""
    from kg.artefacts import ArtefactCache
    from kg.namespaces import CNT, IRIs
    from kg.pipeline import _Corpus, _extract, _finish, _quiet, _SharedValues, _types_and_values, _Work, _write
    from kg.sources import corpus_files

    settings = settings_for(tmp_path, sources, build_jobs=1)
    corpus = _Corpus(settings, ArtefactCache(settings, "documents"))
    work = _Work(settings, None)
    _extract(settings, [f.load(settings) for f in corpus_files(settings)], corpus, work, _quiet, lambda *a: False)
    work.close()
    shared = {node for node, n in corpus.nodes.items() if n > 1}
    gathered = _SharedValues(shared)
    graphs = _finish(corpus, corpus.choose(), list(corpus.docs), gathered)
    known = gathered.known()
    store = ox.Store()
    _write(IRIs(settings.base_iri), corpus, graphs, store, _quiet)
    from_store: dict[str, bytes] = {}
    _types_and_values(store, shared, from_store)
    assert len(shared) > 20 and known.keys() == shared
    assert known == from_store
    lines = b"".join(known.values()).splitlines()
    assert any(b"> <" + str(RDF.type).encode() + b"> <" in line for line in lines)
    assert any(b'> "' in line and str(RDF.type).encode() not in line for line in lines)
    assert not any(str(CNT.chars).encode() in line for line in lines)


def test_documents_are_validated_while_the_store_is_written(tmp_path, monkeypatch):
    """With a pool, the documents' validations (every one of which shares a node with another
    document here) go on while the store is written: they do not wait for it."""
    import time

    import kg.pipeline as pipeline

    sources = ROOT / "tests" / "documents"
    finished_before: list[int] = []
    write = pipeline._write
    done = pipeline._DocumentChecks._done
    count = {"done": 0}

    def counted(self, item, findings):
        count["done"] += 1
        done(self, item, findings)

    def slow_write(*args, **kwargs):
        deadline = time.monotonic() + 20  # (ample: the first takes a second or two)
        while count["done"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        finished_before.append(count["done"])
        write(*args, **kwargs)

    monkeypatch.setattr(pipeline._DocumentChecks, "_done", counted)
    monkeypatch.setattr(pipeline, "_write", slow_write)
    result = pipeline.build(settings_for(tmp_path, sources, build_jobs=2), publish=False)
    assert finished_before and finished_before[0] > 0
    assert count["done"] == len(result.doc_ids) > 2
    # (the table lists the documents by name, whichever order the pool finished them in)
    names = [s.doc_id for s in result.stats]
    assert names == sorted(names) and len(names) == len(result.doc_ids)


def _broken_validation(ntriples: bytes, settings) -> list:
    raise RuntimeError("the validation broke")


def test_a_validation_that_fails_in_the_pool_stops_the_build_and_publishes_nothing(tmp_path, monkeypatch):
    """A document's validation that raises in the pool (fed by the build's thread) stops the
    build with its error; no store is published or left behind."""
    import kg.pipeline as pipeline

    settings = settings_for(tmp_path, ROOT / "tests" / "documents", build_jobs=2)
    monkeypatch.setattr(pipeline, "validate_document_beside", _broken_validation)
    with pytest.raises(RuntimeError, match="the validation broke"):
        pipeline.build(settings)
    stores = settings.var_dir / "stores"
    assert not (settings.var_dir / "store").exists()
    assert not stores.exists() or not any(p.name.startswith("build-") for p in stores.iterdir())


def test_a_build_lists_its_documents_by_file_name_whatever_order_they_were_done_in():
    """The build's table (full build, update, nothing changed) is listed by file name, not in
    the order the pool finished the documents."""
    from kg.pipeline import BuildResult, DocumentStats

    done = [DocumentStats(name, "en", 1, 2, 3) for name in ("c.txt", "a.txt", "b.txt")]
    assert [s.doc_id for s in BuildResult(doc_ids=["c", "a", "b"], stats=done).stats] == ["a.txt", "b.txt", "c.txt"]
