"""HTML fragments (feed descriptions, API bodies) as plain paragraphs.

Feeds and news APIs carry article text as HTML fragments: escaped inside an
RSS ``<description>``, in ``content:encoded`` CDATA, in a Guardian ``body``
or a ninjs ``body_html``. Readers keep text only: block elements (``<p>``,
``<li>``, headings, ``<br>``) end a paragraph, scripts and styles are dropped,
entities are decoded. Nothing is fetched and no markup is interpreted beyond
that, so the parser is the standard library's tolerant :mod:`html.parser`.

>>> html_paragraphs("<p>One &amp; two</p><p>Three<br>four</p><script>x()</script>")
['One & two', 'Three', 'four']
>>> text_paragraphs("First line\\r\\n\\r\\nSecond  para")
['First line', 'Second para']
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .base import clean

#: Elements that end a paragraph where they open or close.
BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
    "figcaption", "section", "article", "header", "footer", "table", "tr", "td", "th", "dd", "dt", "hr",
    "pre", "aside", "block", "hl1", "hl2", "byline", "dateline",
})
#: Elements whose content is never text.
SKIPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
#: Paragraphs feeds append that are not part of the story.
BOILERPLATE = re.compile(r"^(continue reading|read more|read the full (story|article))\W*$", re.IGNORECASE)
_MARKUP = re.compile(r"<[A-Za-z!/?]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = clean("".join(self.current))
        if text:
            self.parts.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def html_paragraphs(html: str | None) -> list[str]:
    """The text paragraphs of an HTML fragment, boilerplate links ("Continue reading...") dropped."""
    if not html:
        return []
    if not _MARKUP.search(html):
        return [p for p in text_paragraphs(_unescape(html)) if not BOILERPLATE.match(p)]
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._flush()
    return [p for p in parser.parts if not BOILERPLATE.match(p)]


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def text_paragraphs(text: str | None) -> list[str]:
    """Paragraphs of plain text: split at blank lines, white space collapsed."""
    if not text:
        return []
    return [p for p in (clean(block) for block in re.split(r"\n\s*\n", text.replace("\r", ""))) if p]


def html_text(html: str | None) -> str | None:
    """An HTML fragment as one line of text (for titles and summaries).

    >>> html_text("<strong>Joanna Blythman: </strong>Ethical consumers")
    'Joanna Blythman: Ethical consumers'
    """
    return clean(" ".join(html_paragraphs(html))) if html else None
