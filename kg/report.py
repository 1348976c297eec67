"""``report.json`` (one entry per input file) and ``merges.json`` (the identity audit trail),
streamed: a million entries never sit in memory as one text.

Both files read as if ``json.dumps(..., indent=1)`` had written them whole; the
pieces come from :func:`kg.io.nested_json` (and, for the common case of a file
ingested without notes, :func:`entry_json`, which writes the same text faster).

>>> from kg.model import FileOutcome
>>> print(outcome_json(FileOutcome("a.md", "skipped", reason="empty file"), 0))
{
 "file": "a.md",
 "status": "skipped",
 "reason": "empty file"
}
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .entries import Entry
from .io import nested_json
from .model import FileOutcome
from .pieces import GraphPieces
from .version import __version__


def outcome_json(outcome: FileOutcome, level: int) -> str:
    return nested_json(outcome.as_dict(), level)


def entry_json(name: str, entry: Entry, level: int) -> str:
    """A file's report entry, *level* levels deep, as :func:`kg.io.nested_json` writes it."""
    if entry.other is not None:
        pad = " " * level
        return "\n".join(pad + line for line in entry.other.split("\n")) if level else entry.other
    i = " " * level
    articles = "".join(f"\n{i}  {json.dumps(a, ensure_ascii=False)}," for a in entry.articles)[:-1]
    return (f'{i}{{\n{i} "file": {json.dumps(name, ensure_ascii=False)},\n{i} "status": "ingested",\n{i} "format": '
            f'{json.dumps(entry.format, ensure_ascii=False)}'
            + (f',\n{i} "articles": [{articles}\n{i} ]' if articles else "") + f"\n{i}}}")


def counts(problems: list[FileOutcome], entries: Iterable[tuple[str, Entry]]) -> dict[str, int]:
    """Files by status."""
    out = {"ingested": 0, "skipped": 0, "failed": 0}
    for o in problems:
        out[o.status] += 1
    for _n, e in entries:
        out[e.status] += 1
    return out


def graph_summary(pieces: GraphPieces) -> dict[str, dict[str, int]]:
    """Counts of nodes by type and edges by relation."""
    return {"nodes": dict(sorted(pieces.node_counts.items())), "edges": dict(sorted(pieces.edge_counts.items()))}


def _array(items: Iterator[str], level: int) -> Iterator[bytes]:
    """A JSON array of already-rendered items, in batches, closed at *level*."""
    batch: list[str] = []
    first = True
    for item in items:
        batch.append(item)
        if len(batch) >= 10_000:
            yield (("[\n" if first else ",\n") + ",\n".join(batch)).encode("utf-8")
            batch, first = [], False
    if batch:
        yield (("[\n" if first else ",\n") + ",\n".join(batch)).encode("utf-8")
        first = False
    yield b"[]" if first else ("\n" + " " * level + "]").encode()


def report_chunks(problems: list[FileOutcome], entries: Iterable[tuple[str, Entry]], documents: int,
                  pieces: GraphPieces, extraction: dict[str, Any]) -> Iterator[bytes]:
    """``report.json``: counts, graph summary, and one entry per input file, by name."""
    head = {
        "kg_version": __version__,
        "files": counts(problems, entries),
        "documents": documents,
        "graph": graph_summary(pieces),
        "merges": sum(s.merges for s in pieces.summaries.values()),
        "conflicts": sum(s.conflicts for s in pieces.summaries.values()),
        "extraction": {k: v for k, v in extraction.items() if k not in ("cached", "extracted")},
    }
    yield (json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "outcomes": ').encode("utf-8")
    rendered: list[tuple[str, str | Entry]] = sorted((o.name, outcome_json(o, 2)) for o in problems)
    merged = heapq.merge(rendered, entries, key=lambda item: item[0])
    yield from _array((item if isinstance(item, str) else entry_json(name, item, 2) for name, item in merged), 1)
    yield b"\n}\n"


def merges_chunks(pieces: GraphPieces, notes: list[dict[str, str]]) -> Iterator[bytes]:
    """``merges.json``: merged nodes, conflicts and notes, one shard's pieces at a time."""
    for name in ("merges", "conflicts"):
        yield (b"{\n" if name == "merges" else b",\n") + f' "{name}": '.encode()
        first = True
        for part in pieces.chunks(name):
            if part:
                yield (b"[\n" if first else b",\n") + part
                first = False
        yield b"[]" if first else b"\n ]"
    ordered = sorted(notes, key=lambda n: (n["source"], n["message"]))
    yield b",\n" + json.dumps({"notes": ordered}, ensure_ascii=False, indent=1)[2:].encode("utf-8") + b"\n"
