"""The one place for configuration: paths, the IRI base, languages and limits.

Every value can be overridden by an environment variable (``KG_*``) so that tests,
CI and deployments point the same code at other directories or another IRI base.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: Languages the pipeline can read. A document in any other language is refused.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "ru", "az")


def _default_root() -> Path:
    # src/kg/config.py -> project root (the checkout holding data/, ontology/, shapes/).
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=_default_root)
    #: Base of every IRI the project mints; entity IRIs are ``{base}id/{kind}/{slug}``.
    base_iri: str = "http://localhost:8000/"
    #: Where clients reach the server, for the URLs it gives of itself (redirects, the
    #: service description's endpoint); never a request's Host header. None: ``base_iri``.
    public_base: str | None = None
    #: Where built stores live; ``var_dir/store`` is a symlink to the current build.
    var_dir: Path | None = None
    sources_dir: Path | None = None
    #: Where each document's extraction and validation are kept, keyed by content and the
    #: pipeline's version (None: ``var/cache``); several var directories may share one.
    cache_path: Path | None = None
    #: Largest source document accepted, in bytes.
    max_document_bytes: int = 5_000_000
    #: A document longer than twice this (characters) is read in sections of at least this
    #: length, in parallel (kg.text.sections); 0: never cut.
    section_chars: int = 64_000
    #: Processes that extract and validate documents in a build (0: one per core).
    build_jobs: int = 0
    #: How long a build waits to reach a Dask scheduler (``kg build --scheduler``).
    scheduler_timeout_s: float = 10.0
    #: HermiT checks the data itself (not only the ontology) when a build has at most this
    #: many individuals; above it, rules in the store (OWL 2 RL) check it. HermiT took 2.7 s
    #: for 1,500 individuals and 36 s for 62,000 on this project's 2-core machine.
    hermit_max_individuals: int = 10_000
    #: SPARQL endpoint limits: a query is stopped (its worker process killed) after
    #: ``query_timeout_s``; results are cut after ``max_results`` rows or triples, or at
    #: ``max_result_bytes`` bytes, whichever comes first; request bodies over
    #: ``max_request_bytes`` get 413.
    query_timeout_s: float = 30.0
    max_results: int = 10_000
    max_result_bytes: int = 16_000_000
    max_request_bytes: int = 1_000_000
    #: How deep a query may nest (brackets, and operators in a row: see kg.sparql.analysis.depth);
    #: Oxigraph recurses once per level, and a worker's stack holds a few thousand.
    max_query_depth: int = 1000
    #: Seconds a client has to send a request's headers, and then its body: a slower client
    #: gets 408 and is dropped (kg.web.front), so that silent sockets cannot hold the server.
    client_timeout_s: float = 20.0
    #: Query worker processes in each HTTP process: queries that may run long, at once.
    query_workers: int = 2
    #: Seconds an HTTP process may take to start (its query workers up); kg serve exits,
    #: non-zero, when none of its HTTP processes has been up for this long (kg.web.server).
    http_start_timeout_s: float = 120.0
    #: A repeatable query that ran in a worker within this many milliseconds runs in the
    #: HTTP process from then on (kg.sparql.fastlane); 0 turns the fast lane off.
    fast_lane_ms: float = 50.0
    #: Query workers read the default graph from memory (kg.sparql.zygote) when it has at most
    #: this many triples (0: always from disk).
    memory_store_max_triples: int = 3_000_000
    #: Memory (data segment) one query worker may use, in MB (0: no limit).
    worker_memory_mb: int = 4096
    #: SERVICE endpoints a query may call (federated query); empty: SERVICE is refused.
    service_allow: tuple[str, ...] = ()
    #: The licence of the published data (VoID ``dcterms:license``).
    data_license: str = "https://creativecommons.org/licenses/by/4.0/"

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            object.__setattr__(self, "base_iri", self.base_iri + "/")
        if self.public_base and not self.public_base.endswith("/"):
            object.__setattr__(self, "public_base", self.public_base + "/")

    @property
    def public_root(self) -> str:
        """The server's public base URL, ending in ``/``."""
        return self.public_base or self.base_iri

    # Derived paths -------------------------------------------------------------
    @property
    def sources(self) -> Path:
        return self.sources_dir or self.root / "data" / "sources"

    @property
    def metadata_file(self) -> Path:
        return self.sources / "metadata.json"

    @property
    def lexicon_dir(self) -> Path:
        return self.root / "data" / "lexicon"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def var(self) -> Path:
        return self.var_dir or self.root / "var"

    @property
    def store_link(self) -> Path:
        return self.var / "store"

    @property
    def cache_dir(self) -> Path:
        """Each document's extraction and validation, keyed by content (kg.artefacts)."""
        return self.cache_path or self.var / "cache"

    def to_json(self) -> dict:
        """The settings as JSON values (for the server's other processes)."""
        return {f.name: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
                for f in fields(self) for v in [getattr(self, f.name)]}

    @classmethod
    def from_json(cls, values: dict) -> "Settings":
        kinds = {f.name: f.type for f in fields(cls)}
        out = {}
        for name, v in values.items():
            if name not in kinds:
                continue
            if v is not None and "Path" in str(kinds[name]):
                v = Path(v)
            elif isinstance(v, list):
                v = tuple(v)
            out[name] = v
        return cls(**out)

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def public_base_problem(url: str) -> str | None:
    """What is wrong with ``url`` as the server's public base (None: nothing)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL with a host name (e.g. https://kg.example.org/)"
    return None


def load_settings(**overrides) -> Settings:
    """Settings from the environment, then explicit overrides (e.g. CLI options)."""
    env: dict = {}
    if os.environ.get("KG_ROOT"):
        env["root"] = Path(os.environ["KG_ROOT"]).resolve()
    if os.environ.get("KG_BASE_IRI"):
        env["base_iri"] = os.environ["KG_BASE_IRI"]
    if os.environ.get("KG_PUBLIC_BASE"):
        env["public_base"] = os.environ["KG_PUBLIC_BASE"]
    if os.environ.get("KG_VAR"):
        env["var_dir"] = Path(os.environ["KG_VAR"]).resolve()
    if os.environ.get("KG_SOURCES"):
        env["sources_dir"] = Path(os.environ["KG_SOURCES"]).resolve()
    if os.environ.get("KG_CACHE"):
        env["cache_path"] = Path(os.environ["KG_CACHE"]).resolve()
    for key, name, cast in (
        ("query_timeout_s", "KG_QUERY_TIMEOUT", float),
        ("max_results", "KG_MAX_RESULTS", int),
        ("max_result_bytes", "KG_MAX_RESULT_BYTES", int),
        ("max_request_bytes", "KG_MAX_REQUEST_BYTES", int),
        ("client_timeout_s", "KG_CLIENT_TIMEOUT", float),
        ("query_workers", "KG_QUERY_WORKERS", int),
        ("http_start_timeout_s", "KG_HTTP_START_TIMEOUT", float),
        ("worker_memory_mb", "KG_WORKER_MEMORY_MB", int),
        ("fast_lane_ms", "KG_FAST_LANE_MS", float),
        ("memory_store_max_triples", "KG_MEMORY_STORE_MAX_TRIPLES", int),
        ("build_jobs", "KG_BUILD_JOBS", int),
        ("section_chars", "KG_SECTION_CHARS", int),
        ("scheduler_timeout_s", "KG_SCHEDULER_TIMEOUT", float),
        ("hermit_max_individuals", "KG_HERMIT_MAX_INDIVIDUALS", int),
    ):
        if os.environ.get(name):
            env[key] = cast(os.environ[name])
    env.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**env)
