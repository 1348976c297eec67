"""Hostile input, round 3: every record of every file ends in the graph or in report.json
with its reason, and a repair is noted with the field it was made in (issue 24).

Each file here is built in ``tmp_path`` in the real shape of its format: a NewsAPI.org
response, an RSS 2.0 feed, a JSON Feed 1.1, JSON Lines of API records, a saved article
page with schema.org JSON-LD, a WARC crawl.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.codec import pack, unpack
from kg.model import Document, Provider
from kg.readers import get_reader

from .test_warc import warc_bytes

SURROGATE = "\ud800"


def newsapi_record(n: int, **fields: object) -> dict:
    """One NewsAPI.org ``articles[]`` record, as the API writes it."""
    record = {"source": {"id": None, "name": "Harbour Ledger"}, "author": "Ana Reis",
              "title": f"Turbines follow the fish, part {n}", "description": f"Part {n} of the series.",
              "url": f"https://harbour-ledger.example/2024/03/turbines-{n}",
              "urlToImage": None, "publishedAt": f"2024-03-0{n}T08:15:00Z", "content": f"A pilot, part {n}."}
    record.update(fields)
    return record


def newsapi(records: list[dict]) -> str:
    """A NewsAPI.org response (``json.dumps`` writes a lone surrogate as its ``\\ud800`` escape)."""
    return json.dumps({"status": "ok", "totalResults": len(records), "articles": records}, indent=1)


def article_page(jsonld: str, head: str = "", body: str | None = None) -> str:
    """A saved article page: one schema.org NewsArticle in JSON-LD (*jsonld* adds properties)."""
    text = body if body is not None else (
        "<p>Rain fell on the city of Example for the first time in a month on Friday, filling the "
        "reservoirs that had run low over the winter.</p><p>Farmers welcomed it, and the water board "
        "lifted its limits on garden hoses from Saturday morning.</p>")
    return f"""<!DOCTYPE html><html lang="en"><head><title>Rain returns | Example Post</title>
<meta property="og:url" content="https://example.org/2024/rain">{head}
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Rain returns", "datePublished": "2024-03-01T08:00:00+01:00",
 "publisher": {{"@type": "Organization", "name": "Example Post"}}{jsonld}}}</script></head>
<body><article><h1>Rain returns</h1>{text}</article></body></html>"""


def outcomes(out: Path) -> dict[str, dict]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {o["file"].rsplit("/", 1)[-1]: o for o in report["outcomes"]}


def named(outcome: dict, *words: str) -> list[str]:
    """The outcome's notes that hold every one of *words*."""
    return [n for n in outcome.get("notes", []) if all(w in n for w in words)]


# --- 1. a lone surrogate: repaired with a note naming the field, the record kept -----------------

def test_a_lone_surrogate_is_repaired_and_named_and_the_build_finishes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "newsapi.json").write_text(newsapi([newsapi_record(1, title=f"Pier x{SURROGATE}y"), newsapi_record(2)]))
    (src / "feed.rss").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Northwind Times</title>\n'
        "<link>https://www.northwind-times.example/</link>\n"
        "<item><title>Estuary &#xD800; quiet season</title><link>https://www.northwind-times.example/a</link></item>\n"
        "<item><title>Ferry timetable</title><link>https://www.northwind-times.example/b</link></item>\n"
        "</channel></rss>\n")
    (src / "feed.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Tagus Gazette",
        "home_page_url": "https://tagus-gazette.example/",
        "items": [{"id": "1", "url": "https://tagus-gazette.example/1", "title": f"Bridge \udc00 closed"},
                  {"id": "2", "url": "https://tagus-gazette.example/2", "title": "Bridge open"}]}))
    (src / "records.jsonl").write_text(
        json.dumps(newsapi_record(3)) + "\n" + json.dumps(newsapi_record(4, author=f"Rui {SURROGATE}Costa")) + "\n")
    (src / "page.html").write_text(article_page(', "alternativeHeadline": "Rain \\ud800 again"'))
    (src / "item.md").write_text('---\ntitle: "Quay \\ud800 works \\ud83d\\ude00"\nwebUrl: https://quay.example/w\n---\n')

    assert main(["build", str(src), "--out", str(out), "--ner", "none", "-q"]) == 0

    by_file = outcomes(out)
    assert {name: (o["status"], len(o.get("articles", []))) for name, o in by_file.items()} == {
        "newsapi.json": ("ingested", 2), "feed.rss": ("ingested", 2), "feed.json": ("ingested", 2),
        "records.jsonl": ("ingested", 2), "page.html": ("ingested", 1), "item.md": ("ingested", 1)}
    assert named(by_file["newsapi.json"], "articles[0].title", "U+FFFD")
    assert named(by_file["feed.rss"], "line 4", "<title>", "&#xD800;", "U+FFFD")
    assert named(by_file["feed.json"], "items[0].title", "U+FFFD")
    assert named(by_file["records.jsonl"], "line 2", "author", "U+FFFD")
    assert named(by_file["page.html"], "JSON-LD", "alternativeHeadline", "U+FFFD")
    assert named(by_file["item.md"], "line 2", "U+FFFD")
    nt = (out / "graph.nt").read_text(encoding="utf-8")
    for headline in ("Pier x\ufffdy", "Estuary \ufffd quiet season", "Bridge \ufffd closed", "Ferry timetable",
                     "Quay \ufffd works \U0001f600"):
        assert f'<https://schema.org/headline> "{headline}"' in nt, headline


def test_the_cache_encoder_never_dies_on_a_lone_surrogate():
    doc = Document(source="x.json", format="newsapi", title=f"x{SURROGATE}y",
                   provider=Provider(name=f"Ledger{SURROGATE}"), extra={f"k{SURROGATE}": [f"v{SURROGATE}"]})
    back = unpack(pack([doc]), lists=True)[0]
    assert (back.title, back.provider.name, back.extra) == ("x\ufffdy", "Ledger\ufffd", {"k\ufffd": ["v\ufffd"]})


# --- 2. JSON Lines: every good line kept, every bad one reported with its line -----------------

GOOD = [json.dumps(newsapi_record(n)) for n in range(1, 5)]


@pytest.mark.parametrize("name, lines, bad", [
    ("bad-first.jsonl", ['{"title": "cut short', GOOD[0], GOOD[1], GOOD[2]], [1]),
    ("bad-second.jsonl", [GOOD[0], "not json at all", GOOD[1]], [2]),
    ("bad-last.jsonl", [GOOD[0], GOOD[1], '{"title": "cut short'], [3]),
    ("merge-marker.json", ["<<<<<<< HEAD", GOOD[0], GOOD[1], GOOD[2]], [1]),
    ("two-bad-first.ndjson", ["{oops}", '{"title": ', GOOD[0]], [1, 2]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_json_lines_keep_every_good_line_whatever_line_is_bad(tmp_path, name, lines, bad):
    (tmp_path / name).write_text("\n".join(lines) + "\n")
    (outcome,) = kg.build([tmp_path], ner="none").outcomes
    assert (outcome.status, outcome.format) == ("ingested", "newsapi")
    assert len(outcome.articles) == len(lines) - len(bad)
    assert [r["line"] for r in outcome.failed_records] == bad
    assert all(r["reason"] for r in outcome.failed_records)


def test_a_jsonl_file_is_read_line_by_line_when_only_its_name_says_so(tmp_path):
    """Most lines bad and the first not even JSON-like: the text alone does not say JSON Lines,
    the name does (the reader is handed the name; ``--format jsonl`` routes the file to it)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "mostly-bad.jsonl").write_text("\n".join(["garbage", GOOD[0], "garbage", "{", GOOD[1]]) + "\n")
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out), "--ner", "none", "-q", "--format", "jsonl"]) == 0
    outcome = outcomes(out)["mostly-bad.jsonl"]
    assert (outcome["status"], len(outcome["articles"])) == ("ingested", 2)
    assert [r["line"] for r in outcome["failed_records"]] == [1, 3, 4]
    one_document = json.dumps({"status": "ok", "articles": [newsapi_record(1)]}, indent=1)
    assert [d.title for d in get_reader("newsapi").read(one_document, "pretty.jsonl")] == [
        "Turbines follow the fish, part 1"]


# --- 3. the envelope decides the shape; records fail one by one ---------------------------------

OFF_SCHEMA = {"source": {"id": None, "name": "Harbour Ledger"}, "title": "A record without url or date"}


@pytest.mark.parametrize("body", [
    newsapi([OFF_SCHEMA, newsapi_record(1), newsapi_record(2)]),
    json.dumps({"response": {"status": "ok", "total": 3, "results": [
        {"id": "world/x", "sectionId": "world"},
        {"webUrl": "https://www.theguardian.com/world/1", "webTitle": "Port strike ends"},
        {"webUrl": "https://www.theguardian.com/world/2", "webTitle": "Port reopens"}]}}),
    json.dumps([{"id": 7}, newsapi_record(1), newsapi_record(2)]),
], ids=["newsapi", "guardian", "top-level-list"])
def test_an_off_schema_first_record_fails_alone(tmp_path, body):
    (tmp_path / "response.json").write_text(body)
    (outcome,) = kg.build([tmp_path], ner="none").outcomes
    assert (outcome.status, len(outcome.articles)) == ("ingested", 2)
    assert [r["record"] for r in outcome.failed_records] == [1]
    assert "keys" in outcome.failed_records[0]["reason"]


def test_a_newsapi_response_of_off_schema_records_fails_under_strict(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "response.json").write_text(newsapi([OFF_SCHEMA, dict(OFF_SCHEMA, title="Another")]))
    assert main(["build", str(src), "--out", str(tmp_path / "out"), "--ner", "none", "-q", "--strict"]) == 1
    outcome = outcomes(tmp_path / "out")["response.json"]
    assert outcome["status"] == "failed"
    assert [r["record"] for r in outcome["failed_records"]] == [1, 2]


# --- 4. a JSON-LD value nested absurdly deep costs the page nothing else -------------------------

@pytest.mark.parametrize("extra, words", [
    (', "keywords": ' + "[" * 900 + '"rain"' + "]" * 900, ("keywords", "100 levels")),
    (', "about": ' + '{"name": ' * 900 + '"rain"' + "}" * 900, ("about", "100 levels")),
    (', "mentions": ' + "[" * 10_000 + "]" * 10_000, ("mentions", "100 levels")),
], ids=["list-900", "object-900", "list-10000"])
def test_a_deep_json_ld_field_is_noted_and_the_article_kept(tmp_path, extra, words):
    (tmp_path / "deep.html").write_text(article_page(extra))
    (outcome,) = kg.build([tmp_path], ner="none").outcomes
    assert (outcome.status, len(outcome.articles)) == ("ingested", 1)
    assert [n for n in outcome.notes if all(w in n for w in words)]
    (doc,) = get_reader("html").read((tmp_path / "deep.html").read_text(), "deep.html")
    assert (doc.title, doc.published.isoformat(), doc.provider.name) == (
        "Rain returns", "2024-03-01T08:00:00+01:00", "Example Post")


# --- 9. limits say how much they kept -----------------------------------------------------------

PARAGRAPHS = [f"Paragraph {n} of the council's report on the reservoirs and the rain." for n in range(1, 3001)]
TEASER = ("<p>The council published its report on the reservoirs on Friday, after a month without rain "
          "in the city of Example.</p><p>The full report is for subscribers only; the summary below lists "
          "what the water board found in each of the city's four reservoirs this winter.</p>")


@pytest.mark.parametrize("jsonld, body, field", [
    (', "articleBody": ' + json.dumps("\n".join(PARAGRAPHS)), TEASER, "articleBody"),
    ("", "".join(f"<p>{p}</p>" for p in PARAGRAPHS), "main text"),
], ids=["articleBody", "html"])
def test_a_body_over_the_paragraph_limit_is_noted_with_the_counts(jsonld, body, field):
    (doc,) = get_reader("html").read(article_page(jsonld, body=body), "long.html")
    assert doc.body == PARAGRAPHS[:2000]
    assert [n for n in doc.notes if all(w in n for w in (field, "3,000", "2,000", "1,000 left out"))]


def test_a_canonical_url_over_the_length_limit_is_noted():
    long_url = "https://example.org/2024/rain?" + "utm=" + "x" * 3000
    (doc,) = get_reader("html").read(article_page("", head=f'\n<link rel="canonical" href="{long_url}">'), "c.html")
    assert doc.title == "Rain returns"
    assert [n for n in doc.notes if all(w in n for w in ("<link rel=canonical>", f"{len(long_url):,} characters",
                                                          "2,048"))]


def test_skipped_warc_records_are_counted_in_all(tmp_path):
    page = article_page("").encode()
    requests = [("request", f"https://example.org/{n}", "2024-05-01T10:00:00Z", None, None, b"GET / HTTP/1.1\r\n\r\n")
                for n in range(10_000)]
    data = warc_bytes([("response", "https://example.org/2024/rain", "2024-05-01T10:00:00Z", "200 OK",
                        "text/html; charset=utf-8", page)] + requests, compress=False)
    records = get_reader("warc").read_bytes(data, "crawl.warc")  # type: ignore[attr-defined]
    (doc,) = records
    notes = [n for n in doc.notes if n.startswith("request record")]
    assert len(notes) == 1 and "10,000 records" in notes[0] and notes[0].endswith("10002")


def test_a_jsonl_file_whose_first_lines_are_all_bad_is_read_by_its_name(tmp_path):
    """Content detection cannot see JSON Lines behind three bad lines; the suffix says it."""
    good = json.dumps(newsapi_record(1))
    (tmp_path / "records.jsonl").write_text("garbage\nmore garbage\n{bad\n" + good + "\n")
    result = kg.build([tmp_path], ner="none", out=None)
    outcome, = result.outcomes
    assert (outcome.status, len(outcome.articles)) == ("ingested", 1)
    assert [r["line"] for r in outcome.failed_records] == [1, 2, 3]
