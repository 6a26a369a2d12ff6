"""Pages for people (and data for programs) at every IRI the project mints.

One blueprint, ``pages``; one view module per kind of page:

  views_entity    /id/…, /graph/…, /resource?iri=…   dereferenceable IRIs (HTML, Turtle, JSON-LD …)
  views_document  the page of a source document (its text with the passages highlighted)
  views_lists     /list/<kind>, /classes, /class?iri=…
  views_search    /search?q=…
  views_pictures  /timeline
  views_export    /export?format=…, /context.jsonld
  views_query     /query (the query page; also what /sparql shows a browser)
  views_ontology  /ontology (the ontology and activity types, readable)
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, has_request_context, request

from . import i18n, iris

bp = Blueprint("pages", __name__)

#: Kinds of things with a list page: /list/<kind> (class IRIs, the first one names the kind).
KINDS: dict[str, list[str]] = {
    "organisations": ["https://w3id.org/humanitarian-kg/ontology#Organisation",
                      "https://w3id.org/humanitarian-kg/ontology#Movement"],
    "offices": ["https://w3id.org/humanitarian-kg/ontology#Office"],
    "activities": ["https://w3id.org/humanitarian-kg/ontology#Activity"],
    "handovers": ["https://w3id.org/humanitarian-kg/ontology#Handover"],
    "closures": ["https://w3id.org/humanitarian-kg/ontology#Closure"],
    "events": ["https://w3id.org/humanitarian-kg/ontology#Event"],
    "mandates": ["https://w3id.org/humanitarian-kg/ontology#Mandate"],
    "instruments": ["https://w3id.org/humanitarian-kg/ontology#LegalInstrument"],
    "partnerships": ["https://w3id.org/humanitarian-kg/ontology#Partnership"],
    "memberships": ["http://www.w3.org/ns/org#Membership"],
    "referrals": ["https://w3id.org/humanitarian-kg/ontology#Referral"],
    "places": ["https://w3id.org/humanitarian-kg/ontology#Place"],
    "figures": ["https://w3id.org/humanitarian-kg/ontology#Figure"],
    "activity-types": ["http://www.w3.org/2004/02/skos/core#Concept"],
    "documents": ["https://w3id.org/humanitarian-kg/ontology#SourceDocument"],
}
NAV_KINDS = ["organisations", "offices", "activities", "handovers", "documents"]


def lang_url(lang: str) -> str:
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)


@bp.app_context_processor
def _page_context() -> dict:
    if not has_request_context():
        return {}
    lang = i18n.request_language()
    from .views_query import query_page_context

    ctx = {
        "lang": lang,
        "ui": i18n.messages(lang),
        "langs": i18n.LANGUAGES,
        "lang_names": i18n.LANGUAGE_NAMES,
        "lang_url": lang_url,
        "href": iris.href,
        "nav_kinds": NAV_KINDS,
        "base_iri": iris.base_iri(),
    }
    if request.path == "/":
        from .views_lists import home_data

        ctx["home"] = home_data
    if request.path.rstrip("/") in ("/sparql", "/query"):
        ctx.update(query_page_context())
    return ctx


@bp.after_app_request
def _remember_language(response):
    asked = request.args.get("lang", "")
    if asked in i18n.LANGUAGES and response.mimetype == "text/html":
        response.set_cookie(i18n.COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
    if response.mimetype == "text/html":  # the page's language may come from these
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def settings():
    return current_app.config["KG_SETTINGS"]


# the view modules add their routes to bp
from . import views_document, views_entity, views_export  # noqa: F401
from . import views_lists, views_ontology, views_pictures, views_query, views_search  # noqa: F401
