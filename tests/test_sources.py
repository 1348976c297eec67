"""Bytes at the door: encodings, mojibake, binaries, size."""

from __future__ import annotations

import pytest

from kg.errors import ReadError
from kg.sources import MAX_BYTES, as_source


def test_utf8_bom_and_crlf():
    src = as_source("title\r\nline".encode("utf-8-sig"), name="x")
    assert src.text == "title\nline"


def test_cp1252_fallback_is_recorded():
    src = as_source("caf\xe9 \u2019quoted\u2019".encode("cp1252"), name="x")
    assert src.text == "café ’quoted’" and src.encoding == "cp1252"
    assert any("not valid UTF-8" in n for n in src.notes)


def test_mojibake_repaired():
    src = as_source("It\u00e2\u20ac\u2122s the Graphyte\u00e2\u201e\u00a2 platform".encode("utf-8"), name="x")
    assert src.text == "It’s the Graphyte™ platform"
    assert src.notes


def test_binary_refused():
    with pytest.raises(ReadError, match="binary"):
        as_source(b"\x00\x01\x02PK", name="x.zip")


def test_oversized_refused():
    with pytest.raises(ReadError, match="limit"):
        as_source(b"a" * (MAX_BYTES + 1), name="big.txt")
