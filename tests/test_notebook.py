"""A build shown in a notebook: the interactive page inline, and a one-line repr.

The notebook is made here and run by nbclient in a real IPython kernel; what the
kernel returns for ``r`` is then shown in headless Chromium the way Jupyter
shows an output (its HTML inside a page) and the graph page must draw inside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import kg
from tests.test_html import browser  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "data" / "feed"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory):
    """The output of a notebook cell ``import kg; r = kg.build([...], ner="none"); r``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    folder = tmp_path_factory.mktemp("notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(f"import kg\nr = kg.build([{str(FEED)!r}], ner='none')\nr"))
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
    (result,) = [o for o in nb.cells[0].outputs if o["output_type"] == "execute_result"]
    return result["data"], folder


def test_notebook_repr_is_one_short_line(executed):
    data, _folder = executed
    expected = repr(kg.build([FEED], ner="none"))
    assert data["text/plain"] == expected
    assert "\n" not in expected and len(expected) < 160
    assert expected.startswith("<BuildResult: 3 documents from 3 files; ")


@pytest.mark.browser
def test_notebook_shows_the_page_inline_offline(executed, browser):  # noqa: F811
    data, folder = executed
    frame_html = data["text/html"]
    assert frame_html.startswith("<iframe ") and ' srcdoc="' in frame_html and "<script" not in frame_html
    host = folder / "output.html"  # the cell's output as a notebook page holds it
    host.write_text(f"<!DOCTYPE html><html><body><div class='output'>{frame_html}</div></body></html>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(host.as_uri())
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
