"""Quality and speed of the entity extractors on hand-labelled real documents.

    python benchmarks/ner_bench.py                   # quality, speed and rebuild (needs ../shared)
    python benchmarks/ner_bench.py quality rebuild   # some parts only

quality   precision / recall / F1 per type and extractor against ``tests/ner/gold.json``,
          on the documents rules were tuned on and, apart, on the held-out ones
          (:func:`kg.extract.score.held_out`), with the names the corpus gives in fields;
speed     documents/s and characters/s over every distinct text of the shared corpus
          (related entries included): kg's extraction (both steps, kg's workers) beside
          spaCy's raw ``nlp.pipe`` over the same texts with the same components, in 1 and 2
          processes;
rebuild   texts the model reads again when one file with a new organisation's name is
          added to a built corpus.

The quality and rebuild parts use only ``kg.extract.score`` and ``kg.build``, so they also
run against an older kg (``PYTHONPATH=old-checkout``) for a before/after table.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import kg
from kg.extract import available, get_extractor
from kg.extract.run import known_names, texts
from kg.extract.score import load_gold, score
from kg.inputs import collect_files, read_file

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FEED = {
    "version": "https://jsonfeed.org/version/1.1", "title": "Quayside Courier",
    "home_page_url": "https://www.quayside-courier.example/",
    "items": [{"id": "qc-1", "url": "https://www.quayside-courier.example/2024/05/ferry-sensors",
               "title": "Ferry operator fits sensors to count passengers",
               "summary": "Marlow Ferry Lines will share the counts with the port authority in Lisbon.",
               "date_published": "2024-05-02T08:00:00+00:00"}],
}


def corpus_docs() -> list:
    files, _ = collect_files([SHARED / "corpus", SHARED / "seeds"])
    return [d for file_docs, *_rest in (read_file(p, n, None, {}) for p, n in files) for d in file_docs]


def quality(docs: list) -> None:
    try:
        from kg.extract.score import held_out
    except ImportError:  # an older kg: the same split
        import hashlib

        def held_out(file: str) -> bool:
            return int(hashlib.sha256(file.encode("utf-8")).hexdigest(), 16) % 3 == 0
    gold = load_gold(ROOT / "tests" / "ner" / "gold.json", SHARED)
    entries = json.loads((ROOT / "tests" / "ner" / "gold.json").read_text(encoding="utf-8"))["documents"]
    parts = {"tuned": [g for g, e in zip(gold, entries) if not held_out(e["file"])],
             "held-out": [g for g, e in zip(gold, entries) if held_out(e["file"])], "all": gold}
    known = known_names(docs)
    print(f"quality: {len(gold)} labelled documents ({', '.join(f'{k} {len(v)}' for k, v in parts.items())})")
    print(f"{'extractor':<9} {'documents':<9} {'type':<13} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name in [n for n in available() if n != "none"]:
        extractor = get_extractor(name, known=known)
        for part, labelled in parts.items():
            if not labelled:
                continue
            for kind, (p, r, f) in score(extractor, labelled).items():
                print(f"{name:<9} {part:<9} {kind:<13} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    print()


def speed(docs: list) -> None:
    from kg.extract.run import model_spans
    from kg.extract.spacy_ner import pieces

    seen: set[tuple[str, str]] = set()
    items = [(t, f) for d in docs for t, f, _r in texts(d) if not ((t, f) in seen or seen.add((t, f)))]
    chars = sum(len(t) for t, _f in items)
    print(f"speed: {len(docs)} documents, {len(items)} distinct texts, {chars:,} characters")
    print(f"{'what':<34} {'processes':>9} {'documents/s':>12} {'characters/s':>13} {'of raw':>7}")
    for name in [n for n in available() if n != "none"]:
        extractor = get_extractor(name, known=known_names(docs))
        for (t, f), s in zip(items[:20], extractor.spans(items[:20])):  # load lists and patterns once
            extractor.finish(t, f, s)
        for workers in (1, 2):
            raw = None
            if name == "spacy":
                nlp = extractor.nlp  # type: ignore[attr-defined]
                jobs = [p for t, f in items for _o, p in pieces(t)]
                start = time.perf_counter()
                for _doc in nlp.pipe(jobs, batch_size=256, n_process=workers):
                    pass
                raw = time.perf_counter() - start
                print(f"{'spaCy nlp.pipe (' + '+'.join(nlp.pipe_names) + ')':<34} {workers:>9} "
                      f"{len(docs) / raw:>12,.0f} {chars / raw:>13,.0f}")
            start = time.perf_counter()
            spans = model_spans(extractor, items, workers=workers)
            _mentions = [extractor.finish(t, f, s) for (t, f), s in zip(items, spans)]
            took = time.perf_counter() - start
            share = f"{raw / took:>7.0%}" if raw else ""
            print(f"{'kg ' + name:<34} {workers:>9} {len(docs) / took:>12,.0f} {chars / took:>13,.0f} {share}")
    print()


def rebuild() -> None:
    ner = available()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "extra"
        extra.mkdir()
        out = Path(tmp) / "out"
        first = kg.build([SHARED / "corpus", SHARED / "seeds", extra], ner=ner, out=out)
        (extra / "quayside.feed.json").write_text(json.dumps(FEED), encoding="utf-8")
        start = time.perf_counter()
        second = kg.build([SHARED / "corpus", SHARED / "seeds", extra], ner=ner, out=out)
        took = time.perf_counter() - start
    print(f"rebuild ({ner}): first build read {first.extraction['extracted']} texts with the model; after adding "
          f"one file with a new organisation ('Quayside Courier'), the rebuild read "
          f"{second.extraction['extracted']} of {second.extraction['texts']} texts again ({took:.1f} s)")
    print()


def main(argv: list[str]) -> None:
    parts = argv or ["quality", "speed", "rebuild"]
    docs = corpus_docs() if {"quality", "speed"} & set(parts) else []
    if "quality" in parts:
        quality(docs)
    if "speed" in parts:
        speed(docs)
    if "rebuild" in parts:
        rebuild()


if __name__ == "__main__":
    main(sys.argv[1:])
