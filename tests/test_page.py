"""The page as a reader moves through it (issue 23), in real headless Chromium: every story
box of the overview with its headline."""

from __future__ import annotations

import pytest

from kg.pageview import page_graph
from kg.views import DEFAULT_MAX_NODES, OVERVIEW_LIMITS
from tests.test_html import MEASURE_TEXT, NEXT_FRAMES, browser, open_page, readable  # noqa: F401

pytestmark = pytest.mark.browser


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
