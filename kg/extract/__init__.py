"""Entity extractors: organisations, people and places found in the text itself.

One small interface (:class:`~kg.extract.base.Extractor`), a registry keyed by
name, imported only when asked for:

``none``   no extraction;
``rules``  gazetteers, organisation and title cues, names the corpus knows from fields;
``spacy``  a spaCy English pipeline (``en_core_web_sm``, installed with kg; or any other),
           its mentions corrected by kg's rules — the default.

Each works in two steps (:mod:`kg.extract.base`): the slow one cached per text,
the cheap one applying what the corpus knows.

>>> get_extractor("none").extract("China and Kenya", "excerpt")
[]
>>> available()[0]
'none'
"""

from __future__ import annotations

import importlib.util
from typing import Any

from ..errors import KGError
from .base import Extractor, Mention

EXTRACTORS = ("none", "rules", "spacy")


def spacy_installed() -> bool:
    """True when spaCy and at least one English pipeline can be imported."""
    if importlib.util.find_spec("spacy") is None:
        return False
    from .spacy_ner import find_model

    return find_model(None) is not None


def available() -> list[str]:
    """The extractors this installation can run, weakest first."""
    return ["none", "rules"] + (["spacy"] if spacy_installed() else [])


def best_available() -> str:
    """The default: the best extractor that is installed."""
    return available()[-1]


def get_extractor(name: str, **options: Any) -> Extractor:
    """An extractor by name; options go to its constructor (``known``, ``model``)."""
    if name == "none":
        from .base import NoExtractor

        return NoExtractor()
    if name == "rules":
        from .rules import RulesExtractor

        return RulesExtractor(known=options.get("known"))
    if name == "spacy":
        from .spacy_ner import SpacyExtractor

        return SpacyExtractor(model=options.get("model"), known=options.get("known"))
    raise KGError(f"unknown extractor {name!r} (known: {', '.join(EXTRACTORS)})")


__all__ = ["EXTRACTORS", "Extractor", "Mention", "available", "best_available", "get_extractor"]
