"""The interactive page in real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import kg
from kg.builder import write_outputs

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
#: The README's picture of the seeds' page; a test run rewrites it only when this variable is 1.
README_SHOT = Path(__file__).resolve().parent / "screenshots" / "seeds-graph.png"
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
    page, errors, requests = open_page(browser, seeds_out / "graph.html")
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


def test_corpus_page_draws_and_filters(browser, corpus_out, corpus_result, tmp_path):
    page, errors, requests = open_page(browser, corpus_out / "graph.html")
    total = corpus_result.graph.number_of_nodes()
    assert int(page.evaluate("document.body.dataset.kgNodes")) == total
    assert errors == [] and [r for r in requests if not r.startswith("file:")] == []
    page.screenshot(path=str(tmp_path / "corpus.png"))
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
    page.evaluate(NEXT_FRAMES)
    first = page.evaluate("kgDrawn.splice(0)")
    assert len({text for text, _ in first}) >= 10  # the whole graph shows its hubs' labels
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
