"""Dates as feeds and news APIs write them, kept in the zone they were written in.

Forms, tried in this order:

1. ISO 8601 and what :func:`kg.dates.parse_date` reads (Atom, JSON Feed, APIs);
2. ISO 8601 *basic* ``20240101T120000Z`` (GDELT ``seendate``);
3. RFC 822 / RFC 2822 (RSS ``pubDate``), also with day and month names in
   Portuguese, Spanish, French, German or Italian (``Seg, 24 Set 2018 19:42:40 -0300``)
   and zone names (``GMT``, ``EST``); ``-0000`` (zone unknown) is read as UTC, a
   zone name Python does not know (``CET``) leaves the date naive.

feedparser also parses dates, but turns them into UTC and drops the offset the
file gave; kg keeps the offset, so the written date reads as the outlet wrote it.

>>> parse_when("Seg, 24 Set 2018 19:42:40 -0300").isoformat()
'2018-09-24T19:42:40-03:00'
>>> parse_when("Wed, 31 Jan 2018 07:26:05 GMT").isoformat()
'2018-01-31T07:26:05+00:00'
>>> parse_when("20240301T174000Z").isoformat()
'2024-03-01T17:40:00+00:00'
>>> parse_when("not a date") is None
True
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..dates import MIN_YEAR, parse_date, parse_rfc822

#: Month and weekday abbreviations in other languages → the English ones RFC 822 uses.
FOREIGN_NAMES = {
    # months
    "fev": "Feb", "fév": "Feb", "févr": "Feb", "abr": "Apr", "avr": "Apr", "mai": "May", "mag": "May",
    "ago": "Aug", "aoû": "Aug", "août": "Aug", "set": "Sep", "sept": "Sep", "out": "Oct", "okt": "Oct",
    "ott": "Oct", "dez": "Dec", "dic": "Dec", "déc": "Dec", "ene": "Jan", "gen": "Jan", "janv": "Jan",
    "mär": "Mar", "mrz": "Mar", "juin": "Jun", "giu": "Jun", "juil": "Jul", "lug": "Jul", "mars": "Mar",
}
_WEEKDAY = re.compile(r"^\s*[^\W\d_]{2,10}\.?,\s*")
_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_WORD = re.compile(r"[^\W\d_]+")


def _rfc822(text: str) -> datetime | None:
    value = _WEEKDAY.sub("", text.strip())
    value = _WORD.sub(lambda m: FOREIGN_NAMES.get(m.group(0).lower(), m.group(0)), value)
    parsed = parse_rfc822(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None and value.endswith("-0000"):
        return parsed.replace(tzinfo=timezone.utc)  # RFC 2822: UTC, local zone unknown
    return parsed  # an unknown zone name stays naive rather than get a made-up offset


def parse_when(text: object) -> datetime | None:
    """A timezone-aware datetime from a feed or API date, else ``None`` (naive ISO dates stay naive)."""
    if text is None or isinstance(text, bool):
        return None
    value = str(text).strip()
    if not value or len(value) > 64:
        return None
    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    m = _BASIC.match(value)
    if m:
        y, mo, d, h, mi, s = map(int, m.groups())
        if y < MIN_YEAR:
            return None
        try:
            return datetime(y, mo, d, h, mi, s, tzinfo=timezone.utc)
        except ValueError:
            return None
    return _rfc822(value)
