"""Bad documents stop ``kg build`` with a message naming the file and the problem,
and the store built before keeps serving."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from conftest import SOURCES, Server, copy_of_built, kg

ASK = "ASK { ?s ?p ?o }"

BAD_DOCUMENTS = {
    "empty": (b"", "en", "the file is empty"),
    "binary": (bytes(range(256)) * 8, "en", "binary"),
    "invalid-utf8": ("Le Comité a fermé son bureau à Bakou.".encode("latin-1"), "en", "not valid UTF-8"),
    "unsupported-language": ("Le Comité international de la Croix-Rouge a fermé sa délégation.".encode(), "fr",
                             "language 'fr' is not supported"),
    "wrong-language": ("Le Comité international de la Croix-Rouge a fermé sa délégation en Azerbaïdjan "
                       "et les activités ont été confiées aux autorités nationales pour les familles.".encode(),
                       "en", "reads as 'fr'"),
}


@pytest.fixture(scope="module")
def live(tmp_path_factory, built):
    """A good store, built (a copy of the session's build of the same sources) and served,
    that bad builds must leave alone."""
    var = tmp_path_factory.mktemp("var-bad")
    sources = tmp_path_factory.mktemp("src") / "sources"
    shutil.copytree(SOURCES, sources)
    env = {"KG_VAR": str(var), "KG_SOURCES": str(sources)}
    copy_of_built(built, var)
    srv = Server(env)
    yield {"env": env, "var": var, "sources": sources, "server": srv}
    srv.stop()


def _add_document(sources, name: str, data: bytes, lang: str) -> None:
    (sources / name).write_bytes(data)
    meta = json.loads((sources / "metadata.json").read_text(encoding="utf-8"))
    meta[name] = {"language": lang, "title": "A test document", "kind": "Article",
                  "publisher": "Test", "date": "2025"}
    (sources / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")


def _remove_document(sources, name: str) -> None:
    (sources / name).unlink(missing_ok=True)
    meta = json.loads((sources / "metadata.json").read_text(encoding="utf-8"))
    meta.pop(name, None)
    (sources / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_bad_document_stops_the_build_and_the_old_store_serves(live, case):
    data, lang, problem = BAD_DOCUMENTS[case]
    name = f"zz_{case}.txt"
    before = (live["var"] / "store").resolve()
    _add_document(live["sources"], name, data, lang)
    try:
        proc = kg("build", env=live["env"])
    finally:
        _remove_document(live["sources"], name)
    assert proc.returncode != 0
    assert name in proc.stderr and problem in proc.stderr, proc.stderr
    assert "nothing published" in proc.stderr
    # the published store is untouched and the running server still answers
    assert (live["var"] / "store").resolve() == before
    assert not [p for p in (live["var"] / "stores").iterdir() if p.resolve() != before and p.stat().st_mtime > before.stat().st_mtime]
    resp = live["server"].sparql(ASK)
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def test_document_without_metadata_is_named(live):
    name = "zz_no_metadata.txt"
    (live["sources"] / name).write_text("The ICRC visited detainees.", encoding="utf-8")
    try:
        proc = kg("build", env=live["env"])
    finally:
        (live["sources"] / name).unlink()
    assert proc.returncode != 0 and name in proc.stderr and "metadata" in proc.stderr


def test_a_good_new_document_is_built_and_published(live):
    name = "zz_good.txt"
    _add_document(live["sources"], name,
                  "The International Committee of the Red Cross (ICRC) and the Azerbaijan Red Crescent "
                  "Society worked together in Baku for many years.".encode(), "en")
    before = (live["var"] / "store").resolve()
    try:
        kg("build", env=live["env"], check=True)
        after = (live["var"] / "store").resolve()
        assert after != before
        # the running server picks up the new store without a restart
        resp = live["server"].sparql(
            "ASK { GRAPH <http://localhost:8000/graph/document/zz_good> "
            "{ <http://localhost:8000/id/organisation/icrc> ?p ?o } }")
        assert resp.json()["boolean"] is True
        # and so does the default graph, first from disk, then from the new build in memory
        ask_default = ("ASK {{ ?e <https://w3id.org/humanitarian-kg/ontology#hasEvidence> ?ev{n} . "
                       "?ev{n} <http://www.w3.org/ns/oa#hasSource> <http://localhost:8000/id/document/zz_good> }}")
        lanes = []
        for attempt in range(40):
            resp = live["server"].sparql(ask_default.format(n=attempt))  # (a new shape: never the fast lane)
            assert resp.json()["boolean"] is True
            time.sleep(0.5)
            lanes.append(live["server"].log.read_text().rsplit("lane=", 1)[1].split()[0])
            if lanes[-1] == "memory":
                break
        assert lanes[-1] == "memory", lanes
    finally:
        _remove_document(live["sources"], name)
        kg("build", env=live["env"], check=True)
