"""JSON and JSON Lines text, parsed once and bounded.

``detect`` and ``read`` of the JSON readers both need the parsed value; the
last few parses are cached by text (a ``str`` keeps its hash, so the lookup is
cheap). Parsing is bounded: the text is already size-limited at the door, and
here nesting deeper than :data:`MAX_DEPTH` and the non-JSON constants
``NaN``/``Infinity`` are refused with a :class:`~kg.errors.ReadError`. A string
holding a lone UTF-16 surrogate (the escape ``\\ud800`` alone) is repaired to
U+FFFD and named in the notes every parse returns with its value.

>>> load_json('{"a": [1, 2]}')
({'a': [1, 2]}, [])
>>> shape('  [{"a": 1}]'), shape('{"a": 1}\\n{"a": 2}\\n'), shape("[Breaking] plain text")
('array', 'lines', None)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..errors import ReadError
from ..sources import replace_surrogates

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


#: A JSON escape of a UTF-16 surrogate (``\ud800``): only these can decode to a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
#: Most repaired strings named one by one in notes (then a count).
MAX_NOTED = 20


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def repair_strings(value: Any, where: str = "") -> tuple[Any, list[str]]:
    """*value* with every lone UTF-16 surrogate in its strings and keys replaced by U+FFFD
    (:func:`kg.sources.replace_surrogates`), and the paths of the strings repaired.

    JSON's ``\\ud800`` escape decodes to a lone surrogate, which no UTF-8 output (the cache,
    N-Triples) can hold: the string is kept, repaired, and its field named. *value* is at
    most :data:`MAX_DEPTH` deep (:func:`parse` refuses deeper), so the walk recurses.

    >>> repair_strings({"articles": [{"title": "x" + chr(0xD800) + "y"}]})
    ({'articles': [{'title': 'x\ufffdy'}]}, ['articles[0].title'])
    """
    paths: list[str] = []

    def walk(item: Any, path: str) -> Any:
        if isinstance(item, str):
            fixed, count = replace_surrogates(item)
            if count:
                paths.append(path or "(the value)")
            return fixed
        if isinstance(item, list):
            return [walk(member, _path(path, n)) for n, member in enumerate(item)]
        if isinstance(item, dict):
            out = {}
            for key, member in item.items():
                fixed_key, count = replace_surrogates(key) if isinstance(key, str) else (key, 0)
                if count:
                    paths.append(f"{_path(path, fixed_key)} (its name)")
                out[fixed_key] = walk(member, _path(path, fixed_key))
            return out
        return item

    return walk(value, where), paths


def surrogate_notes(paths: list[str], prefix: str = "") -> list[str]:
    """Notes for the strings :func:`repair_strings` repaired: the first :data:`MAX_NOTED`
    by field, then how many more.

    >>> surrogate_notes(["articles[0].title"], "line 3: ")
    ['line 3: articles[0].title: lone UTF-16 surrogate (a \\\\ud800-\\\\udfff escape) replaced by U+FFFD']
    """
    notes = [f"{prefix}{path}: lone UTF-16 surrogate (a \\ud800-\\udfff escape) replaced by U+FFFD"
             for path in paths[:MAX_NOTED]]
    if len(paths) > MAX_NOTED:
        notes.append(f"{prefix}{len(paths) - MAX_NOTED} more strings with a lone UTF-16 surrogate replaced by U+FFFD "
                     f"({len(paths)} in all; the first {MAX_NOTED} are named)")
    return notes


def parse(text: str, name: str = "<input>", line: int | None = None) -> tuple[Any, list[str]]:
    """Parse one JSON text into ``(value, notes)``; :class:`ReadError` with the line and column
    of a syntax error. Strings holding a lone surrogate are repaired, each named in the notes.

    >>> parse('{"title": "a\\\\ud800b"}', line=4)
    ({'title': 'a\ufffdb'}, ['line 4: title: lone UTF-16 surrogate (a \\\\ud800-\\\\udfff escape) replaced by U+FFFD'])
    """
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
    if not _SURROGATE_ESCAPE.search(text):
        return value, []
    value, paths = repair_strings(value)
    return value, surrogate_notes(paths, f"line {line}: " if line else "")


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def cut_deep(text: str, limit: int = MAX_DEPTH) -> tuple[str, int]:
    """JSON text with every array or object that opens deeper than *limit* replaced by
    ``null``, and how many were; strings are skipped whole, so brackets inside them do not
    count. For text too deep for Python's parser (it stops near 1,000 levels), so that the
    rest of it can still be read. One pass of a regular expression over the text.

    >>> cut_deep('{"a": [[["x", "[["]]], "b": 1}', 2)
    ('{"a": [null], "b": 1}', 1)
    """
    pieces: list[str] = []
    level, kept_to, cut_at, count = 0, 0, -1, 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token[0] == '"':
            continue
        if token in "[{":
            level += 1
            if level == limit + 1 and cut_at < 0:
                cut_at = match.start()
        else:
            if level == limit + 1 and cut_at >= 0:
                pieces += [text[kept_to:cut_at], "null"]
                kept_to, cut_at = match.end(), -1
                count += 1
            level -= 1
    if cut_at >= 0:  # never closed: the text is cut from there
        pieces += [text[kept_to:cut_at], "null"]
        kept_to = len(text)
        count += 1
    pieces.append(text[kept_to:])
    return "".join(pieces), count


@lru_cache(maxsize=4)
def _cached(text: str) -> tuple[Any, list[str], ReadError | None]:
    try:
        return (*parse(text), None)
    except ReadError as err:
        return None, [], err


def load_json(text: str, name: str = "<input>") -> tuple[Any, list[str]]:
    """The parsed JSON document and the notes on its repairs (cached for the last few texts);
    :class:`ReadError` if it is not JSON."""
    value, notes, error = _cached(text)
    if error is not None:
        raise ReadError(error.message, source=name, line=error.line, column=error.column)
    return value, list(notes)


#: How much of a text :func:`shape` looks at, and how many of its lines.
SNIFF_CHARS = 65_536
SNIFF_LINES = 20


def _object_line(line: str) -> bool:
    """Does this line hold one JSON object, whole, from its first column (a pretty-printed
    document indents the objects inside it)?"""
    if not (line.startswith("{") and line.endswith("}")):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _one_document(text: str) -> bool:
    """Does the text parse as one JSON document (the parse is cached for the reader)?"""
    return _cached(text)[2] is None


def looks_like_lines(text: str) -> bool:
    """JSON Lines, whichever of its lines are bad: two or more lines, of which at least half
    (of the first :data:`SNIFF_LINES`) are each one whole JSON object; or the first line opens
    an object, a later one is a whole object, and the text is not one JSON document (its
    first lines are the bad ones). A pretty-printed document indents the objects inside it,
    so none of its lines counts.

    >>> looks_like_lines('{not json\\n{"a": 1}\\n'), looks_like_lines('{\\n  "a": [\\n    {"b": 1}\\n  ]\\n}')
    (True, False)
    """
    sample = text[:SNIFF_CHARS].split("\n")
    if len(text) > SNIFF_CHARS:
        sample = sample[:-1]  # the last line may be cut short
    lines = [line.lstrip("\ufeff").rstrip(" \t\r") for line in sample]
    lines = [line for line in lines if line.strip()][:SNIFF_LINES]
    if len(lines) < 2:
        return False
    whole = [_object_line(line) for line in lines]
    if 2 * sum(whole) >= len(lines):
        return True
    return lines[0].startswith("{") and any(whole[1:]) and not _one_document(text)


def shape(text: str) -> str | None:
    """``object``, ``array`` or ``lines`` (JSON Lines, :func:`looks_like_lines`) from the first
    characters and lines; ``None`` when the text does not start like JSON (``[Breaking] news``
    does not)."""
    head = text.lstrip("\ufeff \t\r\n")
    second = head[1:].lstrip(" \t\r\n")[:1]
    if head.startswith("["):
        return "array" if second and second in '{["-0123456789tfn]' else None
    if "\n" in head.rstrip() and "{" in head[:SNIFF_CHARS] and looks_like_lines(head):
        return "lines"
    if not head.startswith("{") or not second or second not in '"}':
        return None
    first, _, rest = head.partition("\n")
    if rest.lstrip().startswith("{") and first.rstrip().endswith("}"):
        return "lines"  # two objects, one per line, whether or not the later lines are whole
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


def json_lines(text: str, name: str) -> Iterator[tuple[int, Any | ReadError, list[str]]]:
    """``(line number, value or ReadError, notes)`` for every non-empty line of JSON Lines text."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value, notes = parse(line, name, number)
        except ReadError as err:
            yield number, err, []
            continue
        yield number, value, notes
