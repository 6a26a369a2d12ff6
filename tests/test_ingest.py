"""``kg ingest``: a readable document in a supported language is added and built; anything
else is refused with a clear message and changes nothing."""

from __future__ import annotations

import json

import pytest

from conftest import kg

GOOD = ("The International Committee of the Red Cross (ICRC) opened an office in Ganja in March 2022. "
        "Around 250 families received financial support from the ICRC.")


@pytest.fixture
def env(tmp_path, corpus_copy):
    return {"KG_VAR": str(tmp_path / "var"), "KG_SOURCES": str(corpus_copy)}


def _snapshot(sources):
    return {p.name: p.read_bytes() for p in sources.iterdir()}


def test_ingest_adds_and_builds(tmp_path, env, corpus_copy):
    doc = tmp_path / "icrc ganja note.txt"
    doc.write_text(GOOD, encoding="utf-8")
    proc = kg("ingest", str(doc), "--lang", "en", "--title", "ICRC in Ganja", "--date", "2022-03",
              "--publisher", "ICRC", env=env)
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((corpus_copy / "metadata.json").read_text(encoding="utf-8"))
    entry = meta["icrc_ganja_note.txt"]
    assert entry["language"] == "en" and entry["title"] == "ICRC in Ganja" and entry["date"] == "2022-03"
    out = kg("query", "SELECT ?v WHERE { GRAPH <http://localhost:8000/graph/document/icrc_ganja_note> "
                      "{ ?f <https://w3id.org/humanitarian-kg/ontology#value> ?v } }", "--format", "csv",
             env=env, check=True).stdout
    assert "250" in out


@pytest.mark.parametrize("data, lang, problem", [
    (GOOD.encode(), "fr", "language 'fr' is not supported"),
    ("Международный Комитет Красного Креста закрывает свою делегацию в стране и передает работу властям.".encode(),
     "en", "reads as 'ru'"),
    (b"\x00\x01\x02binary\x00", "en", "binary"),
    (b"", "en", "empty"),
    ("Caf\xe9".encode("latin-1"), "en", "not valid UTF-8"),
])
def test_ingest_refuses_and_changes_nothing(tmp_path, env, corpus_copy, data, lang, problem):
    doc = tmp_path / "bad.txt"
    doc.write_bytes(data)
    before = _snapshot(corpus_copy)
    proc = kg("ingest", str(doc), "--lang", lang, env=env)
    assert proc.returncode != 0
    assert "bad.txt" in proc.stderr and problem in proc.stderr, proc.stderr
    assert _snapshot(corpus_copy) == before


def test_ingest_missing_file(tmp_path, env, corpus_copy):
    before = _snapshot(corpus_copy)
    proc = kg("ingest", str(tmp_path / "nope.txt"), "--lang", "en", env=env)
    assert proc.returncode != 0 and "nope.txt" in proc.stderr
    assert _snapshot(corpus_copy) == before
