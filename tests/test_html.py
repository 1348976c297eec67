"""The interactive page in real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.builder import write_outputs
from kg.exporters.html import render_page
from kg.pageview import page_graph
from kg.views import DEFAULT_MAX_NODES, OVERVIEW_LIMITS, overview

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
#: The README's pictures of the seeds' page and of the corpus page (its overview); a test run
#: rewrites them only when this variable is 1.
README_SHOT = Path(__file__).resolve().parent / "screenshots" / "seeds-graph.png"
CORPUS_SHOT = Path(__file__).resolve().parent / "screenshots" / "corpus-overview.png"
UPDATE_SHOT = "KG_UPDATE_SCREENSHOTS"
#: Runs before the page's scripts: every text drawn on a canvas is recorded with its font size
#: on screen (CSS px: the font's px times the canvas transform's scale over the pixel ratio).
MEASURE_TEXT = """
(() => {
  const proto = CanvasRenderingContext2D.prototype, fillText = proto.fillText;
  window.kgDrawn = [];
  proto.fillText = function (text) {
    const px = parseFloat((/([0-9.]+)px/.exec(this.font) || [0, "0"])[1]);
    const m = this.getTransform();
    window.kgDrawn.push([String(text), px * Math.hypot(m.a, m.b) / (window.devicePixelRatio || 1)]);
    return fillText.apply(this, arguments);
  };
})();
"""
NEXT_FRAMES = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: Every labelled node drawn: its label and vis-network's own box around it and its label
#: (a box-shaped node's is padded by its corner radius, 6 px: taken off here).
LABEL_BOXES = """kg.view.get().filter(n => n.label).map(n => {
  const b = kg.network.getBoundingBox(n.id), pad = n.shape === "box" ? 6 : 0;
  return [n.label, {left: b.left + pad, right: b.right - pad, top: b.top + pad, bottom: b.bottom - pad}];
})"""


def readable(page) -> None:
    """Every label drawn is 11–16 px high on screen, and no two labelled nodes touch; kg
    placed them so (none had to give way in the browser)."""
    assert page.evaluate("kg.decluttered()") == 0
    drawn = page.evaluate("kgDrawn.splice(0)")
    assert drawn, "no label drawn"
    sizes = {text: px for text, px in drawn}
    boxes = page.evaluate(LABEL_BOXES)
    for label, _box in boxes:
        for line in label.split("\n"):
            assert 11 <= sizes.get(line, 0) <= 16, f"{line!r} is drawn {sizes.get(line, 0):.1f} px high"
    for i, (a, p) in enumerate(boxes):
        for b, q in boxes[i + 1:]:
            apart = p["right"] <= q["left"] or q["right"] <= p["left"] or p["bottom"] <= q["top"] or q["bottom"] <= p["top"]
            assert apart, f"{a!r} and {b!r} overlap"


def click_node(page, node_id: int) -> None:
    """A real mouse click on a node where it is drawn."""
    at = page.evaluate(f"kg.network.canvasToDOM(kg.network.getPosition({node_id}))")
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, path: Path, init_script: str | None = None):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    if init_script:
        page.add_init_script(init_script)
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("window.kgReady === true", timeout=60000)
    return page, errors, requests


def test_seeds_page_draws_offline(browser, seeds_out, seeds_result, tmp_path):
    """A graph this small reads whole: the page opens on all of it."""
    page, errors, requests = open_page(browser, seeds_out / "graph.html")
    assert page.evaluate("kg.mode()") == "full"
    assert int(page.evaluate("document.body.dataset.kgNodes")) == seeds_result.graph.number_of_nodes()
    assert errors == []
    assert [r for r in requests if not r.startswith("file:")] == []
    page.screenshot(path=str(tmp_path / "seeds.png"))
    assert (tmp_path / "seeds.png").read_bytes().startswith(b"\x89PNG")
    if os.environ.get(UPDATE_SHOT) == "1":  # KG_UPDATE_SCREENSHOTS=1 pytest tests/test_html.py -k seeds
        README_SHOT.write_bytes((tmp_path / "seeds.png").read_bytes())
    # search focuses the right node and lists its connections
    page.fill("#search", "Matthew Walsh")
    page.press("#search", "Enter")
    assert page.inner_text("#search-result") == "Found: Matthew Walsh"
    assert "Matthew Walsh" in page.inner_text("#panel")
    selected = page.evaluate("kg.network.getSelectedNodes().map(id => kg.byId[id].label)")
    assert sorted(selected) == ["Matthew Walsh", "Top Lawmakers Slam Draft Facial Recognition Laws as Vague and Open to Abuse"]
    # a type filter hides nodes without a reload
    before = page.evaluate("kg.view.length")
    page.uncheck("input[data-type='image']")
    assert page.evaluate("kg.view.length") == before - 9
    page.close()


def test_corpus_page_opens_on_overview(browser, corpus_out, corpus_result, tmp_path):
    """The corpus page opens on a readable overview; a click unfolds a story (or, without
    stories, an outlet) into its articles and folds it again; the whole graph is one click away."""
    graph, _note = page_graph(corpus_result.pieces, DEFAULT_MAX_NODES)
    view = overview(graph)
    page, errors, requests = open_page(browser, corpus_out / "graph.html", MEASURE_TEXT)
    page.evaluate(NEXT_FRAMES)
    shown = int(page.evaluate("document.body.dataset.kgNodes"))
    assert page.evaluate("kg.mode()") == "overview"
    assert shown == len(view.nodes) and 20 <= shown <= sum(OVERVIEW_LIMITS.values())
    assert {graph.nodes[n]["label"] for n in view.nodes} == set(page.evaluate("kg.view.get().map(n => kg.byId[n.id].label)"))
    assert "Caixin Global" in page.evaluate("kg.view.get().map(n => n.label)")  # the best-covered outlets, labelled
    readable(page)
    stories = [n for n in view.nodes if graph.nodes[n]["type"] == "story"]
    target = stories[0] if stories else max(view.nodes, key=lambda n: sum(h == n for h in view.home.values()))
    articles = {a for a, h in view.home.items() if h == target}
    assert len(articles) >= 5
    target_id = page.evaluate(f"Object.values(kg.byId).find(n => n.iri === {target!r}).id")
    click_node(page, target_id)
    unfolded = page.evaluate("kg.view.get().filter(n => n.kgType === 'article').map(n => kg.byId[n.id].iri)")
    assert page.evaluate("kg.view.length") == shown + len(articles) and set(unfolded) == articles
    assert "Fold its articles" in page.inner_text("#panel")
    page.mouse.move(5, 5)  # the picture in the README: the overview, its largest story unfolded
    page.screenshot(path=str(tmp_path / "corpus.png"))
    assert (tmp_path / "corpus.png").read_bytes().startswith(b"\x89PNG")
    if os.environ.get(UPDATE_SHOT) == "1":  # KG_UPDATE_SCREENSHOTS=1 pytest tests/test_html.py -k overview
        CORPUS_SHOT.write_bytes((tmp_path / "corpus.png").read_bytes())
    click_node(page, target_id)
    assert page.evaluate("kg.view.length") == shown
    page.click("#mode")
    assert page.evaluate("kg.view.length") == graph.number_of_nodes() and page.evaluate("kg.mode()") == "full"
    page.click("#mode")
    assert page.evaluate("kg.view.length") == shown
    assert errors == [] and [r for r in requests if not r.startswith("file:")] == []
    page.close()


def test_corpus_page_draws_and_filters(browser, corpus_out, corpus_result, tmp_path):
    page, errors, requests = open_page(browser, corpus_out / "graph.html")
    total = corpus_result.graph.number_of_nodes()
    page.click("#mode")  # the whole graph
    assert page.evaluate("kg.view.length") == total
    assert errors == [] and [r for r in requests if not r.startswith("file:")] == []
    # outlet filter: only that outlet's articles and what they link to
    caixin = page.evaluate("Object.values(kg.byId).find(n => n.label === 'Caixin Global').id")
    page.select_option("#f-outlet", str(caixin))
    articles = page.evaluate("kg.view.get().filter(n => n.kgType === 'article').map(n => kg.byId[n.id].label)")
    g = corpus_result.graph
    expected = {g.nodes[u]["label"] for u, v, r in g.edges(data="relation") if r == "publisher" and g.nodes[v]["label"] == "Caixin Global"}
    assert set(articles) == expected and len(expected) >= 20
    # date range on top: only 2019 stories remain
    page.fill("#f-since", "2019-01-01")
    page.fill("#f-until", "2019-12-31")
    page.dispatch_event("#f-until", "change")
    dates = page.evaluate("kg.view.get().filter(n => n.kgType === 'article').map(n => kg.byId[n.id].date.slice(0, 4))")
    assert dates and set(dates) == {"2019"}
    page.click("#f-reset")
    assert page.evaluate("kg.view.length") == total
    # topic filter
    page.select_option("#f-topic", label=page.evaluate("Array.from(document.querySelectorAll('#f-topic option'))[1].textContent"))
    assert 0 < page.evaluate("kg.view.length") < total
    page.close()


def test_labels_keep_their_size_on_screen(browser, corpus_out):
    """Hub labels stay about 13 px high when the view's scale changes without a zoom event:
    a search jumps from the whole graph to one node at scale 1.2; moveTo zooms in to 8x on a hub."""
    page, errors, _ = open_page(browser, corpus_out / "graph.html", MEASURE_TEXT)
    page.click("#mode")  # the whole graph
    page.evaluate(NEXT_FRAMES)
    page.evaluate("kgDrawn.splice(0)")
    page.evaluate("kg.network.fit()")
    page.evaluate(NEXT_FRAMES)
    first = page.evaluate("kgDrawn.splice(0)")
    assert len({text for text, _ in first}) >= 5  # the whole graph shows its hubs' labels
    assert max(px for _, px in first) < 16
    for step in ("search", "zoom"):
        if step == "search":
            page.fill("#search", "Matthew Walsh")
            page.press("#search", "Enter")
            assert page.evaluate("kg.network.getScale()") == pytest.approx(1.2)
        else:
            page.evaluate("kg.network.moveTo({scale: 8, position: kg.network.getPosition("
                          "Object.values(kg.byId).find(n => n.label === 'Caixin Global').id)})")
        page.evaluate(NEXT_FRAMES)
        drawn = page.evaluate("kgDrawn.splice(0)")
        assert drawn, f"no label drawn after the {step}"
        tallest = max(drawn, key=lambda d: d[1])
        assert 10 < tallest[1] < 16, f"after the {step}, {tallest[0]!r} is drawn {tallest[1]:.0f} px high"
    assert errors == []
    page.close()


def test_focus_view_page(browser, corpus_out, tmp_path):
    from kg.cli import main

    out = tmp_path / "view.html"
    assert main(["view", "--graph", str(corpus_out / "graph.graphml"), "--focus", "Matthew Walsh", "--depth", "2", "--out", str(out)]) == 0
    page, errors, _ = open_page(browser, out)
    labels = set(page.evaluate("Object.values(kg.byId).map(n => n.label)"))
    assert "Matthew Walsh" in labels and "Caixin Global" in labels and len(labels) < 100
    assert "Matthew Walsh" in page.inner_text("#heading")
    assert errors == []
    page.close()


def test_max_nodes_notice(browser, corpus_out, tmp_path):
    from kg.cli import main

    out = tmp_path / "top.html"
    assert main(["view", "--graph", str(corpus_out / "graph.graphml"), "--max-nodes", "50", "--out", str(out)]) == 0
    page, errors, _ = open_page(browser, out)
    assert int(page.evaluate("document.body.dataset.kgNodes")) == 50
    assert "Showing the 50 most connected" in page.inner_text("#notice")
    page.close()


def test_malicious_headline_is_text(browser, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    evil = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> href"
    (src / "evil.md").write_text(
        "---\n"
        f"title: '{evil}'\n"
        "webUrl: \"https://x.org/a?q=</script><script>window.pwned=3</script>\"\n"
        "provider:\n  name: '<b onmouseover=window.pwned=4>Evil</b>'\n  domain: x.org\n"
        "topics: ['</script><script>window.pwned=5</script>']\n"
        "---\n"
    )
    out = tmp_path / "out"
    write_outputs(kg.build([src]), out, ("html",))
    page, errors, _ = open_page(browser, out / "graph.html")
    page.fill("#search", "<img")
    page.press("#search", "Enter")
    page.mouse.move(700, 450)
    assert page.evaluate("window.pwned") is None
    assert evil in page.inner_text("#panel")
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def storied(corpus_result):
    """The corpus page's graph, with the stories the build found."""
    graph, _note = page_graph(corpus_result.pieces, DEFAULT_MAX_NODES)
    assert sum(1 for _, d in graph.nodes(data=True) if d["type"] == "story") >= 20
    return graph


def test_overview_shows_stories_and_filters_them_by_date(browser, storied, tmp_path):
    g = storied
    (tmp_path / "stories.html").write_bytes(render_page(g))
    page, errors, _ = open_page(browser, tmp_path / "stories.html", MEASURE_TEXT)
    page.evaluate(NEXT_FRAMES)
    readable(page)
    stories = {n: d for n, d in g.nodes(data=True) if d["type"] == "story"}
    shown = set(page.evaluate("kg.view.get().map(n => kg.byId[n.id].iri)"))
    kept = [n for n in stories if n in shown]
    assert len(kept) == min(OVERVIEW_LIMITS["story"], len(stories)) >= 20
    assert min(stories[n]["article_count"] for n in kept) >= max((d["article_count"] for n, d in stories.items() if n not in shown), default=0)
    assert not any(g.nodes[n]["type"] == "article" for n in shown)  # articles are folded
    # the largest story unfolds into its articles, linked to it
    largest = max(stories, key=lambda n: stories[n]["article_count"])
    members = {u for u, _v, r in g.in_edges(largest, data="relation") if r == "story"}
    story_id = page.evaluate(f"Object.values(kg.byId).find(n => n.iri === {largest!r}).id")
    click_node(page, story_id)
    now = set(page.evaluate("kg.view.get().map(n => kg.byId[n.id].iri)"))
    assert now - shown == members
    assert page.evaluate(f"kg.edgeView.get().filter(e => e.kgRel === 'story' && e.to === {story_id}).length") == len(members)
    assert f"Articles: {len(members)}" in page.inner_text("#panel")
    click_node(page, story_id)
    # a date range keeps the stories, outlets, entities and topics of the articles published in it
    day = {n: str(d.get("published") or "")[:10] for n, d in g.nodes(data=True) if d["type"] == "article"}
    picked = {a for a, d in day.items() if "2023-01-01" <= d <= "2023-12-31"}
    linked = {m for a in picked for m in nx.all_neighbors(g, a) if g.nodes[m]["type"] != "article"}
    page.fill("#f-since", "2023-01-01")
    page.fill("#f-until", "2023-12-31")
    page.dispatch_event("#f-until", "change")
    filtered = set(page.evaluate("kg.view.get().map(n => kg.byId[n.id].iri)"))
    assert filtered == shown & linked and 5 < len(filtered) < len(shown)
    assert {g.nodes[n]["type"] for n in filtered} >= {"story", "outlet", "topic"}
    assert errors == []
    page.close()


def test_overview_of_a_page_at_its_size_cap_is_readable(browser, storied, tmp_path):
    """At the page's cap (5,000 nodes) the page still opens on a screen of readable labels."""
    copies = [nx.relabel_nodes(storied, {n: f"{n}#{i}" for n in storied}) for i in range(DEFAULT_MAX_NODES // len(storied))]
    big = nx.compose_all(copies)
    assert 4000 < big.number_of_nodes() <= DEFAULT_MAX_NODES
    (tmp_path / "big.html").write_bytes(render_page(big))
    page, errors, _ = open_page(browser, tmp_path / "big.html", MEASURE_TEXT)
    page.evaluate(NEXT_FRAMES)
    assert int(page.evaluate("document.body.dataset.kgNodes")) == sum(OVERVIEW_LIMITS.values())
    readable(page)
    page.click("#mode")
    assert page.evaluate("kg.view.length") == big.number_of_nodes()
    assert errors == []
    page.close()


def entity_graph() -> nx.MultiDiGraph:
    """A small graph whose entities have other names, and a story with a hostile headline."""
    g = nx.MultiDiGraph()
    evil = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>"
    g.add_node("o", type="outlet", label="Daily Planet")
    g.add_node("t", type="topic", label="Privacy")
    g.add_node("c", type="organization", label="Clearview AI", alt_names=["Clearview", "Clearview AI Inc."])
    g.add_node("m", type="organization", label="Meta Platforms", alt_names=["Facebook", evil])
    g.add_node("s", type="story", label=evil + " fined", article_count=2, outlet_count=1,
               published="2022-05-01T09:00:00", last_published="2022-05-03T10:00:00")
    g.add_node("i", type="image", label="Photo of a camera")
    for key, label in (("a1", "Clearview AI fined by the privacy regulator"), ("a2", "Regulator fines Clearview again"),
                       ("a3", "Facebook ends face recognition")):
        g.add_node(key, type="article", label=label, published="2022-05-0" + key[1])
        g.add_edge(key, "o", key="publisher", relation="publisher")
        g.add_edge(key, "t", key="about", relation="about")
    for a, e in (("a1", "c"), ("a2", "c"), ("a3", "m"), ("a1", "s"), ("a2", "s")):
        relation = "story" if e == "s" else "mentions"
        g.add_edge(a, e, key=relation, relation=relation)
    g.add_edge("a1", "i", key="image", relation="image")
    return g


def search(page, text: str) -> str:
    page.fill("#search", text)
    page.press("#search", "Enter")
    return page.inner_text("#search-result")


def test_search_finds_an_entity_by_any_of_its_names(browser, tmp_path):
    (tmp_path / "names.html").write_bytes(render_page(entity_graph()))
    page, errors, _ = open_page(browser, tmp_path / "names.html")
    # "Clearview" is also in two headlines better connected than the entity: its other name decides
    assert search(page, "Clearview") == "Found: Clearview AI (also known as Clearview)"
    assert page.inner_text("#panel strong") == "Clearview AI"  # the panel describes the entity
    assert "Clearview AI" in page.evaluate("kg.network.getSelectedNodes().map(id => kg.byId[id].label)")
    assert "Also known as: Clearview, Clearview AI Inc." in page.inner_text("#panel")
    assert search(page, "facebook") == "Found: Meta Platforms (also known as Facebook)"
    assert search(page, "Regulator fines") == "Found: Regulator fines Clearview again"
    assert errors == []
    page.close()


def test_overview_search_unfolds_or_adds_to_the_overview_and_keeps_text_as_text(browser, tmp_path):
    g = entity_graph()
    (tmp_path / "names.html").write_bytes(render_page(g, start="overview"))
    page, errors, _ = open_page(browser, tmp_path / "names.html")
    assert page.evaluate("kg.mode()") == "overview" and page.evaluate("kg.view.length") == 5
    assert search(page, "Regulator fines") == "Found: Regulator fines Clearview again"  # folded into its story
    assert page.evaluate("kg.mode()") == "overview" and page.evaluate("kg.view.length") == 7
    assert search(page, "Photo of a camera") == "Found: Photo of a camera — added to the overview"  # in no overview
    assert page.evaluate("kg.mode()") == "overview" and page.evaluate("kg.view.length") == 8
    page.click("#mode")
    assert page.evaluate("kg.mode()") == "full" and page.evaluate("kg.view.length") == g.number_of_nodes()
    story = page.evaluate("Object.values(kg.byId).find(n => n.type === 'story').id")
    click_node(page, story)
    page.mouse.move(5, 5)
    assert g.nodes["s"]["label"] in page.inner_text("#panel") and "First published: 2022-05-01 09:00" in page.inner_text("#panel")
    search(page, "Meta")
    assert "Also known as: Facebook, <img src=x" in page.inner_text("#panel")
    assert page.evaluate("window.pwned") is None
    assert errors == []
    page.close()
