"""Load the graph into any SPARQL 1.1 Graph Store Protocol server.

``PUT`` replaces the named graph (or the default graph) with kg's N-Triples,
so pushing again replaces the previous version instead of adding to it.
Works with Oxigraph server (``/store``), Apache Jena Fuseki
(``/DATASET/data``), GraphDB (``/repositories/REPO/rdf-graphs/service``)
and Virtuoso (``/sparql-graph-crud-auth``).

With a user name, kg answers the server's challenge: HTTP Digest (RFC 7616,
what Virtuoso asks for; a user name beyond ASCII goes as ``username*`` in
UTF-8) or Basic. It first asks with a ``HEAD`` request, which carries no data,
so a large graph is sent once. The whole push (every request, connecting,
sending and the answers) must be done within *timeout* seconds: a server that
drips its answer a byte at a time is cut off at that deadline. At most
:data:`MAX_ANSWER` bytes of an answer are read. The url is checked before
anything is sent (:func:`check_url`: a :class:`~kg.errors.UsageError`);
anything that goes wrong on the way is a :class:`~kg.errors.NetworkError`.

>>> graph_store_url("http://127.0.0.1:7878/store", "https://w3id.org/newskg/graph")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fnewskg%2Fgraph'
>>> graph_store_url("http://127.0.0.1:7878/store", None)
'http://127.0.0.1:7878/store?default'
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

from .errors import NetworkError, UsageError

DEFAULT_GRAPH = "https://w3id.org/newskg/graph"
#: Seconds the whole push may take (connecting, sending, every answer).
DEFAULT_TIMEOUT = 60.0
#: Bytes of a server's answer read at most (an answer to a PUT is a status line and a short note).
MAX_ANSWER = 64 * 1024


@dataclass
class Answer:
    """What a server said: status, reason, headers, and the start of the body."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol url of *graph* (``None``: the default graph)."""
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}default" if graph is None else f"{endpoint}{sep}graph={quote(graph, safe='')}"


#: Characters no url may hold as they are (http.client refuses them; a space is usually a typing slip).
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def check_url(endpoint: str) -> str:
    """*endpoint* as the ASCII url to send to, or a :class:`~kg.errors.UsageError` naming it.

    Letters beyond ASCII in the path and query are percent-encoded (UTF-8) and in the
    host IDNA-encoded, as a browser does; spaces and control characters are refused.

    >>> check_url("http://127.0.0.1:7878/caf\u00e9")
    'http://127.0.0.1:7878/caf%C3%A9'
    >>> check_url("http://127.0.0.1:99999/store")
    Traceback (most recent call last):
    kg.errors.UsageError: url 'http://127.0.0.1:99999/store': the port must be a number from 1 to 65535
    """
    def bad(why: str) -> UsageError:
        return UsageError(f"url {endpoint!r}: {why}")

    if _UNSAFE.search(endpoint):
        raise bad("contains a space or a control character (write a space as %20)")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError as err:
        if "port" in str(err).lower():
            raise bad("the port must be a number from 1 to 65535") from err
        raise bad(f"not a url ({err})") from err
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise bad("not an http:// or https:// url with a host, e.g. http://localhost:7878/store")
    if port == 0:
        raise bad("the port must be a number from 1 to 65535")
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as err:
            raise bad(f"the host name cannot be encoded ({err})") from err
        netloc = host + (f":{port}" if port else "")
    if parts.username is not None or parts.password is not None:
        raise bad("give the user name and password with --user and --password, not in the url")
    keep = "/?&=;:@!$'()*+,%~[]"
    return parts._replace(netloc=netloc, path=quote(parts.path, safe=keep),
                          query=quote(parts.query, safe=keep), fragment="").geturl()


def push(endpoint: str, ntriples: bytes, graph: str | None = DEFAULT_GRAPH, user: str | None = None,
         password: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Replace *graph* on the server with *ntriples*; return the HTTP status.

    Everything is done within *timeout* seconds, or :class:`~kg.errors.NetworkError`.
    """
    url = graph_store_url(check_url(endpoint), graph)
    deadline = _Deadline(timeout)
    headers = {"Content-Type": "application/n-triples"}
    challenge = None
    if user is not None:
        probe = request("HEAD", url, None, {}, deadline)
        challenge = probe.headers.get("WWW-Authenticate") if probe.status == 401 else None
        headers["Authorization"] = authorization(challenge, user, password or "", "PUT", url)
    answer = request("PUT", url, ntriples, headers, deadline)
    fresh = answer.headers.get("WWW-Authenticate")
    if answer.status == 401 and user is not None and fresh and fresh != challenge:
        headers["Authorization"] = authorization(fresh, user, password or "", "PUT", url)  # stale nonce
        answer = request("PUT", url, ntriples, headers, deadline)
    if answer.status >= 300:
        detail = answer.body.decode("utf-8", errors="replace").strip().replace("\n", " ")[:300]
        hint = ""
        if answer.status == 401:
            hint = " (give --user and --password)" if user is None else " (check --user and --password)"
        raise NetworkError(f"{endpoint} refused the graph: HTTP {answer.status} {answer.reason}{hint}"
                           + (f": {detail}" if detail else ""))
    return answer.status


class _Deadline:
    """The moment a push must be done by: *seconds* from now."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def error(self, where: str) -> NetworkError:
        return NetworkError(f"{where} did not answer within {self.seconds:g} s (--timeout)")


def _cut(conn: http.client.HTTPConnection) -> None:
    """Shut the connection's socket: a read or write waiting on it returns at once."""
    if conn.sock is not None:
        try:
            conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def request(method: str, url: str, body: bytes | None, headers: dict[str, str],
            deadline: _Deadline | float) -> Answer:
    """One HTTP request to the checked url *url*, done by *deadline* (or within that many
    seconds); the answer's body is read up to :data:`MAX_ANSWER` bytes."""
    if not isinstance(deadline, _Deadline):
        deadline = _Deadline(deadline)
    parts = urlsplit(url)
    host = parts.hostname or ""
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    where = f"{host}:{parts.port}" if parts.port else host
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if deadline.left() <= 0:
        raise deadline.error(where)
    conn = cls(host, parts.port, timeout=deadline.left())
    # each socket operation waits at most the time left; the timer cuts the socket at the
    # deadline, so a server sending a byte now and then cannot stretch the exchange
    timer = threading.Timer(max(deadline.left(), 0), _cut, (conn,))
    timer.daemon = True
    try:
        conn.connect()
        timer.start()
        conn.request(method, target, body=body, headers=headers)
        response = conn.getresponse()
        data = b"" if method == "HEAD" else _read(response, where)
        if deadline.left() <= 0:
            raise deadline.error(where)
        return Answer(response.status, response.reason, response.headers, data)
    except (OSError, http.client.HTTPException, NetworkError) as err:
        if deadline.left() <= 0 or isinstance(err, TimeoutError):
            raise deadline.error(where) from err
        if isinstance(err, NetworkError):
            raise
        if isinstance(err, ConnectionRefusedError):
            raise NetworkError(f"{where} refused the connection: is the server running?") from err
        if isinstance(err, http.client.HTTPException):
            raise NetworkError(f"{where} sent an answer that is not valid HTTP ({type(err).__name__}: "
                               f"{str(err)[:60]!r})") from err
        raise NetworkError(f"cannot talk to {where}: {err.strerror or err}") from err
    finally:
        timer.cancel()
        conn.close()


def _read(response: http.client.HTTPResponse, where: str) -> bytes:
    """The body, at most :data:`MAX_ANSWER` bytes; an answer cut short is an error."""
    data = b""
    while len(data) < MAX_ANSWER:
        chunk = response.read(min(16384, MAX_ANSWER - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) < MAX_ANSWER and response.length:  # Content-Length promised more than came
        raise NetworkError(f"{where} closed the connection {response.length} bytes before the end of its answer")
    return data


def authorization(challenge: str | None, user: str, password: str, method: str, url: str) -> str:
    """The ``Authorization`` header answering *challenge* (Digest or Basic; ``None``: Basic).

    >>> authorization(None, "dba", "dba", "PUT", "http://h/x")
    'Basic ZGJhOmRiYQ=='
    """
    if challenge and challenge.strip().lower().startswith("digest"):
        return digest(challenge, user, password, method, url)
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


#: A user name that fits a quoted string as it is (RFC 7616 3.4.4); any other goes as ``username*``.
_PLAIN_NAME = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*")

_HASHES = {"MD5": "md5", "MD5-SESS": "md5", "SHA-256": "sha256", "SHA-256-SESS": "sha256",
           "SHA-512-256": "sha512_256", "SHA-512-256-SESS": "sha512_256"}


def digest(challenge: str, user: str, password: str, method: str, url: str, cnonce: str | None = None) -> str:
    """An HTTP Digest ``Authorization`` header (RFC 7616) answering *challenge*.

    The example of RFC 2617, section 3.5:

    >>> header = digest('Digest realm="testrealm@host.com", qop="auth,auth-int", '
    ...                 'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ...                 "Mufasa", "Circle Of Life", "GET", "http://www.nowhere.org/dir/index.html", cnonce="0a4f113b")
    >>> 'response="6629fae49393a05397450978507c4ef1"' in header
    True
    """
    fields = parse_keqv_list(parse_http_list(challenge.strip()[len("digest"):].strip()))
    fields = {k.lower(): v for k, v in fields.items()}
    algorithm = fields.get("algorithm", "MD5").upper()
    if algorithm not in _HASHES or "nonce" not in fields:
        raise NetworkError(f"the server asks for Digest authentication kg cannot answer (algorithm {algorithm})")

    def h(text: str) -> str:
        return hashlib.new(_HASHES[algorithm], text.encode("utf-8"), usedforsecurity=False).hexdigest()

    parts = urlsplit(url)
    uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    realm, nonce = fields.get("realm", ""), fields["nonce"]
    cnonce = cnonce or os.urandom(8).hex()
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in fields.get("qop", "").split(",") if q.strip()]
    out = {"username": user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    if not _PLAIN_NAME.fullmatch(user):  # beyond ASCII, or a quote, backslash or control character
        del out["username"]
        out = {"username*": "UTF-8''" + quote(user, safe=""), **out}
    if "auth" in qops:
        out.update(qop="auth", nc="00000001", cnonce=cnonce)
        out["response"] = h(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
    elif qops:
        raise NetworkError(f"the server asks for Digest qop {','.join(qops)}, which kg cannot answer")
    else:
        out["response"] = h(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in fields:
        out["opaque"] = fields["opaque"]
    unquoted = {"algorithm", "qop", "nc", "username*"}
    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in out.items())
