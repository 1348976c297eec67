"""SPARQL over the graph: the query library, safe parameters, result formats.

Library queries are ``.rq`` files in ``kg/queries`` whose header comments
give a name, a description and parameters::

    # name: coverage-cluster
    # description: ...
    # param: article (article): the article's IRI or url

Parameters are bound as RDF terms through pyoxigraph's substitutions
(SEP-0007), never pasted into the query text. The ontology's prefixes
(``schema:``, ``kg:``, ``skos:`` …) are predeclared for inline queries; the
library's files declare the ones they use, so they run unchanged elsewhere
(:func:`standalone` writes the parameters in for another engine). Every text
passes :func:`kg.sparql_guard.check_query` before it is parsed.

>>> [q.name for q in library()][:2]
['articles-by-bias', 'articles-by-person']
>>> bind_value("2", "integer")
<Literal value=2 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import QueryError
from .namespaces import PREFIXES
from .sparql_guard import check_query, tokens

PARAM_TYPES = ("iri", "article", "literal", "integer", "date")
_HEADER = re.compile(r"^#\s*(name|description|param):\s*(.+)$")
_PARAM = re.compile(r"^(?P<name>\w+)\s*\((?P<type>\w+)(?P<optional>,\s*optional)?\)\s*:?\s*(?P<help>.*)$")
_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


@dataclass
class Param:
    """A parameter of a library query."""

    name: str
    type: str
    optional: bool
    help: str


@dataclass
class LibraryQuery:
    """A named, documented query of the library."""

    name: str
    description: str
    text: str
    params: list[Param] = field(default_factory=list)


def parse_library_query(text: str, origin: str) -> LibraryQuery:
    """Read the header comments of a ``.rq`` file."""
    name = description = None
    params = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.groups()
        if key == "name":
            name = value.strip()
        elif key == "description":
            description = value.strip()
        else:
            p = _PARAM.match(value.strip())
            if not p or p.group("type") not in PARAM_TYPES:
                raise QueryError(f"{origin}: bad param line {line!r}")
            params.append(Param(p.group("name"), p.group("type"), bool(p.group("optional")), p.group("help")))
    if not name or not description:
        raise QueryError(f"{origin}: a library query needs '# name:' and '# description:' lines")
    return LibraryQuery(name, description, text, params)


@lru_cache(maxsize=1)
def _library() -> dict[str, LibraryQuery]:
    out = {}
    for entry in sorted(resources.files("kg.queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            query = parse_library_query(entry.read_text(encoding="utf-8"), entry.name)
            out[query.name] = query
    return out


def library() -> list[LibraryQuery]:
    """Every library query, by name."""
    return list(_library().values())


def get_query(name: str) -> LibraryQuery:
    """The library query called *name*."""
    try:
        return _library()[name]
    except KeyError:
        raise QueryError(f"no library query named {name!r}; 'kg query --list' shows them") from None


def bind_value(value: str, type_: str) -> Any:
    """A parameter's text as an RDF term of the declared type."""
    import pyoxigraph as ox

    xsd = PREFIXES["xsd"]
    if type_ == "iri":
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*", value):
            raise QueryError(f"not an IRI: {value!r}")
        return ox.NamedNode(value)
    if type_ == "article":
        if value.startswith(PREFIXES["kgid"]):
            return bind_value(value, "iri")
        from .identity.urls import InvalidUrl, url_key
        from .namespaces import article_iri

        try:
            return ox.NamedNode(article_iri(url_key(value)))
        except InvalidUrl as err:
            raise QueryError(f"not an article IRI or url: {value!r}") from err
    if type_ == "integer":
        return ox.Literal(integer_text(value), datatype=ox.NamedNode(xsd + "integer"))
    if type_ == "date":
        if not re.fullmatch(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?", value):
            raise QueryError(f"not a date (YYYY-MM-DD): {value[:40]!r}")
        return ox.Literal(value, datatype=ox.NamedNode(xsd + "date"))
    return ox.Literal(value)


def integer_text(value: str) -> str:
    """The canonical form of an integer parameter, refused past 64 bits (Oxigraph's range).

    >>> integer_text(" +007 ")
    '7'
    """
    text = value.strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise QueryError(f"not an integer: {value[:40]!r}")
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 19 or not -(2**63) <= int(sign + digits) < 2**63:
        raise QueryError(f"integer out of range ({len(digits)} digits): at most {2**63 - 1}")
    return sign + digits if digits != "0" else "0"


def guess_value(value: str) -> Any:
    """A parameter of an ad-hoc query: ``<iri>`` or an http(s) url is an IRI,
    digits are an integer, anything else a plain string."""
    if value.startswith("<") and value.endswith(">"):
        return bind_value(value[1:-1], "iri")
    if re.match(r"https?://", value):
        return bind_value(value, "iri")
    if re.fullmatch(r"[+-]?\d+", value):
        return bind_value(value, "integer")
    return bind_value(value, "literal")


def substitutions(params: dict[str, str], declared: list[Param] | None) -> dict[Any, Any]:
    """Bind ``name=value`` parameters as RDF terms for pyoxigraph."""
    import pyoxigraph as ox

    out = {}
    known = {p.name: p for p in declared or []}
    if declared is not None:
        for name in params:
            if name not in known:
                raise QueryError(f"unknown parameter {name!r} (this query takes: {', '.join(known) or 'none'})")
        for p in declared:
            if p.name not in params and not p.optional:
                raise QueryError(f"missing parameter: --param {p.name}=… ({p.help})")
    for name, value in params.items():
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"--param {name[:40]!r}: bad parameter name")
        try:
            term = bind_value(value, known[name].type) if declared is not None else guess_value(value)
        except QueryError as err:
            raise QueryError(f"--param {name}: {err}") from None
        out[ox.Variable(name)] = term
    return out


def syntax_error(err: Exception, text: str) -> QueryError:
    """A readable error for a malformed query: line, column, the line, a caret, a hint."""
    message = str(err)
    m = _ERROR_AT.search(message)
    if not m:
        return QueryError(f"SPARQL syntax error: {message}")
    line, column, detail = int(m.group(1)), int(m.group(2)), m.group(3)
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = "check the brackets, dots and semicolons around this point"
    if "Prefix not found" in detail:
        hint = f"unknown prefix; predeclared: {', '.join(sorted(PREFIXES))}"
    elif "expected" in detail:
        first = detail.split("\n")[0]
        hint = first if len(first) < 120 else hint
    return QueryError(f"SPARQL syntax error at line {line}, column {column}:\n  {shown}\n  {' ' * max(column - 1, 0)}^\nhint: {hint}")


def run(store: Any, text: str, params: dict[str, str] | None = None, declared: list[Param] | None = None,
        allow_service: bool = False) -> Any:
    """Run *text* on *store*; the result is pyoxigraph's (solutions, triples or boolean).

    The text is checked first (:func:`kg.sparql_guard.check_query`): too long, too
    deep, or a ``SERVICE`` clause without *allow_service* is refused unparsed.
    """
    check_query(text, allow_service=allow_service)
    subs = substitutions(params or {}, declared)
    try:
        return store.query(text, prefixes=dict(PREFIXES), substitutions=subs or None)
    except SyntaxError as err:
        raise syntax_error(err, text) from err
    except (OSError, ValueError, RuntimeError) as err:
        raise QueryError(f"query failed: {err}") from err


def standalone(text: str, params: dict[str, str], declared: list[Param] | None = None) -> str:
    """*text* with its parameters written in as a ``VALUES`` block at the start of the
    ``WHERE`` clause: a query any SPARQL engine runs as kg runs it with ``--param``.

    >>> standalone("SELECT ?n WHERE { ?s ?p ?n }", {"n": "3"})
    'SELECT ?n WHERE { VALUES ?n { "3"^^<http://www.w3.org/2001/XMLSchema#integer> } ?s ?p ?n }'
    """
    subs = substitutions(params, declared)
    if not subs:
        return text
    where = _where_brace(text)
    names = " ".join(f"?{v.value}" for v in subs)
    terms = " ".join(str(t) for t in subs.values())
    block = f"VALUES ?{next(iter(subs)).value} {{ {terms} }}" if len(subs) == 1 else f"VALUES ({names}) {{ ({terms}) }}"
    return text[:where + 1] + " " + block + text[where + 1:]


def _where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the outermost ``WHERE`` group of *text*."""
    depth, seen_where, template = 0, False, False
    for token in tokens(text):
        word = token.text.upper() if token.kind == "word" else ""
        if depth == 0 and word == "WHERE":
            seen_where = True
        elif depth == 0 and word == "CONSTRUCT":
            template = True
        elif token.kind == "punct" and token.text in "({[":
            if token.text == "{" and depth == 0 and not template:
                return token.start
            if token.text == "{" and depth == 0 and seen_where:
                return token.start
            depth += 1
        elif token.kind == "punct" and token.text in ")}]":
            depth -= 1
            if depth == 0 and template and not seen_where:
                template = False  # the CONSTRUCT template is over; the next group is the pattern
    raise QueryError("no WHERE clause to bind the parameters in")


def term_text(term: Any) -> str:
    """A term as a person reads it: IRIs and literals without quotes or datatypes."""
    if term is None:
        return ""
    return str(term.value)


#: Characters that steer a terminal instead of printing: C0 controls but tab and newline,
#: DEL, C1 controls (``\x9b`` is a one-character CSI, like ESC ``[``), and the
#: bidirectional embeddings, overrides and isolates (they reorder the text shown after them).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: The same less tab, newline and carriage return, which JSON, TSV and Turtle escape themselves.
_RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str, style: str) -> str:
    r"""*text* with the characters that steer a terminal written as escapes: ``table``
    (what a person reads: ``\x9b``, ``\r``, ``\u202e``), ``uchar`` (``\u009B``, which JSON,
    Turtle and SPARQL TSV read back as the same character) or ``xml`` (``&#x9B;``).

    >>> escape_controls("red\x9b31m text\x1b[0m", "table")
    'red\\x9b31m text\\x1b[0m'
    >>> escape_controls("red\x9b31m", "uchar"), escape_controls("red\x9b31m", "xml")
    ('red\\u009B31m', 'red&#x9B;31m')
    """
    def table(m: re.Match[str]) -> str:
        code = ord(m.group())
        return "\\r" if code == 13 else f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    if style == "table":
        return _CONTROLS.sub(table, text)
    if style == "xml":
        return _CONTROLS.sub(lambda m: f"&#x{ord(m.group()):X};", text)
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def format_results(result: Any, fmt: str = "table") -> str:
    """Results as a text table, or as W3C CSV/TSV/JSON/XML (SELECT, ASK); Turtle for graphs.

    Characters that would steer a terminal (:func:`escape_controls`) are escaped: in the
    table for a person to see, in JSON, TSV, XML and Turtle with the format's own escapes
    (a parser reads back the same text). CSV has no escapes and carries them as they are.
    """
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "true\n" if bool(result) else "false\n"
        return bytes(result.serialize(format=_results_format(fmt)) or b"").decode("utf-8")
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        prefixes = {k: v for k, v in PREFIXES.items() if k != "kgid"}  # kgid:article\/… reads badly
        turtle = bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode("utf-8")
        return escape_controls(turtle, "uchar")
    if fmt != "table":
        text = bytes(result.serialize(format=_results_format(fmt)) or b"").decode("utf-8")
        return text if fmt == "csv" else escape_controls(text, "xml" if fmt == "xml" else "uchar")
    variables = [v.value for v in result.variables]
    rows = [[escape_controls(re.sub("\r\n|[\n\t\u2028\u2029]", " ", term_text(solution[v])), "table")
             for v in variables] for solution in result]
    widths = [min(max([_width(v)] + [_width(r[i]) for r in rows]), 80) for i, v in enumerate(variables)]
    lines = [" | ".join(_pad(v, w) for v, w in zip(variables, widths)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Columns *text* takes in a terminal (wide East Asian characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """*text* cut to *width* columns (with an ellipsis) and padded to it."""
    if _width(text) > width:
        out = ""
        for char in text:
            if _width(out + char) > width - 1:
                break
            out += char
        text = out + "…"
    return text + " " * (width - _width(text))


def _results_format(fmt: str) -> Any:
    import pyoxigraph as ox

    formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
               "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
    if fmt not in formats:
        raise QueryError(f"unknown result format {fmt!r} (table, csv, tsv, json, xml)")
    return formats[fmt]


def resolve_query(arg: str) -> tuple[str, list[Param] | None, str]:
    """A query argument as ``(text, declared params or None, origin)``: a library
    name, a ``.rq`` file, or inline SPARQL."""
    if arg in _library():
        q = _library()[arg]
        return q.text, q.params, f"library query {arg}"
    path = Path(arg)
    if arg.endswith((".rq", ".sparql")) or (len(arg) < 300 and "\n" not in arg and _is_file(path)):
        if not _is_file(path):
            raise QueryError(f"no such query file: {arg[:200]}")
        return _read_query_file(path), None, str(path)
    if not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", arg, re.I):
        raise QueryError(f"{arg!r} is not a library query, a .rq file or a SPARQL query ('kg query --list' shows the library)")
    return arg, None, "inline query"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a name too long to be a file
        return False


def _read_query_file(path: Path) -> str:
    """A query file's text, read no further than the longest query kg accepts."""
    from .sparql_guard import MAX_QUERY_CHARS

    try:
        with path.open("rb") as handle:
            data = handle.read(4 * MAX_QUERY_CHARS + 1)
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise QueryError(f"{path}: not UTF-8 text (byte {err.start})") from err
    except OSError as err:
        raise QueryError(f"cannot read {path}: {err.strerror or err}") from err
