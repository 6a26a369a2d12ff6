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
