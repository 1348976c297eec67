"""The SPARQL side: embedded store, kg query, the library with exact answers, errors."""

from __future__ import annotations

import json
import re

import pytest

from kg.cli import main
from kg.errors import QueryError
from kg.query import format_results, get_query, library, run
from kg.store import open_store


@pytest.fixture(scope="module")
def seeds_store(seeds_out):
    return open_store(seeds_out / "store")


@pytest.fixture(scope="module")
def corpus_store(corpus_out):
    return open_store(corpus_out / "store")


def rows(store, name, **params):
    q = get_query(name)
    result = run(store, q.text, {k: str(v) for k, v in params.items()}, q.params)
    variables = [v.value for v in result.variables]
    return [tuple(None if s[v] is None else s[v].value for v in variables) for s in result]


def test_library_has_documented_queries():
    queries = library()
    assert len(queries) >= 10
    assert all(q.description and q.text.strip() for q in queries)


def test_articles_per_outlet(seeds_store):
    got = rows(seeds_store, "articles-per-outlet")
    assert got[0][1:] == ("中国日报网", "2")
    assert sorted(r[2] for r in got) == ["1"] * 8 + ["2"]


def test_topics_over_time(seeds_store):
    assert ("AI", "2023-08", "2") in rows(seeds_store, "topics-over-time")
    assert rows(seeds_store, "topics-over-time", topic="Computer Vision") == [
        ("Computer Vision", "2021-03", "1"), ("Computer Vision", "2023-08", "2"),
    ]


def test_mentioned_with_organization(seeds_store):
    got = rows(seeds_store, "mentioned-with-organization", organization="Supreme People's Court")
    assert {(t, n) for _o, t, n, _c in got} == {
        ("organization", "Cyberspace Administration Of China"), ("organization", "Ministry Of Public Security"),
        ("organization", "Zhongdun Law Offices"), ("person", "Li"), ("person", "Wei Jingfeng"), ("person", "Xu"),
        ("place", "China"),
    }


def test_outlets_covering_story_is_transitive(corpus_store):
    # seed 001 lists two articles; through them nothing else: a small, exact cluster
    got = rows(corpus_store, "outlets-covering-story",
               article="https://www.biometricupdate.com/202103/chinese-lawmakers-consider-more-facial-recognition-restrictions")
    assert sorted(r[2] for r in got) == ["Biometric Companies", "Crowdfund Insider", "Law"]
    # seed 003 → seed 002 → three more outlets, two steps away from 003
    got = rows(corpus_store, "outlets-covering-story",
               article="https://www.zdnet.com/article/china-closes-record-number-of-personal-data-breaches-moots-facial-recognition-law/")
    names = {r[2] for r in got}
    assert {"ZDNet", "中国日报网", "Forbes", "coinspeaker", "International Business Times"} <= names


def test_coverage_cluster(seeds_store):
    got = rows(seeds_store, "coverage-cluster", article="https://global.chinadaily.com.cn/a/202308/10/WS64d415c7a31035260b81b385.html")
    assert [r[2] for r in got] == [
        "China Proposes Stricter Regulations on Facial Recognition to Protect Privacy",
        "China Plans To Restrict Use Of Facial Recognition Tech By Businesses, Issues Draft Guidelines",
        "Application of facial recognition tech needs to be strictly regulated",
        "New Chinese Facial Recognition Regulations Could Shield Citizens From Surveillance Capitalism",
        "China closes record number of personal data breaches, moots facial recognition law",
    ]
    assert [r[5] for r in got] == ["true", "true", "false", "true", "false"]


def test_most_connected_entities(seeds_store):
    got = rows(seeds_store, "most-connected-entities")
    assert got[:2] == [
        ("https://w3id.org/newskg/id/topic/ai", "topic", "AI", "3"),
        ("https://w3id.org/newskg/id/topic/computer-vision", "topic", "Computer Vision", "3"),
    ]


def test_articles_by_bias(seeds_store):
    got = rows(seeds_store, "articles-by-bias")
    assert [(r[2], r[3]) for r in got] == [("Bias by Omission", "3"), ("False Dichotomy", "3"), ("Framing Bias", "2"), ("Language Bias", "1")]
    assert [r[3] for r in rows(seeds_store, "articles-by-bias", dimension="Framing Bias")] == ["2"]


def test_articles_by_sdg(seeds_store):
    (row,) = rows(seeds_store, "articles-by-sdg", goalNumber=16)
    assert row[1] == "SDG 16: Peace, Justice and Strong Institutions" and row[4:] == ("Positive", "Direct Relevance")
    assert rows(seeds_store, "articles-by-sdg", goalNumber=3) == []


def test_co_mentions(seeds_store):
    got = rows(seeds_store, "co-mentions")
    assert len(got) == 21  # 4 organisations + 3 people in one article: 7 choose 2
    assert all(r[2] == "1" for r in got)


def test_known_by_reference(seeds_store, corpus_store):
    assert len(rows(seeds_store, "known-by-reference")) == 5
    corpus = rows(corpus_store, "known-by-reference")
    assert corpus and all(int(r[3]) >= 1 for r in corpus)
    assert int(corpus[0][3]) >= int(corpus[-1][3])


def test_topic_cooccurrence(seeds_store):
    assert rows(seeds_store, "topic-cooccurrence")[0] == ("AI", "Computer Vision", "3")


def test_articles_by_person(seeds_store):
    ((person, _a, headline, role, date),) = rows(seeds_store, "articles-by-person", person="Matthew Walsh")
    assert headline.startswith("Top Lawmakers") and role == "author" and date.startswith("2020-10-21")


DEEPMIND = "https://www.technologyreview.com/2020/11/30/1012712/deepmind-protein-folding-ai-solved-biology-science-drugs-disease/"


def test_story_queries_agree_with_each_other(corpus_store):
    """Stories by outlets, a story's timeline, its first reporters and its entities: each
    answer is consistent with the story node's own counts and dates."""
    stories = rows(corpus_store, "stories-by-outlets")
    assert len(stories) >= 20 and [int(r[2]) for r in stories] == sorted((int(r[2]) for r in stories), reverse=True)
    timeline = rows(corpus_store, "story-timeline", article=DEEPMIND)
    story = timeline[0][1]
    name, outlets, articles, first, last = next(r[1:] for r in stories if r[0] == story)
    assert "protein" in name.lower() and int(articles) == len(timeline) >= 30
    dates = [r[2] for r in timeline if r[2]]
    assert dates == sorted(dates) and (dates[0], dates[-1]) == (first, last)
    assert int(outlets) == len({r[3] for r in timeline if r[3]})
    reporters = rows(corpus_store, "first-reporters")
    firsts = {r[3] for r in timeline if r[2] == first}
    assert any(name in firsts for _o, name, _n in reporters)
    assert sum(int(n) for *_rest, n in reporters) >= sum(1 for r in stories if r[4])
    face_data = "https://w3id.org/newskg/id/article/a779bc8f840b60ee"  # an analysis page: fields name entities
    members = rows(corpus_store, "story-timeline", article=face_data)
    entities = rows(corpus_store, "story-entities", article=face_data)
    assert len(entities) >= 5 and {r[4] for r in entities} <= {"organization", "person", "place", "product", "event", "work"}
    assert all(r[1] == members[0][1] and 1 <= int(r[5]) <= len(members) for r in entities)


def test_parameters_are_bound_as_terms_not_pasted(seeds_store):
    evil = 'x" } UNION { ?org ?p ?o } #'
    assert rows(seeds_store, "mentioned-with-organization", organization=evil) == []
    with pytest.raises(QueryError, match="not an integer"):
        rows(seeds_store, "articles-by-sdg", goalNumber="16 } #")
    with pytest.raises(QueryError, match="missing parameter"):
        rows(seeds_store, "coverage-cluster")
    with pytest.raises(QueryError, match="unknown parameter"):
        rows(seeds_store, "articles-per-outlet", outlet="x")


def test_syntax_error_shows_line_column_and_hint(seeds_store):
    with pytest.raises(QueryError) as info:
        run(seeds_store, "SELECT ?h WHERE {\n  ?a schema:headline ?h\n  FILTER(\n}")
    text = str(info.value)
    assert "line 4, column" in text and "^" in text and "hint:" in text
    with pytest.raises(QueryError, match="unknown prefix"):
        run(seeds_store, "SELECT * WHERE { ?a nope:x ?b }")


def test_result_formats(seeds_store):
    result = run(seeds_store, "SELECT ?name WHERE { ?o a schema:NewsMediaOrganization ; schema:name ?name } ORDER BY ?name LIMIT 2")
    table = format_results(result, "table")
    assert table.splitlines()[0] == "name" and table.endswith("(2 rows)\n")
    data = json.loads(format_results(run(seeds_store, "SELECT ?n WHERE { ?o schema:name ?n } LIMIT 1"), "json"))
    assert data["head"]["vars"] == ["n"]
    csv = format_results(run(seeds_store, "SELECT ?n WHERE { ?o schema:name ?n } LIMIT 1"), "csv")
    assert csv.startswith("n\r\n")
    ttl = format_results(run(seeds_store, "CONSTRUCT { ?a schema:headline ?h } WHERE { ?a schema:headline ?h }"), "table")
    assert "schema:headline" in ttl


def test_cli_query_inline_file_and_data(seeds_out, tmp_path, capsys):
    store = str(seeds_out / "store")
    assert main(["query", "articles-per-outlet", "--store", store, "--format", "csv"]) == 0
    assert "Caixin Global" in capsys.readouterr().out
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }")
    assert main(["query", str(rq), "--data", str(seeds_out / "graph.ttl"), "--format", "tsv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == '10'
    assert main(["query", "SELECT * WHERE { ?a ?b }", "--store", store]) == 2
    assert "syntax error" in capsys.readouterr().err
    assert main(["query", "--list"]) == 0
    assert "coverage-cluster" in capsys.readouterr().out


def test_store_is_replaced_atomically(tmp_path):
    from kg.store import STORE_LINK, write_store

    first = write_store(tmp_path, b'<https://x.org/a> <https://x.org/p> "1" .\n')
    target_one = first.resolve()
    write_store(tmp_path, b'<https://x.org/a> <https://x.org/p> "2" .\n')
    link = tmp_path / STORE_LINK
    assert link.is_symlink() and link.resolve() != target_one and not target_one.exists()
    assert [q.object.value for q in open_store(link).quads_for_pattern(None, None, None, None)] == ["2"]


def test_shacl_shapes_accept_outputs_and_catch_errors(seeds_out, corpus_out, tmp_path):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    from kg.validate import validate

    assert validate(seeds_out / "graph.ttl")[0]
    assert validate(corpus_out / "graph.ttl")[0]
    g = Graph().parse(seeds_out / "graph.ttl")
    article = next(g.subjects(URIRef("https://schema.org/datePublished"), None))
    g.add((article, URIRef("https://schema.org/datePublished"), Literal("1999-01-01T00:00:00Z", datatype=XSD.dateTime)))
    conforms, text = validate(g)
    assert not conforms and "datePublished" in text
    assert main(["validate", str(seeds_out / "graph.ttl")]) == 0


# -- safe to run: no requests to elsewhere, no crash, one-line errors -------------------------

def kg_command(*args: str) -> "subprocess.CompletedProcess[str]":
    """``python -m kg`` in a fresh process (a crash there cannot take the tests down)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True, text=True, timeout=120)


def test_query_with_a_service_clause_is_refused_before_it_runs(seeds_out):
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        for text in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                     f"select * {{ service\t<http://127.0.0.1:{port}/>{{?s ?p ?o}} }}"):
            done = kg_command("query", text, "--store", str(seeds_out / "store"))
            assert done.returncode == 2 and "--allow-service" in done.stderr and done.stderr.count("\n") == 1
            with pytest.raises(TimeoutError):
                listener.accept()  # nobody called
        # asked for: the engine does call the url (the test sees the call, then hangs up)
        import os
        import subprocess
        import sys
        from pathlib import Path

        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        proc = subprocess.Popen([sys.executable, "-m", "kg", "query", text, "--store", str(seeds_out / "store"),
                                 "--allow-service"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        listener.settimeout(30)
        conn, _ = listener.accept()
        conn.close()
        proc.communicate(timeout=60)


def test_deeply_nested_query_is_refused_not_a_crash(seeds_out):
    deep = "SELECT * WHERE { FILTER(" + "(" * 6000 + "1" + ")" * 6000 + ") }"
    done = kg_command("query", deep, "--data", str(seeds_out / "graph.nt"))
    assert done.returncode == 2, f"exit {done.returncode}"  # before: -11, a segmentation fault
    assert "nests" in done.stderr and done.stderr.count("\n") == 1


def test_huge_integer_parameter_is_one_line(seeds_out):
    done = kg_command("query", "articles-by-sdg", "--store", str(seeds_out / "store"), "--param", "goalNumber=" + "9" * 5000)
    assert done.returncode == 2 and "--param goalNumber" in done.stderr and done.stderr.count("\n") == 1
    inline = kg_command("query", "SELECT ?n WHERE { BIND(?n AS ?m) }", "--store", str(seeds_out / "store"),
                        "--param", "n=" + "1" * 5000)
    assert inline.returncode == 2 and "--param n" in inline.stderr and "Traceback" not in inline.stderr


def test_print_query_writes_the_parameters_in(capsys):
    assert main(["query", "articles-by-sdg", "--param", "goalNumber=16", "--print-query"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# name: articles-by-sdg") and "PREFIX kg:" in text
    assert 'VALUES ?goalNumber { "16"^^<http://www.w3.org/2001/XMLSchema#integer> }' in text


def test_library_files_declare_their_prefixes():
    from kg.sparql_guard import tokens

    for q in library():
        declared = {t.text.rstrip(":") for t in tokens(q.text) if t.kind == "pname" and t.text.endswith(":")}
        used = {t.text.split(":")[0] for t in tokens(q.text) if t.kind == "pname"}
        assert used <= declared, f"{q.name}: no PREFIX line for {used - declared}"


def test_ctrl_c_stops_a_long_query_at_once(corpus_out):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    proc = subprocess.Popen([sys.executable, "-m", "kg", "query", slow, "--store", str(corpus_out / "store")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        assert proc.poll() is None  # still computing
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        proc.wait(10)
        assert time.monotonic() - started < 2
    finally:
        proc.kill()
        proc.wait()


# -- files that are not what the option asks for ------------------------------------------------

def kg_quick(*args: str, seconds: float = 30) -> "subprocess.CompletedProcess[str]":
    """``python -m kg`` that must finish within *seconds* (a hang fails the test, it does not stall it)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    try:
        return subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True, text=True,
                              timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg {' '.join(args)} still ran after {seconds:g} s")


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["serve", "--port", "0"], ["validate"]],
                         ids=["query", "serve", "validate"])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path, command):
    import os

    fifo = tmp_path / "graph.ttl"
    os.mkfifo(fifo)
    args = [*command, str(fifo)] if command == ["validate"] else [*command, "--data", str(fifo)]
    done = kg_quick(*args, seconds=20)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert str(fifo) in done.stderr and "not a regular file" in done.stderr and "no such file" not in done.stderr


@pytest.mark.parametrize("name", ["graph.graphml", "graph.gexf", "graph.html", "report.json"])
def test_validate_an_output_that_is_not_rdf_is_one_line(seeds_out, name):
    """No rdflib warnings, no message cut in the middle of a word, no 'valid' for a file
    that holds no triples (report.json parses as JSON-LD with nothing in it)."""
    done = kg_quick("validate", str(seeds_out / name))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    line = done.stderr.rstrip("\n")
    assert line.startswith(f"kg: error: {seeds_out / name}: ") and line.endswith("e.g. graph.ttl"), line


def test_validate_says_where_a_file_is_not_valid(tmp_path, capsys):
    bad = tmp_path / "graph.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b " + "ex:c, " * 200 + "{ oops\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 400 and str(bad) in err
    assert re.search(r"line 2\b.*\b1211\b", err), err  # the line and the column of the '{'


# -- control characters from the data -----------------------------------------------------------

HOSTILE = "x\u009b31mred\u001b[0m bell\u0007 del\u007f rlo\u202eabc cr\rend"
CONTROLS = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture()
def hostile_data(tmp_path):
    import json as json_

    path = tmp_path / "hostile.nt"
    path.write_text(f"<urn:a> <urn:p> {json_.dumps(HOSTILE)} .\n", encoding="utf-8")
    return path


def test_the_table_escapes_control_characters(hostile_data, capsys):
    """C0 and C1 controls (the CSI \\x9b, ESC, BEL…) and bidi overrides in the data must not
    reach the terminal as they are: the table shows them escaped."""
    assert main(["query", "SELECT ?o WHERE { ?s ?p ?o }", "--data", str(hostile_data)]) == 0
    out = capsys.readouterr().out
    assert not CONTROLS.search(out), repr(out)
    assert "x\\x9b31mred\\x1b[0m bell\\x07 del\\x7f rlo\\u202eabc cr\\rend" in out


@pytest.mark.parametrize("fmt", ["json", "tsv", "xml", "turtle"])
def test_data_formats_escape_controls_their_own_way_and_stay_faithful(hostile_data, capsys, fmt):
    """JSON, TSV, XML and Turtle write such characters with their own escapes: no raw control
    on the terminal, and a parser reads back the very same string (XML 1.0 cannot hold C0
    controls even escaped, so its case has none)."""
    import json as json_
    import xml.etree.ElementTree as ET

    import rdflib

    hostile = HOSTILE
    if fmt == "xml":
        hostile = re.sub("[\u0000-\u0008\u000b\u000c\u000e-\u001f]", "", HOSTILE)
        hostile_data.write_text(f"<urn:a> <urn:p> {json_.dumps(hostile)} .\n", encoding="utf-8")
    if fmt == "turtle":
        args = ["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--data", str(hostile_data)]
    else:
        args = ["query", "SELECT ?o WHERE { ?s ?p ?o }", "--data", str(hostile_data), "--format", fmt]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert not CONTROLS.search(out.replace("\r\n", "\n")), repr(out)
    if fmt == "json":
        value = json.loads(out)["results"]["bindings"][0]["o"]["value"]
    elif fmt == "xml":
        value = ET.fromstring(out).find(".//{http://www.w3.org/2005/sparql-results#}literal").text
    elif fmt == "tsv":
        value = str(next(iter(rdflib.Graph().parse(data=f"<urn:a> <urn:p> {out.splitlines()[1]} .", format="nt")))[2])
    else:
        value = str(next(iter(rdflib.Graph().parse(data=out, format="turtle")))[2])
    assert value == hostile


def test_csv_stays_byte_for_byte(hostile_data, capsys):
    """CSV has no escapes: it carries the characters as they are (documented)."""
    assert main(["query", "SELECT ?o WHERE { ?s ?p ?o }", "--data", str(hostile_data), "--format", "csv"]) == 0
    assert HOSTILE in capsys.readouterr().out
