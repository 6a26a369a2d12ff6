"""The web application: Flask application factory, one blueprint per kind of page."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import pyoxigraph as ox
from flask import Flask

from ..config import Settings, public_base_problem
from ..namespaces import PREFIXES
from .query import StoreProvider


def create_app(settings: Settings, store: ox.Store | None = None, store_path: Path | None = None,
               zygote: str | None = None) -> Flask:
    """The app serving the current built store (reopened after rebuilds), the store at
    ``store_path``, or a given ``store`` object (queries then run in-process, without a hard
    time limit). ``zygote``: the socket of a kg.web.zygote to fork query workers from."""
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.config["KG_PREFIXES"] = dict(PREFIXES)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    stores = app.extensions["kg.store"] = StoreProvider(settings, store, store_path)
    app.logger.setLevel(logging.INFO)

    from . import sparql, void
    from .pool import make_engine

    app.extensions["kg.engine"] = make_engine(settings, stores, store, store_path, zygote)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(void.bp)
    app.wsgi_app = sparql.Endpoint(app, app.wsgi_app)  # queries skip Flask's per-request work
    app.wsgi_app = canonical_host(app.wsgi_app, settings.public_root)

    from . import views  # the pages: one blueprint per kind, one route table

    views.register(app)
    return app


def canonical_host(wsgi_app: Callable, public_root: str) -> Callable:
    """The app, seeing every request as addressed to ``public_root``, whatever its Host header
    says: the URLs it builds of itself (redirects, the service description) never echo a
    name a client chose (as Apache's ``UseCanonicalName On``)."""
    problem = public_base_problem(public_root)
    if problem:
        raise ValueError(f"the public base: {problem}")
    url = urlsplit(public_root)
    fixed = {"HTTP_HOST": url.netloc, "SERVER_NAME": url.hostname, "wsgi.url_scheme": url.scheme,
             "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80))}

    def app(environ, start_response):
        environ.update(fixed)
        return wsgi_app(environ, start_response)

    return app
