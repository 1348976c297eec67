"""The extractor contract, its two steps, and the mention record.

An extractor works in two steps, so that the slow one is cached and run once
per distinct text while what the corpus knows is applied afresh each build:

1. :meth:`Extractor.spans` — the model (or the fixed rules) over many
   ``(text, field)`` items: raw :class:`Span` objects with the model's own
   label, depending on nothing but the text and the field;
2. :meth:`Extractor.finish` — cheap Python over one text's spans: surface
   forms cut to the name, types corrected, names the corpus gives in fields
   applied; returns :class:`~kg.model.Mention` records.

>>> Mention("China", "place", "excerpt", 0, 5, "rules").text
'China'
>>> Span.from_row(Span(0, 5, "GPE").row())
Span(start=0, end=5, label='GPE', score=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..model import Mention

#: The entity types extractors report.
TYPES = ("organization", "person", "place")


@dataclass(frozen=True)
class Span:
    """One stretch of text a model named, with its own label (``ORG``, ``GPE`` …)
    and score where it gives one."""

    start: int
    end: int
    label: str
    score: float | None = None

    def row(self) -> list[Any]:
        """As a JSON row for the cache."""
        return [self.start, self.end, self.label, self.score]

    @classmethod
    def from_row(cls, row: list[Any]) -> Span:
        start, end, label, score = row
        return cls(int(start), int(end), str(label), None if score is None else float(score))


@runtime_checkable
class Extractor(Protocol):
    """Finds mentions in text; both steps pure, so they run in any process.

    ``model_version`` names everything :meth:`spans` depends on (the cache key);
    ``version`` also covers :meth:`finish`.
    """

    name: str
    version: str
    model_version: str

    def spans(self, items: list[tuple[str, str]]) -> list[list[Span]]: ...

    def finish(self, text: str, field: str, spans: list[Span]) -> list[Mention]: ...

    def extract(self, text: str, field: str) -> list[Mention]: ...


def title_case(text: str) -> bool:
    """Most longer words capitalised, as in "China Plans To Restrict Use Of …".

    >>> title_case("China Plans To Restrict Use Of Facial Recognition"), title_case("China closes record breaches")
    (True, False)
    """
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.7


def extract_all(extractor: Extractor, items: list[tuple[str, str]]) -> list[list[Mention]]:
    """Mentions for many ``(text, field)`` items: both steps, the first batched."""
    return [extractor.finish(text, field, spans) for (text, field), spans in zip(items, extractor.spans(items))]


class NoExtractor:
    """Finds nothing (``--ner none``)."""

    name = "none"
    version = "1"
    model_version = "1"

    def spans(self, items: list[tuple[str, str]]) -> list[list[Span]]:
        return [[] for _ in items]

    def finish(self, text: str, field: str, spans: list[Span]) -> list[Mention]:
        return []

    def extract(self, text: str, field: str) -> list[Mention]:
        return []
