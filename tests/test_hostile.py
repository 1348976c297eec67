"""Broken and hostile input: every file accounted for, nothing crashes, outputs stay valid."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

import kg
from kg.cli import main
from kg.builder import write_outputs
from kg.inputs import collect_files, read_file

from .conftest import CORPUS, SEEDS, need_shared

ROOT = Path(__file__).resolve().parent.parent
FEED = "---\ntitle: {title}\nwebUrl: {url}\n{extra}---\n"


def feed(title: str = '"A title"', url: str = "https://example.org/a", extra: str = "") -> str:
    return FEED.format(title=title, url=url, extra=extra)


# name → (bytes, expected status, words the reason must contain)
BROKEN: dict[str, tuple[bytes, str, str]] = {
    "empty.md": (b"", "skipped", "empty file"),
    "blob.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "failed", "binary"),
    "yaml-syntax.md": (b"---\ntitle: [unclosed\nwebUrl: x\n---\n", "failed", "YAML syntax error"),
    "yaml-list.md": (b"---\n- a\n- b\n---\n", "failed", "list, not a mapping"),
    "yaml-scalar.md": (b"---\njust a sentence\n---\n", "failed", "str, not a mapping"),
    "no-url-no-title.md": (b"---\nquality: 3\n---\n", "failed", "neither a url nor a title"),
    "unclosed.md": (b"---\ntitle: x\nwebUrl: https://x.org/u\n", "skipped", "front matter"),
    "billion-laughs.md": (
        ("---\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
         + "title: boom\nwebUrl: https://x.org/boom\n---\n").encode(),
        "failed", "alias bomb"),
    "deep.md": (("---\ntitle: deep\nwebUrl: https://x.org/deep\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n").encode(),
                "failed", "nested too deeply"),
    "huge.txt": (b"By Ann Lee / Oct 21, 2020 11:17 AM / News\n\n" + b"word " * 500_000, "failed", "limit"),
    "notes.txt": (b"Shopping list\n\nmilk\neggs\n", "skipped", "not a supported news document"),
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("hostile")
    for name, (data, _status, _why) in BROKEN.items():
        (src / name).write_bytes(data)
    good = src / "good"
    good.mkdir()
    (good / "cp1252.md").write_bytes(feed(title='"Caf\xe9 \u201cquoted\u201d"', url="https://x.org/cp").encode("cp1252"))
    (good / "utf16.md").write_bytes(feed(title='"UTF-16 item"', url="https://x.org/u16").encode("utf-16"))
    (good / "mojibake.md").write_bytes(feed(title='"Graphyte\u00e2\u201e\u00a2 platform"', url="https://x.org/moji").encode())
    (good / "wrong-types.md").write_text(
        feed(url="https://x.org/types", extra="topics:\n  - 42\n  - AI\nrelated:\n  - just a string\n  - title: ok\n"
             "    webUrl: https://x.org/rel\nquality: high\npublishedDateTime: 2021-02-30T10:00:00Z\n"))
    (good / "evil-text.md").write_text(feed(
        title="'Quote \" and \\\\ backslash \u202eRTL\u202c \u0007bell </script><img src=x onerror=alert(1)> {{x}}'",
        url='"https://x.org/evil?q=\\"><script>alert(1)</script> space\\ttab"',
        extra="topics:\n  - '\" . } ; DROP ALL #'\nprovider:\n  name: \"Evil\\u0000 Outlet\\u200f\"\n  domain: x.org\n"))
    (good / "dates.md").write_text(feed(url="https://x.org/d1", extra="publishedDateTime: '2020-10-21 11:17:00'\n"))
    loop = src / "loop"
    loop.mkdir()
    os.symlink("..", loop / "back-up")
    os.symlink("missing-target.md", src / "dangling.md")
    return src


@pytest.fixture(scope="module")
def hostile_result(hostile_dir):
    return kg.build([hostile_dir])


def test_every_broken_file_is_reported_with_a_reason(hostile_result, hostile_dir):
    by_name = {o.name.split("/", 1)[1]: o for o in hostile_result.outcomes}
    for name, (_data, status, why) in BROKEN.items():
        outcome = by_name[name]
        assert outcome.status == status, (name, outcome)
        assert why in (outcome.reason or ""), (name, outcome.reason)
    assert by_name["yaml-syntax.md"].line == 3 and by_name["yaml-syntax.md"].column == 7
    assert "starts on line 2" in by_name["yaml-syntax.md"].reason
    assert by_name["dangling.md"].status == "failed"
    loops = [o for o in hostile_result.outcomes if "symlink loop" in (o.reason or "")]
    assert loops


def test_good_files_survive_with_repairs_recorded(hostile_result):
    by_name = {o.name.rsplit("/", 1)[1]: o for o in hostile_result.outcomes if "/good/" in o.name}
    assert all(o.status == "ingested" for o in by_name.values()), by_name
    assert any("cp1252" in n for n in by_name["cp1252.md"].notes)
    assert any("mojibake" in n for n in by_name["mojibake.md"].notes)
    notes = " ".join(by_name["wrong-types.md"].notes)
    assert "topics[0]: a number" in notes and "related[0]" in notes and "quality" in notes and "not a valid date" in notes
    labels = {d["label"] for _, d in hostile_result.graph.nodes(data=True)}
    assert "Café “quoted”" in labels and "Graphyte™ platform" in labels and "42" in labels


def test_hostile_text_cannot_break_outputs(hostile_result, tmp_path):
    write_outputs(hostile_result, tmp_path, ("turtle", "ntriples", "jsonld", "html"))
    ttl = tmp_path / "graph.ttl"
    rdflib_graph = Graph().parse(ttl, format="turtle")
    ox = list(pyoxigraph.parse(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(rdflib_graph) == len(ox) > 0
    assert len(Graph().parse(tmp_path / "graph.nt", format="nt")) == len(rdflib_graph)
    html = (tmp_path / "graph.html").read_text()
    data = html.split('<script id="kg-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    assert "\x00" not in ttl.read_text() and "\x07" not in ttl.read_text()


def test_file_vanishing_mid_build(tmp_path):
    (tmp_path / "a.md").write_text(feed(url="https://x.org/a"))
    (tmp_path / "b.md").write_text(feed(url="https://x.org/b"))
    files, _ = collect_files([tmp_path])
    (tmp_path / "b.md").unlink()
    outcomes = [outcome for _docs, outcome, *_rest in (read_file(p, n, None, {}) for p, n in files)]
    assert [o.status for o in outcomes] == ["ingested", "failed"]
    assert "cannot read file" in outcomes[1].reason


def test_corpus_with_broken_files_builds(hostile_dir, tmp_path):
    need_shared()
    mixed = tmp_path / "mixed"
    shutil.copytree(CORPUS, mixed / "corpus")
    shutil.copytree(SEEDS, mixed / "seeds")
    for name, (data, _s, _w) in BROKEN.items():
        (mixed / name).write_bytes(data)
    out = tmp_path / "out"
    assert main(["build", str(mixed), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    outcomes = {o["file"].split("/", 1)[1]: o for o in report["outcomes"]}
    for name in BROKEN:
        assert outcomes[name]["status"] != "ingested" and outcomes[name]["reason"]
    corpus_files = [p for p in (mixed / "corpus").rglob("*") if p.is_file() and p.suffix in (".md", ".txt") and p.name != "README.md"]
    for path in corpus_files:
        assert outcomes[str(path.relative_to(mixed))]["status"] == "ingested"
    assert len(Graph().parse(out / "graph.ttl")) > 5000
    assert main(["build", str(mixed), "--out", str(tmp_path / "strict"), "-q", "--strict"]) == 1


def test_concurrent_builds_are_refused_cleanly(tmp_path, capsys):
    from kg.io import build_lock

    out = tmp_path / "out"
    with build_lock(out):
        assert main(["build", str(ROOT / "data"), "--out", str(out), "-q"]) == 3
    assert "another kg build is writing" in capsys.readouterr().err
    assert main(["build", str(ROOT / "data"), "--out", str(out), "-q"]) == 0
