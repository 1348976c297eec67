"""Rebuilds re-read only changed files and give the same bytes as a clean build."""

from __future__ import annotations

import shutil

from kg.cli import main

from .conftest import CORPUS, need_shared

OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf", "report.json", "merges.json")


def test_rebuild_after_add_change_delete_equals_clean_build(tmp_path, capsys):
    need_shared()
    src = tmp_path / "corpus"
    shutil.copytree(CORPUS, src)
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out), "-q", "--ner", "rules"]) == 0
    feed = sorted((src / "everyday-ai").glob("*.md"))
    changed = feed[10]
    changed.write_text(changed.read_text().replace("title: ", "title: Changed: ", 1))
    feed[20].unlink()
    (src / "everyday-ai" / "new-item.md").write_text(
        "---\ntitle: A new item\nwebUrl: https://example.org/new\ntopics: [AI]\n---\n")
    assert main(["build", str(src), "--out", str(out), "--ner", "rules"]) == 0
    assert "re-read 2 of 219 files" in capsys.readouterr().out
    clean = tmp_path / "clean"
    assert main(["build", str(src), "--out", str(clean), "-q", "--ner", "rules"]) == 0
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
