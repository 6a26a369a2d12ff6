"""The data files read with libyaml's parser give what PyYAML's reference parser gives."""

from __future__ import annotations

import pytest
import yaml

from conftest import ROOT
from kg.datafile import load_yaml


def test_every_data_file_reads_as_the_reference_parser_reads_it():
    files = sorted({*ROOT.glob("data/**/*.yaml"), *ROOT.glob("src/kg/**/*.yaml")})
    assert len(files) > 20
    for path in files:
        assert load_yaml(path) == yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader), path


def test_a_malformed_file_raises_the_parser_error_naming_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("terms:\n  - one\n  two: [\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError, match="line"):
        load_yaml(bad)
