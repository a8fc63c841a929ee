"""The researcher's whole record is in the graph: every item of every section of both seed
documents, with its authors in printed order, year, title, numbers, arXiv id and links."""

from __future__ import annotations

import re
from functools import cache

import pytest
from rdflib import Graph, Literal, URIRef

from kg import load_graph
from tests import seeds
from tests.conftest import DATA
from tests.rdf import FABIO, FRBR, KG, PRO, SCHEMA

BASE = "https://lapuschkin.com/kg/"
RESEARCHER = URIRef(BASE + "person/lapuschkin-s")


@cache
def graph() -> Graph:
    return load_graph(DATA)[1].public_graph()


def entry(document: str, section: str, number: int) -> URIRef:
    return URIRef(f"{BASE}source/{document}/{section}/{number}")


def listed(document: str, section: str, number: int) -> list[URIRef]:
    return sorted(graph().subjects(KG.listedIn, entry(document, section, number)))


def the_version(document: str, section: str, number: int) -> URIRef:
    found = [
        s for s in listed(document, section, number) if (s, FRBR.realizationOf, None) in graph()
    ]
    assert len(found) == 1, f"{document}:{section}/{number} is listed by {found}"
    return found[0]


def printed_authors(version: URIRef, role: URIRef = PRO.author) -> list[str]:
    roles = [
        r
        for r in graph().subjects(PRO.relatesToDocument, version)
        if (r, PRO.withRole, role) in graph()
    ]
    ranked = sorted(
        (int(graph().value(r, KG.rank)), str(graph().value(r, KG.printedName))) for r in roles
    )
    assert [rank for rank, _ in ranked] == list(range(1, len(ranked) + 1))
    return [name for _, name in ranked]


def readings(document: str, section: str, number: int) -> dict[str, str]:
    found = {}
    for value in graph().objects(entry(document, section, number), KG.reading):
        field, _, text = str(value).partition(": ")
        found[field] = text
    return found


def numbers_near(version: URIRef) -> str:
    """Every literal of the version and of its containers and venue, for number checks."""
    nodes = [version]
    while (parent := graph().value(nodes[-1], FRBR.partOf)) is not None and len(nodes) < 6:
        nodes.append(parent)
    texts = [str(o) for node in nodes for o in graph().objects(node) if isinstance(o, Literal)]
    return " ".join(texts).replace("–", "-")


def citation_urls(version: URIRef) -> set[str]:
    return {
        str(graph().value(link, SCHEMA.url)) for link in graph().objects(version, SCHEMA.citation)
    }


SECTION_COUNTS = (
    {("pubs", key): len(entries) for key, entries in seeds.publication_entries("pubs").items()}
    | {("cv", key): len(entries) for key, entries in seeds.publication_entries("cv").items()}
    | {
        ("cv", "talks"): len(seeds.cv_talks()["talks"]),
        ("cv", "lectures"): len(seeds.cv_talks()["lectures"]),
        ("cv", "awards"): len(seeds.cv_bold_lines("## Awards", "## Patents")),
        ("cv", "skills"): len(seeds.cv_bold_lines("## Skills", "## Awards")),
        ("cv", "patents"): len(seeds.cv_bold_lines("## Patents", "## Talks & Lectures")),
        ("cv", "projects"): len(seeds.cv_projects()),
        ("cv", "education"): len(seeds.cv_headings("## Education", "## Research Projects", "####"))
        + 1,
        ("cv", "experience"): 6,
        ("cv", "profile"): 1,
        ("cv", "bio"): 1,
    }
)


def test_the_seed_documents_have_the_expected_sections() -> None:
    assert SECTION_COUNTS[("pubs", "journal")] == 26
    assert SECTION_COUNTS[("pubs", "conference")] == 38
    assert SECTION_COUNTS[("cv", "journal")] == 21
    assert SECTION_COUNTS[("cv", "preprints")] == 9
    assert SECTION_COUNTS[("cv", "talks")] == 16
    assert SECTION_COUNTS[("cv", "lectures")] == 7


@pytest.mark.parametrize(("document", "section"), sorted(SECTION_COUNTS))
def test_every_item_of_the_section_is_in_the_graph(document: str, section: str) -> None:
    count = SECTION_COUNTS[(document, section)]
    for number in range(1, count + 1):
        holders = listed(document, section, number)
        assert holders, f"{document}:{section}/{number} is not in the graph"
        if (document, section, number) != ("cv", "skills", 5):  # two languages on one line
            assert len(holders) == 1, f"{document}:{section}/{number} is listed by {holders}"
    assert not listed(document, section, count + 1), "an entry beyond the section's last item"


PUBLICATIONS = [
    (document, section, item)
    for document in ("pubs", "cv")
    for section, entries in seeds.publication_entries(document).items()
    for item in entries
]


@pytest.mark.parametrize(
    ("document", "section", "item"),
    PUBLICATIONS,
    ids=[f"{d}:{s}/{i.number}" for d, s, i in PUBLICATIONS],
)
def test_publication_is_exported_as_printed(document: str, section: str, item: seeds.Entry) -> None:
    version = the_version(document, section, item.number)
    older = readings(document, section, item.number)
    role = PRO.editor if section == "books" else PRO.author
    title = str(graph().value(version, SCHEMA.name))
    authors = printed_authors(version, role)
    if document == "pubs" or "title" not in older:
        assert title == item.title
    else:
        assert older["title"] == item.title
    if document == "pubs" or "authors" not in older:
        assert authors == item.authors
    else:
        assert re.split(r", | and ", older["authors"]) == item.authors
    assert str(graph().value(version, FABIO.hasPublicationYear)) == str(item.year)
    if item.arxiv:
        assert str(graph().value(version, FABIO.hasArXivId)) == item.arxiv
    assert {
        url for url in item.links if "github.com" in url or "semanticlens" in url
    } <= citation_urls(version)
    after_venue = item.venue_tail.split("*")[2] if item.venue_tail.count("*") >= 2 else ""
    after_venue = re.sub(r"^\s*\d{4}:", "", after_venue)  # "2017:1629-1638": the year, then pages
    known = (
        numbers_near(version) + " " + " ".join(str(v) for v in graph().objects(None, SCHEMA.issn))
    )
    for number in re.findall(r"\d+", after_venue.split("http")[0]):
        assert number in known, f"{number} of {item.venue_tail!r} is not in the graph"


def test_researcher_is_at_the_printed_position_in_every_work() -> None:
    for document, section, item in PUBLICATIONS:
        version = the_version(document, section, item.number)
        role = PRO.editor if section == "books" else PRO.author
        position = next(
            i for i, name in enumerate(item.authors, 1) if name in ("Lapuschkin S", "Bach S")
        )
        held = [
            r
            for r in graph().subjects(PRO.isHeldBy, RESEARCHER)
            if (r, PRO.relatesToDocument, version) in graph() and (r, PRO.withRole, role) in graph()
        ]
        assert len(held) == 1
        if document == "pubs" or "authors" not in readings(document, section, item.number):
            assert int(graph().value(held[0], KG.rank)) == position


def test_the_six_works_printed_with_bach_are_by_the_researcher() -> None:
    roles = list(graph().subjects(KG.printedName, Literal("Bach S")))
    works = {
        graph().value(graph().value(r, PRO.relatesToDocument), SCHEMA.exampleOfWork) for r in roles
    }
    assert len(works) == 6
    assert {graph().value(r, PRO.isHeldBy) for r in roles} == {RESEARCHER}
    lapuschkin = list(graph().subjects(KG.printedName, Literal("Lapuschkin S")))
    assert {graph().value(r, PRO.isHeldBy) for r in lapuschkin} == {RESEARCHER}


def test_merged_totals_add_up() -> None:
    pubs_items = sum(SECTION_COUNTS[("pubs", s)] for s in seeds.PUBLICATION_SECTIONS)
    works = set(graph().subjects(FRBR.realization, None)) - set(
        graph().subjects(None, FABIO.Patent)
    )
    works = {w for w in works if (w, None, FABIO.Patent) not in graph()}
    versions = {
        v for v in graph().subjects(FRBR.realizationOf, None) if v.startswith(BASE + "work/")
    }
    cv_only = {
        the_version("cv", s, i.number)
        for s, entries in seeds.publication_entries("cv").items()
        for i in entries
    } - {
        the_version("pubs", s, i.number)
        for s, entries in seeds.publication_entries("pubs").items()
        for i in entries
    }
    assert len(works) == pubs_items == 77
    assert len(cv_only) == 5, "five CV preprints were later published: earlier versions"
    assert len(versions) == pubs_items + len(cv_only) == 82


def test_cv_records_are_in_the_graph() -> None:
    texts = {str(o) for o in graph().objects() if isinstance(o, Literal)}
    joined = "\n".join(texts)
    for heading in seeds.cv_headings("## Professional Experience", "## Education", "####"):
        assert heading in texts
    for heading in seeds.cv_headings("## Education", "## Research Projects", "####"):
        assert heading.split(" (")[0] in joined
    for name in seeds.cv_projects():
        assert name in texts
    for award in seeds.cv_bold_lines("## Awards", "## Patents"):
        assert award.split(" (")[0] in joined
    for skill in seeds.cv_bold_lines("## Skills", "## Awards")[:4]:
        assert skill.rstrip(":") in texts
    assert {"German", "English"} <= texts
    for family in seeds.cv_bold_lines("## Patents", "## Talks & Lectures"):
        assert family in texts
    for number in seeds.cv_patent_numbers():
        assert number in texts
    for kind, talks in seeds.cv_talks().items():
        for title, date in talks:
            assert title.strip() in texts, (kind, title)
            assert Literal(date.split("/")[0], datatype=SCHEMA.Date) in set(
                graph().objects(None, SCHEMA.startDate)
            )


PRIVATE_VALUES = ["1986-12-16", "483-2754", "Kaiserin-Augusta-Allee", "father to a son", "10589"]


def test_public_export_holds_none_of_the_private_data(built) -> None:  # type: ignore[no-untyped-def]
    for name in ("kg.ttl", "kg.nt", "kg.jsonld"):
        text = (built / name).read_text(encoding="utf-8")
        for value in PRIVATE_VALUES:
            assert value not in text, (name, value)
        for term in ("birthDate", "birthPlace", "nationality", "telephone", "familyNote"):
            assert term not in text, (name, term)


def test_private_export_holds_the_private_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kg import build

    build(DATA, tmp_path, private=True)
    text = (tmp_path / "kg.private.nt").read_text(encoding="utf-8")
    for value in PRIVATE_VALUES:
        assert value in text, value
