"""The benchmark runs end to end at a tiny size (it is a benchmark, not a timed test)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_bench_small_run(tmp_path):
    proc = subprocess.run(
        [sys.executable, "bench/bench.py", "--small", "--countries", "2", "--reps", "1", "--seconds", "0.5",
         "--work", str(tmp_path / "work"), "--json", str(tmp_path / "bench.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "| query | kg serve ms | oxigraph ms | rdflib-endpoint ms |" in out
    assert "| 4 clients |" in out and "targets (new texts):" in out
    assert "result sizes differ" not in out
    import json

    results = json.loads((tmp_path / "bench.json").read_text())
    assert results["triples"] > 5000
    assert set(results["modes"]) == {"new"}
    # the CPU of every process of a server: kg serve's own process answers no query
    cpu = results["modes"]["new"]["cpu_us_per_query"]
    assert cpu["4"]["kg serve"] > 20 and cpu["4"]["oxigraph"] > 0, cpu
    assert "The servers' CPU per point lookup" in out
    for name, row in results["modes"]["new"]["queries"].items():
        assert isinstance(row["kg serve"]["size"], int), (name, row)
        assert row["kg serve"]["size"] == row["oxigraph"]["size"], name
