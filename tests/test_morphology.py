"""Word matching by language (kg.morphology): the index a finder looks words up by finds
what trying every listed word would find, on the real lists and the real documents."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from kg.datafile import load_yaml
from kg.namespaces import PR
from kg.resources import load_resources
from kg.text import tokenize

LEXICON = ROOT / "data" / "lexicon"


@pytest.fixture(scope="module")
def resources():
    return load_resources(LEXICON, ROOT / "ontology")


def _document_words(lang: str) -> list[str]:
    words: set[str] = set()
    for folder in (ROOT / "data" / "sources", ROOT / "tests" / "corpus" / "dev"):
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.txt")):
            if meta.get(path.name, {}).get("language", path.name.split("_")[1]) == lang:
                words.update(w for w in re.findall(r"\w+", path.read_text(encoding="utf-8")))
    return sorted(words)


def _listed(resources, lang: str) -> list[str]:
    """First words of real lists: situations' nouns, principles' terms, and every tenth
    trigger term (all of them would make the scan below take minutes)."""
    situations = load_yaml(LEXICON / "situations.yaml")
    out = [tokenize(str(n))[0] for kind in ("conflict", "situation") for n in situations.get(kind, {}).get(lang, [])]
    out += [t[0] for _, t in resources.scheme_terms("principles.ttl", str(PR))
            .get(lang, []) if t]
    triggers = load_yaml(LEXICON / "triggers.yaml")
    out += [tokenize(str(t))[0] for by_lang in triggers.values() for t in by_lang.get(lang, [])][::10]
    return list(dict.fromkeys(w for w in out if w))


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_first_words_finds_what_trying_every_listed_word_finds(resources, lang):
    morph = resources.morph
    listed = tuple((w, last) for w in _listed(resources, lang) for last in (True, False))
    assert len(listed) > 40
    index = morph.first_words(lang, listed)
    words = _document_words(lang)
    assert len(words) > 500
    found = 0
    for word in words:
        expected = tuple(n for n, (lw, last) in enumerate(listed) if morph.matches(lang, lw, word, last))
        assert index.of(word) == expected, word
        assert index.of(word) == expected, word  # (remembered: the same answer)
        found += bool(expected)
    assert found > 20  # (the lists do occur in the documents)
    assert morph.first_words(lang, listed) is index  # made once


def test_first_words_forgets_past_its_bound_and_still_answers(resources):
    morph = resources.morph
    index = morph.first_words("ru", (("конфликт", True), ("войн", True)))
    index.MEMORY = 3
    words = ["конфликта", "войной", "мир", "конфликтом", "война", "дом"]
    for word in words * 2:
        assert index.of(word) == ((0,) if word.startswith("конфликт") else (1,) if word.startswith("войн") else ())
        assert len(index) <= 3  # (words remembered)
