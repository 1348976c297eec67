"""A SPARQL 1.1 Protocol endpoint over the store, on 127.0.0.1 by default.

``GET /sparql?query=…`` and ``POST /sparql`` (``application/sparql-query`` or a
form with ``query=``) answer with the format the client accepts: SPARQL
results as JSON, XML, CSV or TSV; graphs as Turtle, N-Triples or JSON-LD.
Updates are refused (403) unless the server was started with
``allow_update``; the store is opened read-only then anyway. ``/`` shows a
small page saying where the endpoint is.

>>> negotiate("application/sparql-results+json, */*;q=0.1", SELECT_TYPES)
'application/sparql-results+json'
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import QueryError
from .query import run

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}
MAX_BODY = 1024 * 1024


def negotiate(accept: str, offered: dict[str, str]) -> str:
    """The first offered media type the ``Accept`` header allows (by q), else the first offered."""
    choices = []
    for n, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, n, bits[0].lower()))
    for _q, _n, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            for candidate in offered:
                if media == "*/*" or candidate.startswith(media[:-1]):
                    return candidate
    return next(iter(offered))


class Handler(BaseHTTPRequestHandler):
    """One SPARQL protocol request."""

    server_version = "kg-sparql/1"
    store: Any = None
    allow_update = False

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep stdout for results
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def do_OPTIONS(self) -> None:  # CORS preflight for YASGUI in a browser
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.end_headers()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path in ("/", "/index.html") and not parts.query:
            page = "<!DOCTYPE html><title>kg SPARQL endpoint</title><p>SPARQL 1.1 endpoint: <code>/sparql</code> (read-only).</p>"
            self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
            return
        if parts.path not in ("/sparql", "/query"):
            self._error(404, "not found; the endpoint is /sparql")
            return
        form = parse_qs(parts.query)
        if "update" in form:
            self._error(405, "updates must be POSTed")
            return
        if "query" not in form:
            self._error(400, "missing 'query' parameter")
            return
        self._answer(form["query"][0])

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if parts.path not in ("/sparql", "/query", "/update"):
            self._error(404, "not found; the endpoint is /sparql")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._error(413, "request too large")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update" or (ctype == "application/x-www-form-urlencoded" and "update" in parse_qs(body)):
            self._update(body if ctype == "application/sparql-update" else parse_qs(body)["update"][0])
            return
        if ctype == "application/sparql-query":
            self._answer(body)
        elif ctype == "application/x-www-form-urlencoded":
            form = parse_qs(body)
            if "query" not in form:
                self._error(400, "missing 'query' parameter")
                return
            self._answer(form["query"][0])
        else:
            self._error(415, "send application/sparql-query or a form with query=")

    def _update(self, text: str) -> None:
        if not self.allow_update:
            self._error(403, "this endpoint is read-only: updates are refused")
            return
        try:
            self.store.update(text)
        except (SyntaxError, OSError, ValueError) as err:
            self._error(400, f"update failed: {err}")
            return
        self._send(204, b"", "text/plain")

    def _answer(self, text: str) -> None:
        import pyoxigraph as ox

        try:
            result = run(self.store, text)
        except QueryError as err:
            self._error(400, str(err))
            return
        accept = self.headers.get("Accept") or "*/*"
        if isinstance(result, ox.QueryTriples):
            media = negotiate(accept, GRAPH_TYPES)
            body = bytes(ox.serialize(list(result), format=getattr(ox.RdfFormat, GRAPH_TYPES[media])) or b"")
            self._send(200, body, media + "; charset=utf-8")
            return
        media = negotiate(accept, SELECT_TYPES)
        fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[SELECT_TYPES[media]]
        media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml"}.get(
            SELECT_TYPES[media], media)
        self._send(200, bytes(result.serialize(format=fmt) or b""), media + "; charset=utf-8")


def make_server(store: Any, host: str = "127.0.0.1", port: int = 7878, allow_update: bool = False) -> ThreadingHTTPServer:
    """A server bound to *host*:*port* (port 0: any free port) answering from *store*."""
    handler = type("KGHandler", (Handler,), {"store": store, "allow_update": allow_update})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(store: Any, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start a server in a background thread (for notebooks and tests); call ``server.shutdown()``."""
    server = make_server(store, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


__all__ = ["make_server", "serve_in_thread", "negotiate", "json"]
