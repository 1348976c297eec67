"""Page size and time to first drawing of graph.html in headless Chromium.

For each size, a typed graph shaped like kg's (articles linked to outlets,
topics, people, and to each other by related coverage) is laid out and
written by kg's HTML exporter, then opened in Debian's Chromium through
Playwright; the time runs from navigation to the page's first complete
drawing (``window.kgReady``), then a pan is timed. ``--corpus`` does the same
for the page ``kg build`` writes for real folders (the shared corpus: ``--corpus
../shared/corpus ../shared/seeds``).

    python benchmarks/html_bench.py --sizes 1000 10000 50000
    python benchmarks/html_bench.py --sizes --corpus ../shared/corpus ../shared/seeds
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.exporters.html import render_page

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def synthetic_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    articles = int(n * 0.6)
    outlets = max(1, n // 20)
    topics = max(1, n // 50)
    people = n - articles - outlets - topics
    for i in range(outlets):
        g.add_node(f"o{i}", type="outlet", label=f"Outlet {i}")
    for i in range(topics):
        g.add_node(f"t{i}", type="topic", label=f"Topic {i}")
    for i in range(people):
        g.add_node(f"p{i}", type="person", label=f"Person {i}")
    for i in range(articles):
        a = f"a{i}"
        g.add_node(a, type="article", label=f"Article {i} about things")
        g.add_edge(a, f"o{min(int(rng.paretovariate(1.1)) - 1, outlets - 1)}", key="publisher", relation="publisher")
        g.add_edge(a, f"t{rng.randrange(topics)}", key="about", relation="about")
        if people > 0 and rng.random() < 0.5:
            g.add_edge(a, f"p{rng.randrange(people)}", key="mentions", relation="mentions")
        if i and rng.random() < 0.6:
            g.add_edge(a, f"a{rng.randrange(max(0, i - 30), i)}", key="related", relation="related")
    return g


def measure(browser, path: Path, repeat: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median time to first drawing over *repeat* loads, and the pan after the last one."""
    times = []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=600_000)
        times.append(time.perf_counter() - start)
        if len(times) < repeat:
            page.close()
    ready = sorted(times)[len(times) // 2]
    start = time.perf_counter()
    page.mouse.move(700, 450)
    page.mouse.down()
    page.mouse.move(500, 350, steps=10)
    page.mouse.up()
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    pan = time.perf_counter() - start
    page.close()
    return ready, pan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 50000])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--corpus", type=Path, nargs="*", default=[], help="also time the page kg builds for these folders")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        for n in args.sizes:
            graph = synthetic_graph(n)
            start = time.perf_counter()
            page = render_page(graph, title=f"{n} nodes")
            build = time.perf_counter() - start
            path = Path(tmp) / f"g{n}.html"
            path.write_bytes(page)
            ready, pan = measure(browser, path)
            rows.append((f"{n}", graph.number_of_edges(), len(page) / 1e6, build, ready, pan))
        if args.corpus:
            rows.append(corpus_row(browser, args.corpus, Path(tmp)))
        browser.close()
    print(f"{'nodes':>7} {'edges':>7} {'page MB':>8} {'layout+write s':>15} {'first drawing s':>16} {'pan s':>6}")
    for n, e, mb, build, ready, pan in rows:
        print(f"{n:>7} {e:>7} {mb:>8.1f} {build:>15.1f} {ready:>16.2f} {pan:>6.2f}")


def corpus_row(browser, folders: list[Path], tmp: Path) -> tuple[str, int, float, float, float, float]:  # type: ignore[no-untyped-def]
    """The page of a real build: its node count (as drawn), and the same timings."""
    import kg
    from kg.builder import write_outputs

    result = kg.build(folders, out=None)
    start = time.perf_counter()
    write_outputs(result, tmp / "corpus", ("html",))
    build = time.perf_counter() - start
    path = tmp / "corpus" / "graph.html"
    ready, pan = measure(browser, path)
    edges = sum(result.pieces.edge_counts.values())
    return (f"corpus {sum(result.pieces.node_counts.values())}", edges, path.stat().st_size / 1e6, build, ready, pan)


if __name__ == "__main__":
    main()
