"""News-API JSON and JSON Lines: NewsAPI.org, the Guardian Open Platform, the NYT
Article Search API, IPTC ninjs (1.x, 2.x, 3.x), GDELT DOC 2.0 and Event Registry.

One reader for all of them: :data:`SCHEMAS` (in :mod:`kg.readers.apischemas`)
is a table that says, for each API, which keys mark one of its records and
which record field fills which field of kg's record; what a table cannot say
(tags and keywords as subjects, image renditions, byline structures) is one
small function per API. Reading a file:

1. a recorded HTTP exchange (``{"request": …, "response": {"body": …}}``) is
   unwrapped to its body;
2. an API error body (NewsAPI ``status: error``, Event Registry ``error``, a
   Guardian ``response.status: error``, an NYT ``fault``) and a response with no
   articles are :class:`~kg.errors.NoArticles` with the API's own message;
3. the records are found where the APIs put them (:data:`ENVELOPES`: ``articles``,
   ``articles.results``, ``response.docs``, ``response.results``,
   ``response.content``, a top-level list, or the object itself for ninjs); the
   envelope decides: in an API's own (NewsAPI's ``status`` beside ``articles`` …)
   the list is the records whatever the first one holds, and a generic one
   (``results``, ``items``, ``data``) counts when any of its records is known;
4. each record's schema is recognised by its keys; a record of no known shape
   is an :class:`~kg.model.ItemFailure` naming its index and keys; JSON of an
   unknown shape altogether is :class:`~kg.errors.NoArticles` listing its top-level keys.

JSON Lines (one record or response per line) is read line by line: a bad line,
wherever it is, is an ItemFailure with its line number. A file is JSON Lines when
at least half of its first lines are whole JSON objects, or when it is named
``.jsonl``/``.ndjson`` and is not one JSON document. A string with a lone UTF-16
surrogate (``\\ud800``) is kept with U+FFFD in its place and a note naming its field.

>>> docs = read('{"status": "ok", "totalResults": 1, "articles": [{"source": {"id": null, '
...             '"name": "Harbour Ledger"}, "author": "By Ana Reis, Harbour Ledger", "title": '
...             '"Turbines follow the fish - Harbour Ledger", "url": "https://harbour-ledger.example/t", '
...             '"publishedAt": "2024-03-02T08:15:00Z", "content": "A pilot… [+120 chars]"}]}', "n.json")
>>> d = docs[0]
>>> d.title, d.authors, d.provider.name, d.published.isoformat(), d.body
('Turbines follow the fish', ['Ana Reis'], 'Harbour Ledger', '2024-03-02T08:15:00+00:00', ['A pilot…'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import NoArticles, ReadError
from ..model import Document, ItemFailure
from .apischemas import SCHEMAS, Schema, build_document, schema_of
from .jsontext import Lines, json_lines, load_json, shape

NAME = "newsapi"
SUFFIXES = (".json", ".jsonl", ".ndjson")

@dataclass(frozen=True)
class Envelope:
    """Where an API puts its records (``path``), and keys beside them that make a response
    that API's own (``marks``, any one of them): in an API's own envelope the list is its
    records whatever each holds, so each record that is off-schema fails alone. A generic
    envelope (no marks) is taken only when one of its records is of a known schema."""

    path: tuple[str, ...]
    marks: tuple[tuple[str, ...], ...] = ()


#: Where APIs put their list (or single record) of articles, tried in order.
ENVELOPES: tuple[Envelope, ...] = (
    Envelope(("articles", "results"), (("articles", "totalResults"), ("articles", "page"),
                                       ("articles", "pages"))),  # Event Registry getArticles / topic pages
    Envelope(("recentActivityArticles", "activity"), (("recentActivityArticles",),)),  # Event Registry stream
    Envelope(("articles",), (("status",), ("totalResults",))),  # NewsAPI.org; GDELT DOC 2.0 ArtList (no marks)
    Envelope(("response", "docs"), (("status",), ("copyright",), ("response", "meta"))),  # NYT Article Search
    Envelope(("response", "results"), (("response", "status"),)),  # Guardian search
    Envelope(("response", "content"), (("response", "status"),)),  # Guardian single item
    Envelope(("results",)),  # generic
    Envelope(("items",)),  # generic (ninjs collections)
    Envelope(("data",)),  # generic
)
#: Names of JSON Lines files: read line by line even when the text alone does not say so.
LINES_SUFFIXES = (".jsonl", ".ndjson")


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def unwrap(value: Any) -> tuple[Any, list[str]]:
    """The response body of a recorded HTTP exchange, else the value itself."""
    notes = []
    if isinstance(value, dict) and isinstance(value.get("request"), dict) and isinstance(value.get("response"), dict) \
            and "body" in value["response"]:
        response = value["response"]
        notes.append(f"recorded HTTP exchange (status {response.get('status')}); read its response body")
        value = response["body"]
    return value, notes


def api_error(value: Any) -> str | None:
    """The message of an API error body, else ``None``.

    >>> api_error({"status": "error", "code": "apiKeyInvalid", "message": "Your API key is invalid."})
    'API error apiKeyInvalid: Your API key is invalid.'
    >>> api_error({"error": "The value in $and contained an empty array"})
    'error response: The value in $and contained an empty array'
    """
    if not isinstance(value, dict):
        return None
    inner: dict[str, Any] = value["response"] if isinstance(value.get("response"), dict) else value
    status = str(inner.get("status", "")).lower()
    if status in ("error", "failed", "fail"):
        code = inner.get("code")
        return f"API error{f' {code}' if code else ''}: {inner.get('message') or inner.get('errors') or 'no message'}"
    if value.get("error") and not any(k in value for k in ("articles", "response", "results")):
        error = value["error"]
        message = error.get("message") or error if isinstance(error, dict) else error
        return f"error response: {message}"
    if isinstance(value.get("fault"), dict):
        return f"API error: {value['fault'].get('faultstring') or value['fault']}"
    if isinstance(value.get("errors"), list) and value["errors"] and "response" not in value:
        return f"API error: {'; '.join(str(e) for e in value['errors'][:3])}"
    return None


def _any_schema(records: list[Any]) -> bool:
    return any(schema_of(record) for record in records)


def records_of(value: Any) -> tuple[list[Any], str | None]:
    """``(records, where they were)``: the list of an API's own envelope (:data:`ENVELOPES`),
    whatever its records hold; else a list in which some record is of a known schema (not only
    the first); ``([], None)`` when the JSON holds no records kg knows.

    >>> records, where = records_of({"status": "ok", "articles": [{"id": 1}, {"id": 2}]})
    >>> len(records), where
    (2, 'articles')
    >>> records_of({"articles": [{"id": 1}]})
    ([], None)
    """
    if isinstance(value, list):
        return (value, "top-level list") if _any_schema(value) else ([], None)
    if not isinstance(value, dict):
        return [], None
    if schema_of(value) is not None:
        return [value], "the object itself"
    for envelope in ENVELOPES:
        found = _at(value, envelope.path)
        own = any(_at(value, mark) is not None for mark in envelope.marks)
        where = ".".join(envelope.path)
        if isinstance(found, dict) and (own or schema_of(found)):
            return [found], where
        if isinstance(found, list) and (own or not found or _any_schema(found)):
            return found, where
    return [], None


def _empty_reason(value: Any, where: str | None) -> str:
    totals = (_at(value, path) for path in (("totalResults",), ("articles", "totalResults"),
                                            ("response", "meta", "hits"), ("response", "total")))
    total = next((t for t in totals if isinstance(t, int)), None)
    return f"API response with no articles ({where} is empty{f'; totalResults {total}' if total is not None else ''})"


def _unknown(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(sorted(map(str, value))[:20]) or "none"
        return f"JSON of an unknown shape: not a news API response kg knows (top-level keys: {keys})"
    return f"JSON of an unknown shape: a top-level {type(value).__name__}, not a news API response kg knows"


def detect(text: str) -> bool:
    """Any text that starts like JSON or JSON Lines: a file of an unknown shape is then reported
    with its top-level keys, and broken JSON with the line and column of the error, rather than
    left unexplained; neither ever becomes an article."""
    return shape(text) is not None


def _line_of(lines: Lines, record: Any) -> int | None:
    """Line of a record's url (or id) in the text, after the previous record's."""
    if not isinstance(record, dict):
        return None
    for key in ("url", "webUrl", "web_url", "uri", "id"):
        value = record.get(key)
        if isinstance(value, str) and value:
            for form in (value, value.replace("/", "\\/")):
                line = lines.find(form)
                if line:
                    return line
    return None


def _read_records(records: list[Any], name: str, text: str, first_index: int, line: int | None,
                  out: list[Document | ItemFailure]) -> None:
    lines = Lines(text)
    for offset, record in enumerate(records):
        index = first_index + offset
        where = line if line is not None else _line_of(lines, record)
        schema = schema_of(record) if isinstance(record, dict) else None
        if schema is None:
            what = f"keys: {', '.join(sorted(map(str, record))[:12])}" if isinstance(record, dict) else \
                f"a {type(record).__name__}"
            out.append(ItemFailure(index=index + 1, reason=f"record of no known API schema ({what})", line=where))
            continue
        try:
            out.append(build_document(schema, record, name, index, where or 1))
        except ValueError as err:
            out.append(ItemFailure(index=index + 1, reason=f"{schema.label} record: {err}", line=where))


def _read_lines(text: str, name: str) -> list[Document | ItemFailure]:
    """Every line on its own: a bad line, wherever it is, is an ItemFailure with its line number."""
    out: list[Document | ItemFailure] = []
    notes: list[str] = []
    for number, value, repairs in json_lines(text, name):
        if isinstance(value, ReadError):
            out.append(ItemFailure(index=len(out) + 1, reason=value.message, line=number))
            continue
        value, unwrapped = unwrap(value)
        notes += repairs + [f"line {number}: {note}" for note in unwrapped]
        records, where = ([value], None) if schema_of(value) else records_of(value)
        if not records:
            error = api_error(value)
            out.append(ItemFailure(index=len(out) + 1, line=number,
                                   reason=error or (_unknown(value) if where is None else "response with no articles")))
            continue
        _read_records(records, name, text, len(out), number, out)
    if not out:
        raise NoArticles("JSON Lines file with no records", source=name)
    _note_first(out, notes)
    return out


def _note_first(out: list[Document | ItemFailure], notes: list[str]) -> None:
    """File-wide notes go with the first document (the report lists them with the file)."""
    first = next((d for d in out if isinstance(d, Document)), None)
    if first is not None and notes:
        first.notes[:0] = notes


def is_lines(text: str, name: str) -> bool:
    """JSON Lines: the text says so (:func:`~kg.readers.jsontext.shape`), or the file is named
    ``.jsonl``/``.ndjson`` and is not one JSON document (its first lines may all be bad)."""
    if shape(text) == "lines":
        return True
    if not name.lower().endswith(LINES_SUFFIXES):
        return False
    try:
        load_json(text, name)
    except ReadError:
        return True
    return False


def read(text: str, name: str) -> list[Document | ItemFailure]:
    """Read every article record of an API response (JSON) or a JSON Lines file."""
    if is_lines(text, name):
        return _read_lines(text, name)
    parsed, repairs = load_json(text, name)
    value, notes = unwrap(parsed)
    error = api_error(value)
    if error:
        raise NoArticles(error, source=name)
    records, where = records_of(value)
    if where is None:
        raise NoArticles(_unknown(value), source=name)
    if not records:
        raise NoArticles(_empty_reason(value, where), source=name)
    out: list[Document | ItemFailure] = []
    _read_records(records, name, text, 0, None, out)
    _note_first(out, repairs + notes)
    return out


__all__ = ["NAME", "SUFFIXES", "SCHEMAS", "detect", "read", "api_error", "records_of"]
