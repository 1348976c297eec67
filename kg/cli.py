"""The ``kg`` command line.

Exit codes: 0 success (files that could not be read are reported, with a
warning); 1 ``--strict`` and some file failed; 2 bad usage or bad query;
3 outputs could not be written (e.g. another build holds the folder).

>>> main(["build", "--help"])  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
usage: kg build ...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import KGError, OutputError, UnsupportedFormat

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


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
                   help="comma-separated outputs (default: turtle,ntriples,jsonld,html,graphml,gexf)")
    b.add_argument("--strict", action="store_true", help="exit 1 if any file failed to read")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser


def _print_summary(result, out_dir: Path, written: list[Path]) -> None:  # type: ignore[no-untyped-def]
    counts = result.counts()
    report = result.report()
    print(f"Read {sum(counts.values())} files: {counts['ingested']} ingested, "
          f"{counts['skipped']} skipped, {counts['failed']} failed; {result.documents} documents.")
    graph = report["graph"]
    print(f"Graph: {result.graph.number_of_nodes()} nodes, {result.graph.number_of_edges()} edges.")
    print("  nodes: " + ", ".join(f"{k} {v}" for k, v in graph["nodes"].items()))
    print("  edges: " + ", ".join(f"{k} {v}" for k, v in graph["edges"].items()))
    print(f"Identity: {report['merges']} merged nodes, {report['conflicts']} conflicts (see merges.json).")
    for outcome in result.outcomes:
        if outcome.status != "ingested":
            where = outcome.name + (f":{outcome.line}" if outcome.line else "")
            print(f"  {outcome.status}: {where}: {outcome.reason}")
    print(f"Wrote {', '.join(p.name for p in written)} to {out_dir}/")


def cmd_build(args: argparse.Namespace) -> int:
    from .exporters import DEFAULT_EXPORTS, get_exporter
    from .pipeline import Options, build, print_progress, write_outputs

    exports = tuple(e.strip() for e in args.exports.split(",")) if args.exports else DEFAULT_EXPORTS
    for name in exports:
        get_exporter(name)
    if args.format:
        from .readers import canonical_name

        canonical_name(args.format)
    paths = args.paths or [Path("data")]
    options = Options(out=args.out, format=args.format, exports=exports, strict=args.strict,
                      progress=None if args.quiet else print_progress)
    result = build(paths, options)
    written = write_outputs(result, args.out, exports)
    failed = result.counts()["failed"]
    if not args.quiet:
        _print_summary(result, args.out, written)
    if failed:
        print(f"warning: {failed} file(s) failed; see {args.out}/report.json", file=sys.stderr)
        if args.strict:
            return EXIT_FAILED_FILES
    return EXIT_OK


COMMANDS = {"build": cmd_build}


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
    except KGError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kg: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130
