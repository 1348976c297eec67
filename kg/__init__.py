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
    """Read every file under *paths* (one path or a list) and build the graph; see
    :func:`kg.builder.build`.

    Keyword arguments override fields of :class:`kg.builder.Options`; they are checked
    as ``kg build`` checks its options (``exports="turtle,html"`` is its comma list) and a
    mistake raises :class:`kg.errors.UsageError` or :class:`kg.errors.UnsupportedFormat`.
    """
    from dataclasses import fields

    from .builder import Options, build as _build
    from .errors import UsageError

    known = [f.name for f in fields(Options)]
    unknown = next((key for key in overrides if key not in known), None)
    if unknown is not None:
        raise UsageError(f"kg.build: unknown option {unknown!r} (options: {', '.join(known)})")
    return _build(paths, Options(**overrides))


__all__ = ["build", "__version__"]
