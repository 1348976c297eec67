"""A build shown in a notebook: a picture of its overview (a bounded size, no script), a
link to its page, the interactive page on request (``r.page()``), and a one-line repr.

The notebook is made here and run by nbclient in a real IPython kernel; what the
kernel returns for each cell is then shown in headless Chromium the way Jupyter
shows an output (its HTML inside a page), and it must draw there.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

import kg
from tests.conftest import DATA
from tests.test_html import browser  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "data" / "feed"
#: The most a build's display may add to a notebook file, whatever the graph's size (the page
#: itself was 838 KB for data/ and 2.9 MB for the corpus).
MAX_DISPLAY = 100_000
CELLS = (f"import kg\nr = kg.build([{str(FEED)!r}], ner='none')\nr",
         f"kg.build([{str(FEED)!r}], ner='none', out='graph')",
         "r.page()")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory):
    """The outputs of :data:`CELLS`: a build, a build written to ``graph/``, and ``r.page()``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    folder = tmp_path_factory.mktemp("notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells += [nbformat.v4.new_code_cell(cell) for cell in CELLS]
    env = {  # the kernel runs this checkout's kg with this interpreter
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    outputs = [[o["data"] for o in cell.outputs if o["output_type"] == "execute_result"][0] for cell in nb.cells]
    return outputs, folder


def test_notebook_repr_is_one_short_line(executed):
    (data, *_rest), _folder = executed
    expected = repr(kg.build([FEED], ner="none"))
    assert data["text/plain"] == expected
    assert "\n" not in expected and len(expected) < 160
    assert expected.startswith("<BuildResult: 3 documents from 3 files; ")


def show(browser, folder: Path, html: str):  # noqa: F811
    """*html* as a notebook page holds a cell's output, open in Chromium."""
    host = folder / "output.html"
    host.write_text(f"<!DOCTYPE html><html><body><div class='output' style='width: 1000px'>{html}</div></body></html>",
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(host.as_uri())
    return page, errors, requests


@pytest.mark.browser
def test_notebook_shows_a_picture_of_the_graph_offline(executed, browser):  # noqa: F811
    (data, written, _page), folder = executed
    html = data["text/html"]
    assert html.startswith('<div class="kg-picture"><svg ') and "<script" not in html and "<iframe" not in html
    assert len(html.encode()) < MAX_DISPLAY
    page, errors, requests = show(browser, folder, html)
    graph = kg.build([FEED], ner="none").graph
    titles = page.evaluate("Array.from(document.querySelectorAll('svg g.node > title')).map(t => t.textContent.split('\\n')[0])")
    assert sorted(titles) == sorted(d["label"] for _, d in graph.nodes(data=True))  # every node, named on hover
    labels = page.evaluate("""Array.from(document.querySelectorAll('svg g.node text')).map(t => {
        const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom]; })""")
    assert len(labels) >= 5 and all(11 <= bottom - top <= 20 for _t, _l, top, _r, bottom in labels)  # drawn, 13 px
    for i, (a, *p) in enumerate(labels):
        for b, *q in labels[i + 1:]:
            assert p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1], f"{a!r} and {b!r} overlap"
    assert "graph.html" not in page.inner_text(".output")  # nothing written, so no link
    assert ".page()" in page.inner_text(".output")
    assert errors == [] and [r for r in requests if not r.startswith("file:")] == []
    page.close()
    # a build that wrote its outputs links its page, relative to the notebook's folder
    href = re.search(r'<a href="([^"]+)"', written["text/html"]).group(1)
    assert href == "graph/graph.html" and (folder / href).is_file()


@pytest.mark.parametrize("paths", ["data", "corpus"])
def test_the_display_of_a_build_has_a_size_bound(paths, request):
    """Real builds, the sample and the corpus (2,400 nodes): the display stays under the
    bound, and the whole page is one call away."""
    result = kg.build([DATA], ner="none") if paths == "data" else request.getfixturevalue("corpus_result")
    html = result._repr_html_()
    assert len(html.encode()) < MAX_DISPLAY
    assert html.count('<g class="node"') <= 60 or result.pieces.node_counts.total() <= 150
    assert len(result.page()._repr_html_().encode()) > 5 * MAX_DISPLAY  # what the display no longer carries


@pytest.mark.browser
def test_notebook_page_shows_the_interactive_page_inline_offline(executed, browser):  # noqa: F811
    (_data, _written, data), folder = executed
    frame_html = data["text/html"]
    assert frame_html.startswith("<iframe ") and ' srcdoc="' in frame_html and "<script" not in frame_html
    assert "allow-downloads" in frame_html  # its exports work
    page, errors, requests = show(browser, folder, frame_html)
    frame = page.query_selector("iframe").content_frame()
    frame.wait_for_function("window.kgReady === true", timeout=60000)
    graph = kg.build([FEED], ner="none").graph
    assert frame.evaluate("kg.view.length") == graph.number_of_nodes()
    labels = set(frame.evaluate("Object.values(kg.byId).map(n => n.label)"))
    assert labels == {d["label"] for _, d in graph.nodes(data=True)}
    frame.locator("#search").fill(labels.pop())
    frame.locator("#search").press("Enter")
    assert frame.locator("#search-result").inner_text().startswith("Found: ")
    assert errors == [] and [r for r in requests if not r.startswith("file:")] == []
    page.close()
