"""Publishing the built graph to a triple store that scales out, through the SPARQL 1.1
Graph Store HTTP Protocol (GSP): Oxigraph's server, Virtuoso, Fuseki, GraphDB, Stardog,
Amazon Neptune…

Each named graph of the current build — one per document, the ontology, and the inferred
graph — is sent with ``PUT {endpoint}?graph={iri}`` (which replaces the graph whole), and a
graph the last publish sent that the build no longer has is removed with ``DELETE``. Only
graphs whose content changed since the last publish to the same endpoint are sent: what was
sent is remembered as a digest per graph (``var/publish/{endpoint digest}.json``), written
after each graph the endpoint accepted, so an interrupted publish resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from .config import Settings

#: N-Triples is Turtle: every store reads it as text/turtle (not all know application/n-triples)
CONTENT_TYPE = "text/turtle; charset=utf-8"


class PublishError(Exception):
    """The endpoint refused a request, or could not be reached."""


@dataclass
class Published:
    sent: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    default_graph: bool = False
    bytes: int = 0


def _state_file(settings: Settings, endpoint: str) -> Path:
    return settings.var / "publish" / (hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:24] + ".json")


def _read_state(path: Path, endpoint: str) -> dict[str, str]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state.get("graphs", {}) if state.get("endpoint") == endpoint else {}


def _write_state(path: Path, endpoint: str, graphs: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"endpoint": endpoint, "graphs": graphs}, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def graph_ntriples(store: ox.Store, graph: str) -> bytes:
    """A named graph of the store as N-Triples, its lines sorted (so equal graphs give equal
    bytes, whatever order the store keeps them in)."""
    triples = (ox.Triple(q.subject, q.predicate, q.object)
               for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
    lines.sort()
    return b"".join(lines)


class GraphStore:
    """A Graph Store Protocol endpoint (``…/store`` on Oxigraph's server,
    ``…/sparql-graph-crud`` on Virtuoso, ``…/{dataset}/data`` on Fuseki)."""

    def __init__(self, endpoint: str, authorization: str | None = None, timeout: float = 300):
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PublishError(f"{endpoint!r} is not an http(s) URL of a Graph Store Protocol endpoint")
        self.endpoint, self.authorization, self.timeout = endpoint, authorization, timeout

    def _url(self, graph: str | None) -> str:
        query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
        return self.endpoint + ("&" if "?" in self.endpoint else "?") + query

    def _send(self, method: str, graph: str | None, body=None) -> int:
        headers = {}
        if body is not None:
            headers["Content-Type"] = CONTENT_TYPE
        if self.authorization:
            headers["Authorization"] = self.authorization
        request = urllib.request.Request(self._url(graph), data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            if method == "DELETE" and exc.code == 404:
                return 404  # (gone already)
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            what = "the default graph" if graph is None else f"<{graph}>"
            raise PublishError(f"{method} {what}: {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
        except (urllib.error.URLError, OSError) as exc:
            raise PublishError(f"cannot reach {self.endpoint}: {getattr(exc, 'reason', exc)}") from None

    def put(self, graph: str | None, body) -> None:
        """Replace a graph (None: the default graph) by ``body`` (bytes, or an iterable of
        bytes sent in chunks)."""
        self._send("PUT", graph, body)

    def delete(self, graph: str) -> None:
        self._send("DELETE", graph)


def publish(settings: Settings, store: ox.Store, endpoint: str, authorization: str | None = None,
            default_graph: bool = False, inferred: bool = True, everything: bool = False,
            progress: Callable[[str, int, int], None] | None = None) -> Published:
    """Send the store's named graphs that changed since the last publish to ``endpoint``
    (``everything``: all of them), and delete those it no longer has. With ``default_graph``
    the endpoint's default graph is replaced by ours (the union of the documents' graphs and
    the ontology, without the entailments), when anything changed: for stores whose default
    graph is a graph of its own. ``inferred`` False leaves the inferred graph out: for
    stores whose default graph is the union of all their graphs, where entailments would
    otherwise answer queries that ask for what documents state."""
    target = GraphStore(endpoint, authorization)
    state_path = _state_file(settings, endpoint)
    sent = {} if everything else _read_state(state_path, endpoint)
    inferred_graph = f"{settings.base_iri}graph/inferred"
    graphs = sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if not inferred:
        graphs = [g for g in graphs if g != inferred_graph]
    out = Published()
    step = "publishing graphs"
    for n, graph in enumerate(graphs, 1):
        body = graph_ntriples(store, graph)
        digest = hashlib.sha256(body).hexdigest()
        if sent.get(graph) == digest:
            out.unchanged += 1
        else:
            target.put(graph, body)
            sent[graph] = digest
            out.sent.append(graph)
            out.bytes += len(body)
            if len(out.sent) % 50 == 0:
                _write_state(state_path, endpoint, sent)
        if progress:
            progress(step, n, len(graphs))
    for graph in sorted(set(sent) - set(graphs) - {""}):
        target.delete(graph)
        del sent[graph]
        out.deleted.append(graph)
    _write_state(state_path, endpoint, sent)
    if default_graph and (out.sent or out.deleted or sent.get("") is None):
        target.put(None, _union_chunks(store, inferred_graph))
        sent[""] = "sent"
        out.default_graph = True
        _write_state(state_path, endpoint, sent)
    return out


def _union_chunks(store: ox.Store, inferred_graph: str, chunk: int = 50_000) -> Iterator[bytes]:
    """Our default graph (the union, entailments excepted), in chunks of N-Triples."""
    batch = []
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        batch.append(ox.Triple(q.subject, q.predicate, q.object))
        if len(batch) >= chunk:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
            batch = []
    if batch:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
