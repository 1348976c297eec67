"""Organisations, people and places in the built graph, against hand labels.

    python benchmarks/names_bench.py            # needs ../shared beside the project

graph     precision / recall / F1 per type of the entities each labelled document's
          article is linked to through its text (``tests/ner/gold.json``; the same
          fields and length the labels cover), after the build resolved names across the
          corpus — beside the extractor alone on the same documents (what
          ``benchmarks/ner_bench.py quality`` scores);
identity  ``tests/ner/entities.json``: of the labelled real entities named in more than one
          form, how many form pairs the graph holds as one node (merge recall), and of the
          look-alike pairs that are different things, how many it keeps apart;
top       the corpus's 30 most-mentioned organisations and people (articles linked).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import kg
from kg.extract import get_extractor
from kg.extract.run import known_names
from kg.extract.score import LABELLED_CHARS, TYPES, held_out, load_gold, score, score_predictions
from kg.facts.keys import primary_key
from kg.identity.names import name_key
from kg.namespaces import article_iri

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def limits(doc) -> dict[str, int]:
    """How far into each field the labels reach (as :func:`kg.extract.score.predict` cuts)."""
    out, budget = {}, LABELLED_CHARS
    for text, field in ((doc.title, "headline"), (doc.excerpt, "excerpt"), (" ".join(doc.body), "body")):
        if text and budget > 0:
            out[field] = min(len(text), budget)
            budget -= len(text) + 4
    return out


def gold_articles(result, gold, files) -> list[str | None]:
    """The article each labelled document became: among its file's articles, the one with its
    headline (a page dump may hold several stories), else the one its identity gives."""
    graph = result.graph
    by_file = {name: entry.outcome(name).articles for name, entry in result.entries}
    out = []
    for (doc, _labels), file in zip(gold, files):
        candidates = by_file.get(file, [])
        same = [iri for iri in candidates if doc.title and graph.nodes[iri].get("headline") == doc.title]
        out.append(same[0] if same else candidates[0] if len(candidates) == 1 else article_iri(primary_key(doc)))
    return out


def graph_predictions(result, gold, articles) -> list[dict[str, set[str]]]:
    graph = result.graph
    by_article = defaultdict(list)
    for mention in graph.graph.get("mentions", {}).values():
        by_article[mention["article"]].append(mention)
    found = []
    for (doc, _labels), article in zip(gold, articles):
        guess: dict[str, set[str]] = defaultdict(set)
        reach = limits(doc)
        for iri in [article]:
            for m in by_article[iri]:
                if m["field"] in reach and m["start"] is not None and m["end"] <= reach[m["field"]] \
                        and m["entity"] in graph:
                    kind = graph.nodes[m["entity"]]["type"]
                    kind = "organization" if kind == "outlet" else kind  # the labels count publishers as organisations
                    if kind in TYPES:
                        guess[kind].add(name_key(m["text"]))
        found.append(guess)
    return found


def identity(result) -> None:
    labels = json.loads((ROOT / "tests" / "ner" / "entities.json").read_text(encoding="utf-8"))
    graph = result.graph
    nodes_of: dict[str, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        if data["type"] in (*TYPES, "outlet", "product", "event", "work"):  # an organisation may be its outlet's node
            for form in [data.get("label", ""), *data.get("alt_names", [])]:
                nodes_of[form].add(node)
    together = apart = pairs = 0
    for entity in labels["entities"]:
        forms = [f for f in entity["forms"] if nodes_of.get(f)]
        for i, a in enumerate(forms):
            for b in forms[i + 1:]:
                pairs += 1
                together += bool(nodes_of[a] & nodes_of[b])
    kept = seen = 0
    for pair in labels["distinct"]:
        if nodes_of.get(pair["a"]) and nodes_of.get(pair["b"]):
            seen += 1
            kept += pair["a"] == pair["b"] or not (nodes_of[pair["a"]] & nodes_of[pair["b"]]) \
                or len(nodes_of[pair["a"]]) > 1
    print(f"identity: {together}/{pairs} form pairs of one entity are one node "
          f"(merge recall {together / max(pairs, 1):.3f}); {kept}/{seen} look-alike pairs kept apart")


def top(result, n: int = 30) -> None:
    graph = result.graph
    for kind in ("organization", "person"):
        counts = Counter()
        for node, data in graph.nodes(data=True):
            if data["type"] == kind:
                counts[data["label"]] = sum(1 for u, _v, r in graph.in_edges(node, data="relation")
                                            if graph.nodes[u]["type"] == "article")
        print(f"top {n} {kind}s (articles): " + "; ".join(f"{label} {c}" for label, c in counts.most_common(n)))


def main() -> None:
    ner = sys.argv[1] if len(sys.argv) > 1 else None
    result = kg.build([SHARED / "corpus", SHARED / "seeds"], ner=ner)
    entries = json.loads((ROOT / "tests" / "ner" / "gold.json").read_text(encoding="utf-8"))["documents"]
    gold = load_gold(ROOT / "tests" / "ner" / "gold.json", SHARED)
    docs = [d for d, _ in gold]
    extractor = get_extractor(result.extraction["extractor"], known=known_names(docs))
    predicted = graph_predictions(result, gold, gold_articles(result, gold, [e["file"] for e in entries]))
    print(f"graph: {len(gold)} labelled documents, extractor {result.extraction['extractor']}")
    print(f"{'documents':<9} {'type':<13} {'extractor F1':>12} {'graph P':>8} {'graph R':>8} {'graph F1':>9}")
    for part, keep in (("tuned", lambda f: not held_out(f)), ("held-out", held_out), ("all", lambda f: True)):
        chosen = [i for i, e in enumerate(entries) if keep(e["file"])]
        alone = score(extractor, [gold[i] for i in chosen])
        after = score_predictions([gold[i] for i in chosen], [predicted[i] for i in chosen])
        for kind in (*TYPES, "all"):
            p, r, f = after[kind]
            print(f"{part:<9} {kind:<13} {alone[kind][2]:>12.3f} {p:>8.3f} {r:>8.3f} {f:>9.3f}")
    print()
    identity(result)
    print()
    top(result)


if __name__ == "__main__":
    main()
