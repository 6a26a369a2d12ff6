"""The one place for configuration: paths, the IRI base, languages and limits.

Every value can be overridden by an environment variable (``KG_*``) so that tests,
CI and deployments point the same code at other directories or another IRI base.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
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
    #: Where built stores live; ``var_dir/store`` is a symlink to the current build.
    var_dir: Path | None = None
    sources_dir: Path | None = None
    #: Largest source document accepted, in bytes.
    max_document_bytes: int = 5_000_000
    #: SPARQL endpoint limits.
    query_timeout_s: float = 30.0
    max_results: int = 10_000
    max_request_bytes: int = 1_000_000

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            object.__setattr__(self, "base_iri", self.base_iri + "/")

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

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(**overrides) -> Settings:
    """Settings from the environment, then explicit overrides (e.g. CLI options)."""
    env: dict = {}
    if os.environ.get("KG_ROOT"):
        env["root"] = Path(os.environ["KG_ROOT"]).resolve()
    if os.environ.get("KG_BASE_IRI"):
        env["base_iri"] = os.environ["KG_BASE_IRI"]
    if os.environ.get("KG_VAR"):
        env["var_dir"] = Path(os.environ["KG_VAR"]).resolve()
    if os.environ.get("KG_SOURCES"):
        env["sources_dir"] = Path(os.environ["KG_SOURCES"]).resolve()
    for key, name, cast in (
        ("query_timeout_s", "KG_QUERY_TIMEOUT", float),
        ("max_results", "KG_MAX_RESULTS", int),
        ("max_request_bytes", "KG_MAX_REQUEST_BYTES", int),
    ):
        if os.environ.get(name):
            env[key] = cast(os.environ[name])
    env.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**env)
