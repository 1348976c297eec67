"""The build on a real machine: concurrent builds, bad paths, damaged or planted caches,
leftovers of killed builds, FIFOs and devices, a full disk, odd file names."""

from __future__ import annotations

import errno
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf", "report.json",
           "merges.json")
ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def kg_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* (the cache included) with its bytes; links by target."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = os.readlink(path).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def store_size(out: Path) -> int:
    return len(ox.Store.read_only(str((out / "store").resolve())))


def build(src: Path, out: Path, *extra: str) -> int:
    return main(["build", str(src), "--out", str(out), "-q", "--ner", "none", *extra])


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A clean build of data/ (the answer every other build here must give)."""
    out = tmp_path_factory.mktemp("reference")
    assert build(DATA, out) == 0
    return out


def same_outputs(out: Path, reference: Path) -> None:
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert store_size(out) == len((out / "graph.nt").read_bytes().splitlines())


def test_two_builds_at_once_never_corrupt_the_outputs(tmp_path, reference):
    """Real processes started together, many rounds: each exits 0 or is refused with 3,
    and the outputs (store included) are always exactly one whole build's."""
    out = tmp_path / "out"
    refused = 0
    for _round in range(6):
        procs = [subprocess.Popen(kg_cmd("build", str(DATA), "--out", str(out), "-q", "--ner", "none"),
                                  env=ENV, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
        assert sorted(code for code, _err in results) in ([0, 0], [0, 3]), results
        for code, err in results:
            if code == 3:
                refused += 1
                assert len(err.strip().splitlines()) == 1 and str(out) in err
        same_outputs(out, reference)
    assert main(["build", str(DATA), "--out", str(out), "-q", "--ner", "none"]) == 0
    same_outputs(out, reference)


def test_a_refused_build_touches_nothing(tmp_path, reference, capsys):
    from kg.io import build_lock

    out = tmp_path / "out"
    shutil.copytree(reference, out, symlinks=True)
    assert build(DATA, out) == 0  # the copy's own cache and store
    before = snapshot(out)
    other = tmp_path / "other"
    shutil.copytree(DATA, other)
    item = next(other.rglob("*estuary-quiet-season.md"))
    item.write_text(item.read_text().replace("title: ", "title: Changed ", 1))
    with build_lock(out):
        assert build(DATA, out) == 3
        assert build(other, out) == 3
    assert "another kg build is writing" in capsys.readouterr().err
    assert snapshot(out) == before


def test_missing_input_is_a_usage_error_and_writes_nothing(tmp_path, reference, capsys):
    out = tmp_path / "out"
    shutil.copytree(reference, out, symlinks=True)
    before = snapshot(out)
    assert build(tmp_path / "no" / "such" / "path", out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no/such/path" in err[0]
    assert snapshot(out) == before


def test_out_naming_a_file_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "graph.ttl"
    target.write_text("mine")
    assert build(DATA, target) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert target.read_text() == "mine"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _garbage(path: Path) -> None:
    path.write_bytes(b"not what kg wrote " * 50)


# damage → (cache file, how, whether an input changes so the build must read that file)
DAMAGE = {
    "facts truncated": ("shards/0000.facts", _truncate, True),
    "facts corrupted": ("shards/0000.facts", _flip, True),
    "state garbage": ("state.sqlite", _garbage, False),
    "state truncated": ("state.sqlite", _truncate, False),
    "n-triples piece corrupted": ("shards/0000.nt", _flip, False),
    "view piece truncated": ("shards/0000.view", _truncate, False),
    "turtle piece garbage": ("shards/0000.ttl", _garbage, False),
    "merges piece corrupted": ("shards/0000.merges", _flip, False),
    "page layout garbage": ("layout.bin", _garbage, True),
    "page slices corrupted": ("view-slices.bin", _flip, True),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_gives_the_right_graph(tmp_path, damage, capsys):
    """Damage one cache file (and change an input when only a change makes the build read
    it): the outputs are those of a clean build, and so are the next build's."""
    src, out, clean = tmp_path / "in", tmp_path / "out", tmp_path / "clean"
    shutil.copytree(DATA, src)
    assert build(src, out) == 0
    name, spoil, change = DAMAGE[damage]
    spoil(out / ".kg-cache" / name)
    if change:
        item = next(src.rglob("*estuary-quiet-season.md"))
        item.write_text(item.read_text().replace("title: ", "title: Changed ", 1))
    capsys.readouterr()
    assert build(src, out) == 0
    assert build(src, clean) == 0
    for output in OUTPUTS:
        assert (out / output).read_bytes() == (clean / output).read_bytes(), output
    assert store_size(out) == store_size(clean)
    assert build(src, out) == 0  # and the next build is fine too
    for output in OUTPUTS:
        assert (out / output).read_bytes() == (clean / output).read_bytes(), output


def test_nothing_in_the_cache_is_run_as_code(tmp_path):
    """Pickles that would run code, planted under every name kg's cache has ever used:
    the build never loads them, and its outputs are right."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):  # noqa: D105 - what an attacker would plant
            return (Path.touch, (marker,))

    src, out, clean = tmp_path / "in", tmp_path / "out", tmp_path / "clean"
    shutil.copytree(DATA, src)
    assert build(src, out) == 0
    cache = out / ".kg-cache"
    evil = pickle.dumps(Payload())
    names = [p.relative_to(cache) for p in cache.rglob("*") if p.is_file()]
    for name in [*names, Path("state.pickle"), Path("view-slices.pickle"), Path("layout.pickle")]:
        (cache / name).write_bytes(evil)
    (next(src.rglob("*.md"))).touch()
    assert build(src, out) == 0
    assert main(["build", str(src), "--out", str(out), "-q", "--ner", "rules"]) == 0
    assert not marker.exists()
    assert build(src, clean) == 0
    assert build(src, out) == 0
    for output in OUTPUTS:
        assert (out / output).read_bytes() == (clean / output).read_bytes(), output


def test_leftovers_of_a_killed_build_are_removed(tmp_path):
    out = tmp_path / "out"
    assert build(DATA, out) == 0
    leftovers = [out / ".graph.ttl.x1y2.kg-tmp", out / ".kg-cache" / "shards" / "0000.nt.tmp",
                 out / ".kg-cache" / "state.sqlite.tmp", out / "nquads.partial" / "part-00000.nq"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    (out / ".store-0123456789abcdef.partial").mkdir()
    mine = out / "notes.tmp"
    mine.write_text("the user's own file")
    assert build(DATA, out) == 0
    assert not any(p.exists() for p in leftovers)
    assert not (out / ".store-0123456789abcdef.partial").exists() and not (out / "nquads.partial").exists()
    assert mine.read_text() == "the user's own file"


def test_fifos_and_devices_are_not_read(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(DATA, src)
    os.mkfifo(src / "x.md")
    os.symlink("/dev/zero", src / "zero.md")
    out = tmp_path / "out"
    proc = subprocess.run(kg_cmd("build", str(src), "--out", str(out), "-q", "--ner", "none"), env=ENV,
                          timeout=120, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    outcomes = {o["file"].rsplit("/", 1)[-1]: o for o in json.loads((out / "report.json").read_text())["outcomes"]}
    for name in ("x.md", "zero.md"):
        assert outcomes[name]["status"] == "skipped" and "not a regular file" in outcomes[name]["reason"]


def test_reads_stop_at_the_limit_whatever_stat_says(tmp_path, monkeypatch):
    from kg.errors import ReadError
    from kg.inputs import read_bounded

    with pytest.raises(ReadError, match="not a regular file"):
        read_bounded("/dev/zero", limit=1000)  # a device says size 0 and never ends
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    def small(fd):
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(os, "fstat", small)  # a file that grew after it was looked at
    with pytest.raises(ReadError, match="over the 1,000-byte limit"):
        read_bounded(big, limit=1000)


def _related_item(count: int) -> str:
    entries = "".join(f"- webUrl: https://e.org/{n}\n" for n in range(count))
    return f"---\ntitle: Many related\nwebUrl: https://x.org/many\nrelated:\n{entries}---\n"


def test_thousands_of_related_entries_take_linear_time(tmp_path):
    """42,000 related entries (under the size limit) read and map in time linear in their number."""
    from kg.facts.map import document_facts
    from kg.readers import feed

    times = {}
    for count in (10_500, 42_000):
        text = _related_item(count)
        assert len(text.encode()) < 2 * 1024 * 1024
        start = time.perf_counter()
        (doc,) = feed.read(text, "many.md")
        facts = document_facts(doc).facts
        times[count] = time.perf_counter() - start
        assert len(doc.related) == count and len(facts) > count
    assert times[42_000] < 8 * times[10_500] + 1.0, times  # quadratic would be 16x


def test_a_full_disk_is_one_line_and_keeps_the_outputs(tmp_path, reference, monkeypatch, capsys):
    out = tmp_path / "out"
    shutil.copytree(reference, out, symlinks=True)
    assert build(DATA, out) == 0
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    import kg.io

    real_stage = kg.io.stage
    calls = []

    def full(path, chunks):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_stage(path, chunks)

    monkeypatch.setattr("kg.builder.stage", full)
    assert build(DATA, out, "--exports", "turtle,ntriples,jsonld,html") == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left" in err[0]
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert not list(out.glob(".*.kg-tmp"))


def test_a_real_full_disk(tmp_path, capsys):
    """On a small tmpfs (needs root; skipped elsewhere)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        code = build(DATA, disk / "out")
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 3 and len(err) == 1 and "space" in err[0].lower()
        held = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                if os.path.exists(f"/proc/self/fd/{fd}")]
        assert not [path for path in held if path.startswith(str(disk))]  # nothing left open on it
    finally:
        assert subprocess.run(["umount", str(disk)], check=False).returncode == 0


def test_file_names_that_are_not_utf8(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text("---\ntitle: Good\nwebUrl: https://x.org/good\n---\n")
    with open(os.path.join(os.fsencode(src), b"caf\xe9.md"), "w") as fh:
        fh.write("---\ntitle: Cafe\nwebUrl: https://x.org/cafe\n---\n")
    out = tmp_path / "out"
    assert build(src, out) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    names = {o["file"].rsplit("/", 1)[-1]: o["status"] for o in report["outcomes"]}
    assert names == {"good.md": "ingested", "caf\\xe9.md": "ingested"}
    assert build(src, out) == 0  # and again, from the cache


def test_bad_numbers_and_duplicate_keys_are_notes_not_failures(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "inf.md").write_text("---\ntitle: Inf\nwebUrl: https://x.org/inf\nquality: .inf\nheat: .nan\n---\n")
    (src / "huge.md").write_text(f"---\ntitle: Huge\nwebUrl: https://x.org/huge\nquality: {'9' * 5000}\n---\n")
    (src / "dup.md").write_text("---\ntitle: One\ntitle: Two\nwebUrl: https://x.org/dup\n---\n")
    (src / "rel.md").write_text("---\ntitle: Rel\nwebUrl: https://x.org/rel\nrelated:\n  - webUrl: ftp://x.org/f\n"
                                "images:\n  - url: javascript:alert(1)\n---\n")
    out = tmp_path / "out"
    assert build(src, out) == 0
    report = {o["file"].rsplit("/", 1)[-1]: o for o in json.loads((out / "report.json").read_text())["outcomes"]}
    assert all(o["status"] == "ingested" for o in report.values()), report
    assert any("quality" in n for n in report["inf.md"]["notes"]) and any("heat" in n for n in report["inf.md"]["notes"])
    assert any(n.startswith("quality") and "ignored" in n for n in report["huge.md"]["notes"])
    assert any("'title' given twice" in n for n in report["dup.md"]["notes"])
    notes = " ".join(report["rel.md"]["notes"])
    assert "related[0]" in notes and "images[0]" in notes
