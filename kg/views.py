"""Slices of the graph a browser can draw: focus, types, dates, most connected, and the
overview the page opens on.

Pure functions over the networkx graph; each returns a new graph (or, for
:func:`overview`, a plain record). ``kg view`` and the page use them.

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

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

#: Above this many nodes the page shows only the most connected ones.
DEFAULT_MAX_NODES = 5000
#: How many nodes of each kind the overview shows at most (about 50: what a screen holds with every label readable).
OVERVIEW_LIMITS = {"story": 24, "outlet": 10, "entity": 12, "topic": 6}
#: The overview's relation between two shown nodes linked by the same article left out of it
#: (counted for up to TOGETHER_MAX shown nodes an article links).
TOGETHER = "together"
TOGETHER_MAX = 8
#: Node types the overview counts as entities.
ENTITY_TYPES = frozenset({"person", "organization", "place", "product", "event", "work"})


def _names(data: dict[str, Any]) -> list[str]:
    """A node's label and other names (``alt_names``), casefolded."""
    others = data.get("alt_names") or []
    return [str(n).casefold() for n in [data.get("label", ""), *([others] if isinstance(others, str) else others)]]


def find_node(graph: nx.MultiDiGraph, label_or_iri: str) -> str:
    """The node whose IRI is *label_or_iri*, else the best-connected one with that label or
    other name (``alt_names``), else whose label contains it.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("c", type="organization", label="Clearview AI", alt_names=["Clearview"])
    >>> g.add_node("a", type="article", label="Clearview fined")
    >>> find_node(g, "clearview"), find_node(g, "fined")
    ('c', 'a')
    """
    if label_or_iri in graph:
        return label_or_iri
    wanted = label_or_iri.casefold()
    exact = [n for n, d in graph.nodes(data=True) if wanted in _names(d)]
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


@dataclass
class Overview:
    """What the page opens on: a few nodes of each kind, and every other article folded
    into the story or outlet it unfolds from.

    ``nodes`` are the shown nodes, stories first, then outlets, entities and topics, the
    most covered first in each; ``weight`` is how many articles each one stands for or is
    linked to; ``home`` maps each folded article to its story (when that story is shown)
    or else its outlet (articles with neither are left out); ``edges`` maps
    ``(from, to, relation)`` between shown nodes to how many links of the graph it stands
    for: an article's links are drawn from its home, and two shown nodes that an article
    without a home links are joined by a ``together`` edge (so an entity only written about
    outside the shown stories and outlets still stands beside what it was written with).
    """

    nodes: list[str] = field(default_factory=list)
    weight: dict[str, int] = field(default_factory=dict)
    home: dict[str, str] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], int] = field(default_factory=dict)


def _kind(node_type: str) -> str:
    return "entity" if node_type in ENTITY_TYPES else node_type


def overview(graph: nx.MultiDiGraph, limits: dict[str, int] | None = None) -> Overview:
    """The overview of *graph*: the largest stories (by their ``article_count``, else
    their articles here), the outlets, entities and topics linked to the most articles.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("s", type="story", label="Chips", article_count=2)
    >>> g.add_node("o", type="outlet", label="Daily")
    >>> for a in ("a1", "a2", "a3"):
    ...     g.add_node(a, type="article", label=a.upper())
    ...     _ = g.add_edge(a, "o", relation="publisher")
    >>> for a in ("a1", "a2"):
    ...     _ = g.add_edge(a, "s", relation="story")
    >>> view = overview(g)
    >>> view.nodes, view.home, view.edges
    (['s', 'o'], {'a1': 's', 'a2': 's', 'a3': 'o'}, {('s', 'o', 'publisher'): 2})
    """
    limits = OVERVIEW_LIMITS if limits is None else limits
    types = dict(graph.nodes(data="type"))
    linked: dict[str, set[str]] = defaultdict(set)  # node → articles linked to it
    story_of: dict[str, str] = {}
    outlet_of: dict[str, str] = {}
    for u, v, relation in sorted(graph.edges(data="relation")):
        if types[u] == "article" and types[v] != "article":
            linked[v].add(u)
            if relation == "story" and types[v] == "story":
                story_of.setdefault(u, v)
            elif relation == "publisher":
                outlet_of.setdefault(u, v)
        elif types[v] == "article" and types[u] != "article":
            linked[u].add(v)

    def weight(node: str) -> int:
        count = graph.nodes[node].get("article_count") if types[node] == "story" else None
        try:  # a story's own count (its articles may be cut from the page); an int, or text from GraphML
            return int(count) if count is not None else len(linked[node])
        except (TypeError, ValueError):
            return len(linked[node])

    chosen: list[str] = []
    for kind in ("story", "outlet", "entity", "topic"):
        candidates = [n for n, t in types.items() if _kind(t) == kind and (kind == "story" or linked[n])]
        candidates.sort(key=lambda n: (-weight(n), -int(graph.nodes[n].get("outlet_count") or 0),
                                       str(graph.nodes[n].get("label", n)), n))
        chosen += candidates[: limits.get(kind, 0)]
    shown = set(chosen)
    home = {}
    for article, t in types.items():
        if t != "article":
            continue
        where = story_of.get(article) if story_of.get(article) in shown else outlet_of.get(article)
        if where in shown:
            home[article] = where
    edges: Counter[tuple[str, str, str]] = Counter()
    for u, v, relation in graph.edges(data="relation"):
        hu = u if u in shown else home.get(u)
        hv = v if v in shown else home.get(v)
        if hu is not None and hv is not None and hu != hv:
            edges[(hu, hv, relation)] += 1
    for article in types:  # an article left out still ties together what it links
        if types[article] == "article" and article not in home:
            ends = sorted(n for n in graph.successors(article) if n in shown)[:TOGETHER_MAX]
            edges.update((a, b, TOGETHER) for i, a in enumerate(ends) for b in ends[i + 1:])
    return Overview(chosen, {n: weight(n) for n in chosen}, home, dict(sorted(edges.items())))
