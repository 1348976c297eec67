"""The picture the page opens on, as one inline SVG element: what a notebook shows for a build.

A notebook keeps every cell's output in the ``.ipynb`` file. The interactive page is
vis-network (470 KB) plus the graph (0.5–2 MB in all), so showing it for every ``result``
in a notebook made the file grow by that much per cell, and GitHub, nbviewer and exported
HTML do not run its script at all. This picture is the same overview (or, for a graph of
:data:`~kg.exporters.html.OVERVIEW_FROM` nodes or fewer, the same whole graph) drawn by kg
in SVG: no script, a few tens of KB whatever the graph's size, and a tooltip (``<title>``)
on every node. Every text is escaped.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("o", type="outlet", label="Daily <Planet>")
>>> g.add_node("a", type="article", label="Senate passes the AI bill")
>>> _ = g.add_edge("a", "o", relation="publisher")
>>> svg = picture(g)
>>> svg.startswith("<svg ") and "Daily &lt;Planet&gt;" in svg and "<script" not in svg
True
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from typing import Any

import networkx as nx

from .html import OVERVIEW_FROM, RELATIONS, STYLES, overview_data
from .layout import GAP, LINE_HEIGHT, OVERVIEW_FONT, node_box, place_overview, wrap

#: The fonts of the page: Latin, then CJK (see template.html).
FONTS = ('system-ui, -apple-system, "Segoe UI", Arial, "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", '
         '"PingFang SC", "Hiragino Sans", "Microsoft YaHei", "Yu Gothic", "WenQuanYi Micro Hei", sans-serif')
#: Characters XML cannot hold (the picture may be saved as an .svg file).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    return html.escape(CONTROL.sub("\ufffd", str(value)), quote=True)


def _shape(shape: str, x: float, y: float, size: float, colour: str) -> str:
    """One node's shape as vis-network draws it (*size* its radius)."""
    fill = f'fill="{colour}" stroke="#333" stroke-width="1"'
    if shape in ("dot", "ellipse"):
        return f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{size:.1f}" {fill}/>'
    if shape == "square":
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" height="{2 * size:.1f}" {fill}/>'
    corners: list[tuple[float, float]]
    if shape in ("triangle", "triangleDown"):
        turn = 1 if shape == "triangle" else -1
        corners = [(0, -turn * size), (size * 0.866, turn * size * 0.5), (-size * 0.866, turn * size * 0.5)]
    elif shape == "diamond":
        corners = [(0, -size), (size, 0), (0, size), (-size, 0)]
    elif shape == "star":
        corners = [((size if i % 2 == 0 else size * 0.4) * math.sin(i * math.pi / 5),
                    -(size if i % 2 == 0 else size * 0.4) * math.cos(i * math.pi / 5)) for i in range(10)]
    else:  # hexagon, and anything else
        corners = [(size * math.cos(i * math.pi / 3), size * math.sin(i * math.pi / 3)) for i in range(6)]
    points = " ".join(f"{x + dx:.0f},{y + dy:.0f}" for dx, dy in corners)
    return f'<polygon points="{points}" {fill}/>'


def _lines(lines: list[str], x: float, top: float, font: float, colour: str, halo: bool) -> str:
    """Text lines centred on *x*, the first one's top at *top*."""
    style = 'stroke="#fff" stroke-width="3" paint-order="stroke" stroke-linejoin="round" ' if halo else ""
    return "".join(f'<text x="{x:.0f}" y="{top + (i + 0.8) * LINE_HEIGHT * font:.0f}" text-anchor="middle" '
                   f'font-size="{font:.1f}" fill="{colour}" {style}>{_text(line)}</text>' for i, line in enumerate(lines))


def _node(item: dict[str, Any], font: float) -> str:
    style = STYLES.get(item["type"], {"color": "#999", "shape": "dot", "label": item["type"]})
    x, y, lines = item["x"], item["y"], item["lines"]
    parts = [f'<g class="node" data-type="{_text(item["type"])}"><title>{_text(item["title"])}</title>']
    if style["shape"] == "box":
        left, top, right, bottom = node_box("box", item["size"], lines or [""], font)
        parts.append(f'<rect x="{x + left:.1f}" y="{y + top:.1f}" width="{right - left:.1f}" height="{bottom - top:.1f}" '
                     f'rx="6" fill="{style["color"]}" stroke="#0d3a5c" stroke-width="1"/>')
        parts.append(_lines(lines, x, y - len(lines) * LINE_HEIGHT * font / 2, font, "#fff", False))
    else:
        parts.append(_shape(style["shape"], x, y, item["size"], style["color"]))
        parts.append(_lines(lines, x, y + item["size"] + 0.2 * font, font, "#222", True))
    parts.append("</g>")
    return "".join(parts)


def _edge(u: dict[str, Any], v: dict[str, Any], relation: str, width: float) -> str:
    style = RELATIONS.get(relation, {"color": "#aaa", "dashes": False})
    dashes = ' stroke-dasharray="5 4"' if style["dashes"] else ""
    return (f'<line x1="{u["x"]:.0f}" y1="{u["y"]:.0f}" x2="{v["x"]:.0f}" y2="{v["y"]:.0f}" stroke="{style["color"]}" '
            f'stroke-opacity="0.5" stroke-width="{width:.1f}"{dashes}/>')


def _title(graph: nx.MultiDiGraph, node: str, extra: str = "") -> str:
    data = graph.nodes[node]
    kind = STYLES.get(data["type"], {}).get("label", data["type"])
    return f"{data.get('label', node)}\n{kind}{extra}"


def _overview_items(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[str], float, str]:
    """The overview's nodes and lines (as the page draws it on opening), its font, and what it shows."""
    ids = {node: i for i, node in enumerate(sorted(graph.nodes))}
    iri = {i: node for node, i in ids.items()}
    ov = overview_data(graph, ids)
    folded = Counter(f["home"] for f in ov["folded"])
    items = {}
    for o in ov["nodes"]:
        node = iri[o["id"]]
        extra = f" · {o['weight']} articles" + (f", {folded[o['id']]} folded here" if folded[o["id"]] else "")
        items[o["id"]] = {"x": o["x"], "y": o["y"], "size": o["size"], "type": graph.nodes[node]["type"],
                          "lines": o["label"].split("\n") if o["label"] else [], "title": _title(graph, node, extra)}
    edges = [_edge(items[e["from"]], items[e["to"]], e["rel"], min(1 + 1.5 * math.log2(e["n"]), 8)) for e in ov["edges"]]
    kinds = ", ".join(f"{ov['kinds'][k]} {name}" for k, name in (("story", "stories"), ("outlet", "outlets"),
                                                               ("entity", "entities"), ("topic", "topics")) if ov["kinds"].get(k))
    what = f"the overview the page opens on: {kinds}; {len(ov['folded'])} articles folded into them"
    return list(items.values()), edges, OVERVIEW_FONT, what


def _whole_items(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[str], float, str]:
    """Every node of a small graph, placed as the overview is (:func:`place_overview`): the
    most connected first, each with its label where it fits without touching another."""
    degree = dict(graph.degree())
    order = sorted(graph.nodes, key=lambda n: (-degree[n], n))
    sizes = {n: round(min(6 + 3 * math.log2(1 + degree[n]), 22), 1) for n in order}
    wraps: dict[str, list[list[str]]] = {}
    options = {}
    for n in order:
        shape = STYLES.get(graph.nodes[n]["type"], {}).get("shape", "dot")
        label = str(graph.nodes[n].get("label", n))
        wraps[n] = [lines for lines in (wrap(label, 24, 2), wrap(label, 24, 1)) if lines]
        options[n] = [node_box(shape, sizes[n], lines) for lines in wraps[n]] + [node_box(shape, sizes[n], [])]
    pos, chosen = place_overview(order, [(u, v) for u, v in graph.edges() if u != v], options)
    items = {n: {"x": pos[n][0], "y": pos[n][1], "size": sizes[n], "type": graph.nodes[n]["type"], "title": _title(graph, n),
                 "lines": wraps[n][chosen[n]] if chosen[n] < len(wraps[n]) else []} for n in order}
    edges = [_edge(items[u], items[v], r, 1.0) for u, v, r in sorted(graph.edges(data="relation")) if u != v]
    return list(items.values()), edges, OVERVIEW_FONT, "every node, the most connected labelled"


def _draw(graph: nx.MultiDiGraph) -> tuple[str, str]:
    """The ``<svg>`` of what the page opens on for *graph*, and what it shows in words."""
    big = graph.number_of_nodes() > OVERVIEW_FROM
    items, edges, font, what = _overview_items(graph) if big else _whole_items(graph)
    boxes = [node_box(STYLES.get(i["type"], {}).get("shape", "dot"), i["size"], i["lines"], font) for i in items]
    pad = GAP + 4
    left = min((i["x"] + b[0] for i, b in zip(items, boxes)), default=0.0) - pad
    top = min((i["y"] + b[1] for i, b in zip(items, boxes)), default=0.0) - pad
    right = max((i["x"] + b[2] for i, b in zip(items, boxes)), default=0.0) + pad
    bottom = max((i["y"] + b[3] for i, b in zip(items, boxes)), default=0.0) + pad
    width, height = right - left, bottom - top
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" '
           f'width="100%" style="max-width: {min(width * OVERVIEW_FONT / font, 1000):.0f}px; height: auto; '
           f'font-family: {_text(FONTS)}" role="img" aria-label="{_text(what)}">'
           f'<desc>{_text(what)}</desc><g class="edges">{"".join(edges)}</g>'
           f'<g class="nodes">{"".join(_node(i, font) for i in items)}</g></svg>')
    return svg, what


def picture(graph: nx.MultiDiGraph) -> str:
    """The ``<svg>`` of what the page opens on for *graph*."""
    return _draw(graph)[0]


def notebook_html(graph: nx.MultiDiGraph, summary: str, page: str | None) -> str:
    """A build as a notebook shows it: the picture, then a line saying what it shows
    (*summary*: the whole graph's counts) and where the interactive page is (*page*: a
    link to the build's ``graph.html``, when it wrote one)."""
    svg, what = _draw(graph)
    where = f'<a href="{_text(page)}" target="_blank" rel="noopener">graph.html</a>, or ' if page else ""
    return (f'<div class="kg-picture">{svg}<p style="font: 12px/1.4 {_text(FONTS)}; color: #555; margin: 4px 0">'
            f"{_text(summary)}. Shown: {_text(what)}; hover a node for its name. The interactive page (search, "
            f"filters, time slider, export): {where}<code>.page()</code> on this result to show it here (it adds "
            f"the whole page to the notebook file).</p></div>")
