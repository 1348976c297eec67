"""kg build against the obvious pipeline, side by side on the same synthetic corpus.

The obvious pipeline is what a user would write first: python-frontmatter to
load each feed item, rdflib triples for the article, its outlet, topics and
related entries, one in-memory rdflib Graph, serialised as Turtle. Both run
as child processes in one run, so their wall time, items/s, triples/s, peak
memory (RSS) and output sizes compare directly.

    python benchmarks/generate.py --items 10000 --out /tmp/synth-10k
    python benchmarks/build_bench.py /tmp/synth-10k                       # the whole table
    python benchmarks/build_bench.py /tmp/synth-10k --before ../kg-old     # and an older checkout's rows
    python benchmarks/build_bench.py /tmp/synth-10k --before A --after B   # two checkouts side by side

The table: the obvious pipeline; ``kg build --ner none --exports turtle,html``;
``kg build --ner none`` (every default export); ``kg build`` with every default
(entities from text by the default extractor). ``--config`` picks rows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
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


def tree_pss_kb(root: int) -> int:
    """Proportional set size of *root* and all its descendants, in KB (from /proc): pages
    shared by forked workers are counted once in total, not once per process."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        todo.extend(children.get(pid, []))
    return total


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS of the largest process (MB, GNU time), peak memory of all its
    processes together (MB, proportional set size sampled every 0.2 s) and stdout."""
    with tempfile.NamedTemporaryFile("r") as stats:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", stats.name, *cmd], stdout=subprocess.PIPE, text=True)
        peak = 0
        sampler_done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not sampler_done.wait(0.2):
                peak = max(peak, tree_pss_kb(proc.pid))

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        out, _ = proc.communicate()
        wall = time.perf_counter() - start
        sampler_done.set()
        thread.join()
        if proc.returncode:
            raise SystemExit(f"{cmd} failed with exit code {proc.returncode}")
        peak_kb = int(stats.read().strip().splitlines()[-1])
    return wall, peak_kb / 1024, peak / 1024, out


def edit_one(corpus: Path) -> Path:
    """Change the headline of one feed item (the middle one) in place."""
    files = sorted(corpus.rglob("*.md"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    return path


#: The rows of the table: name → kg build arguments.
CONFIGS = {
    "turtle+html": "--ner none --exports turtle,html",
    "no-ner": "--ner none",
    "defaults": "",
}


def in_checkout(code: Path | None, cmd: list[str]) -> tuple[float, float, float, str]:
    """:func:`run` *cmd* with the kg of the checkout *code* (else this one)."""
    if code is None:
        return run(cmd)
    here = os.getcwd()
    os.chdir(code)  # "python -m kg" imports the kg of the working folder first
    try:
        return run(["env", f"PYTHONPATH={code}", *cmd])
    finally:
        os.chdir(here)


def kg_row(code: Path | None, corpus: Path, args: str, out_dir: Path) -> tuple[float, float, float, int, int]:
    """Run one kg build (of the checkout *code*, else this one) and measure it."""
    cmd = [sys.executable, "-m", "kg", "build", str(corpus.resolve()), "-q", *args.split(),
           "--out", str(out_dir.resolve())]
    wall, rss, total, _ = in_checkout(code, cmd)
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str((out_dir / "store").resolve()))
    triples = len(store)
    del store
    return wall, rss, total, triples, (out_dir / "graph.ttl").stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS), help="rows to run (default: all)")
    parser.add_argument("--before", type=Path, help="also run the same rows with this older kg checkout")
    parser.add_argument("--after", type=Path, help="run the kg rows with this checkout instead of this one")
    parser.add_argument("--kg-args", default=None, help="run one kg row with these arguments instead")
    parser.add_argument("--keep", type=Path, help="keep kg's output folder here (e.g. for sparql_bench.py)")
    parser.add_argument("--skip-obvious", action="store_true", help="only run kg (e.g. at 1,000,000 items)")
    parser.add_argument("--rebuild", action="store_true",
                        help="then edit one file, rebuild, and compare with a clean build of the edited corpus")
    args = parser.parse_args()
    items = sum(1 for _ in args.corpus.rglob("*.md"))
    configs = {"custom": args.kg_args} if args.kg_args is not None else {
        name: CONFIGS[name] for name in (args.config or CONFIGS)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_obvious:
            ttl = Path(tmp) / "obvious.ttl"
            wall, rss, total, out = run([sys.executable, "-c", OBVIOUS, str(args.corpus), str(ttl)])
            rows.append(("obvious rdflib pipeline", wall, rss, total, int(out.strip()), ttl.stat().st_size))
        for label, code in (("before", args.before), ("kg", args.after)):
            if label == "before" and code is None:
                continue
            for name, kg_args in configs.items():
                out_dir = args.keep if args.keep and code is None else Path(tmp) / f"{label}-{name}"
                rows.append((f"{label} {name}", *kg_row(code, args.corpus, kg_args, out_dir)))
        print(f"{items:,} feed items")
        print(f"{'pipeline':<26} {'wall s':>8} {'items/s':>9} {'triples':>10} {'triples/s':>10} "
              f"{'largest MB':>11} {'all procs MB':>13} {'ttl MB':>7}")
        for name, wall, rss, total, triples, size in rows:
            print(f"{name:<26} {wall:>8.1f} {items / wall:>9,.0f} {triples:>10,} {triples / wall:>10,.0f} "
                  f"{rss:>11,.0f} {total:>13,.0f} {size / 1e6:>7.1f}")
        if not args.skip_obvious:
            for name, wall, *_rest in rows[1:]:
                print(f"{name} / obvious: {rows[0][1] / wall:.2f}x the speed")
        kg = [sys.executable, "-m", "kg", "build", str(args.corpus.resolve()), "-q",
              *next(iter(configs.values())).split()]
        out_dir = (args.keep or Path(tmp) / f"kg-{next(iter(configs))}").resolve()
        if args.rebuild:
            edited = edit_one(args.corpus)
            again, rss, total, _ = in_checkout(args.after, [*kg, "--out", str(out_dir)])
            print(f"rebuild after editing {edited.name}: {again:.2f} s = {100 * again / rows[-1][1]:.1f}% of the clean build; "
                  f"largest process {rss:,.0f} MB, all {total:,.0f} MB")
            clean = (Path(tmp) / "clean").resolve()
            in_checkout(args.after, [*kg, "--out", str(clean)])
            same = [name for name in ("graph.ttl", "graph.html", "report.json", "merges.json")
                    if (clean / name).read_bytes() == (out_dir / name).read_bytes()]
            print(f"identical to a clean build of the edited corpus: {', '.join(same) or 'none'}")


if __name__ == "__main__":
    main()
