"""Page size and time to first drawing of graph.html in headless Chromium.

For each size, a typed graph shaped like kg's (articles linked to outlets,
topics and people, to each other by related coverage, and most of them in
stories) is laid out and written by kg's HTML exporter, then opened in
Debian's Chromium through Playwright. Times: from navigation to the page's
first complete drawing (``window.kgReady``, the median of three loads), a
10-step pan, and the switch from the overview to the whole graph. ``--corpus``
does the same for the page ``kg build`` writes for real folders.

    python benchmarks/html_bench.py --sizes 1000 5000 10000
    python benchmarks/html_bench.py --sizes --corpus ../shared/corpus ../shared/seeds
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from kg.exporters.html import render_page

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
NEXT_FRAMES = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
WORDS = ("chip export rules tighten again as regulators weigh facial recognition limits while startups "
         "raise funds for language models and courts hear privacy suits over data brokers").split()


def synthetic_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """About *n* nodes: 60 % articles (most in stories of 2–40), outlets, topics, people."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    articles = int(n * 0.55)
    outlets, topics = max(1, n // 20), max(1, n // 50)
    people = max(1, n - articles - outlets - topics - articles // 6)
    for i in range(outlets):
        g.add_node(f"o{i}", type="outlet", label=f"Outlet {i}")
    for i in range(topics):
        g.add_node(f"t{i}", type="topic", label=f"Topic {i}")
    for i in range(people):
        g.add_node(f"p{i}", type="person", label=f"Person {i}")
    story, left = 0, 0
    for i in range(articles):
        a = f"a{i}"
        day = f"2023-{1 + i * 12 // articles:02d}-{1 + i % 28:02d}"
        g.add_node(a, type="article", label=" ".join(rng.choices(WORDS, k=9)).capitalize(), published=day)
        g.add_edge(a, f"o{min(int(rng.paretovariate(1.1)) - 1, outlets - 1)}", key="publisher", relation="publisher")
        g.add_edge(a, f"t{rng.randrange(topics)}", key="about", relation="about")
        if rng.random() < 0.5:
            g.add_edge(a, f"p{rng.randrange(people)}", key="mentions", relation="mentions")
        if left == 0 and rng.random() < 0.3:  # a new story of 2–40 articles
            left = min(int(rng.paretovariate(1.2)) + 1, 40)
            s = f"s{story}"
            story += 1
            g.add_node(s, type="story", label=g.nodes[a]["label"], published=day, article_count=left)
        if left:
            g.add_edge(a, f"s{story - 1}", key="story", relation="story")
            left -= 1
            if left and rng.random() < 0.6:
                g.add_edge(a, f"a{max(0, i - 1)}", key="related", relation="related")
    for s, d in g.nodes(data=True):
        if d["type"] == "story":
            members = [u for u, _v in g.in_edges(s)]
            d["article_count"] = len(members)
            d["last_published"] = max(g.nodes[u]["published"] for u in members)
            d["outlet_count"] = len({v for u in members for _u, v, r in g.out_edges(u, data="relation") if r == "publisher"})
    return g


def measure(browser: Any, path: Path, repeat: int = 3) -> dict[str, Any]:
    """Median time to first drawing over *repeat* loads; then, on the last load, the nodes
    drawn, a pan, and the switch to the whole graph (when the page has one)."""
    times = []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=600_000)
        times.append(time.perf_counter() - start)
        if len(times) < repeat:
            page.close()
    row = {"ready": sorted(times)[len(times) // 2], "drawn": int(page.evaluate("document.body.dataset.kgNodes"))}
    start = time.perf_counter()
    page.mouse.move(700, 450)
    page.mouse.down()
    page.mouse.move(500, 350, steps=10)
    page.mouse.up()
    page.evaluate(NEXT_FRAMES)
    row["pan"] = time.perf_counter() - start
    row["whole"] = None
    if page.evaluate("typeof kg.mode === 'function' && kg.mode() === 'overview'"):
        start = time.perf_counter()
        page.click("#mode")
        page.evaluate(NEXT_FRAMES)
        row["whole"] = time.perf_counter() - start
    page.close()
    return row


def corpus_page(folders: list[Path], tmp: Path) -> tuple[str, int, Path, float]:
    """The page a real build writes: its name, edges, path and the time to write it."""
    import kg
    from kg.builder import write_outputs

    result = kg.build(folders, out=None)
    start = time.perf_counter()
    write_outputs(result, tmp / "corpus", ("html",))
    took = time.perf_counter() - start
    return f"corpus {sum(result.pieces.node_counts.values())}", sum(result.pieces.edge_counts.values()), \
        tmp / "corpus" / "graph.html", took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--corpus", type=Path, nargs="*", default=[], help="also time the page kg builds for these folders")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        pages = []
        for n in args.sizes:
            graph = synthetic_graph(n)
            start = time.perf_counter()
            page = render_page(graph, title=f"{n} nodes")
            path = Path(tmp) / f"g{n}.html"
            path.write_bytes(page)
            pages.append((str(graph.number_of_nodes()), graph.number_of_edges(), path, time.perf_counter() - start))
        if args.corpus:
            pages.append(corpus_page(args.corpus, Path(tmp)))
        for name, edges, path, write in pages:
            rows.append((name, edges, path.stat().st_size / 1e6, write, measure(browser, path)))
        browser.close()
    print(f"{'nodes':>12} {'edges':>7} {'page MB':>8} {'layout+write s':>15} {'drawn':>6} {'first drawing s':>16} "
          f"{'pan s':>6} {'whole graph s':>14}")
    for name, edges, mb, write, m in rows:
        whole = f"{m['whole']:.2f}" if m["whole"] is not None else "-"
        print(f"{name:>12} {edges:>7} {mb:>8.1f} {write:>15.1f} {m['drawn']:>6} {m['ready']:>16.2f} {m['pan']:>6.2f} {whole:>14}")


if __name__ == "__main__":
    main()
