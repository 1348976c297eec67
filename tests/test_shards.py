"""The large-build machinery: facts sharded by node, the incremental state, the store kept
up to date by differences. Shards are forced on the real corpus (large builds use them from
2,000 files), so every path a 100,000-file build takes runs here on real documents."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.facts import shuffle as shard_module
from kg import store as store_module
from kg.cli import main
from kg.facts.records import Fact

from .conftest import CORPUS, need_shared

OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "report.json", "merges.json")


@pytest.fixture
def many_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shard_module, "SHARDS_FROM", 0)
    monkeypatch.setattr(shard_module, "LARGE_SHARDS", 16)


def triples_in(path: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))}


def store_triples(out: Path) -> set[ox.Triple]:
    store = ox.Store.read_only(str((out / "store").resolve()))
    return {ox.Triple(q.subject, q.predicate, q.object) for q in store}


def test_sharded_build_is_the_same_graph_as_one_shard(tmp_path, monkeypatch):
    need_shared()
    one = tmp_path / "one"
    assert main(["build", str(CORPUS), "--out", str(one), "-q", "--ner", "none"]) == 0
    monkeypatch.setattr(shard_module, "SHARDS_FROM", 0)
    monkeypatch.setattr(shard_module, "LARGE_SHARDS", 16)
    many = tmp_path / "many"
    assert main(["build", str(CORPUS), "--out", str(many), "-q", "--ner", "none"]) == 0
    assert len(list((many / ".kg-cache" / "shards").glob("*.nt"))) == 16 + 1  # the shards, and the stories
    lines = (one / "graph.nt").read_bytes().splitlines()
    assert lines == sorted(lines)  # one shard: fully sorted
    assert sorted((many / "graph.nt").read_bytes().splitlines()) == lines
    assert triples_in(many / "graph.ttl") == triples_in(one / "graph.ttl") == triples_in(one / "graph.nt")
    assert triples_in(many / "graph.jsonld") == triples_in(one / "graph.nt")
    assert (many / "report.json").read_bytes() == (one / "report.json").read_bytes()
    a, b = (json.loads((d / "merges.json").read_text()) for d in (one, many))
    for key in ("merges", "conflicts"):
        assert sorted(map(json.dumps, a[key])) == sorted(map(json.dumps, b[key]))
    assert a["notes"] == b["notes"]
    html_one, html_many = ((d / "graph.html").read_text() for d in (one, many))
    assert html_one.count('"type":') == html_many.count('"type":') > 1000


def test_sharded_rebuild_equals_clean_build_and_patches_the_store(tmp_path, many_shards, monkeypatch):
    need_shared()
    src = tmp_path / "corpus"
    shutil.copytree(CORPUS, src)
    out = tmp_path / "out"
    exports = ("turtle", "ntriples", "jsonld", "html")
    kg.build([src], out=out, ner="none", exports=exports)
    assert store_triples(out) == triples_in(out / "graph.nt")
    before = (out / "store").resolve()

    feed = sorted((src / "everyday-ai").glob("*.md"))
    feed[3].write_text(feed[3].read_text().replace('title: "', 'title: "Rewritten: ', 1))
    feed[7].unlink()
    (src / "everyday-ai" / "zz-new.md").write_text(
        "---\ntitle: A new item about AI\nwebUrl: https://example.org/zz\ntopics: [AI]\n"
        "provider: {name: Example News, domain: example.org}\n---\n")

    def no_full_reload(*args, **kwargs):
        raise AssertionError("the store was reloaded instead of patched")

    monkeypatch.setattr(store_module, "write_store", no_full_reload)
    again = kg.build([src], out=out, ner="none", exports=exports)
    assert again.files_read == 2
    assert again.work is not None and 0 < len(again.work.dirty) < 16
    after = (out / "store").resolve()
    assert after != before and not before.exists()
    assert store_triples(out) == triples_in(out / "graph.nt")
    monkeypatch.undo()

    monkeypatch.setattr(shard_module, "SHARDS_FROM", 0)
    monkeypatch.setattr(shard_module, "LARGE_SHARDS", 16)
    clean = tmp_path / "clean"
    kg.build([src], out=clean, ner="none", exports=exports)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert b"Rewritten: " in (out / "graph.nt").read_bytes()
    assert b"https://example.org/zz" in (out / "graph.ttl").read_bytes()


def _feed(folder: Path, name: str, provider: str, url: str | None = None) -> None:
    lines = ["---", f"title: Story {name}", f"provider: {provider}"]
    if url:
        lines.append(f"webUrl: {url}")
    (folder / f"{name}.md").write_text("\n".join([*lines, "---", ""]))


def test_outlet_known_by_name_follows_the_other_files_across_rebuilds(tmp_path, many_shards):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    _feed(src, "a", "{name: Daily Planet, domain: dailyplanet.com}", "https://dailyplanet.com/a")
    _feed(src, "b", "{name: Daily Planet}")  # no domain, no url: the name decides
    assert main(["build", str(src), "--out", str(out), "-q", "--ner", "none"]) == 0
    nt = (out / "graph.nt").read_text()
    assert "outlet/name-" not in nt
    assert nt.count("<https://w3id.org/newskg/id/outlet/dailyplanet.com> <https://schema.org/name>") == 1

    (src / "a.md").unlink()  # now nothing ties the name to a domain
    assert main(["build", str(src), "--out", str(out), "-q", "--ner", "none"]) == 0
    clean = tmp_path / "clean"
    assert main(["build", str(src), "--out", str(clean), "-q", "--ner", "none"]) == 0
    for name in ("graph.nt", "graph.ttl", "report.json", "merges.json"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    nt = (out / "graph.nt").read_text()
    assert "dailyplanet.com" not in nt and "outlet/name-daily-planet>" in nt


def test_a_build_that_stopped_half_way_is_followed_by_a_clean_one(tmp_path, capsys):
    need_shared()
    out = tmp_path / "out"
    assert main(["build", str(CORPUS), "--out", str(out), "-q", "--ner", "none"]) == 0
    (out / ".kg-cache" / "build-in-progress").touch()  # as a killed build leaves it
    assert main(["build", str(CORPUS), "--out", str(out), "--ner", "none"]) == 0
    assert "re-read" not in capsys.readouterr().out  # every file read again
    assert main(["build", str(CORPUS), "--out", str(out), "--ner", "none"]) == 0
    assert "re-read 0 of 219 files" in capsys.readouterr().out


def test_store_loads_in_batches_with_the_same_triples(tmp_path, monkeypatch):
    need_shared()
    monkeypatch.setattr(store_module, "LOAD_BATCH", 50_000)  # many small loads
    out = tmp_path / "out"
    assert main(["build", str(CORPUS), "--out", str(out), "-q", "--ner", "none", "--exports", "ntriples"]) == 0
    assert store_triples(out) == triples_in(out / "graph.nt")


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    _feed(src, "a", "{name: Daily Planet, domain: dailyplanet.com}", "https://dailyplanet.com/a")
    _feed(src, "b", "{name: Daily Bugle, domain: dailybugle.com}", "https://dailybugle.com/b")
    assert main(["build", str(src), "--out", str(out), "--ner", "none"]) == 0
    path = src / "a.md"
    before = path.stat()
    path.write_text(path.read_text().replace("Story a", "Story z"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t leave it
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    capsys.readouterr()
    assert main(["build", str(src), "--out", str(out), "--ner", "none"]) == 0
    assert "re-read 1 of 2 files" in capsys.readouterr().out
    assert '"Story z"' in (out / "graph.nt").read_text()


def test_only_the_latest_entry_of_each_file_is_read_and_superseded_ones_are_compacted(tmp_path):
    """A later entry replaces a file's facts, None deletes them, whichever block they are in;
    a shard mostly superseded is rewritten smaller, with the same facts."""
    from kg.facts.records import Alias
    from kg.facts.shuffle import append_block, encode_block, facts_path, iter_facts

    def fact(name: str, form: str) -> Fact:
        return Fact("https://x.org/n", (name, 0, 0), Alias(form, 1))

    for round_ in range(40):  # 40 versions of a.md and b.md, then c.md once
        append_block(tmp_path, 0, encode_block({("a.md", ""): [fact("a.md", f"A{round_}")],
                                                ("b.md", ""): [fact("b.md", f"B{round_}")]}))
    append_block(tmp_path, 0, encode_block({("b.md", ""): None, ("c.md", "x"): [fact("c.md", "C")]}))
    before = facts_path(tmp_path, 0).stat().st_size
    read = {key: [f.what.form for f in facts] for key, facts in iter_facts(tmp_path, 0)}
    assert read == {("a.md", ""): ["A39"], ("c.md", "x"): ["C"]}
    assert facts_path(tmp_path, 0).stat().st_size < before / 20  # 81 entries → 2
    assert {key: [f.what.form for f in facts] for key, facts in iter_facts(tmp_path, 0)} == read


def test_a_hub_counts_its_in_edges_exactly_whatever_their_number_and_order(monkeypatch):
    """An outlet linked from 100,000 articles, each edge told twice: degree 100,000 whether the
    pairs are kept as they are or as digests, the same triples in any order, and the builder
    holds about 8 bytes an edge (tuples of strings took 24 MB here; an outlet of the 1,000,000
    item corpus has 1,400,000 in-edges)."""
    import random
    import tracemalloc

    from kg.facts import reduce as reduce_module
    from kg.facts.records import Exists, InEdge
    from kg.rdf.mapping import node_lines

    outlet = "https://w3id.org/newskg/id/outlet/x.org"
    facts = [Fact(outlet, ("o.md", 0, 0), Exists({"type": "outlet", "label": "X"}))]
    facts += [Fact(outlet, (f"{i % 97}.md", 0, i), InEdge(f"https://w3id.org/newskg/id/article/{i}",
                                                         "publisher", "publisher"))
              for i in range(100_000) for _twice in range(2)]
    tracemalloc.start()
    try:
        many = reduce_module.reduce_node(outlet, facts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12_000_000
    random.Random(7).shuffle(facts)
    shuffled = reduce_module.reduce_node(outlet, facts)
    monkeypatch.setattr(reduce_module, "FEW_IN_EDGES", 10**9)
    as_pairs = reduce_module.reduce_node(outlet, facts)
    assert many.degree == shuffled.degree == as_pairs.degree == 100_000
    assert node_lines(many) == node_lines(shuffled) == node_lines(as_pairs)
