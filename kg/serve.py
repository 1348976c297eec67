"""A SPARQL 1.1 Protocol endpoint over the store, on 127.0.0.1 by default.

``GET /sparql?query=…`` and ``POST /sparql`` (``application/sparql-query`` or a
form with ``query=``) answer with the format the client accepts: SPARQL
results as JSON, XML, CSV or TSV; graphs as Turtle, N-Triples or JSON-LD.
Updates are refused (403) unless the server was started with
``allow_update`` (they then change a temporary copy of the store).

Safe to leave running on a real machine:

* **Time**: every query runs in a worker process and is stopped when it runs
  longer than ``timeout`` (default 30 s); see :mod:`kg.query_pool`.
* **Size**: queries are checked before parsing (:mod:`kg.sparql_guard`);
  request bodies are at most :data:`MAX_BODY` bytes; answers at most
  :data:`kg.query_pool.MAX_RESULT_BYTES`, and a long one is streamed from a
  file, never held in memory.
* **Connections**: at most :data:`MAX_CONNECTIONS` are served at once; one
  more gets an immediate 503. Each socket read or write waits at most
  :data:`SOCKET_TIMEOUT` seconds, so a client that connects and says
  nothing is dropped; a request's line, headers and body must all arrive
  within :data:`REQUEST_TIMEOUT` seconds, so a client that drips them is
  dropped too; an answer must be taken at :data:`MIN_SEND_RATE` bytes a
  second at least.
* **Other web pages**: the ``Host`` header must name this server (127.0.0.1,
  localhost or [::1] with its port when bound to loopback; the bound name or
  address otherwise), which defeats DNS rebinding. A request that carries an
  ``Origin`` header (a browser sends one from a web page) is refused unless
  it comes from this server's own address or from an origin named with
  ``--cors``; ``Origin: null`` (a sandboxed frame, a local file) is always
  refused. Only the named origins get CORS headers.
* **Requests to elsewhere**: ``SERVICE`` clauses are refused unless
  ``allow_service``.

>>> allowed_hosts("127.0.0.1", 7878) >= {"127.0.0.1:7878", "localhost:7878", "[::1]:7878"}
True
"""

from __future__ import annotations

import io
import ipaddress
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .query_pool import Answer, Job, QueryPool, StoreSpec

#: Largest request body accepted (a query or an update), in bytes.
MAX_BODY = 1024 * 1024
#: Requests served at once; one more is answered 503 at once.
MAX_CONNECTIONS = 64
#: Seconds a socket read or write may wait (a silent client is dropped after this).
SOCKET_TIMEOUT = 10.0
#: Seconds a request's line, headers and body may take to arrive in all.
REQUEST_TIMEOUT = 10.0
#: Bytes a second a client must read an answer at, at least (after the first SOCKET_TIMEOUT).
MIN_SEND_RATE = 1024 * 1024
#: Bytes sent to the socket at a time from an answer's file.
CHUNK = 256 * 1024
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


@dataclass
class ServeOptions:
    """How ``kg serve`` runs (the defaults are the safe ones)."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    workers: int = 2
    cors: tuple[str, ...] = ()
    allow_update: bool = False
    allow_service: bool = False
    max_connections: int = MAX_CONNECTIONS
    socket_timeout: float = SOCKET_TIMEOUT
    request_timeout: float = REQUEST_TIMEOUT
    extra_hosts: tuple[str, ...] = field(default_factory=tuple)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost and the like."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> set[str]:
    """``Host`` header values that name a server bound to *host*:*port*."""
    names = {h.lower() for h in (host, f"[{host}]" if ":" in host else host)}
    if is_loopback(host):
        names |= set(LOOPBACK_NAMES)
    out = {f"{name}:{port}" for name in names}
    if port == 80:
        out |= names
    return out


def _ip_literal(hostport: str) -> bool:
    host = hostport.rsplit(":", 1)[0] if not hostport.endswith("]") else hostport
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


class _DeadlineReader(io.RawIOBase):
    """The socket as a raw stream whose reads all end by one *deadline* (``time.monotonic``),
    each waiting at most *per_read* seconds: a client dripping a byte at a time cannot
    hold a connection longer than the deadline. Reading past it raises :class:`TimeoutError`."""

    def __init__(self, sock: socket.socket, per_read: float) -> None:
        self.sock, self.per_read = sock, per_read
        self.deadline = time.monotonic() + per_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long to arrive")
        self.sock.settimeout(min(self.per_read, left))
        return self.sock.recv_into(buffer)


class Handler(BaseHTTPRequestHandler):
    """One SPARQL protocol request (the server holds the options and the pool)."""

    server_version = "kg-sparql/2"
    server: KGServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the console for errors
        pass

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the plain buffered socket file: replaced by one with a deadline
        self._reader = _DeadlineReader(self.connection, self.server.options.socket_timeout)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        # the deadline for this request's line, headers and body starts when we wait for it
        self._reader.deadline = time.monotonic() + self.server.options.request_timeout
        super().handle_one_request()

    # -- sending ---------------------------------------------------------------------------
    def _send(self, answer: Answer, extra: dict[str, str] | None = None) -> None:
        """Send *answer*, which must be taken within the socket timeout plus its length at
        :data:`MIN_SEND_RATE`; a long answer goes from its file a chunk at a time."""
        options = self.server.options
        deadline = time.monotonic() + options.socket_timeout + answer.size / MIN_SEND_RATE
        try:
            self.connection.settimeout(options.socket_timeout)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.media)
            self.send_header("Content-Length", str(answer.size))
            for key, value in {**self._cors_headers(), **(extra or {})}.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            file = answer.file
            chunks = iter(lambda: file.read(CHUNK), b"") if file is not None else iter([answer.body])
            for chunk in chunks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the client reads the answer too slowly")
                self.connection.settimeout(min(options.socket_timeout, left))
                self.wfile.write(chunk)
        except OSError:  # the client went away or stopped reading
            self.close_connection = True
        finally:
            self.server.pool.release(answer)

    def _error(self, status: int, message: str) -> None:
        self._send(Answer.error(status, message))

    def _named_origin(self) -> str | None:
        """The request's ``Origin`` when it was named with ``--cors`` (``null`` never is)."""
        origin = self.headers.get("Origin") if self.headers else None
        cors = self.server.options.cors
        if origin and origin.strip().lower() != "null" and (origin in cors or "*" in cors):
            return origin
        return None

    def _cors_headers(self) -> dict[str, str]:
        origin = self._named_origin()
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}

    # -- checks every request passes -------------------------------------------------------
    def _admitted(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        if not self.server.host_ok(host):
            self._error(403, f"Host {host[:80]!r} is not this server's address; use http://{self.server.address_text()}/")
            return False
        origin = self.headers.get("Origin")
        if origin is not None and not self._same_origin(origin, host) and not self._named_origin():
            self._error(403, f"requests from web pages at {origin[:80]!r} are not allowed "
                             "(start kg serve with --cors ORIGIN; 'null' is never allowed)")
            return False
        return True

    def _same_origin(self, origin: str, host: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme == "http" and (parts.netloc.lower() == host or f"{parts.netloc.lower()}:80" == host)

    # -- methods ---------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # CORS preflight
        if not self._admitted():
            return
        self._send(Answer(204, b""), {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                      "Access-Control-Allow-Headers": "Content-Type, Accept"}
                   if self._cors_headers() else {})

    def do_GET(self) -> None:
        if not self._admitted():
            return
        parts = urlsplit(self.path)
        if parts.path in ("/", "/index.html") and not parts.query:
            page = ("<!DOCTYPE html><title>kg SPARQL endpoint</title>"
                    "<p>SPARQL 1.1 endpoint: <code>/sparql</code> (read-only).</p>")
            self._send(Answer(200, page.encode("utf-8"), "text/html; charset=utf-8"))
            return
        if parts.path not in ("/sparql", "/query"):
            self._error(404, "not found; the endpoint is /sparql")
            return
        form = parse_qs(parts.query)
        if "update" in form:
            self._error(405, "updates must be POSTed")
        elif "query" not in form:
            self._error(400, "missing 'query' parameter")
        else:
            self._run(form["query"][0], update=False)

    def do_POST(self) -> None:
        if not self._admitted():
            return
        if urlsplit(self.path).path not in ("/sparql", "/query", "/update"):
            self._error(404, "not found; the endpoint is /sparql")
            return
        body = self._body()
        if body is None:
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form = parse_qs(body) if ctype == "application/x-www-form-urlencoded" else {}
        if ctype == "application/sparql-update" or "update" in form:
            self._run(body if ctype == "application/sparql-update" else form["update"][0], update=True)
        elif ctype == "application/sparql-query":
            self._run(body, update=False)
        elif ctype == "application/x-www-form-urlencoded":
            if "query" not in form:
                self._error(400, "missing 'query' parameter")
            else:
                self._run(form["query"][0], update=False)
        else:
            self._error(415, "send application/sparql-query or a form with query=")

    def _body(self) -> str | None:
        raw = self.headers.get("Content-Length")
        try:
            length = int(raw) if raw is not None else 0
            if length < 0:
                raise ValueError
        except ValueError:
            self._error(400, f"bad Content-Length header: {str(raw)[:40]!r}")
            self.close_connection = True
            return None
        if length > MAX_BODY:
            self._error(413, f"request body of {length:,} bytes; at most {MAX_BODY:,}")
            self.close_connection = True
            return None
        try:
            data = self.rfile.read(length)
        except OSError:  # includes the socket timeout
            self.close_connection = True
            return None
        return data.decode("utf-8", errors="replace")

    def _run(self, text: str, update: bool) -> None:
        options = self.server.options
        if update and not options.allow_update:
            self._error(403, "this endpoint is read-only: updates are refused")
            return
        # the checks on the text (size, depth, SERVICE) run in the worker too: under its time limit
        job = Job(text, self.headers.get("Accept") or "*/*", update, options.allow_service)
        self._send(self.server.pool.run(job))


class KGServer(ThreadingHTTPServer):
    """A threading HTTP server with a bound on the requests it serves at once."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, options: ServeOptions, spec: StoreSpec) -> None:
        self.options = options
        self._slots = threading.BoundedSemaphore(options.max_connections)
        if ":" in options.host.strip("[]"):
            self.address_family = socket.AF_INET6
        # the handler's timeout applies to every socket read and write of a request
        handler = type("KGHandler", (Handler,), {"timeout": options.socket_timeout})
        super().__init__((options.host.strip("[]"), options.port), handler)  # binds: OSError if it cannot
        self.port = int(self.server_address[1])
        self._wildcard = options.host in ("0.0.0.0", "::", "")
        self._hosts = allowed_hosts(options.host, self.port) | {h.lower() for h in options.extra_hosts}
        if self._wildcard:
            self._hosts |= allowed_hosts("localhost", self.port) | allowed_hosts(socket.gethostname().lower(), self.port)
        workers = 1 if options.allow_update else options.workers  # one writer holds the copy
        self.pool = QueryPool(spec, workers, options.timeout)

    def host_ok(self, host: str) -> bool:
        """True when a ``Host`` header names this server (any IP literal if bound to all addresses)."""
        if host in self._hosts:
            return True
        return self._wildcard and _ip_literal(host) and host.rsplit(":", 1)[-1] == str(self.port)

    def address_text(self) -> str:
        host = self.options.host if self.options.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        """Answer 503 without reading the request (the server is at its limit)."""
        body = b"too many requests at once; try again shortly\n"
        try:
            request.settimeout(0.5)
            request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            b"Retry-After: 2\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode()
                            + b"\r\n\r\n" + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        pool = getattr(self, "pool", None)  # None when binding failed
        if pool is not None:
            pool.close()


def make_server(spec: StoreSpec, options: ServeOptions | None = None) -> KGServer:
    """A server bound to ``options.host``:``options.port`` (port 0: any free port) answering from *spec*.

    Raises :class:`OSError` when the address cannot be used (in use, not resolvable).
    """
    return KGServer(options or ServeOptions(), spec)


def serve_in_thread(spec: StoreSpec, options: ServeOptions | None = None) -> tuple[KGServer, threading.Thread]:
    """Start a server in a background thread (for notebooks and tests); stop it with
    ``server.shutdown(); server.server_close()``."""
    server = make_server(spec, options or ServeOptions(port=0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def warn_if_exposed(host: str) -> None:
    """Say so on stderr when the server listens beyond this machine."""
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach this machine on the network can query "
              "the graph (use --host 127.0.0.1 to keep it local)", file=sys.stderr)
