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

The checks take time linear in the length of the text (a 1 MB query in a few
hundredths of a second): :func:`scan` lets the regular expression engine skip
every run of tokens that cannot change the depth, and Python counts only the
few that can (brackets, chaining keywords and operators).

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
#: Words that make the engine send a request elsewhere.
_REMOTE = frozenset({"SERVICE", "LOAD"})

# The lexer's pieces, tried in this order at each position (the first that matches wins).
_SPACE = r"\s+"
_COMMENT = r"\#[^\n\r]*"
_STRING = ("'''" + r"(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)" + '|"""' + r'(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
           + r"""|'(?:[^'\\\n\r]|\\.)*(?:'|$)|"(?:[^"\\\n\r]|\\.)*(?:"|$)""")
_IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
_VAR = r"[?$][\w\u00b7\u00c0-\uffff]+"
_LANG = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
_NUMBER = r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"
_RUN = r"[\w.\-\u00b7\u00c0-\uffff]"  # the characters of a prefix: word characters, dots, hyphens
_PREFIX = r"[\w\u00c0-\uffff]" + _RUN + "*+"
_LOCAL = r"(?:[\w.\-:%\u00b7\u00c0-\uffff]|\\.)*"
_WORD = r"[\w\u00c0-\uffff]+"
_PUNCT = r"\^\^|\|\||&&|!=|<=|>=|<<|>>|."
_PAIRS = ("^^", "||", "&&", "!=", "<=", ">=", "<<", ">>")


def _lexer(pname: bool) -> re.Pattern[str]:
    pieces = [("space", _SPACE), ("comment", _COMMENT), ("string", _STRING), ("iri", _IRI), ("var", _VAR),
              ("lang", _LANG), ("number", _NUMBER), ("pname", f"(?:{_PREFIX})?:{_LOCAL}"), ("word", _WORD),
              ("punct", _PUNCT)]
    return re.compile("|".join(f"(?P<{kind}>{rx})" for kind, rx in pieces if pname or kind != "pname"), re.S)


_TOKEN = _lexer(pname=True)
#: The same without prefixed names, for the rest of a run of name characters that no ``:`` ends.
_TOKEN_NO_PNAME = _lexer(pname=False)
_NAME_RUN = re.compile(_RUN + "*")
_BLANK = re.compile(f"(?:{_SPACE}|{_COMMENT})*+")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _skipper(stops: frozenset[str], plain: bool, rows: bool = False) -> re.Pattern[str]:
    """A pattern that matches, from where it starts, every token up to the first one in
    *stops* (words in upper case, or punctuation) or one that Python must read itself.

    It tries the lexer's pieces in the lexer's order, each atomic, so it splits the text as
    :func:`tokens` does. Python reads: a token in *stops*, a word with a letter beyond ASCII
    (its upper case is Python's to decide), and a word inside a run of name characters
    (``a.b``), where only a scan of the run tells whether it starts a prefixed name.
    *plain*: the skipper for such a run once Python knows that no ``:`` ends it. *rows*:
    also skip bracketed rows of tokens (group ``row``), for the rows of a ``VALUES`` block.
    """
    keywords = sorted(w for w in stops if w.isalpha())
    initials = "".join(sorted({c for w in keywords for c in (w[0], w[0].lower())}))
    word = (rf"(?!(?=[{initials}])(?i:{'|'.join(keywords)})(?![\w\u00c0-\uffff]))"  # a keyword, any case
            r"[A-Za-z0-9_]++(?![\w\u00c0-\uffff])")
    if plain:  # inside a run of name characters: '.', words, '·', numbers (and '-' when no stop)
        plus = r"(?:\d++(?:\.\d*+)?|\.\d++)[eE]\+\d"  # a number that leaves the run: Python reads it
        dash = "" if "-" in stops else "|-"
        # the pieces start with different characters, so their order here does not matter
        one = rf"(?>\.(?!\d)|(?!\d){word}|\u00b7{dash}|(?!{plus})(?:{_NUMBER}))"
    else:
        pairs = [p for p in _PAIRS if p not in stops]
        singles = "".join(sorted({c for p in stops if not p.isalpha() and len(p) == 1 for c in p}))
        stop_pairs = [p for p in _PAIRS if p in stops]
        punct = "|".join(re.escape(p) for p in pairs)
        punct += (f"|(?!{'|'.join(re.escape(p) for p in stop_pairs)})" if stop_pairs else "|")
        punct += rf"[^{re.escape(singles)}\w\u00c0-\uffff]"
        one = (f"(?>{_SPACE}|{_COMMENT}|{_STRING}|{_IRI}|{_VAR}|{_LANG}|{_NUMBER}"
               f"|(?:(?<!{_RUN}){_PREFIX})?:{_LOCAL}|(?<!{_RUN}){word}|{punct})")
        if rows:  # in a VALUES block a data row ( … ) is skipped whole (Python counts its one level)
            one = rf"{one}|(?P<row>\((?:{one})*+\))"
    return re.compile(f"(?:{one})*+", re.S)


_STOPS = _CHAIN_KEYWORDS | _CHAIN_OPERATORS | _CLOSE | set(_OPEN) | _REMOTE
_STOPS_IN_VALUES = frozenset({"VALUES"}) | _CLOSE | set(_OPEN) | _REMOTE  # data rows: only brackets nest
#: The skippers, by [inside a VALUES block][inside a run of name characters that no ':' ends].
_SKIP = [[_skipper(_STOPS, False), _skipper(_STOPS, True)],
         [_skipper(_STOPS_IN_VALUES, False, rows=True), _skipper(_STOPS_IN_VALUES, True)]]


class Token(NamedTuple):
    """One lexical token: its kind (a group name of the lexer), text and offset."""

    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of *text* (no spaces, no comments), in time linear in its length.

    A word in a run of name characters (``a.b-c…``) that no ``:`` ends is no prefixed name,
    and neither is any word after it in the run: the run is scanned for a ``:`` once, not
    once per word (which made ``a.a.a.…`` quadratic).

    >>> [t.text for t in tokens('ASK { <urn:x#y> ?p "a # b" } # c')]
    ['ASK', '{', '<urn:x#y>', '?p', '"a # b"', '}']
    >>> [t.text for t in tokens("a.b ex.a:b")]
    ['a', '.', 'b', 'ex.a:b']
    """
    pos, end, plain_until = 0, len(text), 0
    while pos < end:
        m = (_TOKEN_NO_PNAME if pos < plain_until else _TOKEN).match(text, pos)
        assert m is not None  # the last piece matches any character
        kind = m.lastgroup or "punct"
        if kind == "word" and pos >= plain_until:
            plain_until = _NAME_RUN.match(text, pos).end()  # type: ignore[union-attr]  # always matches
        if kind not in ("space", "comment"):
            yield Token(kind, m.group(), pos)
        pos = m.end()


def unescape(text: str) -> str:
    """*text* with SPARQL's ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded.

    >>> unescape(r"\\u0053ERVICE")
    'SERVICE'
    """
    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _ESCAPE.sub(decode, text)


class Scan(NamedTuple):
    """What :func:`scan` found: the nesting depth and the words that reach elsewhere."""

    depth: int
    remote: frozenset[str]


def scan(text: str, limit: int | None = None) -> Scan:
    """The nesting depth of *text* (see the module docstring) and which of ``SERVICE`` and
    ``LOAD`` it holds as words; with *limit*, the scan stops at the first depth above it.

    The tokens that cannot change the depth are skipped by one regular expression
    (:func:`_skipper`), so Python sees only brackets, chaining words and operators, and
    the odd word it must read itself; the result is what a count over :func:`tokens` gives.

    >>> scan("SELECT * { SERVICE <http://x.org/> { ?s ?p ?o } }")
    Scan(depth=6, remote=frozenset({'SERVICE'}))
    """
    levels = [0]  # per open bracket: chained operators seen in it so far
    depth = 1  # len(levels) + sum(levels), kept as they change
    closers: list[str] = []
    in_values = 0  # > 0 while inside a VALUES data block (its rows do not nest)
    values_next = False
    deepest = 0 if _BLANK.fullmatch(text) else 1  # -1 for a text of nothing but spaces and comments
    remote: set[str] = set()
    pos, end, plain_until = 0, len(text), 0
    while True:
        skipped = _SKIP[in_values > 0][pos < plain_until].match(text, pos)
        assert skipped is not None  # it matches the empty string at least
        pos = skipped.end()
        if "row" in skipped.re.groupindex and skipped.group("row") is not None:
            deepest = max(deepest, depth + 1)  # data rows skipped whole: one level inside the block
            if limit is not None and deepest - 1 > limit:
                break
        if pos >= end:
            break
        m = (_TOKEN_NO_PNAME if pos < plain_until else _TOKEN).match(text, pos)
        assert m is not None  # the last piece matches any character
        kind, token = m.lastgroup or "punct", m.group()
        if kind == "word" and pos >= plain_until:
            plain_until = _NAME_RUN.match(text, pos).end()  # type: ignore[union-attr]  # no ':' ends this run
        pos = m.end()
        word = token.upper() if kind == "word" else None
        if token in _OPEN and kind == "punct":
            if not in_values:
                levels[-1] += 1  # a further sub-group or sub-expression nests one deeper
                depth += 1
            closers.append(_OPEN[token])
            levels.append(0)
            depth += 1
            if values_next and token == "{":
                in_values, values_next = len(closers), False
        elif token in _CLOSE and kind == "punct":
            if closers and closers[-1] == token:
                closers.pop()
                depth -= 1 + levels.pop()
                if in_values > len(closers):
                    in_values = 0
        elif not in_values and (word in _CHAIN_KEYWORDS or (kind == "punct" and token in _CHAIN_OPERATORS)):
            levels[-1] += 1
            depth += 1
        if word == "VALUES":
            values_next = True
        if word in _REMOTE:
            remote.add(word)
        deepest = max(deepest, depth)
        if limit is not None and deepest - 1 > limit:
            break
    return Scan(deepest - 1, frozenset(remote))


def nesting_depth(text: str) -> int:
    """How deep the parsed form of *text* can nest (an upper bound, see the module docstring).

    >>> nesting_depth("ASK { FILTER((1)) }")
    7
    """
    return scan(text).depth


def check_query(text: str, allow_service: bool = False, update: bool = False) -> None:
    """Refuse *text* if it is too long, nests too deep, or asks for a remote request.

    Raises :class:`~kg.errors.QueryError` with one line naming the limit.
    """
    what = "update" if update else "query"
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the {what} is {len(text):,} characters long; kg accepts at most {MAX_QUERY_CHARS:,}")
    forms = (text, unescape(text)) if _ESCAPE.search(text) else (text,)
    found = []
    for form in forms:
        found.append(scan(form, limit=MAX_DEPTH))
        if found[-1].depth > MAX_DEPTH:
            raise QueryError(f"the {what} nests more than {MAX_DEPTH:,} levels deep (brackets and chained "
                             f"operators); kg accepts at most {MAX_DEPTH:,}")
    if allow_service:
        return
    for each in found:
        if "SERVICE" in each.remote:
            raise QueryError(f"the {what} has a SERVICE clause, which sends a request to another server; "
                             "federated queries are off (allow them with --allow-service)")
        if update and "LOAD" in each.remote:
            raise QueryError("the update has a LOAD operation, which fetches a url; "
                             "it is off (allow it with --allow-service)")
