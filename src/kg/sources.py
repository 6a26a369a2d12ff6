"""Reading source documents and their metadata, refusing bad input with a clear reason.

This is the IO edge of the pipeline: everything after it works on :class:`Document`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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


def check_date(path: Path | str, value: str, what: str = "metadata date") -> str:
    """``value`` if it is a real date as YYYY, YYYY-MM or YYYY-MM-DD (refused otherwise:
    ``2023-02-30`` would reach the graph as an ill-typed literal)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value or "")
    try:
        if m is None:
            raise ValueError
        datetime.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        raise SourceError(path, f"{what} {value!r} is not a real date as YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value


def read_document(path: Path, max_bytes: int) -> bytes:
    """The bytes of a document: a regular file, read no further than ``max_bytes`` + 1 (a FIFO,
    a device such as /dev/zero or a directory is refused at once)."""
    try:  # (without O_NONBLOCK, opening a FIFO waits for a writer)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise SourceError(path, f"cannot be read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
                    else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
            raise SourceError(path, f"is {kind}, not a regular file")
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise SourceError(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourceError(path, f"the file has more than the limit of {max_bytes} bytes")
    return data


#: Formats that are not plain text, told by their first bytes (their "magic numbers"), with
#: how to get the text out of them. A PDF can be all ASCII, and a document saved by an office
#: suite is a ZIP or OLE2 container: neither is refused as binary by its bytes alone.
_CONVERT_PDF = "convert it to text first, e.g. `pdftotext -layout FILE FILE.txt` (poppler-utils)"
_CONVERT_OFFICE = "convert it to text first, e.g. `libreoffice --headless --convert-to txt:Text FILE`"


def document_format(data: bytes) -> tuple[str, str] | None:
    """(the format, how to convert it) when ``data`` is a PDF or an office document."""
    head = data[:8]
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"%PDF-":
        return "a PDF document", _CONVERT_PDF
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "an OLE2 office document (.doc, .xls or .ppt)", _CONVERT_OFFICE
    if head[:4] == b"PK\x03\x04":
        start = data[:65536]
        for marker, kind in ((b"word/", "a Word document (.docx)"), (b"xl/", "an Excel workbook (.xlsx)"),
                             (b"ppt/", "a PowerPoint presentation (.pptx)"),
                             (b"application/vnd.oasis.opendocument", "an OpenDocument file (.odt, .ods, .odp)"),
                             (b"application/epub+zip", "an EPUB book")):
            if marker in start:
                return kind, _CONVERT_OFFICE
        return "a ZIP archive", "unpack it and give the text files inside"
    if data[:5] == b"{\\rtf":
        return "an RTF document", _CONVERT_OFFICE
    return None


def decode_text(path: Path, data: bytes, max_bytes: int) -> str:
    """Decode a document's bytes, refusing what is not usable text."""
    if not data.strip():
        raise SourceError(path, "the file is empty")
    if len(data) > max_bytes:
        raise SourceError(path, f"the file has {len(data)} bytes, more than the limit of {max_bytes}")
    known = document_format(data)
    if known:
        raise SourceError(path, f"the file is {known[0]}, not plain text: {known[1]}")
    if b"\x00" in data:
        raise SourceError(path, "the file is binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            path, f"the file is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
        ) from None
    stray = 0 if holds_only_text(data) else len(_REMOVED.findall(_ESCAPE_SEQUENCE.sub("", text)))
    if stray > max(3, len(text) // 100):
        raise SourceError(path, f"the file is binary ({stray} control characters), not text")
    return text  # a BOM stays: offsets count it


# -- control characters ---------------------------------------------------------------------
#
# A source holds text a reader sees: letters, marks, spaces, tabs and line breaks. Every other
# control character has a fate, decided here before any store, reasoner or shape sees the
# text (HermiT refuses a literal holding one, and a terminal showing it obeys it):
#
# * tab, line feed, carriage return: kept;
# * NUL: the file is refused as binary (see decode_text), as it is with too many of the rest;
# * form feed, vertical tab (page and line breaks of PDF and terminal output): a line break;
# * an escape sequence (ESC [ … and ESC ] …: colour codes, cursor moves): removed whole;
# * every other C0 and C1 control, DEL, and the Unicode noncharacters (U+FFFE, U+FFFF …):
#   removed.
#
# ``kg ingest`` stores the normalised text as the corpus's copy (``normalise``), so that every
# offset and quote in the graph is into the file in ``data/sources``; ``kg build`` refuses a
# source that holds one (``first_control``: such a file was put there by hand).

_C0_NAMES = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN "
             "EM SUB ESC FS GS RS US").split()
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
_REMOVED = re.compile(f"[\x01-\x08\x0e-\x1f\x7f-\x9f{_NONCHARACTERS}]")  # (ESC among them)
_LINE_BREAKS = re.compile("[\f\v]")
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves (ESC [ 1;31 m)
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\))"  # OSC: window titles, links (ESC ] … BEL)
)  # (any other ESC is removed alone: what follows it may be text)
_NOT_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_NONCHARACTERS}]")
# The same characters in UTF-8: the C0 controls and DEL, the C1 controls (C2 80–9F), U+FDD0–
# U+FDEF (EF B7 90–AF), U+FFFE/U+FFFF (EF BF BE/BF) and the last two of planes 1–16 (a lead
# byte F0–F4, then 8F, 9F, AF or BF, BF, BE/BF). Searched in the bytes it is several times
# faster than in the decoded text, so a clean source (nearly all) is passed with one look.
_NOT_TEXT_UTF8 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xb7[\x90-\xaf]"
                            rb"|\xef\xbf[\xbe\xbf]|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]")


def holds_only_text(data: bytes) -> bool:
    """Whether valid UTF-8 ``data`` holds no character ``first_control`` would name."""
    return _NOT_TEXT_UTF8.search(data) is None


def control_name(ch: str) -> str:
    """``U+001B ESC``, ``U+0085 (a C1 control)``, ``U+FFFF (a noncharacter)``."""
    cp = ord(ch)
    name = (_C0_NAMES[cp] if cp < 32 else "DEL" if cp == 0x7F else "(a C1 control)" if cp <= 0x9F
            else "(a noncharacter)")
    return f"U+{cp:04X} {name}"


@dataclass(frozen=True)
class Normalised:
    text: str
    #: what was done, and how often: {"U+0007 BEL removed": 2, …}
    changes: dict[str, int]

    def summary(self) -> str:
        return "; ".join(f"{what} ({n}×)" for what, n in self.changes.items())


def normalise(text: str) -> Normalised:
    """``text`` with every control character given its fate (see above)."""
    if not _NOT_TEXT.search(text):
        return Normalised(text, {})
    changes: dict[str, int] = {}

    def count(what: str, n: int = 1) -> None:
        changes[what] = changes.get(what, 0) + n

    def escape(m: re.Match) -> str:
        count("U+001B ESC: an escape sequence (colour or cursor code) removed")
        return ""

    def line_break(m: re.Match) -> str:
        count(f"{control_name(m.group())} made a line break")
        return "\n"

    def removed(m: re.Match) -> str:
        count(f"{control_name(m.group())} removed")
        return ""

    text = _ESCAPE_SEQUENCE.sub(escape, text)
    text = _LINE_BREAKS.sub(line_break, text)
    text = _REMOVED.sub(removed, text)
    return Normalised(text, changes)


def first_control(text: str) -> str | None:
    """Where the first character that is not text is, and which: ``U+001B ESC at line 2,
    column 7``; None when there is none."""
    m = _NOT_TEXT.search(text)
    if m is None:
        return None
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return f"{control_name(m.group())} at line {line}, column {column}"


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
    for key in ("language", "title", "kind", "publisher", "date", "date_as_stated"):
        if not isinstance(meta.get(key, ""), str):
            raise SourceError(path, f"metadata {key} is not a string")
        where = first_control(meta.get(key, ""))
        if where:
            raise SourceError(path, f"metadata {key} holds a control character ({where})")
    lang = meta["language"]
    if lang not in SUPPORTED_LANGUAGES:
        raise SourceError(
            path,
            f"language {lang!r} is not supported (supported: {', '.join(SUPPORTED_LANGUAGES)})",
        )
    if meta.get("date"):
        check_date(path, meta["date"])


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


def metadata_json(meta: dict[str, dict]) -> bytes:
    """``metadata.json``'s bytes for ``meta``."""
    return (json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def load_document(path: Path, meta: dict, settings: Settings) -> Document:
    if not _DOC_ID.match(path.stem):
        raise SourceError(path, "the file name may only hold letters, digits, '.', '_' and '-'")
    validate_metadata(path, meta)
    data = read_document(path, settings.max_document_bytes)
    text = decode_text(path, data, settings.max_document_bytes)
    where = None if holds_only_text(data) else first_control(text)
    if where:
        raise SourceError(path, f"the text holds a control character ({where}); a source holds only text, "
                                "tabs and line breaks: add it with `kg ingest`, which stores a normalised copy")
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


class Stamp(NamedTuple):
    """What the file system says of a file, as git's index keeps it: a build takes a file
    whose stamp (and metadata) did not change as unchanged, without reading it."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int


@dataclass(frozen=True)
class SourceFile:
    """A document of the sources before it is read: its file, its metadata entry, and what
    the file system says of the file (:attr:`stamp`), by which a build knows it unchanged
    without reading it."""

    path: Path
    meta: dict
    #: None when the file cannot be stat'ed (then it is read, and refused with the reason)
    stamp: Stamp | None

    @property
    def doc_id(self) -> str:
        return self.path.stem

    @property
    def name(self) -> str:
        return self.path.name

    def load(self, settings: Settings) -> Document:
        return load_document(self.path, self.meta, settings)


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return Stamp(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def corpus_files(settings: Settings) -> list[SourceFile]:
    """Every document under the sources directory, in file-name order, each with its
    metadata entry (a file without one, or an entry without its file, is refused); nothing
    is read but the metadata and the directory."""
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
    return [SourceFile(p, meta[p.name], _stamp(p)) for p in files]


def load_corpus(settings: Settings) -> list[Document]:
    """Every document under the sources directory, each checked, in file-name order."""
    return [f.load(settings) for f in corpus_files(settings)]
