"""Sketches → stories: which articles report the same event, and which are copies.

Steps, each linear in the number of sketches (never all pairs):

1. **Weigh** — how many sketches hold each stem (its document frequency): a
   stem shared by few articles says more than one shared by many.
2. **Block** (:func:`candidates`) — pairs only of articles that share a key:
   one of their :data:`KEY_STEMS` rarest stems (a stem most articles hold, past
   :data:`KEY_DF` or :data:`KEY_SHARE` of them, keys nothing), or two of their
   :data:`TITLE_KEYS` rarest headline stems, within :data:`WINDOW` days; a band
   of their MinHash (copies, any days apart); or a related link. Within a
   key's block, articles sorted by day are paired only with their next
   :data:`NEIGHBOURS`, so even a story of thousands costs linear time.
3. **Score** (:func:`evidence`) — weighted overlap of headline stems and of all
   stems, days apart, shared entities, a related link, MinHash agreement,
   the same headline word for word, and whether the pair shares something
   *specific*: a word or an entity few articles of the corpus have
   (:data:`SPECIFIC_SHARE`). Words of headline templates are no evidence at all
   (:data:`kg.stories.text.TEMPLATE_WORDS`).
4. **Decide** (:func:`tie`) — a copy (:func:`same_text`) or a pair whose
   :func:`strength` clears the strong bar for its distance in days is one story;
   one clearing only the weak bar is a weak tie. Strong ties join at once; two groups join when weak ties are at least
   half of the pairs scored between them, or when an article lists
   :data:`LINKED_MEMBERS` members of a story as related and ties to one
   (:func:`_join_weak`), so one related link or a shared topic word cannot pull an
   article into a big story, while an article tied to most of a story joins it.
5. **Check** — no single article holds two stories together
   (:func:`_split_bridges`): an article whose removal leaves parts of two or more
   articles each, with no tie between them, goes with the part it ties to most,
   and the parts stay apart (an article with one story's headline and another's
   body). A story of two or three articles, which few ties hold, needs event
   evidence (:func:`_small_stories`): each member dated and tied to another by
   something specific and some text in common (two listicles that list each other
   share only "AI" and "world").
The bars (:data:`RULE`) were chosen on the older half of the hand-labelled gold
(see ``benchmarks/story_bench.py``).

Determinism: sketches are put in IRI order first (:class:`~kg.stories.index.Index`,
columns, not an object per article), and every later step depends only on that
order, so the input order never matters.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations
from typing import Any, NamedTuple

import numpy as np

from .index import NONE, Index
from .sketches import NO_EVENT, PERMUTATIONS, Sketch
from .text import TEMPLATE_CODES

#: Days apart beyond which two articles are not compared for a story.
WINDOW = 14
#: Each article is compared with at most this many later ones per key.
NEIGHBOURS = 12
#: An article's rarest stems that are blocking keys, and its rarest headline
#: stems whose every pair is one.
KEY_STEMS = 8
TITLE_KEYS = 5
#: An article's rarest entities that are blocking keys (reports of one event share a name
#: their wordings may not: "'Extraordinary success': Trump lauds …" and "Moments of protest
#: during Trump's State of the Union").
NAME_KEYS = 4
#: A stem held by more than this many articles (or this share of them) keys no block.
KEY_DF = 100
KEY_SHARE = 0.002
#: Weights and bars of :func:`strength` and :func:`tie`, chosen on the tune half of
#: the hand-labelled stories: headline weight against the whole text, a related
#: link's factor, per shared entity; days apart still "near"; strong and weak
#: bars when near, far (up to WINDOW) and undated; how many weak ties, and what
#: share of the pairs scored between two groups, join them.
RULE = {"title": 0.6, "link": 0.5, "name": 0.03, "days": 3,
        "near_strong": 0.25, "near_weak": 0.08, "far_strong": 0.4, "far_weak": 0.3,
        "undated_strong": 0.6, "undated_weak": 0.45, "weak_ties": 2, "weak_share": 0.5, "plain": 0.15}
#: Stems of a headline that, word for word the same in two articles, marks a copy.
SAME_TITLE = 6
#: A word or entity held by at most this share of the corpus's articles (and at least
#: :data:`SPECIFIC_MIN`) is specific: two articles that share one may report one event.
SPECIFIC_SHARE = 0.05
SPECIFIC_MIN = 20
#: An article that lists this many members of a story as related coverage, and ties to one
#: of them with a headline word in common held by at most this share of the corpus, joins it
#: (the links count together).
LINKED_MEMBERS = 3
NAMED_SHARE = 0.125
#: MinHash bands (rows per band = PERMUTATIONS / BANDS).
BANDS = 8
#: Candidate pairs scored per batch (decoded from their codes a batch at a time).
BATCH = 1 << 16

__all__ = ["Index", "Story", "Duplicate", "Stories", "Evidence", "cluster", "candidates", "evidence",
           "same_text", "strength", "tie", "story_id"]


class Story(NamedTuple):
    """Articles reporting one event: ``members`` in order of publication, then IRI; ``id``
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


class Evidence(NamedTuple):
    """What a candidate pair has in common."""

    title: float  # weighted overlap of headline stems, 0..1
    text: float  # weighted overlap of all stems, 0..1
    days: int | None  # days apart, None when a date is missing
    names: int  # shared entities
    linked: bool  # one lists the other as related
    copy: float  # share of MinHash values that agree, 0..1
    size: int  # triples in the shorter text
    same_title: bool  # the same headline word for word, and a long one
    specific: bool = True  # shares a word or an entity few articles have
    named: bool = False  # the headlines share a word that is not among the corpus's commonest
    shared: int = 2  # words in common that count (not of templates)
    kinds: tuple[int, int] = (0, 0)  # each headline's signals (kg.stories.sketches.SIGNALS)


def _overlap(a: frozenset[int], b: frozenset[int], na: float, nb: float, weight2: dict[int, float]) -> float:
    """Weighted cosine overlap; a stem of a headline template counts for nothing when shared."""
    if not na or not nb:
        return 0.0
    return sum([weight2[t] for t in a & b if t not in TEMPLATE_CODES]) / (na * nb)


def evidence(index: Index, i: int, j: int, words: bool = True) -> Evidence:
    """The :class:`Evidence` of the pair (*i*, *j*) of *index*; without *words*
    only what :func:`same_text` reads (word overlaps left at 0)."""
    ti, si, ni, li = index.sets(i)
    tj, sj, nj, lj = index.sets(j)
    w2 = index.weight2
    li_len, lj_len = int(index.minhash_len[i]), int(index.minhash_len[j])
    agree = 0.0
    if li_len and lj_len:
        m = min(li_len, lj_len)
        agree = int(np.count_nonzero(index.minhash[i, :m] == index.minhash[j, :m])) / li_len
    di, dj = int(index.day[i]), int(index.day[j])
    rare = max(SPECIFIC_MIN, SPECIFIC_SHARE * len(index))
    return Evidence(
        title=_overlap(ti, tj, index.title_norms[i], index.title_norms[j], w2) if words else 0.0,
        text=_overlap(si, sj, index.norms[i], index.norms[j], w2) if words else 0.0,
        days=abs(di - dj) if di != NONE and dj != NONE else None,
        names=len(ni & nj),
        linked=int(index.codes[j]) in li or int(index.codes[i]) in lj,
        copy=agree,
        size=min(int(index.size[i]), int(index.size[j])),
        same_title=bool(index.headline[i] == index.headline[j] != 0) and index.title_length(i) >= SAME_TITLE,
        specific=words and (any(index.df[t] <= rare for t in si & sj if t not in TEMPLATE_CODES)
                            or any(index.name_df[e] <= rare for e in ni & nj)),
        kinds=(int(index.signals[i]), int(index.signals[j])),
        named=words and any(index.df[t] <= NAMED_SHARE * len(index) for t in ti & tj if t not in TEMPLATE_CODES),
        shared=len([t for t in si & sj if t not in TEMPLATE_CODES]) if words else 0,
    )


def same_text(e: Evidence) -> bool:
    """Near-identical texts: most MinHash values agree over enough text (for a
    short text, which collides more easily, only within a week); or the same
    long headline within days (a listing's excerpt of a copy may quote another
    paragraph of the same text)."""
    if e.same_title and e.days is not None and e.days <= 3:
        return True
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
    joining two groups, see :func:`cluster`): on something specific in common,
    or with a strength of at least ``plain`` without a related link's help (a big
    story's own words are common);
    0: none. The bar rises with the days apart, and is highest when a date is missing."""
    if same_text(e):
        return 2
    if e.days is not None and e.days > WINDOW:
        return 0
    if (e.kinds[0] | e.kinds[1]) & NO_EVENT or (e.kinds[0] and e.kinds[1] and not e.kinds[0] & e.kinds[1]):
        return 0  # a listicle or an explainer reports no event; a rumour and a deal are two
    if e.shared < 2 and not e.names:
        return 0  # one word in common ("carbon") is a topic, not an event
    band = "undated" if e.days is None else "near" if e.days <= RULE["days"] else "far"
    score = strength(e)
    strong, weak = RULE[f"{band}_strong"], RULE[f"{band}_weak"]
    if score >= strong:
        return 2
    return 1 if score >= weak and (e.specific or strength(e._replace(linked=False)) >= RULE["plain"]) else 0


def _blocks(index: Index) -> Iterator[tuple[bool, list[int]]]:
    """Blocks of two or more articles that share a key, each with whether its
    pairs must fall within :data:`WINDOW`. The keys of an article: its rarest
    shared stems (a rare name two reports share), every pair of its rarest
    shared headline stems (the words of a big story are common, but two of them
    together are not), both within the window; and the bands of its MinHash
    (copies, whenever they appeared)."""
    # A shared stem's rank: rarest first, ties by the stem; one int sorts fastest. A stem
    # most of the corpus shares is no key at all (its blocks would pair everything).
    common = max(KEY_DF, int(KEY_SHARE * len(index)))
    rank = {t: (n << 32) | t for t, n in index.df.items() if 1 < n <= common}
    low = (1 << 32) - 1
    stems, stem_owners, pairs, pair_owners = array("I"), array("i"), array("Q"), array("i")
    names, name_owners = array("Q"), array("i")
    name_rank = {e: (n, e) for e, n in index.name_df.items() if 1 < n <= common}
    for i in range(len(index)):
        held = index.names[index.names_at[i]:index.names_at[i + 1]].tolist()
        scarce = sorted(name_rank[e] for e in held if e in name_rank)[:NAME_KEYS]
        names.extend(e for _n, e in scarce)
        name_owners.extend([i] * len(scarce))
        title = index.title_set(i)
        rarest = sorted([rank[t] for t in index.stem_set(i, title) if t in rank])[:KEY_STEMS]
        stems.extend(r & low for r in rarest)
        stem_owners.extend([i] * len(rarest))
        rare = sorted([r & low for r in sorted([rank[t] for t in title if t in rank])[:TITLE_KEYS]])
        for a, b in combinations(rare, 2):
            pairs.append((a << 32) | b)
            pair_owners.append(i)
    for keys, owners in ((stems, stem_owners), (pairs, pair_owners), (names, name_owners)):
        yield from ((True, members) for members in _same_key(np.frombuffer(keys, keys.typecode),
                                                              np.frombuffer(owners, np.int32)))
    del stems, stem_owners, pairs, pair_owners, names, name_owners
    for members in _bands(index):
        yield False, members


def _same_key(keys: Any, owners: Any) -> Iterator[list[int]]:
    """The owners (in increasing order) of each key held by two or more (numpy arrays in)."""
    if not len(keys):
        return
    order = np.lexsort((owners, keys))
    k, o = keys[order], owners[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    ends = np.r_[starts[1:], len(k)]
    big = ends - starts > 1
    for start, end in zip(starts[big].tolist(), ends[big].tolist()):
        yield o[start:end].tolist()


def _bands(index: Index) -> Iterator[list[int]]:
    """Groups of articles whose MinHash agrees on all of one band (a band's values
    folded into one 64-bit number)."""
    rows = PERMUTATIONS // BANDS
    have = np.flatnonzero(index.minhash_len == PERMUTATIONS).astype(np.int64)
    if len(have) < 2:
        return
    mix = np.array([0x9E3779B97F4A7C15 * (2 * k + 1) % 2**64 for k in range(rows)], dtype=np.uint64)
    for band in range(BANDS):
        values = index.minhash[have, band * rows:(band + 1) * rows].astype(np.uint64)
        with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
            folded = (values * mix).sum(axis=1, dtype=np.uint64)
        yield from _same_key(folded, have)


def candidates(index: Index) -> Any:
    """Pairs ``(i, j)``, ``i < j``, worth scoring (see the module's step 2), as sorted
    unique codes ``i * len(index) + j`` (one numpy array: a set of tuples took 100 bytes a pair)."""
    n = len(index)
    days: list[int | None] = [None if d == NONE else d for d in index.day.tolist()]
    codes = array("q")
    for window, members in _blocks(index):
        if len(members) == 2:  # most blocks: members are in increasing order
            i, j = members
            di, dj = days[i], days[j]
            if not window or di is None or dj is None or abs(di - dj) <= WINDOW:
                codes.append(i * n + j)
        else:
            codes.extend(i * n + j for i, j in _near_in_time(days, members, window))
    found = np.frombuffer(codes, np.int64) if codes else np.empty(0, np.int64)
    return np.unique(np.concatenate([found, _linked_pairs(index)]))


def _linked_pairs(index: Index) -> Any:
    """Codes of the pairs in which one article lists the other as related."""
    n = len(index)
    if not n or not len(index.links):
        return np.empty(0, np.int64)
    order = np.argsort(index.codes, kind="stable")
    sorted_codes = index.codes[order]
    owners = np.repeat(np.arange(n, dtype=np.int64), np.diff(index.links_at))
    at = np.searchsorted(sorted_codes, index.links, side="right") - 1  # the last of equal codes
    found = (at >= 0) & (sorted_codes[np.maximum(at, 0)] == index.links)
    other, owners = order[at[found]].astype(np.int64), owners[found]
    keep = other != owners
    lo, hi = np.minimum(other, owners)[keep], np.maximum(other, owners)[keep]
    return lo * n + hi  # type: ignore[no-any-return]


def _near_in_time(days: Sequence[int | None], members: list[int], window: bool) -> Iterator[tuple[int, int]]:
    """Pairs of *members* at most :data:`WINDOW` days apart (any days apart when
    not *window*), each with its next :data:`NEIGHBOURS` at most; undated ones
    with the first :data:`NEIGHBOURS` of the block."""
    dated = sorted((i for i in members if days[i] is not None), key=lambda i: (days[i], i))
    undated = [i for i in members if days[i] is None]
    for n, i in enumerate(dated):
        for j in dated[n + 1:n + 1 + NEIGHBOURS]:
            if window and days[j] - days[i] > WINDOW:  # type: ignore[operator]
                break
            yield (min(i, j), max(i, j))
    for n, i in enumerate(undated):
        for j in (undated[n + 1:] + dated)[:NEIGHBOURS]:
            yield (min(i, j), max(i, j))


class _Groups:
    """Union-find over positions; the root of a group is its smallest position."""

    def __init__(self, n: int) -> None:
        self.parent = array("q", range(n))
        self.sizes = array("q", [1] * n)

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)
            self.sizes[min(a, b)] += self.sizes[max(a, b)]

    def size(self, root: int) -> int:
        return self.sizes[root]

    def roots(self) -> Any:
        return np.array([self.find(i) for i in range(len(self.parent))], dtype=np.int64)


def story_id(first_iri: str) -> str:
    """A story's id: 16 hex digits from its first member's IRI.

    >>> story_id("https://x.org/a") == story_id("https://x.org/a")
    True
    """
    return hashlib.blake2b(first_iri.encode("utf-8"), digest_size=8).hexdigest()


def cluster(sketches: Iterable[Sketch] | Index) -> Stories:
    """Stories and near-duplicates among *sketches* (in any order: same answer), or in an
    :class:`~kg.stories.index.Index` of them.

    >>> from datetime import datetime, timezone
    >>> from kg.stories.sketches import ArticleFacts, sketch
    >>> day = lambda d: datetime(2020, 6, d, tzinfo=timezone.utc)
    >>> arts = [ArticleFacts("a", "Microsoft won't sell face recognition to police", published=day(11)),
    ...         ArticleFacts("b", "Microsoft says it won't sell facial recognition to police", published=day(12)),
    ...         ArticleFacts("c", "Zoo sued over face scans", published=day(12))]
    >>> [s.members for s in cluster(sketch(a) for a in arts).stories]
    [('a', 'b')]
    """
    index = sketches if isinstance(sketches, Index) else Index.of(sketches)
    n = len(index)
    groups, copies = _Groups(n), _Groups(n)
    scored = array("q")  # i, j, kind of every pair scored
    pairs = candidates(index)
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start:start + BATCH]
        for i, j in zip((batch // max(n, 1)).tolist(), (batch % max(n, 1)).tolist()):
            e = evidence(index, i, j)  # every pair, also within a story: its ties are what step 5 checks
            if same_text(e):
                copies.join(i, j)
            kind = tie(e)
            if kind == 2:
                groups.join(i, j)
            scored.extend((i, j, kind | (e.linked << 2) | (e.named << 3)))
    del pairs
    _join_weak(groups, scored)
    members = _small_stories(index, _split_bridges(index, _members(index, groups), scored))
    return Stories(_collect(index, members), _duplicates(index, copies))


def _join_weak(groups: _Groups, scored: array[int]) -> None:
    """Join two groups when the pairs scored between them hold enough ties: at
    least ``weak_ties``, and at least a ``weak_share`` of the pairs (:data:`RULE`);
    or when one is a single article and they hold :data:`LINKED_MEMBERS` related links and a tie whose headlines share a
    word that is not among the corpus's commonest (:data:`NAMED_SHARE`): an article that
    lists nine members of a story as related coverage and names its subject ("ChatGPT"),
    not a feed's items of one day that list one another and share "facial recognition". One article with a
    tie or two to a big group stays out; one with ties to most of it comes in.
    Repeat until no more join."""
    pending = scored
    while True:
        left = array("q")
        ties: Counter[tuple[int, int]] = Counter()
        links: Counter[tuple[int, int]] = Counter()
        specific: set[tuple[int, int]] = set()
        tied: dict[tuple[int, int], set[int]] = {}  # the members of either group with a tie across
        pairs: Counter[tuple[int, int]] = Counter()
        for k in range(0, len(pending), 3):
            i, j, kind = pending[k:k + 3]
            a, b = groups.find(i), groups.find(j)
            if a != b:
                left.extend((i, j, kind))
                key = (a, b) if a < b else (b, a)
                pairs[key] += 1
                if kind & 3:
                    ties[key] += 1
                    tied.setdefault(key, set()).update((i, j))
                    if kind & 8:
                        specific.add(key)  # the headlines share a word few articles have
                if kind & 4:
                    links[key] += 1
        pending = left
        ready = sorted(key for key, n in ties.items()
                       if (n >= RULE["weak_ties"] and n >= RULE["weak_share"] * pairs[key]
                           and _covered(groups, key, tied[key]))
                       or (links[key] >= LINKED_MEMBERS and key in specific
                           and min(groups.size(key[0]), groups.size(key[1])) == 1))
        if not ready:
            return
        touched: set[int] = set()  # a group joins once a round: the next round weighs it as it now is
        for a, b in sorted(ready, key=lambda key: (-ties[key] / pairs[key], key)):
            if a not in touched and b not in touched:
                groups.join(a, b)
                touched.update((a, b))


def _covered(groups: _Groups, key: tuple[int, int], tied: set[int]) -> bool:
    """Whether the ties between two groups come from more than half the members of the
    smaller one (a group of two or more joins another by most of it, not by one member)."""
    a, b = key
    size = {a: groups.size(a), b: groups.size(b)}
    small = a if size[a] <= size[b] else b
    if size[small] < 2:
        return True
    return 2 * sum(1 for i in tied if groups.find(i) == small) > size[small]


def _split_bridges(index: Index, stories: list[list[int]], scored: array[int]) -> list[list[int]]:
    """*stories* with every one that a single article holds together cut at that article
    (see the module's step 5), until none is."""
    where = {m: s for s, members in enumerate(stories) for m in members}
    ties: dict[int, dict[int, int]] = {}
    for k in range(0, len(scored), 3):
        i, j, kind = scored[k:k + 3]
        if kind & 3 and i in where and where.get(j) == where[i]:
            ties.setdefault(i, {})[j] = ties.setdefault(j, {})[i] = kind & 3
    out: list[list[int]] = []
    todo = [sorted(members) for members in stories]
    while todo:
        members = todo.pop()
        parts = _cut(index, members, ties) if len(members) >= 5 else None
        if parts is None:
            out.append(members)
        else:
            todo.extend(parts)
    return out


#: Articles of each part, the nearest to the cut, compared before two parts are told apart.
BRIDGE_PROBES = 3


def _cut(index: Index, members: list[int], ties: dict[int, dict[int, int]]) -> list[list[int]] | None:
    """The parts of a story cut at its first article (by position) whose removal leaves two
    parts of two articles or more that do not tie: their articles nearest to it, compared
    now (the blocking compared an article only with a few neighbours in time, so a long story
    is a chain), tie nowhere. ``None`` when there is no such article."""
    inside = set(members)
    for v in _articulation_points(members, ties):
        parts = _components(inside - {v}, ties)
        big = [p for p in parts if len(p) >= 2]
        if len(big) < 2 or _parts_tie(index, v, big, ties):
            continue
        small = [m for p in parts if len(p) < 2 for m in p]
        pull = [sum(ties[v].get(m, 0) for m in p) for p in big]
        best = max(range(len(big)), key=lambda k: (pull[k], len(big[k]), -min(big[k])))
        big[best] = sorted(big[best] + [v] + small)
        return [sorted(p) for p in big]
    return None


def _parts_tie(index: Index, v: int, parts: list[list[int]], ties: dict[int, dict[int, int]]) -> bool:
    """Whether any two of *parts* tie, judged by their :data:`BRIDGE_PROBES` articles that
    tie most to *v* (then nearest in time to it)."""
    day = int(index.day[v])

    def probes(part: list[int]) -> list[int]:
        near = sorted(part, key=lambda m: (-ties[v].get(m, 0), abs(int(index.day[m]) - day), m))
        return near[:BRIDGE_PROBES]

    chosen = [probes(p) for p in parts]
    for a, b in combinations(range(len(chosen)), 2):
        for i in chosen[a]:
            for j in chosen[b]:
                if tie(evidence(index, min(i, j), max(i, j))):
                    return True
    return False


def _components(nodes: set[int], ties: dict[int, dict[int, int]]) -> list[list[int]]:
    seen: set[int] = set()
    out = []
    for start in sorted(nodes):
        if start in seen:
            continue
        seen.add(start)
        part, stack = [], [start]
        while stack:
            x = stack.pop()
            part.append(x)
            for y in ties.get(x, {}):
                if y in nodes and y not in seen:
                    seen.add(y)
                    stack.append(y)
        out.append(sorted(part))
    return out


def _articulation_points(members: list[int], ties: dict[int, dict[int, int]]) -> list[int]:
    """The articles whose removal disconnects the story's tie graph (Tarjan, iterative), by position."""
    inside = set(members)
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: set[int] = set()
    for root in members:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        children = 0
        stack = [(root, -1, iter(sorted(y for y in ties.get(root, {}) if y in inside)))]
        while stack:
            v, parent, neighbours = stack[-1]
            for w in neighbours:
                if w not in order:
                    order[w] = low[w] = len(order)
                    if v == root:
                        children += 1
                    stack.append((w, v, iter(sorted(y for y in ties.get(w, {}) if y in inside))))
                    break
                if w != parent:
                    low[v] = min(low[v], order[w])
            else:
                stack.pop()
                if stack:
                    u = stack[-1][0]
                    low[u] = min(low[u], low[v])
                    if u != root and low[v] >= order[u]:
                        found.add(u)
        if children > 1:
            found.add(root)
    return sorted(found)


#: Some text in common that a story of two or three articles needs (see :func:`_small_stories`).
SMALL_TEXT = 0.10


def _small_stories(index: Index, stories: list[list[int]]) -> list[list[int]]:
    """Stories of two or three articles keep only the members tied to another by something
    specific and some text, dated or else strongly (an undated page whose headline is the
    other's); a copy always counts. The others leave."""
    out = []
    for members in stories:
        if len(members) > 3:
            out.append(members)
            continue
        kept = []
        for m in members:
            for o in members:
                if o == m:
                    continue
                e = evidence(index, min(m, o), max(m, o))
                if same_text(e) or (e.specific and e.text >= SMALL_TEXT and (e.days is not None or tie(e) == 2)):
                    kept.append(m)
                    break
        if len(kept) >= 2:
            out.append(kept)
    return out


def _in_order(index: Index, members: list[int]) -> list[int]:
    """*members* in order of publication (undated last), then position."""
    return sorted(members, key=lambda k: (1 << 62 if index.minute[k] == NONE else int(index.minute[k]), k))


def _members(index: Index, groups: _Groups) -> list[list[int]]:
    """Every group of two or more, each in order of publication (undated last), then IRI."""
    roots = groups.roots()
    minute = np.where(index.minute == NONE, 1 << 62, index.minute)
    order = np.lexsort((np.arange(len(roots)), minute, roots))
    r = roots[order]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if len(r) else np.empty(0, np.int64)
    ends = np.r_[starts[1:], len(r)]
    big = ends - starts > 1
    return [order[a:b].tolist() for a, b in zip(starts[big].tolist(), ends[big].tolist())]


def _collect(index: Index, members: list[list[int]]) -> tuple[Story, ...]:
    ordered = [_in_order(index, m) for m in members]
    stories = [Story(story_id(index.iri(m[0])), tuple(index.iri(k) for k in m)) for m in ordered]
    return tuple(sorted(stories, key=lambda s: s.members[0]))


def _duplicates(index: Index, copies: _Groups) -> tuple[Duplicate, ...]:
    pairs = [Duplicate(index.iri(k), index.iri(m[0])) for m in _members(index, copies) for k in m[1:]]
    return tuple(sorted(pairs))
