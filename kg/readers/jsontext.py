"""JSON and JSON Lines text, parsed once and bounded.

``detect`` and ``read`` of the JSON readers both need the parsed value; the
last few parses are cached by text (a ``str`` keeps its hash, so the lookup is
cheap). Parsing is bounded: the text is already size-limited at the door, and
here nesting deeper than :data:`MAX_DEPTH` and the non-JSON constants
``NaN``/``Infinity`` are refused with a :class:`~kg.errors.ReadError`.

>>> load_json('{"a": [1, 2]}')
{'a': [1, 2]}
>>> shape('  [{"a": 1}]'), shape('{"a": 1}\\n{"a": 2}\\n'), shape("[Breaking] plain text")
('array', 'lines', None)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..errors import ReadError

#: Deepest nesting of arrays and objects accepted (news API records nest under 10).
MAX_DEPTH = 100


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of lists and dicts, without recursion; stops counting past *limit*."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if deepest > limit:
                break
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse(text: str, name: str = "<input>", line: int | None = None) -> Any:
    """Parse one JSON text; :class:`ReadError` with the line and column of a syntax error."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise ReadError(f"not valid JSON: {err.msg}", source=name, line=(line or 1) + err.lineno - 1,
                        column=err.colno) from err
    except RecursionError as err:
        raise ReadError(f"JSON nested too deeply (more than {MAX_DEPTH} levels)", source=name, line=line) from err
    except ValueError as err:
        raise ReadError(f"JSON value cannot be read: {err}", source=name, line=line) from err
    if (text.count("[") + text.count("{")) > MAX_DEPTH and depth(value) > MAX_DEPTH:
        raise ReadError(f"JSON nested too deeply (more than {MAX_DEPTH} levels)", source=name, line=line)
    return value


@lru_cache(maxsize=4)
def _cached(text: str) -> tuple[Any, ReadError | None]:
    try:
        return parse(text), None
    except ReadError as err:
        return None, err


def load_json(text: str, name: str = "<input>") -> Any:
    """The parsed JSON document (cached for the last few texts); :class:`ReadError` if it is not JSON."""
    value, error = _cached(text)
    if error is not None:
        raise ReadError(error.message, source=name, line=error.line, column=error.column)
    return value


def shape(text: str) -> str | None:
    """``object``, ``array`` or ``lines`` (JSON Lines: one object per line) from the first
    characters; ``None`` when the text does not start like JSON (``[Breaking] news`` does not)."""
    head = text.lstrip("\ufeff \t\r\n")
    second = head[1:].lstrip(" \t\r\n")[:1]
    if head.startswith("["):
        return "array" if second and second in '{["-0123456789tfn]' else None
    if not head.startswith("{") or not second or second not in '"}':
        return None
    first, _, rest = head.partition("\n")
    if rest.lstrip().startswith("{") and first.rstrip().endswith("}"):
        return "lines"
    return "object"


class Lines:
    """Line numbers of positions in one text, counted forward from the last one asked
    (records are found in file order, so a file is scanned once, not once per record).

    >>> lines = Lines("a\\nb\\nc")
    >>> lines.find('"x"'), lines.find("c"), lines.find("b")
    (None, 3, None)
    """

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def find(self, needle: str) -> int | None:
        """Line of the next *needle* at or after the last one found, else ``None``."""
        at = self.text.find(needle, self.pos)
        if at < 0:
            return None
        self.line += self.text.count("\n", self.pos, at)
        self.pos = at
        return self.line


def json_lines(text: str, name: str) -> Iterator[tuple[int, Any | ReadError]]:
    """``(line number, value or ReadError)`` for every non-empty line of JSON Lines text."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, parse(line, name, number)
        except ReadError as err:
            yield number, err
