"""The project's OWL ontology, read from its Turtle files (``ontology/*.ttl``): the one loader,
for the build and for the pages that present the ontology alike."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph


def load_ontology(ontology_dir: Path) -> Graph:
    g = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g
