"""Entities from the text itself: extractors, evidence, cache, and quality floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.extract import available, get_extractor, spacy_installed
from kg.extract.run import known_names
from kg.extract.score import load_gold, score
from kg.inputs import collect_files, read_file

from .conftest import CORPUS, SEEDS, SHARED, find_article, need_shared, neighbours

ROOT = Path(__file__).resolve().parent.parent
EXTRACTORS = ["rules", pytest.param("spacy", marks=pytest.mark.skipif(not spacy_installed(), reason="spaCy pipeline not installed (pip install '.[spacy]')"))]


@pytest.fixture(scope="module", params=EXTRACTORS)
def seeds_ner(request):
    need_shared()
    return request.param, kg.build([SEEDS], ner=request.param)


def test_page_dump_mentions_china_and_author_is_not_a_mention(seeds_ner):
    _name, result = seeds_ner
    node, _ = find_article(result, "Top Lawmakers Slam Draft Facial Recognition Laws")
    assert "China" in {n["label"] for n in neighbours(result, node, "mentions") if n["type"] == "place"}
    assert [n["label"] for n in neighbours(result, node, "author")] == ["Matthew Walsh"]
    assert "Matthew Walsh" not in {n["label"] for n in neighbours(result, node, "mentions")}


def test_zdnet_excerpt_yields_china(seeds_ner):
    _name, result = seeds_ner
    node, _ = find_article(result, "China closes record number of personal data breaches")
    evidence = [m for m in result.graph.graph["mentions"].values() if m["article"] == node and m["field"] == "excerpt"]
    assert any(m["text"] == "China" and result.graph.nodes[m["entity"]]["label"] == "China" for m in evidence)


def test_related_excerpt_entities_attach_to_the_related_article(seeds_ner):
    _name, result = seeds_ner
    listing, _ = find_article(result, "Application of facial recognition tech needs to be strictly regulated")
    related, _ = find_article(result, "China Proposes Stricter Regulations on Facial Recognition to Protect Privacy")
    from_related = [m for m in result.graph.graph["mentions"].values() if m["field"].startswith("related")]
    assert from_related and all(m["article"] != listing or m["article"] == related for m in from_related)
    assert "China" in {n["label"] for n in neighbours(result, related, "mentions")}


def test_evidence_offsets_point_at_the_text(seeds_ner, tmp_path):
    from kg.builder import write_outputs
    from kg.store import open_store
    from kg.query import run

    name, result = seeds_ner
    write_outputs(result, tmp_path, ("ntriples",))
    rows = list(run(open_store(tmp_path / "store"), """
        SELECT ?text ?field ?start ?end ?headline ?extractor WHERE {
          ?m a kg:Mention ; kg:surfaceForm ?text ; kg:textField ?field ; kg:startOffset ?start ;
             kg:endOffset ?end ; kg:extractor ?extractor ; kg:inArticle ?a .
          ?a schema:headline ?headline . FILTER (?field = "headline") }"""))
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)
        assert row["headline"].value[start:end] == row["text"].value
        assert row["extractor"].value == name


def test_cache_reuses_extraction(tmp_path):
    need_shared()
    first = kg.build([SEEDS], ner="rules", out=tmp_path)
    second = kg.build([SEEDS], ner="rules", out=tmp_path)
    assert first.extraction["extracted"] > 0 and second.extraction["extracted"] == 0
    assert second.extraction["cached"] == first.extraction["texts"]
    assert first.extraction["mentions"] == second.extraction["mentions"]


@pytest.mark.parametrize("name", ["none", *EXTRACTORS])
def test_cli_ner_choices(name, tmp_path):
    need_shared()
    assert main(["build", str(SEEDS), "--out", str(tmp_path), "--ner", name, "-q"]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["extraction"]["extractor"] == name


def test_default_is_the_best_installed():
    assert available()[:2] == ["none", "rules"]
    assert get_extractor(available()[-1]).name == available()[-1]


@pytest.fixture(scope="module")
def gold():
    need_shared()
    return load_gold(ROOT / "tests" / "ner" / "gold.json", SHARED)


@pytest.fixture(scope="module")
def corpus_known():
    files, _ = collect_files([CORPUS, SEEDS])
    return known_names([d for docs, *_rest in (read_file(p, n, None, {}) for p, n in files) for d in docs])


def test_gold_covers_sixty_documents_of_every_format(gold):
    assert len(gold) >= 60
    assert {doc.format for doc, _ in gold} == {"feed", "page", "analysis"}


def test_rules_quality_floor(gold, corpus_known):
    result = score(get_extractor("rules", known=corpus_known), gold)
    assert result["all"][0] >= 0.90  # precision first
    assert result["place"][2] >= 0.75


@pytest.mark.skipif(not spacy_installed(), reason="spaCy pipeline not installed")
def test_spacy_quality_floor(gold):
    result = score(get_extractor("spacy"), gold)
    assert result["person"][2] >= 0.75
    assert result["place"][2] >= 0.85
    assert result["organization"][2] >= 0.50
