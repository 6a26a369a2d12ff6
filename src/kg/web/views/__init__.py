"""The pages: one module per kind of page, each a Flask blueprint (as in Flask's tutorial);
this module is the route table, the one place that says which address shows what.

  site       what every page shares (language, header, "not found", favicon)
  home       /
  entity     /id/…, /graph/…, /resource?iri=…: any IRI as a page or as data
  documents  the pages of documents, passages and named graphs (reached through entity)
  lists      /list/<kind>, /class?iri=…, /classes
  search     /search?q=…
  timeline   /timeline
  export     /export?format=…, /context.jsonld
  query      /query (and the page /sparql shows a browser)
  ontology   /ontology

The views read the graph through :mod:`kg.web.graph` and never import each other's
private names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, Flask

from . import entity, export, home, lists, ontology, query, search, site, timeline


@dataclass(frozen=True)
class Route:
    rule: str
    view: Callable


ROUTES: tuple[Route, ...] = (
    Route("/", home.index),
    Route("/id/<path:rest>", entity.minted_entity),
    Route("/graph/<path:rest>", entity.minted_graph),
    Route("/resource", entity.resource),
    Route("/list/<kind>", lists.list_kind),
    Route("/class", lists.list_class),
    Route("/classes", lists.list_classes),
    Route("/search", search.search),
    Route("/timeline", timeline.timeline),
    Route("/export", export.export),
    Route("/context.jsonld", export.context),
    Route("/query", query.query_page),
    Route("/ontology", ontology.ontology_page),
    Route("/favicon.ico", site.favicon),
)


def register(app: Flask) -> None:
    """One blueprint per view module (named after it: ``url_for("search.search")``), its
    routes from the table; the hooks every page shares."""
    blueprints: dict[str, Blueprint] = {}
    for r in ROUTES:
        name = r.view.__module__.rsplit(".", 1)[1]
        bp = blueprints.get(name)
        if bp is None:
            bp = blueprints[name] = Blueprint(name, r.view.__module__)
        bp.add_url_rule(r.rule, view_func=r.view, methods=["GET"])
    for bp in blueprints.values():
        app.register_blueprint(bp)
    app.context_processor(site.page_context)
    app.context_processor(query.page_context)
    app.after_request(site.remember_language)
    app.register_error_handler(404, site.page_not_found)
    with app.app_context():
        query.examples()  # read once, before the first request
