"""Load time and library-query times: embedded Oxigraph store vs rdflib, side by side.

Builds (or reuses) the graph of a synthetic corpus, then in one run:
loads ``graph.nt`` into rdflib and into Oxigraph (in memory and on disk),
and runs every library query without parameters (plus the parameterised
ones with a sample value) on each, reporting seconds and the speed-up.

    python benchmarks/generate.py --items 100000 --out /tmp/synth-100k
    kg build /tmp/synth-100k --out /tmp/synth-100k-out --exports ntriples
    python benchmarks/sparql_bench.py /tmp/synth-100k-out/graph.nt

rdflib is slow on large graphs; ``--rdflib-timeout`` skips a query on rdflib
after one run takes longer than that many seconds (reported as ">N").
"""

from __future__ import annotations

import argparse
import signal
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.query import library, substitutions

SAMPLES = {"topic": "AI", "organization": "Ministry of Commerce", "person": "Ana Walsh", "goalNumber": "4",
           "dimension": "Framing Bias"}


def sample_params(store, q) -> dict[str, str]:  # type: ignore[no-untyped-def]
    params = {}
    for p in q.params:
        if p.type == "article":
            row = next(iter(store.query("SELECT ?a WHERE { ?a kg:relatedCoverage ?b } LIMIT 1", prefixes=PREFIXES)))
            params[p.name] = row["a"].value
        elif not p.optional:
            params[p.name] = SAMPLES.get(p.name, "x")
    return params


def rdflib_query(graph, text: str, params: dict[str, str], declared) -> int:  # type: ignore[no-untyped-def]
    from rdflib import Literal, URIRef, Variable

    bindings = {}
    for var, term in substitutions(params, declared).items():
        value = term.value
        bindings[Variable(var.value)] = URIRef(value) if isinstance(term, ox.NamedNode) else Literal(
            value, datatype=URIRef(term.datatype.value) if term.datatype.value != PREFIXES["xsd"] + "string" else None)
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    return len(list(graph.query(prologue + text, initBindings=bindings)))


def _timeout(signum, frame):  # type: ignore[no-untyped-def]
    raise TimeoutError


def main() -> None:
    signal.signal(signal.SIGALRM, _timeout)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ntriples", type=Path)
    parser.add_argument("--rdflib-timeout", type=float, default=60.0,
                        help="seconds before an rdflib query is given up (reported as >N; speed-up then a lower bound)")
    parser.add_argument("--skip-rdflib", action="store_true")
    args = parser.parse_args()
    data = args.ntriples.read_bytes()
    rows = []

    start = time.perf_counter()
    mem = ox.Store()
    mem.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    ox_load = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        disk = ox.Store(tmp + "/store")
        disk.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        disk.flush()
        disk_load = time.perf_counter() - start
        rd = None
        rd_load = float("nan")
        if not args.skip_rdflib:
            from rdflib import Graph

            start = time.perf_counter()
            rd = Graph()
            rd.parse(data=data.decode("utf-8"), format="nt")
            rd_load = time.perf_counter() - start
        triples = len(mem)
        print(f"{triples:,} triples. load: oxigraph memory {ox_load:.1f} s, oxigraph disk {disk_load:.1f} s, rdflib {rd_load:.1f} s",
              flush=True)
        for q in library():
            params = sample_params(mem, q)
            subs = substitutions(params, q.params)
            timings = {}
            for name, store in (("memory", mem), ("disk", disk)):
                runs = []
                for _ in range(3):
                    start = time.perf_counter()
                    n = len(list(store.query(q.text, prefixes=PREFIXES, substitutions=subs or None)))
                    runs.append(time.perf_counter() - start)
                timings[name] = statistics.median(runs)
            rd_time = float("nan")
            if rd is not None:
                start = time.perf_counter()
                signal.alarm(int(args.rdflib_timeout))
                try:
                    rdflib_query(rd, q.text, params, q.params)
                    rd_time = time.perf_counter() - start
                except (RecursionError, TimeoutError):  # rdflib recurses on property paths; or too slow
                    rd_time = float("inf")
                finally:
                    signal.alarm(0)
            rows.append((q.name, n, timings["memory"], timings["disk"], rd_time))
            if len(rows) == 1:
                print(f"{'query':<30} {'rows':>7} {'ox mem s':>9} {'ox disk s':>9} {'rdflib s':>9} {'speed-up':>9}")
            r = rd_time
            shown = f"{r:>9.2f}" if r != float("inf") else f"{'>' + str(int(args.rdflib_timeout)):>9}"
            print(f"{q.name:<30} {n:>7} {timings['memory']:>9.3f} {timings['disk']:>9.3f} {shown} "
                  f"{min(r, args.rdflib_timeout) / max(timings['disk'], 1e-6):>8.0f}x", flush=True)
    disk_times = [d for _n, _r, _m, d, _rd in rows]
    print(f"median on-disk query {statistics.median(disk_times):.3f} s, slowest {max(disk_times):.3f} s")


if __name__ == "__main__":
    main()
