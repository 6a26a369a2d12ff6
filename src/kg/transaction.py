"""The corpus and the published store change together or not at all.

* One build at a time: a build (``kg build``, ``kg ingest``'s rebuild, ``kg serve`` building
  first) holds an exclusive lock on ``var/build.lock``; another waits for it.
* ``kg ingest`` is a transaction. Before it touches the sources it writes a journal
  (``var/ingest.journal``: the document it adds, ``metadata.json`` as it was, the build
  published then); then it writes the document and its metadata, and rebuilds. Publishing the
  new build (the atomic swap of ``var/store``) commits it; the journal is then deleted. An
  ingest interrupted in between — Ctrl-C, an error, ``kill -9``, the machine going down — is
  settled by whoever takes the lock next (that ingest itself on an exception, else the next
  build or ingest): if ``var/store`` still points at the build of before, the document and
  its metadata are taken out again; if it points at a new build, that build holds the
  document, and only the journal goes.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .config import Settings
from .sources import metadata_json

_held = 0  # how deep this process is in build_lock (it is taken once per process)


def _lock_file(settings: Settings) -> Path:
    return settings.var / "build.lock"


def _journal(settings: Settings) -> Path:
    return settings.var / "ingest.journal"


def _published(settings: Settings) -> str | None:
    link = settings.store_link
    return str(link.resolve()) if link.is_symlink() and link.exists() else None


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step, on disk before this returns."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def build_lock(settings: Settings, report: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the build lock (waiting for another build to finish); an ingest left half done
    is settled first. Re-entrant within a process."""
    global _held
    if _held:
        _held += 1
        try:
            yield
        finally:
            _held -= 1
        return
    settings.var.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_file(settings), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            report(f"waiting for another build to finish (process {holder})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held = 1
        try:
            outcome = settle(settings)
            if outcome:
                report(outcome)
            yield
        finally:
            _held = 0
    finally:
        os.close(fd)  # (the lock goes with it)


def settle(settings: Settings) -> str | None:
    """Finish an ingest left half done (see the module's docstring); what was done, or None.
    Call with the build lock held."""
    journal = _journal(settings)
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    names = entry.get("documents") or [entry["document"]]
    what = ", ".join(names)
    if _published(settings) != entry["published_before"]:
        journal.unlink()
        return f"an interrupted ingest of {what} had published its build: it stays"
    if entry["metadata_before"] is not None:
        _write_atomically(settings.metadata_file, entry["metadata_before"].encode("utf-8"))
    for name in names:
        (settings.sources / name).unlink(missing_ok=True)
    journal.unlink()
    return (f"an interrupted ingest of {what} was rolled back: the "
            + ("document and its metadata were" if len(names) == 1 else "documents and their metadata were")
            + " taken out")


@contextmanager
def adding(settings: Settings, documents: dict[str, bytes], metadata: bytes) -> Iterator["Adding"]:
    """Add ``documents`` (file name -> bytes, and ``metadata.json`` as it will be) for the body
    of the ``with``, which must publish a build holding them (or fewer: ``Adding.withdraw``);
    undone if the body does not finish. Call with the build lock held."""
    assert _held, "adding() needs the build lock"
    before = settings.metadata_file.read_text(encoding="utf-8") if settings.metadata_file.exists() else None
    _write_atomically(_journal(settings), json.dumps(
        {"documents": sorted(documents), "metadata_before": before, "published_before": _published(settings)},
        ensure_ascii=False).encode("utf-8"))
    try:
        for name, data in documents.items():
            _write_atomically(settings.sources / name, data)
        _write_atomically(settings.metadata_file, metadata)
        yield Adding(settings)
    except BaseException:
        settle(settings)
        raise
    _journal(settings).unlink()


class Adding:
    """An ingest under way (see ``adding``)."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def withdraw(self, names: list[str]) -> None:
        """Take documents of this ingest out again before its build is published (a document
        the build left out): the rest goes in. (Still undone whole if the ingest does not
        finish: the journal names them all.)"""
        if not names:
            return
        meta = json.loads(self.settings.metadata_file.read_text(encoding="utf-8"))
        for name in names:
            meta.pop(name, None)
        _write_atomically(self.settings.metadata_file, metadata_json(meta))
        for name in names:
            (self.settings.sources / name).unlink(missing_ok=True)
