"""What every page shares: the page's language, the header's context, the presenter of the
graph for a request, "not found", the data formats of a resource, and the favicon."""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, current_app, has_request_context, render_template, request, send_from_directory

from .. import renderers
from ..graph import i18n, iris, presenter as make_presenter
from ..graph.present import Presenter
from ..negotiation import choose

#: The kinds of things the header links to (list pages).
NAV_KINDS = ["organisations", "offices", "activities", "handovers", "documents"]
#: The data formats of a resource's page (format name, label).
DATA_FORMATS = [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML")]


def settings():
    return current_app.config["KG_SETTINGS"]


def store() -> ox.Store:
    return current_app.extensions["kg.store"].get()


def language() -> str:
    """?lang= first, then the language chosen before (cookie), then Accept-Language, then en."""
    if not has_request_context():
        return "en"
    return i18n.choose_language(request.args.get("lang"), request.cookies.get(i18n.COOKIE),
                                request.headers.get("Accept-Language"))


def presenter(lang: str | None = None) -> Presenter:
    s = settings()
    return make_presenter(store(), s.base_iri, s.lexicon_dir, lang or language())


def lang_url(lang: str) -> str:
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)


def data_formats(n) -> list[tuple[str, str, str]]:
    """(label, link, media type) of each data format of a resource."""
    if not isinstance(n, ox.NamedNode):
        return []
    return [(label, iris.href(n.value, f), renderers.lookup("graph", f).media_type) for f, label in DATA_FORMATS]


def not_found(iri: str, message: str) -> Response:
    accept = request.headers.get("Accept")
    if choose(accept, ["text/html", "text/plain"]) == "text/html" and "html" in (accept or ""):
        body = render_template("error.html", iri=iri, message=message, title=i18n.t("not-found", language()))
        return Response(body, status=404, mimetype="text/html")
    return Response(f"not found: {iri}\n{message}\n", status=404, mimetype="text/plain")


def page_not_found(error):
    """Any other address that leads nowhere: the site's page for it (or a line of text)."""
    return not_found(request.path, i18n.t("not-in-graph", language()) if request.path.startswith(("/id/", "/graph/"))
                     else "")


def favicon():
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml",
                               max_age=7 * 24 * 3600)


def page_context() -> dict:
    """The header's and every template's context (the page's language and its words)."""
    if not has_request_context():
        return {}
    lang = language()
    return {
        "lang": lang,
        "ui": i18n.messages(lang),
        "langs": i18n.LANGUAGES,
        "lang_names": i18n.LANGUAGE_NAMES,
        "lang_url": lang_url,
        "href": iris.href,
        "nav_kinds": NAV_KINDS,
        "base_iri": iris.base_iri(),
    }


def remember_language(response):
    """A language chosen with ?lang= is kept (a cookie); pages vary with what chooses it."""
    asked = request.args.get("lang", "")
    if asked in i18n.LANGUAGES and response.mimetype == "text/html":
        response.set_cookie(i18n.COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
    if response.mimetype == "text/html":  # the page's language may come from these
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response
