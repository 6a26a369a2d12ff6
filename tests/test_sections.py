"""A long document is read in sections (kg.text.sections), in parallel in a build: the same
claims as read section after section, every passage where it stands in the whole file, and
what only the document's opening says said once."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import DEV_CORPUS, ROOT


def _long_text() -> str:
    """Real text: the development corpus's English documents, one after another."""
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in sorted(DEV_CORPUS.glob("*_en_*.txt"))) + "\n"


def _document(text: str, doc_id: str = "long_en", date: str = ""):
    from kg.sources import Document

    return Document(doc_id=doc_id, file_name=f"{doc_id}.txt", language="en", title="", kind="Report",
                    publisher="", date=date, date_as_stated="", text=text,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _resources():
    from kg.resources import load_resources

    return load_resources(ROOT / "data" / "lexicon", ROOT / "ontology")


def _long_and_short(tmp_path: Path):
    """Settings of a build of the long document (cut every 2,000 characters) and a short
    Russian one, in two processes; and the short one's file."""
    from kg.config import load_settings

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "long_en.txt").write_text(_long_text(), encoding="utf-8")
    short = sorted(DEV_CORPUS.glob("*_ru_*.txt"))[0]
    (sources / short.name).write_bytes(short.read_bytes())
    (sources / "metadata.json").write_text(json.dumps({"long_en.txt": {"language": "en"},
                                                       short.name: {"language": "ru"}}), encoding="utf-8")
    settings = replace(load_settings(var_dir=tmp_path / "var", sources_dir=sources), section_chars=2000,
                       build_jobs=2)
    return settings, short


def test_sections_cover_the_text_and_end_where_paragraphs_end():
    from kg.text import sections

    text = _long_text()
    cuts = sections(text, 2000)
    assert len(cuts) >= 5
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:]))  # no gap, no overlap
    assert all(end - start >= 2000 for start, end in cuts)
    for start, end in cuts[:-1]:
        # at a blank line when one comes within half a section, else at a line's end
        blank = re.compile(r"\n[^\S\n]*\n").search(text, start + 2000, start + 3000)
        assert re.search(r"\n[^\S\n]*\n\s*$" if blank else r"\n\s*$", text[:end]), f"cut inside a paragraph at {end}"
    # a short text is one section; 0 never cuts; a text without line breaks is cut at a
    # sentence's end, and one without those at a space
    assert sections(text[:3999], 2000) == [(0, 3999)]
    assert sections(text, 0) == [(0, len(text))]
    prose = "The delegation opened. " * 500
    assert all(prose[end - 2:end] == ". " for _, end in sections(prose, 2000)[:-1])
    words = "word " * 2000
    assert all(words[end - 1] == " " for _, end in sections(words, 2000)[:-1])


def test_a_section_gives_offsets_into_the_whole_file():
    from kg.text import Text, sections

    text = _long_text()
    start, end = sections(text, 2000)[2]
    whole, part = Text(text), Text(text, start, end)
    assert part.norm == Text(text[start:end]).norm
    for token in part.tokens[::50]:
        s, e = part.to_original(token.start, token.end)
        assert start <= s < e <= end
        assert text[s:e] == part.exact(token.start, token.end)
    # the same word, where the whole text's reading finds it
    assert {part.to_original(t.start, t.end) for t in part.tokens} <= {whole.to_original(t.start, t.end)
                                                                        for t in whole.tokens}


def test_later_sections_take_the_opening_s_context_and_say_nothing_of_the_document():
    from kg.annotate.doc import DocumentContext
    from kg.annotate.sentences import Focus
    from kg.extraction import context_of, extract_document
    from kg.text import sections

    document = _document(_long_text(), date="2005-03-01")
    cuts = sections(document.text, 2000)
    opening = extract_document(document, _resources(), cuts[0])
    context = context_of(opening)
    # (the first of the documents: about the ICRC in Iraq, its headline says)
    assert context == DocumentContext("2005-03-01", Focus("organisation/icrc", "place/iraq"))
    assert any(c.predicate == "dcterms:title" for c in opening.claims if c.subject == "document/long_en")
    given = DocumentContext("1999-05-04", Focus("organisation/wfp", None))
    later = extract_document(document, _resources(), cuts[3], given)
    assert later.doc.focus == given.focus
    assert later.doc.facts["reference_date"] == "1999-05-04"
    assert not [c for c in later.claims if c.subject == "document/long_en"]


def test_a_long_document_read_in_sections_keeps_its_passages_and_most_of_its_claims():
    from kg.extraction import extract_document, extract_in_sections

    document = _document(_long_text())
    whole = extract_document(document, _resources())
    parts = extract_in_sections(document, _resources(), 2000)
    for claim in parts.claims:
        for ev in claim.evidence:
            assert document.text[ev.start:ev.end] == ev.exact
            assert document.text[max(0, ev.start - 32):ev.start] == ev.prefix
            assert document.text[ev.end:ev.end + 32] == ev.suffix
    said, said_in_parts = {c.triple for c in whole.claims}, {c.triple for c in parts.claims}
    # (what differs is what a reader needs more than a few pages for, or whom the later
    # documents of this made-up one are about: the first's organisation, in both readings)
    assert len(said & said_in_parts) >= 0.9 * len(said)
    assert len(said_in_parts - said) <= 0.1 * len(said)
    document_facts = lambda claims: {c.triple for c in claims if c.subject == "document/long_en"}  # noqa: E731
    assert document_facts(parts.claims) == document_facts(whole.claims)


def test_a_build_reads_a_long_document_s_sections_in_parallel_as_in_order(tmp_path: Path):
    """The build's pool reads the sections (the opening one first, here), beside a short
    document; the long document's graph is the one the in-order reading gives."""
    import pyoxigraph as ox

    from kg.ontology import load_ontology
    from kg.pipeline import build, extract_corpus

    settings, _ = _long_and_short(tmp_path)
    result = build(settings, publish=False)
    assert result.report.conforms
    graph = settings.base_iri + "graph/document/long_en"
    built = sorted(str(q.triple) for q in result.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    _, _, ds = extract_corpus(settings, load_ontology(settings.ontology_dir))
    reference = ox.Store()
    reference.bulk_load(ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    in_order = sorted(str(q.triple) for q in reference.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    assert len(built) > 1000
    assert built == in_order


def test_a_section_that_fails_names_its_document_which_may_be_left_out(tmp_path: Path, monkeypatch):
    """Extraction raising on one later section (in the pool) stops the build naming the
    document, as a whole document's failure does; with --keep-going it is left out and the
    other document is built."""
    import kg.docgraph
    from kg.pipeline import BuildFailed, build
    from kg.text import sections

    third = sections(_long_text(), 2000)[2]
    real = kg.docgraph.extract_document

    def failing(document, resources, section=None, context=None):
        if section == third:
            raise ValueError("a fault in the third section")
        return real(document, resources, section, context)

    monkeypatch.setattr(kg.docgraph, "extract_document", failing)  # (the pool's processes fork with it)
    settings, short = _long_and_short(tmp_path)
    with pytest.raises(BuildFailed, match=r"long_en\.txt: extraction failed: ValueError: a fault in the third section"):
        build(settings, publish=False)
    kept = build(settings, publish=False, may_skip=True)
    assert list(kept.skipped) == ["long_en.txt"]
    assert [s.doc_id for s in kept.stats] == [short.name]
