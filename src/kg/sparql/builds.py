"""Which build is current, told by the kernel when ``kg build`` publishes a new one.

``kg build`` publishes by renaming a new symbolic link over ``var/store`` (kg.store.publish):
one ``IN_MOVED_TO`` event on the directory holding it. A ``BuildWatcher`` waits for that event
(inotify) in a thread of its own and then calls back with the new build, so that no reader
looks at the link again and again to find out: a server learns of a new build within
microseconds of its publication, and looks at nothing meanwhile.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from inotify_simple import INotify, flags

from .. import store as store_mod
from ..config import Settings

log = logging.getLogger("kg.sparql.builds")


class BuildWatcher:
    """Calls ``on_new(path)`` (in its own thread) each time a build other than the last one
    seen is published; ``current`` is the build current when it started or last called back."""

    def __init__(self, settings: Settings, on_new: Callable[[Path], None]):
        self.settings = settings
        self.on_new = on_new
        self._inotify = INotify()
        link = settings.store_link
        link.parent.mkdir(parents=True, exist_ok=True)
        # (the directory, not the link: publishing replaces the link itself)
        self._inotify.add_watch(str(link.parent), flags.MOVED_TO | flags.CREATE)
        self.current: Path | None = self._resolve()
        self._thread = threading.Thread(target=self._run, daemon=True, name="kg-build-watcher")
        self._thread.start()

    def _resolve(self) -> Path | None:
        try:
            return store_mod.current_store_path(self.settings)
        except store_mod.StoreMissing:
            return None

    def _run(self) -> None:
        name = self.settings.store_link.name
        while True:
            try:
                events = self._inotify.read()
            except OSError:
                log.exception("the build watcher stopped")
                return
            if not any(e.name == name for e in events):
                continue
            path = self._resolve()
            if path is None or path == self.current:
                continue
            self.current = path
            try:
                self.on_new(path)
            except Exception:  # noqa: BLE001 - the next build will be told all the same
                log.exception("could not switch to the new build %s", path)
