"""kg's own exceptions: few, and each names the file and line where known.

>>> str(ReadError("bad front matter", source="a.md", line=3))
'a.md:3: bad front matter'
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class ReadError(KGError):
    """A file could not be read as the format it was taken for."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        snippet: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.snippet = snippet
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.snippet:
            text += f" near {self.snippet!r}"
        return text


class UnsupportedFormat(KGError):
    """A file is not in any format kg reads (or the named format is unknown)."""


class OutputError(KGError):
    """An output could not be written (or another build holds the lock)."""


class CacheDamaged(KGError):
    """Something in ``OUT/.kg-cache`` is not what kg wrote (truncated, corrupted, foreign):
    the build starts clean instead of trusting it."""


class UsageError(KGError):
    """A command-line argument or option is wrong (exit code 2)."""


class QueryError(KGError):
    """A SPARQL query is malformed or names an unknown library query."""


class NoArticles(ReadError):
    """A file in a format kg reads that holds no article (an API error body, an
    empty result page, a feed without items, JSON of another shape, a web page
    that is a section front, a list of links or an empty client-side shell).

    It is a :class:`ReadError` so that code which knows only that reports it as
    a failed file; the build reports it as *skipped*, with this reason.

    >>> isinstance(NoArticles("API error: rate limited", source="r.json"), ReadError)
    True
    """


class NetworkError(KGError):
    """Another server could not be reached, refused, or answered with something that is not HTTP."""
