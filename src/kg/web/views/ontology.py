"""/ontology: the readable page of the ontology and the activity types (as ``kg docs`` writes it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Response

from ...ontology_docs import render
from ...rdf import load_ontology
from . import bp, settings


@lru_cache(maxsize=2)
def _page(ontology_dir: Path) -> str:
    return render(load_ontology(ontology_dir))


@bp.get("/ontology")
def ontology_page() -> Response:
    return Response(_page(settings().ontology_dir), mimetype="text/html")
