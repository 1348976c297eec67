"""GraphML and GEXF: read back with a plain XML parser, counts and attributes intact."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kg.exporters import DEFAULT_EXPORTS, ExporterModule, get_exporter

import pytest


@pytest.mark.parametrize("name", DEFAULT_EXPORTS)
def test_every_exporter_meets_the_protocol(name):
    assert isinstance(get_exporter(name), ExporterModule)


def test_graphml(seeds_out, seeds_result):
    root = ET.parse(seeds_out / "graph.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
    nodes = root.findall(".//g:node", ns)
    edges = root.findall(".//g:edge", ns)
    assert len(nodes) == seeds_result.graph.number_of_nodes()
    assert len(edges) == seeds_result.graph.number_of_edges()
    types = {d.text for n in nodes for d in n.findall("g:data", ns) if keys[d.get("key")] == "type"}
    assert {"article", "outlet", "topic", "person", "organization", "place"} <= types


def test_gexf(seeds_out, seeds_result):
    root = ET.parse(seeds_out / "graph.gexf").getroot()
    tag = lambda name: f"{{http://www.gexf.net/1.2draft}}{name}"  # noqa: E731
    nodes = list(root.iter(tag("node")))
    assert len(nodes) == seeds_result.graph.number_of_nodes()
    assert len(list(root.iter(tag("edge")))) == seeds_result.graph.number_of_edges()
    assert any(n.get("label") == "Matthew Walsh" for n in nodes)
