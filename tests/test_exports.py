"""GraphML and GEXF: streamed from the shards, read back by independent readers (lxml, networkx,
python-igraph) with every node, edge and attribute of the graph, on the real corpus and on a
synthetic corpus large enough to be built in 256 shards."""

from __future__ import annotations

import gc
import math
import re
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.exporters import DEFAULT_EXPORTS, ExporterModule, get_exporter
from kg.exporters.gexf import gexf_chunks
from kg.exporters.graphml import graphml_chunks
from kg.exporters.xmltext import NODE_ATTRS
from kg.builder import write_outputs
from kg.exporters import Export
from kg.facts.shuffle import LARGE_SHARDS
from kg.pieces import VIEW_ATTRS
from kg.pieces import ShardView, ShardViews

ROOT = Path(__file__).resolve().parent.parent
#: An XML name without a colon (NCName), as GraphML and GEXF ids should be.
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
FORMATS = ("graphml", "gexf")


@pytest.mark.parametrize("name", DEFAULT_EXPORTS)
def test_every_exporter_meets_the_protocol(name):
    assert isinstance(get_exporter(name), ExporterModule)


def test_declared_attributes_are_the_view_attributes():
    assert [name for name, _ in NODE_ATTRS] == list(VIEW_ATTRS)


# ---- readers: each returns (nodes {id: attributes}, sorted [(source, target, relation)])

def lxml_edges(path: Path) -> list[str]:
    """Edge ids, by lxml (a strict parser: malformed XML raises)."""
    from lxml import etree

    return [e.get("id") for e in etree.parse(str(path)).getroot().iter("{*}edge")]


def nx_graphml(path: Path):
    g = nx.read_graphml(path, force_multigraph=True)
    return dict(g.nodes(data=True)), sorted((u, v, d["relation"]) for u, v, d in g.edges(data=True))


def nx_gexf(path: Path):
    g = nx.read_gexf(path)
    return dict(g.nodes(data=True)), sorted((u, v, d["relation"]) for u, v, d in g.edges(data=True))


def igraph_graphml(path: Path, names: set[str] | None = None):
    """igraph gives every vertex every declared attribute; unset ones (None, NaN, "") are dropped,
    and only *names* kept when given."""
    import igraph

    g = igraph.Graph.Read_GraphML(str(path))
    ids = g.vs["id"]

    def keep(k, x):
        unset = x is None or x == "" or (isinstance(x, float) and math.isnan(x))
        return k != "id" and not unset and (names is None or k in names)

    nodes = {v["id"]: {k: x for k, x in v.attributes().items() if keep(k, x)} for v in g.vs}
    return nodes, sorted((ids[e.source], ids[e.target], e["relation"]) for e in g.es)


def networkx_files(graph: nx.MultiDiGraph, folder: Path) -> Path:
    """GraphML and GEXF as kg wrote them before streaming: networkx's writers over a copy of
    the graph with the view attributes (the reference the streamed files must match)."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {k: (v.isoformat() if hasattr(v, "isoformat") else " | ".join(v) if isinstance(v, list) else v)
                 for k, v in data.items() if k in VIEW_ATTRS and v not in (None, [])}
        flat.add_node(node, **{**attrs, "label": str(data.get("label", ""))})
    for u, v, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, relation=data["relation"])
    folder.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(flat, folder / "graph.graphml")
    nx.write_gexf(flat, folder / "graph.gexf")
    return folder


def assert_same_as_networkx(streamed: Path, reference: Path, nodes: int, edges: int) -> None:
    new, old = nx_graphml(streamed / "graph.graphml"), nx_graphml(reference / "graph.graphml")
    assert (len(new[0]), len(new[1])) == (nodes, edges)
    assert new == old
    old_ig = igraph_graphml(reference / "graph.graphml")
    names = {k for attrs in old_ig[0].values() for k in attrs}
    new_ig = igraph_graphml(streamed / "graph.graphml", names)
    assert (len(new_ig[0]), len(new_ig[1])) == (nodes, edges)
    assert new_ig == old_ig
    new_gexf, old_gexf = nx_gexf(streamed / "graph.gexf"), nx_gexf(reference / "graph.gexf")
    assert (len(new_gexf[0]), len(new_gexf[1])) == (nodes, edges)
    assert new_gexf == old_gexf


# ---- the shared corpus

@pytest.fixture(scope="module")
def corpus_files(corpus_result, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus-xml")
    write_outputs(corpus_result, out, FORMATS, store=False)
    return out


@pytest.mark.parametrize("name", ["graph.graphml", "graph.gexf"])
def test_edge_ids_are_unique_xml_names(corpus_files, corpus_result, name):
    """Gephi keeps only the first edge with a given id; ids must be unique and valid XML names."""
    ids = lxml_edges(corpus_files / name)
    assert len(ids) == sum(corpus_result.pieces.edge_counts.values()) > 2000
    assert len(set(ids)) == len(ids)
    assert all(NCNAME.match(i) for i in ids)


def test_strict_readers_see_every_edge(corpus_files, corpus_result):
    import igraph

    g = igraph.Graph.Read_GraphML(str(corpus_files / "graph.graphml"))
    assert (g.vcount(), g.ecount()) == (sum(corpus_result.pieces.node_counts.values()), sum(corpus_result.pieces.edge_counts.values()))
    assert nx.read_graphml(corpus_files / "graph.graphml", force_multigraph=True).number_of_edges() == g.ecount()


def test_corpus_same_as_networkx(corpus_files, corpus_result, tmp_path):
    reference = networkx_files(corpus_result.graph, tmp_path / "reference")
    assert_same_as_networkx(corpus_files, reference, sum(corpus_result.pieces.node_counts.values()), sum(corpus_result.pieces.edge_counts.values()))
    root = nx.read_graphml(corpus_files / "graph.graphml", force_multigraph=True)
    walsh = [d for _, d in root.nodes(data=True) if d["label"] == "Matthew Walsh"]
    assert walsh and walsh[0]["type"] == "person"


def test_streams_are_byte_stable(corpus_result):
    for name in FORMATS:
        exporter = get_exporter(name)
        first, second = (b"".join(b"".join(c) for _n, c in exporter.files(Export(corpus_result.pieces, 5000)))
                         for _ in range(2))
        assert first == second and len(first) > 100_000


def test_seeds_files(seeds_out, seeds_result):
    """The files ``kg build`` writes (conftest's seeds build) carry the node types and labels."""
    g = nx.read_graphml(seeds_out / "graph.graphml", force_multigraph=True)
    assert g.number_of_nodes() == seeds_result.graph.number_of_nodes()
    assert g.number_of_edges() == seeds_result.graph.number_of_edges()
    assert {"article", "outlet", "topic", "person", "organization", "place"} <= {d["type"] for _, d in g.nodes(data=True)}
    h = nx.read_gexf(seeds_out / "graph.gexf")
    assert "Matthew Walsh" in {d["label"] for _, d in h.nodes(data=True)}


# ---- a synthetic corpus of 2,500 files: 256 shards

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--items", "2500", "--out",
                    str(folder / "in")], check=True, capture_output=True)
    result = kg.build([folder / "in"], ner="none", out=None)
    write_outputs(result, folder / "out", FORMATS, store=False)
    return result, folder


@pytest.mark.slow
def test_synthetic_same_as_networkx(synthetic):
    result, folder = synthetic
    assert result.pieces.shards == LARGE_SHARDS
    reference = networkx_files(result.graph, folder / "reference")
    assert_same_as_networkx(folder / "out", reference, sum(result.pieces.node_counts.values()), sum(result.pieces.edge_counts.values()))
    for name in ("graph.graphml", "graph.gexf"):
        ids = lxml_edges(folder / "out" / name)
        assert len(set(ids)) == len(ids) == sum(result.pieces.edge_counts.values())


@pytest.mark.slow
def test_kg_view_reads_the_streamed_graphml(synthetic, tmp_path):
    from kg.cli import main

    _result, folder = synthetic
    out = tmp_path / "top.html"
    assert main(["view", "--graph", str(folder / "out" / "graph.graphml"), "--max-nodes", "200", "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000


# ---- the writers on their own: one shard in memory, text that XML cannot hold

def test_writers_hold_one_shard_at_a_time():
    """A view is let go once the next is read, so memory holds a shard or two, not the graph."""
    alive: list[weakref.ref] = []

    class Nodes(dict):  # a dict that weakref can follow
        pass

    def read() -> Iterator[ShardView]:
        for shard in range(20):
            gc.collect()
            held = sum(r() is not None for r in alive)  # the for loop may still name the last one
            assert held <= 1, f"{held} shard views still held when reading shard {shard}"
            nodes = Nodes({f"https://x.org/{shard}/{i}": {"type": "topic", "label": f"T{i}"} for i in range(50)})
            alive.append(weakref.ref(nodes))
            edges = [(f"https://x.org/{shard}/{i}", f"https://x.org/{shard}/{i + 1}", "related", "related")
                     for i in range(49)]
            yield ShardView(nodes, edges)
            del nodes, edges

    for write in (graphml_chunks, gexf_chunks):
        alive.clear()
        data = b"".join(write(ShardViews(read)))
        assert data.count(b"<node ") == 1000 and data.count(b"<edge ") == 980


def test_hostile_text_stays_well_formed(tmp_path):
    """Quotes, markup, line breaks, control characters and lone surrogates in labels and IRIs."""
    label = 'Say "<b>hi</b>" & \'bye\'\nnext line\ttab \x00\x0b\x1f bell\x07 \ud800 ok \U0001F600'
    iri = 'https://x.org/a?b=1&c="2"<3>'
    views = [ShardView({iri: {"type": "article", "label": label, "url": iri, "by_reference": False},
                        "https://x.org/o": {"type": "outlet", "label": "", "domain": "x.org"}},
                       [(iri, "https://x.org/o", "publisher", "publisher")])]
    (tmp_path / "graph.graphml").write_bytes(b"".join(graphml_chunks(views)))
    (tmp_path / "graph.gexf").write_bytes(b"".join(gexf_chunks(views)))
    assert lxml_edges(tmp_path / "graph.graphml") == lxml_edges(tmp_path / "graph.gexf") == ["e0"]
    expected = label.replace("\x00", "\ufffd").replace("\x0b", "\ufffd").replace("\x1f", "\ufffd") \
        .replace("\x07", "\ufffd").replace("\ud800", "\ufffd")
    for nodes, edges in (nx_graphml(tmp_path / "graph.graphml"), nx_gexf(tmp_path / "graph.gexf")):
        assert nodes[iri]["label"] == expected
        assert nodes[iri]["by_reference"] is False
        assert nodes["https://x.org/o"]["domain"] == "x.org"
        assert edges == [(iri, "https://x.org/o", "publisher")]


def test_empty_graph(tmp_path):
    (tmp_path / "graph.graphml").write_bytes(b"".join(graphml_chunks([])))
    (tmp_path / "graph.gexf").write_bytes(b"".join(gexf_chunks([ShardView({}, [])])))
    assert nx_graphml(tmp_path / "graph.graphml") == ({}, [])
    assert nx_gexf(tmp_path / "graph.gexf") == ({}, [])
