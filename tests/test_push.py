"""kg push into real servers (Oxigraph, Virtuoso with HTTP Digest), and one-line errors
with exit code 4 when the server is absent, silent, or answers something that is not HTTP."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from kg.cli import main
from kg.push import DEFAULT_GRAPH, MAX_ANSWER, push

from .servers import Virtuoso, free_port, oxigraph_server, virtuoso  # noqa: F401 - fixtures


def count(base: str, query: str, **form: str) -> int:
    import json
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode({"query": query, **form}).encode()
    request = urllib.request.Request(base + "/query", data=data, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def test_push_replaces_the_graph(oxigraph_server, seeds_out, capsys):  # noqa: F811
    nt = (seeds_out / "graph.nt").read_bytes()
    assert push(oxigraph_server + "/store", nt, DEFAULT_GRAPH) in (200, 201, 204)
    expected = nt.count(b"\n")
    graph_count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DEFAULT_GRAPH}> {{ ?s ?p ?o }} }}"
    assert count(oxigraph_server, graph_count) == expected
    assert main(["push", oxigraph_server + "/store", "--data", str(seeds_out / "graph.nt")]) == 0
    assert f"pushed {expected} triples" in capsys.readouterr().out
    assert count(oxigraph_server, graph_count) == expected  # replaced, not doubled


def test_the_ways_to_query_a_pushed_graph_that_the_readme_gives(oxigraph_server, seeds_out):  # noqa: F811
    assert main(["push", oxigraph_server + "/store", "--data", str(seeds_out / "graph.nt")]) == 0
    expected = (seeds_out / "graph.nt").read_bytes().count(b"\n")
    plain = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(oxigraph_server, plain) == 0  # the graph is a named graph, not the default one
    assert count(oxigraph_server, plain, **{"default-graph-uri": DEFAULT_GRAPH}) == expected
    assert count(oxigraph_server, plain, **{"union-default-graph": ""}) == expected


def test_push_to_virtuoso_answers_its_digest_challenge(virtuoso: Virtuoso, seeds_out, capsys):  # noqa: F811
    nt = seeds_out / "graph.nt"
    graph = "https://w3id.org/newskg/test-push"
    args = ["push", virtuoso.crud, "--data", str(nt), "--graph", graph, "--user", virtuoso.user]
    assert main([*args, "--password", virtuoso.password]) == 0
    expected = nt.read_bytes().count(b"\n")
    assert f"pushed {expected} triples" in capsys.readouterr().out

    def triples() -> int:
        data = virtuoso.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(data["results"]["bindings"][0]["n"]["value"])

    assert triples() == expected
    assert main([*args, "--password", virtuoso.password]) == 0
    assert triples() == expected  # replaced, not doubled
    assert main([*args, "--password", "wrong"]) == 4
    assert "401" in capsys.readouterr().err
    assert main(["push", virtuoso.crud, "--data", str(nt), "--graph", graph]) == 4
    assert "--user" in capsys.readouterr().err


class FakeServer:
    """A socket on 127.0.0.1 that reads a request and answers *reply* (or nothing, then waits)."""

    def __init__(self, reply: bytes | None, close: bool = True) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/store"
        self.reply, self.close_after = reply, close
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(5)
            try:
                self._read_request(conn)
                if self.reply is None:
                    self.held.append(conn)  # say nothing
                    continue
                conn.sendall(self.reply)
            except OSError:
                pass
            if self.close_after:
                conn.close()
            else:
                self.held.append(conn)

    @staticmethod
    def _read_request(conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk

    def stop(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture()
def fake():
    made: list[FakeServer] = []

    def make(reply: bytes | None, close: bool = True) -> FakeServer:
        made.append(FakeServer(reply, close))
        return made[-1]

    yield make
    for server in made:
        server.stop()


@pytest.mark.parametrize(("reply", "close", "words"), [
    (b"SSH-2.0-OpenSSH_9.2\r\n", True, "not valid HTTP"),
    (b"\x00\x01\x02garbage\xff\r\n\r\n", True, "not valid HTTP"),
    (b"HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\nshort", True, "closed the connection"),
    (b"HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", True, "not valid HTTP"),
    (b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n", False, "did not answer within"),
], ids=["ssh", "binary", "truncated", "bad-chunk", "stalls-mid-answer"])
def test_push_to_a_server_that_answers_garbage(fake, seeds_out, capsys, reply, close, words):
    server = fake(reply, close)
    args = ["push", server.url, "--data", str(seeds_out / "graph.nt"), "--timeout", "1"]
    assert main(args) == 4
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_push_to_a_refused_connection_or_a_silent_server(fake, seeds_out, capsys):
    closed = free_port()
    assert main(["push", f"http://127.0.0.1:{closed}/store", "--data", str(seeds_out / "graph.nt")]) == 4
    err = capsys.readouterr().err
    assert "refused the connection" in err and err.count("\n") == 1
    silent = fake(None)
    started = time.monotonic()
    assert main(["push", silent.url, "--data", str(seeds_out / "graph.nt"), "--timeout", "1"]) == 4
    assert time.monotonic() - started < 5
    assert "did not answer within 1 s (--timeout)" in capsys.readouterr().err


def test_a_huge_error_answer_is_read_only_in_part(fake, seeds_out, capsys):
    body = b"x" * (50 * MAX_ANSWER)
    server = fake(b"HTTP/1.1 400 Bad\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    assert main(["push", server.url, "--data", str(seeds_out / "graph.nt")]) == 4
    err = capsys.readouterr().err
    assert "HTTP 400" in err and len(err) < 600


def test_push_timeout_option_is_checked(seeds_out, capsys):
    for bad in ("0", "-1", "soon"):
        assert main(["push", "http://127.0.0.1:1/store", "--data", str(seeds_out / "graph.nt"), "--timeout", bad]) == 2
        assert "--timeout" in capsys.readouterr().err
