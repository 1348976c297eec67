"""GEXF for Gephi: node type and label as attributes.

>>> NAME, FILENAME
('gexf', 'graph.gexf')
"""

from __future__ import annotations

import re
from typing import Any

from .graphml import flat_graph

NAME = "gexf"
FILENAME = "graph.gexf"


def render(result: Any) -> bytes:
    """The result's graph as GEXF 1.2 (without the write date, so output is stable)."""
    import networkx as nx

    text = "\n".join(nx.generate_gexf(flat_graph(result.graph), prettyprint=True))
    text = re.sub(r'\s*lastmodifieddate="[^"]*"', "", text)
    return text.encode("utf-8") + b"\n"
