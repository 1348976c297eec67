"""Load the graph into any SPARQL 1.1 Graph Store Protocol server.

``PUT`` replaces the named graph (or the default graph) with kg's N-Triples,
so pushing again replaces the previous version instead of adding to it.
Works with Oxigraph server (``/store``), Apache Jena Fuseki
(``/DATASET/data``), GraphDB (``/repositories/REPO/rdf-graphs/service``)
and Virtuoso (``/sparql-graph-crud``).

>>> graph_store_url("http://127.0.0.1:7878/store", "https://w3id.org/newskg/graph")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fnewskg%2Fgraph'
>>> graph_store_url("http://127.0.0.1:7878/store", None)
'http://127.0.0.1:7878/store?default'
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from urllib.parse import quote

from .errors import KGError

DEFAULT_GRAPH = "https://w3id.org/newskg/graph"


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol url of *graph* (``None``: the default graph)."""
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}default" if graph is None else f"{endpoint}{sep}graph={quote(graph, safe='')}"


def push(endpoint: str, ntriples: bytes, graph: str | None = DEFAULT_GRAPH, user: str | None = None,
         password: str | None = None, timeout: float = 300.0) -> int:
    """Replace *graph* on the server with *ntriples*; return the HTTP status."""
    request = urllib.request.Request(graph_store_url(endpoint, graph), data=ntriples, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own server
            return int(response.status)
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", errors="replace")[:300]
        raise KGError(f"{endpoint} refused the graph: HTTP {err.code} {err.reason}: {detail}") from err
    except (urllib.error.URLError, OSError) as err:
        raise KGError(f"cannot reach {endpoint}: {getattr(err, 'reason', err)}") from err
