"""How a build treats Python's cyclic garbage collector.

A build holds millions of small objects for its whole life: the state of the published
build (each document's keys, the corpus's uses of names, the report), the lexicon, the
gazetteer and the name finder. The collector walks every tracked object at each full
collection, and a full collection runs each time the objects it tracks grow by a quarter:
while those were read, and after, it walked them over and over (3 of an update's 10 CPU
seconds at 10,000 documents). They are made under ``long_lived()``: no collection while
they are made, and they are kept out of later ones (``gc.freeze``). Reference counting still
frees them; only cycles in what exists when the block ends escape the collector, and what is
made there holds none (tuples, strings, dicts of them).
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_depth = 0  # long_lived() blocks open in this process (they nest: the names load the lexicon)


@contextmanager
def long_lived() -> Iterator[None]:
    """Make, in the body, objects that live as long as the process's work."""
    global _depth
    with _lock:
        if _depth == 0:
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.enable()
                gc.freeze()
