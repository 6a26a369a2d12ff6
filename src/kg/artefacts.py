"""Each document's work, kept by content, so that a rebuild redoes only what changed.

A document's extraction is a function of its text, its metadata and the pipeline (the code
and the data extraction reads: ``src/kg`` but the web layer, ``data/lexicon``, ``ontology``,
and the versions of the libraries it calls); its validation is a function of its final
graph and of the shapes. Each result is stored under a key hashing exactly those
(``var/cache/{kind}/{key}``), so an edited document, a new lexicon entry or a changed
extractor gives new keys, and nothing stale is ever read back.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import threading
import zlib
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .config import Settings
from .sources import Document
from .text import sections

_PACKAGE = Path(__file__).resolve().parent
#: Libraries whose behaviour is part of extraction's (their versions are in the key).
_EXTRACTION_LIBRARIES = ("rdflib", "pyoxigraph", "pymorphy3", "pymorphy3-dicts-ru", "natasha", "lemminflect", "pyyaml")
_VALIDATION_LIBRARIES = ("pyshacl-turbo", "pyoxigraph")


def _hash_files(h, paths) -> None:
    for path in sorted(paths):
        h.update(str(path).encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


def _library_versions(h, names) -> None:
    h.update(sys.version.encode())
    for name in names:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none".encode())


@lru_cache(maxsize=8)
def _pipeline_version(lexicon_dir: Path, ontology_dir: Path) -> str:
    h = hashlib.sha256(b"kg-extraction-1\0")
    code = [p for p in _PACKAGE.rglob("*.py") if "web" not in p.relative_to(_PACKAGE).parts]
    _hash_files(h, [p for p in code])
    _hash_files(h, [p for p in lexicon_dir.rglob("*") if p.is_file()])
    _hash_files(h, [p for p in ontology_dir.rglob("*") if p.is_file()])
    _library_versions(h, _EXTRACTION_LIBRARIES)
    return h.hexdigest()[:20]


def pipeline_version(settings: Settings) -> str:
    """A digest of everything a document's extraction depends on but the document."""
    return _pipeline_version(settings.lexicon_dir, settings.ontology_dir)


@lru_cache(maxsize=8)
def _shapes_version(shapes_dir: Path, ontology_dir: Path) -> str:
    h = hashlib.sha256(b"kg-validation-1\0")
    _hash_files(h, [p for p in shapes_dir.rglob("*") if p.is_file()])
    _hash_files(h, [p for p in ontology_dir.rglob("*") if p.is_file()])  # (its class hierarchy)
    _hash_files(h, [_PACKAGE / "validate.py", _PACKAGE / "native_constraints.py"])
    _library_versions(h, _VALIDATION_LIBRARIES)
    return h.hexdigest()[:20]


def shapes_version(settings: Settings) -> str:
    """A digest of everything a graph's validation depends on but the graph."""
    return _shapes_version(settings.shapes_dir, settings.ontology_dir)


def document_key(document: Document, settings: Settings) -> str:
    """The key of a document's extraction: its content and metadata, the pipeline, and the
    IRI base its graph is written under."""
    fields = asdict(document)
    text = fields.pop("text")
    h = hashlib.sha256(pipeline_version(settings).encode())
    h.update(settings.base_iri.encode() + b"\0")
    h.update(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\0")
    h.update(text.encode("utf-8"))
    cuts = sections(text, settings.section_chars)
    if len(cuts) > 1:  # (read in sections: where they are cut is part of what it gives)
        h.update(b"\0" + repr(cuts).encode())
    return h.hexdigest()


def content_key(data: bytes, version: str) -> str:
    return hashlib.sha256(version.encode() + b"\0" + data).hexdigest()


class ArtefactCache:
    """Values stored by key under ``var/cache/{kind}`` (pickled, compressed); a damaged or
    unreadable entry reads as missing, and is recomputed."""

    def __init__(self, settings: Settings, kind: str):
        self.root = settings.cache_dir / kind
        self.used: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str):
        self.used.add(key)
        try:
            return pickle.loads(zlib.decompress(self._path(key).read_bytes()))
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put(self, key: str, value) -> None:
        self.used.add(key)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.{os.getpid()}.{threading.get_ident()}.tmp")  # (threads put too)
        tmp.write_bytes(zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))
        os.replace(tmp, path)

    def prune(self, keep: set[str] = frozenset()) -> int:
        """Delete the entries this build did not use, nor are in ``keep`` (documents gone or
        changed); how many."""
        removed = 0
        if not self.root.exists():
            return 0
        for sub in self.root.iterdir():
            for entry in sub.iterdir() if sub.is_dir() else ():
                if entry.name not in self.used and entry.name not in keep:
                    entry.unlink(missing_ok=True)
                    removed += 1
        return removed


def ontology_check_key(settings: Settings) -> str:
    """The key of HermiT's verdict on the ontology alone: the ontology's files, the code that
    loads and checks it, and the versions of the libraries that do (the reasoner is
    owlready2's). Not memoised: an ontology edited while a process runs gives a new key."""
    h = hashlib.sha256(b"kg-ontology-check-1\0")
    _hash_files(h, [p for p in settings.ontology_dir.rglob("*") if p.is_file()])
    _hash_files(h, [_PACKAGE / "validate.py", _PACKAGE / "ontology.py"])
    _library_versions(h, ("owlready2", "rdflib"))
    return h.hexdigest()
