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


def title_case(text: str) -> bool:
    """Most longer words capitalised, as in "China Plans To Restrict Use Of …".

    >>> title_case("China Plans To Restrict Use Of Facial Recognition"), title_case("China closes record breaches")
    (True, False)
    """
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.7


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
