"""Hand-labelled story cases (``tests/stories/cases.json``, written from the texts by a helper
who never ran kg) checked against a built graph: articles a case groups must share a story,
articles it keeps apart must not.

Each labelled article is found by its url (any of the article node's urls, compared by
identity key) or else by its headline and date.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.identity.names import name_key
from kg.identity.urls import InvalidUrl, url_key

CASES = Path(__file__).parent / "stories" / "cases.json"


@dataclass
class Finding:
    case: str
    kind: str  # "split" (a group that is not one story), "joined" (a pair kept apart that is), "unfound"
    detail: str


def load_cases() -> list[dict[str, Any]]:
    return json.loads(CASES.read_text(encoding="utf-8"))["cases"]


def _key(url: str | None) -> str | None:
    try:
        return url_key(url) if url else None
    except InvalidUrl:
        return None


def article_index(graph: Any) -> tuple[dict[str, str], dict[tuple[str, str], list[str]]]:
    """Article nodes by url key, and by (headline key, day)."""
    by_url: dict[str, str] = {}
    by_title: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data.get("type") != "article":
            continue
        for url in [data.get("url"), *(u for _role, u in data.get("urls", []))]:
            key = _key(url)
            if key:
                by_url.setdefault(key, node)
        day = data["published"].date().isoformat() if data.get("published") else ""
        by_title[(name_key(data.get("headline") or ""), day)].append(node)
    return by_url, by_title


def story_of(graph: Any) -> dict[str, str]:
    """Article → its story node."""
    return {u: v for u, v, rel in graph.edges(data="relation") if rel == "story"}


def check(graph: Any, cases: list[dict[str, Any]] | None = None) -> list[Finding]:
    """Every way the graph's stories disagree with the cases."""
    by_url, by_title = article_index(graph)
    stories = story_of(graph)
    findings = []
    for case in cases if cases is not None else load_cases():
        nodes: list[str | None] = []
        for art in case["articles"]:
            node = by_url.get(_key(art.get("url")) or "")
            if node is None:
                hits = by_title.get((name_key(art["headline"]), art.get("date") or ""), [])
                node = hits[0] if len(hits) == 1 else None
            nodes.append(node)
            if node is None:
                findings.append(Finding(case["id"], "unfound", f"{art['headline'][:60]} ({art.get('url')})"))

        def story(i: int) -> str | None:
            node = nodes[i]
            return stories.get(node, node) if node else None

        for group in case["groups"]:
            found = [i for i in group if nodes[i]]
            if len({story(i) for i in found}) > 1:
                findings.append(Finding(case["id"], "split", " | ".join(case["articles"][i]["headline"][:50]
                                                                          for i in found)))
        for i, j in case["apart"]:
            if nodes[i] and nodes[j] and story(i) == story(j) and nodes[i] != nodes[j]:
                findings.append(Finding(case["id"], "joined", f"{case['articles'][i]['headline'][:50]} | "
                                                               f"{case['articles'][j]['headline'][:50]}"))
    return findings


def majority(graph: Any, case: dict[str, Any], group: int = 0) -> tuple[str | None, list[str]]:
    """The story most members of a case's group (the *group*-th) are in, and the headlines
    of the members found in it."""
    by_url, by_title = article_index(graph)
    stories = story_of(graph)
    counts: dict[str | None, list[str]] = defaultdict(list)
    for i in case["groups"][group]:
        art = case["articles"][i]
        node = by_url.get(_key(art.get("url")) or "")
        if node is None:
            hits = by_title.get((name_key(art["headline"]), art.get("date") or ""), [])
            node = hits[0] if len(hits) == 1 else None
        if node is not None and node in stories:
            counts[stories[node]].append(art["headline"])
    if not counts:
        return None, []
    best = max(counts, key=lambda k: len(counts[k]))
    return best, counts[best]
