"""The page as a reader moves through it (issue 23), in real headless Chromium: every story
box with its headline, unfolded articles where no other node is, views that fit what is shown,
search that adds to the overview, the count of nodes in sight, CJK fonts named, the time
slider beside the date boxes, and exports of the view read back by networkx."""

from __future__ import annotations

import json
import re
import struct
import unicodedata
import zlib
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import pytest

from kg.exporters.html import render_page
from kg.pageview import page_graph
from kg.views import DEFAULT_MAX_NODES, OVERVIEW_LIMITS, overview
from tests.test_html import MEASURE_TEXT, NEXT_FRAMES, browser, click_node, open_page, readable, search  # noqa: F401

pytestmark = pytest.mark.browser

#: Every drawn box by node id (vis-network's own, label included).
BOXES = "Object.fromEntries(kg.view.getIds().map(id => [id, kg.network.getBoundingBox(id)]))"
#: Where each node is drawn, in CSS px inside the graph pane, and the pane's size.
ON_SCREEN = """ids => ({pane: [document.getElementById("network").clientWidth, document.getElementById("network").clientHeight],
  at: ids.map(id => kg.network.canvasToDOM(kg.network.getPosition(id)))})"""


def columns(text: str) -> int:
    """Columns a line takes: a wide (CJK) character two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def overlap(p: dict, q: dict) -> bool:
    return p["left"] < q["right"] and q["left"] < p["right"] and p["top"] < q["bottom"] and q["top"] < p["bottom"]


def in_sight(page, ids: list[int]) -> bool:
    seen = page.evaluate(ON_SCREEN, ids)
    w, h = seen["pane"]
    return all(0 <= p["x"] <= w and 0 <= p["y"] <= h for p in seen["at"])


def iris(page) -> set[str]:
    return set(page.evaluate("kg.view.get().map(n => kg.byId[n.id].iri)"))


@pytest.fixture(scope="module")
def corpus_graph(corpus_result):
    graph, _note = page_graph(corpus_result.pieces, DEFAULT_MAX_NODES)
    return graph


# ---- 4. every story box of the overview shows its headline

def test_every_story_box_shows_its_headline(browser, corpus_out, corpus_graph):
    page, errors, _ = open_page(browser, corpus_out / "graph.html", MEASURE_TEXT)
    page.evaluate(NEXT_FRAMES)
    drawn = {text for text, _px in page.evaluate("kgDrawn.slice()")}
    stories = page.evaluate("kg.view.get().filter(n => n.kgType === 'story').map(n => [kg.byId[n.id].iri, n.label])")
    assert len(stories) == min(OVERVIEW_LIMITS["story"], sum(1 for _, t in corpus_graph.nodes(data="type") if t == "story")) >= 20
    for iri, label in stories:
        headline = "".join(str(corpus_graph.nodes[iri]["label"]).split())
        shown = "".join(label.split()).rstrip("…")
        assert len(shown) >= 12 and headline.startswith(shown), f"{iri} shows {label!r}"
        assert all(line in drawn for line in label.split("\n")), f"{label!r} is not drawn"
    readable(page)  # and still no two labels touch
    assert errors == []
    page.close()


# ---- 5. unfolded articles in free space; views fit; search adds; the count in sight; CJK

def test_unfolded_articles_sit_where_no_other_node_is(browser, corpus_out):
    page, errors, _ = open_page(browser, corpus_out / "graph.html")
    homes = page.evaluate("kg.overview.folded.reduce((c, f) => (c[f.home] = (c[f.home] || 0) + 1, c), {})")
    largest = int(max(homes, key=lambda h: (homes[h], -int(h))))
    assert homes[str(largest)] >= 20
    click_node(page, largest)  # a real click unfolds it
    boxes = {int(k): v for k, v in page.evaluate(BOXES).items()}
    articles = [i for i in boxes if page.evaluate(f"kg.byId[{i}].type") == "article"]
    assert len(articles) == homes[str(largest)]
    for a in articles:
        hit = [o for o in boxes if o != a and overlap(boxes[a], boxes[o])]
        assert not hit, f"article {a} lies on {[page.evaluate(f'kg.byId[{o}].label') for o in hit]}"
    pane = page.locator("#network").bounding_box()
    for a in articles:  # hovering each dot describes that article, not a node under it
        at = page.evaluate(f"kg.network.canvasToDOM(kg.network.getPosition({a}))")
        page.mouse.move(pane["x"] + at["x"], pane["y"] + at["y"])
        assert page.inner_text("#tooltip strong") == page.evaluate(f"kg.byId[{a}].label")
    # every story and outlet unfolded at once: still no dot on a node or on another dot
    page.evaluate("Object.keys(kg.overview.folded.reduce((c, f) => (c[f.home] = 1, c), {})).forEach(h => kg.toggle(+h, true))")
    boxes = {int(k): v for k, v in page.evaluate(BOXES).items()}
    assert len(boxes) == len(page.evaluate("kg.overview.nodes")) + len(page.evaluate("kg.overview.folded"))
    folded = set(page.evaluate("kg.overview.folded.map(f => f.id)"))
    for a in folded:
        assert not [o for o in boxes if o != a and overlap(boxes[a], boxes[o])]
    assert errors == []
    page.close()


def test_a_filter_or_a_search_fits_the_view_to_what_is_shown(browser, corpus_out):
    page, errors, _ = open_page(browser, corpus_out / "graph.html")
    # a search in the overview: the story found and every node it is linked to are in sight
    story = page.evaluate("kg.overview.nodes.map(o => kg.byId[o.id]).filter(n => n.type === 'story')[0].label")
    assert search(page, story) == f"Found: {story}"
    selected = page.evaluate("kg.network.getSelectedNodes()")
    assert len(selected) >= 5 and in_sight(page, selected)
    # in the whole graph: a search, then an outlet filter shows every article of the outlet, fitted
    page.click("#mode")
    search(page, "Matthew Walsh")
    assert in_sight(page, page.evaluate("kg.network.getSelectedNodes()"))
    caixin = page.evaluate("Object.values(kg.byId).find(n => n.label === 'Caixin Global').id")
    page.select_option("#f-outlet", str(caixin))
    ids = page.evaluate("kg.view.getIds()")
    assert 20 < len(ids) < 400 and in_sight(page, ids)
    seen = page.evaluate(ON_SCREEN, ids)
    xs, ys = [p["x"] for p in seen["at"]], [p["y"] for p in seen["at"]]
    assert max(xs) - min(xs) > 0.5 * seen["pane"][0] or max(ys) - min(ys) > 0.5 * seen["pane"][1]  # fitted, not a speck
    # a type switched off fits too
    page.uncheck("input[data-type='topic']")
    assert in_sight(page, page.evaluate("kg.view.getIds()"))
    assert errors == []
    page.close()


def test_search_adds_a_node_outside_the_overview_and_its_neighbours(browser, corpus_out, corpus_graph):
    g = corpus_graph
    view = overview(g)
    labels = [d["label"] for _, d in g.nodes(data=True)]
    outside = sorted((n for n, d in g.nodes(data=True) if d["type"] not in ("article", "image") and n not in view.nodes
                      and n not in view.home and labels.count(d["label"]) == 1 and 3 <= g.degree(n) <= 60),
                     key=lambda n: (-g.degree(n), n))[0]
    near = set(nx.all_neighbors(g, outside))
    page, errors, _ = open_page(browser, corpus_out / "graph.html")
    before = iris(page)
    result = search(page, g.nodes[outside]["label"])
    assert result.startswith(f"Found: {g.nodes[outside]['label']} — added to the overview with {len(near - before)} neighbours")
    assert page.evaluate("kg.mode()") == "overview"
    assert iris(page) == before | {outside} | near  # not the whole graph
    assert page.evaluate("kg.view.length") < 200 < g.number_of_nodes()
    boxes = {int(k): v for k, v in page.evaluate(BOXES).items()}
    for a in page.evaluate("kg.added()"):
        assert not [o for o in boxes if o != a and overlap(boxes[a], boxes[o])]
    found = page.evaluate(f"Object.values(kg.byId).find(n => n.iri === {outside!r}).id")
    assert in_sight(page, [found]) and found in page.evaluate("kg.network.getSelectedNodes()")
    assert re.match(r"\d+ of \d+ nodes shown", page.inner_text("#status"))
    page.click("#f-reset")  # "Show everything" leaves the overview as it opened
    assert iris(page) == before
    assert errors == []
    page.close()


@pytest.mark.parametrize("width,height", [(1400, 900), (1024, 640)])
def test_the_count_of_nodes_shown_is_in_sight(browser, corpus_out, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto((corpus_out / "graph.html").as_uri())
    page.wait_for_function("window.kgReady === true", timeout=60000)
    total = page.evaluate("Object.keys(kg.byId).length")

    def count() -> int:
        status = page.locator("#status")
        box = status.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width
        top = page.evaluate("(([x, y]) => document.elementFromPoint(x, y).id)", [box["x"] + 5, box["y"] + box["height"] / 2])
        assert top == "status"  # drawn, not covered
        shown, of = map(int, re.match(r"(\d+) of (\d+) nodes shown", status.inner_text()).groups())
        assert of == total and shown == page.evaluate("kg.view.length")
        return shown

    first = count()
    page.evaluate("kg.toggle(kg.overview.folded[0].home, true)")
    assert count() > first
    page.close()


def cjk_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("o", type="outlet", label="新华社")
    for s, headline in (("s1", "中国发布人脸识别技术国家标准征求意见稿，公共场所不得强制刷脸"),
                        ("s2", "顔認識AIの規制、欧州連合が最終合意")):
        g.add_node(s, type="story", label=headline, article_count=2)
        for i in range(2):
            a = f"{s}a{i}"
            g.add_node(a, type="article", label=headline, published=f"2024-05-0{i + 1}")
            g.add_edge(a, s, key="story", relation="story")
            g.add_edge(a, "o", key="publisher", relation="publisher")
    return g


FONTS = """(() => {
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  window.kgFonts = [];
  CanvasRenderingContext2D.prototype.fillText = function (text) { window.kgFonts.push([String(text), this.font]); return fillText.apply(this, arguments); };
})();"""
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "PingFang SC", "Hiragino Sans", "Microsoft YaHei")


def test_cjk_headlines_are_drawn_with_a_cjk_font_named(browser, tmp_path):
    g = cjk_graph()
    (tmp_path / "cjk.html").write_bytes(render_page(g, start="overview"))
    page, errors, _ = open_page(browser, tmp_path / "cjk.html", FONTS)
    page.evaluate(NEXT_FRAMES)
    drawn = page.evaluate("kgFonts")
    for story in ("s1", "s2"):
        label = page.evaluate(f"kg.view.get().find(n => kg.byId[n.id].iri === {story!r}).label")
        lines = label.split("\n")
        assert len(lines) >= 2 and all(columns(line) <= 24 for line in lines)  # wrapped between characters
        assert "".join(g.nodes[story]["label"].split()).startswith("".join(lines).rstrip("…"))
        for line in lines:
            fonts = [f for text, f in drawn if text == line]
            assert fonts and all(any(family in f for family in CJK_FAMILIES) for f in fonts), (line, fonts)
    page.click("#f-reset")
    search(page, "新华社")
    for where in ("#panel", "#tooltip", "#search-result"):
        family = page.evaluate(f"getComputedStyle(document.querySelector({where!r})).fontFamily")
        assert any(name in family for name in CJK_FAMILIES), (where, family)
    assert errors == []
    page.close()


# ---- 6. the time slider, and exports of the view

def test_time_slider_and_date_boxes_move_together(browser, corpus_out):
    page, errors, _ = open_page(browser, corpus_out / "graph.html")
    page.click("#mode")  # the whole graph: every article
    dates = sorted(page.evaluate("Object.values(kg.byId).filter(n => n.type === 'article' && n.date).map(n => n.date.slice(0, 10))"))
    first, last = date.fromisoformat(dates[0]), date.fromisoformat(dates[-1])
    assert page.get_attribute("#t-since", "max") == str((last - first).days)

    def drag(slider: str, fraction: float) -> str:
        box = page.locator(slider).bounding_box()
        page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)
        return str(first + timedelta(days=int(page.input_value(slider))))

    since = drag("#t-since", 0.5)
    assert first.isoformat() < since < last.isoformat() and page.input_value("#f-since") == since
    until = drag("#t-until", 0.8)
    assert since < until < last.isoformat() and page.input_value("#f-until") == until
    shown = page.evaluate("kg.view.get().filter(n => n.kgType === 'article').map(n => kg.byId[n.id].date.slice(0, 10))")
    assert sorted(shown) == [d for d in dates if since <= d <= until] and shown
    assert in_sight(page, page.evaluate("kg.view.getIds()"))
    # a date typed into a box moves the slider
    page.fill("#f-since", "2019-01-01")
    page.dispatch_event("#f-since", "change")
    assert page.input_value("#t-since") == str((date(2019, 1, 1) - first).days)
    assert page.inner_text("#t-range").startswith("2019-01-01 – ")
    page.click("#f-reset")
    assert page.input_value("#t-since") == "0" and page.input_value("#t-until") == str((last - first).days)
    assert page.input_value("#f-since") == "" and page.input_value("#f-until") == ""
    assert page.evaluate("kg.view.length") == page.evaluate("Object.keys(kg.byId).length")
    assert errors == []
    page.close()


def png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and how many distinct byte values the image's pixel rows hold."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            idat += data[at + 8:at + 8 + length]
        at += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def download(page, button: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(button)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_export_this_view(browser, corpus_out, tmp_path):
    page, errors, requests = open_page(browser, corpus_out / "graph.html")
    homes = page.evaluate("kg.overview.folded.map(f => f.home)")
    click_node(page, max(set(homes), key=lambda h: (homes.count(h), -h)))  # the overview with a story unfolded
    by_id = page.evaluate("Object.fromEntries(kg.view.get().map(n => [n.id, [kg.byId[n.id].iri, kg.byId[n.id].label, n.kgType]]))")
    nodes = {iri: (label, kind) for iri, label, kind in by_id.values()}
    links = sorted((by_id[str(e["from"])][0], by_id[str(e["to"])][0], e["kgRel"])
                   for e in page.evaluate("kg.edgeView.get()"))
    assert len(nodes) > len(page.evaluate("kg.overview.nodes")) and len(links) > 50

    g = nx.read_graphml(download(page, "#x-graphml", tmp_path), force_multigraph=True)
    assert {n: (d["label"], d["type"]) for n, d in g.nodes(data=True)} == nodes
    assert sorted((u, v, d["relation"]) for u, v, d in g.edges(data=True)) == links
    weights = [d["weight"] for _u, _v, d in g.edges(data=True) if "weight" in d]
    assert weights and all(isinstance(w, int) and w >= 1 for w in weights)  # the overview's lines: links they stand for

    saved = json.loads(download(page, "#x-json", tmp_path).read_text(encoding="utf-8"))
    j = nx.node_link_graph(saved, directed=True, multigraph=True, edges="links")
    assert {n: (d["label"], d["type"]) for n, d in j.nodes(data=True)} == nodes
    assert sorted((u, v, d["relation"]) for u, v, d in j.edges(data=True)) == links

    png = download(page, "#x-png", tmp_path).read_bytes()
    width, height, colours = png_size_and_colours(png)
    assert (width, height) == tuple(page.evaluate("(c => [c.width, c.height])(document.querySelector('#network canvas'))"))
    assert colours > 50  # a drawing, not a blank canvas

    # a filtered whole graph exports exactly what the filter shows
    page.click("#mode")
    caixin = page.evaluate("Object.values(kg.byId).find(n => n.label === 'Caixin Global').id")
    page.select_option("#f-outlet", str(caixin))
    g = nx.read_graphml(download(page, "#x-graphml", tmp_path), force_multigraph=True)
    assert set(g.nodes) == iris(page) and g.number_of_edges() == page.evaluate("kg.edgeView.length")
    assert errors == [] and [r for r in requests if not r.startswith(("file:", "blob:", "data:"))] == []
    page.close()
