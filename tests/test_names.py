"""Names resolved across the corpus: merges follow the whole corpus, are recorded with their
rule, and a rebuild after a change gives exactly a clean build's graph."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.cli import main

OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "report.json", "merges.json")


def ninjs(folder: Path, name: str, headline: str, body: str = "", people=(), organisations=(), places=()) -> None:
    record = {"uri": f"urn:test:{name}", "version": "1", "versioncreated": "2024-03-01T10:00:00+00:00",
              "headlines": [{"role": "main", "value": headline}],
              "bodies": [{"role": "main", "contenttype": "text/plain", "value": body}] if body else [],
              "people": [{"name": n} for n in people], "organisations": [{"name": n} for n in organisations],
              "places": [{"name": n} for n in places]}
    (folder / f"{name}.json").write_text(json.dumps(record))


def build(src: Path, out: Path) -> dict:
    assert main(["build", str(src), "--out", str(out), "-q", "--ner", "none"]) == 0
    return json.loads((out / "merges.json").read_text())


def entities(out: Path, kind: str) -> dict[str, list[str]]:
    """Label → other names of every node of a type, from the GraphML the build wrote."""
    import networkx as nx

    g = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    return {d["label"]: sorted(filter(None, str(d.get("alt_names", "")).split(" | ")))
            for _, d in g.nodes(data=True) if d["type"] == kind}


def same_as_clean(src: Path, out: Path, tmp: Path) -> None:
    clean = tmp / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(src, clean)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_merges_follow_the_corpus_across_rebuilds(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    ninjs(src, "a", "Clearview AI fined", organisations=["Clearview AI"])
    ninjs(src, "b", "Clearview settles", organisations=["Clearview"])
    ninjs(src, "c", "Rights group sues", body="The Harbour Workers Union (HWU) filed suit.",
          organisations=["Harbour Workers Union"])
    ninjs(src, "d", "HWU wins", organisations=["HWU", "Alphabet Inc."])
    ninjs(src, "e", "Alphabet results", organisations=["Alphabet"])
    merges = build(src, out)
    orgs = entities(out, "organization")
    assert set(orgs) == {"Clearview AI", "Harbour Workers Union", "Alphabet"}, orgs
    assert orgs["Clearview AI"] == ["Clearview"] and orgs["Harbour Workers Union"] == ["HWU"]
    assert orgs["Alphabet"] == ["Alphabet Inc."]
    rules = {m["label"]: set(m["rules"]) for m in merges["merges"] if m["type"] == "organization"}
    assert "short-form" in rules["Clearview AI"] and "acronym-definition" in rules["Harbour Workers Union"]
    assert "legal-suffix" in rules["Alphabet"]
    same_as_clean(src, out, tmp_path)

    (src / "a.json").unlink()  # "Clearview" now names no longer form: it stands alone
    (src / "c.json").unlink()  # no document defines HWU, and no long form is left
    build(src, out)
    orgs = entities(out, "organization")
    assert {"Clearview", "HWU", "Alphabet"} == set(orgs), orgs
    same_as_clean(src, out, tmp_path)

    ninjs(src, "f", "Clearview AI again", organisations=["Clearview AI", "Clearview AI"])
    build(src, out)
    assert set(entities(out, "organization")) == {"Clearview AI", "HWU", "Alphabet"}
    same_as_clean(src, out, tmp_path)


def test_types_follow_the_weight_of_evidence():
    """A field outweighs any number of mentions a model typed otherwise; a known city is a place."""
    from kg.graph import build_graph
    from kg.model import Document, Mention, Subject

    def doc(n: int, text: str, kind: str) -> Document:
        return Document(source=f"{n}.md", format="feed", title=text, urls={"web": f"https://x.org/{n}"},
                        mentions=[Mention("Nvidia", kind, "headline", 0, 6, "spacy")])

    docs = [doc(n, "Nvidia rises", "place") for n in range(4)] + [doc(9, "Nvidia chips", "organization")]
    docs.append(Document(source="f.md", format="feed", title="Results", urls={"web": "https://x.org/f"},
                         organizations=["Nvidia"]))
    docs.append(Document(source="g.md", format="feed", title="Harbour", urls={"web": "https://x.org/g"},
                         subjects=[Subject("Lisbon", "organization", "test-api")],
                         mentions=[Mention("Lisbon", "place", "headline", 0, 6, "spacy")]))
    g, log = build_graph(docs)
    named = [(d["label"], d["type"]) for _, d in g.nodes(data=True) if d["type"] in ("organization", "place")]
    assert sorted(named) == [("Lisbon", "place"), ("Nvidia", "organization")]  # one node each
    nvidia = next(d for _, d in g.nodes(data=True) if d["label"] == "Nvidia")
    assert nvidia["type_evidence"].startswith("organization 10 (fields)") and "place 4" in nvidia["type_evidence"]
    without_field = build_graph(docs[:5])[0]
    assert {d["label"]: d["type"] for _, d in without_field.nodes(data=True)}["Nvidia"] == "place"  # text alone


def test_a_surname_is_the_full_name_only_in_its_own_document(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    ninjs(src, "a", "Talks", people=["Mark Rutte", "Rutte"])
    ninjs(src, "b", "Other talks", people=["Rutte"])
    build(src, out)
    people = entities(out, "person")
    assert people["Mark Rutte"] == ["Rutte"]
    assert list(people).count("Rutte") == 1  # b's lone "Rutte" stays its own, scoped to b
