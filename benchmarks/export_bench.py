"""GraphML and GEXF writing, before and after streaming, side by side on one synthetic corpus.

*before*: kg's writers up to this change — the whole graph assembled in networkx
(``result.graph``, settled again from every shard), copied with the view
attributes, and written by networkx's GraphML and GEXF writers (the graph
assembled once and reused for GEXF, as the build did). *after*: the
streaming writers of :mod:`kg.exporters.graphml` and :mod:`kg.exporters.gexf`
over the shards' views. The corpus is built once (``--exports ntriples``);
each side then runs in its own child process, which opens the build again
(a rebuild with nothing to do), resets its peak resident size
(``/proc/self/clear_refs``) and writes both files. Reported: wall time per
file, the process's resident size before writing and at its peak (and the
difference), and how many
edges python-igraph reads from each GraphML file (and how many distinct edge ids).

    python benchmarks/export_bench.py --items 20000

Measured on the 2-core development machine (256 shards; 66,045 nodes, 160,885 edges):

    GraphML and GEXF of 20,000 synthetic items
              graphml s   gexf s   both s +peak MB         RSS MB  igraph nodes / edges  edge ids files MB
    before        26.59    18.49    45.07     1026     58 -> 1083      66,045 / 160,885         4    124.5
    after          2.90     2.18     5.09        1       58 -> 58      66,045 / 160,885   160,885    121.7

("edge ids": distinct ids among the GraphML edges. Before, an edge's key (its relation)
was its id, so 160,885 edges shared 4 ids; igraph and networkx ignore edge ids, but
readers that key edges by id — Gephi, GraphStream — refuse the repeats.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r'''
import json, re, sys, time
from pathlib import Path
import kg

def status(field):
    text = Path("/proc/self/status").read_text()
    return int(re.search(field + r":\s+(\d+) kB", text).group(1)) / 1024

corpus, out, side = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
result = kg.build([corpus], out=out, ner="none", exports=("ntriples",))
import networkx as nx
from kg.exporters import gexf, graphml

def before_graphml(result):
    flat = nx.MultiDiGraph()
    for node, data in result.graph.nodes(data=True):
        attrs = {"type": data["type"], "label": str(data.get("label", ""))}
        for key in ("url", "domain", "published", "iso", "score", "scale", "by_reference"):
            if data.get(key) is not None:
                value = data[key]
                attrs[key] = value.isoformat() if hasattr(value, "isoformat") else value
        flat.add_node(node, **attrs)
    for u, v, key, data in result.graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, relation=data["relation"])
    return flat

def old_graphml(result):
    yield ("\n".join(nx.generate_graphml(before_graphml(result), prettyprint=True)) + "\n").encode()

def old_gexf(result):
    text = "\n".join(nx.generate_gexf(before_graphml(result), prettyprint=True))
    yield re.sub(r'\s*lastmodifieddate="[^"]*"', "", text).encode() + b"\n"

def new_graphml(result):
    return graphml.graphml_chunks(result.pieces.views())

def new_gexf(result):
    return gexf.gexf_chunks(result.pieces.views())

writers = {"before": (old_graphml, old_gexf), "after": (new_graphml, new_gexf)}[side]
import ctypes, gc
gc.collect()
ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed heap back, so the base is what is in use
Path("/proc/self/clear_refs").write_text("5")
base = status("VmRSS")
report = {"base_mb": base}
for name, write in zip(("graph.graphml", "graph.gexf"), writers):
    start = time.perf_counter()
    with open(out / (side + "-" + name), "wb") as fh:
        for chunk in write(result):
            fh.write(chunk)
    report[name] = time.perf_counter() - start
report["peak_mb"] = status("VmHWM") - base
report["hwm_mb"] = status("VmHWM")
print(json.dumps(report))
'''

COUNT = r'''
import sys, igraph
from lxml import etree
g = igraph.Graph.Read_GraphML(sys.argv[1])
ids = [e.get("id") for e in etree.parse(sys.argv[1]).getroot().iter("{*}edge")]
print(g.vcount(), g.ecount(), len(set(ids)))
'''


def child(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--work", type=Path, help="folder for the corpus and outputs (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        corpus, out = work / "in", work / "out"
        if not corpus.is_dir():
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--items", str(args.items), "--out", str(corpus)],
                           check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--ner", "none",
                        "--exports", "ntriples", "-q"], check=True)
        rows = {side: json.loads(child(CHILD, str(corpus), str(out), side)) for side in ("before", "after")}
        print(f"GraphML and GEXF of {args.items:,} synthetic items")
        print(f"{'':8} {'graphml s':>10} {'gexf s':>8} {'both s':>8} {'+peak MB':>8} {'RSS MB':>14} "
              f"{'igraph nodes / edges':>21} {'edge ids':>9} {'files MB':>8}")
        for side, r in rows.items():
            nodes, edges, ids = (int(x) for x in child(COUNT, str(out / f"{side}-graph.graphml")).split())
            size = sum((out / f"{side}-{name}").stat().st_size for name in ("graph.graphml", "graph.gexf")) / 1e6
            rss = f"{r['base_mb']:.0f} -> {r['hwm_mb']:.0f}"
            seen = f"{nodes:,} / {edges:,}"
            print(f"{side:8} {r['graph.graphml']:>10.2f} {r['graph.gexf']:>8.2f} "
                  f"{r['graph.graphml'] + r['graph.gexf']:>8.2f} {r['peak_mb']:>8.0f} {rss:>14} "
                  f"{seen:>21} {ids:>9,} {size:>8.1f}")

if __name__ == "__main__":
    main()
