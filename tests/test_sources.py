"""The source documents are byte-for-byte copies, and bad documents are refused clearly."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from kg.config import Settings
from kg.sources import SourceError, decode_text, load_corpus

from conftest import ROOT, SOURCES

SHARED_README = ROOT.parent / "shared" / "sources" / "README.md"


def expected_sums() -> dict[str, str]:
    """SHA-256 sums as published beside the originals (or, without them, in metadata.json)."""
    if SHARED_README.exists():
        text = SHARED_README.read_text(encoding="utf-8")
        return {name: digest for digest, name in re.findall(r"^([0-9a-f]{64})\s+(\S+\.txt)$", text, re.M)}
    meta = json.loads((SOURCES / "metadata.json").read_text(encoding="utf-8"))
    return {name: m["sha256"] for name, m in meta.items()}


def test_copies_match_published_sha256():
    sums = expected_sums()
    assert len(sums) == 5
    for name, digest in sums.items():
        assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == digest, name


def test_metadata_describes_every_document():
    meta = json.loads((SOURCES / "metadata.json").read_text(encoding="utf-8"))
    files = {p.name for p in SOURCES.glob("*.txt")}
    assert set(meta) == files
    assert {m["language"] for m in meta.values()} == {"en", "ru", "az"}
    for m in meta.values():
        assert m["title"] and m["publisher"] and m["kind"] and re.fullmatch(r"\d{4}(-\d\d){0,2}", m["date"])


def test_corpus_loads_with_original_text():
    docs = load_corpus(Settings(root=ROOT))
    assert [d.file_name for d in docs] == sorted(p.name for p in SOURCES.glob("*.txt"))
    for d in docs:
        assert d.text == (SOURCES / d.file_name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_decode_refuses_bad_bytes(data, problem):
    with pytest.raises(SourceError) as err:
        decode_text(Path("bad.txt"), data, 1_000_000)
    assert problem in str(err.value) and "bad.txt" in str(err.value)


def test_edited_copy_is_refused(tmp_path, corpus_copy):
    target = corpus_copy / "003_362a282f5771ddaf.txt"
    target.write_bytes(target.read_bytes().replace(b"Barda", b"Bardo"))
    with pytest.raises(SourceError) as err:
        load_corpus(Settings(root=ROOT, sources_dir=corpus_copy))
    assert "003_362a282f5771ddaf.txt" in str(err.value) and "SHA-256" in str(err.value)


def test_the_utf8_look_for_controls_finds_exactly_what_the_text_look_finds():
    """A clean source is passed by one search of its bytes (kg.sources.holds_only_text); it
    must pass exactly the characters first_control passes: every code point is tried."""
    from kg.sources import first_control, holds_only_text

    differ = [hex(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
              and holds_only_text(chr(c).encode("utf-8")) != (first_control(chr(c)) is None)]
    assert not differ, differ[:20]
    # and inside text, wherever it stands
    assert not holds_only_text("Бакы\u0085 office".encode("utf-8"))
    assert holds_only_text("Bakı ofisi \U0001F600 \uFFFD".encode("utf-8"))
