"""out/index.html: one self-contained page, generated from the public graph.

The browser test (test_homepage_browser.py) looks at the page in Chromium; these read its
HTML: what it holds, in which order, and that it needs nothing from the network.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from lxml.html import HtmlElement

from kg import load_graph
from kg.embed import insert_block, script_block
from kg.graph import KnowledgeGraph
from kg.homepage import render_homepage
from kg.terms import IRI
from kg.vocab import SCHEMA
from tests.conftest import DATA


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return load_graph(DATA)[1]


@pytest.fixture(scope="module")
def html(built: Path) -> str:
    return (built / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def document(html: str) -> HtmlElement:
    return lxml.html.document_fromstring(html)


def test_the_page_is_what_render_homepage_gives(html: str, graph: KnowledgeGraph) -> None:
    assert render_homepage(graph) == html


def test_the_page_needs_nothing_from_the_network(html: str, document: HtmlElement) -> None:
    assert not document.xpath("//*[@src]"), "no images, scripts or frames to fetch"
    assert not document.xpath("//link[@rel='stylesheet']")
    assert [s.get("type") for s in document.xpath("//script")] == ["application/ld+json"]
    styles = "".join(document.xpath("//style/text()"))
    assert "@import" not in styles and "url(" not in styles


def test_the_embed_in_the_page_is_kg_embed_output(html: str, graph: KnowledgeGraph) -> None:
    """`kg embed --into out/index.html` is a no-op: the page already carries the block."""
    page = html.encode("utf-8")
    assert insert_block(page, script_block(graph)) == page


def test_header_names_the_researcher(document: HtmlElement) -> None:
    assert [h.text_content() for h in document.xpath("//h1")] == ["Dr. Sebastian Lapuschkin"]
    header = document.xpath("//header")[0].text_content()
    assert "Head of Explainable Artificial Intelligence" in header
    assert "Sebastian Bach" in header and "Bach S" in header
    links = document.xpath("//header//a/@href")
    assert "mailto:sebastian@lapuschkin.com" in links, "email is in public_fields"
    assert "https://github.com/sebastian-lapuschkin" in links


def test_sections_in_order(document: HtmlElement) -> None:
    assert document.xpath("//main/section/@id") == [
        "about",
        "publications",
        "experience",
        "education",
        "projects",
        "awards",
        "talks",
        "patents",
        "skills",
    ]
    assert document.xpath("//nav//a/@href") == [
        f"#{key}" for key in document.xpath("//main/section/@id")
    ]


def test_every_version_is_listed_once_with_authors_in_order(document: HtmlElement) -> None:
    dataset = load_graph(DATA)[0]
    entries = {li.get("id"): li for li in document.xpath("//li[contains(@class, 'pub')]")}
    versions = [v for work in dataset.records("works") for v in work.get("versions")]
    assert len(entries) == len(versions)
    for work in dataset.records("works"):
        for version in work.get("versions"):
            entry = entries[f"work-{work.key}-{version.key}"]
            assert entry.xpath(".//cite")[0].text_content() == version.get("title")
            printed = ", ".join(a.printed for a in version.get("authors") or version.get("editors"))
            assert printed in entry.xpath(".//p[@class='authors']")[0].text_content()
            me = entry.xpath(".//strong[@class='me']/text()")
            assert me and set(me) <= {"Lapuschkin S", "Bach S"}, "the researcher highlighted"


def test_publications_are_grouped_by_year_newest_first(document: HtmlElement) -> None:
    years = [int(h.get("id").removeprefix("year-")) for h in document.xpath("//h3[@class='year']")]
    assert years == sorted(years, reverse=True) and years[0] >= 2025
    first = document.xpath("//h3[@class='year']")[0]
    assert first.xpath("following-sibling::ol[1]/li")


def test_venues_links_and_relations(document: HtmlElement) -> None:
    def entry(key: str) -> HtmlElement:
        found: HtmlElement = document.xpath(f"//li[@id='work-{key}']")[0]
        return found

    article = entry("concept-relevance-propagation-nature-machine-intelligence")
    assert "Nature Machine Intelligence 5(9):1006–1019" in article.text_content()
    assert "https://github.com/maxdreyer/crp-human-study" in article.xpath(".//a/@href")
    assert "#work-concept-relevance-propagation-arxiv" in article.xpath(".//a/@href")
    preprint = entry("concept-relevance-propagation-arxiv")
    assert "arXiv:2206.03208" in preprint.text_content()
    assert "https://arxiv.org/abs/2206.03208" in preprint.xpath(".//a/@href")
    awarded = entry("gaze-events-interpretable-concepts-etra-2023")
    assert "Best Short Paper Award Winner" in awarded.xpath(".//*[@class='award']")[0].text
    book = entry("xai-2024-proceedings-springer-2024")
    assert "Editors:" in book.text_content() and "978-3-031-63787-2" in book.text_content()


def test_the_chart_counts_every_listed_publication(document: HtmlElement) -> None:
    svg = document.xpath("//figure[@class='chart']/svg")[0]
    assert svg.get("role") == "img" and svg.xpath("title")[0].text == "Publications per year"
    counted = sum(
        int(re.match(r"\d{4}: (\d+) ", rect.xpath("title")[0].text)[1])
        for rect in svg.xpath(".//rect")
    )
    assert counted == len(document.xpath("//li[contains(@class, 'pub')]"))


def test_career_sections_come_from_the_graph(document: HtmlElement) -> None:
    text = document.text_content()
    assert "Opening the machine learning black box with Layer-wise Relevance Propagation" in text
    assert "Jan 2021 – present" in text
    assert "TraMeExCo" in text and "Transparent Medical Expert Companion" in text
    assert "Hugo-Geiger-Prize" in text
    assert "13, 14, 16 Dec 2021" in text, "a talk over several days"
    assert "EP 4001902 A1" in text


def test_only_web_links(graph: KnowledgeGraph) -> None:
    """A non-web URL in the graph (the record format refuses one; a graph may still hold it)
    never becomes a link on the page."""
    hostile = IRI("javascript:alert(1)")
    triples = graph.triples | {(graph.researcher, SCHEMA.sameAs, hostile)}
    page = render_homepage(KnowledgeGraph(graph.base, graph.researcher, triples))
    hrefs = lxml.html.document_fromstring(page).xpath("//a/@href")
    assert "https://github.com/sebastian-lapuschkin" in hrefs
    schemes = {urlsplit(href).scheme for href in hrefs}
    assert schemes <= {"", "http", "https", "mailto"}, "relative: the anchors and kg.ttl & co."
