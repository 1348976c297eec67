"""Turn whatever the caller has (a path, a string, bytes) into one :class:`Source`.

Everything about bytes happens here, once, at the door: size limits, binary
detection, character-set decoding and mojibake repair. Readers only ever see
clean ``str`` text, and every repair is recorded in ``Source.notes`` so the
build report can say what was done to a file.

>>> src = as_source("caf\\xc3\\xa9".encode("latin-1"), name="x.txt")
>>> src.text, src.encoding
('café', 'utf-8')
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReadError

#: Files larger than this are refused: news documents are kilobytes, and a
#: multi-megabyte "document" is almost always a dump or an attack.
MAX_BYTES = 2 * 1024 * 1024

#: Encodings tried, in order, when a file is not valid UTF-8.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass
class Source:
    """The decoded text of one input, with where it came from."""

    name: str
    text: str
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """True when bytes are not text: a NUL byte, or many control bytes.

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00"), looks_binary(b"plain text\\n")
    (True, False)
    """
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.1


#: Where a document names its own character set: an XML declaration, an HTML
#: ``<meta charset>`` or ``http-equiv`` content type (looked for in the first bytes only).
DECLARED_CHARSET = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
    rb"""|<meta[^>]{0,300}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""",
    re.IGNORECASE,
)
#: Declared names decoded with a superset, as browsers do (WHATWG Encoding Standard).
CHARSET_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-8859-1": "cp1252",
                     "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "ks_c_5601-1987": "cp949",
                     "euc-kr": "cp949", "shift_jis": "cp932", "sjis": "cp932", "tis-620": "cp874"}


def declared_encoding(data: bytes) -> str | None:
    """The Python codec for the character set a document declares in its first 4 KB, if known.

    >>> declared_encoding(b'<?xml version="1.0" encoding="GB2312"?><rss/>')
    'gb18030'
    >>> declared_encoding(b'<html><head><meta charset="utf-8">'), declared_encoding(b"no declaration")
    ('utf-8', None)
    """
    import codecs

    match = DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    label = CHARSET_SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode bytes to text; return ``(text, encoding, notes)``.

    A byte-order mark decides; else UTF-8 is tried first (it is what almost
    every file is, whatever it declares); else the character set the file
    declares (:func:`declared_encoding`); else the first fallback encoding that
    decodes, with a note saying so.
    """
    notes: list[str] = []
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, notes
            except UnicodeDecodeError as err:
                raise ReadError(f"invalid {enc} text ({err.reason})", source=name) from err
    if looks_binary(data):
        raise ReadError("binary file, not text", source=name)
    try:
        return data.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        declared = declared_encoding(data)
        if declared and declared != "utf-8":
            try:
                return data.decode(declared), declared, [f"decoded as {declared}, the character set the file declares"]
            except UnicodeDecodeError:
                notes.append(f"declares {declared} but does not decode as it")
        for enc in FALLBACK_ENCODINGS:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            notes.append(f"line {line}: not valid UTF-8; decoded as {enc}")
            return text, enc, notes
        raise ReadError("undecodable text", source=name, line=line) from err


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([byte]).decode("latin-1")


_CONT = "".join(re.escape(_cp1252_char(b)) for b in range(0x80, 0xC0))
_LEAD2 = "".join(re.escape(_cp1252_char(b)) for b in range(0xC2, 0xE0))
_LEAD3 = "".join(re.escape(_cp1252_char(b)) for b in range(0xE0, 0xF0))
_LEAD4 = "".join(re.escape(_cp1252_char(b)) for b in range(0xF0, 0xF5))
#: UTF-8 byte sequences that were decoded as cp1252 by mistake.
MOJIBAKE_RUN = re.compile(
    f"[{_LEAD2}][{_CONT}]|[{_LEAD3}][{_CONT}]{{2}}|[{_LEAD4}][{_CONT}]{{3}}"
)


def _redecode(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return run.encode("cp1252", errors="strict").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        try:
            return run.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run


def repair(text: str) -> tuple[str, list[str]]:
    """Repair mojibake (``â„¢`` → ``™``) with ftfy; return the text and notes.

    Only encoding accidents are fixed: quotes, ligatures, widths and HTML
    entities are left as the author wrote them.

    >>> repair("Graphyteâ„¢ platform")
    ('Graphyte™ platform', ['line 1: repaired mojibake (cp1252 run re-decoded as UTF-8)'])
    """
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    notes: list[str] = []
    if text.isascii():
        return text, notes
    out_lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.isascii():
            out_lines.append(line)
            continue
        fixed, explanation = ftfy.fix_and_explain(line, config)
        how = "ftfy " + "/".join(f"{step} {arg}" for step, arg in (explanation or [])[:3])
        if fixed == line:
            # ftfy leaves short runs such as "â„¢" alone as too ambiguous; a
            # run that re-decodes as valid UTF-8 is a safe repair all the same.
            fixed = MOJIBAKE_RUN.sub(_redecode, line)
            how = "cp1252 run re-decoded as UTF-8"
        if fixed != line:
            notes.append(f"line {number}: repaired mojibake ({how})")
        out_lines.append(fixed)
    return "\n".join(out_lines), notes


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def strip_controls(text: str) -> tuple[str, int]:
    """Remove control characters no document means to contain (they break YAML,
    Turtle and terminals); return the text and how many were removed.

    >>> strip_controls("bell" + chr(7) + " and null" + chr(0))
    ('bell and null', 2)
    """
    cleaned, count = _CONTROLS.subn("", text)
    return cleaned, count


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, never more than *limit* (+1 to tell it is over);
    raises :class:`~kg.errors.ReadError` for anything else. Opened without blocking, so
    a FIFO put in a file's place cannot hang the build."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise ReadError(f"cannot read file: {err.strerror or err}") from err
    with os.fdopen(fd, "rb", buffering=0) as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("not a regular file; not read")
        chunks, held = [], 0
        try:
            while held <= limit:
                chunk = fh.read(min(1 << 20, limit + 1 - held))
                if not chunk:
                    break
                chunks.append(chunk)
                held += len(chunk)
        except OSError as err:
            raise ReadError(f"cannot read file: {err.strerror or err}") from err
    data = b"".join(chunks)
    if len(data) > limit:
        raise ReadError(f"file is {max(st.st_size, len(data)):,} bytes, over the {limit:,}-byte limit")
    return data


def as_source(data: str | bytes | os.PathLike[str], name: str | None = None) -> Source:
    """Make a :class:`Source` from a path, bytes or text.

    Raises :class:`~kg.errors.ReadError` for binary, oversized or undecodable input.
    """
    if isinstance(data, os.PathLike):
        name = name or str(data)
        try:
            raw: bytes | None = read_bounded(data)
        except ReadError as err:
            raise ReadError(err.message, source=name) from err
    elif isinstance(data, bytes):
        raw = data
    else:
        raw = None
    name = name or "<input>"
    if raw is not None:
        if len(raw) > MAX_BYTES:
            raise ReadError(f"input is {len(raw):,} bytes, over the {MAX_BYTES:,}-byte limit", source=name)
        text, encoding, notes = decode(raw, name)
    else:
        assert isinstance(data, str)
        if len(data) > MAX_BYTES:
            raise ReadError(f"input is {len(data):,} characters, over the limit", source=name)
        text, encoding, notes = data, "utf-8", []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = strip_controls(text)
    if removed:
        notes.append(f"removed {removed} control character(s) (C0/C1 other than tab and newline)")
    text, repairs = repair(text)
    return Source(name=name, text=text, encoding=encoding, notes=notes + repairs)
