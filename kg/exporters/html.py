"""A self-contained interactive graph page (vis-network, as bundled with pyvis).

pyvis's own page links Bootstrap from a CDN, inserts ``heading`` and some
titles as raw HTML and lays graphs out with browser physics that never
settle on large graphs. So kg owns the template (``template.html``) and the
data: vis-network's script and CSS come from the pyvis package and are
inlined, the layout is computed here with networkx and physics is off, and
every document text travels as JSON inside a ``<script type="application/json">``
block and is put on the page with ``textContent`` only.

A page of more than :data:`OVERVIEW_FROM` nodes opens on an overview
(:func:`kg.views.overview`): the largest stories, the outlets, and the
entities and topics most written about, each article folded into its story
(or, outside the stories shown, its outlet) until it is clicked, laid out so
every label kept can be read; the whole graph is one click away.

>>> escape_json({"label": "</script><b>"})
'{"label": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from ..views import ENTITY_TYPES, overview
from . import Export, Files
from .layout import arrange_overview, cached_layout, label_hubs, node_box, place_folded, wrap
from .layout import layout as layout  # kg.exporters.html.layout, as before

NAME = "html"
FILENAME = "graph.html"

#: Node type → colour, vis-network shape and legend label.
STYLES = {
    "story": {"color": "#1d6996", "shape": "box", "label": "Story"},
    "article": {"color": "#4e79a7", "shape": "dot", "label": "Article"},
    "outlet": {"color": "#f28e2b", "shape": "square", "label": "Outlet"},
    "topic": {"color": "#59a14f", "shape": "triangle", "label": "Topic"},
    "organization": {"color": "#e15759", "shape": "diamond", "label": "Organisation"},
    "person": {"color": "#b07aa1", "shape": "star", "label": "Person"},
    "place": {"color": "#76b7b2", "shape": "triangleDown", "label": "Place"},
    "product": {"color": "#d37295", "shape": "diamond", "label": "Product"},
    "event": {"color": "#8cd17d", "shape": "star", "label": "Event"},
    "work": {"color": "#86bcb6", "shape": "square", "label": "Work"},
    "image": {"color": "#bab0ac", "shape": "hexagon", "label": "Image"},
    "question": {"color": "#edc948", "shape": "dot", "label": "Question"},
    "bias": {"color": "#ff9da7", "shape": "square", "label": "Bias assessment"},
    "sdg": {"color": "#9c755f", "shape": "diamond", "label": "SDG assessment"},
    "goal": {"color": "#2f4b7c", "shape": "star", "label": "UN goal"},
}
#: Edge relation → colour, dashes and legend label.
RELATIONS = {
    "story": {"color": "#1d6996", "dashes": False, "label": "in story", "inverse": "articles in this story"},
    "duplicate": {"color": "#7f7f7f", "dashes": True, "label": "duplicate of", "inverse": "duplicates"},
    "together": {"color": "#9a9a9a", "dashes": True, "label": "in the same articles (overview)"},
    "related": {"color": "#d62728", "dashes": False, "label": "related coverage"},
    "publisher": {"color": "#f28e2b", "dashes": False, "label": "published by", "inverse": "articles published"},
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
#: Above this many nodes the page opens on the overview (a smaller graph reads whole).
OVERVIEW_FROM = 150
#: Characters per line and lines of a story's headline in the overview, and the narrower
#: shapes it takes where there is no room for the first; the same for other labels.
STORY_WRAPS = ((24, 2), (18, 3))
NAME_WRAPS = ((24, 1), (14, 2))
#: How many other names of a node the page keeps (for search and the details).
MAX_ALT_NAMES = 20


def escape_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>``, ``&``, U+2028/9)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def _iso(value: Any) -> str:
    """A date as ISO text (graph attributes hold datetimes; GraphML files hold text)."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _day(value: Any) -> str:
    return _iso(value)[:16].replace("T", " ")


def _facts(data: dict[str, Any], outlet: str | None) -> list[list[str]]:
    facts = []
    if data["type"] == "story":
        for key, name in (("article_count", "Articles"), ("outlet_count", "Outlets")):
            if data.get(key) is not None:
                facts.append([name, str(data[key])])
        if data.get("published"):
            facts.append(["First published", _day(data["published"])])
        if data.get("last_published"):
            facts.append(["Last published", _day(data["last_published"])])
    elif data["type"] == "article":
        if outlet:
            facts.append(["Outlet", outlet])
        if data.get("published"):
            facts.append(["Published", _day(data["published"])])
        if data.get("by_reference"):
            facts.append(["Known", "only by reference (no file read)"])
    elif data.get("domain"):
        facts.append(["Domain", data["domain"]])
    elif data.get("iso"):
        facts.append(["ISO code", data["iso"]])
    elif data.get("score") is not None:
        facts.append(["Score", f"{data['score']}/{data.get('scale')}"])
    return facts


def alt_names(data: dict[str, Any]) -> list[str]:
    """A node's other names (``alt_names``: a list, or one name), without its label.

    >>> alt_names({"label": "Clearview AI", "alt_names": ["Clearview", "Clearview AI", ""]})
    ['Clearview']
    """
    names = data.get("alt_names") or []
    names = [names] if isinstance(names, str) else list(names)
    label = str(data.get("label", ""))
    return [str(n)[:200] for n in dict.fromkeys(names) if n and str(n) != label][:MAX_ALT_NAMES]


def _node(graph: nx.MultiDiGraph, node: str, ids: dict[str, int], pos: tuple[float, float], degree: int,
          hub: bool) -> dict[str, Any]:
    """One node as the page draws and describes it."""
    data = graph.nodes[node]
    outlet = next((graph.nodes[v]["label"] for _, v, r in graph.out_edges(node, data="relation") if r == "publisher"),
                  None)
    entry: dict[str, Any] = {
        "id": ids[node],
        "iri": node,
        "label": str(data.get("label", node))[:200],
        "type": data["type"],
        "x": pos[0],
        "y": pos[1],
        "size": round(8 + 4 * math.log2(1 + degree), 1),
        "hub": hub,
        "facts": _facts(data, outlet),
        "mentions": sum(1 for u in graph.predecessors(node) if graph.nodes[u]["type"] == "article"),
    }
    if data["type"] == "article" and data.get("url"):
        entry["url"] = data["url"]
    if data["type"] in ("article", "story") and data.get("published"):
        entry["date"] = _iso(data["published"])
    if data["type"] == "story" and data.get("last_published"):
        entry["until"] = _iso(data["last_published"])
    names = alt_names(data)
    if names:
        entry["alt"] = names
    return entry


def page_data(graph: nx.MultiDiGraph, title: str, notice: str = "", cache: Path | None = None,
              start: str = "auto") -> dict[str, Any]:
    """The JSON the page draws: nodes with positions, edges, legend counts, and the overview.
    *start* is ``"overview"``, ``"full"`` or ``"auto"`` (the overview above
    :data:`OVERVIEW_FROM` nodes)."""
    ids = {node: i for i, node in enumerate(sorted(graph.nodes))}
    pos = cached_layout(graph, cache)
    degree = dict(graph.degree())
    hubs = label_hubs(graph, pos, degree)
    nodes = [_node(graph, node, ids, pos[node], degree[node], node in hubs) for node in sorted(graph.nodes)]
    counts = Counter(n["type"] for n in nodes)
    edges = [
        {"from": ids[u], "to": ids[v], "rel": r}
        for u, v, r in sorted(graph.edges(data="relation"), key=lambda e: (ids[e[0]], ids[e[1]], e[2]))
    ]
    edge_counts = Counter(e["rel"] for e in edges)
    opens = start == "overview" or (start == "auto" and graph.number_of_nodes() > OVERVIEW_FROM)
    return {
        "title": title,
        "notice": notice,
        "nodes": nodes,
        "edges": edges,
        "styles": STYLES,
        "relations": RELATIONS,
        "counts": dict(counts),
        "order": sorted(counts, key=lambda t: (list(STYLES).index(t) if t in STYLES else len(STYLES), t)),
        "edgeCounts": dict(edge_counts),
        "overview": overview_data(graph, ids) | {"open": opens},
    }


def _overview_labels(data: dict[str, Any]) -> list[list[str]]:
    """The ways a node's label may be wrapped in the overview, most wanted first."""
    wraps = STORY_WRAPS if data["type"] == "story" else NAME_WRAPS
    label = str(data.get("label", ""))
    return list({tuple(lines): lines for lines in (wrap(label, w, n) for w, n in wraps) if lines}.values())


def overview_data(graph: nx.MultiDiGraph, ids: dict[str, int]) -> dict[str, Any]:
    """The overview as the page draws it: its nodes placed so their labels do not touch,
    each folded article's place in the free space near its home, and edges weighted by
    the links they stand for."""
    view = overview(graph)
    sizes = {n: round(min(8 + 3 * math.log2(1 + view.weight[n]), 26), 1) for n in view.nodes}
    wraps, short, options = {}, {}, {}
    for n in view.nodes:
        data = graph.nodes[n]
        shape = STYLES.get(data["type"], {}).get("shape", "dot")
        wraps[n] = _overview_labels(data)
        short[n] = str(view.weight[n]) if shape == "box" else ""  # a box without its label shows its size
        options[n] = [node_box(shape, sizes[n], lines) for lines in wraps[n]]
        options[n].append(node_box(shape, sizes[n], [short[n]] if short[n] else []))
    kinds = ("story", "outlet", "entity", "topic")
    priority = sorted(view.nodes, key=lambda n: (-view.weight[n], kinds.index(_kind(graph, n)), n))
    must = {n for n in view.nodes if graph.nodes[n]["type"] == "story"}
    pos, chosen = arrange_overview(priority, [(u, v) for u, v, _r in view.edges], options, must)
    labels = {n: "\n".join(wraps[n][chosen[n]]) if chosen[n] < len(wraps[n]) else short[n] for n in view.nodes}
    shown = [
        {"id": ids[n], "x": pos[n][0], "y": pos[n][1], "size": sizes[n], "weight": view.weight[n],
         "label": labels[n], "short": short[n]}
        for n in view.nodes
    ]
    boxes = {n: options[n][chosen[n]] for n in view.nodes}
    return {
        "nodes": shown,
        "folded": _folded(graph, view.home, pos, boxes, ids),
        "edges": [{"from": ids[u], "to": ids[v], "rel": r, "n": k} for (u, v, r), k in view.edges.items()],
        "kinds": dict(Counter(_kind(graph, n) for n in view.nodes)),
        "hidden": sum(1 for n, t in graph.nodes(data="type") if t == "article" and n not in view.home),
    }


def _kind(graph: nx.MultiDiGraph, node: str) -> str:
    t = graph.nodes[node]["type"]
    return "entity" if t in ENTITY_TYPES else t


def _folded(graph: nx.MultiDiGraph, home: dict[str, str], pos: dict[str, tuple[float, float]],
            boxes: dict[str, Any], ids: dict[str, int]) -> list[dict[str, Any]]:
    """Each folded article's place when unfolded: in free space near its home
    (:func:`~kg.exporters.layout.place_folded`), the earliest published nearest."""
    members: dict[str, list[str]] = {}
    for article, where in sorted(home.items(), key=lambda item: (_iso(graph.nodes[item[0]].get("published") or ""), item[0])):
        members.setdefault(where, []).append(article)
    places = place_folded(dict(sorted(members.items())), pos, boxes)
    return [{"id": ids[a], "home": ids[home[a]], "x": places[a][0], "y": places[a][1]}
            for a in sorted(places, key=lambda a: ids[a])]


def _asset(name: str) -> str:
    import pyvis

    return (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def render_page(graph: nx.MultiDiGraph, title: str = "kg news graph", notice: str = "",
                cache: Path | None = None, start: str = "auto") -> bytes:
    """The page for *graph* (already sliced to a size a browser can draw); *start* as in
    :func:`page_data`."""
    template = resources.files("kg.exporters").joinpath("template.html").read_text(encoding="utf-8")
    parts = {  # vis-network's CSS is left out: it styles only widgets the page does not use
        "TITLE": "kg news graph",
        "DATA": escape_json(page_data(graph, title, notice, cache, start)),
        "VIS_JS": _asset("vis-network.min.js").replace("</script", "<\\/script"),
    }
    # One pass over the template: inserted text is never scanned for markers.
    page = re.sub(r"__(TITLE|DATA|VIS_JS)__", lambda m: parts[m.group(1)], template)
    return page.encode("utf-8")


def files(export: Export) -> Files:
    """The page for the settled graph, cut to the most connected nodes when it is too
    large for a node-link page (``export.max_nodes``)."""
    from ..pageview import page_graph

    graph, note = page_graph(export.pieces, export.max_nodes, export.cache)
    if note:
        note += " Use 'kg view --focus NAME' or --max-nodes for other slices."
    yield FILENAME, [render_page(graph, title=export.title, notice=note, cache=export.cache)]


def inline_frame(page: bytes, height: int = 760) -> str:
    """*page* as an ``<iframe>`` for a notebook's output (Jupyter shows ``_repr_html_``):
    the page travels HTML-escaped in ``srcdoc`` and runs sandboxed in an origin of its own,
    so its script reaches neither the notebook nor any server; links open in a new tab and
    its exports download.

    >>> inline_frame(b'<p title="a&b">x</p>', 300)[:60]
    '<iframe title="kg graph" sandbox="allow-scripts allow-popups'
    >>> 'srcdoc="&lt;p title=&quot;a&amp;amp;b&quot;&gt;x&lt;/p&gt;"' in inline_frame(b'<p title="a&amp;b">x</p>')
    True
    """
    import html

    return (f'<iframe title="kg graph" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads" '
            f'style="width: 100%; height: {int(height)}px; border: 1px solid #ddd" '
            f'srcdoc="{html.escape(page.decode("utf-8"), quote=True)}"></iframe>')


class InlinePage:
    """A page shown in a notebook cell (Jupyter shows :meth:`_repr_html_`): *page* in an
    :func:`inline_frame` of *height* px.

    >>> InlinePage(b"<p>x</p>", 300)._repr_html_().startswith("<iframe ")
    True
    """

    def __init__(self, page: bytes, height: int = 760) -> None:
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        return inline_frame(self.page, self.height)

    def __repr__(self) -> str:
        return f"<kg page: {len(self.page):,} bytes>"
