"""Sketches → stories: which articles report the same event, and which are copies.

Steps, each linear in the number of sketches (never all pairs):

1. **Weigh words** — how many sketches hold each stem (its document
   frequency): a stem shared by few articles says more than one shared by many.
2. **Block** — candidate pairs only from articles that share a *key*: two of
   their rarest stems, a band of their MinHash, or a related link. Within a
   key, articles are sorted by day and each is paired with the next ones
   within :data:`WINDOW` days (at most :data:`NEIGHBOURS`), so a big block
   costs linear time.
3. **Score** — each candidate pair gets its evidence (:class:`Evidence`):
   weighted word overlap of headlines and texts, days apart, shared
   entities, a related link, MinHash agreement.
4. **Decide** — :func:`same_story` and :func:`same_text` turn evidence into
   yes or no; the pairs that say yes are joined into stories.

Determinism: sketches are put in IRI order first, and every later step
depends only on that order, so the input order never matters.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from .sketches import Sketch, iri_code

#: Days apart beyond which two articles are not compared for a story.
WINDOW = 14
#: Each article is compared with at most this many later ones per key.
NEIGHBOURS = 24
#: Stems per article that make blocking keys (every pair of them is a key).
KEY_STEMS = 8
#: Weights and bars of :func:`same_story`, chosen on half of the hand-labelled stories.
RULE = {"title": 0.6, "link": 0.5, "name": 0.03, "days": 3,
        "near_strong": 0.25, "near_weak": 0.08, "far_strong": 0.4, "far_weak": 0.3,
        "undated_strong": 0.6, "undated_weak": 0.45, "weak_ties": 2, "weak_share": 0.5}
#: MinHash bands (rows per band = PERMUTATIONS / BANDS).
BANDS = 8


class Story(NamedTuple):
    """Articles reporting one event: ``members`` in order of day, then IRI; ``id``
    is derived from the first member, so it stays when unrelated articles come."""

    id: str
    members: tuple[str, ...]


class Duplicate(NamedTuple):
    """``duplicate`` repeats the text of ``original`` (the earliest; ties by IRI)."""

    duplicate: str
    original: str


class Stories(NamedTuple):
    """Every story of two or more articles, and every near-duplicate pair."""

    stories: tuple[Story, ...]
    duplicates: tuple[Duplicate, ...]


@dataclass(frozen=True)
class Evidence:
    """What a candidate pair has in common."""

    title: float  # weighted overlap of headline stems, 0..1
    text: float  # weighted overlap of all stems, 0..1
    days: int | None  # days apart, None when a date is missing
    names: int  # shared entities
    linked: bool  # one lists the other as related
    copy: float  # share of MinHash values that agree, 0..1
    size: int  # triples in the shorter text


@dataclass
class Index:
    """Sketches in IRI order with the corpus-wide weights of their stems."""

    sketches: list[Sketch]
    weight: dict[int, float]
    df: Counter[int]
    stems: list[frozenset[int]]
    norms: list[float]
    title_norms: list[float]

    @classmethod
    def of(cls, sketches: Iterable[Sketch]) -> Index:
        chosen: dict[str, Sketch] = {}
        for s in sketches:
            s = Sketch(*s)
            if s.iri not in chosen or s > chosen[s.iri]:
                chosen[s.iri] = s
        ordered = [chosen[iri] for iri in sorted(chosen)]
        stems = [frozenset(s.title) | frozenset(s.terms) for s in ordered]
        df = Counter(t for st in stems for t in st)
        n = len(ordered) + 1
        weight = {t: math.log(n / c) for t, c in df.items()}
        norms = [math.sqrt(sum(weight[t] ** 2 for t in st)) for st in stems]
        title_norms = [math.sqrt(sum(weight[t] ** 2 for t in set(s.title))) for s in ordered]
        return cls(ordered, weight, df, stems, norms, title_norms)


def _overlap(a: frozenset[int] | set[int], b: frozenset[int] | set[int], na: float, nb: float,
             weight: dict[int, float]) -> float:
    if not na or not nb:
        return 0.0
    return sum(weight[t] ** 2 for t in a & b) / (na * nb)


def evidence(index: Index, i: int, j: int) -> Evidence:
    """The :class:`Evidence` of the pair (*i*, *j*) of *index*."""
    a, b = index.sketches[i], index.sketches[j]
    w = index.weight
    days = abs(a.day - b.day) if a.day is not None and b.day is not None else None
    linked = iri_code(b.iri) in a.links or iri_code(a.iri) in b.links
    agree = sum(x == y for x, y in zip(a.minhash, b.minhash)) / len(a.minhash) if a.minhash and b.minhash else 0.0
    return Evidence(
        title=_overlap(set(a.title), set(b.title), index.title_norms[i], index.title_norms[j], w),
        text=_overlap(index.stems[i], index.stems[j], index.norms[i], index.norms[j], w),
        days=days,
        names=len(set(a.names) & set(b.names)),
        linked=linked,
        copy=agree,
        size=min(a.size, b.size),
    )


def same_text(e: Evidence) -> bool:
    """Near-identical texts: most MinHash values agree, over enough text, and
    (for short texts, which collide more easily) close in time."""
    if e.copy < 0.75 or e.size < 6:
        return False
    return e.size >= 40 or e.days is None or e.days <= 7


def strength(e: Evidence) -> float:
    """How strongly a pair's evidence says "one event": weighted overlap of
    headline and text, plus a little for a related link and shared entities."""
    score = RULE["title"] * e.title + (1 - RULE["title"]) * e.text
    if e.linked:
        score *= 1 + RULE["link"]
    return score + RULE["name"] * min(e.names, 3)


def tie(e: Evidence) -> int:
    """2: a strong tie (the pair is one story); 1: a weak one (counts toward
    joining two groups, see :func:`cluster`); 0: none. The bar rises with the
    days apart, and is highest when a date is missing."""
    if same_text(e):
        return 2
    if e.days is not None and e.days > WINDOW:
        return 0
    band = "undated" if e.days is None else "near" if e.days <= RULE["days"] else "far"
    score = strength(e)
    strong, weak = RULE[f"{band}_strong"], RULE[f"{band}_weak"]
    return 2 if score >= strong else 1 if score >= weak else 0


def _keys(index: Index, i: int) -> Iterator[tuple[object, ...]]:
    s = index.sketches[i]
    w = index.weight
    shared = [t for t in index.stems[i] if index.df[t] > 1]
    for stem in sorted(shared, key=lambda t: (-w[t], t))[:KEY_STEMS]:
        yield ("stem", stem)
    rows = len(s.minhash) // BANDS
    for band in range(BANDS if rows else 0):
        yield ("band", band, *s.minhash[band * rows:(band + 1) * rows])


def candidates(index: Index) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, worth scoring (see the module's step 2)."""
    blocks: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i in range(len(index.sketches)):
        for key in _keys(index, i):
            blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) > 1:
            pairs.update(_near_in_time(index.sketches, members, window=key[0] == "stem"))
    position = {iri_code(s.iri): i for i, s in enumerate(index.sketches)}
    for i, s in enumerate(index.sketches):
        for link in s.links:
            j = position.get(link)
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def _near_in_time(sketches: Sequence[Sketch], members: list[int], window: bool) -> Iterator[tuple[int, int]]:
    """Pairs of *members* at most :data:`WINDOW` days apart (any days apart when
    not *window*), each with its next :data:`NEIGHBOURS` at most; undated ones
    with the first :data:`NEIGHBOURS` of the block."""
    dated = sorted((i for i in members if sketches[i].day is not None), key=lambda i: (sketches[i].day, i))
    undated = [i for i in members if sketches[i].day is None]
    for n, i in enumerate(dated):
        for j in dated[n + 1:n + 1 + NEIGHBOURS]:
            if window and sketches[j].day - sketches[i].day > WINDOW:  # type: ignore[operator]
                break
            yield (min(i, j), max(i, j))
    for n, i in enumerate(undated):
        for j in (undated[n + 1:] + dated)[:NEIGHBOURS]:
            yield (min(i, j), max(i, j))


class _Groups:
    """Union-find over positions; the root of a group is its smallest position."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _order(s: Sketch) -> tuple[int, str]:
    return (s.day if s.day is not None else 1 << 40, s.iri)


def story_id(first_iri: str) -> str:
    """A story's id: 16 hex digits from its first member's IRI.

    >>> story_id("https://x.org/a") == story_id("https://x.org/a")
    True
    """
    return hashlib.blake2b(first_iri.encode("utf-8"), digest_size=8).hexdigest()


def cluster(sketches: Iterable[Sketch]) -> Stories:
    """Stories and near-duplicates among *sketches* (in any order: same answer).

    >>> from datetime import datetime, timezone
    >>> from kg.stories.sketches import ArticleFacts, sketch
    >>> day = lambda d: datetime(2020, 6, d, tzinfo=timezone.utc)
    >>> arts = [ArticleFacts("a", "Microsoft won't sell face recognition to police", published=day(11)),
    ...         ArticleFacts("b", "Microsoft says it won't sell facial recognition to police", published=day(12)),
    ...         ArticleFacts("c", "Zoo sued over face scans", published=day(12))]
    >>> [s.members for s in cluster(sketch(a) for a in arts).stories]
    [('a', 'b')]
    """
    index = Index.of(sketches)
    groups = _Groups(len(index.sketches))
    copies = _Groups(len(index.sketches))
    scored = []
    for i, j in sorted(candidates(index)):
        e = evidence(index, i, j)
        if same_text(e):
            copies.join(i, j)
        kind = tie(e)
        if kind == 2:
            groups.join(i, j)
        scored.append((i, j, kind))
    _join_weak(groups, scored)
    return Stories(_collect(index.sketches, groups), _duplicates(index.sketches, copies))


def _join_weak(groups: _Groups, scored: list[tuple[int, int, int]]) -> None:
    """Join two groups when the pairs scored between them hold enough ties: at
    least ``weak_ties``, and at least a ``weak_share`` of the pairs (:data:`RULE`).
    One article with a tie or two to a big group stays out; one with ties to
    most of it comes in. Repeat until no more join."""
    while True:
        ties: Counter[tuple[int, int]] = Counter()
        pairs: Counter[tuple[int, int]] = Counter()
        for i, j, kind in scored:
            a, b = groups.find(i), groups.find(j)
            if a != b:
                key = (min(a, b), max(a, b))
                pairs[key] += 1
                ties[key] += kind > 0
        ready = sorted(key for key, n in ties.items()
                       if n >= RULE["weak_ties"] and n >= RULE["weak_share"] * pairs[key])
        if not ready:
            return
        for a, b in ready:
            groups.join(a, b)


def _members(sketches: Sequence[Sketch], groups: _Groups) -> list[list[Sketch]]:
    found: dict[int, list[Sketch]] = defaultdict(list)
    for i, s in enumerate(sketches):
        found[groups.find(i)].append(s)
    return [sorted(m, key=_order) for m in found.values() if len(m) > 1]


def _collect(sketches: Sequence[Sketch], groups: _Groups) -> tuple[Story, ...]:
    stories = [Story(story_id(m[0].iri), tuple(s.iri for s in m)) for m in _members(sketches, groups)]
    return tuple(sorted(stories, key=lambda s: s.members[0]))


def _duplicates(sketches: Sequence[Sketch], copies: _Groups) -> tuple[Duplicate, ...]:
    pairs = [Duplicate(s.iri, m[0].iri) for m in _members(sketches, copies) for s in m[1:]]
    return tuple(sorted(pairs))
