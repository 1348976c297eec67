"""Running an extractor over documents: which text is read, known names, a cache.

Text read, per document: headline, excerpt or summary, body, Q&A, and each
related entry's title and excerpt (their mentions belong to the related
article). Results are cached by content hash in the output folder, so a
rebuild only extracts from changed text.

>>> from kg.model import Document
>>> doc = Document(source="a", format="feed", title="Rain in Nairobi", excerpt="Kenya's capital.")
>>> [(t, f) for t, f, _r in texts(doc)]
[('Rain in Nairobi', 'headline'), ("Kenya's capital.", 'excerpt')]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from ..identity.names import is_single_name, name_key
from ..model import Document, Mention
from .base import Extractor, extract_all


def texts(doc: Document) -> Iterator[tuple[str, str, int | None]]:
    """``(text, field, related index)`` for every piece of text a document has."""
    if doc.title:
        yield doc.title, "headline", None
    if doc.excerpt:
        yield doc.excerpt, "excerpt", None
    if doc.body:
        yield "\n\n".join(doc.body), "body", None
    for n, qa in enumerate(doc.qa):
        yield qa.question, f"question{n + 1}", None
        yield qa.answer, f"answer{n + 1}", None
    for i, rel in enumerate(doc.related):
        if rel.title:
            yield rel.title, "related headline", i
        if rel.excerpt:
            yield rel.excerpt, "related excerpt", i


def known_names(docs: list[Document]) -> dict[str, str]:
    """Names the corpus gives in fields, with their types: outlets and
    organisations (organisation), full names of people and authors (person)."""
    known: dict[str, str] = {}
    for doc in docs:
        for org in doc.organizations:
            known.setdefault(org, "organization")
        if doc.provider and doc.provider.name:
            known.setdefault(doc.provider.name, "organization")
        if doc.site_name:
            known.setdefault(doc.site_name, "organization")
        for person in [*doc.people, *doc.authors, *doc.editors]:
            if not is_single_name(person):
                known.setdefault(person, "person")
    return dict(sorted(known.items()))


class Cache:
    """Mentions by content hash, one JSON-lines file per extractor version."""

    def __init__(self, folder: Path | None, extractor: Extractor, salt: str = "") -> None:
        self.path = folder / f"ner-{extractor.name}.jsonl" if folder else None
        self.tag = f"{extractor.name}:{extractor.version}:{salt}"
        self.entries: dict[str, list[dict]] = {}
        self.used: set[str] = set()
        if self.path and self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                self.entries[row["key"]] = row["mentions"]

    def key(self, text: str, field: str) -> str:
        return hashlib.sha256(f"{self.tag}\x00{field}\x00{text}".encode()).hexdigest()

    def save(self) -> None:
        """Write the entries this build used (others are dropped) atomically."""
        if not self.path:
            return
        from ..io import atomic_write

        lines = [json.dumps({"key": k, "mentions": self.entries[k]}, ensure_ascii=False) for k in sorted(self.used)]
        atomic_write(self.path, ("\n".join(lines) + "\n").encode("utf-8"))


_WORKER_EXTRACTOR: Extractor | None = None


def _extract_chunk(items: list[tuple[str, str]]) -> list[list[Mention]]:
    assert _WORKER_EXTRACTOR is not None
    return extract_all(_WORKER_EXTRACTOR, items)


def extract_parallel(extractor: Extractor, items: list[tuple[str, str]], workers: int | None = None) -> list[list[Mention]]:
    """:func:`extract_all` spread over processes (forked, so a loaded model is shared)."""
    import sys

    from ..engines import chunked, run_tasks, workers_for

    global _WORKER_EXTRACTOR
    count = workers_for(len(items), workers)
    if count <= 1 or not sys.platform.startswith("linux"):
        return extract_all(extractor, items)
    _WORKER_EXTRACTOR = extractor
    try:
        parts = run_tasks(_extract_chunk, chunked(items, count, smallest=50, largest=len(items)), count)
        return [m for part in parts for m in part]
    finally:
        _WORKER_EXTRACTOR = None


def extract_documents(docs: list[Document], extractor: Extractor, cache_dir: Path | None = None,
                      salt: str = "", workers: int | None = None) -> dict[str, int]:
    """Fill ``doc.mentions`` for every document; return counts (texts, cached, extracted)."""
    cache = Cache(cache_dir, extractor, salt)
    todo: list[tuple[str, str]] = []
    keys: list[str] = []
    queued: set[str] = set()
    places: list[tuple[Document, str, str, int | None, str]] = []
    for doc in docs:
        for text, field, related in texts(doc):
            key = cache.key(text, field)
            places.append((doc, text, field, related, key))
            if key not in cache.entries and key not in queued:
                todo.append((text, field))
                keys.append(key)
                queued.add(key)
    for key, mentions in zip(keys, extract_parallel(extractor, todo, workers)):
        cache.entries[key] = [asdict(m) for m in mentions]
    for doc, _text, _field, related, key in places:
        cache.used.add(key)
        authors = {name_key(a) for a in [*doc.authors, *doc.editors]} if related is None else set()
        for row in cache.entries[key]:
            mention = Mention(**{**row, "related": related})
            if mention.type == "person" and name_key(mention.text) in authors:
                continue  # the byline's author is the author, not a mention
            doc.mentions.append(mention)
    cache.save()
    return {"texts": len(places), "extracted": len(todo), "cached": len(places) - len(todo)}
