"""The kg commands that work on a built graph: ``query``, ``serve``, ``push``, ``view`` and
``validate`` (``build`` and the parser are in :mod:`kg.cli`). Each takes the parsed
arguments and returns an exit code; errors a user can cause are raised as
:class:`~kg.errors.KGError` and become one line in :func:`kg.cli.main`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import KGError, NetworkError, OutputError

#: Exit codes (documented in :mod:`kg.cli` and the README).
EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_OUTPUT, EXIT_NETWORK = 0, 1, 2, 3, 4


def _params(pairs: list[str]) -> dict[str, str]:
    from .errors import QueryError

    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"--param needs NAME=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .store import load_files, open_store

    if args.data:
        return load_files(args.data)
    return open_store(args.store)


def cmd_query(args: argparse.Namespace) -> int:
    from .query import format_results, library, resolve_query, run, standalone
    from .sparql_guard import check_query

    if args.list:
        for q in library():
            params = " ".join(f"[{p.name}=…]" if p.optional else f"{p.name}=…" for p in q.params)
            print(f"{q.name}{' ' + params if params else ''}\n    {q.description}")
        return EXIT_OK
    if not args.query:
        print("kg query: give a query, a .rq file or a library name (--list shows the library)", file=sys.stderr)
        return EXIT_USAGE
    text, declared, _origin = resolve_query(args.query)
    bindings = _params(args.param)
    if args.print_query:
        sys.stdout.write(standalone(text, bindings, declared).rstrip("\n") + "\n")
        return EXIT_OK
    check_query(text, allow_service=args.allow_service)  # before loading anything
    store = _open(args)
    # pyoxigraph does not look at Python's signal flag while it computes, so Ctrl-C would
    # wait for the query to end; the default action stops the process at once instead
    # (a query writes nothing that could be left half done).
    import signal

    previous = signal.signal(signal.SIGINT, signal.SIG_DFL) if threading_is_main() else None
    try:
        result = run(store, text, bindings, declared, allow_service=args.allow_service)
        sys.stdout.write(format_results(result, args.format))
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return EXIT_OK


def threading_is_main() -> bool:
    """True in the main thread (the only one that may set signal handlers)."""
    import threading

    return threading.current_thread() is threading.main_thread()


def _serving_spec(args: argparse.Namespace, scratch: Path):  # type: ignore[no-untyped-def]
    """The store kg serve answers from: the built store (followed across rebuilds), or a
    store made in *scratch* from --data files or as a writable copy for --allow-update."""
    from .query_pool import StoreSpec
    from .store import load_files, open_store

    if args.data:
        store = load_files(args.data, scratch / "store")
        store.flush()
        del store
        return StoreSpec(str(scratch / "store"), writable=args.allow_update)
    if args.allow_update:
        open_store(args.store).backup(str(scratch / "store"))
        return StoreSpec(str(scratch / "store"), writable=True)
    open_store(args.store)  # a clear message now if there is none
    return StoreSpec(str(args.store), follow=True)


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace) -> int:
    import errno
    import signal
    import socket
    import tempfile

    from .serve import ServeOptions, make_server, warn_if_exposed

    options = ServeOptions(host=args.host, port=args.port, timeout=args.timeout, workers=args.workers,
                           cors=tuple(args.cors), allow_update=args.allow_update, allow_service=args.allow_service)
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as scratch:
        spec = _serving_spec(args, Path(scratch))
        try:
            server = make_server(spec, options)
        except socket.gaierror as err:
            raise NetworkError(f"--host {args.host!r}: cannot resolve this name ({err.strerror})") from err
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise NetworkError(f"--port {args.port}: the port is already in use on {args.host} "
                                   "(another kg serve? pick another --port)") from err
            raise NetworkError(f"cannot listen on {args.host}:{args.port} (--host/--port): {err.strerror or err}") from err
        warn_if_exposed(args.host)
        signal.signal(signal.SIGTERM, _stop_on_signal)  # clean up (workers, temporary copy) on kill too
        mode = "updates allowed, to a temporary copy" if args.allow_update else "read-only"
        print(f"SPARQL endpoint: http://{server.address_text()}/sparql ({mode}; queries stop after "
              f"{args.timeout:g} s); Ctrl-C stops", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    from .push import DEFAULT_GRAPH, push
    from .store import not_a_file

    why = not_a_file(args.data)
    if why == "no such file":
        raise KGError(f"no graph to push at {args.data}; run 'kg build' first")
    if why:
        raise KGError(f"--data {args.data}: {why}")
    data = args.data.read_bytes()
    if args.data.suffix != ".nt":
        import pyoxigraph as ox

        from .store import load_files

        data = ox.serialize(load_files([args.data]).quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
    graph = None if args.default_graph else (args.graph or DEFAULT_GRAPH)
    status = push(args.url, data, graph, args.user, args.password, timeout=args.timeout)
    lines = data.count(b"\n")
    print(f"pushed {lines} triples to {args.url} ({'default graph' if graph is None else graph}): HTTP {status}")
    return EXIT_OK


def _read_view_graph(path: Path):  # type: ignore[no-untyped-def]
    """The GraphML file kg build wrote, or one clear error naming --graph."""
    import xml.etree.ElementTree as ET

    import networkx as nx

    from .store import not_a_file

    why = not_a_file(path)
    if why == "no such file":
        raise KGError(f"no graph at {path}; run 'kg build' first (it writes graph.graphml)")
    if why:
        raise KGError(f"--graph {path}: {why}")
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except (ET.ParseError, nx.NetworkXError, ValueError, KeyError, TypeError) as err:
        raise KGError(f"--graph {path}: not a GraphML file ({type(err).__name__}: {str(err)[:100]})") from err
    bad = next((n for n, d in graph.nodes(data=True) if "type" not in d or "label" not in d), None)
    if bad is None:
        bad = next((f"{u}->{v}" for u, v, d in graph.edges(data=True) if "relation" not in d), None)
    if bad is not None:
        raise KGError(f"--graph {path}: not a graph written by kg build ({str(bad)[:60]} lacks kg's attributes)")
    return graph


def _check_out(path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"--out {path}: is a folder; name the page to write, e.g. {path / 'view.html'}")
    if not path.parent.is_dir():
        raise OutputError(f"--out {path}: the folder {path.parent} does not exist")


def cmd_view(args: argparse.Namespace) -> int:
    from . import views
    from .exporters.html import render_page
    from .io import atomic_write

    _check_out(args.out)
    graph = _read_view_graph(args.graph)
    parts = []
    if args.focus:
        center = views.find_node(graph, args.focus)
        graph = views.focus(graph, center, args.depth)
        parts.append(f"around {graph.nodes[center]['label']!r}, {args.depth} step(s)")
    if args.type:
        graph = views.of_types(graph, set(args.type))
        parts.append("types " + ", ".join(args.type))
    if args.since or args.until:
        graph = views.in_period(graph, args.since, args.until)
        parts.append(f"published {args.since or '…'} to {args.until or '…'}")
    graph, note = views.most_connected(graph, args.max_nodes or views.DEFAULT_MAX_NODES)
    title = "kg view" + (": " + "; ".join(parts) if parts else "")
    try:
        atomic_write(args.out, render_page(graph, title=title, notice=note))
    except OSError as err:
        raise OutputError(f"--out {args.out}: cannot write: {err.strerror or err}") from err
    print(f"wrote {args.out}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges. {note}".rstrip())
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import read_graph, validate

    conforms, text = validate(read_graph(args.data))
    print(f"{args.data}: {'valid' if conforms else 'NOT valid'} against kg's SHACL shapes (ontology/shapes.ttl)")
    if not conforms:
        print(text)
        return EXIT_FAILED_FILES
    return EXIT_OK
