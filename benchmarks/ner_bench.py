"""Quality and speed of the entity extractors on hand-labelled real documents.

    python benchmarks/ner_bench.py            # needs ../shared beside the project

Prints precision / recall / F1 per type and extractor against
``tests/ner/gold.json``, and documents per second over the whole shared
corpus (every text field, related entries included).
"""

from __future__ import annotations

import time
from pathlib import Path

from kg.extract import available, get_extractor
from kg.extract.base import extract_all
from kg.extract.run import known_names, texts
from kg.extract.score import load_gold, score
from kg.inputs import collect_files, read_file

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main() -> None:
    gold = load_gold(ROOT / "tests" / "ner" / "gold.json", SHARED)
    files, _ = collect_files([SHARED / "corpus", SHARED / "seeds"])
    docs = [d for file_docs, *_rest in (read_file(p, n, None, {}) for p, n in files) for d in file_docs]
    known = known_names(docs)
    items = [(text, field) for doc in docs for text, field, _r in texts(doc)]
    print(f"{len(gold)} labelled documents; speed over {len(docs)} documents ({len(items)} texts)\n")
    print(f"{'extractor':<9} {'type':<13} {'precision':>9} {'recall':>7} {'F1':>6}")
    speeds = {}
    for name in available():
        if name == "none":
            continue
        extractor = get_extractor(name, known=known)
        for kind, (p, r, f) in score(extractor, gold).items():
            print(f"{name:<9} {kind:<13} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
        start = time.perf_counter()
        extract_all(extractor, items)
        speeds[name] = len(docs) / (time.perf_counter() - start)
    print()
    for name, rate in speeds.items():
        print(f"{name:<9} {rate:,.0f} documents/s (one process)")


if __name__ == "__main__":
    main()
