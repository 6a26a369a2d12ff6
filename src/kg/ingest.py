"""Adding a document to the corpus: checked first, so a refused file changes nothing; then
added and built as one transaction (kg.transaction)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .config import SUPPORTED_LANGUAGES, Settings
from .sources import (SourceError, check_date, check_language, decode_text, metadata_json, normalise,
                      read_document, read_metadata, validate_metadata)
from .text import detect_language

KINDS = ("PressRelease", "FAQ", "ActivityReport", "ProgrammePage", "Article")


def _doc_name(path: Path, existing: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._-") or "document"
    name = f"{stem}.txt"
    n = 2
    while name in existing:
        name = f"{stem}_{n}.txt"
        n += 1
    return name


@dataclass(frozen=True)
class Addition:
    """A document ready to join the corpus: checked, nothing written yet."""

    name: str  # its file name in the sources
    data: bytes  # what the sources will hold (its text normalised: see kg.sources.normalise)
    entry: dict  # its metadata
    detected: str | None = None  # the language read from the text, when none was given


def prepare(settings: Settings, path: Path, lang: str | None, title: str | None = None, date_: str | None = None,
            publisher: str | None = None, kind: str = "Article", taken: set[str] = frozenset()) -> Addition:
    """Check ``path`` and its metadata, and make them ready to join the sources.

    ``lang`` None: the language is read from the text (:func:`kg.text.detect_language`).
    ``taken``: file names already given to other documents of the same ingest.

    Raises SourceError (naming the file and the problem) when the file cannot be read, is
    not text (a PDF or an office document is named as such, with how to convert it), or is
    not in a supported language; writes nothing. ``kg.transaction.adding`` writes what it
    returns, as a transaction with the rebuild.
    """
    if lang is not None and lang not in SUPPORTED_LANGUAGES:
        raise SourceError(path, f"language {lang!r} is not supported (supported: {', '.join(SUPPORTED_LANGUAGES)})")
    if kind not in KINDS:
        raise SourceError(path, f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if date_ is not None:
        check_date(path, date_, "--date")
    data = read_document(path, settings.max_document_bytes)
    text = decode_text(path, data, settings.max_document_bytes)
    normalised = normalise(text)  # every control character given its fate (kg.sources)
    text = normalised.text
    stored = text.encode("utf-8") if normalised.changes else data
    profiles = settings.lexicon_dir / "languages.yaml"
    detected = None
    if lang is None:
        detected, _ = detect_language(text, profiles)
        if detected is None:
            raise SourceError(path, "its language cannot be told (it does not read as English, Russian or "
                                    "Azerbaijani): give it with --lang")
        if detected not in SUPPORTED_LANGUAGES:
            raise SourceError(path, f"its text reads as {detected!r}, not a supported language "
                                    f"({', '.join(SUPPORTED_LANGUAGES)})")
        lang = detected
    check_language(path, text, lang, profiles, claimed_by="--lang gives")
    meta = read_metadata(settings)
    existing = set(meta) | {p.name for p in settings.sources.glob("*.txt")} | set(taken)
    name = _doc_name(path, existing)
    # what is not given is read from the text at build time (title, date), never guessed here
    entry = {"language": lang, "kind": kind, "sha256": hashlib.sha256(stored).hexdigest()}
    for key, value in (("title", title), ("publisher", publisher), ("date", date_), ("date_as_stated", date_)):
        if value:
            entry[key] = value
    if normalised.changes:  # the corpus holds the normalised copy; the graph quotes it
        entry["original_sha256"] = hashlib.sha256(data).hexdigest()
        entry["normalised"] = normalised.summary()
    validate_metadata(path, entry)
    return Addition(name, stored, entry, detected)


def files_to_ingest(paths: list[Path]) -> list[Path]:
    """The files ``paths`` name: a folder stands for the files in it and in its subfolders
    (hidden ones excepted), in name order; anything else for itself (refused later if it is
    not a regular file)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*")
                              if not any(part.startswith(".") for part in p.relative_to(path).parts)
                              and not p.is_dir() and p.name != "metadata.json"))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def metadata_with(settings: Settings, additions: list[Addition]) -> bytes:
    """``metadata.json`` with the additions' entries."""
    meta = read_metadata(settings)
    for a in additions:
        meta[a.name] = a.entry
    return metadata_json(meta)
