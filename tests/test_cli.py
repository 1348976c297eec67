"""The command line as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_build_sample_data(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(ROOT / "data"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "17 ingested, 1 skipped, 0 failed" in printed
    assert "merged nodes" in printed and "conflicts" in printed
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf", "report.json", "merges.json"):
        assert (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text())
    assert report["files"] == {"ingested": 17, "skipped": 1, "failed": 0}
    skipped = [o for o in report["outcomes"] if o["status"] == "skipped"]
    assert skipped[0]["file"] == "data/pages/SOURCES.tsv" and "manifest" in skipped[0]["reason"]


def test_bad_input_is_reported_and_strict_fails(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text("---\ntitle: Good\nwebUrl: https://x.org/good\n---\n")
    (src / "bad.md").write_text("---\ntitle: [broken\n---\n")
    (src / "blob.bin").write_bytes(b"\x89PNG\x00\x00\x01")
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning: 2 file(s) failed" in captured.err
    report = json.loads((out / "report.json").read_text())
    by_file = {o["file"].split("/")[-1]: o for o in report["outcomes"]}
    assert by_file["good.md"]["status"] == "ingested"
    assert by_file["bad.md"]["status"] == "failed" and by_file["bad.md"]["line"] == 3
    assert "starts on line 2" in by_file["bad.md"]["reason"]
    assert "binary" in by_file["blob.bin"]["reason"]
    assert main(["build", str(src), "--out", str(tmp_path / "out2"), "--strict"]) == 1


def test_unknown_format_is_a_usage_error(tmp_path, capsys):
    assert main(["build", str(ROOT / "data"), "--format", "pdf", "--out", str(tmp_path)]) == 2
    assert "unknown format 'pdf'" in capsys.readouterr().err


def test_forced_format(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "story.text").write_text("Some Site – News\n\nA Headline About Bridges\n\nBy Ana Ruiz / Apr 02, 2024 08:30 AM / City\n\nBridges about a headline.\n")
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out), "--format", "page", "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["outcomes"][0]["format"] == "page"


def test_readme_sparql_examples_run_on_the_sample_output(tmp_path):
    import re

    import rdflib

    out = tmp_path / "out"
    assert main(["build", str(ROOT / "data"), "--out", str(out), "-q", "--exports", "turtle"]) == 0
    graph = rdflib.Graph().parse(out / "graph.ttl")
    queries = re.findall(r"```sparql\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert len(queries) >= 2
    answers = {q: list(graph.query(q)) for q in queries}
    assert all(answers.values())
    (per_outlet,) = [rows for q, rows in answers.items() if "GROUP BY ?outlet" in q]
    assert [str(v) for v in per_outlet[0]] == ["Harbour Ledger", "5"]


def test_output_folder_inside_the_input_is_not_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: A\nwebUrl: https://x.org/a\n---\n")
    out = src / "output"
    assert main(["build", str(src), "--out", str(out), "-q"]) == 0
    assert main(["build", str(src), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    statuses = {o["file"].split("/", 1)[1]: o["status"] for o in report["outcomes"]}
    assert statuses["a.md"] == "ingested"
    assert report["files"]["failed"] == 0
    assert all(s == "skipped" for f, s in statuses.items() if f.startswith("output/"))


def test_progress_lines_when_not_a_terminal_and_nothing_when_quiet(tmp_path, capsys):
    assert main(["build", str(ROOT / "data"), "--out", str(tmp_path / "a"), "--ner", "none"]) == 0
    err = capsys.readouterr().err.splitlines()
    steps = [line.split(":")[1].strip() for line in err if line.startswith("kg: ")]
    assert steps == ["read and map", "settle shards", "find stories", "write outputs", "make the SPARQL store"]
    assert any(line.startswith("kg: read and map: 18 files in ") for line in err)
    assert main(["build", str(ROOT / "data"), "--out", str(tmp_path / "b"), "--ner", "none", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_bars_with_counts_on_a_terminal(tmp_path):
    """On a terminal (a real pseudo-terminal here) each long step draws a bar that is redrawn
    in place and names the step and its total; the same build in a pipe writes plain lines."""
    import fcntl
    import os
    import pty
    import re
    import struct
    import subprocess
    import sys
    import termios

    main_fd, tty_fd = pty.openpty()
    fcntl.ioctl(tty_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(ROOT / "data"), "--ner", "none",
                             "--out", str(tmp_path / "out")], cwd=ROOT, stdin=tty_fd, stdout=tty_fd, stderr=tty_fd)
    os.close(tty_fd)
    seen = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the other end closed: the build is over
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    os.close(main_fd)
    text = seen.decode("utf-8", "replace")
    assert "\r" in text  # redrawn in place
    bar_lines = [part for part in text.split("\r") if part.startswith("read and map")]
    assert any(re.search(r"\b18\b", part) for part in bar_lines)  # the step, with its 18 files
