"""A build stopped at any point never leaves a half-written or wrong output, and the next
build gives exactly a clean build's outputs. Faults are injected at every step boundary
and in the middle of writing (deterministic, unlike killing a process after a delay):
in-process for every step, and with ``os._exit`` (no cleanup at all, as SIGKILL) in a
subprocess for the writes that matter most."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

import kg.builder
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf", "report.json",
           "merges.json")


class Stop(BaseException):
    """What the injected fault raises (a BaseException, like an interrupt: nothing catches it)."""


def build(src: Path, out: Path) -> int:
    return main(["build", str(src), "--out", str(out), "-q", "--ner", "none"])


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def check_whole(out: Path) -> None:
    """Whatever is in *out* is whole: parses, loads, opens; no staged file is left as an output."""
    Graph().parse(out / "graph.ttl", format="turtle")
    list(ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
    for name in ("report.json", "merges.json", "graph.jsonld"):
        json.loads((out / name).read_text())
    assert (out / "graph.html").read_text().rstrip().endswith("</html>")
    store = ox.Store.read_only(str((out / "store").resolve()))
    assert len(store) == len((out / "graph.nt").read_bytes().splitlines())


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """data/ built once, and the same input with one file changed, built clean."""
    base = tmp_path_factory.mktemp("faults")
    changed = base / "changed"
    shutil.copytree(DATA, changed)
    item = next(changed.rglob("*estuary-quiet-season.md"))
    item.write_text(item.read_text().replace("title: ", "title: Changed ", 1))
    first, clean = base / "first", base / "clean"
    assert build(DATA, first) == 0
    assert build(changed, clean) == 0
    return first, changed, outputs(clean)


def steps_of_a_build(tmp_path: Path, changed: Path, first: Path) -> int:
    out = tmp_path / "count"
    shutil.copytree(first, out, symlinks=True)
    laps = []
    real = kg.builder.Clock.lap

    def count(self, step):
        laps.append(step)
        real(self, step)

    kg.builder.Clock.lap = count
    try:
        assert build(changed, out) == 0
    finally:
        kg.builder.Clock.lap = real
    return len(laps)


def test_stopped_at_every_step(tmp_path, setup, monkeypatch):
    first, changed, clean = setup
    total = steps_of_a_build(tmp_path, changed, first)
    assert total >= 10  # find, map, route, settle, every output file, the store
    before = outputs(first)
    for stop_at in range(1, total + 1):
        out = tmp_path / f"out{stop_at}"
        shutil.copytree(first, out, symlinks=True)
        laps = []
        real = kg.builder.Clock.lap

        def lap(self, step, laps=laps, stop_at=stop_at, real=real):
            laps.append(step)
            if len(laps) == stop_at:
                raise Stop(step)
            real(self, step)

        monkeypatch.setattr(kg.builder.Clock, "lap", lap)
        with pytest.raises(Stop):
            build(changed, out)
        monkeypatch.undo()
        check_whole(out)
        now = outputs(out)
        assert now in (before, clean), f"stopped after {laps[-1]!r}: a mix of two builds"
        assert build(changed, out) == 0
        assert outputs(out) == clean, f"after a stop at {laps[-1]!r}"
        check_whole(out)


KILL = {
    # die half-way through writing the n-th output file
    "output": """
import kg.builder, kg.io
real = kg.io.stage
seen = []
def stage(path, chunks):
    seen.append(path)
    if len(seen) == N:
        def half():
            for chunk in chunks:
                yield chunk[: len(chunk) // 2]
                os._exit(9)
        return real(path, half())
    return real(path, chunks)
kg.builder.stage = stage
""",
    # die half-way through appending a block of facts to a shard
    "facts": """
import kg.facts.shuffle, kg.io
seen = []
def append(path, data):
    seen.append(path)
    if len(seen) == N:
        with open(path, "ab") as fh:
            fh.write(kg.io.frame(data)[: len(data) // 2])
        os._exit(9)
    kg.io.append_checked(path, data)
kg.facts.shuffle.append_checked = append
""",
    # die while the SPARQL store is being patched (after every output is staged)
    "store": """
import kg.store
def patch(*args):
    os._exit(9)
kg.store._patch = patch
""",
}


@pytest.mark.parametrize("where,n", [("output", 1), ("output", 4), ("facts", 1), ("facts", 2), ("store", 1)])
def test_killed_without_cleanup(tmp_path, setup, where, n):
    first, changed, clean = setup
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    script = f"import os, sys\nN = {n}\n{KILL[where]}\nfrom kg.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    proc = subprocess.run([sys.executable, "-c", script, "build", str(changed), "--out", str(out), "-q",
                           "--ner", "none"], env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True)
    assert proc.returncode == 9, proc.stderr
    check_whole(out)
    assert outputs(out) == outputs(first)
    assert build(changed, out) == 0
    assert outputs(out) == clean
    check_whole(out)
    assert not list(out.glob(".*.kg-tmp")) and not list(out.glob("*.partial"))
