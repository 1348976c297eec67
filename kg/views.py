"""Slices of the graph a browser can draw: focus, types, dates, most connected.

Pure functions over the networkx graph; each returns a new graph. ``kg view``
uses them.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for i in range(5):
...     g.add_node(f"n{i}", type="article", label=f"N{i}")
>>> g.add_edge("n0", "n1", key="related", relation="related")
'related'
>>> small, note = most_connected(g, 2)
>>> sorted(small.nodes), note
(['n0', 'n1'], 'Showing the 2 most connected of 5 nodes; 3 left out (article 3).')
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

#: Above this many nodes the page shows only the most connected ones.
DEFAULT_MAX_NODES = 5000


def find_node(graph: nx.MultiDiGraph, label_or_iri: str) -> str:
    """The node whose IRI is *label_or_iri*, else the best-connected one whose label matches."""
    if label_or_iri in graph:
        return label_or_iri
    wanted = label_or_iri.casefold()
    exact = [n for n, d in graph.nodes(data=True) if str(d.get("label", "")).casefold() == wanted]
    partial = exact or [n for n, d in graph.nodes(data=True) if wanted in str(d.get("label", "")).casefold()]
    if not partial:
        from .errors import KGError

        raise KGError(f"no node has the label or IRI {label_or_iri!r}")
    return max(partial, key=lambda n: (graph.degree(n), n))


def focus(graph: nx.MultiDiGraph, center: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes within *depth* steps of *center* (edges in either direction)."""
    import networkx as nx

    undirected = graph.to_undirected(as_view=True)
    keep = nx.single_source_shortest_path_length(undirected, center, cutoff=depth)
    return graph.subgraph(keep).copy()


def of_types(graph: nx.MultiDiGraph, types: set[str]) -> nx.MultiDiGraph:
    """Only the nodes of the given types."""
    return graph.subgraph(n for n, d in graph.nodes(data=True) if d["type"] in types).copy()


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def in_period(graph: nx.MultiDiGraph, since: date | None, until: date | None) -> nx.MultiDiGraph:
    """Articles published in the period (undated ones dropped when a bound is set),
    and the other nodes still linked to one of them."""
    import networkx as nx

    keep = set()
    for n, d in graph.nodes(data=True):
        if d["type"] != "article":
            continue
        day = _day(d.get("published"))
        if day is None or (since and day < since) or (until and day > until):
            continue
        keep.add(n)
    linked = {m for n in keep for m in nx.all_neighbors(graph, n) if graph.nodes[m]["type"] != "article"}
    return graph.subgraph(keep | linked).copy()


def most_connected(graph: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, str]:
    """At most *max_nodes* nodes, the most connected first; and a note saying what was left out."""
    n = graph.number_of_nodes()
    if n <= max_nodes:
        return graph, ""
    degree = dict(graph.degree())
    keep = sorted(graph.nodes, key=lambda v: (-degree[v], v))[:max_nodes]
    kept = set(keep)
    left = Counter(d["type"] for v, d in graph.nodes(data=True) if v not in kept)
    detail = ", ".join(f"{t} {c}" for t, c in sorted(left.items()))
    note = f"Showing the {max_nodes} most connected of {n} nodes; {n - max_nodes} left out ({detail})."
    return graph.subgraph(keep).copy(), note
