"""Reading source documents and their metadata, refusing bad input with a clear reason.

This is the IO edge of the pipeline: everything after it works on :class:`Document`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .config import SUPPORTED_LANGUAGES, Settings

DOCUMENT_SUFFIXES = (".txt",)
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SourceError(Exception):
    """A source document or its metadata cannot be used; the message names the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class Document:
    doc_id: str  # the file name without its suffix; used in IRIs
    file_name: str  # dcterms:identifier
    language: str
    title: str  # "" when the metadata gives none (then read from the text)
    kind: str
    publisher: str  # "" when unknown
    date: str  # ISO form at its stated precision: YYYY, YYYY-MM or YYYY-MM-DD; "" when not given
    date_as_stated: str
    text: str  # the original file's text, decoded, unchanged
    sha256: str


def _check_date(path: Path, value: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value or ""):
        raise SourceError(path, f"metadata date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def decode_text(path: Path, data: bytes, max_bytes: int) -> str:
    """Decode a document's bytes, refusing what is not usable text."""
    if not data.strip():
        raise SourceError(path, "the file is empty")
    if len(data) > max_bytes:
        raise SourceError(path, f"the file has {len(data)} bytes, more than the limit of {max_bytes}")
    if b"\x00" in data:
        raise SourceError(path, "the file is binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            path, f"the file is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
        ) from None
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    )
    if controls > max(3, len(text) // 1000):
        raise SourceError(path, f"the file is binary ({controls} control characters), not text")
    return text  # a BOM stays: offsets count it


def check_language(path: Path | str, text: str, declared: str, profiles_file: Path,
                   claimed_by: str = "metadata says") -> None:
    """Refuse a text that does not read as the language it is said to be in."""
    from .text import detect_language

    detected, _ = detect_language(text, profiles_file)
    if detected is None:
        raise SourceError(path, "its text does not read as English, Russian or Azerbaijani")
    if detected != declared:
        raise SourceError(
            path,
            f"{claimed_by} language {declared!r} but the text reads as {detected!r}"
            + ("" if detected in SUPPORTED_LANGUAGES else " (not a supported language)"),
        )


#: What a document's metadata must give; its title, date and dateline are read from the
#: text when the metadata does not give them (kg.facts.document), its kind defaults to an article.
REQUIRED_METADATA = ("language",)
DEFAULT_KIND = "Article"


def validate_metadata(path: Path, meta: dict) -> None:
    if not isinstance(meta, dict):
        raise SourceError(path, "its metadata must be an object")
    missing = [k for k in REQUIRED_METADATA if not meta.get(k)]
    if missing:
        raise SourceError(path, f"metadata lacks {', '.join(missing)}")
    lang = meta["language"]
    if lang not in SUPPORTED_LANGUAGES:
        raise SourceError(
            path,
            f"language {lang!r} is not supported (supported: {', '.join(SUPPORTED_LANGUAGES)})",
        )
    if meta.get("date"):
        _check_date(path, meta["date"])


def read_metadata(settings: Settings) -> dict[str, dict]:
    path = settings.metadata_file
    if not path.exists():
        raise SourceError(path, "the metadata file is missing")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"the metadata file is not valid JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise SourceError(path, "the metadata file must map file names to metadata objects")
    return meta


def write_metadata(settings: Settings, meta: dict[str, dict]) -> None:
    tmp = settings.metadata_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(settings.metadata_file)


def load_document(path: Path, meta: dict, settings: Settings) -> Document:
    if not _DOC_ID.match(path.stem):
        raise SourceError(path, "the file name may only hold letters, digits, '.', '_' and '-'")
    validate_metadata(path, meta)
    data = path.read_bytes()
    text = decode_text(path, data, settings.max_document_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if meta.get("sha256") and meta["sha256"] != digest:
        raise SourceError(path, f"SHA-256 {digest} differs from the metadata's {meta['sha256']}: the file was edited")
    return Document(
        doc_id=path.stem,
        file_name=path.name,
        language=meta["language"],
        title=meta.get("title") or "",
        kind=meta.get("kind") or DEFAULT_KIND,
        publisher=meta.get("publisher") or "",
        date=meta.get("date") or "",
        date_as_stated=meta.get("date_as_stated") or meta.get("date") or "",
        text=text,
        sha256=digest,
    )


def load_corpus(settings: Settings) -> list[Document]:
    """Every document under the sources directory, each checked, in file-name order."""
    meta = read_metadata(settings)
    files = sorted(p for p in settings.sources.iterdir() if p.suffix in DOCUMENT_SUFFIXES)
    if not files:
        raise SourceError(settings.sources, "there are no documents (*.txt)")
    unknown = [p.name for p in files if p.name not in meta]
    if unknown:
        raise SourceError(settings.sources / unknown[0], "has no entry in metadata.json")
    orphans = sorted(set(meta) - {p.name for p in files})
    if orphans:
        raise SourceError(settings.sources / orphans[0], "is listed in metadata.json but the file is missing")
    return [load_document(p, meta[p.name], settings) for p in files]
