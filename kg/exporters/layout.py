"""Where the page draws each node: computed once in Python, so the browser only draws.

:func:`layout` places a whole graph (a force layout in numpy), :func:`label_hubs`
picks the hubs whose labels fit, and :func:`place_overview` places the overview
so that every label it keeps is drawn without touching another at the zoom that
shows it whole (labels there scale with the view, so no zoom makes them collide).

>>> wrap("China drafts rules on facial recognition in public places", 24, 2)
['China drafts rules on', 'facial recognition in…']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

#: Up to this many nodes, repulsion is computed between all pairs.
EXACT_REPULSION = 500
#: How many of the most connected nodes show their label without hovering.
HUB_LABELS = 60


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




#: The overview is laid out for a drawing area of this many CSS pixels: the page's graph pane
#: at 1400×900 is 820×900, and the page fits a view with 3 % to spare (``FIT_MARGIN`` in
#: template.html), never zooming in beyond scale 1.
OVERVIEW_BOX = (790.0, 860.0)
#: When a node that must keep its label (a story's headline) finds no room, it is placed
#: earlier and the overview placed again, at most this many times; then the area grows in
#: steps of ``ROOM_STEP`` up to ``MAX_ROOM`` (the page then draws labels at 13 px / room).
RETRIES = 6
ROOM_STEP = 0.05
MAX_ROOM = 1.15
#: The overview's label font, in layout units (CSS pixels when it fills OVERVIEW_BOX).
OVERVIEW_FONT = 13.0
#: Line height, as a fraction of the font size.
LINE_HEIGHT = 1.25
#: Advance widths in ems of Arial's characters (the font vis-network asks for), by class: a
#: character in none of these counts as a lowercase letter or digit (0.556), a wide East
#: Asian one as 1.
CHAR_WIDTHS = {**dict.fromkeys("ijlI.,:;'!|", 0.25), **dict.fromkeys("ftr ()-[]/\"", 0.32),
               **dict.fromkeys("mwMW%@", 0.85), **dict.fromkeys("ABCDEFGHKNOPQRSTUVXYZ&", 0.70)}
#: Browsers without Arial draw it in a wider font (DejaVu Sans on Linux); measured in Chromium
#: over the corpus' labels, these widths times this factor are never short.
FONT_FACTOR = 1.15
#: vis-network's margin around the label inside a box-shaped node.
BOX_MARGIN = 5.0
#: Empty space kept between two nodes and their labels.
GAP = 8.0
#: Candidate places for a node are the points of a grid with this step (layout units).
GRID = 6.0
#: How far from the centre ideal places reach, as a fraction of the box.
SPREAD = 0.42
#: Unfolded articles are dots on a lattice of this step (their diameter and a gap).
DOT_STEP = 16.0

Box = tuple[float, float, float, float]


def _columns(text: str) -> int:
    """How many columns *text* takes: a wide East Asian character two, any other one."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(text: str, columns: int) -> str:
    """The start of *text* that fits in *columns*."""
    while _columns(text) > columns:
        text = text[:-1]
    return text


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(glue, piece)``: the words of *text*, each wide (CJK) character a piece of its own,
    since a Chinese or Japanese line may break between any two characters."""
    import unicodedata

    out: list[tuple[str, str]] = []
    for word in text.split():
        pieces: list[str] = []
        for char in word:
            wide = unicodedata.east_asian_width(char) in "WF"
            if wide or not pieces or _columns(pieces[-1][-1]) == 2:
                pieces.append(char)
            else:
                pieces[-1] += char
        out += [(" " if i == 0 and out else "", piece) for i, piece in enumerate(pieces)]
    return out


def wrap(text: str, width: int, lines: int) -> list[str]:
    """*text* in at most *lines* lines of at most *width* columns (a CJK character takes
    two), cut with '…'.

    >>> wrap("中国发布人脸识别技术国家标准征求意见稿", 24, 2)
    ['中国发布人脸识别技术国家', '标准征求意见稿']
    """
    out: list[str] = []
    current = ""
    for glue, word in _tokens(text):
        word = word if _columns(word) <= width else _cut(word, width - 1) + "…"
        if current and _columns(current + glue + word) <= width:
            current += glue + word
            continue
        if current:
            out.append(current)
        if len(out) == lines:
            last = out[-1]
            out[-1] = (last if _columns(last) < width else _cut(last, width - 1)) + "…"
            return out
        current = word
    if current:
        out.append(current)
    return out


def text_width(text: str, font: float = OVERVIEW_FONT) -> float:
    """How wide *text* draws at *font* px, at most (see :data:`FONT_FACTOR`).

    >>> text_width("Reuters") < text_width("WASHINGTON")
    True
    """
    import unicodedata

    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else CHAR_WIDTHS.get(c, 0.556) for c in text)
    return ems * font * FONT_FACTOR


def node_box(shape: str, size: float, lines: Sequence[str], font: float = OVERVIEW_FONT) -> Box:
    """``(left, top, right, bottom)`` of a node and its label around the node's centre, as
    vis-network draws them: inside a box, below every other shape.

    >>> [round(v) for v in node_box("dot", 10, ["Reuters"])]
    [-27, -10, 27, 29]
    >>> [round(v) for v in node_box("box", 10, ["Senate passes", "the AI bill"])]
    [-57, -21, 57, 21]
    """
    text_w = max((text_width(line, font) for line in lines), default=0.0)
    text_h = len(lines) * LINE_HEIGHT * font
    if shape == "box":
        half_w, half_h = text_w / 2 + BOX_MARGIN, text_h / 2 + BOX_MARGIN
        return (-half_w, -half_h, half_w, half_h)
    half = max(size, text_w / 2)
    return (-half, -size, half, size + (text_h + 0.2 * font if lines else 0))


def place_overview(nodes: Sequence[Any], edges: Sequence[tuple[Any, Any]], options: Mapping[Any, Sequence[Box]],
                   room: float = 1.0) -> tuple[dict[Any, tuple[float, float]], dict[Any, int]]:
    """Positions for the overview's *nodes* (most important first) inside
    :data:`OVERVIEW_BOX` (times *room* on each side), and which of its *options* each node
    is drawn with.

    A node's options are its boxes (``(left, top, right, bottom)`` around its centre), most
    wanted first: its label wrapped one way, then another, and last the node without its
    label (hover shows it). A force layout gives each node its ideal place; then, most
    important first, each node takes its first option that has a free grid point, and the
    free point nearest to its ideal place: one where its box touches no box placed before,
    keeping :data:`GAP` between them. So the overview never needs a scale below 1 to fit the
    box and no two labels touch at any zoom.

    >>> boxes = [(-50, -10, 50, 10), (-5, -5, 5, 5)]
    >>> pos, chosen = place_overview(["a", "b"], [("a", "b")], {"a": boxes, "b": boxes})
    >>> chosen, abs(pos["a"][0] - pos["b"][0]) >= 108 or abs(pos["a"][1] - pos["b"][1]) >= 28
    ({'a': 0, 'b': 0}, True)
    """
    import numpy as np

    if not nodes:
        return {}, {}
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    start = layout(g)
    area = np.array(OVERVIEW_BOX) * room
    ideal = np.array([start[n] for n in nodes], dtype=float)
    ideal -= ideal.mean(0)
    # Ideal places spread over most of the box, half by position and half by rank on each
    # axis: a few far-flung nodes would otherwise squeeze the rest into the middle.
    rank = ideal.argsort(0).argsort(0) / max(len(nodes) - 1, 1) * 2 - 1
    ideal = (ideal / np.maximum(np.abs(ideal).max(0), 1e-9) + rank) / 2 * (area * SPREAD)
    half_w, half_h = area[0] / 2, area[1] / 2
    xs, ys = np.meshgrid(np.arange(-half_w, half_w + 0.1, GRID), np.arange(-half_h, half_h + 0.1, GRID))
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    placed = np.empty((0, 4))  # boxes placed so far, absolute, grown by half the gap on every side
    pos: dict[Any, tuple[float, float]] = {}
    chosen: dict[Any, int] = {}
    for i, node in enumerate(nodes):
        boxes = options[node]
        for choice, box in enumerate(boxes):
            ext = np.array(box, dtype=float) + np.array([-GAP / 2, -GAP / 2, GAP / 2, GAP / 2])
            lo, hi = grid + ext[:2], grid + ext[2:]
            inside = (lo[:, 0] >= -half_w) & (lo[:, 1] >= -half_h) & (hi[:, 0] <= half_w) & (hi[:, 1] <= half_h)
            free = inside & ~_clashes(lo, hi, placed)
            if free.any():
                break
        if not free.any():  # no room even for the last option: the nearest place inside the box
            free = inside if inside.any() else np.ones(len(grid), dtype=bool)
        choices = np.flatnonzero(free)
        best = choices[np.argmin(((grid[choices] - ideal[i]) ** 2).sum(1))]
        x, y = grid[best]
        placed = np.vstack([placed, [x + ext[0], y + ext[1], x + ext[2], y + ext[3]]])
        pos[node] = (round(float(x), 1), round(float(y), 1))
        chosen[node] = choice
    return pos, chosen


def _clashes(lo: Any, hi: Any, placed: Any) -> Any:
    """Which of the boxes ``lo``–``hi`` (one per grid point) overlap one of *placed*."""
    import numpy as np

    if not len(placed):
        return np.zeros(len(lo), dtype=bool)
    return ((lo[:, None, 0] < placed[None, :, 2]) & (placed[None, :, 0] < hi[:, None, 0])
            & (lo[:, None, 1] < placed[None, :, 3]) & (placed[None, :, 1] < hi[:, None, 1])).any(1)


def arrange_overview(nodes: Sequence[Any], edges: Sequence[tuple[Any, Any]], options: Mapping[Any, Sequence[Box]],
                     must: set[Any]) -> tuple[dict[Any, tuple[float, float]], dict[Any, int]]:
    """:func:`place_overview`, so that every node in *must* is drawn with one of its options
    but the last (a story with its headline, not just its number).

    The greedy placement can leave a late node only gaps too small for its label. Then the
    nodes that lost their labels are placed first and the whole overview again (they take
    their places near their ideal, the rest fill in around them); after :data:`RETRIES`
    such passes, the area grows by :data:`ROOM_STEP` up to :data:`MAX_ROOM`. The first
    placement where every node in *must* keeps a label wins; else the one with fewest such
    nodes without, then fewest nodes without.

    >>> wide = {n: [(-60, -12, 60, 12), (-5, -5, 5, 5)] for n in "abcdefghij"}
    >>> pos, chosen = arrange_overview(list("abcdefghij"), [], wide, set("abcdefghij"))
    >>> set(chosen.values())
    {0}
    """
    best: tuple[tuple[int, int], dict[Any, tuple[float, float]], dict[Any, int]] | None = None
    room = 1.0
    while room <= MAX_ROOM + 1e-9:
        first: list[Any] = []
        for _attempt in range(RETRIES + 1):
            order = first + [n for n in nodes if n not in first]
            pos, chosen = place_overview(order, edges, options, room)
            bare = [n for n in nodes if chosen[n] == len(options[n]) - 1 and len(options[n]) > 1]
            score = (sum(1 for n in bare if n in must), len(bare))
            if best is None or score < best[0]:
                best = (score, pos, chosen)
            if score[0] == 0:
                return pos, chosen
            first += [n for n in bare if n not in first]
        room = round(room + ROOM_STEP, 2)
    assert best is not None
    return best[1], best[2]


def place_folded(homes: dict[Any, Sequence[Any]], pos: dict[Any, tuple[float, float]],
                 boxes: dict[Any, Box]) -> dict[Any, tuple[float, float]]:
    """A place for every folded article (``homes``: each overview node's articles, in
    order) where no other node is: on a lattice of :data:`DOT_STEP`, outside every overview
    node's box (*boxes* around *pos*, with :data:`GAP`), and never on another article's
    place, so any set of homes unfolds without one dot hiding another or a node. The homes
    take turns, each taking the free lattice point nearest to it, so every home's articles
    gather close around it.

    >>> places = place_folded({"s": ["a1", "a2"]}, {"s": (0.0, 0.0)}, {"s": (-40, -10, 40, 10)})
    >>> sorted(places.values())
    [(0.0, -32.0), (0.0, 32.0)]
    """
    import numpy as np

    if not any(homes.values()):
        return {}
    count = sum(len(a) for a in homes.values())
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    half = max(max(map(abs, xs + ys)) + 100.0, math.sqrt(count * 3) * DOT_STEP)
    steps = np.arange(-math.ceil(half / DOT_STEP), math.ceil(half / DOT_STEP) + 1) * DOT_STEP
    gx, gy = np.meshgrid(steps, steps)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    free = np.ones(len(grid), dtype=bool)
    dot = DOT_STEP / 2
    for node, (x, y) in pos.items():
        left, top, right, bottom = boxes[node]
        free &= ~((grid[:, 0] + dot > x + left - GAP / 2) & (grid[:, 0] - dot < x + right + GAP / 2)
                  & (grid[:, 1] + dot > y + top - GAP / 2) & (grid[:, 1] - dot < y + bottom + GAP / 2))
    order = {home: iter(np.argsort(((grid - np.array(pos[home])) ** 2).sum(1), kind="stable"))
             for home in homes if homes[home]}
    queues = {home: list(articles) for home, articles in homes.items() if articles}
    out: dict[Any, tuple[float, float]] = {}
    while queues:
        for home in list(queues):
            article = queues[home].pop(0)
            for index in order[home]:
                if free[index]:
                    free[index] = False
                    out[article] = (round(float(grid[index][0]), 1), round(float(grid[index][1]), 1))
                    break
            if not queues[home]:
                del queues[home]
    return out
