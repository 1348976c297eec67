"""The graph built from the real seeds and corpus."""

from __future__ import annotations

from collections import Counter

from kg.identity.urls import url_key

from .conftest import articles, find_article, neighbours


def test_page_dump_article(seeds_result):
    node, data = find_article(seeds_result, "Top Lawmakers Slam Draft Facial Recognition Laws")
    assert data["published"].date().isoformat() == "2020-10-21"
    assert data["section"] == "Politics & Law"
    assert [p["label"] for p in neighbours(seeds_result, node, "author")] == ["Matthew Walsh"]
    assert [o["label"] for o in neighbours(seeds_result, node, "publisher")] == ["Caixin Global"]
    headlines = {d.get("headline") for d in articles(seeds_result).values()}
    for nav in ("JD Logistics Takes Pitches from Banks for Planned Hong Kong IPO in 2021",
                "Britain Bans Installation of New Huawei 5G Equipment from September 2021 in Major U-Turn"):
        assert nav not in headlines


def test_analysis_page_entities(seeds_result):
    node, _ = find_article(seeds_result, "China Cracks Down on Illegal Use of Facial Recognition Data")
    assert len([n for n in neighbours(seeds_result, node, "mentions") if n["type"] == "organization"]) == 4
    assert len([n for n in neighbours(seeds_result, node, "mentions") if n["type"] == "person"]) == 3
    topics = {n["label"] for n in neighbours(seeds_result, node, "about")}
    places = {n["label"] for n in neighbours(seeds_result, node, "mentions") if n["type"] == "place"}
    assert len(topics) + len(places) == 8 and places == {"China"}
    assert len(neighbours(seeds_result, node, "bias")) == 4
    (sdg,) = neighbours(seeds_result, node, "sdg")
    assert sdg["direction"] == "Positive"


def test_seed_002_and_003_are_one_related_edge(seeds_result):
    n2, d2 = find_article(seeds_result, "Application of facial recognition tech needs to be strictly regulated")
    n3, _ = find_article(seeds_result, "China closes record number of personal data breaches")
    g = seeds_result.graph
    assert d2["by_reference"] is False
    assert [k for k in g[n3][n2]] == ["related"]
    assert not g.has_edge(n2, n3)


def test_china_daily_is_one_outlet(seeds_result):
    outlets = [(n, d) for n, d in seeds_result.graph.nodes(data=True) if d["type"] == "outlet" and "chinadaily" in n]
    (node, data), = outlets
    assert data["domain"] == "chinadaily.com.cn"
    publishers = [u for u, _, r in seeds_result.graph.in_edges(node, data="relation") if r == "publisher"]
    assert len(publishers) == 2  # seed 002 (global.) and seed 004 (europe.)


def test_corpus_every_file_accounted(corpus_result):
    from .conftest import CORPUS, SEEDS

    inputs = {p for root in (CORPUS, SEEDS) for p in root.rglob("*") if p.is_file()}
    assert len(corpus_result.outcomes) == len(inputs)
    metadata = {"README.md", "MANIFEST.tsv", "SOURCES.tsv"}
    for outcome in corpus_result.outcomes:
        expected = "skipped" if outcome.name.rsplit("/", 1)[-1] in metadata else "ingested"
        assert outcome.status == expected, outcome
        assert outcome.articles if expected == "ingested" else outcome.reason
    counts = corpus_result.counts()
    assert counts["failed"] == 0 and counts["skipped"] == 3  # README.md, MANIFEST.tsv, SOURCES.tsv


def test_corpus_no_two_articles_share_a_canonical_url(corpus_result):
    owners: dict[str, set[str]] = {}
    for node, data in articles(corpus_result).items():
        if data.get("url"):
            owners.setdefault(url_key(data["url"]), set()).add(node)
    assert all(len(nodes) == 1 for nodes in owners.values())


def test_corpus_related_entries_land_on_ingested_articles(corpus_result):
    g = corpus_result.graph
    inside = [(u, v) for u, v, r in g.edges(data="relation") if r == "related" and not g.nodes[v]["by_reference"]]
    assert len(inside) > 300  # the corpus was collected by following related lists
    # an article read from a file is never also a by-reference node under another IRI
    ingested_keys = Counter(url_key(d["url"]) for d in articles(corpus_result).values() if d.get("url"))
    assert max(ingested_keys.values()) == 1


def test_corpus_lone_surnames_not_shared(corpus_result):
    g = corpus_result.graph
    for node, data in g.nodes(data=True):
        if data["type"] == "person" and data["label"] in ("Li", "Xu"):
            sources = {u for u in g.predecessors(node)}
            assert len(sources) == 1
