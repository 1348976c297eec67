"""kg view and the shared option types: a bad input or output is one line and a documented exit code."""

from __future__ import annotations

import pytest

from kg.cli import main


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
