"""What GraphML and GEXF share: the attributes they carry, XML escaping, edge ids, batching.

Both formats are written as text by streaming over the settled shards'
views (:class:`kg.pieces.ShardView`), never from a whole graph in memory,
so everything here works on one value or one line at a time.

The attributes are fixed, whatever the graph holds, so a file's header can
be written before its nodes: :data:`NODE_ATTRS` (those of
:data:`kg.pieces.VIEW_ATTRS`, with their types) and :data:`EDGE_ATTRS`. A
node lacking an attribute simply has no value for it. The edges' key (the
relation, or the relation and target for assessments) says nothing that
``relation`` and the target do not, so it is not written; every edge gets
its own id instead (:func:`edge_id`).

>>> attr_value("by_reference", True), attr_value("score", 3)
('true', '3')
>>> text("a < b & c\\x0b")
'a &lt; b &amp; c\\ufffd'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

#: Node attributes with their GraphML types (GEXF uses the same names), in the order written.
NODE_ATTRS: tuple[tuple[str, str], ...] = (
    ("type", "string"),
    ("label", "string"),
    ("url", "string"),
    ("published", "string"),  # ISO 8601 date or date and time
    ("by_reference", "boolean"),  # an article known only from a link
    ("domain", "string"),
    ("iso", "string"),
    ("score", "long"),
    ("scale", "long"),
    ("alt_names", "string"),  # other names of an entity, joined by " | "
    ("last_published", "string"),  # a story's last article's date
    ("article_count", "long"),  # a story's articles
    ("outlet_count", "long"),  # the outlets that covered a story
)
#: Edge attributes with their types.
EDGE_ATTRS: tuple[tuple[str, str], ...] = (("relation", "string"),)
TYPES = dict(NODE_ATTRS + EDGE_ATTRS)
#: Characters XML 1.0 does not allow, even escaped (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                       "\t": "&#9;"})
#: Bytes per chunk handed to the file writer.
CHUNK = 1 << 16


def text(value: str) -> str:
    """*value* as XML character data (characters XML cannot hold become U+FFFD)."""
    return _NOT_XML.sub("\ufffd", value).translate(_TEXT)


def quoted(value: str) -> str:
    """*value* as a double-quoted XML attribute value (line breaks and tabs kept as references).

    >>> quoted('say "hi"\\nthere')
    '"say &quot;hi&quot;&#10;there"'
    """
    return '"' + _NOT_XML.sub("\ufffd", value).translate(_ATTR) + '"'


def attr_value(name: str, value: Any) -> str:
    """An attribute's value as the text its declared type reads back from (not yet escaped)."""
    kind = TYPES[name]
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "long":
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return " | ".join(map(str, value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def node_values(attrs: Any) -> Iterator[tuple[str, str]]:
    """``(name, text)`` of the :data:`NODE_ATTRS` a node has, in order; the label always (maybe empty)."""
    for name, _kind in NODE_ATTRS:
        value = attrs.get(name)
        if value is not None and value != [] and value != ():
            yield name, attr_value(name, value)
        elif name == "label":
            yield name, ""


def edge_id(n: int) -> str:
    """The id of the *n*-th edge written: unique in the file, an XML name, the same on every run.

    >>> edge_id(0), edge_id(1028)
    ('e0', 'e1028')
    """
    return f"e{n}"


def numbered_edges(views: Iterable[Any]) -> Iterator[tuple[str, str, str, str]]:
    """``(edge id, source, target, relation)`` for every edge of every view, in order.

    >>> from kg.pieces import ShardView
    >>> list(numbered_edges([ShardView({}, [("a", "b", "k", "related")]), ShardView({}, [("b", "a", "k", "related")])]))
    [('e0', 'a', 'b', 'related'), ('e1', 'b', 'a', 'related')]
    """
    n = 0
    for view in views:
        for source, target, _key, relation in view.edges:
            yield edge_id(n), source, target, relation
            n += 1


def batched(parts: Iterable[str], size: int = CHUNK) -> Iterator[bytes]:
    """*parts* encoded as UTF-8 and joined into chunks of about *size* bytes (:func:`kg.io.batched`).

    >>> list(batched(["ab", "cd", "e"], size=3))
    [b'abcd', b'e']
    """
    from ..io import batched as join

    return join((part.encode("utf-8") for part in parts), size)


def reiterable(views: Iterable[Any]) -> Iterable[Any]:
    """*views*, checked to be walkable twice (a list, or :class:`kg.pieces.ShardViews`; not an iterator).

    >>> reiterable(iter([]))
    Traceback (most recent call last):
    ...
    TypeError: shard views are read twice (nodes, then edges): pass a list or kg.pieces.ShardViews, not an iterator
    """
    if iter(views) is views:
        raise TypeError("shard views are read twice (nodes, then edges): pass a list or kg.pieces.ShardViews, "
                        "not an iterator")
    return views
