"""Items per second of the feed and news-API readers, on a corpus made by repeating the samples.

The real samples in ../shared/formats (feeds and news-API JSON) and the fictional ones
in data/ are decoded once at the door (``as_source``), then each reader reads its own
files over and over for at least ``--seconds``; the count is of records read (articles
plus item failures), so a file of 55 feed items counts 55. Beside each reader, the
parser alone (``feedparser.parse`` for feeds, ``json.loads`` for JSON) reads the same
files, so the share of the time kg's own mapping takes is visible. Detection is timed apart.

    python benchmarks/feeds_bench.py --seconds 5
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Callable
from pathlib import Path

from kg.readers import detect_format, get_reader
from kg.sources import as_source

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT.parent / "shared" / "formats" / "feeds", ROOT.parent / "shared" / "formats" / "json",
           ROOT / "data" / "feeds", ROOT / "data" / "api"]


def corpus() -> dict[str, list[tuple[str, str]]]:
    """Format → ``(name, text)`` of every sample file that format reads and that holds articles."""
    by_format: dict[str, list[tuple[str, str]]] = {}
    for folder in FOLDERS:
        for path in sorted(p for p in folder.glob("*") if p.is_file() and p.suffix != ".tsv"):
            text = as_source(path).text
            fmt = detect_format(text)
            if fmt in ("rss", "jsonfeed", "newsapi"):
                try:
                    get_reader(fmt).read(text, path.name)
                except Exception:  # noqa: BLE001 - error bodies (no articles) are not throughput
                    continue
                by_format.setdefault(fmt, []).append((path.name, text))
    return by_format


def rate(read: Callable[[str, str], int], files: list[tuple[str, str]], seconds: float) -> tuple[int, int, float]:
    """``(files, records, records per second)`` for one way of reading the files."""
    records = rounds = 0
    start = time.perf_counter()
    while True:
        for name, text in files:
            records += read(text, name)
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return len(files) * rounds, records, records / elapsed


def kg_reader(fmt: str) -> Callable[[str, str], int]:
    """kg's reader; its cache of parsed JSON is emptied first, as each file of a real build is new."""
    from kg.readers.jsontext import _cached

    reader = get_reader(fmt)

    def read(text: str, name: str) -> int:
        _cached.cache_clear()
        return len(reader.read(text, name))

    return read


def parser_only(fmt: str) -> Callable[[str, str], int]:
    """The bare parser on the same text, counting what kg would count."""
    if fmt == "rss":
        import feedparser

        return lambda text, name: len(feedparser.parse(io.BytesIO(text.encode("utf-8")), sanitize_html=False,
                                                       resolve_relative_uris=False)["entries"])
    counts: dict[str, int] = {}

    def parse(text: str, name: str) -> int:
        for line in text.splitlines() if name.endswith(".jsonl") else [text]:
            if line.strip():
                json.loads(line)
        if name not in counts:
            counts[name] = len(get_reader(fmt).read(text, name))
        return counts[name]

    return parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    files = corpus()
    print(f"{'reader':<10} {'files':>7} {'records':>9} {'records/s':>10}   {'parser alone/s':>14}  kg's share")
    for fmt in ("rss", "jsonfeed", "newsapi"):
        if fmt in files:
            n_files, n_records, per_second = rate(kg_reader(fmt), files[fmt], args.seconds)
            _f, _r, bare = rate(parser_only(fmt), files[fmt], args.seconds / 2)
            share = 1 - per_second / bare
            print(f"{fmt:<10} {n_files:>7} {n_records:>9} {per_second:>10,.0f}   {bare:>14,.0f}  {share:>9.0%}")
    texts = [text for group in files.values() for _n, text in group]
    start = time.perf_counter()
    rounds = 0
    while time.perf_counter() - start < 1.0:
        for text in texts:
            detect_format(text)
        rounds += 1
    print(f"detection: {rounds * len(texts) / (time.perf_counter() - start):,.0f} files/s")


if __name__ == "__main__":
    main()
