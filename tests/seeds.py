"""A reader for the two seed documents, independent of data/: it finds each section's items
and, for publications, the printed authors, year, title, venue tail, links and arXiv id, so
the tests can check the exported graph against what the documents actually say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import SEEDS

PUBLICATIONS = SEEDS / "000_e8d39abde6fb0648.txt"
CV = SEEDS / "001_70a311007ef79768.txt"

# Section key → heading as printed, per document (the keys of data/kg.yaml).
PUBLICATION_SECTIONS = {
    "journal": "Journal Articles",
    "conference": "Contributions to Conference Proceedings and Workshops",
    "books": "Books",
    "chapters": "Book Chapters",
    "preprints": "Preprints",
}
CV_NUMBERED_SECTIONS = {
    "talks": "### Talks",
    "lectures": "## Lectures",
    "journal": "### Journal Articles",
    "conference": "## Contributions to Conference Proceedings and Workshops",
    "chapters": "## Book Chapters",
    "preprints": "## Preprints",
}

ITEM_START = re.compile(r"^\s*(\d+)\.\s+(.*)$")
YEAR = re.compile(r"\((\d{4})\)\.?\s*$")
URL = re.compile(r"https?://[^\s<>|()\[\]]+")
ARXIV = re.compile(r"abs/(\d{4}\.\d{4,5})")


@dataclass
class Entry:
    """One numbered item of a publication section, as printed."""

    number: int
    text: str
    authors: list[str] = field(default_factory=list)
    year: int = 0
    title: str = ""
    venue_tail: str = ""
    links: list[str] = field(default_factory=list)
    arxiv: str = ""


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _numbered_items(lines: list[str]) -> list[tuple[int, list[str]]]:
    items: list[tuple[int, list[str]]] = []
    for line in lines:
        match = ITEM_START.match(line)
        if match and (not items or int(match.group(1)) == items[-1][0] + 1):
            items.append((int(match.group(1)), [match.group(2)]))
        elif items:
            items[-1][1].append(line)
    return items


def _section_lines(lines: list[str], start: str, ends: list[str]) -> list[str]:
    begin = next(i for i, line in enumerate(lines) if line.strip() == start)
    stop = next(
        (i for i, line in enumerate(lines[begin + 1 :], begin + 1) if line.strip() in ends),
        len(lines),
    )
    return lines[begin + 1 : stop]


def _parse_publication(number: int, lines: list[str]) -> Entry:
    text = "\n".join(lines)
    entry = Entry(number, text)
    first = lines[0]
    year = YEAR.search(first)
    assert year, f"no year in {first!r}"
    entry.year = int(year.group(1))
    names = first[: year.start()].replace("**", ",").removesuffix(", editors").strip()
    names = re.sub(r",\s*editors\s*$", "", names)
    entry.authors = [n.strip() for n in re.split(r",|\band\b", names) if n.strip()]
    for line in lines[1:]:
        stripped = line.strip().rstrip()
        if not entry.title and stripped[:1] in '“"':
            entry.title = re.sub(r"^[“\"](.*)[”\"]\.?$", r"\1", stripped).strip()
        elif "In: " in stripped and not entry.venue_tail:
            entry.venue_tail = stripped.split("In: ", 1)[1]
    for url in URL.findall(re.sub(r"\\+_", "_", text)):
        url = url.rstrip(".,*")
        if url not in entry.links and not url.endswith("#"):
            entry.links.append(url)
    arxiv = ARXIV.search(text)
    entry.arxiv = arxiv.group(1) if arxiv else ""
    return entry


def publication_entries(document: str) -> dict[str, list[Entry]]:
    """Section key → entries of the publication sections of `document` ('pubs' or 'cv')."""
    if document == "pubs":
        lines = _lines(PUBLICATIONS)
        headings = list(PUBLICATION_SECTIONS.values())
        sections = {
            key: _section_lines(lines, heading, headings)
            for key, heading in PUBLICATION_SECTIONS.items()
        }
    else:
        lines = _lines(CV)
        start = lines.index("## Publications")
        publication_lines = lines[start:]
        headings = [
            CV_NUMBERED_SECTIONS[k] for k in ("journal", "conference", "chapters", "preprints")
        ]
        sections = {
            key: _section_lines(publication_lines, CV_NUMBERED_SECTIONS[key], headings)
            for key in ("journal", "conference", "chapters", "preprints")
        }
    return {
        key: [_parse_publication(number, item) for number, item in _numbered_items(section)]
        for key, section in sections.items()
    }


def cv_talks() -> dict[str, list[tuple[str, str]]]:
    """'talks' and 'lectures' → (title, date) as printed."""
    lines = _lines(CV)
    talks = _section_lines(lines, "### Talks", ["## Lectures"])
    lectures = _section_lines(lines, "## Lectures", ["## Publications"])
    result = {}
    for key, section in (("talks", talks), ("lectures", lectures)):
        entries = []
        for _, item in _numbered_items(section):
            match = re.match(r"^[“\"](.*?)[”\"]\s*\(([\d/-]+)\)", item[0].strip())
            assert match, item[0]
            entries.append((match.group(1).strip(), match.group(2)))
        result[key] = entries
    return result


def cv_bold_lines(section: str, end: str) -> list[str]:
    """The bold lead-ins (`**…**`) of an unnumbered CV section: awards, skills, patents."""
    lines = _section_lines(_lines(CV), section, [end])
    return [m.group(1) for line in lines if (m := re.match(r"^\*\*(.+?)\*\*", line.strip()))]


def cv_patent_numbers() -> list[str]:
    lines = _section_lines(_lines(CV), "## Patents", ["## Talks & Lectures"])
    return [
        m.group(1) for line in lines if (m := re.match(r"^\[([A-Z]{2} [^\]]+)\]", line.strip()))
    ]


def cv_headings(section: str, end: str, level: str) -> list[str]:
    lines = _section_lines(_lines(CV), section, [end])
    return [line.strip()[len(level) + 1 :] for line in lines if line.startswith(level + " ")]


def cv_projects() -> list[str]:
    lines = _section_lines(_lines(CV), "## Research Projects", ["## Skills"])
    return [
        m.group(1) for line in lines if (m := re.match(r"^([A-Za-z0-9-]+) \(\d{4}-\d{2}", line))
    ]
