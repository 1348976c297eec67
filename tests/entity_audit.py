"""The entity audit: the most-mentioned organisations and people of a built graph, judged
against labels written from the texts alone (``tests/ner/audit.json``).

A row is *wrong* when the node's type is not what its name denotes in the texts (an
organisation that is a product, an event, a person, an outlet or no entity at all); two
rows are a *split* when they are one real entity. Names the labels do not cover are listed
so that they can be labelled (from the texts, not from kg's output).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABELS = Path(__file__).parent / "ner" / "audit.json"
#: The node type each label type must have.
NODE_TYPE = {"organization": "organization", "person": "person", "place": "place", "outlet": "outlet",
             "product": "product", "event": "event", "work": "work"}


@dataclass
class Row:
    label: str
    articles: int
    verdict: str  # "ok", "wrong: …", "unlabelled"
    canonical: str | None = None


@dataclass
class Audit:
    kind: str
    rows: list[Row] = field(default_factory=list)
    splits: list[tuple[str, str]] = field(default_factory=list)

    @property
    def wrong(self) -> list[Row]:
        return [r for r in self.rows if r.verdict.startswith("wrong")]

    @property
    def unlabelled(self) -> list[Row]:
        return [r for r in self.rows if r.verdict == "unlabelled"]

    def table(self) -> str:
        lines = [f"{r.articles:4} {r.label[:40]:40} {r.verdict}" for r in self.rows]
        lines += [f"split: {a} = {b}" for a, b in self.splits]
        return "\n".join(lines)


def load_labels() -> dict[str, dict[str, Any]]:
    return json.loads(LABELS.read_text(encoding="utf-8"))["names"]


def top(graph: Any, kind: str, n: int = 30, least: int = 2) -> list[tuple[str, dict[str, Any], int]]:
    """The *n* nodes of *kind* linked from the most articles (ties by label), among those
    linked from at least *least* (a name in one article is nobody's "top": past the few
    names of several articles, ties of one article would be ranked by the alphabet)."""
    counts: Counter[str] = Counter()
    for node, data in graph.nodes(data=True):
        if data.get("type") == kind:
            counts[node] = len({u for u, _v, rel in graph.in_edges(node, data="relation")
                                if rel in ("mentions", "about") and graph.nodes[u].get("type") == "article"})
    ranked = sorted((n_ for n_ in counts if counts[n_] >= least), key=lambda n_: (-counts[n_], graph.nodes[n_]["label"]))
    return [(node, graph.nodes[node], counts[node]) for node in ranked[:n]]


def audit(graph: Any, kind: str, labels: dict[str, dict[str, Any]] | None = None, n: int = 30) -> Audit:
    """Judge the top *n* nodes of *kind* (``organization`` or ``person``)."""
    labels = labels if labels is not None else load_labels()
    out = Audit(kind)
    seen: dict[str, str] = {}
    for _node, data, articles in top(graph, kind, n):
        label = labels.get(data["label"])
        if label is None:  # judged by its label; an alternate name that is labelled tells what it is
            label = next((labels[a] for a in data.get("alt_names", []) if a in labels), None)
        if label is None or label["type"] == "unknown":
            out.rows.append(Row(data["label"], articles, "unlabelled"))
            continue
        expected = NODE_TYPE.get(label["type"])
        verdict = "ok" if expected == kind else f"wrong: is {label['type']}"
        if label.get("form_ok") is False and verdict == "ok":
            verdict = f"wrong: a bad cut of {label['canonical_name']}"
        canonical = label.get("canonical")
        out.rows.append(Row(data["label"], articles, verdict, canonical))
        if canonical and canonical in seen:
            out.splits.append((seen[canonical], data["label"]))
        elif canonical:
            seen[canonical] = data["label"]
    return out
