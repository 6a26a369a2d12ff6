"""/ontology: the ontology and the activity types, readable, inside the site's pages (the
same body as the page ``kg docs`` writes)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import render_template

from ...ontology_docs import collect
from ...ontology import load_ontology
from ..graph import i18n
from . import site


@lru_cache(maxsize=6)
def _collected(ontology_dir: Path, lang: str) -> dict:
    return collect(load_ontology(ontology_dir), lang)


def ontology_page():
    lang = site.language()
    data = _collected(site.settings().ontology_dir, lang)
    return render_template("ontology_page.html", title=i18n.t("ontology", lang), **data)
