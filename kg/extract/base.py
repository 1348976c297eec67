"""The extractor contract and the mention record.

>>> Mention("China", "place", "excerpt", 0, 5, "rules").text
'China'
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..model import Mention

#: The entity types extractors report.
TYPES = ("organization", "person", "place")


@runtime_checkable
class Extractor(Protocol):
    """Finds mentions in one text; pure, so it can run in any process."""

    name: str
    version: str

    def extract(self, text: str, field: str) -> list[Mention]: ...


def extract_all(extractor: Extractor, items: list[tuple[str, str]]) -> list[list[Mention]]:
    """Mentions for many ``(text, field)`` items; extractors may batch (spaCy's ``pipe``)."""
    batch = getattr(extractor, "extract_batch", None)
    if batch is not None:
        result: list[list[Mention]] = batch(items)
        return result
    return [extractor.extract(text, field) for text, field in items]


class NoExtractor:
    """Finds nothing (``--ner none``)."""

    name = "none"
    version = "1"

    def extract(self, text: str, field: str) -> list[Mention]:
        return []
