"""Feed items: Markdown files whose YAML front matter holds the whole item.

Fields read (anything else is kept in ``Document.extra``; the opaque
``secured`` blob is dropped as it is not content):

``title``, ``excerpt``, ``publishedDateTime``, ``originalUrl``, ``webUrl``,
``ampWebUrl``, ``cdnAmpWebUrl``, ``type``, ``category``, ``quality``,
``heat``, ``published``, ``provider`` (``name``, ``domain``, ``images``),
``topics``, ``images`` (``url``, ``width``, ``height``, ``title``) and
``related`` (each with the same article fields).

>>> doc, = read('''---
... title: "Hello"
... webUrl: https://example.org/a
... topics: [AI]
... ---
... ''', "a.md")
>>> doc.title, doc.urls, doc.topics
('Hello', {'web': 'https://example.org/a'}, ['AI'])
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..dates import parse_date
from ..errors import ReadError
from ..identity.urls import InvalidUrl, resource_url, url_key
from ..model import Document, Image, Provider, Related
from .base import clean

NAME = "feed"
SUFFIXES = (".md", ".markdown")

#: Front-matter keys → url roles.
URL_FIELDS = {
    "originalUrl": "original",
    "webUrl": "web",
    "ampWebUrl": "amp",
    "cdnAmpWebUrl": "cdn_amp",
}
KNOWN_FIELDS = {
    "title", "excerpt", "publishedDateTime", "type", "category", "quality", "heat",
    "published", "provider", "topics", "images", "related", "secured", *URL_FIELDS,
}
DROPPED_FIELDS = {"secured"}

#: Deepest nesting of lists and mappings accepted (real items nest 4 levels).
MAX_YAML_DEPTH = 64
#: Front matter whose :func:`nesting_estimate` exceeds this is refused without parsing.
PARSE_DEPTH = 4 * MAX_YAML_DEPTH
#: Expanded YAML nodes allowed once aliases are followed ("billion laughs" guard).
MAX_YAML_NODES = 50_000
#: Largest number a numeric field (quality, heat, sizes) may hold.
MAX_INT = 2**53


_OPENING = re.compile(r"\A(?:\ufeff)?---[ \t]*\n")
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s\[\]{},]+", re.MULTILINE)

_handler = YAMLHandler()


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader, leaving timestamps as text (:func:`kg.dates.parse_date`
    reads them, so an impossible date such as ``2021-02-30`` is reported, not fatal),
    keeping integers too long to convert as text (a field's problem, not the file's),
    and noting keys a mapping gives twice (YAML keeps the last one silently)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                self.duplicates.append((str(key)[:60], key_node.start_mark.line))
            seen.add(key)
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # e.g. more digits than Python converts
            return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def detect(text: str) -> bool:
    """A feed item opens with a ``---`` line and closes its front matter."""
    return bool(_OPENING.match(text)) and _handler.FM_BOUNDARY.search(text, 4) is not None


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # cycles count once
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = size
    return size


def _depth(value: Any) -> int:
    """Nesting depth of lists and mappings, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (list, dict)) or id(item) in seen:
            continue
        seen.add(id(item))
        deepest = max(deepest, depth)
        if deepest > MAX_YAML_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return deepest


_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"")


def nesting_estimate(front: str) -> int:
    """An upper bound of how deep YAML text nests, found without parsing it: a block level
    needs a column of indentation (or a ``- ``), a flow level a ``[`` or ``{`` outside quotes.

    >>> nesting_estimate("a: [[1, 2], {b: '[['}]"), nesting_estimate("- - - x")
    (3, 7)
    """
    flow = deepest = 0
    for line in _QUOTED.sub("''", front).split("\n"):
        body = line.lstrip(" ")
        column = len(line) - len(body)
        while body.startswith("- "):
            column += 2
            body = body[2:].lstrip(" ")
        deepest = max(deepest, column + flow + 1)
        for char in body:
            if char in "[{":
                flow += 1
                deepest = max(deepest, column + flow + 1)
            elif char in "]}":
                flow = max(0, flow - 1)
    return deepest


_SURROGATE_ESCAPE = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?|\\u([dD][c-fC-F][0-9a-fA-F]{2})")


def surrogate_escapes(front: str) -> tuple[str, list[int]]:
    """YAML text with ``\\uD83D\\uDE00`` pairs written as the character they encode and a
    lone surrogate escape (which PyYAML refuses, failing the whole file) as U+FFFD; also
    the lines (0-based) repaired.

    >>> surrogate_escapes('title: "a\\\\ud83d\\\\ude00 b\\\\ud800"')
    ('title: "a\\\\U0001f600 b\\\\ufffd"', [0])
    """
    lines: list[int] = []

    def repl(m: re.Match[str]) -> str:
        high, low = m.group(1), m.group(2)
        if high and low:
            code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
            return f"\\U{code:08x}"
        lines.append(front.count("\n", 0, m.start()))
        return "\\ufffd"

    return _SURROGATE_ESCAPE.sub(repl, front), lines


def load_front_matter(text: str, name: str) -> tuple[dict[str, Any], int, list[str]]:
    """Split off and parse the front matter; return ``(mapping, first line, notes)``.

    Raises :class:`ReadError` with the file's own line numbers on bad YAML, on
    YAML nested deeper than :data:`MAX_YAML_DEPTH` (checked before parsing), on
    YAML that is not a mapping, and on alias bombs.
    """
    try:
        front, _body = _handler.split(text)
    except ValueError as err:
        raise ReadError("front matter opened with '---' but never closed", source=name, line=1) from err
    offset = text.find(front) if front else 0
    first_line = text.count("\n", 0, offset) + 1
    front, repaired = surrogate_escapes(front)
    estimate = nesting_estimate(front)
    if estimate > PARSE_DEPTH:  # refused before any parser meets it, whatever its own limits
        raise ReadError(f"YAML nested too deeply (more than {MAX_YAML_DEPTH} levels)", source=name, line=first_line)
    try:
        if _ALIAS.search(front):
            node = yaml.compose(front, Loader=_Loader)
            if node is not None and _expanded_size(node, {}) > MAX_YAML_NODES:
                raise ReadError(
                    f"YAML aliases expand to more than {MAX_YAML_NODES:,} nodes (alias bomb); refused",
                    source=name,
                    line=first_line,
                )
        loader = _Loader(front)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = first_line + mark.line if mark else None
        column = mark.column + 1 if mark else None
        message = f"YAML syntax error: {err.problem or err}"
        if err.context and err.context_mark:
            message += f" ({err.context} that starts on line {first_line + err.context_mark.line})"
        raise ReadError(message, source=name, line=line, column=column) from err
    except yaml.YAMLError as err:
        raise ReadError(f"YAML error: {err}", source=name, line=first_line) from err
    except RecursionError as err:
        raise ReadError("YAML nested too deeply", source=name, line=first_line) from err
    except (ValueError, TypeError) as err:
        raise ReadError(f"YAML value cannot be read: {err}", source=name, line=first_line) from err
    if estimate > MAX_YAML_DEPTH and _depth(data) > MAX_YAML_DEPTH:
        raise ReadError(f"YAML nested too deeply (more than {MAX_YAML_DEPTH} levels)", source=name, line=first_line)
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ReadError(
            f"front matter is {'a ' + kind if data is not None else kind}, not a mapping of fields",
            source=name,
            line=first_line,
        )
    notes = [f"line {first_line + line}: key {key!r} given twice; the last value is used"
             for key, line in loader.duplicates]
    notes += [f"line {first_line + line}: a \\u escape of a lone UTF-16 surrogate names no character; "
              "read as U+FFFD" for line in sorted(set(repaired))]
    return data, first_line, notes


def _int(value: Any, field: str, notes: list[str]) -> int | None:
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            notes.append(f"{field}: expected a number, got {value!r}; ignored")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        notes.append(f"{field}: expected a number, got {str(value)[:40]!r}; ignored")
        return None
    if abs(number) > MAX_INT:
        notes.append(f"{field}: number out of range ({str(value)[:20]}…); ignored")
        return None
    return number


def _text(value: Any, field: str, notes: list[str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        notes.append(f"{field}: expected text, got a {type(value).__name__}; ignored")
        return None
    return clean(value)


def extract_urls(data: dict[str, Any], field: str, notes: list[str]) -> dict[str, str]:
    """Url roles → urls, for every url field present and textual."""
    urls = {}
    for key, role in URL_FIELDS.items():
        value = _text(data.get(key), f"{field}{key}", notes)
        if value:
            urls[role] = value
    return urls


def extract_images(value: Any, field: str, notes: list[str]) -> list[Image]:
    """Images as a list of mappings with ``url``, ``width``, ``height``, ``title``."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    images = []
    for i, item in enumerate(value):
        where = f"{field}[{i}]"
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not _text(item.get("url"), where, notes):
            notes.append(f"{where}: image without a url; ignored")
            continue
        if not _linkable(_text(item["url"], where, notes) or "", resource_url):
            notes.append(f"{where}: image url {str(item['url'])[:80]!r} is not http(s); not linked")
            continue
        images.append(
            Image(
                url=_text(item["url"], where, notes) or "",
                width=_int(item.get("width"), f"{where}.width", notes),
                height=_int(item.get("height"), f"{where}.height", notes),
                caption=_text(item.get("title"), f"{where}.title", notes),
            )
        )
    return images


def extract_provider(value: Any, field: str, notes: list[str]) -> Provider | None:
    """The outlet: a mapping with ``name``, ``domain`` and logo ``images``."""
    if value is None:
        return None
    if isinstance(value, str):
        return Provider(name=clean(value))
    if not isinstance(value, dict):
        notes.append(f"{field}: expected a mapping, got {type(value).__name__}; ignored")
        return None
    return Provider(
        name=_text(value.get("name"), f"{field}.name", notes),
        domain=_text(value.get("domain"), f"{field}.domain", notes),
        images=extract_images(value.get("images"), f"{field}.images", notes),
    )


def extract_topics(value: Any, notes: list[str]) -> list[str]:
    """Topic labels; numbers become text, anything else is reported."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    topics = []
    for i, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            notes.append(f"topics[{i}]: a number ({item}); kept as the label {str(item)!r}")
            item = str(item)
        label = _text(item, f"topics[{i}]", notes)
        if label and label not in topics:
            topics.append(label)
    return topics


def _linkable(url: str, check: Any) -> bool:
    """Does *url* pass the identity rules (an absolute http(s) url)?"""
    try:
        check(url)
    except InvalidUrl:
        return False
    return True


class _Lines:
    """Line numbers of texts found in order, in one pass over the file (linear, however
    many entries a file lists)."""

    def __init__(self, text: str) -> None:
        self.text, self.start, self.line = text, 0, 1  # offset and number of the line searched from

    def find(self, needle: str) -> int | None:
        pos = self.text.find(needle, self.start)
        if pos < 0:
            return None
        self.line += self.text.count("\n", self.start, pos)
        self.start = self.text.rfind("\n", self.start, pos) + 1 or self.start
        return self.line


def extract_related(value: Any, text: str, notes: list[str]) -> list[Related]:
    """Related coverage entries; a malformed entry is reported and skipped."""
    if value is None:
        return []
    if not isinstance(value, list):
        notes.append(f"related: expected a list, got {type(value).__name__}; ignored")
        return []
    related = []
    lines = _Lines(text)
    for i, item in enumerate(value):
        where = f"related[{i}]"
        if not isinstance(item, dict):
            notes.append(f"{where}: expected a mapping, got {type(item).__name__} {str(item)[:60]!r}; ignored")
            continue
        urls = extract_urls(item, f"{where}.", notes)
        title = _text(item.get("title"), f"{where}.title", notes)
        if not urls:
            notes.append(f"{where}: related entry without a url; ignored")
            continue
        if not any(_linkable(url, url_key) for url in urls.values()):
            notes.append(f"{where}: no http(s) url ({next(iter(urls.values()))[:80]!r}); not linked")
            continue
        line = lines.find(next(iter(urls.values())))
        published = parse_date(item.get("publishedDateTime"))
        if item.get("publishedDateTime") is not None and published is None:
            notes.append(f"{where}.publishedDateTime: not a date: {str(item['publishedDateTime'])[:40]!r}")
        extra = {k: v for k, v in item.items() if k not in KNOWN_FIELDS}
        related.append(
            Related(
                title=title,
                excerpt=_text(item.get("excerpt"), f"{where}.excerpt", notes),
                published=published,
                urls=urls,
                provider=extract_provider(item.get("provider"), f"{where}.provider", notes),
                quality=_int(item.get("quality"), f"{where}.quality", notes),
                type=_text(item.get("type"), f"{where}.type", notes),
                images=extract_images(item.get("images"), f"{where}.images", notes),
                line=line,
                extra=extra,
            )
        )
    return related


def _published_flag(value: Any, doc: Document, notes: list[str]) -> bool | None:
    """The ``published`` flag; a date written there is the publication date when the item
    gives none, anything else a note (an invalid date is no date)."""
    if value is None or isinstance(value, bool):
        return value
    when = parse_date(value) if isinstance(value, (str, date)) else None
    if when is not None and doc.published is None:
        doc.published, doc.published_text = when, str(value)
        notes.append(f"published: {str(value)[:40]!r} is a date, not true or false: read as the publication date")
    else:
        notes.append(f"published: not true or false{'' if when else ' nor a valid date'}: {str(value)[:40]!r}")
    return None


def read(text: str, name: str) -> list[Document]:
    """Read one feed item (one document per file)."""
    data, first_line, notes = load_front_matter(text, name)
    doc = Document(source=name, format=NAME, line=first_line)
    doc.title = _text(data.get("title"), "title", notes)
    doc.excerpt = _text(data.get("excerpt"), "excerpt", notes)
    raw_date = data.get("publishedDateTime")
    doc.published = parse_date(raw_date)
    if raw_date is not None:
        doc.published_text = str(raw_date)
        if doc.published is None:
            notes.append(f"publishedDateTime: not a valid date: {str(raw_date)[:40]!r}")
    doc.urls = extract_urls(data, "", notes)
    doc.type = _text(data.get("type"), "type", notes)
    doc.category = _text(data.get("category"), "category", notes)
    doc.quality = _int(data.get("quality"), "quality", notes)
    doc.heat = _int(data.get("heat"), "heat", notes)
    doc.is_published = _published_flag(data.get("published"), doc, notes)
    doc.provider = extract_provider(data.get("provider"), "provider", notes)
    doc.topics = extract_topics(data.get("topics"), notes)
    doc.images = extract_images(data.get("images"), "images", notes)
    doc.related = extract_related(data.get("related"), text, notes)
    doc.extra = {k: v for k, v in data.items() if k not in KNOWN_FIELDS}
    if not doc.urls and not doc.title:
        raise ReadError("feed item has neither a url nor a title", source=name, line=first_line)
    doc.notes = notes
    return [doc]
