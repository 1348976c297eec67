"""kg turns folders of news documents into a knowledge graph.

>>> import kg
>>> result = kg.build(["data"])          # doctest: +SKIP
>>> result.graph.number_of_nodes()       # doctest: +SKIP
"""

from __future__ import annotations

from .version import __version__

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .builder import BuildResult


def build(paths: Any, **overrides: Any) -> "BuildResult":
    """Read every file under *paths* and build the graph; see :func:`kg.builder.build`.

    Keyword arguments override fields of :class:`kg.builder.Options`.
    """
    from pathlib import Path

    from .builder import Options, build as _build

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return _build(list(paths), Options(**overrides))


__all__ = ["build", "__version__"]
