"""GraphML for Gephi, Cytoscape, yEd and igraph: node type, label and the other view attributes.

Streamed from the settled shards' views (:class:`kg.pieces.ShardView`) in
shard order, so the same graph gives the same bytes and memory holds a
shard, not the graph: the ``<key>`` declarations are fixed
(:data:`kg.exporters.xmltext.NODE_ATTRS`, key id = attribute name), then
every node, then, in a second pass over the views, every edge. Node ids
are the IRIs; edge ids are ``e0``, ``e1`` … in the order written (readers
that key edges by id, such as Gephi, refuse an id they have already seen).

>>> from kg.pieces import ShardView
>>> views = [ShardView({"https://x.org/a": {"type": "article", "label": "A & B", "degree": 1},
...                     "https://x.org/o": {"type": "outlet", "label": "O", "degree": 2}},
...                    [("https://x.org/a", "https://x.org/o", "publisher", "publisher")]),
...          ShardView({"https://x.org/b": {"type": "article", "label": "B", "degree": 1}},
...                    [("https://x.org/b", "https://x.org/o", "publisher", "publisher")])]
>>> text = b"".join(graphml_chunks(views)).decode()
>>> text.count("<node "), text.count('<edge id="e'), "A &amp; B" in text
(3, 2, True)
>>> text.index('<edge id="e0"') > text.rindex("<node ")
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..pieces import ShardView
from . import Export, Files
from .xmltext import EDGE_ATTRS, NODE_ATTRS, batched, node_values, numbered_edges, quoted, reiterable, text

NAME = "graphml"
FILENAME = "graph.graphml"
NS = "http://graphml.graphdrawing.org/xmlns"


def header() -> str:
    """The XML declaration, the root element and the fixed ``<key>`` declarations."""
    keys = [f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{kind}" />\n' for name, kind in NODE_ATTRS]
    keys += [f'  <key id="{name}" for="edge" attr.name="{name}" attr.type="{kind}" />\n' for name, kind in EDGE_ATTRS]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<graphml xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{NS} {NS}/1.0/graphml.xsd">\n'
            + "".join(keys) + '  <graph edgedefault="directed">\n')


def node_elements(views: Iterable[ShardView]) -> Iterator[str]:
    """One ``<node>`` element per node of every view."""
    for view in views:
        for iri, attrs in view.nodes.items():
            data = "".join(f'      <data key="{name}">{text(value)}</data>\n' for name, value in node_values(attrs))
            yield f"    <node id={quoted(iri)}>\n{data}    </node>\n"


def edge_elements(views: Iterable[ShardView]) -> Iterator[str]:
    """One ``<edge>`` element per edge of every view, numbered in that order."""
    for eid, source, target, relation in numbered_edges(views):
        yield (f'    <edge id="{eid}" source={quoted(source)} target={quoted(target)}>\n'
               f'      <data key="relation">{text(relation)}</data>\n    </edge>\n')


def graphml_chunks(views: Iterable[ShardView]) -> Iterator[bytes]:
    """GraphML of the graph whose shards are *views* (walked twice: nodes, then edges)."""
    views = reiterable(views)
    yield header().encode("utf-8")
    yield from batched(node_elements(views))
    yield from batched(edge_elements(views))
    yield b"  </graph>\n</graphml>\n"


def files(export: Export) -> Files:
    """GraphML of the settled graph, streamed from its shards' views."""
    yield FILENAME, graphml_chunks(export.pieces.views())
