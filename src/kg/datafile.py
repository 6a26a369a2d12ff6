"""Reading the project's YAML data files (the lexicon, the language rules, the web's
messages): one loader, with libyaml's parser when PyYAML was built with it — the same
data, eight times faster than the pure-Python parser, which every build process paid for
its thirty files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path | str) -> Any:
    """The data of the YAML file at ``path`` (safe tags only); raises OSError or
    yaml.YAMLError."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
