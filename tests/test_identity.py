"""Merge rules: outlets, names, people, acronyms, places, topics; positive and negative."""

from __future__ import annotations

import pytest

from kg.graph import build_graph
from kg.identity.domains import registrable_domain
from kg.identity.names import acronym_definitions, best_label, name_key, topic_key
from kg.identity.places import lookup_place
from kg.model import Document, Provider, Related


@pytest.mark.parametrize(
    "host, domain",
    [
        ("europe.chinadaily.com.cn", "chinadaily.com.cn"),
        ("global.chinadaily.com.cn", "chinadaily.com.cn"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("abcnews.go.com", "go.com"),
        ("lena-writes.blogspot.com", "lena-writes.blogspot.com"),  # private suffix: each blog is its own outlet
        ("someone.github.io", "someone.github.io"),
    ],
)
def test_registrable_domain(host, domain):
    assert registrable_domain(host) == domain


def test_two_blogs_on_one_host_stay_apart():
    docs = [
        Document(source=f"{n}.md", format="feed", title=n, urls={"web": f"https://{n}.blogspot.com/p"},
                 provider=Provider(name=n, domain=f"{n}.blogspot.com"))
        for n in ("alice", "bob")
    ]
    g, _ = build_graph(docs)
    assert sorted(d["label"] for _, d in g.nodes(data=True) if d["type"] == "outlet") == ["alice", "bob"]


def test_outlet_names_merge_by_domain_with_preferred_label():
    docs = [
        Document(source=f"{i}.md", format="feed", title=f"t{i}", urls={"web": f"https://www.nytimes.com/{i}"},
                 provider=Provider(name=name, domain="nytimes.com"))
        for i, name in enumerate(["The New York Times", "New York Times", "The New York Times"])
    ]
    g, log = build_graph(docs)
    (outlet,) = [d for _, d in g.nodes(data=True) if d["type"] == "outlet"]
    assert outlet["label"] == "The New York Times"
    assert outlet["alt_names"] == ["New York Times"]
    assert any(m["type"] == "outlet" for m in log.merged)


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Cyberspace Administration Of China", "Cyberspace Administration of China", True),
        ("Zoë  Ferreira", "Zoe Ferreira", True),
        ("People's Court", "Peoples Court", True),
        ("AT&T", "AT and T", True),
        ("Li Wei", "Wei Li", False),
        ("Ministry of Commerce", "Ministry of Finance", False),
    ],
)
def test_name_keys(a, b, same):
    assert (name_key(a) == name_key(b)) is same


def test_topic_keys():
    assert topic_key("Climate & Environment") == topic_key("climate and  environment")
    assert topic_key("AI") != topic_key("A.I. Ethics")


def test_best_label_prefers_frequent_then_lowercase_small_words():
    assert best_label(["Ministry Of Public Security", "Ministry of Public Security"]) == "Ministry of Public Security"
    assert best_label(["NATO", "Nato", "NATO"]) == "NATO"


def analysis_doc(source: str, people: list[str], orgs: list[str] = (), text: str = "") -> Document:
    return Document(source=source, format="analysis", title=f"Story {source}", excerpt=text,
                    provider=Provider(name="x.org", domain="x.org"), people=list(people), organizations=list(orgs))


def test_lone_surnames_stay_scoped_to_their_document():
    g, _ = build_graph([analysis_doc("a.txt", ["Xu", "Wei Jingfeng"]), analysis_doc("b.txt", ["Xu", "Wei Jingfeng"])])
    people = [(n, d["label"]) for n, d in g.nodes(data=True) if d["type"] == "person"]
    assert sorted(label for _, label in people) == ["Wei Jingfeng", "Xu", "Xu"]
    for node, label in people:
        if label == "Xu":
            assert g.in_degree(node) == 1


def test_an_acronym_one_document_defines_is_its_long_form_everywhere():
    defined = analysis_doc("a.txt", [], ["CAC", "Cyberspace Administration of China"],
                           "Rules by the Cyberspace Administration of China (CAC) took effect.")
    undefined = analysis_doc("b.txt", [], ["CAC"], "The CAC met.")
    g, _ = build_graph([defined, undefined])
    orgs = {d["label"]: n for n, d in g.nodes(data=True) if d["type"] == "organization"}
    assert list(orgs) == ["Cyberspace Administration of China"]  # both documents' CAC and the long form
    assert g.in_degree(orgs["Cyberspace Administration of China"]) == 2
    assert "CAC" in g.nodes[orgs["Cyberspace Administration of China"]]["alt_names"]


def test_an_acronym_nobody_defines_merges_only_when_the_corpus_allows_one_reading():
    one = analysis_doc("a.txt", [], ["HWU", "Harbour Workers Union"], "The HWU sued.")
    g, _ = build_graph([one])
    assert {d["label"] for _, d in g.nodes(data=True) if d["type"] == "organization"} == {"Harbour Workers Union"}
    two = analysis_doc("b.txt", [], ["HWU", "Harbour Workers Union", "Hamburg Wine Union"], "The HWU met.")
    g, _ = build_graph([two])
    assert "HWU" in {d["label"] for _, d in g.nodes(data=True) if d["type"] == "organization"}  # two readings


    assert acronym_definitions("the Civil Aviation Administration of China (CAAC)") == {
        "CAAC": "Civil Aviation Administration of China"
    }
    assert acronym_definitions("a Big Old Thing (XYZ)") == {}


@pytest.mark.parametrize(
    "name, code",
    [("China", "CN"), ("United States", "US"), ("U.S.", "US"), ("Netherlands", "NL"), ("Kenya", "KE"), ("Beijing", "CN-1816670")],
)
def test_places(name, code):
    assert lookup_place(name).code == code


@pytest.mark.parametrize("name", ["Justice", "Technology", "Li", "Nato", "Summit"])
def test_non_places(name):
    assert lookup_place(name) is None


def test_place_tag_becomes_place_not_topic():
    doc = Document(source="a.txt", format="analysis", title="T", provider=Provider(domain="x.org"), tags=["China", "Justice"])
    g, _ = build_graph([doc])
    types = {d["label"]: d["type"] for _, d in g.nodes(data=True)}
    assert types["China"] == "place" and types["Justice"] == "topic"
    (china,) = [d for _, d in g.nodes(data=True) if d["label"] == "China"]
    assert china["geonames"] == "https://sws.geonames.org/1814991/" and china["iso"] == "CN"


def test_original_url_never_steals_another_articles_identity():
    # originalUrl of item a points at b's article: two articles, not one
    a = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a", "original": "https://y.org/b"})
    b = Document(source="b.md", format="feed", title="B", urls={"web": "https://y.org/b"})
    g, _ = build_graph([a, b])
    assert sum(1 for _, d in g.nodes(data=True) if d["type"] == "article") == 2


def test_conflicting_titles_are_kept_and_reported():
    a = Document(source="a.md", format="feed", title="First title", urls={"web": "https://x.org/a"},
                 related=[Related(title="Other title", urls={"web": "https://z.org/c"})])
    b = Document(source="b.md", format="feed", title="Second", urls={"web": "https://y.org/b"},
                 related=[Related(title="Third title", urls={"web": "https://z.org/c?utm_source=x"})])
    g, log = build_graph([a, b])
    (conflict,) = [c for c in log.conflicts if c["field"] == "headline"]
    assert {v["value"] for v in conflict["values"]} == {"Other title", "Third title"}
    node = g.nodes[conflict["node"]]
    assert node["headline"] == conflict["chosen"] and len(node["alt_headline"]) == 1
