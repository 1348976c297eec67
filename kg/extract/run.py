"""Running an extractor over documents: which text is read, known names, a cache.

Text read, per document: headline, excerpt or summary, body, Q&A, and each
related entry's title and excerpt (their mentions belong to the related
article). The model's raw output is cached by content hash in the output
folder; what the corpus knows is applied after, so a rebuild runs the model
only on new or changed text.

>>> from kg.model import Document
>>> doc = Document(source="a", format="feed", title="Rain in Nairobi", excerpt="Kenya's capital.")
>>> [(t, f) for t, f, _r in texts(doc)]
[('Rain in Nairobi', 'headline'), ("Kenya's capital.", 'excerpt')]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..identity.languages import lookup_language
from ..identity.names import is_single_name, name_key
from ..model import Document, Mention
from .base import Extractor, Span


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


def other_language(doc: Document, language: str) -> str | None:
    """The document's language, when it says it is written in one other than *language*
    (an extractor trained on English finds noise, not names, in German or Chinese).

    >>> other_language(Document(source="a", format="html", language="de-DE"), "en")
    'de'
    >>> other_language(Document(source="a", format="html", language="English"), "en") is None
    True
    """
    if not doc.language:
        return None
    code = lookup_language(doc.language.split("-")[0].split("_")[0])
    return code if code is not None and code != language else None


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
    """The model's raw spans by ``(extractor, model version, field, text)``, one JSON-lines
    file per extractor. Nothing the corpus knows is part of the key, so a new name in
    some file's fields re-runs the model on no text: it is applied after, by ``finish``."""

    def __init__(self, folder: Path | None, extractor: Extractor) -> None:
        self.path = folder / f"ner-{extractor.name}.jsonl" if folder else None
        self.tag = f"{extractor.name}:{extractor.model_version}"
        self.entries: dict[str, list[Span]] = {}
        self.used: set[str] = set()
        if self.path and self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self.entries[row["key"]] = [Span.from_row(r) for r in row["spans"]]
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                    continue  # a damaged line is extracted again

    def key(self, text: str, field: str) -> str:
        return hashlib.sha256(f"{self.tag}\x00{field}\x00{text}".encode()).hexdigest()

    def save(self) -> None:
        """Write the entries this build used (others are dropped) atomically."""
        if not self.path:
            return
        from ..io import atomic_write

        lines = [json.dumps({"key": k, "spans": [s.row() for s in self.entries[k]]}, ensure_ascii=False)
                 for k in sorted(self.used)]
        atomic_write(self.path, ("\n".join(lines) + "\n").encode("utf-8"))


_WORKER_EXTRACTOR: Extractor | None = None


def _spans_chunk(items: list[tuple[str, str]]) -> list[list[Span]]:
    assert _WORKER_EXTRACTOR is not None
    return _WORKER_EXTRACTOR.spans(items)


def balanced(items: list[tuple[str, str]], parts: int) -> list[list[tuple[str, str]]]:
    """*items* in order, cut into about *parts* chunks of similar total length.

    >>> [len(c) for c in balanced([("a" * 10, "body")] + [("b", "headline")] * 10, 2)]
    [1, 10]
    """
    total = sum(len(text) for text, _f in items) or 1
    budget = total / max(1, parts)
    chunks: list[list[tuple[str, str]]] = [[]]
    size = 0
    for item in items:
        if size >= budget and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += len(item[0])
    return chunks


def model_spans(extractor: Extractor, items: list[tuple[str, str]], workers: int | None = None) -> list[list[Span]]:
    """``extractor.spans`` over *items*, spread over forked processes (the loaded model is
    shared); chunks of similar length in characters, a few per process."""
    import sys

    from ..engines import run_tasks, workers_for

    global _WORKER_EXTRACTOR
    count = workers_for(len(items), workers)
    if count <= 1 or not sys.platform.startswith("linux"):
        return extractor.spans(items)
    _WORKER_EXTRACTOR = extractor
    try:
        parts = run_tasks(_spans_chunk, balanced(items, count * 4), count)
        return [s for part in parts for s in part]
    finally:
        _WORKER_EXTRACTOR = None


def extract_parallel(extractor: Extractor, items: list[tuple[str, str]], workers: int | None = None) -> list[list[Mention]]:
    """Both steps over *items*, the model's over processes (see :func:`model_spans`)."""
    return [extractor.finish(t, f, s) for (t, f), s in zip(items, model_spans(extractor, items, workers))]


def extract_documents(docs: list[Document], extractor: Extractor, cache_dir: Path | None = None,
                      salt: str = "", workers: int | None = None) -> dict[str, int]:
    """Fill ``doc.mentions`` for every document; return counts (texts; ``extracted``: distinct
    texts the model read; ``cached``: the others). Each distinct text goes through the model
    once (related excerpts repeat across files) and only when the cache lacks it; *salt* is
    accepted for callers that pass one and no longer matters (see :class:`Cache`)."""
    cache = Cache(cache_dir, extractor)
    todo: list[tuple[str, str]] = []
    keys: list[str] = []
    queued: set[str] = set()
    places: list[tuple[Document, str, str, int | None, str]] = []
    for doc in docs:
        foreign = other_language(doc, getattr(extractor, "language", "en"))
        if foreign:
            doc.notes.append(f"text not read for names: written in {foreign}, the extractor reads "
                             f"{getattr(extractor, 'language', 'en')}")
            continue
        for text, field, related in texts(doc):
            key = cache.key(text, field)
            places.append((doc, text, field, related, key))
            if key not in cache.entries and key not in queued:
                todo.append((text, field))
                keys.append(key)
                queued.add(key)
    for key, spans in zip(keys, model_spans(extractor, todo, workers)):
        cache.entries[key] = spans
    finished: dict[str, list[Mention]] = {}
    for doc, text, field, related, key in places:
        cache.used.add(key)
        if key not in finished:
            finished[key] = extractor.finish(text, field, cache.entries[key])
        authors = {name_key(a) for a in [*doc.authors, *doc.editors]} if related is None else set()
        for m in finished[key]:
            if m.type == "person" and name_key(m.text) in authors:
                continue  # the byline's author is the author, not a mention
            doc.mentions.append(replace(m, related=related))
    cache.save()
    return {"texts": len(places), "extracted": len(todo), "cached": len(places) - len(todo)}
