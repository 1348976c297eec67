"""WARC archives: written here with warcio's writer from the real saved pages (no real
news WARC is at hand), with every kind of record a crawl holds, cut and broken ones too."""

from __future__ import annotations

import gzip
import io
import time
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import kg
from kg.errors import NoArticles, ReadError
from kg.model import Document, ItemFailure
from kg.readers import BinaryReaderModule, binary_format, get_reader, read_source, warc
from kg.sources import MAX_BYTES, as_source

from .conftest import DATA, ROOT, SHARED
from .test_fuzz import SETTINGS, check_build

PAGES = SHARED / "formats" / "html"
REUTERS_URL = ("https://www.reuters.com/article/us-awards-sag/"
               "parasite-scores-upset-at-sag-awards-boosting-oscar-chances-idUSKBN1ZI0EH")
XINHUA_URL = "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm"


def page(name: str) -> bytes:
    if not PAGES.is_dir():
        pytest.skip("../shared/formats/html is not beside the project; these tests read real saved pages from it")
    return (PAGES / name).read_bytes()


def warc_bytes(records: list[tuple], compress: bool = True) -> bytes:
    """A WARC file of *records*: ``(type, url, date, HTTP status or None, content type, body[, extra headers])``."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "kg tests"}))
    for kind, url, date, status, ctype, body, *more in records:
        http = None
        if status is not None:
            headers = ([("Content-Type", ctype)] if ctype else []) + list(more[0] if more else [])
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(url, kind, payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": date},
                                           warc_content_type=ctype if status is None and ctype else None)
        writer.write_record(record)
    return buf.getvalue()


def crawl() -> list[tuple]:
    """Records 2–9 of a typical crawl (record 1 is the warcinfo)."""
    return [
        ("request", REUTERS_URL, "2024-05-01T10:00:00Z", None, None, b"GET / HTTP/1.1\r\nHost: www.reuters.com\r\n\r\n"),
        ("response", REUTERS_URL, "2024-05-01T10:00:01Z", "200 OK", "text/html; charset=utf-8",
         page("reuters-parasite-sag-awards.html")),
        ("response", XINHUA_URL, "2024-05-01T10:00:02Z", "200 OK", "text/html",
         page("xinhua-drug-supply-price-stability.html")),
        ("response", "https://static.reuters.com/x.png", "2024-05-01T10:00:03Z", "200 OK", "image/png",
         b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ("response", "https://www.reuters.com/gone", "2024-05-01T10:00:04Z", "404 Not Found", "text/html",
         b"<html><body>Not found</body></html>"),
        ("response", "https://www.lanouvellerepublique.fr/x", "2024-05-01T10:00:05Z", "200 OK", "text/html",
         page("lanouvellerepublique-martin.html")),
        ("metadata", REUTERS_URL, "2024-05-01T10:00:06Z", None, "application/warc-fields", b"outlinks: 12\r\n"),
        ("resource", "https://www.yna.co.kr/saved", "2024-05-01T10:00:07Z", None, "text/html",
         page("yonhap-north-korea-drill-warning.html")),
    ]


def read(data: bytes, name: str = "crawl.warc.gz") -> list[Document | ItemFailure]:
    return list(warc.read_bytes(data, name))


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "plain"])
def test_every_record_is_accounted_for(compress):
    records = read(warc_bytes(crawl(), compress))
    docs = [r for r in records if isinstance(r, Document)]
    assert [d.index for d in docs] == [3, 4, 9] and not [r for r in records if isinstance(r, ItemFailure)]
    reuters, xinhua, yonhap = docs
    # the page's canonical url is its identity; where it was fetched from is its page url
    assert reuters.urls["web"] == "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"
    assert reuters.urls["page"] == REUTERS_URL
    assert reuters.title == "'Parasite' scores historic upset at SAG awards, boosting Oscar chances"
    assert reuters.retrieved == datetime(2024, 5, 1, 10, 0, 1, tzinfo=timezone.utc)
    assert reuters.published == datetime(2020, 1, 19, 12, 25, 36, tzinfo=timezone.utc)
    # a page naming no url of its own is known by the record's target
    assert xinhua.urls == {"web": XINHUA_URL} and xinhua.title == "短缺药品保供稳价 全力保障临床用药需求"
    assert yonhap.urls["web"] == "https://en.yna.co.kr/view/AEN20190820002300325"  # a resource record
    notes = "\n".join(reuters.notes)
    for line in ("warcinfo record: record 1 skipped", "request record: record 2 skipped",
                 "not HTML (image/png): record 5 skipped", "HTTP 404: record 6 skipped",
                 "metadata record: record 8 skipped"):
        assert line in notes
    assert "not an article: client-side rendered page (ng-app): record 7 skipped" in notes


def test_build_reports_the_archive(tmp_path):
    data = warc_bytes(crawl())
    assert len(data) < MAX_BYTES
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    (tmp_path / "crawl.warc").write_bytes(warc_bytes(crawl()[:3], compress=False))
    result = kg.build([tmp_path], ner="none", out=None)
    by_name = {o.name.split("/")[-1]: o for o in result.outcomes}
    gz, plain = by_name["crawl.warc.gz"], by_name["crawl.warc"]
    assert gz.status == "ingested" and gz.format == "warc" and len(gz.articles) == 3
    assert plain.status == "ingested" and len(plain.articles) == 2
    assert gz.articles[0] == plain.articles[0]  # the same page in two archives is one article
    assert any("HTTP 404: record 6 skipped" in n for n in gz.notes)


def test_cut_short_archives(tmp_path):
    plain = warc_bytes(crawl()[:3], compress=False)
    records = read(plain[:-500], "cut.warc")
    assert [r.index for r in records if isinstance(r, Document)] == [3]
    (failure,) = [r for r in records if isinstance(r, ItemFailure)]
    assert failure.index == 4 and "cut short" in failure.reason
    packed = warc_bytes(crawl()[:3])
    records = read(packed[:-300])
    failures = [r for r in records if isinstance(r, ItemFailure)]
    assert [r.index for r in records if isinstance(r, Document)] == [3]
    assert failures and failures[0].index == 4 and "cut short" in failures[0].reason
    # through the build: the file is ingested, the lost record listed with its number
    (tmp_path / "cut.warc.gz").write_bytes(packed[:-300])
    (outcome,) = kg.build([tmp_path], ner="none", out=None).outcomes
    assert outcome.status == "ingested" and outcome.failed_records[0]["record"] == 4


def test_records_over_the_limit_fail_alone(monkeypatch):
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 100_000)
    records = read(warc_bytes(crawl()[:3]))
    (failure,) = [r for r in records if isinstance(r, ItemFailure)]
    assert failure.index == 3 and "over the 100,000-byte limit" in failure.reason  # Reuters is 383 KB
    assert [r.index for r in records if isinstance(r, Document)] == [4]


def test_decompression_bombs_are_bounded(monkeypatch):
    zeros = gzip.compress(bytes(200 * 1024 * 1024), compresslevel=9)  # 200 MB of zeros in about 200 KB
    # an HTTP payload that is a gzip bomb: read only up to the record limit
    records = read(warc_bytes([("response", "https://x.example/bomb", "2024-05-01T10:00:00Z", "200 OK",
                                "text/html", zeros, [("Content-Encoding", "gzip")])]))
    assert isinstance(records[0], ItemFailure) and "limit" in records[0].reason
    # an archive that expands past the archive limit stops there
    monkeypatch.setattr(warc, "MAX_EXPANDED_BYTES", 1024 * 1024)
    big = warc_bytes([("resource", "https://x.example/zeros", "2024-05-01T10:00:00Z", None, "text/plain",
                       bytes(50 * 1024 * 1024))])
    start = time.perf_counter()
    records = read(big)
    assert time.perf_counter() - start < 10
    assert any(isinstance(r, ItemFailure) and "expands past" in r.reason for r in records)


def test_garbage_after_records_and_non_warc_files(tmp_path):
    data = warc_bytes(crawl()[:3], compress=False) + b"this is not a WARC record\r\n" * 3
    records = read(data, "tail.warc")
    assert [r.index for r in records if isinstance(r, Document)] == [3, 4]
    (failure,) = [r for r in records if isinstance(r, ItemFailure)]
    assert failure.index == 5 and "not a WARC record" in failure.reason
    with pytest.raises(ReadError):
        read(b"WARC/1.0\r\n\x00\x01garbage", "bad.warc")
    (tmp_path / "fake.warc.gz").write_bytes(b"\x1f\x8b" + bytes(40))
    (tmp_path / "text.warc").write_bytes(b"just some words, not an archive\n")
    outcomes = {o.name.split("/")[-1]: o for o in kg.build([tmp_path], ner="none", out=None).outcomes}
    assert outcomes["fake.warc.gz"].status == "failed" and outcomes["text.warc"].status == "skipped"


def test_archive_without_articles_is_skipped(tmp_path):
    data = warc_bytes([crawl()[0], crawl()[3], crawl()[6]])
    with pytest.raises(NoArticles, match="no article in the archive"):
        read(data)
    (tmp_path / "images.warc.gz").write_bytes(data)
    (outcome,) = kg.build([tmp_path], ner="none", out=None).outcomes
    assert outcome.status == "skipped" and "not HTML (image/png): record 3 skipped" in outcome.reason


def test_http_charset_decides_when_the_page_declares_none():
    body = ("<!DOCTYPE html><html><head><title>Café crème on the quay</title>"
            '<meta property="og:type" content="article"></head><body><p>'
            + "Café crème is served on the quay again. " * 10 + "</p></body></html>").encode("cp1252")
    (doc,) = read(warc_bytes([("response", "https://x.example/cafe", "2024-05-01T10:00:00Z", "200 OK",
                               "text/html; charset=windows-1252", body)]))
    assert doc.title == "Café crème on the quay"


def test_large_archives_pass_the_door():
    """A WARC over the 2 MB limit of one document is read (up to the archive limit)."""
    records = [("response", f"https://x.example/{i}", "2024-05-01T10:00:00Z", "200 OK", "text/html",
                page("reuters-parasite-sag-awards.html")) for i in range(12)]
    data = warc_bytes(records, compress=False)
    assert len(data) > 2 * MAX_BYTES
    assert binary_format(data, "big.warc") == "warc"
    source = as_source(data, name="big.warc", binary=True)
    docs = [r for r in read_source("warc", source) if isinstance(r, Document)]
    assert len(docs) == 12


def test_sample_crawl():
    data = (DATA / "warc" / "harbour-crawl.warc.gz").read_bytes()
    ferry, courier = read(data)
    assert ferry.title == "Valletta ferries switch night crossings to battery power"
    assert ferry.urls == {"web": "https://www.harbour-ledger.example/ports/2024/03/valletta-battery-ferries"}
    assert ferry.published.isoformat() == "2024-03-04T06:30:00+01:00" and ferry.authors == ["Idris Okafor"]
    assert ferry.retrieved.isoformat() == "2024-03-05T10:00:01+00:00"
    assert courier.urls == {"web": "https://tagus-courier.example/pesca/redes-juvenis"} and courier.language == "pt"
    assert "not an article: a listing page (schema.org CollectionPage), not an article: record 7 skipped" in ferry.notes


def test_sample_crawl_script_is_reproducible(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_sample_warc", ROOT / "benchmarks" / "make_sample_warc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.write(tmp_path / "x.warc.gz").read_bytes() == (DATA / "warc" / "harbour-crawl.warc.gz").read_bytes()


def test_protocol_and_registry():
    module = get_reader("warc.gz")
    assert isinstance(module, BinaryReaderModule) and module.BINARY
    data = (DATA / "warc" / "harbour-crawl.warc.gz").read_bytes()
    assert binary_format(data, "anything.bin") == "warc"
    assert binary_format(b"<html></html>", "x.warc") is None
    assert binary_format(b"<html></html>", "x.html", fmt="warc") == "warc"
    with pytest.raises(ReadError):
        module.read("WARC/1.0\n", "x.warc")


# --- fuzzing ------------------------------------------------------------------------------------

SMALL = [("response", "https://x.example/a", "2024-05-01T10:00:00Z", "200 OK", "text/html; charset=utf-8",
          b'<html><head><meta property="og:type" content="article"><title>A</title></head><body><p>'
          + b"Text of the page. " * 20 + b"</p></body></html>"),
         ("resource", "https://x.example/b", "2024-05-01T10:00:01Z", None, "text/html",
          b"<html><head><title>B</title></head><body><p>" + b"More text here. " * 20 + b"</p></body></html>")]
SAMPLES = {True: warc_bytes(SMALL, True), False: warc_bytes(SMALL, False)}


@st.composite
def damaged_warc(draw) -> bytes:
    data = bytearray(SAMPLES[draw(st.booleans())])
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(1, len(data)))])


@SETTINGS
@given(damaged_warc())
def test_fuzz_warc_reader_raises_only_read_errors(data):
    try:
        records = read(data)
    except ReadError:
        return
    assert all(isinstance(r, (Document, ItemFailure)) for r in records)


@SETTINGS
@given(st.lists(damaged_warc(), min_size=1, max_size=3))
def test_fuzz_warc_builds(blobs):
    check_build({f"crawl{i}.warc.gz": blob for i, blob in enumerate(blobs)})
