#!/usr/bin/env python3
"""How the build's cost grows with the length of one document: 125 KB to 1 MB.

The document is the repository's documents in one language, each derived as in
``build_scale.py`` (other organisations, places, figures and years), one after another until
the size is reached. For each size it runs ``kg build`` on a corpus of that document alone
(a fresh ``var``) and prints the seconds of each stage, and the seconds per 100 KB: a flat
last column is linear growth.

    python bench/long_document.py                     # en, 125 KB … 1 MB
    python bench/long_document.py --lang ru --sizes 250,1000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_scale import CorpusMaker, run_kg, stages  # noqa: E402


def long_text(maker: CorpusMaker, lang: str, size: int) -> str:
    pieces, total, i = [], 0, 0
    while total < size:
        _, doc_lang, text, _ = maker.document(i)
        i += 1
        if doc_lang != lang:
            continue
        pieces.append(text.strip() + "\n\n")
        total += len(pieces[-1].encode("utf-8"))
    text = "".join(pieces)
    return text.encode("utf-8")[:size].decode("utf-8", "ignore").rsplit("\n", 1)[0] + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="en", choices=("en", "ru", "az"))
    parser.add_argument("--sizes", default="125,250,500,1000", help="sizes in KB (1 KB = 1,000 bytes)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    maker = CorpusMaker()
    work = Path(tempfile.mkdtemp(prefix="kg-long-"))
    rows = []
    try:
        for kb in [int(s) for s in args.sizes.split(",") if s]:
            folder = work / f"sources-{kb}"
            folder.mkdir()
            name = f"long_{args.lang}_{kb}kb.txt"
            (folder / name).write_text(long_text(maker, args.lang, kb * 1000), encoding="utf-8")
            (folder / "metadata.json").write_text(json.dumps({name: {"language": args.lang}}), encoding="utf-8")
            # (the build's default jobs, one per core: one document's validation goes on in a
            # second process beside the store, the entailments and the search index)
            seconds, peak, out = run_kg(["build"],
                                        {"KG_SOURCES": str(folder), "KG_VAR": str(work / f"var-{kb}")})
            row = {"kb": kb, "seconds": round(seconds, 1), "peak_memory_mb": round(peak / 2**20),
                   "stages": stages(out), "summary": [line for line in out.splitlines() if " quads;" in line]}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'KB':>5} {'build s':>8} {'s / 100 KB':>10} {'peak MB':>8}  stages (s)")
    for r in rows:
        st = ", ".join(f"{k} {v:g}" for k, v in r["stages"].items())
        print(f"{r['kb']:>5} {r['seconds']:>8.1f} {r['seconds'] / r['kb'] * 100:>10.2f} {r['peak_memory_mb']:>8}  {st}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
