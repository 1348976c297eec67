"""The Dask engine runs the same readers and gives the same graph as the local engine."""

from __future__ import annotations

import pyoxigraph

from kg.cli import main

from .conftest import CORPUS, SEEDS, need_shared


def test_dask_engine_same_graph_and_nquads(tmp_path):
    need_shared()
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["build", str(CORPUS), str(SEEDS), "--out", str(local), "-q", "--ner", "rules"]) == 0
    assert main(["build", str(CORPUS), str(SEEDS), "--out", str(dask), "-q", "--ner", "rules", "--engine", "dask"]) == 0
    assert (local / "graph.nt").read_bytes() == (dask / "graph.nt").read_bytes()
    assert (local / "report.json").read_bytes() == (dask / "report.json").read_bytes()
    shards = sorted((dask / "nquads").glob("part-*.nq"))
    assert shards
    store = pyoxigraph.Store()
    for shard in shards:
        store.bulk_load(path=str(shard), format=pyoxigraph.RdfFormat.N_QUADS)
    graph = pyoxigraph.NamedNode("https://w3id.org/newskg/graph")
    assert len(list(store.quads_for_pattern(None, None, None, graph))) == len((local / "graph.nt").read_bytes().splitlines())
