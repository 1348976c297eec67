"""Plain-text dumps of article pages: site chrome, headline lists, bylines, body.

A dump holds one article (a single-article page) or several stacked stories
(a "live" section page, stories separated by ``More``). Each byline starts a
story. Extraction runs as named steps, in this order:

1. :func:`find_bylines`: every line matching one of :data:`BYLINE_PATTERNS`
   (``By NAME / Oct 21, 2020 11:17 AM / Section``, ``Source: X| date|Editor: Y``,
   ``By A , B Updated …``, ``| NAME``);
2. :func:`extract_site_name`: the ``Site – tagline`` line, a ``Source:`` byline,
   or nothing;
3. :func:`extract_title`: for the first story only, the line before the byline
   that best matches the story's body; the page's headline list is
   navigation and never becomes an article;
4. :func:`extract_body`: paragraphs after the byline up to the next story or
   the footer (:data:`FOOTER_PREFIXES`), photo credits taken out.

>>> text = "Example Times – News\\n\\nSun Shines Again Over Example City\\n\\n" \\
...        "By Ann Lee / Oct 21, 2020 11:17 AM / Weather\\n\\nThe sun shines again over Example City today."
>>> doc, = read(text, "x.txt")
>>> doc.site_name, doc.title, doc.authors, doc.section
('Example Times', 'Sun Shines Again Over Example City', ['Ann Lee'], 'Weather')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..dates import parse_date
from ..errors import ReadError
from ..model import Document, Provider
from .base import clean

NAME = "page"
SUFFIXES = (".txt", ".text")

#: Byline patterns, tried in order on each line.
BYLINE_PATTERNS = (
    re.compile(
        r"^(?:By\s+)?(?P<authors>[^/|]{2,80}?)\s+/\s+"
        r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}(?: \d{1,2}:\d{2}(?: ?[AP]M)?)?)"
        r"(?:\s+/\s+(?P<section>.+))?$"
    ),
    re.compile(
        r"^Source:\s*(?P<site>[^|]+?)\s*\|\s*(?P<date>\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?)\s*"
        r"(?:\|\s*Editor:\s*(?P<editors>.+))?$"
    ),
    re.compile(r"^By\s+(?P<authors>[A-Z][^/|]{1,80}?)\s+Updated\s+(?P<updated>.+)$"),
    re.compile(r"^\|\s+(?P<authors>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3})$"),
)

#: Lines that open the page footer or a story's tail: the body stops there.
FOOTER_PREFIXES = (
    "Contact reporter",
    "Contact editor",
    "Share this article",
    "Open WeChat",
    "Support independent journalism",
    "Read the full story",
    "Related:",
    "More",
)
#: Lines of site chrome: never a title, never body.
CHROME_LINES = {"home >", "about us", "latest", "old version", "more", "caixin", "video playerclose"}
_CONTACT_EDITOR = re.compile(r"^Contact editor\s+(?P<name>[A-Z][^(]{1,60}?)\s*\(")
_SITE_LINE = re.compile(r"^(?P<site>[^–|]{2,60}?)\s+[–|]\s+.+$")
_PHOTO = re.compile(r"^(?:(?P<caption>.*?)\.?\s+)?Photo:\s*(?P<credit>.+?)\s*$")
_SECTION_HEADING = re.compile(r"^[A-Z&,' -]{3,40}$")
_DATE_LINE = re.compile(r"\bdate\s+(?P<date>\d{4}-\d{2}-\d{2})\b")
_CATEGORIES = re.compile(r"^Categories\s+(?P<cats>.+)$")
_WORD = re.compile(r"[A-Za-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or over that the this to was were will with "
    "after as new says said how why what who".split()
)

#: Time zones of sites whose bylines give local time without an offset.
SITE_TIMEZONES = {"Caixin Global": "Asia/Shanghai", "Xinhua": "Asia/Shanghai"}
#: Domains of sites whose dumps name the site but give no url.
SITE_DOMAINS = {
    "Caixin Global": "caixinglobal.com",
    "Xinhua": "xinhuanet.com",
}


@dataclass
class Byline:
    """One byline line and what it says."""

    index: int  # position in the line list
    line: int  # 1-based line number in the file
    authors: list[str]
    editors: list[str]
    date_text: str | None
    section: str | None
    site: str | None


def split_names(text: str) -> list[str]:
    """Authors from a byline's name part: ``A and B``, ``A, B``, ``A , B``.

    >>> split_names("Huang Rong and Zhao Runhua"), split_names("Xie Ying , Yuan Suwen")
    (['Huang Rong', 'Zhao Runhua'], ['Xie Ying', 'Yuan Suwen'])
    """
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", text)
    return [p for p in (clean(part) for part in parts) if p]


def find_bylines(lines: list[str]) -> list[Byline]:
    """Every line that is a byline, with its parts."""
    found = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or len(line) > 160:
            continue
        for pattern in BYLINE_PATTERNS:
            m = pattern.match(line)
            if not m:
                continue
            groups = m.groupdict()
            found.append(
                Byline(
                    index=i,
                    line=i + 1,
                    authors=split_names(groups.get("authors") or ""),
                    editors=split_names(groups.get("editors") or ""),
                    date_text=groups.get("date") or groups.get("updated"),
                    section=clean(groups.get("section")),
                    site=clean(groups.get("site")),
                )
            )
            break
    return found


def extract_site_name(lines: list[str], bylines: list[Byline]) -> str | None:
    """The site's name: a ``Site – tagline`` header line, else a ``Source:`` byline."""
    for raw in lines[:6]:
        if raw.strip().startswith("Categories"):
            continue
        m = _SITE_LINE.match(raw.strip())
        if m:
            return clean(m.group("site"))
    for byline in bylines:
        if byline.site:
            return byline.site
    return None


def _words(text: str) -> set[str]:
    """Content words, crudely stemmed (``faces`` ~ ``face``, ``scanning`` ~ ``scanned``)."""
    out = set()
    for word in _WORD.findall(text):
        word = word.lower()
        if word in STOPWORDS:
            continue
        out.add(word.rstrip("s")[:6] if len(word) > 3 else word)
    return out


def looks_like_headline(line: str) -> bool:
    """A headline is short, has no sentence break and no trailing period."""
    words = line.split()
    return (
        2 <= len(words) <= 30
        and not line.endswith((".", ",", ":", ";"))
        and not re.search(r"[a-z]{3}[.!?]\s+[A-Z]", line)
        and line.lower() not in CHROME_LINES
        and not (_SITE_LINE.match(line) and " – Latest" in line)
        and not _SECTION_HEADING.match(line)
        and not line.startswith(("CX ", "Categories ", "Contact "))
        and not _DATE_LINE.search(line)
    )


def overlap(headline: str, body: str) -> float:
    """Share of the headline's content words that occur in the body."""
    words = _words(headline)
    return len(words & _words(body)) / len(words) if words else 0.0


def extract_title(lines: list[str], first: Byline, body: str) -> tuple[str | None, int | None]:
    """The first story's headline among the lines above its byline.

    Candidates are the headline-like lines above the byline. A block of five
    or more of them is the page's headline list, which is navigation: its
    last line is the article's own headline when it matches the body at
    least as well as any other line (single-article pages append the
    headline to the list); otherwise a line wins only by matching the body
    well (at least half its words), as "latest" pages list the story
    first. A short block (one to four lines) is the page's own title area:
    its best-matching line wins if it matches at all.
    """
    block: list[int] = []
    i = first.index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    while i >= 0 and lines[i].strip() and len(lines[i].split()) <= 30 and not lines[i].strip().endswith("."):
        block.insert(0, i)
        i -= 1
    block = [j for j in block if looks_like_headline(lines[j].strip())]
    if len(block) < 5:
        block = [j for j in range(first.index) if looks_like_headline(lines[j].strip())][-4:]
    if not block:
        return None, None
    scores = {j: overlap(lines[j].strip(), body) for j in block}
    best = max(block, key=lambda j: (scores[j], j))
    last = block[-1]
    if len(block) >= 5:
        if scores[last] >= 0.2 and scores[last] >= scores[best]:
            best = last
        elif scores[best] < 0.5:
            return None, None
    elif scores[best] < 0.2:
        return None, None
    return lines[best].strip(), best + 1


def extract_body(lines: list[str], start: int, stop: int) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs, photo credits and editors between *start* and *stop*."""
    paragraphs: list[str] = []
    credits: list[str] = []
    editors: list[str] = []
    for raw in lines[start:stop]:
        line = raw.strip()
        if not line:
            continue
        if line.startswith(FOOTER_PREFIXES):
            editor = _CONTACT_EDITOR.match(line)
            if editor:
                editors.append(clean(editor.group("name")) or "")
            break
        photo = _PHOTO.match(line)
        if photo and len(line) < 160:
            credit = clean(photo.group("credit"))
            if credit and credit not in credits:
                credits.append(credit)
            continue
        if line.lower() in CHROME_LINES or _SECTION_HEADING.match(line):
            continue
        text = clean(line)
        if text and text not in paragraphs:
            paragraphs.append(text)
    return paragraphs, credits, editors


def _story_start(lines: list[str], byline: Byline, previous_end: int) -> int:
    """Where a later story begins: its ``More`` separator or section heading."""
    i = byline.index - 1
    while i > previous_end and (not lines[i].strip() or _SECTION_HEADING.match(lines[i].strip())):
        i -= 1
    return i + 1


def _page_date(lines: list[str]) -> str | None:
    for raw in lines[:5]:
        m = _DATE_LINE.search(raw)
        if m:
            return m.group("date")
    return None


def _categories(lines: list[str], limit: int) -> str | None:
    for raw in lines[:limit]:
        m = _CATEGORIES.match(raw.strip())
        if m:
            return clean(m.group("cats").split("|")[0])
    return None


def detect(text: str) -> bool:
    """A page dump has a byline line."""
    return bool(find_bylines(text.split("\n")[:400]))


def read(text: str, name: str) -> list[Document]:
    """Read every story of a page dump (one document per byline)."""
    lines = text.split("\n")
    bylines = find_bylines(lines)
    if not bylines:
        raise ReadError("no byline found (expected e.g. 'By NAME / Oct 21, 2020 11:17 AM / Section')", source=name)
    site = extract_site_name(lines, bylines)
    tz = SITE_TIMEZONES.get(site or "")
    page_date = _page_date(lines)
    docs = []
    for n, byline in enumerate(bylines):
        stop = _story_start(lines, bylines[n + 1], byline.index) if n + 1 < len(bylines) else len(lines)
        body, credits, editors = extract_body(lines, byline.index + 1, stop)
        doc = Document(source=name, format=NAME, line=byline.line, index=n)
        doc.site_name = site
        doc.authors = byline.authors
        doc.editors = byline.editors + [e for e in editors if e not in byline.editors]
        doc.section = byline.section or (_categories(lines, byline.index + 3) if n == 0 else None)
        doc.body = body
        doc.photo_credits = credits
        date_text = byline.date_text or (page_date if n == 0 else None)
        doc.published_text = date_text
        doc.published = parse_date(date_text, tz)
        if date_text and doc.published is None:
            doc.notes.append(f"line {byline.line}: no full date in {date_text!r}; left undated")
        if n == 0:
            doc.title, title_line = extract_title(lines, byline, " ".join(body))
            if doc.title is None:
                deck = [
                    clean(lines[i]) for i in range(byline.index)
                    if len(lines[i].split()) > 20 and re.search(r"[.!?]\s+[A-Z]", lines[i])
                ]
                doc.excerpt = deck[-1] if deck else None
            elif title_line:
                doc.line = title_line
        if site:
            doc.provider = Provider(name=site, domain=SITE_DOMAINS.get(site))
        if not doc.body and not doc.title:
            doc.notes.append(f"line {byline.line}: story has a byline but no text; skipped")
            continue
        docs.append(doc)
    if not docs:
        raise ReadError("bylines found but no story text after them", source=name, line=bylines[0].line)
    return docs
