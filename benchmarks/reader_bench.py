"""Throughput of the HTML and WARC readers on a corpus made by repeating real pages.

Reads the saved pages in ``../shared/formats/html`` (or a folder given with
``--pages``) *N* times over (``--items``, default 500) and reports pages per
second for:

* ``html``: each page through the door (:func:`kg.sources.as_source`) and
  :func:`kg.readers.html.read` — one page, one file;
* ``warc.gz`` / ``warc``: the same pages as ``response`` records of one WARC
  file (gzip per record, and uncompressed), through
  :func:`kg.readers.warc.read_bytes` — decompression, record parsing, the door
  for each payload and the HTML route;
* the steps of the HTML route alone (parse, structured data, trafilatura,
  htmldate), to show where the time goes.

One process, one core, as a build worker reads. Run::

    python benchmarks/reader_bench.py --items 500
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "formats" / "html"


def pages(folder: Path, items: int) -> list[tuple[str, bytes]]:
    found = sorted(folder.glob("*.html"))
    return [(found[i % len(found)].name, found[i % len(found)].read_bytes()) for i in range(items)]


def as_warc(corpus: list[tuple[str, bytes]], compress: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    for n, (name, body) in enumerate(corpus):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://bench.example/{n}/{name}", "response",
                                                      payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


def timed(label: str, count: int, func) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {count:>6} pages {seconds:8.2f} s {count / seconds:8.1f} pages/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--pages", type=Path, default=PAGES)
    args = parser.parse_args()

    from kg.errors import NoArticles
    from kg.readers import html, warc
    from kg.readers.structured import gather
    from kg.sources import as_source

    corpus = pages(args.pages, args.items)
    size = sum(len(b) for _, b in corpus)
    print(f"{len(corpus)} pages, {size / 1e6:.1f} MB of HTML (repeating {len(set(n for n, _ in corpus))} files)")
    html.read(as_source(corpus[0][1], name="warm-up").text, "warm-up")  # imports

    def read_html() -> None:
        for name, data in corpus:
            try:
                html.read(as_source(data, name=name).text, name)
            except NoArticles:
                pass

    timed("html: door + reader", len(corpus), read_html)
    for compress in (True, False):
        blob = as_warc(corpus, compress)
        label = f"warc{'.gz' if compress else ''} ({len(blob) / 1e6:.1f} MB): reader"
        timed(label, len(corpus), lambda: warc.read_bytes(blob, "bench.warc"))

    texts = [as_source(data, name=name).text for name, data in corpus]
    trees: list = []
    timed("  step: lxml parse", len(texts), lambda: trees.extend(html.parse(t, "x") for t in texts))
    datas: list = []
    timed("  step: structured data (extruct)", len(trees), lambda: datas.extend(gather(t) for t in trees))
    timed("  step: main text (trafilatura)", len(trees),
          lambda: [html.extract_body(t, d, None) for t, d in zip(trees, datas)])
    from kg.readers.html_fields import _htmldate

    timed("  step: htmldate (when needed)", len(trees), lambda: [_htmldate(t, None) for t in trees])


if __name__ == "__main__":
    main()
