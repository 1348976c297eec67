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
from typing import Any

from .version import __version__
from .errors import KGError, NetworkError, OutputError, UnsupportedFormat

from .commands import (EXIT_FAILED_FILES, EXIT_NETWORK, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, cmd_push, cmd_query,
                       cmd_serve, cmd_validate, cmd_view)


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
    for add in (_build_options, _query_options, _serve_options, _push_options, _view_options):
        add(sub)
    v = sub.add_parser("validate", help="check an output against the SHACL shapes in ontology/shapes.ttl")
    v.add_argument("data", nargs="?", type=Path, default=Path("output/graph.ttl"))
    return parser


def _build_options(sub: Any) -> None:
    b = sub.add_parser("build", help="read documents and write the graph (Turtle, N-Triples, JSON-LD, HTML, …)",
                       usage="kg build [PATH ...] [--out DIR] [--format NAME] [--strict]")
    b.add_argument("paths", nargs="*", type=Path, help="files and folders to read (default: data/)")
    b.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    b.add_argument("--format", help="read every file as this format (feed, page, analysis, rss, jsonfeed, newsapi, "
                                    "html, warc) instead of detecting it")
    b.add_argument("--exports", default=None,
                   help="comma-separated outputs (default: turtle,ntriples,jsonld,html,graphml,gexf; "
                        "also nquads: sharded N-Quads in nquads/)")
    b.add_argument("--strict", action="store_true", help="exit 1 if any file failed to read")
    b.add_argument("--no-store", action="store_true", help="do not write the embedded SPARQL store")
    b.add_argument("--max-nodes", type=int, default=None,
                   help="graph.html shows at most this many nodes, the most connected (default 5000)")
    b.add_argument("--workers", type=int, default=None, help="processes for reading (default: one per core)")
    b.add_argument("--ner", default=None, metavar="{none,rules,spacy}",
                   help="find organisations, people and places in the text (default: the best installed)")
    b.add_argument("--spacy-model", default=None, help="a spaCy pipeline package or folder for --ner spacy")
    b.add_argument("--engine", default="local", metavar="{local,dask}",
                   help="where files are read: here, or on Dask (local processes or DASK_SCHEDULER_ADDRESS)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    b.add_argument("--no-stories", action="store_true", help="do not group coverage of one event into stories")
    b.add_argument("--timings", action="store_true", help="print how long each step took (on stderr)")


def _query_options(sub: Any) -> None:
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


def _serve_options(sub: Any) -> None:
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


def _push_options(sub: Any) -> None:
    p = sub.add_parser("push", help="load the graph into a SPARQL Graph Store Protocol server (replaces the graph)")
    p.add_argument("url", help="the server's graph store endpoint, e.g. http://localhost:7878/store")
    p.add_argument("--data", type=Path, default=Path("output/graph.nt"), help="N-Triples or Turtle to push")
    p.add_argument("--graph", default=None, help="named graph IRI (default https://w3id.org/newskg/graph)")
    p.add_argument("--default-graph", action="store_true", help="replace the default graph instead")
    p.add_argument("--user", help="user name, if the server asks (HTTP Digest or Basic)")
    p.add_argument("--password")
    p.add_argument("--timeout", type=_seconds, default=60.0,
                   help="seconds the whole push may take (default 60)")


def _view_options(sub: Any) -> None:
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

    paths = args.paths or [Path("data")]
    # the options are checked by build() itself, with the messages kg.build() gives too
    options = Options(out=args.out, format=args.format, exports=args.exports, store=not args.no_store,
                      strict=args.strict, progress=Quiet() if args.quiet else Progress(), workers=args.workers,
                      max_nodes=args.max_nodes, ner=args.ner, spacy_model=args.spacy_model, engine=args.engine,
                      stories=not args.no_stories)
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
