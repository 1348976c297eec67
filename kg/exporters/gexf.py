"""GEXF for Gephi: node type and label as attributes.

>>> FILENAME
'graph.gexf'
"""

from __future__ import annotations

import re
from typing import Any

from . import Export, Files
from .graphml import flat_graph

NAME = "gexf"
FILENAME = "graph.gexf"


def render(graph: Any) -> bytes:
    """A networkx graph as GEXF 1.2 (without the write date, so output is stable)."""
    import networkx as nx

    text = "\n".join(nx.generate_gexf(flat_graph(graph), prettyprint=True))
    text = re.sub(r'\s*lastmodifieddate="[^"]*"', "", text)
    return text.encode("utf-8") + b"\n"


def files(export: Export) -> Files:
    from ..graph import assemble

    yield FILENAME, [render(assemble(export.pieces))]
