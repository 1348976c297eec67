"""Sketches as columns: what story detection keeps of every article, in a few hundred bytes.

:class:`Index` holds the sketches of a corpus in IRI order as numpy columns (the IRIs as
one fixed-width byte array, the stem, entity and link codes as flat arrays with offsets,
the MinHash as one matrix), filled while the sketches stream past, so no process holds a
Python object per sketch: 250,000 sketches took 750 MB as named tuples and another 750 MB
as the frozensets scoring reads; with columns the whole clustering took 291 MB max RSS.
The sets that scoring reads are made when a pair is scored (:meth:`Index.sets`), in the same way as before, so every
float is summed in the same order and the stories are the same.

>>> from kg.stories.sketches import ArticleFacts, sketch
>>> sketches = [sketch(ArticleFacts(f"https://x.org/{k}", f"Harbour {k} closes")) for k in "ba"]
>>> index = Index.of(sketches)
>>> index.iri(0), index.sketch(1) == sketches[0], len(index)
('https://x.org/a', True, 2)
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from .sketches import PERMUTATIONS, Sketch, iri_code

#: Documents without the word assumed besides the corpus, so that in a folder of a
#: few articles a word they share still counts (its weight is log((N + this) / df)).
BACKGROUND = 10
#: A missing day, minute or outlet.
NONE = -(1 << 62)
#: Sets of this many articles are kept for the pairs that follow (scored pairs come in order).
SET_CACHE = 1 << 12


class _Ragged:
    """Rows of ints of any length: one flat array and where each row starts."""

    def __init__(self, typecode: str) -> None:
        self.flat = array(typecode)
        self.ends = array("q")

    def add(self, values: Iterable[int]) -> None:
        self.flat.extend(values)
        self.ends.append(len(self.flat))

    def arrays(self, order: Any, dtype: Any) -> tuple[Any, Any]:
        """The rows in *order*, as (flat, offsets) numpy arrays."""
        flat = np.frombuffer(self.flat, dtype=dtype) if len(self.flat) else np.empty(0, dtype=dtype)
        ends = np.frombuffer(self.ends, dtype=np.int64) if len(self.ends) else np.empty(0, dtype=np.int64)
        starts = np.r_[0, ends[:-1]] if len(ends) else ends
        lengths = (ends - starts)[order]
        offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
        take = np.repeat(starts[order] - offsets[:-1], lengths) + np.arange(offsets[-1])
        return flat[take].copy(), offsets


class Index:
    """Sketches in IRI order (one per IRI: the greatest, as a tuple, when an IRI comes twice),
    as columns, with the document frequency of every stem, its squared weight, and each
    article's stem and headline norms."""

    # int64 columns (NONE: missing), the outlet code and whether there is one, MinHash lengths
    day: Any
    minute: Any
    size: Any
    headline: Any
    signals: Any
    outlet: Any
    has_outlet: Any
    minhash_len: Any

    def __init__(self, sketches: Iterable[Sketch | Any]) -> None:
        blob, widths = bytearray(), array("q")
        ints = {name: array("q") for name in ("day", "minute", "size", "headline", "signals")}
        outlets, has_outlet = array("Q"), array("b")
        rows = {"title": _Ragged("I"), "terms": _Ragged("I"), "names": _Ragged("Q"), "links": _Ragged("Q")}
        hashes, lengths = array("I"), array("b")
        for s in sketches:
            iri, day, minute, outlet, title, terms, names, links, minhash, size, headline, *more = s
            encoded = iri.encode("utf-8")
            blob += encoded
            widths.append(len(encoded))
            ints["day"].append(NONE if day is None else day)
            ints["minute"].append(NONE if minute is None else minute)
            outlets.append(outlet or 0)
            has_outlet.append(outlet is not None)
            ints["size"].append(size)
            ints["headline"].append(headline)
            ints["signals"].append(more[0] if more else 0)
            for name, values in (("title", title), ("terms", terms), ("names", names), ("links", links)):
                rows[name].add(values)
            hashes.extend(minhash)
            hashes.extend([0] * (PERMUTATIONS - len(minhash)))
            lengths.append(len(minhash))
        columns = {k: _np(v, np.int64) for k, v in ints.items()}
        columns["outlet"], columns["has_outlet"] = _np(outlets, np.uint64), _np(has_outlet, np.int8)
        columns["minhash_len"] = _np(lengths, np.int8)
        self._columns(_fixed_width(blob, widths), columns, rows, _np(hashes, np.uint32).reshape(-1, PERMUTATIONS))
        self._weigh()
        self._cache: dict[int, tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int]]] = {}

    @classmethod
    def of(cls, sketches: Iterable[Sketch | Any]) -> Index:
        return cls(sketches)

    def _columns(self, iris: Any, columns: dict[str, Any], rows: dict[str, _Ragged], minhash: Any) -> None:
        self._iris, self._cols, self._rows, self.minhash = iris, columns, rows, minhash
        order = self._unique(np.argsort(iris, kind="stable"))
        self._iris, self.minhash = iris[order], minhash[order]
        for name, column in columns.items():
            setattr(self, name, column[order])
        self.title, self.title_at = rows["title"].arrays(order, np.uint32)
        self.terms, self.terms_at = rows["terms"].arrays(order, np.uint32)
        self.names, self.names_at = rows["names"].arrays(order, np.uint64)
        self.links, self.links_at = rows["links"].arrays(order, np.uint64)
        del self._cols, self._rows
        self.n = len(order)
        self.codes = np.array([iri_code(self.iri(i)) for i in range(self.n)], dtype=np.uint64)

    def _unique(self, order: Any) -> Any:
        """*order* without the lesser sketches of an IRI that came twice."""
        ordered = self._iris[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1]) if len(order) > 1 else np.empty(0, np.int64)
        if not len(same):
            return order
        drop = set()
        for at in same.tolist():
            a, b = int(order[at]), int(order[at + 1])
            keep, lose = (a, b) if self._raw(a) >= self._raw(b) else (b, a)
            order[at], order[at + 1] = lose, keep  # the kept one goes on to meet the next
            drop.add(at)
        return order[np.setdiff1d(np.arange(len(order)), np.array(sorted(drop)))]

    def _raw(self, i: int) -> Sketch:
        """Sketch *i* in the order the sketches came (before the columns are ordered)."""
        c, r = self._cols, self._rows

        def row(name: str) -> tuple[int, ...]:
            ends = r[name].ends
            return tuple(r[name].flat[(ends[i - 1] if i else 0):ends[i]])

        return _sketch(self._iris[i], {k: v[i] for k, v in c.items()}, row("title"), row("terms"), row("names"),
                       row("links"), self.minhash[i])

    def _weigh(self) -> None:
        """Document frequency of every stem, squared weights, norms: summed exactly as
        frozensets of the sketch's own order iterate, so that every float is the same."""
        df: Counter[int] = Counter()
        for i in range(self.n):
            df.update(self.stem_set(i, self.title_set(i)))
        n = self.n + BACKGROUND
        self.df = df
        self.name_df = Counter(self.names.tolist())
        self.weight2 = {t: math.log(n / c) ** 2 for t, c in df.items()}
        w2 = self.weight2
        norms, title_norms = array("d"), array("d")
        for i in range(self.n):
            title = self.title_set(i)
            norms.append(math.sqrt(sum(w2[t] for t in self.stem_set(i, title))))
            title_norms.append(math.sqrt(sum(w2[t] for t in title)))
        self.norms, self.title_norms = norms, title_norms

    def __len__(self) -> int:
        return self.n

    def iri(self, i: int) -> str:
        return str(self._iris[i].decode("utf-8"))

    def title_set(self, i: int) -> frozenset[int]:
        return frozenset(self.title[self.title_at[i]:self.title_at[i + 1]].tolist())

    def stem_set(self, i: int, title: frozenset[int]) -> frozenset[int]:
        return title | frozenset(self.terms[self.terms_at[i]:self.terms_at[i + 1]].tolist())

    def title_length(self, i: int) -> int:
        return int(self.title_at[i + 1] - self.title_at[i])

    def sets(self, i: int) -> tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int]]:
        """Headline stems, all stems, entities and links of article *i* (kept for a while:
        the pairs scored come in order of their first article)."""
        found = self._cache.get(i)
        if found is None:
            if len(self._cache) >= SET_CACHE:
                self._cache.clear()
            title = self.title_set(i)
            found = self._cache[i] = (
                title, self.stem_set(i, title),
                frozenset(self.names[self.names_at[i]:self.names_at[i + 1]].tolist()),
                frozenset(self.links[self.links_at[i]:self.links_at[i + 1]].tolist()))
        return found

    def sketch(self, i: int) -> Sketch:
        """Sketch *i* again, as it came."""
        def row(flat: Any, at: Any) -> tuple[int, ...]:
            return tuple(flat[at[i]:at[i + 1]].tolist())

        values = {k: getattr(self, k)[i] for k in ("day", "minute", "size", "headline", "signals", "outlet",
                                                   "has_outlet", "minhash_len")}
        return _sketch(self._iris[i], values, row(self.title, self.title_at), row(self.terms, self.terms_at),
                       row(self.names, self.names_at), row(self.links, self.links_at), self.minhash[i])

    @property
    def sketches(self) -> list[Sketch]:
        """Every sketch, in IRI order (for tests and small corpora: a Python object each)."""
        return [self.sketch(i) for i in range(self.n)]


def _np(values: Any, dtype: Any) -> Any:
    return np.frombuffer(values, dtype=dtype) if len(values) else np.empty(0, dtype=dtype)


def _fixed_width(blob: bytearray, widths: Any) -> Any:
    """The IRIs as one array of fixed-width byte strings (kg's article IRIs are all one length)."""
    lengths = _np(widths, np.int64)
    if not len(lengths):
        return np.empty(0, dtype="S1")
    width = int(lengths.max()) or 1
    if (lengths == width).all():
        return np.frombuffer(bytes(blob), dtype=f"S{width}")
    out = np.zeros(len(lengths), dtype=f"S{width}")
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    for k, (start, length) in enumerate(zip(starts.tolist(), lengths.tolist())):
        out[k] = bytes(blob[start:start + length])
    return out


def _sketch(iri: bytes, v: dict[str, Any], title: tuple[int, ...], terms: tuple[int, ...], names: tuple[int, ...],
            links: tuple[int, ...], minhash: Any) -> Sketch:
    def maybe(x: Any) -> int | None:
        return None if int(x) == NONE else int(x)

    return Sketch(iri.decode("utf-8"), maybe(v["day"]), maybe(v["minute"]),
                  int(v["outlet"]) if v["has_outlet"] else None, title, terms, names, links,
                  tuple(minhash[:int(v["minhash_len"])].tolist()), int(v["size"]), int(v["headline"]), int(v["signals"]))
