"""Story detection (kg.stories) against hand labels, and its speed.

Quality: builds ``../shared/corpus`` and ``../shared/seeds`` with kg, turns every
article node into :class:`kg.stories.ArticleFacts`, sketches and clusters them,
and scores the stories against ``tests/stories/gold.json`` (408 articles
labelled by someone who never ran kg): pairwise precision, recall and F1 over
the labelled articles, separately for the *tune* half of the gold stories (those
that began before :data:`CUT`: the thresholds were chosen on them) and the
*held-out* half (the later ones), plus the hard negatives (pairs labelled as different events)
that were wrongly joined.

Speed: sketches and clusters N synthetic articles modelled on the feed (events
reported by several outlets within days, amid unrelated articles on the same
topics), single process.

    python benchmarks/story_bench.py                   # quality, ner=none
    python benchmarks/story_bench.py --ner spacy       # entities from text too
    python benchmarks/story_bench.py --speed 100000    # speed only

The functions here are also used by tests/test_stories.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "stories" / "gold.json"

sys.path.insert(0, str(ROOT))

from kg.stories import ArticleFacts, Stories, cluster, sketch  # noqa: E402

ENTITY_TYPES = {"organization", "place", "product", "event"}  # as kg/pieces.py sketches them


def article_facts(graph: Any) -> list[ArticleFacts]:
    """Every article node of a kg graph as :class:`ArticleFacts` (what the build will pass)."""
    facts = []
    for node, data in graph.nodes(data=True):
        if data.get("type") != "article":
            continue
        out: dict[str, list[str]] = defaultdict(list)
        for _a, target, edge in graph.out_edges(node, data=True):
            kind = graph.nodes[target].get("type")
            relation = edge.get("relation")
            if relation == "mentions" and kind in ENTITY_TYPES:
                out["entities"].append(target)
            elif relation == "about" and kind == "topic":
                out["topics"].append(graph.nodes[target].get("label") or target)
            elif relation == "related" and kind == "article":
                out["related"].append(target)
            elif relation == "publisher":
                out["outlet"].append(target)
        body = data.get("body")
        facts.append(ArticleFacts(
            iri=node,
            headline=data.get("headline"),
            excerpt=data.get("excerpt"),
            body="\n\n".join(body) if isinstance(body, list) else body,
            published=data.get("published"),
            outlet=min(out["outlet"]) if out["outlet"] else None,
            entities=tuple(sorted(out["entities"])),
            topics=tuple(sorted(out["topics"])),
            related=tuple(sorted(out["related"])),
            by_reference=bool(data.get("by_reference")),
        ))
    return facts


def load_gold() -> dict[str, Any]:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def gold_nodes(graph: Any, gold: dict[str, Any]) -> dict[str, str]:
    """Gold article id → article node IRI (every gold id must be found)."""
    by_url: dict[str, set[str]] = defaultdict(set)
    by_file: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data.get("type") != "article":
            continue
        for _role, url in data.get("urls") or ():
            by_url[url].add(node)
        if data.get("url"):
            by_url[data["url"]].add(node)
        for source in data.get("sources") or ():
            path, _, line = source.rpartition(":")
            by_file[path.removeprefix("corpus/")].append((int(line), node))
    found = {}
    for item in gold["articles"]:
        gid = item["id"]
        if gid.startswith("related:"):
            nodes = sorted(by_url.get(gid.removeprefix("related:"), ()))
        else:
            path, _, nth = gid.partition("#")
            nodes = [n for _line, n in sorted(set(by_file.get(path, ())))]
            nodes = nodes[int(nth) - 1:int(nth)] if nth else nodes[:1]
        if len(nodes) != 1:
            raise LookupError(f"gold article {gid} matches {len(nodes)} article nodes")
        found[gid] = nodes[0]
    return found


#: Gold stories that began before this day are the *tune* half, the rest (and undated
#: ones) *held-out*: a split by time keeps every pair of one half inside it, so
#: precision counts wrong joins with any story of the same half.
CUT = "2022-06-01"


def halves(gold: dict[str, Any]) -> dict[str, str]:
    """Gold story → ``tune`` or ``held-out`` (by its first dated article, see :data:`CUT`)."""
    first: dict[str, str] = {}
    for item in gold["articles"]:
        if item["date"]:
            first[item["story"]] = min(first.get(item["story"], item["date"]), item["date"])
    return {item["story"]: "tune" if first.get(item["story"], "9999") < CUT else "held-out"
            for item in gold["articles"]}


def pairwise(predicted: dict[str, str | None], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall, F1 of *predicted* (gold id → story or None) against
    *truth* (gold id → gold story), over the ids of *truth*."""
    ids = sorted(truth)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same = truth[a] == truth[b]
        guess = predicted.get(a) is not None and predicted.get(a) == predicted.get(b)
        tp += same and guess
        fp += guess and not same
        fn += same and not guess
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pairs": tp + fn}


def story_of(stories: Stories) -> dict[str, str]:
    """Article IRI → story id."""
    return {iri: s.id for s in stories.stories for iri in s.members}


def evaluate(graph: Any, stories: Stories, gold: dict[str, Any]) -> dict[str, Any]:
    """Scores of *stories* on each half of the gold and on all of it, and the
    hard negatives joined."""
    nodes = gold_nodes(graph, gold)
    where = story_of(stories)
    predicted = {gid: where.get(node) for gid, node in nodes.items()}
    # Two gold ids that are one node (a seed and its corpus copy) are one article.
    for gid, node in nodes.items():
        predicted[gid] = predicted[gid] or f"node:{node}"
    truth = {item["id"]: item["story"] for item in gold["articles"]}
    half = halves(gold)
    scores = {name: pairwise(predicted, {g: s for g, s in truth.items() if name == "all" or half[s] == name})
              for name in ("tune", "held-out", "all")}
    joined = [dict(h, half=half[truth[h["a"]]]) for h in gold["hard_negatives"]
              if predicted[h["a"]] == predicted[h["b"]]]
    return {"scores": scores, "hard_negatives_joined": joined, "hard_negatives": len(gold["hard_negatives"])}


def largest(graph: Any, stories: Stories, n: int = 8) -> list[tuple[int, str, list[str]]]:
    """The *n* largest stories: size, first headline, outlets."""
    out = []
    for s in sorted(stories.stories, key=lambda s: (-len(s.members), s.id))[:n]:
        outlets = []
        for iri in s.members:
            for _a, target, edge in graph.out_edges(iri, data=True):
                if edge.get("relation") == "publisher":
                    outlets.append(graph.nodes[target].get("label") or target)
        first = graph.nodes[s.members[0]]
        out.append((len(s.members), first.get("headline") or first.get("label") or "", sorted(set(outlets))))
    return out


def quality(ner: str) -> dict[str, Any]:
    import kg

    start = time.perf_counter()
    result = kg.build([SHARED / "corpus", SHARED / "seeds"], ner=ner)
    graph = result.graph
    built = time.perf_counter() - start
    facts = article_facts(graph)
    start = time.perf_counter()
    sketches = [sketch(f) for f in facts]
    stories = cluster(sketches)
    took = time.perf_counter() - start
    report = evaluate(graph, stories, load_gold())
    report.update(articles=len(facts), stories=len(stories.stories), duplicates=len(stories.duplicates),
                  in_stories=sum(len(s.members) for s in stories.stories), seconds=took, build_seconds=built,
                  largest=largest(graph, stories))
    return report


# --- speed on synthetic articles -------------------------------------------------------------

def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """*size* distinct made-up words of 6–10 letters, distinct in their first 6
    (so stemming never conflates two of them); *size* at most 512,000."""
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words: dict[str, str] = {}
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 5)))
        words.setdefault(word[:6], word)
    return sorted(words.values())


def synthetic(n: int, seed: int = 7) -> list[ArticleFacts]:
    """*n* feed-like articles over 4 years: half of them alone, the rest telling
    events in 2 to a thousand or more articles within 4 days. An event has a
    few words of its topic and a few of its own; each article takes most of
    them and fills its headline and excerpt with words drawn Zipf-like (a few
    very common, most rare), as text is."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    vocab = _vocabulary(rng, 30_000)

    def filler(k: int) -> list[str]:
        return [vocab[int(len(vocab) ** rng.random()) - 1] for _ in range(k)]

    facts: list[ArticleFacts] = []
    event = 0
    while len(facts) < n:
        event += 1
        size = min(n - len(facts), max(1, int(rng.paretovariate(1.2))) if rng.random() < 0.5 else 1)
        when = start + timedelta(days=rng.randrange(4 * 365))
        core = filler(3) + [vocab[rng.randrange(len(vocab))] for _ in range(5)]
        for k in range(size):
            words = rng.sample(core, rng.randint(4, 8)) + filler(5)
            rng.shuffle(words)
            facts.append(ArticleFacts(
                iri=f"https://example.org/a/{event}/{k}",
                headline=" ".join(words[:10]).capitalize(),
                excerpt=" ".join(rng.sample(core, 4) + filler(40)),
                published=when + timedelta(hours=rng.randrange(96)),
                outlet=f"https://example.org/outlet/{rng.randrange(2000)}",
                related=tuple(f"https://example.org/a/{event}/{j}" for j in range(min(size, 3)) if j != k),
            ))
    return facts


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def speed(n: int) -> dict[str, float]:
    """Seconds to sketch and cluster *n* synthetic articles, bytes per stored
    sketch, and pairwise precision and recall against the events they were made from."""
    facts = synthetic(n)
    start, cpu = time.perf_counter(), time.process_time()
    sketches = [sketch(f) for f in facts]
    sketched, sketched_cpu = time.perf_counter() - start, time.process_time() - cpu
    from kg.codec import pack

    size = sum(len(pack(s)) for s in sketches) / len(sketches)
    start, cpu = time.perf_counter(), time.process_time()
    stories = cluster(sketches)
    clustered, clustered_cpu = time.perf_counter() - start, time.process_time() - cpu
    event = {f.iri: f.iri.rsplit("/", 1)[0] for f in facts}
    where = story_of(stories)
    both = Counter((where.get(iri, iri), e) for iri, e in event.items())
    tp = sum(_pairs(c) for c in both.values())
    guessed = sum(_pairs(len(s.members)) for s in stories.stories)
    true = sum(_pairs(c) for c in Counter(event.values()).values())
    return {"articles": n, "sketch_seconds": sketched, "cluster_seconds": clustered,
            "sketch_cpu": sketched_cpu, "cluster_cpu": clustered_cpu,
            "bytes_per_sketch": size, "stories": len(stories.stories),
            "precision": tp / guessed if guessed else 1.0, "recall": tp / true if true else 1.0}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ner", default="none", help="kg's extractor for entities (none, rules, spacy)")
    parser.add_argument("--speed", type=int, default=0, help="also time N synthetic articles")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if (SHARED / "corpus").is_dir():
        report = quality(args.ner)
        print(f"{report['articles']} articles → {report['stories']} stories holding {report['in_stories']} "
              f"articles, {report['duplicates']} near-duplicates; sketch+cluster {report['seconds']:.2f} s")
        print("| gold half | pairs | precision | recall | F1 |\n| --- | ---: | ---: | ---: | ---: |")
        for name, s in report["scores"].items():
            print(f"| {name} | {s['pairs']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
        print(f"hard negatives joined: {len(report['hard_negatives_joined'])} of {report['hard_negatives']}")
        for h in report["hard_negatives_joined"]:
            print(f"    ({h['half']})", h["a"], "~", h["b"])
        for size, headline, outlets in report["largest"]:
            print(f"  {size:3d}  {headline[:70]}  [{len(outlets)} outlets: {', '.join(outlets[:6])} …]")
    else:
        print(f"{SHARED} is absent: quality not measured")
    if args.speed:
        s = speed(args.speed)
        print(f"{s['articles']:,} synthetic articles: sketch {s['sketch_seconds']:.1f} s "
              f"({s['sketch_cpu']:.1f} s CPU), cluster {s['cluster_seconds']:.1f} s ({s['cluster_cpu']:.1f} s CPU), "
              f"{s['bytes_per_sketch']:.0f} bytes per sketch (MessagePack), "
              f"{s['stories']:,} stories, pairwise precision {s['precision']:.3f} recall {s['recall']:.3f}")


if __name__ == "__main__":
    main()
