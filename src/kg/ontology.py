"""The project's OWL ontology, read from its Turtle files (``ontology/*.ttl``): the one loader,
for the build and for the pages that present the ontology alike."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph


def load_ontology(ontology_dir: Path) -> Graph:
    """The ontology's graph, parsed once per process for each state of its files (a build
    needs it for the store, the rules and the shapes' class hierarchy: parsing its 170 KB
    of Turtle took 0.3 s each time). Shared by every caller: read it, never change it."""
    stats = ((path, path.stat()) for path in sorted(Path(ontology_dir).glob("*.ttl")))
    return _parsed(tuple((path, st.st_mtime_ns, st.st_size) for path, st in stats))


@lru_cache(maxsize=4)
def _parsed(files: tuple[tuple[Path, int, int], ...]) -> Graph:
    g = Graph()
    for path, _, _ in files:
        g.parse(path, format="turtle")
    return g
