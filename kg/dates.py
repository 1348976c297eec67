"""Parse the date forms news documents use into timezone-aware datetimes.

Forms, tried in this order (first match wins):

1. ISO 8601, with or without time and offset (``2021-03-08T17:25:00Z``);
2. ``YYYY-MM-DD HH:MM:SS`` (Xinhua bylines);
3. ``Mon DD, YYYY HH:MM AM`` (Caixin bylines), month names long or short;
4. ``DD Month YYYY`` and ``Month DD, YYYY`` without time.

A date without an offset gets the time zone the caller knows for the site
(e.g. Beijing time for Caixin), else stays naive: it is written without a
zone rather than with a made-up one. Impossible dates (``2021-02-30``) and
years before :data:`MIN_YEAR` (``0001-01-01`` is the zero time of Go and
.NET, written for "no date") return ``None``; the caller records why: an
invalid date is no date, never another real one.

>>> parse_date("Oct 21, 2020 11:17 AM", "Asia/Shanghai").isoformat()
'2020-10-21T11:17:00+08:00'
>>> parse_date("2019-07-22 15:42:16").isoformat()
'2019-07-22T15:42:16'
>>> parse_date("2021-02-30") is None, parse_date("0001-01-01T00:00:00Z") is None
(True, True)
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_MONTH_FIRST = re.compile(
    r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_DAY_FIRST = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$")


#: The earliest year kg takes for a date a news document gives.
MIN_YEAR = 1000


def _zone(tz: str | None) -> ZoneInfo | None:
    return ZoneInfo(tz) if tz else None


def _build(
    y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, tzinfo=None
) -> datetime | None:
    if y < MIN_YEAR:
        return None
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tzinfo)
    except ValueError:
        return None


def _offset(text: str):
    if text == "Z":
        return timezone.utc
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    from datetime import timedelta

    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_date(text: str | date | datetime | None, tz: str | None = None) -> datetime | None:
    """Parse *text* into a datetime; ``None`` when it is empty or impossible.

    *tz* is the IANA zone to assume when the text carries no offset.
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        return text if text.tzinfo or not tz else text.replace(tzinfo=_zone(tz))
    if isinstance(text, date):
        return datetime(text.year, text.month, text.day, tzinfo=_zone(tz) if tz else None)
    value = str(text).strip()
    if not value:
        return None
    m = _ISO.match(value)
    if m:
        y, mo, d, h, mi, s, off = m.groups()
        tzinfo = _offset(off) if off else _zone(tz)
        return _build(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo)
    m = _MONTH_FIRST.match(value)
    if m and m.group(1).lower() in MONTHS:
        mon, d, y, h, mi, s, ampm = m.groups()
        hour = int(h or 0)
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
        return _build(int(y), MONTHS[mon.lower()], int(d), hour, int(mi or 0), int(s or 0), _zone(tz))
    m = _DAY_FIRST.match(value)
    if m and m.group(2).lower() in MONTHS:
        d, mon, y = m.groups()
        return _build(int(y), MONTHS[mon.lower()], int(d), tzinfo=_zone(tz))
    return None


_RFC822_YEAR = re.compile(r"\b\d{1,2}\s+[^\W\d_]{3,}\.?\s+(\d+)\b")


def parse_rfc822(text: str) -> datetime | None:
    """An RFC 822/2822 date (``Mon, 20 Jan 2020 06:05:18 GMT``), its year as written:
    two digits are RFC 2822's (``01`` is 2001), four are the year itself, so
    ``0001`` and ``0000`` are not read as 2001 and 2000 but refused (:data:`MIN_YEAR`).

    >>> parse_rfc822("Mon, 20 Jan 2020 06:05:18 GMT").isoformat()
    '2020-01-20T06:05:18+00:00'
    >>> parse_rfc822("Mon, 01 Jan 0001 10:00:00 GMT") is None, parse_rfc822("Thu, 45 Foo 2024") is None
    (True, True)
    """
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    written = _RFC822_YEAR.search(text)
    if written and len(written.group(1)) > 2 and int(written.group(1)) != parsed.year:
        return None
    return parsed if parsed.year >= MIN_YEAR else None


def to_xsd(value: datetime) -> str:
    """The ``xsd:dateTime`` lexical form: UTC offsets as ``Z`` or ``+HH:MM``.

    >>> to_xsd(datetime(2021, 3, 8, 17, 25, tzinfo=timezone.utc))
    '2021-03-08T17:25:00Z'
    """
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
