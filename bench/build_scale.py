#!/usr/bin/env python3
"""How the build's cost grows with the corpus: 100, 1,000 and 10,000 documents.

The corpus is derived from the real documents in the repository (``data/sources``,
``tests/corpus/dev``, ``tests/documents``): document *i* is template *i mod n* with the
organisations, countries and cities the pipeline finds in it replaced by others from the
lexicon and the gazetteer (the same one for every mention of an entity), its figures
changed and its dates moved by a number of years (the same for every date of the
document, so that what it says happened first still did): no two documents state the same
thing.

For each size it runs ``kg build`` on a fresh ``var`` directory and prints the build time
per stage, the peak memory of the build (the proportional set size of its processes,
summed, sampled every 0.2 s), the time per document, the time ``kg ingest`` takes to add
one more document to the built graph, and the time of a rebuild with nothing changed.

    python bench/build_scale.py                     # 100, 1,000 and 10,000 documents
    python bench/build_scale.py --sizes 100         # what CI runs
    python bench/build_scale.py --sizes 1000 --json scale.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TEMPLATE_DIRS = (ROOT / "data" / "sources", ROOT / "tests" / "corpus" / "dev", ROOT / "tests" / "documents")


# -- the corpus ---------------------------------------------------------------------------

def _templates() -> list[tuple[str, str, str, dict]]:
    """(name, language, text, metadata) of every real document in the repository."""
    out = []
    for folder in TEMPLATE_DIRS:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.txt")):
            entry = meta.get(path.name)
            if entry:
                out.append((path.stem, entry["language"], path.read_text(encoding="utf-8"), entry))
    return out


def _gazetteer_places(min_population: int = 300_000) -> dict[str, dict[str, list[str]]]:
    """{"Country": {lang: [names]}, "Settlement": {lang: [names]}} from the gazetteer table."""
    out: dict[str, dict[str, list[str]]] = {"Country": {}, "Settlement": {}}
    langs = ("en", "ru", "az")
    for line in (ROOT / "data" / "lexicon" / "gazetteer.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#index"):
            break
        if line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 9 or cells[1] not in out:
            continue
        if cells[1] == "Settlement" and int(cells[4] or 0) < min_population:
            continue
        for lang, cell in zip(langs, cells[6:9]):
            names = [n.lstrip("*~") for n in cell.split("|") if n and not n.startswith(("*", "~"))]
            if names:
                out[cells[1]].setdefault(lang, []).append(names[0])
    return out


class CorpusMaker:
    """Derives documents from the templates (see the module's docstring)."""

    def __init__(self, seed: int = 15):
        from kg.resources import load_resources

        self.seed = seed
        self.templates = _templates()
        resources = load_resources(ROOT / "data" / "lexicon", ROOT / "ontology")
        entities = resources.entities()
        places = _gazetteer_places()
        orgs: dict[str, list[str]] = {}
        for key, info in resources.lexicon.entities.items():
            if key.startswith("organisation/") and not info.generated:
                for lang, label in info.labels.items():
                    orgs.setdefault(lang, []).append(label)
        self.pools = {"Country": places["Country"], "Settlement": places["Settlement"], "organisation": orgs}
        # where each template names an organisation, a country or a city (the pipeline's own
        # finding: inflected Russian and Azerbaijani forms included)
        from kg.extraction import extract_document
        from kg.sources import Document

        self.spans: list[list[tuple[int, int, str, str]]] = []
        for name, lang, text, meta in self.templates:
            doc = Document(name, name + ".txt", lang, "", meta.get("kind", "Article"), "", "", "", text, "")
            spans = []
            for m in extract_document(doc, resources).mentions:
                kind = m.kind
                if kind == "place":
                    info = entities.get(m.entity)
                    kind = info.cls if info is not None else ""
                if kind in self.pools and m.role in ("name", "acronym"):
                    spans.append((m.start, m.end, kind, m.entity))
            spans.sort()
            kept, last = [], -1
            for span in spans:
                if span[0] >= last:
                    kept.append(span)
                    last = span[1]
            self.spans.append(kept)

    def document(self, i: int) -> tuple[str, str, str, dict]:
        """Document ``i``: (file name, language, text, metadata entry)."""
        rng = random.Random(self.seed * 1_000_003 + i)
        t = i % len(self.templates)
        name, lang, text, meta = self.templates[t]
        chosen: dict[str, str] = {}
        years = rng.randint(-20, 0)
        pieces, at = [], 0
        for start, end, kind, entity in self.spans[t]:
            pool = self.pools[kind].get(lang) or self.pools[kind]["en"]
            if entity not in chosen:
                chosen[entity] = rng.choice(pool)
            pieces.append(_renumber(text[at:start], rng, years))
            pieces.append(chosen[entity])
            at = end
        pieces.append(_renumber(text[at:], rng, years))
        entry = {"language": lang, "kind": meta.get("kind", "Article")}
        if meta.get("date"):
            entry["date"] = str(int(meta["date"][:4]) + years) + meta["date"][4:]
        return f"d{i:05d}_{name[:40]}.txt", lang, "".join(pieces), entry

    def write(self, folder: Path, n: int, start: int = 0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta_file = folder / "metadata.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        for i in range(start, start + n):
            file_name, _, text, entry = self.document(i)
            (folder / file_name).write_text(text, encoding="utf-8")
            meta[file_name] = entry
        meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


# a number standing alone: not part of a date or time written with separators (17.05.2024,
# 2:30), which stay as they are
_NUMBER = re.compile(r"(?<![\w.:/-])(\d{1,4})(?![\w:/-]|[.,]\d)")


def _renumber(text: str, rng: random.Random, years: int) -> str:
    """Numbers changed: every year moved by ``years`` (so that what a document says happened
    first still did), days left as they are, other numbers drawn with as many digits."""
    def change(m: re.Match) -> str:
        digits = m.group(1)
        value = int(digits)
        if len(digits) == 4 and 1900 <= value <= 2099:
            return str(value + years)
        if len(digits) <= 2 and 1 <= value <= 31:
            return digits
        return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))
    return _NUMBER.sub(change, text)


# -- measuring ----------------------------------------------------------------------------

class PeakMemory:
    """The peak of the summed proportional set size (PSS) of a process and its descendants:
    memory shared by forked workers counted once, divided among them."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for p in procs:
                try:
                    total += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_kg(args: list[str], env: dict) -> tuple[float, int, str]:
    """Run ``kg ARGS``: (seconds, peak memory in bytes, its output)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if proc.returncode != 0:
        FAILED.append(f"kg {' '.join(args)}")
        print(f"kg {' '.join(args)} failed ({proc.returncode}):\n{out[-3000:]}", file=sys.stderr)
    return seconds, peak, out


FAILED: list[str] = []  # the runs of kg that failed (the benchmark exits non-zero)


def stages(output: str) -> dict[str, float]:
    """The stage times the build prints ('built in 12.3 s (extract 4.5 s, …)')."""
    m = re.search(r"built in [\d.]+ s \(([^)]*)\)", output)
    out = {}
    for part in (m.group(1).split(", ") if m else []):
        name, value, _ = part.rsplit(" ", 2)
        out[name] = float(value)
    return out


def measure(maker: CorpusMaker, n: int, work: Path, jobs: int | None) -> dict:
    folder = work / f"corpus-{n}"
    var = work / f"var-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(var, ignore_errors=True)
    t = time.perf_counter()
    maker.write(folder, n)
    made = time.perf_counter() - t
    env = {"KG_SOURCES": str(folder), "KG_VAR": str(var)}
    jobs_args = ["--jobs", str(jobs)] if jobs else []
    seconds, peak, out = run_kg(["build", "--keep-going", *jobs_args], env)
    row = {"documents": n, "corpus_seconds": round(made, 1), "build_seconds": round(seconds, 1),
           "peak_memory_mb": round(peak / 2**20), "seconds_per_document": round(seconds / n, 4),
           "stages": stages(out), "summary": [line for line in out.splitlines() if " quads;" in line]}
    # one more document into the built graph
    file_name, lang, text, _ = maker.document(n)
    extra = work / file_name
    extra.write_text(text, encoding="utf-8")
    row["ingest_one_seconds"], _, out = run_kg(["ingest", str(extra), "--lang", lang], env)
    row["ingest_one_seconds"] = round(row["ingest_one_seconds"], 1)
    row["ingest_stages"] = stages(out)
    # and a rebuild with nothing changed
    row["rebuild_unchanged_seconds"], _, out = run_kg(["build", "--keep-going", *jobs_args], env)
    row["rebuild_unchanged_seconds"] = round(row["rebuild_unchanged_seconds"], 1)
    row["rebuild_stages"] = stages(out)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--jobs", type=int, default=None, help="kg build --jobs (default: one per core)")
    parser.add_argument("--work", type=Path, default=None, help="directory for the corpora and stores (kept)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    maker = CorpusMaker()
    rows = []
    for n in sizes:
        row = measure(maker, n, work, args.jobs)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print()
    print(f"{'documents':>9} {'build s':>8} {'s/doc':>7} {'peak MB':>8} {'+1 doc s':>8} {'rebuild s':>9}  stages (s)")
    for r in rows:
        st = ", ".join(f"{k} {v:g}" for k, v in r["stages"].items())
        print(f"{r['documents']:>9} {r['build_seconds']:>8.1f} {r['seconds_per_document']:>7.3f} "
              f"{r['peak_memory_mb']:>8} {r['ingest_one_seconds']:>8.1f} {r['rebuild_unchanged_seconds']:>9.1f}  {st}")
    if len(rows) > 1:
        a, b = rows[-2], rows[-1]
        print(f"cost per document at {b['documents']} / at {a['documents']}: "
              f"{b['seconds_per_document'] / a['seconds_per_document']:.2f}×")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    if FAILED:
        raise SystemExit("failed: " + "; ".join(FAILED))


if __name__ == "__main__":
    main()
