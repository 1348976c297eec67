"""A self-contained interactive graph page (vis-network, as bundled with pyvis).

pyvis's own page links Bootstrap from a CDN, inserts ``heading`` and some
titles as raw HTML and lays graphs out with browser physics that never
settle on large graphs. So kg owns the template (``template.html``) and the
data: vis-network's script and CSS come from the pyvis package and are
inlined, the layout is computed here with networkx and physics is off, and
every document text travels as JSON inside a ``<script type="application/json">``
block and is put on the page with ``textContent`` only.

>>> escape_json({"label": "</script><b>"})
'{"label": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from . import Export, Files

NAME = "html"
FILENAME = "graph.html"

#: Node type → colour, vis-network shape and legend label.
STYLES = {
    "article": {"color": "#4e79a7", "shape": "dot", "label": "Article"},
    "outlet": {"color": "#f28e2b", "shape": "square", "label": "Outlet"},
    "topic": {"color": "#59a14f", "shape": "triangle", "label": "Topic"},
    "organization": {"color": "#e15759", "shape": "diamond", "label": "Organisation"},
    "person": {"color": "#b07aa1", "shape": "star", "label": "Person"},
    "place": {"color": "#76b7b2", "shape": "triangleDown", "label": "Place"},
    "image": {"color": "#bab0ac", "shape": "hexagon", "label": "Image"},
    "question": {"color": "#edc948", "shape": "dot", "label": "Question"},
    "bias": {"color": "#ff9da7", "shape": "square", "label": "Bias assessment"},
    "sdg": {"color": "#9c755f", "shape": "diamond", "label": "SDG assessment"},
    "goal": {"color": "#2f4b7c", "shape": "star", "label": "UN goal"},
}
#: Edge relation → colour, dashes and legend label.
RELATIONS = {
    "related": {"color": "#d62728", "dashes": False, "label": "related coverage"},
    "publisher": {"color": "#f28e2b", "dashes": False, "label": "published by"},
    "about": {"color": "#59a14f", "dashes": True, "label": "about (topic)"},
    "mentions": {"color": "#e15759", "dashes": True, "label": "mentions"},
    "author": {"color": "#b07aa1", "dashes": False, "label": "author"},
    "editor": {"color": "#b07aa1", "dashes": True, "label": "editor"},
    "location": {"color": "#76b7b2", "dashes": False, "label": "located in"},
    "image": {"color": "#bab0ac", "dashes": True, "label": "image"},
    "logo": {"color": "#bab0ac", "dashes": True, "label": "logo"},
    "question": {"color": "#edc948", "dashes": True, "label": "question"},
    "bias": {"color": "#ff9da7", "dashes": True, "label": "bias assessment"},
    "sdg": {"color": "#9c755f", "dashes": True, "label": "SDG assessment"},
    "goal": {"color": "#2f4b7c", "dashes": False, "label": "goal"},
}
#: Up to this many nodes, repulsion is computed between all pairs.
EXACT_REPULSION = 500
#: How many of the most connected nodes show their label without hovering.
HUB_LABELS = 60


def escape_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>``, ``&``, U+2028/9)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def layout(graph: nx.Graph, seed: int = 7) -> dict[Any, tuple[float, float]]:
    """Positions in pixels, computed once here so the browser only draws.

    A Fruchterman-Reingold force layout in numpy: attraction along every
    edge; repulsion between all pairs up to :data:`EXACT_REPULSION` nodes,
    beyond that against a fresh random sample of nodes each round (the
    expected force is the same, the cost O(n·s) instead of O(n²)). Seeded,
    so the same graph gets the same picture.
    """
    import numpy as np

    nodes = list(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in graph.edges() if u != v}
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    k = 1.0
    pos = rng.uniform(-1.0, 1.0, (n, 2)) * math.sqrt(n) * k
    iterations = 80 if n <= EXACT_REPULSION else 50
    temperature = math.sqrt(n) * k * 0.5
    sample = min(n, 128)
    for step in range(iterations):
        disp = np.zeros((n, 2))
        if n <= EXACT_REPULSION:
            for start in range(0, n, 512):
                block = pos[start : start + 512]
                delta = block[:, None, :] - pos[None, :, :]
                dist2 = np.maximum((delta**2).sum(-1), 1e-4)
                disp[start : start + 512] = (delta * (k * k / dist2)[..., None]).sum(1)
        else:
            others = rng.integers(0, n, (n, sample))
            delta = pos[:, None, :] - pos[others]
            dist2 = np.maximum((delta**2).sum(-1), 1e-4)
            disp = (delta * (k * k / dist2)[..., None]).sum(1) * (n / sample)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.sqrt(np.maximum((delta**2).sum(-1), 1e-8))
            force = delta * (dist / k)[:, None]
            np.add.at(disp, edges[:, 0], -force)
            np.add.at(disp, edges[:, 1], force)
        disp -= pos * 0.15  # gravity keeps components together
        length = np.sqrt(np.maximum((disp**2).sum(-1), 1e-12))
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature *= 0.95
    pos -= pos.mean(0)
    span = float(np.abs(pos).max()) or 1.0
    scale = (110.0 * math.sqrt(n) + 300) / span
    return {node: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for node, (x, y) in zip(nodes, pos)}


def label_hubs(graph: nx.MultiDiGraph, pos: dict[Any, tuple[float, float]], degree: dict[Any, int]) -> set[Any]:
    """The most connected nodes whose labels fit without overlapping, at the zoom that
    shows the whole graph (labels keep ~13 px on screen; the page shows them at that size)."""
    if not pos:
        return set()
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), (max(ys) - min(ys)) * 1.4, 1.0)
    font = 13.0 * span / 1000.0  # the page is about 1000 px wide
    boxes: list[tuple[float, float, float, float]] = []
    chosen: set[Any] = set()
    candidates = sorted((n for n in graph.nodes if graph.nodes[n]["type"] not in ("image", "question")),
                        key=lambda n: (-degree[n], n))[: HUB_LABELS * 3]
    for node in candidates:
        if len(chosen) >= HUB_LABELS or degree[node] < 2:
            break
        label = str(graph.nodes[node].get("label", ""))[:42]
        width, height = len(label) * font * 0.55, font * 1.3
        x, y = pos[node]
        box = (x - width / 2, y + font * 0.6, x + width / 2, y + font * 0.6 + height)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        chosen.add(node)
    return chosen


def _iso(value: Any) -> str:
    """A date as ISO text (graph attributes hold datetimes; GraphML files hold text)."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _facts(data: dict[str, Any], outlet: str | None) -> list[list[str]]:
    facts = []
    if data["type"] == "article":
        if outlet:
            facts.append(["Outlet", outlet])
        if data.get("published"):
            facts.append(["Published", _iso(data["published"])[:16].replace("T", " ")])
        if data.get("by_reference"):
            facts.append(["Known", "only by reference (no file read)"])
    elif data.get("domain"):
        facts.append(["Domain", data["domain"]])
    elif data.get("iso"):
        facts.append(["ISO code", data["iso"]])
    elif data.get("score") is not None:
        facts.append(["Score", f"{data['score']}/{data.get('scale')}"])
    return facts


def cached_layout(graph: nx.Graph, folder: Path | None) -> dict[Any, tuple[float, float]]:
    """:func:`layout`, remembered in *folder* for the last graph shape it was asked for:
    a rebuild that changes labels or dates but no node or edge reuses the positions.
    Kept as plain data with a checksum; a damaged one is only slower."""
    import hashlib

    from ..codec import pack, unpack
    from ..errors import CacheDamaged
    from ..io import read_checked, write_checked

    if folder is None:
        return layout(graph)
    digest = hashlib.sha256(repr((list(graph.nodes), sorted((u, v) for u, v in graph.edges()))).encode("utf-8"))
    key = digest.hexdigest()
    path = folder / "layout.bin"
    if path.is_file():
        try:
            saved_key, saved = unpack(read_checked(path), lists=True)
            if saved_key == key:
                return {node: (x, y) for node, (x, y) in saved.items()}
        except (CacheDamaged, TypeError, ValueError):
            pass
    pos = layout(graph)
    write_checked(path, pack([key, {node: [float(x), float(y)] for node, (x, y) in pos.items()}]))
    return pos


def page_data(graph: nx.MultiDiGraph, title: str, notice: str = "", cache: Path | None = None) -> dict[str, Any]:
    """The JSON the page draws: nodes with positions, edges, legend counts."""
    ids = {node: i for i, node in enumerate(sorted(graph.nodes))}
    pos = cached_layout(graph, cache)
    degree = dict(graph.degree())
    hubs = label_hubs(graph, pos, degree)
    nodes = []
    counts: dict[str, int] = {}
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        counts[data["type"]] = counts.get(data["type"], 0) + 1
        outlet = next(
            (graph.nodes[v]["label"] for _, v, r in graph.out_edges(node, data="relation") if r == "publisher"), None
        )
        x, y = pos[node]
        entry = {
            "id": ids[node],
            "iri": node,
            "label": str(data.get("label", node))[:200],
            "type": data["type"],
            "x": x,
            "y": y,
            "size": round(8 + 4 * math.log2(1 + degree[node]), 1),
            "hub": node in hubs,
            "facts": _facts(data, outlet),
            "mentions": sum(1 for u in graph.predecessors(node) if graph.nodes[u]["type"] == "article"),
        }
        if data["type"] == "article" and data.get("url"):
            entry["url"] = data["url"]
        if data["type"] == "article" and data.get("published"):
            entry["date"] = _iso(data["published"])
        nodes.append(entry)
    edges = [
        {"from": ids[u], "to": ids[v], "rel": r}
        for u, v, r in sorted(graph.edges(data="relation"), key=lambda e: (ids[e[0]], ids[e[1]], e[2]))
    ]
    edge_counts: dict[str, int] = {}
    for e in edges:
        edge_counts[e["rel"]] = edge_counts.get(e["rel"], 0) + 1
    return {
        "title": title,
        "notice": notice,
        "nodes": nodes,
        "edges": edges,
        "styles": STYLES,
        "relations": RELATIONS,
        "counts": dict(sorted(counts.items(), key=lambda kv: list(STYLES).index(kv[0]) if kv[0] in STYLES else 99)),
        "edgeCounts": edge_counts,
    }


def _asset(name: str) -> str:
    import pyvis

    return (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def render_page(graph: nx.MultiDiGraph, title: str = "kg news graph", notice: str = "",
                cache: Path | None = None) -> bytes:
    """The page for *graph* (already sliced to a size a browser can draw)."""
    template = resources.files("kg.exporters").joinpath("template.html").read_text(encoding="utf-8")
    parts = {
        "VIS_CSS": _asset("vis-network.css"),
        "TITLE": "kg news graph",
        "DATA": escape_json(page_data(graph, title, notice, cache)),
        "VIS_JS": _asset("vis-network.min.js").replace("</script", "<\\/script"),
    }
    # One pass over the template: inserted text is never scanned for markers.
    page = re.sub(r"__(VIS_CSS|TITLE|DATA|VIS_JS)__", lambda m: parts[m.group(1)], template)
    return page.encode("utf-8")


def files(export: Export) -> Files:
    """The page for the settled graph, cut to the most connected nodes when it is too
    large for a node-link page (``export.max_nodes``)."""
    from ..pageview import page_graph

    graph, note = page_graph(export.pieces, export.max_nodes, export.cache)
    if note:
        note += " Use 'kg view --focus NAME' or --max-nodes for other slices."
    yield FILENAME, [render_page(graph, title=export.title, notice=note, cache=export.cache)]
