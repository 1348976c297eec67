"""Settled nodes → one typed, directed networkx graph (in memory).

Node ids are the IRIs of :mod:`kg.namespaces`; every node has ``type`` and
``label``; every edge has a ``relation`` (also its key in the
:class:`networkx.MultiDiGraph`, so one relation links a pair once). The
semantics (identity, merging, conflicts) live in :mod:`kg.facts`; this module
assembles settled nodes into a graph for notebooks, tests and ``kg view``.
Large builds never need it whole: outputs stream from the shards.

>>> from kg.model import Document, Related
>>> a = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> b = Document(source="b.md", format="feed", title="B", urls={"web": "https://y.org/b"},
...              related=[Related(title="A", urls={"amp": "https://x.org/a/amp/"})])
>>> g, log = build_graph([a, b])
>>> sorted(d["type"] for _, d in g.nodes(data=True))
['article', 'article', 'outlet', 'outlet']
>>> [d["relation"] for _, _, d in g.edges(data=True)].count("related")
1
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .facts.map import document_facts
from .facts.reduce import Node, group, reduce_node, resolve
from .model import Document
from .pieces import GraphPieces, document_targets


@dataclass
class MergeLog:
    """What identity resolution did: merged nodes with their forms, conflicts, notes,
    and the article each document became."""

    merged: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    documents: dict[tuple[str, int], str] = field(default_factory=dict)


def build_graph(docs: Iterable[Document]) -> tuple[nx.MultiDiGraph, MergeLog]:
    """Build the graph of *docs* in memory; the same documents (in any order) give the same graph."""
    log = MergeLog()
    docs = sorted(docs, key=lambda d: (d.source, d.index))
    mapped = [document_facts(doc) for doc in docs]
    for doc, out in zip(docs, mapped):
        log.documents[(doc.source, doc.index)] = out.article
        log.notes.extend(out.notes)
    facts = resolve((f for out in mapped for f in out.facts), document_targets(docs, mapped))
    nodes = [reduce_node(iri, node_facts) for iri, node_facts in sorted(group(facts).items())]
    for node in nodes:
        entry = node.merge_entry()
        if entry:
            log.merged.append(entry)
        log.conflicts.extend(node.conflicts)
    return assemble_nodes(nodes), log


def assemble_nodes(nodes: Iterable[Node]) -> nx.MultiDiGraph:
    """A graph of settled *nodes*: every node (in the order given), then every edge — also
    those of a bare node whose attributes came with another node of the same IRI (an
    article's edge to its story)."""
    graph = nx.MultiDiGraph()
    edges: list[tuple[str, str, str, str]] = []
    bare: list[tuple[str, str, str, str]] = []
    for node in nodes:
        if node.mention is not None:
            graph.graph.setdefault("mentions", {})[node.iri] = node.mention
        if node.attrs:
            graph.add_node(node.iri, **node.attrs)
        (edges if node.attrs else bare).extend((node.iri, t, k, r) for t, k, r in node.edges)
    for source, target, key, relation in edges + [e for e in bare if e[0] in graph and e[1] in graph]:
        graph.add_edge(source, target, key=key, relation=relation)
    return graph


def assemble(pieces: GraphPieces) -> nx.MultiDiGraph:
    """The settled graph on disk, whole, in networkx (nodes in IRI order)."""
    return assemble_nodes(sorted(pieces.nodes(), key=lambda n: n.iri))
