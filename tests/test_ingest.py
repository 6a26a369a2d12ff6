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


def test_ingest_takes_a_folder_detects_languages_and_leaves_out_what_is_not_text(tmp_path, env, corpus_copy):
    """Several documents in one rebuild: a folder's text files go in, each language read from
    its text and said; a PDF (all ASCII), a .docx, an old binary Office file are named with
    how to convert them, and left out; the others go in all the same."""
    import io
    import zipfile

    folder = tmp_path / "incoming"
    (folder / "more").mkdir(parents=True)
    (folder / "ganja.txt").write_text(GOOD, encoding="utf-8")
    (folder / "more" / "baku.txt").write_text(
        "Международный Комитет Красного Креста открыл офис в Баку в марте 2023 года. "
        "Около 300 семей получили помощь от МККК.", encoding="utf-8")
    (folder / "report.txt").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    (folder / "letter.txt").write_bytes(docx.getvalue())
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    before = _snapshot(corpus_copy)
    proc = kg("ingest", str(folder), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "ganja.txt: language detected: en" in proc.stderr and "baku.txt: language detected: ru" in proc.stderr
    assert "report.txt: the file is a PDF document" in proc.stderr and "pdftotext" in proc.stderr
    assert "letter.txt: the file is a Word document (.docx)" in proc.stderr and "libreoffice" in proc.stderr
    assert "old.doc: the file is an OLE2 office document" in proc.stderr
    assert "3 of 5 file(s) not ingested" in proc.stderr
    meta = json.loads((corpus_copy / "metadata.json").read_text(encoding="utf-8"))
    assert meta["ganja.txt"]["language"] == "en" and meta["baku.txt"]["language"] == "ru"
    assert set(_snapshot(corpus_copy)) == set(before) | {"ganja.txt", "baku.txt"}
    for doc in ("ganja", "baku"):
        out = kg("query", f"ASK {{ GRAPH <http://localhost:8000/graph/document/{doc}> {{ ?s ?p ?o }} }}",
                 "--format", "csv", env=env, check=True).stdout
        assert "true" in out


def test_ingest_of_a_pdf_alone_is_refused_in_one_line(tmp_path, env, corpus_copy):
    pdf = tmp_path / "annual report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    before = _snapshot(corpus_copy)
    proc = kg("ingest", str(pdf), "--lang", "en", env=env)
    assert proc.returncode != 0
    assert "annual report.pdf" in proc.stderr and "PDF document" in proc.stderr and "pdftotext" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert _snapshot(corpus_copy) == before


def test_ctrl_c_during_a_parallel_rebuild_ends_it_and_its_workers_and_changes_nothing(tmp_path, env, corpus_copy):
    """Ctrl-C in a terminal reaches the whole process group — the ingest and its pool of
    workers: it ends within seconds, no worker is left, and the corpus is as it was."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from conftest import DEV_CORPUS, ROOT, children_of, default_ctrl_c

    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in sorted(DEV_CORPUS.glob("*.txt"))[:8]:
        shutil.copyfile(path, folder / path.name)
    before = _snapshot(corpus_copy)
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", str(folder), "--jobs", "2"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, preexec_fn=default_ctrl_c)
    deadline = time.monotonic() + 120
    while not any(n.endswith(".txt") and n not in before for n in os.listdir(corpus_copy)):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    while len(children_of(proc.pid)) < 2 and time.monotonic() < deadline:  # the pool is up
        time.sleep(0.05)
    workers = children_of(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    started = time.monotonic()
    out = proc.communicate(timeout=60)[0]
    assert time.monotonic() - started < 15
    assert proc.returncode != 0 and "interrupted; nothing changed" in out, out[-2000:]
    assert _snapshot(corpus_copy) == before
    time.sleep(0.5)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}") and
                open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
