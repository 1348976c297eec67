"""One article → one small :class:`Sketch`: all that story detection needs of it.

The sketch is made wherever the build knows the article (ideally once its node is settled) and kept
in kg's cache, so it is plain data: a named tuple of strings, ints and tuples
of ints, a few hundred bytes whatever the length of the text.

What it keeps, and why:

- ``day`` — the UTC day of publication: reports of one event come within days;
  ``minute`` — the UTC minute, to tell which of two copies came first.
- ``title`` / ``terms`` — the headline's word stems, and the first distinct
  stems of the excerpt or body (:mod:`kg.stories.text`), as 32-bit codes: two
  reports of one event share their rarer words.
- ``names`` — the entities the article mentions; ``links`` — the articles it
  lists as related coverage (64-bit codes of their IRIs): evidence, not proof.
- ``minhash`` / ``size`` — a MinHash of the whole text's word triples and how
  many triples it had: near-identical texts (syndicated copies) agree on most
  of it; ``headline`` — a code of the headline's exact words (0: none);
  ``signals`` — what kind of piece the headline says it is (:func:`headline_signals`:
  a listicle, an explainer, a deal, a rumour, a lawsuit, a settlement …).

Topic labels are not kept: a feed's topics ("AI", "Facial Recognition") name
whole fields, and so say nothing about the event.

>>> from datetime import datetime, timezone
>>> a = ArticleFacts("https://x.org/a", headline="Court rules on Zoo face scans",
...                  published=datetime(2019, 11, 4, 17, 0, tzinfo=timezone.utc))
>>> s = sketch(a)
>>> s.day, len(s.title), s == Sketch(*s)
(18204, 5, True)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple

from .text import code, distinct, stems, words

#: The sketch's version: changed whenever its fields or how they are computed change,
#: so that a cache of sketches made by another version is not mixed with new ones.
VERSION = 3
#: At most this many headline stems, and excerpt/body stems, are kept.
TITLE_STEMS = 24
TEXT_STEMS = 40
#: At most this many entities and related links.
NAMES = 16
LINKS = 32
#: MinHash values kept, and the words per shingle.
PERMUTATIONS = 32
SHINGLE = 3
#: Characters of the body read: enough for any copy to show, bounded for huge pages.
BODY_CHARS = 20_000
MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class ArticleFacts:
    """What the build knows of one article node.

    ``outlet`` and the entries of ``entities`` and ``related`` are IRIs;
    ``topics`` are labels (kept for callers; the sketch ignores them);
    ``by_reference``: known only from another document's related list
    (headline, excerpt, date and outlet; no body).
    """

    iri: str
    headline: str | None = None
    excerpt: str | None = None
    body: str | None = None
    published: datetime | None = None
    outlet: str | None = None
    entities: Sequence[str] = ()
    topics: Sequence[str] = ()
    related: Sequence[str] = ()
    by_reference: bool = False


class Sketch(NamedTuple):
    """The plain-data summary of one article that :func:`kg.stories.clustering.cluster` reads.

    Rebuild one from its stored form with ``Sketch(*values)``.
    """

    iri: str
    day: int | None
    minute: int | None
    outlet: int | None
    title: tuple[int, ...]
    terms: tuple[int, ...]
    names: tuple[int, ...]
    links: tuple[int, ...]
    minhash: tuple[int, ...]
    size: int
    headline: int
    signals: int = 0


def iri_code(iri: str) -> int:
    """A stable 64-bit number for an IRI (how sketches refer to other articles).

    >>> iri_code("https://x.org/a") == iri_code("https://x.org/a")
    True
    """
    return int.from_bytes(hashlib.blake2b(iri.encode("utf-8"), digest_size=8).digest(), "big")


def utc_minute(when: datetime | None) -> int | None:
    """Minutes since 1970-01-01 00:00 UTC of *when* (a naive datetime is taken as UTC).

    >>> utc_minute(datetime(1970, 1, 2, 23, 0, tzinfo=timezone.utc)) // MINUTES_A_DAY
    1
    """
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int((when - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds() // 60)


@lru_cache(maxsize=1)
def _permutations() -> Any:
    """Fixed multipliers (odd) and offsets of the MinHash's hash functions.

    Written here rather than taken from a library: the values end up in kg's
    cache, so they must never change with a library's defaults.
    """
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(20240617))
    a = rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


def minhash(tokens: Sequence[str]) -> tuple[tuple[int, ...], int]:
    """The MinHash of *tokens*' word triples (multiply-shift hashing of their
    CRCs), and how many distinct triples there were; ``((), n)`` below 2.

    >>> m1, n1 = minhash("the quick brown fox jumps over the lazy dog".split())
    >>> m2, n2 = minhash("the quick brown fox jumps over the lazy cat".split())
    >>> n1, len(m1), sum(x == y for x, y in zip(m1, m2)) > len(m1) // 2
    (7, 32, True)
    """
    import numpy as np

    shingles = {code(" ".join(tokens[i:i + SHINGLE])) for i in range(max(1, len(tokens) - SHINGLE + 1))}
    if len(shingles) < 2:
        return (), len(shingles)
    a, b = _permutations()
    values = np.fromiter(shingles, dtype=np.uint64, count=len(shingles))
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        hashed = (values[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return tuple(int(v) for v in hashed.min(axis=0)), len(shingles)


_PIPE = re.compile(r"\s+\|\s+")
_DASH = re.compile(r"\s+[-–—]\s+(?=[^-–—]+$)")


def core_headline(headline: str) -> str:
    """A headline without what sites append to it: everything after `` | `` (a site or
    section name: "God of War Ragnarok … | CBR - CBR - Comic Book Resources") and a last
    `` - X`` of three words or fewer (an outlet, "… - Nintendo Life").

    >>> core_headline("God of War Ragnarok To Release on Both PS4 and PS5 | CBR - CBR - Comic Book Resources")
    'God of War Ragnarok To Release on Both PS4 and PS5'
    >>> core_headline("Bills win wild-card game - The Athletic"), core_headline("Russia - Ukraine talks")
    ('Bills win wild-card game', 'Russia - Ukraine talks')
    """
    first = _PIPE.split(headline, maxsplit=1)[0]
    if len(first.split()) >= 3:
        headline = first
    parts = _DASH.split(headline)
    if len(parts) == 2 and len(parts[1].split()) <= 3 and len(parts[0].split()) >= 4:
        headline = parts[0]
    return headline


#: What kind of piece a headline says it is: ``(bit, pattern)``. Pieces of the kinds in
#: :data:`NO_EVENT` report no event (a listicle, a "What is …" explainer, a market report);
#: pieces of two different kinds among the others are two events ("… prices leaked" and
#: "How to watch …"; a lawsuit filed and a settlement; a rumour and a price cut).
SIGNALS = {
    "listicle": (1, re.compile(r"^\W*(?:the\s+|top\s+)?\d{1,3}\s+(?!(?:years?|months?|days?|hours?|percent|million|"
                               r"billion|people|dead|killed|takeaways|things\s+we\s+learned|lessons)\b)[a-z]",
                               re.IGNORECASE)),
    "explainer": (2, re.compile(r"^\W*(?:what|who)\s+(?:is|are)\b|^\W*how\s+to\b|\beverything\s+you\s+need\s+to\s+know\b|"
                                r"\ba\s+guide\s+to\b", re.IGNORECASE)),
    "market": (4, re.compile(r"\bmarket\s+(?:size|share|report|analysis|research|growth|forecast|outlook|trends?)\b|"
                             r"\bcagr\b|\bforecast\s+period\b", re.IGNORECASE)),
    "deal": (8, re.compile(r"\bdeals?:|\bdiscount|\bon\s+sale\b|\d+%\s+off\b|[£$€]\s?\d+\s+off\b|\bprice\s+cut\b|"
                           r"\bcheapest\b|\bblack\s+friday\b", re.IGNORECASE)),
    "rumour": (16, re.compile(r"\brumou?r|\bleak(?:s|ed)?\b|\btipped\b", re.IGNORECASE)),
    "review": (32, re.compile(r"\breview\b|\bhands[- ]on\b|\bi\s+tried\b", re.IGNORECASE)),
    "lawsuit": (64, re.compile(r"\blawsuits?\b|\bsues?\b|\bsued\b|\bsuit\b|\bclass[- ]action\b", re.IGNORECASE)),
    "settlement": (128, re.compile(r"\bsettle(?:s|d|ment)?\b|\bagrees?\s+to\s+pay\b", re.IGNORECASE)),
    "watch": (256, re.compile(r"\bhow\s+to\s+watch\b|\blive\s?stream|\bwatch\s+live\b", re.IGNORECASE)),
}
#: Signals of pieces that report no event: such a piece joins no story, except as a copy.
NO_EVENT = 1 | 2 | 4


def headline_signals(headline: str) -> int:
    """The :data:`SIGNALS` bits of *headline*.

    >>> headline_signals("5 ways AI will change the world"), headline_signals("Samsung Galaxy S21 prices leaked")
    (1, 16)
    >>> headline_signals("5 million people use it"), headline_signals("Illinois privacy law leads to $550M Facebook settlement")
    (0, 128)
    """
    bits = 0
    for bit, pattern in SIGNALS.values():
        if pattern.search(headline):
            bits |= bit
    return bits


def sketch(article: ArticleFacts) -> Sketch:
    """The :class:`Sketch` of one article (pure: same facts, same sketch)."""
    headline = list(words(core_headline(article.headline or "")))
    lead = list(words(" ".join(t for t in (article.excerpt, (article.body or "")[:BODY_CHARS]) if t)))
    title = distinct((code(s) for s in stems(headline)), TITLE_STEMS)
    terms = distinct((code(s) for s in stems(lead)), TEXT_STEMS)
    hashes, size = minhash(headline + lead)
    minute = utc_minute(article.published)
    return Sketch(
        iri=article.iri,
        day=None if minute is None else minute // MINUTES_A_DAY,
        minute=minute,
        outlet=iri_code(article.outlet) if article.outlet else None,
        title=title,
        terms=terms,
        names=tuple(sorted({iri_code(e) for e in article.entities}))[:NAMES],
        links=tuple(sorted({iri_code(r) for r in article.related if r != article.iri}))[:LINKS],
        minhash=hashes,
        size=size,
        headline=code(" ".join(headline)) if headline else 0,
        signals=headline_signals(article.headline or ""),
    )
