"""kg serve: the SPARQL endpoint with a real SPARQL client, and what keeps it safe to run:
time limits that free the CPU, bounded connections, Host and Origin checks, no requests
to elsewhere, a crash-proof parser, a new build seen without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.query_pool import StoreSpec
from kg.serve import ServeOptions, serve_in_thread
from kg.store import write_store

from .servers import free_port

ROOT = Path(__file__).resolve().parent.parent
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Endpoint:
    def __init__(self, server):
        self.server = server
        self.port = server.port
        self.url = f"http://127.0.0.1:{self.port}/sparql"

    def ask(self, query: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
        """(status, headers, body) of a GET query."""
        request = urllib.request.Request(self.url + "?" + urllib.parse.urlencode({"query": query}), headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()


@pytest.fixture()
def serve(seeds_out):
    servers = []

    def start(spec: StoreSpec | None = None, **options) -> Endpoint:
        spec = spec or StoreSpec(str(seeds_out / "store"), follow=True)
        server, thread = serve_in_thread(spec, ServeOptions(port=0, **options))
        servers.append((server, thread))
        return Endpoint(server)

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture()
def endpoint(serve) -> str:
    return serve().url


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


# -- no requests to elsewhere -------------------------------------------------------------------

class Listener:
    """A socket on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def test_service_clause_is_refused_unless_allowed(serve, listener):
    query = f"select * where {{ sErViCe\n<http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    status, _h, body = serve().ask(query)
    assert status == 400 and b"--allow-service" in body
    time.sleep(0.3)
    assert listener.hits == 0
    serve(allow_service=True).ask(query)
    time.sleep(0.3)
    assert listener.hits >= 1  # allowed: the engine does call the url


def test_deeply_nested_query_is_refused_and_the_server_lives_on(serve):
    ep = serve()
    deep = "SELECT * WHERE { FILTER(" + "(" * 6000 + "1" + ")" * 6000 + ") }"
    status, _h, body = ep.ask(deep)
    assert status == 400 and b"nests" in body and body.count(b"\n") == 1
    assert ep.ask("SELECT (1 AS ?x) {}", {"Accept": "text/csv"})[2] == b"x\r\n1\r\n"


# -- time limits -------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU time of *root* and every process below it."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += cpu_seconds(pid)
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        todo += [int(c) for c in children]
    return total


def test_a_query_past_the_time_limit_is_stopped_and_its_worker_replaced(serve):
    ep = serve(timeout=1.0, workers=1)
    before = ep.server.pool.pids()
    started = time.monotonic()
    status, _h, body = ep.ask(SLOW)
    took = time.monotonic() - started
    assert status == 503 and b"stopped after 1 s" in body
    assert took < 3
    after = ep.server.pool.pids()
    assert len(after) == 1 and after != before and not Path(f"/proc/{before[0]}").exists()
    assert ep.ask("SELECT (1 AS ?x) {}")[0] == 200  # the fresh worker answers


@pytest.mark.slow
def test_kg_serve_frees_the_cpu_when_it_stops_a_query(seeds_out, tmp_path):
    """The real command: an abandoned expensive query stops using the CPU at the time limit."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(seeds_out / "store"), "--port", str(port),
                             "--timeout", "4"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "SPARQL endpoint" in proc.stdout.readline()
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": SLOW})
        for _ in range(2):  # two clients give up at once: both cores would be busy for ever
            threading.Thread(target=lambda: _abandon(url), daemon=True).start()
        time.sleep(1.5)  # workers start and take the queries (slower on a busy machine)
        busy_start = tree_cpu(proc.pid)
        time.sleep(1.5)
        busy = (tree_cpu(proc.pid) - busy_start) / 1.5
        time.sleep(3.0)  # past the 4 s limit
        idle_start = tree_cpu(proc.pid)
        time.sleep(2.0)
        idle = tree_cpu(proc.pid) - idle_start
        print(f"CPU seconds per second: {busy:.2f} while the queries ran, {idle / 2:.3f} after the time limit")
        assert busy > 0.3  # the workers were computing (two cores, shared with other work)
        assert idle / 2 < 0.05
    finally:
        proc.terminate()
        proc.wait(10)


def _abandon(url: str) -> None:
    """Send a query and hang up at once."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port)) as s:
        s.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())


# -- connections -------------------------------------------------------------------------------

def test_excess_connections_get_a_quick_503_and_silent_ones_are_dropped(serve):
    ep = serve(max_connections=4, socket_timeout=1.0)
    silent = [socket.create_connection(("127.0.0.1", ep.port)) for _ in range(4)]
    time.sleep(0.2)
    started = time.monotonic()
    status, headers, _body = ep.ask("SELECT (1 AS ?x) {}")
    quick = time.monotonic() - started
    assert status == 503 and headers.get("Retry-After") and quick < 0.5
    time.sleep(1.5)  # the silent connections time out
    assert ep.ask("SELECT (1 AS ?x) {}")[0] == 200
    for s in silent:
        s.close()


def test_300_half_open_connections_hold_few_threads(serve):
    ep = serve(socket_timeout=5.0)  # long enough that none times out while the 300 open on a busy machine
    baseline = threading.active_count()
    silent = []
    for _ in range(300):
        s = socket.create_connection(("127.0.0.1", ep.port))
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")  # headers never finished
        silent.append(s)
    time.sleep(0.5)
    assert threading.active_count() - baseline <= 64
    started = time.monotonic()
    assert ep.ask("SELECT (1 AS ?x) {}")[0] == 503
    assert time.monotonic() - started < 0.5
    time.sleep(5.5)
    assert ep.ask("SELECT (1 AS ?x) {}")[0] == 200
    for s in silent:
        s.close()


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def test_malformed_content_length_gets_400(serve):
    ep = serve()
    for length in (b"abc", b"-5", b"1" * 5000):
        answer = raw(ep.port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: %s\r\n\r\nASK {}" % (ep.port, length))
        assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.0 413"), answer[:80]
    assert ep.ask("SELECT (1 AS ?x) {}")[0] == 200


# -- other web pages ---------------------------------------------------------------------------

def test_host_header_must_name_this_server(serve):
    ep = serve()
    for host in (f"127.0.0.1:{ep.port}", f"localhost:{ep.port}", f"[::1]:{ep.port}"):
        assert ep.ask("ASK {}", {"Host": host})[0] == 200, host
    for host in (f"attacker.example:{ep.port}", "127.0.0.1:1", f"127.0.0.1.nip.io:{ep.port}"):
        status, _h, body = ep.ask("ASK {}", {"Host": host})
        assert status == 403 and b"Host" in body, host


def test_cors_only_for_named_origins(serve):
    ep = serve()
    status, headers, _b = ep.ask("ASK {}", {"Origin": "https://attacker.example"})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    status, headers, _b = ep.ask("ASK {}", {"Origin": f"http://127.0.0.1:{ep.port}"})  # the endpoint's own page
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    named = serve(cors=("http://localhost:3000",))
    status, headers, _b = named.ask("ASK {}", {"Origin": "http://localhost:3000"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert named.ask("ASK {}", {"Origin": "https://attacker.example"})[0] == 403


# -- the store ---------------------------------------------------------------------------------

def test_a_new_build_is_seen_without_a_restart(serve, tmp_path):
    write_store(tmp_path, b'<https://x.org/a> <https://x.org/p> "1" .\n')
    ep = serve(StoreSpec(str(tmp_path / "store"), follow=True), workers=2)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert [ep.ask(count, {"Accept": "text/csv"})[2] for _ in range(4)] == [b"n\r\n1\r\n"] * 4
    write_store(tmp_path, b'<https://x.org/a> <https://x.org/p> "1" .\n<https://x.org/b> <https://x.org/p> "2" .\n')
    assert [ep.ask(count, {"Accept": "text/csv"})[2] for _ in range(4)] == [b"n\r\n2\r\n"] * 4


def test_updates_change_a_copy_and_load_is_refused(seeds_out, tmp_path):
    write_store(tmp_path, b'<https://x.org/a> <https://x.org/p> "1" .\n')
    from kg.commands import _serving_spec  # the copy kg serve --allow-update makes

    class Args:
        data: list = []
        allow_update = True
        store = tmp_path / "store"

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    server, thread = serve_in_thread(_serving_spec(Args, scratch), ServeOptions(port=0, allow_update=True))
    try:
        url = f"http://127.0.0.1:{server.port}/sparql"

        def post(body: bytes, ctype: str) -> int:
            request = urllib.request.Request(url, data=body, headers={"Content-Type": ctype})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as err:
                return err.code

        assert post(b'INSERT DATA { <https://x.org/b> <https://x.org/p> "2" }', "application/sparql-update") == 204
        assert post(b"LOAD <http://127.0.0.1:9/x.ttl>", "application/sparql-update") == 400
        request = urllib.request.Request(url + "?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%3Fs%20%3Fp%20%3Fo%7D",
                                         headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.read() == b"n\r\n2\r\n"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    from kg.store import open_store

    assert len(open_store(tmp_path / "store")) == 1  # the built store is unchanged


# -- the command line --------------------------------------------------------------------------

def kg(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_serve_errors_are_one_line(seeds_out):
    store = str(seeds_out / "store")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = kg("serve", "--store", store, "--port", str(taken.getsockname()[1]))
    assert busy.returncode == 4 and "--port" in busy.stderr and busy.stderr.count("\n") == 1
    for port in ("70000", "-1", "http"):
        bad = kg("serve", "--store", store, "--port", port)
        assert bad.returncode == 2 and "--port" in bad.stderr and "Traceback" not in bad.stderr
    unknown = kg("serve", "--store", store, "--host", "no-such-host.invalid")
    assert unknown.returncode == 4 and "--host" in unknown.stderr and unknown.stderr.count("\n") == 1


def test_binding_beyond_loopback_warns(seeds_out):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(seeds_out / "store"), "--host", "0.0.0.0",
                             "--port", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "warning: listening on 0.0.0.0" in proc.stderr.readline()
        assert "SPARQL endpoint" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(10)


# -- hostile clients (issue 24) ----------------------------------------------------------------

@pytest.fixture()
def updatable(tmp_path):
    """A server with --allow-update on a one-triple copy (the named --cors origins as given)."""
    from kg.commands import _serving_spec

    write_store(tmp_path, b'<https://x.org/a> <https://x.org/p> "1" .\n')

    class Args:
        data: list = []
        allow_update = True
        store = tmp_path / "store"

    made = []

    def start(**options):
        scratch = tmp_path / f"scratch{len(made)}"
        scratch.mkdir()
        server, thread = serve_in_thread(_serving_spec(Args, scratch), ServeOptions(port=0, allow_update=True, **options))
        made.append((server, thread))
        return Endpoint(server)

    yield start
    for server, thread in made:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _post_update(ep: Endpoint, origin: str | None) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin is not None:
        headers["Origin"] = origin
    body = urllib.parse.urlencode({"update": 'INSERT DATA { <https://x.org/b> <https://x.org/p> "2" }'}).encode()
    request = urllib.request.Request(ep.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _triples(ep: Endpoint) -> bytes:
    return ep.ask("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"Accept": "text/csv"})[2]


def test_null_and_unnamed_origins_cannot_update_or_read(updatable):
    """A sandboxed iframe of any site sends ``Origin: null``: it must not reach the store."""
    ep = updatable(cors=("http://localhost:3000",))
    for origin in ("null", "NULL", "https://attacker.example", "http://localhost:3001", "file://"):
        assert _post_update(ep, origin) == 403, origin
        status, headers, _b = ep.ask("ASK {}", {"Origin": origin})
        assert status == 403 and "Access-Control-Allow-Origin" not in headers, origin
    assert _triples(ep) == b"n\r\n1\r\n"  # nothing was inserted
    wildcard = updatable(cors=("*",))
    assert _post_update(wildcard, "null") == 403  # '*' names web origins; null is none of them
    assert _post_update(ep, "http://localhost:3000") == 204  # the named origin may
    assert _post_update(ep, None) == 204  # and so may a client that is no web page
    assert _triples(ep) == b"n\r\n2\r\n"


def test_a_client_dripping_its_headers_is_dropped_at_the_request_deadline(serve):
    """Clients that each send a header line now and then (each read well within the socket
    timeout) must not hold the slots for ever: the whole request has a deadline."""
    ep = serve(max_connections=4, socket_timeout=2.0, request_timeout=2.0)
    stop = threading.Event()

    def drip_forever() -> None:
        with socket.create_connection(("127.0.0.1", ep.port)) as s:
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")
            while not stop.wait(0.5):
                try:
                    s.sendall(b"X-Drip: 1\r\n")
                except OSError:
                    break

    threads = [threading.Thread(target=drip_forever, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        assert ep.ask("SELECT (1 AS ?x) {}")[0] == 503  # all four slots are taken
        deadline = time.monotonic() + 8
        status = 503
        while status == 503 and time.monotonic() < deadline:
            time.sleep(0.5)
            status = ep.ask("SELECT (1 AS ?x) {}")[0]
        assert status == 200  # the drippers were dropped, though each kept sending
    finally:
        stop.set()
        for t in threads:
            t.join(5)


def _big_query(rows_c: int) -> str:
    """A query whose CSV answer is about 1.6 MB per *rows_c* (10,000 rows of 160 bytes each)."""
    hundred = " ".join(str(i) for i in range(100))
    few = " ".join(str(i) for i in range(rows_c))
    return (f'SELECT ?a ?b ?c ?pad WHERE {{ VALUES ?a {{ {hundred} }} VALUES ?b {{ {hundred} }} '
            f'VALUES ?c {{ {few} }} BIND("{"x" * 150}" AS ?pad) }}')


def rss_mb() -> float:
    """Resident memory of this process (which runs the server's threads), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_clients_that_never_read_big_answers_do_not_hold_them_in_memory(serve):
    """Six clients ask for a 32 MB answer each and never read it: the server must not keep
    the six answers in memory while it waits for them (today's limit is the socket timeout)."""
    ep = serve(workers=2, socket_timeout=20.0)
    target = "/sparql?" + urllib.parse.urlencode({"query": _big_query(20)})
    assert ep.ask("SELECT (1 AS ?x) {}")[0] == 200  # workers started
    before = rss_mb()
    sockets = []
    for _ in range(6):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", ep.port))
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{ep.port}\r\nAccept: text/csv\r\n\r\n".encode())
        sockets.append(s)
    try:
        peak = before
        for _ in range(16):  # the six answers are made within a few seconds
            time.sleep(0.5)
            peak = max(peak, rss_mb())
        print(f"memory of the server's process: {before:.0f} MB before, {peak:.0f} MB at most with 6 non-reading clients")
        assert peak - before < 60  # 6 x 32 MB = 192 MB if the answers are held
        # and a reading client still gets the whole answer
        request = urllib.request.Request(f"http://127.0.0.1:{ep.port}{target}", headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
        assert body.count(b"\r\n") == 1 + 100 * 100 * 20 and len(body) > 30_000_000
    finally:
        for s in sockets:
            s.close()


def test_answers_waiting_in_files_have_a_budget_and_are_deleted(serve, monkeypatch):
    """Long answers wait for their clients in files (not memory); past the budget of such
    bytes new queries get 503, and a dropped client's file is gone."""
    import kg.query_pool

    monkeypatch.setattr(kg.query_pool, "MAX_SPOOLED_BYTES", 10 * 1024 * 1024)
    ep = serve(workers=1, socket_timeout=1.0)
    target = "/sparql?" + urllib.parse.urlencode({"query": _big_query(10)})  # 16 MB
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", ep.port))
    s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{ep.port}\r\nAccept: text/csv\r\n\r\n".encode())
    try:
        for _ in range(40):
            if ep.server.pool.spooled:
                break
            time.sleep(0.1)
        status, _h, body = ep.ask("SELECT (1 AS ?x) {}")
        assert status == 503 and b"wait for their clients" in body
        time.sleep(2.5)  # the client that does not read is dropped after the 1 s socket timeout
        assert ep.ask("SELECT (1 AS ?x) {}")[0] == 200
        assert ep.server.pool.spooled == 0 and os.listdir(ep.server.pool.folder) == []
    finally:
        s.close()
