"""Plain data to bytes and back, for everything kg keeps in its cache: never code.

kg's cache (``OUT/.kg-cache``) is data people share with output folders, so
it is stored as MessagePack, which can only ever decode to plain values:
``None``, booleans, numbers, strings, bytes, lists or tuples and dicts. Four
extension types carry what MessagePack has no type for: dates, timezone-aware
or naive datetimes (with their UTC offset), integers too big for 64 bits, and
the record classes of :mod:`kg.model` — looked up by name in an allow-list
(:data:`RECORDS`), never imported from the data.

With ``lists=False`` (facts) every array decodes as a tuple, so values stay
hashable; with ``lists=True`` (documents) as lists.

>>> from datetime import datetime, timezone, timedelta
>>> when = datetime(2020, 10, 21, 11, 17, tzinfo=timezone(timedelta(hours=8)))
>>> unpack(pack(("a", when, 10**30, {"k": [1, 2]})))
('a', datetime.datetime(2020, 10, 21, 11, 17, tzinfo=datetime.timezone(datetime.timedelta(seconds=28800))), 1000000000000000000000000000000, {'k': (1, 2)})
>>> from kg.model import Provider
>>> unpack(pack(Provider(name="Caixin", domain="caixinglobal.com")), lists=True)
Provider(name='Caixin', domain='caixinglobal.com', images=[], titled=False)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from . import model
from .errors import CacheDamaged

_DATETIME, _DATE, _BIGINT, _RECORD = 1, 2, 3, 4

#: The only classes the codec rebuilds from data.
RECORDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (model.Image, model.Provider, model.Related, model.QA, model.BiasScore, model.SDGRelevance,
                model.Mention, model.Subject, model.ItemFailure, model.Document)
}


def _default(value: Any) -> Any:
    import msgpack

    if isinstance(value, datetime):
        return msgpack.ExtType(_DATETIME, value.isoformat().encode("ascii"))
    if isinstance(value, date):
        return msgpack.ExtType(_DATE, value.isoformat().encode("ascii"))
    if isinstance(value, int):  # only ints MessagePack cannot hold reach here
        return msgpack.ExtType(_BIGINT, str(value).encode("ascii"))
    if dataclasses.is_dataclass(value) and type(value).__name__ in RECORDS:
        fields = [getattr(value, f.name) for f in dataclasses.fields(value)]
        return msgpack.ExtType(_RECORD, pack([type(value).__name__, fields]))
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot store a {type(value).__name__} in kg's cache")


def pack(value: Any) -> bytes:
    """*value* as MessagePack bytes.

    A string holding a lone UTF-16 surrogate has no UTF-8 form, so MessagePack cannot
    store it; readers repair such strings and note it (:func:`kg.sources.replace_surrogates`),
    and any that reaches the cache all the same is stored with U+FFFD in its place
    (:func:`scrub`) rather than stopping the build.

    >>> unpack(pack(["a" + chr(0xD800), {"k" + chr(0xDC00): 1}]))
    ('a\ufffd', {'k\ufffd': 1})
    """
    import msgpack

    try:
        return bytes(msgpack.packb(value, default=_default, use_bin_type=True, strict_types=False))
    except UnicodeEncodeError:
        return bytes(msgpack.packb(scrub(value), default=_default, use_bin_type=True, strict_types=False))


def scrub(value: Any) -> Any:
    """*value* with every lone surrogate in its strings (and keys) replaced by U+FFFD; lists,
    tuples and dicts rebuilt, everything else as it is (records are scrubbed as they are packed).

    >>> scrub(("x" + chr(0xDFFF), [1, None]))
    ('x\ufffd', [1, None])
    """
    from .sources import replace_surrogates

    if isinstance(value, str):
        return replace_surrogates(value)[0]
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(scrub(v) for v in value)
    if isinstance(value, tuple):  # a named tuple: packed as an array of its fields
        return tuple(scrub(v) for v in value)
    return value


def pack_items(packed: Iterable[bytes]) -> bytes:
    """The MessagePack array of items packed one by one as they come (the same bytes as
    packing the list whole, without holding the items as objects).

    >>> pack_items(pack(n) for n in range(20)) == pack(list(range(20)))
    True
    """
    import msgpack

    body, count = bytearray(), 0
    for item in packed:
        body += item
        count += 1
    body[0:0] = msgpack.Packer().pack_array_header(count)
    return bytes(body)


def unpack(data: bytes, lists: bool = False) -> Any:
    """The value :func:`pack` wrote; :class:`~kg.errors.CacheDamaged` for anything else."""
    import msgpack

    def ext(code: int, payload: bytes) -> Any:
        if code == _DATETIME:
            return datetime.fromisoformat(payload.decode("ascii"))
        if code == _DATE:
            return date.fromisoformat(payload.decode("ascii"))
        if code == _BIGINT:
            return int(payload.decode("ascii"))
        if code == _RECORD:
            name, fields = unpack(payload, lists)
            return RECORDS[name](*fields)
        raise ValueError(f"unknown extension type {code}")

    try:
        return msgpack.unpackb(data, ext_hook=ext, use_list=lists, raw=False, strict_map_key=False)
    except Exception as err:  # any decoding failure means the bytes are not what kg wrote
        raise CacheDamaged(f"undecodable cache data ({type(err).__name__})") from err
