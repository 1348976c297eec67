"""GraphML for Gephi, Cytoscape and yEd: node type and label as attributes.

>>> FILENAME
'graph.graphml'
"""

from __future__ import annotations

from typing import Any

from . import Export, Files

NAME = "graphml"
FILENAME = "graph.graphml"


def flat_graph(graph: Any) -> Any:
    """A copy with only scalar attributes (what GraphML and GEXF can hold)."""
    import networkx as nx

    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {"type": data["type"], "label": str(data.get("label", ""))}
        for key in ("url", "domain", "published", "iso", "score", "scale", "by_reference"):
            if data.get(key) is not None:
                value = data[key]
                attrs[key] = value.isoformat() if hasattr(value, "isoformat") else value
        flat.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, relation=data["relation"])
    return flat


def render(graph: Any) -> bytes:
    """A networkx graph as GraphML."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(flat_graph(graph), prettyprint=True)).encode("utf-8") + b"\n"


def files(export: Export) -> Files:
    from ..graph import assemble

    yield FILENAME, [render(assemble(export.pieces))]
