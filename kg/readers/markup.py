"""HTML fragments (feed descriptions, API bodies) as plain paragraphs.

Feeds and news APIs carry article text as HTML fragments: escaped inside an
RSS ``<description>``, in ``content:encoded`` CDATA, in a Guardian ``body``
or a ninjs ``body_html``. Readers keep text only: block elements (``<p>``,
``<li>``, headings, ``<br>``) end a paragraph, scripts and styles are dropped,
entities are decoded. Nothing is fetched and no markup is interpreted beyond
that.

The parser is lxml's (libxml2's HTML parser), walked without recursion: it
takes time in proportion to the text whatever the markup. (The standard
library's ``html.parser`` does not: 30 KB of unclosed ``<a `` tags took it
16 seconds.)

>>> html_paragraphs("<p>One &amp; two</p><p>Three<br>four</p><script>x()</script>")
['One & two', 'Three', 'four']
>>> text_paragraphs("First line\\r\\n\\r\\nSecond  para")
['First line', 'Second para']
"""

from __future__ import annotations

import re

from .base import clean

#: Elements that end a paragraph where they open or close.
BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
    "figcaption", "section", "article", "header", "footer", "table", "tr", "td", "th", "dd", "dt", "hr",
    "pre", "aside", "block", "hl1", "hl2", "byline", "dateline", "body", "html",
})
#: Elements whose content is never text.
SKIPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"})
#: Paragraphs feeds append that are not part of the story.
BOILERPLATE = re.compile(r"^(continue reading|read more|read the full (story|article))\W*$", re.IGNORECASE)
_MARKUP = re.compile(r"<[A-Za-z!/?]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")


def _walk(html: str) -> list[str]:
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fromstring(_XML_DECLARATION.sub("", html))
    except (lxml.etree.ParserError, ValueError):
        return []  # nothing but comments, or nothing at all
    parts: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = clean("".join(current))
        if text:
            parts.append(text)
        current.clear()

    skipping = 0
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""  # comments and processing instructions
        if event == "start":
            if tag in SKIPPED:
                skipping += 1
            elif not skipping:
                if tag in BLOCKS:
                    flush()
                if tag and element.text:
                    current.append(element.text)
        else:
            if tag in SKIPPED:
                skipping -= 1
            elif not skipping and tag in BLOCKS:
                flush()
            if not skipping and element.tail:
                current.append(element.tail)
    flush()
    return parts


def html_paragraphs(html: str | None) -> list[str]:
    """The text paragraphs of an HTML fragment, boilerplate links ("Continue reading...") dropped."""
    if not html or not html.strip():
        return []
    if not _MARKUP.search(html):
        import html as entities

        return [p for p in text_paragraphs(entities.unescape(html)) if not BOILERPLATE.match(p)]
    return [p for p in _walk(html) if not BOILERPLATE.match(p)]


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
