"""The ``kg`` command line.

Exit codes:

* 0 success (files that could not be read are reported, with a warning);
* 1 ``--strict`` and some file failed, or ``kg validate`` found the data not valid;
* 2 bad usage: a bad option or argument, a bad or refused query, an input that is
  not what the option asks for (e.g. ``kg view --graph`` on a file that is not GraphML);
* 3 outputs could not be written (another build holds the folder, ``--out`` is a
  folder or in a folder that does not exist);
* 4 network or server failure: ``kg push`` could not reach the server, timed out,
  was refused or got an answer that is not HTTP; ``kg serve`` could not listen on
  the address (port in use, host name that does not resolve).

Every error is one line on stderr, never a traceback.

>>> main(["build", "--help"])  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
usage: kg build ...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .version import __version__
from .errors import KGError, NetworkError, OutputError, UnsupportedFormat

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_OUTPUT, EXIT_NETWORK = 0, 1, 2, 3, 4


def positive_int(text: str) -> int:
    """An option's value as a whole number of at least 1.

    >>> positive_int("5")
    5
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _count(text: str) -> int:
    """A whole number of at least 0."""
    return positive_int(text) if text.strip() not in ("0", "+0", "-0") else 0


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text[:40]!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535 (0: any free port), not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text[:40]!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 86400 seconds, not {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Turn folders of news documents into a knowledge graph.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="read documents and write the graph (Turtle, N-Triples, JSON-LD, HTML, …)",
                       usage="kg build [PATH ...] [--out DIR] [--format NAME] [--strict]")
    b.add_argument("paths", nargs="*", type=Path, help="files and folders to read (default: data/)")
    b.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    b.add_argument("--format", help="read every file as this format (feed, page, analysis) instead of detecting it")
    b.add_argument("--exports", default=None,
                   help="comma-separated outputs (default: turtle,ntriples,jsonld,html,graphml,gexf; "
                        "also nquads: sharded N-Quads in nquads/)")
    b.add_argument("--strict", action="store_true", help="exit 1 if any file failed to read")
    b.add_argument("--no-store", action="store_true", help="do not write the embedded SPARQL store")
    b.add_argument("--max-nodes", type=positive_int, default=None,
                   help="graph.html shows at most this many nodes, the most connected (default 5000)")
    b.add_argument("--workers", type=int, default=None, help="processes for reading (default: one per core)")
    b.add_argument("--ner", choices=["none", "rules", "spacy"], default=None,
                   help="find organisations, people and places in the text (default: the best installed)")
    b.add_argument("--spacy-model", default=None, help="a spaCy pipeline package or folder for --ner spacy")
    b.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="where files are read: here, or on Dask (local processes or DASK_SCHEDULER_ADDRESS)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    b.add_argument("--timings", action="store_true", help="print how long each step took (on stderr)")

    q = sub.add_parser("query", help="run a SPARQL query (inline, a .rq file, or a library query by name)",
                       usage="kg query [QUERY | FILE.rq | NAME] [--param K=V ...] [--format table|csv|tsv|json] [--data FILE ...]")
    q.add_argument("query", nargs="?", help="SPARQL text, a .rq file, or the name of a library query")
    q.add_argument("--list", action="store_true", help="list the library queries with their descriptions")
    q.add_argument("--param", action="append", default=[], metavar="K=V", help="bind a parameter (as an RDF term)")
    q.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json", "xml"], help="result format")
    q.add_argument("--store", type=Path, default=Path("output/store"), help="store folder (default output/store)")
    q.add_argument("--data", type=Path, action="append", default=[], help="query these RDF files instead of the store")
    q.add_argument("--allow-service", action="store_true",
                   help="run SERVICE clauses (federated queries send requests to the urls they name)")
    q.add_argument("--print-query", action="store_true",
                   help="print the query with its parameters written in (for another SPARQL engine) instead of running it")

    s = sub.add_parser("serve", help="serve the store as a read-only SPARQL 1.1 endpoint on 127.0.0.1")
    s.add_argument("--store", type=Path, default=Path("output/store"),
                   help="store folder (default output/store; a new build is picked up without a restart)")
    s.add_argument("--data", type=Path, action="append", default=[], help="serve these RDF files instead")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=_port, default=7878, help="port (default 7878; 0: any free port)")
    s.add_argument("--timeout", type=_seconds, default=30.0,
                   help="seconds a query may run before it is stopped (default 30)")
    s.add_argument("--workers", type=positive_int, default=2, help="queries run at once, each in its own process (default 2)")
    s.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from ORIGIN (e.g. http://localhost:3000) read answers; repeatable")
    s.add_argument("--allow-update", action="store_true", help="accept SPARQL updates (to a temporary copy of the store)")
    s.add_argument("--allow-service", action="store_true",
                   help="run SERVICE clauses (federated queries send requests to the urls they name)")

    p = sub.add_parser("push", help="load the graph into a SPARQL Graph Store Protocol server (replaces the graph)")
    p.add_argument("url", help="the server's graph store endpoint, e.g. http://localhost:7878/store")
    p.add_argument("--data", type=Path, default=Path("output/graph.nt"), help="N-Triples or Turtle to push")
    p.add_argument("--graph", default=None, help="named graph IRI (default https://w3id.org/newskg/graph)")
    p.add_argument("--default-graph", action="store_true", help="replace the default graph instead")
    p.add_argument("--user", help="user name, if the server asks (HTTP Digest or Basic)")
    p.add_argument("--password")
    p.add_argument("--timeout", type=_seconds, default=60.0,
                   help="seconds to wait for the server at each step (default 60)")

    w = sub.add_parser("view", help="write an interactive page for a slice of a built graph",
                       usage="kg view [--focus LABEL_OR_IRI --depth N] [--type T ...] [--since DATE] [--until DATE] [--max-nodes N]")
    w.add_argument("--graph", type=Path, default=Path("output/graph.graphml"), help="a graph written by kg build")
    w.add_argument("--out", type=Path, default=Path("output/view.html"))
    w.add_argument("--focus", help="a node's label or IRI: show its neighbourhood")
    w.add_argument("--depth", type=_count, default=1, help="steps around --focus (default 1)")
    w.add_argument("--type", action="append", default=[], help="keep only nodes of this type (repeatable)")
    w.add_argument("--since", type=_date, help="articles published on or after this date (YYYY-MM-DD)")
    w.add_argument("--until", type=_date, help="articles published on or before this date")
    w.add_argument("--max-nodes", type=positive_int, default=None, help="keep the most connected nodes (default 5000)")

    v = sub.add_parser("validate", help="check an output against the SHACL shapes in ontology/shapes.ttl")
    v.add_argument("data", nargs="?", type=Path, default=Path("output/graph.ttl"))
    return parser


def _date(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _print_summary(result, out_dir: Path) -> None:  # type: ignore[no-untyped-def]
    counts = result.counts()
    total = sum(counts.values())
    print(f"Read {total} files: {counts['ingested']} ingested, "
          f"{counts['skipped']} skipped, {counts['failed']} failed; {result.documents} documents.")
    if result.files_read < total:
        print(f"  re-read {result.files_read} of {total} files; the rest came from the cache (unchanged content).")
    pieces = result.pieces
    nodes, edges = pieces.node_counts, pieces.edge_counts
    print(f"Graph: {sum(nodes.values())} nodes, {sum(edges.values())} edges.")
    print("  nodes: " + ", ".join(f"{k} {v}" for k, v in sorted(nodes.items())))
    print("  edges: " + ", ".join(f"{k} {v}" for k, v in sorted(edges.items())))
    extraction = result.extraction
    if extraction.get("extractor", "none") != "none":
        print(f"Text: {extraction.get('mentions', 0)} mentions found by {extraction['extractor']} "
              f"in {extraction.get('texts', 0)} texts ({extraction.get('cached', 0)} reused from the cache or repeats).")
    merges = sum(s.merges for s in pieces.summaries.values())
    conflicts = sum(s.conflicts for s in pieces.summaries.values())
    print(f"Identity: {merges} merged nodes, {conflicts} conflicts (see merges.json).")
    for outcome in result.outcomes:
        if outcome.status != "ingested":
            where = outcome.name + (f":{outcome.line}" if outcome.line else "")
            print(f"  {outcome.status}: {where}: {outcome.reason}")
    print(f"Wrote {', '.join(p.name for p in result.written)} to {out_dir}/")


def cmd_build(args: argparse.Namespace) -> int:
    from .builder import Options, build
    from .progress import Progress, Quiet
    from .exporters import DEFAULT_EXPORTS, canonical_export

    exports = tuple(e.strip() for e in args.exports.split(",") if e.strip()) if args.exports else DEFAULT_EXPORTS
    exports = tuple(dict.fromkeys(canonical_export(e) for e in exports))
    if args.engine == "dask" and "nquads" not in exports:
        exports = (*exports, "nquads")  # sharded N-Quads for bulk loaders
    if args.format:
        from .readers import canonical_name

        canonical_name(args.format)
    paths = args.paths or [Path("data")]
    options = Options(out=args.out, format=args.format, exports=exports, store=not args.no_store,
                      strict=args.strict, progress=Quiet() if args.quiet else Progress(), workers=args.workers,
                      max_nodes=args.max_nodes, ner=args.ner, spacy_model=args.spacy_model, engine=args.engine)
    result = build(paths, options)
    failed = result.counts()["failed"]
    if not args.quiet:
        _print_summary(result, args.out)
    for notice in result.notices:
        print(f"kg: warning: {notice}", file=sys.stderr)
    if args.timings:
        for step, seconds in result.timings.items():
            print(f"{seconds:8.2f} s  {step}", file=sys.stderr)
    if failed:
        print(f"warning: {failed} file(s) failed; see {args.out}/report.json", file=sys.stderr)
        if args.strict:
            return EXIT_FAILED_FILES
    return EXIT_OK


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

    if not args.data.is_file():
        raise KGError(f"no graph to push at {args.data}; run 'kg build' first")
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

    if not path.is_file():
        raise KGError(f"no graph at {path}; run 'kg build' first (it writes graph.graphml)")
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


def _read_rdf(path: Path):  # type: ignore[no-untyped-def]
    """An RDF file as an rdflib graph, or one clear error naming it."""
    import xml.sax

    from rdflib import Graph
    from rdflib.exceptions import ParserError
    from rdflib.plugin import PluginException

    try:
        return Graph().parse(str(path))
    except (SyntaxError, ValueError, ParserError, PluginException, xml.sax.SAXException, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0][:120] if str(err).strip() else type(err).__name__
        raise KGError(f"{path}: not an RDF file kg can read ({first})") from err


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate

    if not args.data.is_file():
        raise KGError(f"no such file: {args.data}")
    conforms, text = validate(_read_rdf(args.data))
    print(f"{args.data}: {'valid' if conforms else 'NOT valid'} against kg's SHACL shapes (ontology/shapes.ttl)")
    if not conforms:
        print(text)
        return EXIT_FAILED_FILES
    return EXIT_OK


COMMANDS = {"build": cmd_build, "query": cmd_query, "serve": cmd_serve, "push": cmd_push, "view": cmd_view,
            "validate": cmd_validate}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except UnsupportedFormat as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return EXIT_OUTPUT
    except NetworkError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return EXIT_NETWORK
    except KGError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kg: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head or less that closed early
        sys.stderr.close()
        return EXIT_OK
