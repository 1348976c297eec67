"""News-analysis pages: a story's summary, entities, Q&A, bias scores and SDGs.

Two layouts exist. The full one (title repeated, source domain, summary,
language, country, then run-together lines of tags, organisations and
people, Q&A pairs, ``Cognitive Concepts`` with ``2/5``-style scores, and
``Sustainable Development Goals``) and a compact one (domain, title,
summary, bulleted Q&A, bias rationales without scores). Steps, in order:

1. :func:`find_domain`: the source-domain line near the top;
2. title and summary: the lines after it (repeats of the title skipped);
3. :func:`extract_facets`: language, country, tags, organisations, people;
4. :func:`extract_qa`: question lines (ending in ``?``) and their answers;
5. :func:`extract_bias`: the ``Cognitive Concepts`` section;
6. :func:`extract_sdgs`: the ``Sustainable Development Goals`` section.

>>> split_run_together("XuLiWei Jingfeng")
['Xu', 'Li', 'Wei Jingfeng']
"""

from __future__ import annotations

import re

from ..errors import ReadError
from ..model import QA, BiasScore, Document, Provider, SDGRelevance
from ..identity.languages import lookup_language
from ..namespaces import SDG_NAMES
from .base import clean, non_empty_lines

NAME = "analysis"
SUFFIXES = (".txt",)

BIAS_HEADING = "Cognitive Concepts"
SDG_HEADING = "Sustainable Development Goals"

#: The 17 goals by number, as the UN names them.

#: Words that stay whole although they contain a lower→upper change.
CAMEL_WORDS = (
    "McDonald", "MacBook", "OpenAI", "DeepMind", "DeepSeek", "YouTube", "TikTok", "LinkedIn",
    "iPhone", "iPad", "WeChat", "PayPal", "ChatGPT", "GitHub", "WhatsApp", "PlayStation",
    "JavaScript", "PowerPoint", "BlackRock", "SoftBank", "FedEx", "eBay", "ByteDance",
    "HarmonyOS", "iFlyTek", "NetEase", "AstraZeneca", "BioNTech", "SpaceX", "McKinsey",
)
#: Bias dimensions whose names do not contain the word "Bias".
BIAS_DIMENSIONS = {"False Dichotomy", "False Balance", "Sensationalism", "Loaded Language"}
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_SCORE = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_SDG_LINE = re.compile(r"^(?P<name>.+?)\s+(?P<direction>Positive|Negative|Neutral)$")
_RELEVANCE = re.compile(r"^(?:Direct|Indirect)\s+Relevance$")
_BOUNDARY = re.compile(r"(?<=[a-z.)’'])(?=[A-Z])")


def split_run_together(line: str) -> list[str]:
    """Split a line where the page ran names together without separators.

    A lower-case letter followed by a capital starts a new name, except
    inside words listed in :data:`CAMEL_WORDS`.

    >>> split_run_together("Supreme People's CourtZhongdun Law Offices")
    ["Supreme People's Court", 'Zhongdun Law Offices']
    >>> split_run_together("OpenAIMicrosoft")
    ['OpenAI', 'Microsoft']
    """
    protected = line
    keep: dict[str, str] = {}
    for n, word in enumerate(CAMEL_WORDS):
        if word in protected:
            token = f"\x00{n}\x00"
            keep[token] = word
            protected = protected.replace(word, token)
    pieces = re.split(r"(?<=[a-z.)’'\x00])(?=[A-Z\x00])", protected)
    names = []
    for piece in pieces:
        for token, word in keep.items():
            piece = piece.replace(token, word)
        piece = clean(piece)
        if piece:
            names.append(piece)
    return names


def find_domain(lines: list[tuple[int, str]]) -> int | None:
    """Index (in *lines*) of the source-domain line within the first lines."""
    for i, (_n, line) in enumerate(lines[:6]):
        if _DOMAIN.match(line):
            return i
    return None


def detect(text: str) -> bool:
    """An analysis page has a domain line near the top and a Q&A or bias section."""
    lines = non_empty_lines(text[:20000])
    if find_domain(lines) is None:
        return False
    return BIAS_HEADING in text or sum(1 for _n, line in lines if line.endswith("?")) >= 2


def extract_facets(rows: list[str], doc: Document) -> None:
    """Language, country, then tags / organisations / people, in that order."""
    rows = list(rows)
    if rows and lookup_language(rows[0]):
        doc.language = rows.pop(0)
        if rows:
            doc.country = rows.pop(0)
    for target in ("tags", "organizations", "people"):
        if not rows:
            break
        setattr(doc, target, split_run_together(rows.pop(0)))
    for extra in rows:
        doc.notes.append(f"unrecognised line before the Q&A: {extra[:60]!r}")


def _strip_bullet(line: str) -> str:
    line = re.sub(r"^[-•*]\s+", "", line)
    line = line.strip()
    if line.endswith('",'):
        line = line[:-2]
    return line.strip('"').strip()


def extract_qa(rows: list[str]) -> list[QA]:
    """Pairs of a question line and the answer lines after it."""
    pairs: list[QA] = []
    question: str | None = None
    answer: list[str] = []
    for raw in rows:
        line = _strip_bullet(raw)
        if line.endswith("?"):
            if question and answer:
                pairs.append(QA(question, " ".join(answer)))
            question, answer = line, []
        elif question:
            answer.append(line)
    if question and answer:
        pairs.append(QA(question, " ".join(answer)))
    return pairs


def extract_bias(rows: list[str]) -> list[BiasScore]:
    """``N/M`` score lines, dimension names and their rationales."""
    scores: list[BiasScore] = []
    pending: tuple[int, int] | None = None
    for line in rows:
        m = _SCORE.match(line)
        if m:
            pending = (int(m.group(1)), int(m.group(2)))
        elif len(line.split()) <= 5 and (pending or "Bias" in line or line in BIAS_DIMENSIONS):
            score, scale = pending if pending else (None, None)
            scores.append(BiasScore(dimension=line, score=score, scale=scale))
            pending = None
        elif scores:
            prior = scores[-1].rationale
            scores[-1].rationale = f"{prior} {line}" if prior else line
    return scores


def sdg_number(name: str) -> int | None:
    """The goal number for a goal's name, however punctuated.

    >>> sdg_number("Peace, Justice, and Strong Institutions")
    16
    """
    def key(text: str) -> str:
        text = text.lower().replace("&", " and ")
        return " ".join(w for w in re.findall(r"[a-z]+", text) if w != "and")

    wanted = key(name)
    for number, official in SDG_NAMES.items():
        if key(official) == wanted:
            return number
    m = re.search(r"\bSDG\s*(\d{1,2})\b", name)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 17 else None


def extract_sdgs(rows: list[str], notes: list[str]) -> list[SDGRelevance]:
    """Goal lines (``NAME Positive``), relevance lines and rationales."""
    goals: list[SDGRelevance] = []
    for line in rows:
        m = _SDG_LINE.match(line)
        number = sdg_number(m.group("name")) if m else None
        if m and number:
            goals.append(SDGRelevance(goal=number, name=m.group("name"), direction=m.group("direction")))
        elif m and len(line.split()) <= 10:
            notes.append(f"unknown Sustainable Development Goal {m.group('name')!r}; ignored")
        elif _RELEVANCE.match(line) and goals:
            goals[-1].relevance = line
        elif goals:
            prior = goals[-1].rationale
            goals[-1].rationale = f"{prior} {line}" if prior else line
    return goals


def read(text: str, name: str) -> list[Document]:
    """Read one analysis page (one document per file)."""
    lines = non_empty_lines(text)
    d = find_domain(lines)
    if d is None:
        raise ReadError("no source-domain line near the top of the page", source=name, line=1)
    head = [line for _n, line in lines[:d]]
    rest = lines[d + 1 :]
    doc = Document(source=name, format=NAME, line=lines[d][0])
    domain = lines[d][1]
    doc.provider = Provider(name=domain, domain=domain)
    titles = [line for line in head if line]
    doc.title = clean(titles[0]) if titles else None
    while rest and doc.title and rest[0][1] == doc.title:
        rest = rest[1:]
    if doc.title is None and rest:
        doc.title = clean(rest.pop(0)[1])
    if rest:
        doc.excerpt = clean(rest.pop(0)[1])
    texts = [line for _n, line in rest]
    bias_at = texts.index(BIAS_HEADING) if BIAS_HEADING in texts else len(texts)
    sdg_at = texts.index(SDG_HEADING) if SDG_HEADING in texts else len(texts)
    body = texts[: min(bias_at, sdg_at)]
    first_q = next((i for i, line in enumerate(body) if _strip_bullet(line).endswith("?")), len(body))
    extract_facets(body[:first_q], doc)
    doc.qa = extract_qa(body[first_q:])
    doc.bias = extract_bias(texts[bias_at + 1 : sdg_at] if bias_at < sdg_at else texts[bias_at + 1 :])
    if sdg_at < len(texts):
        doc.sdgs = extract_sdgs(texts[sdg_at + 1 :], doc.notes)
    if not doc.title:
        raise ReadError("analysis page without a title", source=name, line=lines[d][0])
    return [doc]
