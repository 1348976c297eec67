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
from functools import lru_cache

from .errors import ReadError

#: Files larger than this are refused: news documents are kilobytes, and a
#: multi-megabyte "document" is almost always a dump or an attack.
MAX_BYTES = 2 * 1024 * 1024
#: Web archives (``.warc``, ``.warc.gz``) hold many pages: they may be this large.
#: Each page inside is still held to :data:`MAX_BYTES` by its reader.
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
#: File names that get :data:`MAX_ARCHIVE_BYTES`.
ARCHIVE_SUFFIXES = (".warc", ".warc.gz")

#: Encodings tried, in order, when a file is not valid UTF-8.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass
class Source:
    """The decoded text of one input, with where it came from.

    A binary format (a WARC archive) is not decoded: its ``data`` holds the
    bytes, ``text`` is empty and ``encoding`` is ``"binary"``.
    """

    name: str
    text: str
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    data: bytes | None = None


def size_limit(name: str) -> int:
    """The most bytes kg reads from the file called *name*.

    >>> size_limit("crawl.warc.gz") > size_limit("page.html") == MAX_BYTES
    True
    """
    return MAX_ARCHIVE_BYTES if name.lower().endswith(ARCHIVE_SUFFIXES) else MAX_BYTES


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
    match = DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    return _codec((match.group(1) or match.group(2)).decode("ascii"))


def _codec(label: str | None) -> str | None:
    """The Python codec for a character-set label (``GB2312`` → ``gb18030``), if known."""
    import codecs

    if not label:
        return None
    key = label.strip().lower()
    key = CHARSET_SUPERSETS.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def decode(data: bytes, name: str, charset: str | None = None) -> tuple[str, str, list[str]]:
    """Decode bytes to text; return ``(text, encoding, notes)``.

    A byte-order mark decides; else UTF-8 is tried first (it is what almost
    every file is, whatever it declares); else *charset*, the character set the
    transport declared (an HTTP ``Content-Type`` in a WARC record); else the
    character set the file declares (:func:`declared_encoding`); else the first
    fallback encoding that decodes, with a note saying so.

    >>> decode("Zürich".encode("cp1250"), "x.html", charset="windows-1250")[:2]
    ('Zürich', 'cp1250')
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
        for codec, how in ((_codec(charset), "it was sent with"), (declared_encoding(data), "the file declares")):
            if codec and codec != "utf-8":
                try:
                    return data.decode(codec), codec, [f"decoded as {codec}, the character set {how}"]
                except UnicodeDecodeError:
                    notes.append(f"{codec} is the character set {how}, but the file does not decode as it")
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


@lru_cache(maxsize=1)
def _suspect() -> re.Pattern[str]:
    """Lines ftfy could change under :func:`repair`'s settings: a character a UTF-8
    lead byte decodes to in one of ftfy's single-byte encodings, followed by one a
    continuation byte decodes to (or by a space where a no-break space was lost, in
    the shapes ftfy restores); a C1 control, a surrogate, a replacement character.
    A line without one is left alone without asking ftfy, which is slow on the
    long lines of web pages.
    """
    import ftfy.chardata

    def chars(codes: bytes) -> str:
        found = {c for enc in ftfy.chardata.CHARMAP_ENCODINGS for c in codes.decode(enc, errors="ignore")}
        return re.escape("".join(sorted(found)))

    lead, cont = chars(bytes(range(0xC0, 0xF8))), chars(bytes(range(0x80, 0xC0)))
    a0, e, f = chars(b"\xc2\xc3\xc5\xce\xd0\xd9\xe0\xe1\xe2\xe3\xf0"), chars(b"\xe0\xe1\xe2\xe3\xf0"), chars(b"\xf0")
    return re.compile(f"[{lead}][{cont}]|[{a0}] |[{e}][{cont}] |[{f}][{cont}][{cont}] "
                      r"|[\x80-\x9f\x1a\ufffd\ud800-\udfff]")


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
    suspect = _suspect()
    for number, line in enumerate(text.split("\n"), start=1):
        if line.isascii() or not suspect.search(line):
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> tuple[str, int]:
    """Lone UTF-16 surrogates (what a JSON ``\\ud800`` escape or a YAML one decodes to)
    replaced by U+FFFD; a high and low surrogate side by side become the character they
    encode. Return the text and how many surrogates were replaced. No file can hold a
    lone surrogate as UTF-8, and nothing downstream (the cache, the outputs) can write one.

    >>> replace_surrogates("x" + chr(0xD800) + "y"), replace_surrogates(chr(0xD83D) + chr(0xDE00))
    (('x�y', 1), ('😀', 0))
    """
    if not _SURROGATE.search(text):
        return text, 0
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") - text.count("\ufffd")


#: A numeric character reference in markup (``&#xD800;``, ``&#55296;``).
CHAR_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));")
_OPEN_TAG = re.compile(r"<([A-Za-z_][\w:.-]{0,60})")


def repair_char_refs(text: str, limit: int = 20) -> tuple[str, list[str]]:
    """Numeric character references that name no character (a UTF-16 surrogate, a code
    point past U+10FFFF) replaced by ``&#xFFFD;``, so that a markup parser reads U+FFFD
    (lxml does this itself, silently; feedparser fails the whole feed on one). Return the
    text and one note per reference (the first *limit*, then a count), each naming its
    line and the element it is in.

    >>> repair_char_refs("<rss>\\n<title>a&#xD800;b</title></rss>")
    ('<rss>\\n<title>a&#xFFFD;b</title></rss>', ['line 2: <title>: character reference &#xD800; names no character (a UTF-16 surrogate); read as U+FFFD'])
    """
    if "&#" not in text:
        return text, []
    notes: list[str] = []
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        count += 1
        if count <= limit:
            what = "a UTF-16 surrogate" if code <= 0x10FFFF else "past U+10FFFF"
            tags = _OPEN_TAG.findall(text, max(0, match.start() - 2000), match.start())
            element = f"<{tags[-1]}>: " if tags else ""
            line = text.count("\n", 0, match.start()) + 1
            notes.append(f"line {line}: {element}character reference {match.group(0)} names no character "
                         f"({what}); read as U+FFFD")
        return "&#xFFFD;"

    fixed = CHAR_REF.sub(fix, text)
    if count > limit:
        notes.append(f"{count} character references name no character; each read as U+FFFD (the first "
                     f"{limit} are noted)")
    return fixed, notes


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


def as_source(data: str | bytes | os.PathLike[str], name: str | None = None, *,
              charset: str | None = None, binary: bool = False) -> Source:
    """Make a :class:`Source` from a path, bytes or text.

    *charset* is the character set the bytes were sent with, if known (an HTTP
    header). With *binary* (a format read from its bytes, such as WARC) the
    bytes are kept undecoded in ``Source.data``, up to :data:`MAX_ARCHIVE_BYTES`.
    Raises :class:`~kg.errors.ReadError` for binary, oversized or undecodable input.

    >>> src = as_source(b"WARC/1.1\\r\\n", name="x.warc", binary=True)
    >>> src.data, src.text, src.encoding
    (b'WARC/1.1\\r\\n', '', 'binary')
    """
    limit = MAX_ARCHIVE_BYTES if binary else MAX_BYTES
    if isinstance(data, os.PathLike):
        name = name or str(data)
        try:
            raw: bytes | None = read_bounded(data, limit)
        except ReadError as err:
            raise ReadError(err.message, source=name) from err
    elif isinstance(data, bytes):
        raw = data
    else:
        raw = None
    name = name or "<input>"
    if raw is not None:
        if len(raw) > limit:
            raise ReadError(f"input is {len(raw):,} bytes, over the {limit:,}-byte limit", source=name)
        if binary:
            return Source(name=name, text="", encoding="binary", data=raw)
        text, encoding, notes = decode(raw, name, charset)
    elif binary:
        raise ReadError("a binary format is read from bytes, not text", source=name)
    else:
        assert isinstance(data, str)
        if len(data) > MAX_BYTES:
            raise ReadError(f"input is {len(data):,} characters, over the limit", source=name)
        text, encoding, notes = data, "utf-8", []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = strip_controls(text)
    if removed:
        notes.append(f"removed {removed} control character(s) (C0/C1 other than tab and newline)")
    text, lone = replace_surrogates(text)
    if lone:
        notes.append(f"replaced {lone} lone UTF-16 surrogate(s) by U+FFFD")
    text, repairs = repair(text)
    return Source(name=name, text=text, encoding=encoding, notes=notes + repairs)
