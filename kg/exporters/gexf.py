"""GEXF 1.2 for Gephi: the label as the node's label, type and the other view attributes as attvalues.

Streamed like :mod:`kg.exporters.graphml`: fixed attribute declarations
(ids = names, :data:`kg.exporters.xmltext.NODE_ATTRS` less ``label``), every
node, then every edge in a second pass over the shards' views, with ids
``e0``, ``e1`` … No write date, so the same graph gives the same bytes.

>>> from kg.pieces import ShardView
>>> views = [ShardView({"https://x.org/a": {"type": "article", "label": "A", "by_reference": True, "degree": 1},
...                     "https://x.org/o": {"type": "outlet", "label": "O", "degree": 1}},
...                    [("https://x.org/a", "https://x.org/o", "publisher", "publisher")])]
>>> text = b"".join(gexf_chunks(views)).decode()
>>> text.count("<node "), text.count('<edge id="e'), '<attvalue for="by_reference" value="true" />' in text
(2, 1, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..pieces import ShardView
from . import Export, Files
from .xmltext import EDGE_ATTRS, NODE_ATTRS, batched, node_values, numbered_edges, quoted, reiterable

NAME = "gexf"
FILENAME = "graph.gexf"
NS = "http://www.gexf.net/1.2draft"


def _declare(kind: str, attrs: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f'      <attribute id="{name}" title="{name}" type="{t}" />\n' for name, t in attrs)
    return f'    <attributes class="{kind}" mode="static">\n{rows}    </attributes>\n'


def header() -> str:
    """The XML declaration, the root, ``<meta>``, the graph and its attribute declarations."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<gexf xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{NS} {NS}/gexf.xsd" version="1.2">\n'
            "  <meta>\n    <creator>kg</creator>\n  </meta>\n"
            '  <graph defaultedgetype="directed" mode="static">\n'
            + _declare("node", [a for a in NODE_ATTRS if a[0] != "label"]) + _declare("edge", EDGE_ATTRS))


def node_elements(views: Iterable[ShardView]) -> Iterator[str]:
    """One ``<node>`` element per node of every view."""
    for view in views:
        for iri, attrs in view.nodes.items():
            label, values = "", []
            for name, value in node_values(attrs):
                if name == "label":
                    label = value
                else:
                    values.append(f'          <attvalue for="{name}" value={quoted(value)} />\n')
            yield (f"      <node id={quoted(iri)} label={quoted(label)}>\n"
                   f"        <attvalues>\n{''.join(values)}        </attvalues>\n      </node>\n")


def edge_elements(views: Iterable[ShardView]) -> Iterator[str]:
    """One ``<edge>`` element per edge of every view, numbered in that order."""
    for eid, source, target, relation in numbered_edges(views):
        yield (f'      <edge id="{eid}" source={quoted(source)} target={quoted(target)}>\n'
               f'        <attvalues>\n          <attvalue for="relation" value={quoted(relation)} />\n'
               "        </attvalues>\n      </edge>\n")


def gexf_chunks(views: Iterable[ShardView]) -> Iterator[bytes]:
    """GEXF of the graph whose shards are *views* (walked twice: nodes, then edges)."""
    views = reiterable(views)
    yield header().encode("utf-8")
    yield b"    <nodes>\n"
    yield from batched(node_elements(views))
    yield b"    </nodes>\n    <edges>\n"
    yield from batched(edge_elements(views))
    yield b"    </edges>\n  </graph>\n</gexf>\n"


def files(export: Export) -> Files:
    """GEXF of the settled graph, streamed from its shards' views."""
    yield FILENAME, gexf_chunks(export.pieces.views())
