"""Where an IRI lives on this server, and which IRI a request path stands for.

The project mints IRIs under ``Settings.base_iri`` (``http://localhost:8000/`` by default).
A server may run on another host or port (``127.0.0.1:PORT``): a request for ``/id/...``
is then mapped onto the configured base, so entity pages work wherever the server runs.
IRIs outside the base (vocabularies such as ``at:detention-visits``) are shown through
``/resource?iri=…``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app, request

from ...namespaces import PREFIXES

#: Path suffixes that pick a format: /id/organisation/icrc.ttl
SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".jsonld": "jsonld",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".html": "html",
}

#: Top-level paths the project mints IRIs under (each is routed by kg.web.views.entity).
MINTED_ROOTS = ("id/", "graph/")


def base_iri() -> str:
    return current_app.config["KG_SETTINGS"].base_iri


def script_root() -> str:
    try:
        return request.script_root or ""
    except RuntimeError:
        return ""


def iri_for_path(path: str) -> str:
    """The IRI a request path stands for: ``/id/organisation/icrc`` -> ``{base}id/organisation/icrc``."""
    return base_iri() + path.lstrip("/")


def local_path(iri: str) -> str | None:
    """The path on this server for an IRI minted under the base (fragment kept), else None."""
    base = base_iri()
    if iri.startswith(base):
        rest = iri[len(base):]
        if rest.startswith(MINTED_ROOTS):
            return script_root() + "/" + quote(rest, safe="/#-._~:@!$&'()*+,;=")
    return None


def href(iri: str, fmt: str | None = None, **params) -> str:
    """A link on this server to the page (or data, with ``fmt``) of any IRI."""
    path = local_path(iri)
    if path is not None:
        frag = ""
        if "#" in path:
            path, frag = path.split("#", 1)
            frag = "#" + frag
        if fmt:
            # the fragment names a part of the resource; data comes for the whole document
            return path + _suffix(fmt) + (("?" + urlencode(params)) if params else "")
        return path + (("?" + urlencode(params)) if params else "") + frag
    q = {"iri": iri, **params}
    if fmt:
        q["format"] = fmt
    return script_root() + "/resource?" + urlencode(q)


def _suffix(fmt: str) -> str:
    for suffix, name in SUFFIXES.items():
        if name == fmt:
            return suffix
    return ""


def curie(iri: str) -> str:
    """``kg:Organisation`` for a vocabulary IRI, the IRI itself otherwise."""
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if all(c.isalnum() or c in "-_." for c in local) and (best is None or len(ns) > best[1]):
                best = (f"{prefix}:{local}", len(ns))
    return best[0] if best else iri
