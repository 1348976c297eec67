"""kg push into real servers (Oxigraph, Virtuoso with HTTP Digest), and one-line errors
with exit code 4 when the server is absent, silent, or answers something that is not HTTP."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import quote

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
    """A socket on 127.0.0.1 that reads a request and answers *reply* (or nothing, then waits);
    *reply* may be a function of the request's head; with *drip*, one byte every *drip* seconds."""

    def __init__(self, reply: bytes | None | Callable[[bytes], bytes], close: bool = True, drip: float = 0) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/store"
        self.reply, self.close_after, self.drip = reply, close, drip
        self.held: list[socket.socket] = []
        self.heads: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(5)
            try:
                self.heads.append(self._read_request(conn))
                if self.reply is None:
                    self.held.append(conn)  # say nothing
                    continue
                reply = self.reply(self.heads[-1]) if callable(self.reply) else self.reply
                if self.drip:
                    for n in range(len(reply)):
                        conn.sendall(reply[n:n + 1])
                        time.sleep(self.drip)
                else:
                    conn.sendall(reply)
            except OSError:
                pass
            if self.close_after:
                conn.close()
            else:
                self.held.append(conn)

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes:
        """The request's head (its body is read and dropped)."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head

    def stop(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture()
def fake():
    made: list[FakeServer] = []

    def make(reply: bytes | None | Callable[[bytes], bytes], close: bool = True, drip: float = 0) -> FakeServer:
        made.append(FakeServer(reply, close, drip))
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


def test_timeout_is_one_deadline_for_the_whole_push(fake, seeds_out, capsys):
    """A server that drips its answer a byte at a time (each read well within the timeout)
    must not keep kg push waiting past --timeout."""
    body = b"created, slowly"
    server = fake(b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n" % len(body) + body, drip=0.2)
    started = time.monotonic()
    assert main(["push", server.url, "--data", str(seeds_out / "graph.nt"), "--timeout", "1"]) == 4
    took = time.monotonic() - started
    err = capsys.readouterr().err
    assert "within 1 s (--timeout)" in err and err.count("\n") == 1
    assert took < 2.5, took


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:99999/store", "http://[::1/store", "http://127.0.0.1:abc/x", "http://127.0.0.1:0/x",
    "http://127.0.0.1:1/a store", "http://127.0.0.1:1/a\tb", "ftp://127.0.0.1/x", "http:///x", "127.0.0.1:7878/store",
], ids=["port-too-big", "open-bracket", "port-not-a-number", "port-0", "space", "tab", "ftp", "no-host", "no-scheme"])
def test_a_malformed_url_is_bad_usage(seeds_out, capsys, url):
    assert main(["push", url, "--data", str(seeds_out / "graph.nt"), "--timeout", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: url ") and repr(url) in err and err.count("\n") == 1


def test_a_url_with_letters_beyond_ascii_is_sent_percent_encoded(fake, seeds_out, capsys):
    server = fake(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
    assert main(["push", server.url + "/caf\u00e9", "--data", str(seeds_out / "graph.nt")]) == 0
    assert server.heads[0].startswith(b"PUT /store/caf%C3%A9?graph=")


def _digest_server(fake, seen: list[str]):
    def reply(head: bytes) -> bytes:
        auth = re.search(rb"(?im)^authorization: (.*)$", head)
        if auth is None:
            return (b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="kg test", nonce="n0nce", '
                    b'qop="auth", charset=UTF-8\r\nContent-Length: 0\r\n\r\n')
        seen.append(auth.group(1).decode("latin-1").strip())
        return b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"

    return fake(reply)


def test_digest_with_a_user_name_beyond_ascii(fake, seeds_out, capsys):
    """RFC 7616: a user name that is no plain quoted string goes as username*, in UTF-8."""
    seen: list[str] = []
    server = _digest_server(fake, seen)
    args = ["push", server.url, "--data", str(seeds_out / "graph.nt"), "--user", "\u03a9mega", "--password", "p\u00e4ss"]
    assert main(args) == 0, capsys.readouterr().err
    fields = dict(re.findall(r'([\w*]+)=("[^"]*"|[^,]+)', seen[0]))
    assert fields["username*"] == "UTF-8''%CE%A9mega" and "username" not in fields

    def md5(text: str) -> str:
        return hashlib.md5(text.encode("utf-8")).hexdigest()

    ha1 = md5("\u03a9mega:kg test:p\u00e4ss")
    ha2 = md5(f"PUT:{fields['uri'].strip(chr(34))}")
    expected = md5(f"{ha1}:n0nce:{fields['nc']}:{fields['cnonce'].strip(chr(34))}:auth:{ha2}")
    assert fields["response"] == f'"{expected}"'


def test_digest_user_names_that_would_break_the_header(fake, seeds_out, capsys):
    for user in ('a"b', "a\\b", "line\r\nX-Injected: 1"):
        seen: list[str] = []
        server = _digest_server(fake, seen)
        assert main(["push", server.url, "--data", str(seeds_out / "graph.nt"), "--user", user, "--password", "x"]) == 0
        assert seen[0].startswith("Digest username*=UTF-8''" + quote(user, safe="") + ",")
        assert not re.search(rb"(?im)^x-injected", server.heads[-1])
    capsys.readouterr()
