"""kg turns folders of news documents into a knowledge graph.

>>> import kg
>>> result = kg.build(["data"])          # doctest: +SKIP
>>> result.graph.number_of_nodes()       # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import BuildResult


def build(paths: Any, **overrides: Any) -> "BuildResult":
    """Read every file under *paths* and build the graph; see :func:`kg.pipeline.build`.

    Keyword arguments override fields of :class:`kg.pipeline.Options`.
    """
    from pathlib import Path

    from .pipeline import Options, build as _build

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return _build(list(paths), Options(**overrides))


__all__ = ["build", "__version__"]
