"""Nothing a document does can poison the corpus: every control character has a defined fate
before any store, reasoner or shape sees the text, and ``kg ingest`` is a transaction — the
sources, ``metadata.json`` and the published store change together or not at all, whatever
interrupts it. Real ``kg`` processes, real signals, a real store."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, copy_of_built, default_ctrl_c, kg

SENTENCES = [
    "The International Committee of the Red Cross (ICRC) opened an office in Ganja in March 2022.",
    "Around 250 families received financial support from the ICRC.",
    "The ICRC visited detainees in Baku.",
    "The Azerbaijan Red Crescent Society worked with the ICRC in Ganja.",
    "The ICRC supported the families of missing persons.",
    "The ICRC delegation in Baku opened in 1992.",
    "The ICRC and the Azerbaijan Red Crescent Society distributed food.",
    "The ICRC visited places of detention twice in 2023.",
]


def every_control() -> tuple[str, str]:
    """A document with each C0 control character but NUL, an ANSI colour code and U+FFFE and
    U+FFFF between its sentences; and the text ``kg ingest`` must store for it (written here
    from the rules, not by the code under test): tab, line feed and carriage return kept,
    form feed and vertical tab made line breaks, colour codes and everything else removed."""
    controls = [chr(c) for c in range(1, 32) if c != 0x1B] + ["\x1b[1;31m", "\x1b", "\ufffe", "\uffff"]
    given, stored = [], []
    for i, sentence in enumerate(SENTENCES):
        given.append(sentence)
        stored.append(sentence)
        for c in controls[i::len(SENTENCES)]:
            given.append(c)
            stored.append(c if c in "\t\n\r" else "\n" if c in "\f\v" else "")
        given.append(" ")
        stored.append(" ")
    # more text around them, as in a real document (one character in a hundred that is not
    # text makes a file binary)
    more = "\n" + " ".join(SENTENCES * 7) + "\n"
    return "".join(given) + more, "".join(stored) + more


@pytest.fixture
def env(tmp_path, corpus_copy, built):
    var = tmp_path / "var"
    return {"KG_VAR": str(var), "KG_SOURCES": str(corpus_copy)}


def snapshot(sources: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(sources.iterdir())}


def published(env) -> Path | None:
    link = Path(env["KG_VAR"]) / "store"
    return link.resolve() if link.exists() else None


def test_a_document_with_every_control_character_is_stored_normalised_and_builds(tmp_path, env, corpus_copy):
    given, expected = every_control()
    doc = tmp_path / "controls.txt"
    doc.write_text(given, encoding="utf-8")
    proc = kg("ingest", str(doc), "--lang", "en", "--date", "2022-03", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "normalised" in proc.stdout + proc.stderr
    stored = (corpus_copy / "controls.txt").read_bytes()
    assert stored == expected.encode("utf-8")
    assert not [c for c in stored.decode() if unicodedata.category(c) == "Cc" and c not in "\t\n\r"]
    meta = json.loads((corpus_copy / "metadata.json").read_text(encoding="utf-8"))["controls.txt"]
    assert meta["sha256"] == hashlib.sha256(stored).hexdigest()
    assert meta["original_sha256"] == hashlib.sha256(given.encode("utf-8")).hexdigest()
    assert "U+001B" in meta["normalised"] and "U+FFFF" in meta["normalised"] and "line break" in meta["normalised"]
    # built and published: every quote is the stored file's text at its offsets
    out = kg("query", """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?start ?end ?exact WHERE { GRAPH <http://localhost:8000/graph/document/controls> {
          ?ev oa:hasSelector ?pos, ?quote . ?pos oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact } }""",
             "--format", "json", env=env, check=True).stdout
    rows = json.loads(out)["results"]["bindings"]
    assert len(rows) >= 5
    text = stored.decode("utf-8")
    for r in rows:
        assert text[int(r["start"]["value"]):int(r["end"]["value"])] == r["exact"]["value"]


def test_a_nul_character_is_refused_and_nothing_changes(tmp_path, env, corpus_copy):
    doc = tmp_path / "nul.txt"
    doc.write_text(SENTENCES[0] + "\x00 " + SENTENCES[1], encoding="utf-8")
    before = snapshot(corpus_copy)
    proc = kg("ingest", str(doc), "--lang", "en", env=env)
    assert proc.returncode != 0 and "nul.txt" in proc.stderr and "NUL" in proc.stderr, proc.stderr
    assert snapshot(corpus_copy) == before and published(env) is None


def test_metadata_with_a_control_character_is_refused(tmp_path, env, corpus_copy):
    doc = tmp_path / "titled.txt"
    doc.write_text(" ".join(SENTENCES), encoding="utf-8")
    before = snapshot(corpus_copy)
    proc = kg("ingest", str(doc), "--lang", "en", "--title", "A \x1b[31mred\x1b[0m title", env=env)
    assert proc.returncode != 0 and "title" in proc.stderr and "U+001B ESC" in proc.stderr, proc.stderr
    assert snapshot(corpus_copy) == before


def test_the_build_refuses_a_source_with_a_control_character_naming_it(tmp_path, env, corpus_copy, built):
    """A file put into the sources by hand is not rewritten: it is refused, with where the
    character is and what to do."""
    copy_of_built(built, Path(env["KG_VAR"]))  # (the sources as built)
    before = published(env)
    name = "zz_escape.txt"
    text = SENTENCES[0] + "\n" + SENTENCES[1] + "\x1b[31m " + SENTENCES[2]
    (corpus_copy / name).write_text(text, encoding="utf-8")
    meta = json.loads((corpus_copy / "metadata.json").read_text(encoding="utf-8"))
    meta[name] = {"language": "en", "title": "Escape", "kind": "Article", "publisher": "Test", "date": "2025"}
    (corpus_copy / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    proc = kg("build", env=env)
    assert proc.returncode != 0
    assert name in proc.stderr and "U+001B" in proc.stderr and "line 2" in proc.stderr, proc.stderr
    assert "kg ingest" in proc.stderr and "nothing published" in proc.stderr
    assert published(env) == before


def test_literals_handed_to_hermit_are_never_malformed():
    """Defence in depth: whatever a literal holds, the OWL check reads it (a character XML
    cannot carry is replaced for HermiT's copy), and a failure of the reasoner itself is a
    refusal naming it, not a Java traceback."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF

    from kg.config import Settings
    from kg.ontology import load_ontology
    from kg.validate import owl_check

    oa = Namespace("http://www.w3.org/ns/oa#")
    g = Graph()
    for i, bad in enumerate(("a\x1b[31mb", "c\uffffd", "e\x07f\x0cg", "h\ud7ffi")):
        quote = URIRef(f"http://localhost:8000/id/evidence/x/{i}#quote")
        g.add((quote, RDF.type, oa.TextQuoteSelector))
        g.add((quote, oa.exact, Literal(bad)))
    seconds, individuals = owl_check(g, load_ontology(Settings().ontology_dir))
    assert individuals >= 4


# -- ingest as a transaction -------------------------------------------------------------------

GOOD = " ".join(SENTENCES)


def start_ingest(doc: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", str(doc), "--lang", "en"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=default_ctrl_c)


def wait_until_rebuilding(proc: subprocess.Popen, sources: Path, name: str, timeout: float = 60) -> None:
    """Until the ingest has written the document and is rebuilding."""
    deadline = time.monotonic() + timeout
    while not (sources / name).exists():
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the ingest never started its rebuild"
        time.sleep(0.05)
    time.sleep(0.5)  # well into the rebuild (extraction, validation and reasoning take seconds)
    assert proc.poll() is None


def in_store(env: dict, name: str) -> bool:
    out = kg("query", f"ASK {{ GRAPH <http://localhost:8000/graph/document/{name.removesuffix('.txt')}> "
                      "{ ?s ?p ?o } }", "--format", "csv", env=env, check=True).stdout
    return "true" in out


def in_metadata(sources: Path, name: str) -> bool:
    return name in json.loads((sources / "metadata.json").read_text(encoding="utf-8"))


@pytest.fixture
def corpus(tmp_path, env, corpus_copy, built) -> dict:
    """A built corpus of its own (a copy of the session's build of the same sources), and a
    good document to add to it."""
    copy_of_built(built, Path(env["KG_VAR"]))
    doc = tmp_path / "news.txt"
    doc.write_text(GOOD, encoding="utf-8")
    return {"env": env, "sources": corpus_copy, "doc": doc, "before": snapshot(corpus_copy),
            "store": published(env)}


def test_an_ingest_killed_mid_rebuild_is_rolled_back_by_the_next_build(corpus):
    """kill -9 of ``kg ingest`` while it rebuilds: the next build undoes the half-done ingest
    (the document and its metadata go) before it reads the sources, and publishes a store
    without it."""
    proc = start_ingest(corpus["doc"], corpus["env"])
    wait_until_rebuilding(proc, corpus["sources"], "news.txt")
    proc.kill()
    proc.wait(10)
    assert published(corpus["env"]) == corpus["store"]  # killed before its build was published
    build = kg("build", env=corpus["env"], check=True)
    assert "news.txt" in build.stdout + build.stderr and "rolled back" in build.stdout + build.stderr
    assert snapshot(corpus["sources"]) == corpus["before"]
    assert not in_store(corpus["env"], "news.txt")


def test_an_ingest_interrupted_by_ctrl_c_changes_nothing(corpus):
    proc = start_ingest(corpus["doc"], corpus["env"])
    wait_until_rebuilding(proc, corpus["sources"], "news.txt")
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=60)[0]
    assert proc.returncode != 0
    assert "news.txt" in out and "not ingested" in out, out[-2000:]
    assert snapshot(corpus["sources"]) == corpus["before"]
    assert published(corpus["env"]) == corpus["store"]


def test_a_build_started_during_an_ingest_waits_and_then_rolls_it_back_if_it_died(corpus):
    """A second ``kg build`` while an ingest rebuilds waits for it (one build at a time); when
    the ingest is killed, that build undoes it and publishes the corpus without it."""
    proc = start_ingest(corpus["doc"], corpus["env"])
    wait_until_rebuilding(proc, corpus["sources"], "news.txt")
    second = subprocess.Popen([sys.executable, "-m", "kg.cli", "build"], cwd=ROOT,
                              env={**os.environ, **corpus["env"]}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    # kill the ingest only once the second build says it waits (however slow its start)
    head = []
    for line in second.stdout:
        head.append(line)
        if "waiting" in line:
            break
    proc.kill()
    proc.wait(10)
    out = "".join(head) + second.communicate(timeout=240)[0]
    assert second.returncode == 0, out[-3000:]
    assert "waiting" in out and "rolled back" in out, out[-3000:]
    assert snapshot(corpus["sources"]) == corpus["before"]
    assert not in_store(corpus["env"], "news.txt")


def test_a_build_started_during_an_ingest_waits_for_it(corpus):
    proc = start_ingest(corpus["doc"], corpus["env"])
    wait_until_rebuilding(proc, corpus["sources"], "news.txt")
    build = kg("build", env=corpus["env"])
    out = proc.communicate(timeout=240)[0]
    assert proc.returncode == 0 and build.returncode == 0, out + build.stderr
    assert "waiting" in build.stderr
    assert (corpus["sources"] / "news.txt").exists() and in_metadata(corpus["sources"], "news.txt")
    assert in_store(corpus["env"], "news.txt")


# -- what kg ingest is given -------------------------------------------------------------------

def test_devices_fifos_and_directories_are_refused_at_once(tmp_path, env, corpus_copy):
    """``kg ingest`` reads a regular file, and no further than its size limit: /dev/zero is
    not read to its (missing) end, a FIFO is not waited on."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(50_000_000)  # sparse: 50 MB of NULs, over the 5 MB limit
    before = snapshot(corpus_copy)
    empty = tmp_path / "empty folder"
    empty.mkdir()
    for path, problem in (("/dev/zero", "is a device, not a regular file"),
                          (fifo, "is a FIFO (named pipe), not a regular file"),
                          (empty, "no files"),  # (a folder stands for the files in it)
                          (big, "more than the limit of 5000000 bytes")):
        started = time.monotonic()
        proc = kg("ingest", str(path), "--lang", "en", env=env, timeout=60)
        assert proc.returncode != 0 and problem in proc.stderr, (path, proc.stderr)
        assert time.monotonic() - started < 20
    assert snapshot(corpus_copy) == before


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13", "2023-00-10", "2023-1-1", "0000", "yesterday"])
def test_an_impossible_date_is_refused_in_one_line(tmp_path, env, corpus_copy, bad):
    doc = tmp_path / "dated.txt"
    doc.write_text(GOOD, encoding="utf-8")
    before = snapshot(corpus_copy)
    proc = kg("ingest", str(doc), "--lang", "en", "--date", bad, env=env)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert repr(bad) in proc.stderr and "not a real date" in proc.stderr
    assert snapshot(corpus_copy) == before
