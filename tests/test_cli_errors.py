"""kg view and the shared option types: a bad input or output is one line and a documented exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.errors import KGError, OutputError, UsageError


@pytest.mark.parametrize("content", [
    b"@prefix schema: <https://schema.org/> .\n",
    b'<?xml version="1.0"?><root><a/></root>',
    bytes(range(256)),
    b'<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
    b'<node id="a"/><node id="b"/><edge source="a" target="b"/></graph></graphml>',
], ids=["turtle", "other-xml", "binary", "graphml-not-from-kg"])
def test_view_of_a_file_that_is_not_kgs_graphml(tmp_path, capsys, content):
    graph = tmp_path / "graph.graphml"
    graph.write_bytes(content)
    assert main(["view", "--graph", str(graph), "--out", str(tmp_path / "v.html")]) == 2
    err = capsys.readouterr().err
    assert "--graph" in err and str(graph) in err and err.count("\n") == 1
    assert not (tmp_path / "v.html").exists()


def test_view_out_must_be_a_file_in_an_existing_folder(seeds_out, tmp_path, capsys):
    graph = str(seeds_out / "graph.graphml")
    assert main(["view", "--graph", graph, "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "--out" in err and "folder" in err and err.count("\n") == 1
    missing = tmp_path / "no" / "such" / "view.html"
    assert main(["view", "--graph", graph, "--out", str(missing)]) == 3
    err = capsys.readouterr().err
    assert "does not exist" in err and err.count("\n") == 1
    assert not (tmp_path / "no").exists()
    assert not list(tmp_path.parent.glob(".*.tmp"))  # nothing left beside the folder
    assert main(["view", "--graph", graph, "--out", str(tmp_path / "v.html")]) == 0


@pytest.mark.parametrize("command", [["view"], ["build", "--out", "unused"]])
@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_max_nodes_must_be_positive(capsys, command, value):
    assert main([*command, "--max-nodes", value]) == 2
    err = capsys.readouterr().err
    assert "--max-nodes" in err and "Traceback" not in err


def test_view_depth_must_not_be_negative(seeds_out, capsys):
    assert main(["view", "--graph", str(seeds_out / "graph.graphml"), "--depth", "-1"]) == 2
    assert "--depth" in capsys.readouterr().err


# -- the Python API checks its arguments as the command line does -------------------------------

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize(("overrides", "argv"), [
    ({"format": "bogus"}, ["--format", "bogus"]),
    ({"exports": "turtle,bogus"}, ["--exports", "turtle,bogus"]),
    ({"exports": ["turtle", "bogus"]}, ["--exports", "turtle,bogus"]),
    ({"ner": "bogus"}, ["--ner", "bogus"]),
    ({"engine": "spark"}, ["--engine", "spark"]),
    ({"max_nodes": 0}, ["--max-nodes", "0"]),
    ({"max_nodes": -5}, ["--max-nodes", "-5"]),
], ids=["format", "exports-text", "exports-list", "ner", "engine", "max-nodes-0", "max-nodes-negative"])
def test_kg_build_refuses_what_kg_build_refuses_with_the_same_message(tmp_path, capsys, overrides, argv):
    out = tmp_path / "out"
    assert main(["build", str(DATA), "--out", str(out), *argv]) == 2
    cli = capsys.readouterr().err
    assert cli.startswith("kg: error: ") and cli.count("\n") == 1, cli
    with pytest.raises(KGError) as refused:
        kg.build([DATA], out=out, **overrides)
    assert str(refused.value) == cli[len("kg: error: "):].rstrip("\n")
    assert not out.exists()  # refused at the door: nothing made


@pytest.mark.parametrize(("paths", "overrides", "names"), [
    (b"data", {}, "paths"),
    ([None], {}, "paths"),
    ([DATA, 3], {}, "paths"),
    (5, {}, "paths"),
    ([DATA], {"out": 5}, "--out"),
    ([DATA], {"out": b"out"}, "--out"),
    ([DATA], {"exports": 5}, "--exports"),
    ([DATA], {"strict": "yes"}, "strict"),
    ([DATA], {"bogus": 1}, "'bogus'"),
], ids=["bytes", "none", "int-in-list", "int", "out-int", "out-bytes", "exports-int", "strict-text", "unknown"])
def test_kg_build_arguments_of_the_wrong_kind_are_kgs_own_error(tmp_path, monkeypatch, paths, overrides, names):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as refused:
        kg.build(paths, **overrides)
    assert names in str(refused.value) and "\n" not in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_kg_build_exports_text_is_the_comma_list_of_the_command_line(tmp_path):
    api = kg.build([DATA], out=tmp_path / "api", exports="turtle, html", ner="none", store=False)
    assert main(["build", str(DATA), "--out", str(tmp_path / "cli"), "--exports", "turtle, html", "--ner", "none",
                 "--no-store", "-q"]) == 0
    assert sorted(p.name for p in api.written) == ["graph.html", "graph.ttl", "merges.json", "report.json"]
    assert sorted(p.name for p in (tmp_path / "api").iterdir() if not p.name.startswith(".")) == \
        sorted(p.name for p in (tmp_path / "cli").iterdir() if not p.name.startswith("."))


# -- the output folder -------------------------------------------------------------------------

def test_out_in_a_folder_that_does_not_exist_is_refused(tmp_path, capsys):
    """As mkdir without -p: kg makes the output folder, not its parents (exit 3, nothing made)."""
    out = tmp_path / "no" / "such" / "out"
    assert main(["build", str(DATA), "--out", str(out), "--ner", "none", "-q"]) == 3
    err = capsys.readouterr().err
    assert "--out" in err and str(tmp_path / "no" / "such") in err and err.count("\n") == 1
    with pytest.raises(OutputError):
        kg.build([DATA], out=out, ner="none")
    assert list(tmp_path.iterdir()) == []
    assert main(["build", str(DATA), "--out", str(tmp_path / "made"), "--ner", "none", "-q"]) == 0  # one level is made


def test_the_readme_describes_report_json_as_it_is(tmp_path):
    import json
    import re

    kg.build([DATA], out=tmp_path, ner="none", exports=["turtle"], store=False)
    report = json.loads((tmp_path / "report.json").read_text())
    readme = (DATA.parent / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `report.json` |"))
    assert set(re.findall(r"`(\w+)`", row)) >= set(report), row
    assert "one line per" not in row and isinstance(report, dict)
