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


class QueryError(KGError):
    """A SPARQL query is malformed or names an unknown library query."""


class NetworkError(KGError):
    """Another server could not be reached, refused, or answered with something that is not HTTP."""
