"""The slice of a settled graph the interactive page draws: at most *max_nodes* nodes,
the most connected first, read one shard's view at a time.

A rebuild reuses the previous build's slice of every shard whose view did not
change (kept in ``view-slices.bin``, plain data with a checksum; a damaged one
is only slower).
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from .codec import pack, unpack
from .errors import CacheDamaged
from .io import read_checked, write_checked
from .pieces import GraphPieces

SLICES = "view-slices.bin"


def page_graph(pieces: GraphPieces, max_nodes: int, cache: Path | None = None) -> tuple[nx.MultiDiGraph, str]:
    """The page's graph, and a note saying what was left out (empty when nothing was)."""
    total = sum(pieces.node_counts.values())
    keep: set[str] | None = None
    if total > max_nodes:
        tops = (t for part in range(pieces.parts) for t in pieces.top(part))
        keep = {iri for _d, iri in heapq.nsmallest(max_nodes, tops)}
    keep_key = hashlib.sha256("\n".join(sorted(keep)).encode()).hexdigest() if keep is not None else "all"
    parts = _slices(pieces, keep, keep_key, cache)
    graph = nx.MultiDiGraph()
    for _digest, nodes, _edges in parts.values():
        for iri, attrs in nodes.items():
            graph.add_node(iri, **attrs)
    for u, v, key, relation in sorted(tuple(e) for _d, _n, edges in parts.values() for e in edges):
        graph.add_edge(u, v, key=key, relation=relation)
    if keep is None:
        return graph, ""
    left = Counter(pieces.node_counts)
    left.subtract(Counter(d["type"] for _, d in graph.nodes(data=True)))
    detail = ", ".join(f"{t} {c}" for t, c in sorted(left.items()) if c)
    return graph, f"Showing the {max_nodes} most connected of {total} nodes; {total - max_nodes} left out ({detail})."


def _slices(pieces: GraphPieces, keep: set[str] | None, keep_key: str, cache: Path | None) -> dict[int, Any]:
    """Each shard's kept nodes and edges, reusing cached slices whose view is unchanged."""
    old: dict[int, Any] = {}
    if cache is not None and (cache / SLICES).is_file():
        try:
            saved = unpack(read_checked(cache / SLICES), lists=True)
            old = {int(k): v for k, v in saved["parts"].items()} if saved["keep"] == keep_key else {}
        except (CacheDamaged, KeyError, TypeError, ValueError):
            old = {}
    parts: dict[int, Any] = {}
    for shard in range(pieces.parts):
        digest = pieces.summaries[shard].view_digest
        hit = old.get(shard)
        if hit is not None and hit[0] == digest:
            parts[shard] = hit
            continue
        view_nodes, view_edges = pieces.view(shard)
        nodes = {iri: {k: v for k, v in attrs.items() if k != "degree"}
                 for iri, attrs in view_nodes.items() if keep is None or iri in keep}
        edges = [e for e in view_edges if keep is None or (e[0] in keep and e[1] in keep)]
        parts[shard] = [digest, nodes, edges]
    if cache is not None:
        write_checked(cache / SLICES, pack({"keep": keep_key, "parts": parts}))
    return parts
