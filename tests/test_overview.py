"""What the page opens on (kg.views.overview) and where kg places it (no browser needed)."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from kg.exporters.html import STYLES, page_data
from kg.exporters.layout import DOT_STEP, GAP, OVERVIEW_BOX, arrange_overview, node_box, place_folded, place_overview, wrap
from kg.views import OVERVIEW_LIMITS, overview


def news(stories: int = 3, lone: int = 2) -> nx.MultiDiGraph:
    """Stories of 2, 3, 4 … articles on two outlets, plus articles in no story."""
    g = nx.MultiDiGraph()
    for o in ("o1", "o2"):
        g.add_node(o, type="outlet", label=o.upper())
    g.add_node("eu", type="organization", label="European Union", alt_names=["EU"])
    g.add_node("ai", type="topic", label="AI")
    n = 0
    for s in range(stories):
        g.add_node(f"s{s}", type="story", label=f"Story {s}", article_count=s + 2)
        for _ in range(s + 2):
            g.add_node(f"a{n}", type="article", label=f"A{n}")
            g.add_edge(f"a{n}", f"s{s}", key="story", relation="story")
            g.add_edge(f"a{n}", "o1" if n % 2 else "o2", key="publisher", relation="publisher")
            n += 1
    for i in range(lone):
        g.add_node(f"l{i}", type="article", label=f"L{i}")
        g.add_edge(f"l{i}", "o1", key="publisher", relation="publisher")
        g.add_edge(f"l{i}", "eu", key="mentions", relation="mentions")
        g.add_edge(f"l{i}", "ai", key="about", relation="about")
    return g


def test_articles_fold_into_their_story_else_their_outlet():
    g = news()
    view = overview(g, {"story": 2, "outlet": 1, "entity": 1, "topic": 1})
    assert view.nodes == ["s2", "s1", "o1", "eu", "ai"]  # the largest stories, then the best-covered outlet …
    for a, d in g.nodes(data="type"):
        if d != "article":
            continue
        story = next((v for _u, v, r in g.out_edges(a, data="relation") if r == "story"), None)
        outlet = next(v for _u, v, r in g.out_edges(a, data="relation") if r == "publisher")
        expected = story if story in view.nodes else outlet if outlet in view.nodes else None
        assert view.home.get(a) == expected
    assert view.weight["s2"] == 4 and view.weight["o1"] == 6
    assert view.edges[("s2", "o1", "publisher")] == 2  # two of its articles published by o1
    assert view.edges[("o1", "eu", "mentions")] == 2 and ("s2", "s2", "story") not in view.edges


def test_a_story_counts_its_own_articles_even_when_the_page_cut_some():
    g = news()
    g.nodes["s0"]["article_count"] = 50  # most of its articles are not on the page
    assert overview(g, {"story": 1}).nodes == ["s0"]


def test_articles_left_out_still_join_what_they_link():
    g = news(stories=1, lone=3)
    view = overview(g, {"story": 1, "outlet": 0, "entity": 1, "topic": 1})
    assert all(not a.startswith("l") for a in view.home)
    assert view.edges[("ai", "eu", "together")] == 3


def test_overview_nodes_are_capped_whatever_the_graph_size():
    g = news(stories=60, lone=0)
    for i in range(40):
        g.add_node(f"p{i}", type="person", label=f"Person {i}")
        g.add_edge("a0", f"p{i}", key="mentions", relation="mentions")
    view = overview(g)
    kinds = [g.nodes[n]["type"] for n in view.nodes]
    assert kinds.count("story") == OVERVIEW_LIMITS["story"] and len(view.nodes) <= sum(OVERVIEW_LIMITS.values())


@pytest.mark.parametrize("text,width,lines,expected", [
    ("Short", 24, 2, ["Short"]),
    ("EU lawmakers agree on the first rules for artificial intelligence", 24, 2,
     ["EU lawmakers agree on", "the first rules for…"]),
    ("Supercalifragilisticexpialidocious words", 10, 1, ["Supercali…"]),
    ("", 24, 2, []),
])
def test_wrap(text, width, lines, expected):
    assert wrap(text, width, lines) == expected
    assert all(len(line) <= width for line in wrap(text, width, lines))


def apart(boxes: list[tuple[float, float, float, float]], gap: float = GAP) -> bool:
    return all(p[2] + gap - 0.01 <= q[0] or q[2] + gap - 0.01 <= p[0] or p[3] + gap - 0.01 <= q[1] or q[3] + gap - 0.01 <= p[1]
               for p, q in itertools.combinations(boxes, 2))


def test_placed_boxes_never_touch_and_stay_in_the_box():
    nodes = [f"n{i}" for i in range(60)]
    options = {n: [node_box("box" if i % 2 else "dot", 12, wrap(f"Headline number {i} about something long", 24, 2)),
                   node_box("dot", 12, [])] for i, n in enumerate(nodes)}
    pos, chosen = place_overview(nodes, list(zip(nodes, nodes[1:])), options)
    boxes = [(pos[n][0] + b[0], pos[n][1] + b[1], pos[n][0] + b[2], pos[n][1] + b[3])
             for n, b in ((n, options[n][chosen[n]]) for n in nodes)]
    assert apart(boxes)
    assert all(-OVERVIEW_BOX[0] / 2 <= b[0] and b[2] <= OVERVIEW_BOX[0] / 2 for b in boxes)
    assert all(-OVERVIEW_BOX[1] / 2 <= b[1] and b[3] <= OVERVIEW_BOX[1] / 2 for b in boxes)
    kept = {n for n in nodes if chosen[n] == 0}
    assert len(kept) >= 30 and set(nodes[:25]) <= kept  # the most important keep their labels


def test_every_story_keeps_a_headline_when_the_overview_is_crowded():
    """52 nodes whose labelled boxes fill about 70 % of the area: placed in order, the last
    stories found no room for their headline (they showed a number); now every one keeps one."""
    stories = [f"s{i}" for i in range(24)]
    others = [f"e{i}" for i in range(28)]
    options = {}
    for i, n in enumerate(stories):
        lines = wrap(f"Story {i} about the regulation of facial recognition in public places", 24, 2)
        narrow = wrap(f"Story {i} about the regulation of facial recognition in public places", 18, 3)
        options[n] = [node_box("box", 12, lines), node_box("box", 12, narrow), node_box("box", 12, ["2"])]
    for i, n in enumerate(others):
        options[n] = [node_box("diamond", 20, [f"Organisation number {i}"]), node_box("diamond", 20, [])]
    order = [n for pair in zip(others, stories) for n in pair] + others[24:]
    area = sum((b[0][2] - b[0][0] + GAP) * (b[0][3] - b[0][1] + GAP) for b in options.values())
    assert area > 0.6 * OVERVIEW_BOX[0] * OVERVIEW_BOX[1]
    first, chosen_first = place_overview(order, [], options)
    assert any(chosen_first[s] == 2 for s in stories)  # one pass leaves some story without its headline
    pos, chosen = arrange_overview(order, [], options, set(stories))
    assert all(chosen[s] < 2 for s in stories)
    assert apart([(pos[n][0] + options[n][chosen[n]][0], pos[n][1] + options[n][chosen[n]][1],
                   pos[n][0] + options[n][chosen[n]][2], pos[n][1] + options[n][chosen[n]][3]) for n in order])


def test_folded_articles_get_places_where_no_node_is():
    g = news(stories=12, lone=30)
    data = page_data(g, "t", start="overview")
    ov = data["overview"]
    places = [(f["x"], f["y"]) for f in ov["folded"]]
    assert len(set(places)) == len(places) == len(overview(g).home)
    boxes = []
    for o in ov["nodes"]:
        n = next(d for d in data["nodes"] if d["id"] == o["id"])
        shape = STYLES[n["type"]]["shape"]
        b = node_box(shape, o["size"], o["label"].split("\n") if o["label"] else [])
        boxes.append((o["x"] + b[0], o["y"] + b[1], o["x"] + b[2], o["y"] + b[3]))
    for x, y in places:  # an article's dot (radius 6) and half the gap touch no node's box
        dot = (x - DOT_STEP / 2, y - DOT_STEP / 2, x + DOT_STEP / 2, y + DOT_STEP / 2)
        assert all(apart([dot, b], gap=0) for b in boxes), (x, y)
    by_home: dict[int, list[tuple[float, float]]] = {}
    for f in ov["folded"]:
        by_home.setdefault(f["home"], []).append((f["x"], f["y"]))
    home_at = {o["id"]: (o["x"], o["y"]) for o in ov["nodes"]}
    for home, spots in by_home.items():  # close to their home
        assert max(((x - home_at[home][0]) ** 2 + (y - home_at[home][1]) ** 2) ** 0.5 for x, y in spots) < 400


def test_place_folded_keeps_every_home_together():
    pos = {"a": (0.0, 0.0), "b": (200.0, 0.0)}
    boxes = {"a": (-30.0, -10.0, 30.0, 10.0), "b": (-30.0, -10.0, 30.0, 10.0)}
    places = place_folded({"a": [f"a{i}" for i in range(20)], "b": [f"b{i}" for i in range(20)]}, pos, boxes)
    assert len(set(places.values())) == 40
    assert all(abs(x) < 110 for k, (x, _y) in places.items() if k.startswith("a"))
    assert all(abs(x - 200) < 110 for k, (x, _y) in places.items() if k.startswith("b"))


def test_page_data_carries_the_overview_and_other_names():
    g = news()
    data = page_data(g, "t", start="overview")
    ov, by_id = data["overview"], {n["id"]: n for n in data["nodes"]}
    assert ov["open"] is True and data["order"][0] == "story"
    assert {by_id[o["id"]]["iri"] for o in ov["nodes"]} == set(overview(g).nodes)
    assert [n for n in data["nodes"] if n["iri"] == "eu"][0]["alt"] == ["EU"]
    story = next(o for o in ov["nodes"] if by_id[o["id"]]["iri"] == "s2")
    assert story["label"] == "Story 2" and STYLES["story"]["shape"] == "box"
    ring = [f for f in ov["folded"] if f["home"] == story["id"]]
    assert len(ring) == 4 and all(abs(f["x"] - story["x"]) + abs(f["y"] - story["y"]) < 200 for f in ring)
    assert page_data(g, "t")["overview"]["open"] is False  # a graph this small opens whole
