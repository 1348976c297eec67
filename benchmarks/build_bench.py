"""kg build against the obvious pipeline, side by side on the same synthetic corpus.

The obvious pipeline is what a user would write first: python-frontmatter to
load each feed item, rdflib triples for the article, its outlet, topics and
related entries, one in-memory rdflib Graph, serialised as Turtle. Both run
as child processes in one run, so their wall time, items/s, triples/s, peak
memory (RSS) and output sizes compare directly.

    python benchmarks/generate.py --items 10000 --out /tmp/synth-10k
    python benchmarks/build_bench.py /tmp/synth-10k
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OBVIOUS = r'''
import sys, pathlib, frontmatter, rdflib
from rdflib import Graph, Literal, URIRef, Namespace, RDF
S = Namespace("https://schema.org/")
g = Graph()
g.bind("schema", S)
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.md")):
    post = frontmatter.load(path)
    m = post.metadata
    a = URIRef(m["webUrl"])
    g.add((a, RDF.type, S.NewsArticle))
    g.add((a, S.headline, Literal(m.get("title", ""))))
    if m.get("excerpt"):
        g.add((a, S.description, Literal(m["excerpt"])))
    if m.get("publishedDateTime"):
        g.add((a, S.datePublished, Literal(m["publishedDateTime"])))
    p = m.get("provider") or {}
    if p.get("domain"):
        o = URIRef("https://" + p["domain"] + "/")
        g.add((a, S.publisher, o))
        g.add((o, S.name, Literal(p.get("name", ""))))
    for t in m.get("topics") or []:
        g.add((a, S.about, Literal(str(t))))
    for img in m.get("images") or []:
        g.add((a, S.image, URIRef(img["url"])))
    for r in m.get("related") or []:
        b = URIRef(r["webUrl"])
        g.add((a, S.relatedLink, b))
        g.add((b, S.headline, Literal(r.get("title", ""))))
        rp = r.get("provider") or {}
        if rp.get("domain"):
            g.add((b, S.publisher, URIRef("https://" + rp["domain"] + "/")))
g.serialize(sys.argv[2], format="turtle")
print(len(g))
'''


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS of the command and its children (MB, from GNU time) and its stdout."""
    with tempfile.NamedTemporaryFile("r") as stats:
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", stats.name, *cmd], check=True,
                             capture_output=True, text=True).stdout
        wall = time.perf_counter() - start
        peak_kb = int(stats.read().strip().splitlines()[-1])
    return wall, peak_kb / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kg-args", default="--exports turtle,ntriples,html --ner none --max-nodes 5000")
    parser.add_argument("--keep", type=Path, help="keep kg's output folder here (e.g. for sparql_bench.py)")
    args = parser.parse_args()
    items = sum(1 for _ in args.corpus.rglob("*.md"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ttl = Path(tmp) / "obvious.ttl"
        wall, rss, out = run([sys.executable, "-c", OBVIOUS, str(args.corpus), str(ttl)])
        rows.append(("obvious rdflib pipeline", wall, rss, int(out.strip()), ttl.stat().st_size))
        out_dir = args.keep or Path(tmp) / "kg"
        wall, rss, _ = run([sys.executable, "-m", "kg", "build", str(args.corpus), "--out", str(out_dir), "-q",
                            *args.kg_args.split()])
        triples = sum(1 for _ in open(out_dir / "graph.nt", "rb")) if (out_dir / "graph.nt").exists() else 0
        if not triples:
            import pyoxigraph

            triples = len(list(pyoxigraph.parse(path=str(out_dir / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)))
        rows.append(("kg build", wall, rss, triples, (out_dir / "graph.ttl").stat().st_size))
    print(f"{items:,} feed items")
    print(f"{'pipeline':<26} {'wall s':>8} {'items/s':>9} {'triples':>10} {'triples/s':>10} {'peak RSS MB':>12} {'ttl MB':>7}")
    for name, wall, rss, triples, size in rows:
        print(f"{name:<26} {wall:>8.1f} {items / wall:>9,.0f} {triples:>10,} {triples / wall:>10,.0f} {rss:>12,.0f} {size / 1e6:>7.1f}")
    print(f"kg build / obvious: {rows[0][1] / rows[1][1]:.2f}x the speed")


if __name__ == "__main__":
    main()
