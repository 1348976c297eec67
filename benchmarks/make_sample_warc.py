"""Write ``data/warc/harbour-crawl.warc.gz``: a small fictional crawl for kg's sample data.

Eight records, as a crawler writes them: a ``warcinfo``, a ``request`` and its
HTML ``response`` (an article with JSON-LD and a canonical url), a response
for an article page with no url of its own and no structured data (its url is
the record's target), an image, a redirect, a section front (a listing, not an
article) and a ``metadata`` record. All pages and outlets are made up.
The output is byte-identical on every run (fixed record ids, dates and gzip
headers), so the committed file can be checked against this script::

    python benchmarks/make_sample_warc.py && git diff --exit-code data/warc
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "warc" / "harbour-crawl.warc.gz"

FERRY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Valletta ferries switch night crossings to battery power | Harbour Ledger</title>
<link rel="canonical" href="https://www.harbour-ledger.example/ports/2024/03/valletta-battery-ferries">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Harbour Ledger">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Valletta ferries switch night crossings to battery power",
 "datePublished": "2024-03-04T06:30:00+01:00",
 "author": {"@type": "Person", "name": "Idris Okafor"},
 "publisher": {"@type": "NewsMediaOrganization", "name": "Harbour Ledger"},
 "keywords": "Ferries, Batteries, Malta",
 "mentions": [{"@type": "Organization", "name": "Grand Harbour Ferry Company"}]}</script>
</head><body><article>
<h1>Valletta ferries switch night crossings to battery power</h1>
<p>The last diesel ferry of the night left Valletta for the Three Cities on Sunday: from this week the
late crossings run on batteries charged from the quay during the day.</p>
<p>The Grand Harbour Ferry Company says the two converted boats are quieter for the people who live
along the water, and cheaper to run once the chargers are paid for. Day crossings will follow in the
autumn if the winter trial goes well.</p>
</article></body></html>
"""

COURIER = """<!DOCTYPE html>
<html lang="pt"><head><meta charset="utf-8">
<title>Barcos de pesca do Tejo testam redes que libertam juvenis</title>
</head><body>
<h1>Barcos de pesca do Tejo testam redes que libertam juvenis</h1>
<p>Seis barcos de pesca do estuário do Tejo começaram esta semana a testar redes com uma janela
de fuga que deixa sair os peixes jovens antes de a rede ser içada.</p>
<p>A cooperativa que organiza o ensaio diz que a captura de peixe adulto quase não mudou nas
primeiras saídas, e que os resultados completos serão apresentados no verão.</p>
</body></html>
"""

FRONT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ports | Harbour Ledger</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "CollectionPage",
 "name": "Ports"}</script></head>
<body><h1>Ports</h1><ul>
<li><a href="/ports/2024/03/valletta-battery-ferries">Valletta ferries switch night crossings to battery power</a></li>
<li><a href="/energy/2024/03/lisbon-tidal-turbines">Lisbon harbour tests tidal turbines that follow the fish</a></li>
</ul></body></html>
"""

#: ``(type, target url, WARC date, HTTP status line, content type, body)``; ``None`` for no HTTP part.
RECORDS = [
    ("request", "https://www.harbour-ledger.example/ports/2024/03/valletta-battery-ferries",
     "2024-03-05T10:00:00Z", None, None, b"GET /ports/2024/03/valletta-battery-ferries HTTP/1.1\r\n"
     b"Host: www.harbour-ledger.example\r\n\r\n"),
    ("response", "https://www.harbour-ledger.example/ports/2024/03/valletta-battery-ferries",
     "2024-03-05T10:00:01Z", "200 OK", "text/html; charset=utf-8", FERRY.encode("utf-8")),
    ("response", "https://tagus-courier.example/pesca/redes-juvenis", "2024-03-05T10:00:02Z", "200 OK",
     "text/html; charset=utf-8", COURIER.encode("utf-8")),
    ("response", "https://img.harbour-ledger.example/2024/03/ferry.png", "2024-03-05T10:00:03Z", "200 OK",
     "image/png", b"\x89PNG\r\n\x1a\n" + bytes(32)),
    ("response", "https://harbour-ledger.example/ports/", "2024-03-05T10:00:04Z", "301 Moved Permanently",
     "text/html", b""),
    ("response", "https://www.harbour-ledger.example/ports/", "2024-03-05T10:00:05Z", "200 OK",
     "text/html; charset=utf-8", FRONT.encode("utf-8")),
    ("metadata", "https://www.harbour-ledger.example/ports/", "2024-03-05T10:00:06Z", None,
     "application/warc-fields", b"outlinks: 2\r\n"),
]


def write(out: Path = OUT) -> Path:
    """Write the sample crawl to *out* and return it."""
    import gzip

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    info = writer.create_warcinfo_record("harbour-crawl.warc.gz", {"software": "kg sample writer",
                                                                  "description": "a fictional crawl"})
    info.rec_headers.replace_header("WARC-Date", "2024-03-05T09:59:59Z")
    info.rec_headers.replace_header("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000000>")
    members = [_member(writer, info)]
    for n, (kind, url, date, status, ctype, body) in enumerate(RECORDS, start=1):
        http = None
        if status is not None:
            headers = [("Content-Type", ctype)] if ctype else []
            if status.startswith("301"):
                headers.append(("Location", "https://www.harbour-ledger.example/ports/"))
            http = StatusAndHeaders(status, headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        extra = {"WARC-Date": date, "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"}
        record = writer.create_warc_record(url, kind, payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict=extra,
                                           warc_content_type=ctype if kind == "metadata" else None)
        members.append(_member(writer, record))
    out.parent.mkdir(parents=True, exist_ok=True)
    # one gzip member per record, as crawlers write them; mtime 0 keeps the bytes stable
    out.write_bytes(b"".join(gzip.compress(m, mtime=0) for m in members))
    return out


def _member(writer: WARCWriter, record: object) -> bytes:
    buf = io.BytesIO()
    WARCWriter(buf, gzip=False).write_record(record)
    return buf.getvalue()


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
