"""Normalised text keeps offsets into the original file."""

from __future__ import annotations

from kg.text import Text

from conftest import SOURCES


def test_every_token_maps_back_to_its_original_characters():
    for path in SOURCES.glob("*.txt"):
        text = Text(path.read_text(encoding="utf-8"))
        for tok in text.tokens:
            s, e = text.to_original(tok.start, tok.end)
            original = text.original[s:e]
            # one-for-one replacements only: same length, same letters
            assert len(original) == len(tok.text), (path.name, tok, original)
            assert all(a == b or not a.isalnum() for a, b in zip(original, tok.text)), (path.name, tok, original)


def test_pdf_line_wraps_are_joined_but_questions_stay_apart():
    text = Text((SOURCES / "002_3085d1d938f57e6c.txt").read_text(encoding="utf-8"))
    sentences = [text.norm[s.start:s.end] for s in text.sentences]
    # a sentence broken over blank lines by the PDF extraction is one sentence again
    assert any("2025-ci ilin sentyabr ayında ölkədəki ofisini bağlayacaq." in s for s in sentences)
    # a question ends its own sentence
    assert "BQXK Azərbaycandakı ofisini hansı səbəbə görə bağlayır?" in sentences


def test_unwrapped_text_keeps_its_line_breaks_as_boundaries():
    text = Text("Press release\n\nThe ICRC closes its office. It opened in 1992.")
    sentences = [text.norm[s.start:s.end] for s in text.sentences]
    assert sentences == ["Press release", "The ICRC closes its office.", "It opened in 1992."]


def test_offsets_are_code_points_not_bytes():
    original = "Азербайджан\u00a0— BQXK-nın ofisi"
    text = Text(original)
    tok = next(t for t in text.tokens if t.text == "BQXK")
    s, e = text.to_original(tok.start, tok.end)
    assert original[s:e] == "BQXK" and s == original.index("BQXK")


def test_spans_taken_answer_as_a_scan_of_every_span_would():
    """The finders' overlap and containment tests by position (kg.text.Spans) give what
    comparing the span with every taken span gives, overlapping taken spans included."""
    import random

    from kg.text import Spans

    rng = random.Random(7)
    taken = []
    for _ in range(60):
        s = rng.randrange(0, 190)
        taken.append((s, s + rng.randrange(1, 12)))
    spans = Spans(taken[:30], 150)  # the rest added later, some beyond the length given
    for s, e in taken[30:]:
        spans.add(s, e)
    for s in range(0, 205):
        for e in range(s + 1, min(s + 15, 210)):
            overlapping = [te for ts, te in taken if s < te and ts < e]
            assert spans.overlaps(s, e) == bool(overlapping), (s, e)
            assert spans.furthest_end(s, e) == max(overlapping, default=0), (s, e)
            assert spans.contain(s, e) == any(ts <= s and e <= te for ts, te in taken), (s, e)


def test_the_sentence_at_an_offset_is_found_by_position():
    from kg.annotate.sentences import SentenceView

    from conftest import extract

    x = extract(SOURCES / "002_3085d1d938f57e6c.txt")
    doc = x.doc
    for pos in range(0, len(doc.text.norm), 7):
        scanned = next((s for s in doc.sentences if s.start <= pos < s.end), None)
        assert doc.sentence_containing(pos) is scanned, pos
    for sent in doc.sentences:
        assert sent in doc.paragraph_sentences(sent.paragraph)
    assert [s for p in sorted({s.paragraph for s in doc.sentences}) for s in doc.paragraph_sentences(p)] == doc.sentences
    # a list of sentences given later (a tool's own) is indexed anew
    doc.sentences = [SentenceView(0, 5, doc.text.norm[:5])]
    assert doc.sentence_containing(3) is doc.sentences[0] and doc.sentence_containing(6) is None
