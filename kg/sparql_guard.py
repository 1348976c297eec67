"""Checks on SPARQL text before any engine parses it.

Shared by ``kg query`` and ``kg serve``. Three rules, each refused with one
line (:class:`~kg.errors.QueryError`) before the query reaches pyoxigraph:

1. **Size**: at most :data:`MAX_QUERY_CHARS` characters.
2. **Nesting depth**: at most :data:`MAX_DEPTH`. Oxigraph parses and
   evaluates queries by recursion and a deep enough query overflows its stack
   (the whole process dies with a segmentation fault). The depth counted here
   bounds the depth of the parsed query: every bracket ``( { [ <<`` opens a
   level, and every chained operator in a group or expression (``OPTIONAL``,
   ``UNION``, ``MINUS``, ``BIND``, ``FILTER``, ``||``, ``+``, ``/`` …, and
   each further sub-group) nests what follows one level deeper. Data rows of
   ``VALUES`` and lists (``IN (…)``, function arguments) do not nest.
3. **No federation**: a ``SERVICE`` clause (or, in an update, ``LOAD``) makes
   the engine send a request to the url it names; refused unless the user
   allowed it (``--allow-service``).

The text is split into tokens the way a SPARQL lexer does, so the words inside
string literals, comments and IRIs are not taken for keywords. SPARQL also
allows ``\\uXXXX`` escapes anywhere in a query; the checks run on the text with
and without them decoded.

>>> check_query('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE')
>>> check_query("select * { service <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kg.errors.QueryError: the query has a SERVICE clause, which sends a request to another server; federated queries are off (allow them with --allow-service)
>>> nesting_depth("SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?r } }")
5
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .errors import QueryError

#: Longest query text accepted, in characters (a large ``VALUES`` block fits).
MAX_QUERY_CHARS = 1_000_000
#: Deepest nesting accepted (see the module docstring for what counts). Oxigraph
#: needs about 3.5 KB of stack per level; 1,000 levels stay far inside the
#: 8 MB a process or thread gets by default.
MAX_DEPTH = 1000

#: Keywords that chain group elements: each nests the rest of its group.
_CHAIN_KEYWORDS = frozenset({"OPTIONAL", "UNION", "MINUS", "BIND", "FILTER", "SERVICE", "GRAPH", "VALUES",
                             "EXISTS", "IN"})
#: Operators of expressions and property paths; each nests the rest of its expression.
_CHAIN_OPERATORS = frozenset({"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!"})
_OPEN = {"(": ")", "{": "}", "[": "]", "<<": ">>"}
_CLOSE = frozenset(_OPEN.values())

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z) | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
              | '(?:[^'\\\n\r]|\\.)*(?:'|$) | "(?:[^"\\\n\r]|\\.)*(?:"|$))
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u00c0-\uffff]+)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)? | \.\d+(?:[eE][+-]?\d+)?)
  | (?P<pname>(?:[\w\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:(?:[\w.\-:%\u00b7\u00c0-\uffff]|\\.)*)
  | (?P<word>[\w\u00c0-\uffff]+)
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|<<|>>|.)
""", re.X | re.S)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token(NamedTuple):
    """One lexical token: its kind (a group name of the lexer), text and offset."""

    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of *text* (no spaces, no comments).

    >>> [t.text for t in tokens('ASK { <urn:x#y> ?p "a # b" } # c')]
    ['ASK', '{', '<urn:x#y>', '?p', '"a # b"', '}']
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("space", "comment"):
            yield Token(kind, m.group(), m.start())


def unescape(text: str) -> str:
    """*text* with SPARQL's ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded.

    >>> unescape(r"\\u0053ERVICE")
    'SERVICE'
    """
    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _ESCAPE.sub(decode, text)


def nesting_depth(text: str) -> int:
    """How deep the parsed form of *text* can nest (an upper bound, see the module docstring)."""
    levels = [0]  # per open bracket: chained operators seen in it so far
    closers: list[str] = []
    in_values = 0  # > 0 while inside a VALUES data block (its rows do not nest)
    values_next = False
    deepest = 0
    for token in tokens(text):
        word = token.text.upper() if token.kind == "word" else None
        if token.text in _OPEN and token.kind == "punct":
            if not in_values:
                levels[-1] += 1  # a further sub-group or sub-expression nests one deeper
            closers.append(_OPEN[token.text])
            levels.append(0)
            if values_next and token.text == "{":
                in_values, values_next = len(closers), False
        elif token.text in _CLOSE and token.kind == "punct":
            if closers and closers[-1] == token.text:
                closers.pop()
                levels.pop()
                if in_values > len(closers):
                    in_values = 0
        elif not in_values and (word in _CHAIN_KEYWORDS or (token.kind == "punct" and token.text in _CHAIN_OPERATORS)):
            levels[-1] += 1
        if word == "VALUES":
            values_next = True
        deepest = max(deepest, len(levels) + sum(levels))
    return deepest - 1


def _keywords(text: str) -> set[str]:
    return {t.text.upper() for t in tokens(text) if t.kind == "word"}


def check_query(text: str, allow_service: bool = False, update: bool = False) -> None:
    """Refuse *text* if it is too long, nests too deep, or asks for a remote request.

    Raises :class:`~kg.errors.QueryError` with one line naming the limit.
    """
    what = "update" if update else "query"
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the {what} is {len(text):,} characters long; kg accepts at most {MAX_QUERY_CHARS:,}")
    forms = (text, unescape(text)) if _ESCAPE.search(text) else (text,)
    for form in forms:
        depth = nesting_depth(form)
        if depth > MAX_DEPTH:
            raise QueryError(f"the {what} nests {depth:,} levels deep (brackets and chained operators); "
                             f"kg accepts at most {MAX_DEPTH:,}")
    if allow_service:
        return
    for form in forms:
        words = _keywords(form)
        if "SERVICE" in words:
            raise QueryError(f"the {what} has a SERVICE clause, which sends a request to another server; "
                             "federated queries are off (allow them with --allow-service)")
        if update and "LOAD" in words:
            raise QueryError("the update has a LOAD operation, which fetches a url; "
                             "it is off (allow it with --allow-service)")
