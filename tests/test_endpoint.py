"""The SPARQL endpoint with a real SPARQL client, and kg push into a real Oxigraph server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kg.push import push
from kg.serve import serve_in_thread
from kg.store import open_store


@pytest.fixture()
def endpoint(seeds_out):
    server, thread = serve_in_thread(open_store(seeds_out / "store"), "127.0.0.1", 0)
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/sparql"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_sparqlwrapper_select_and_construct(endpoint):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("""PREFIX schema: <https://schema.org/>
        SELECT ?name WHERE { ?o a schema:NewsMediaOrganization ; schema:name ?name } ORDER BY ?name""")
    client.setReturnFormat(JSON)
    names = [b["name"]["value"] for b in client.query().convert()["results"]["bindings"]]
    assert len(names) == 9 and "Caixin Global" in names
    client.setMethod("POST")
    client.setQuery("PREFIX schema: <https://schema.org/> CONSTRUCT { ?a schema:headline ?h } WHERE { ?a schema:headline ?h }")
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    assert b"Top Lawmakers Slam" in data


def test_endpoint_refuses_updates_and_reports_errors(endpoint):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <https://x.org/a> <https://x.org/b> <https://x.org/c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as refused:
        client.query()
    assert "403" in str(refused.value)
    request = urllib.request.Request(endpoint, data=b"update=DROP+ALL", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 403
    bad = SPARQLWrapper(endpoint)
    bad.setQuery("SELECT * WHERE { ?a ?b }")
    with pytest.raises(QueryBadFormed):
        bad.query()


def test_csv_by_content_negotiation(endpoint):
    request = urllib.request.Request(endpoint + "?query=SELECT%20(1%20AS%20%3Fx)%20%7B%7D", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        assert response.read() == b"x\r\n1\r\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def count(base: str, graph: str) -> int:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(base + "/query")
    client.setQuery(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    client.setReturnFormat(JSON)
    return int(client.query().convert()["results"]["bindings"][0]["n"]["value"])


def test_push_replaces_the_graph(oxigraph_server, seeds_out, capsys):
    from kg.cli import main

    nt = (seeds_out / "graph.nt").read_bytes()
    graph = "https://w3id.org/newskg/graph"
    assert push(oxigraph_server + "/store", nt, graph) in (200, 201, 204)
    expected = nt.count(b"\n")
    assert count(oxigraph_server, graph) == expected
    assert main(["push", oxigraph_server + "/store", "--data", str(seeds_out / "graph.nt")]) == 0
    assert f"pushed {expected} triples" in capsys.readouterr().out
    assert count(oxigraph_server, graph) == expected  # replaced, not doubled
