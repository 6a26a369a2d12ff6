"""The web application: Flask application factory, one blueprint per kind of page."""

from __future__ import annotations

import logging

import pyoxigraph as ox
from flask import Flask

from ..config import Settings
from ..namespaces import PREFIXES
from .query import StoreProvider


def create_app(settings: Settings, store: ox.Store | None = None) -> Flask:
    """The app serving ``store`` (or the current built store, reopened after rebuilds)."""
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.config["KG_PREFIXES"] = dict(PREFIXES)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["kg.store"] = StoreProvider(settings, store)
    app.logger.setLevel(logging.INFO)

    from . import sparql

    app.register_blueprint(sparql.bp)

    @app.get("/")
    def index():
        from flask import render_template

        return render_template("index.html")

    return app
