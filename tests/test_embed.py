"""`kg embed` and the JSON-LD in out/index.html, read the way a crawler reads them.

extruct pulls the JSON-LD out of the page, pyld expands it with the official schema.org
context (the vendored copy, no network), and the triples are compared with the public graph
that `kg build` wrote: same node IRIs, nothing more, nothing private.
"""

from __future__ import annotations

import json
import re
import stat
from functools import cache
from pathlib import Path
from typing import Any

import extruct
import lxml.html
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import build, load_graph
from kg.cli import cli
from kg.embed import END_MARKER, START_MARKER, insert_block, jsonld_tree, script_block
from kg.errors import EmbedError
from kg.graph import KnowledgeGraph
from kg.terms import IRI, to_rdflib
from kg.terms import Literal as KgLiteral
from tests.conftest import DATA, VOCAB

SCHEMA = "http://schema.org/"
HOSTILE = "</script><script>alert(1)</script> & <!--"
START, END = START_MARKER.encode(), END_MARKER.encode()


# --- helpers: the crawler's view ------------------------------------------------------------


@cache
def schema_org_context() -> dict[str, Any]:
    return json.loads((VOCAB / "schemaorg-30.0-context.jsonld").read_text(encoding="utf-8"))


def local_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: the official context from tests/fixtures/vocab, never the web."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": schema_org_context()}
    raise AssertionError(f"the embed must not need {url}")


def expand(document: Any) -> Graph:
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": local_loader}
    )
    return Graph().parse(data=nquads, format="nt")


def extract(page: bytes | str) -> list[Any]:
    """The JSON-LD items of a page, as extruct (used by crawlers such as Scrapy's) finds them."""
    text = page.decode("utf-8") if isinstance(page, bytes) else page
    return list(extruct.extract(text, syntaxes=["json-ld"], uniform=False)["json-ld"])


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return load_graph(DATA)[1]


@pytest.fixture(scope="module")
def page(built: Path) -> bytes:
    return (built / "index.html").read_bytes()


@pytest.fixture(scope="module")
def profile(page: bytes) -> dict[str, Any]:
    items = extract(page)
    assert len(items) == 1, "one JSON-LD block on the homepage"
    item: dict[str, Any] = items[0]
    return item


@pytest.fixture(scope="module")
def public(built: Path) -> Graph:
    return Graph().parse(built / "kg.nt", format="nt")


# --- the profile page -------------------------------------------------------------------------


def test_the_page_carries_a_profile_page_about_the_researcher(
    profile: dict[str, Any], graph: KnowledgeGraph
) -> None:
    assert profile["@context"] == "https://schema.org"
    assert profile["@type"] == "ProfilePage"
    person = profile["mainEntity"]
    assert person["@type"] == "Person"
    assert person["@id"] == str(graph.researcher)
    assert person["name"] == "Sebastian Lapuschkin"
    assert person["alternateName"][0] == "Sebastian Bach", "the birth name first"
    assert person["jobTitle"] == "Head of Explainable Artificial Intelligence"
    assert person["affiliation"]["name"] == "Fraunhofer Heinrich Hertz Institute"
    assert "https://github.com/sebastian-lapuschkin" in person["sameAs"]
    assert {c["name"] for c in person["hasCredential"]} >= {"PhD in Machine Learning"}
    assert {r["alumniOf"]["name"] for r in person["alumniOf"]} >= {"Technische Universität Berlin"}
    assert any(award.startswith("Hugo-Geiger-Prize") for award in person["award"])
    assert {skill["name"] for skill in person["knowsAbout"]} >= {"Machine Learning"}


def test_every_triple_of_the_embed_is_in_the_public_graph(
    profile: dict[str, Any], public: Graph
) -> None:
    embedded = expand(profile)
    assert len(embedded) > 1000
    extra = sorted(triple for triple in embedded if triple not in public)
    assert extra == [], extra[:5]


def test_the_embed_uses_schema_org_terms_only(profile: dict[str, Any]) -> None:
    embedded = expand(profile)
    predicates = {str(p) for p in embedded.predicates()} - {str(RDF.type)}
    classes = {str(o) for o in embedded.objects(None, RDF.type)}
    assert all(term.startswith(SCHEMA) for term in predicates | classes)
    assert f"{SCHEMA}ScholarlyArticle" in classes and f"{SCHEMA}Chapter" in classes
    assert not [s for s in embedded.subjects() if not isinstance(s, URIRef)], "no blank nodes"


def test_every_version_of_every_work_is_there_with_its_authors_in_order(
    profile: dict[str, Any],
) -> None:
    """The oracle is the records themselves: each version's authors as printed, in order."""
    dataset = load_graph(DATA)[0]
    base = dataset.base
    embedded = {work["@id"]: work for work in profile["hasPart"]}
    for work in dataset.records("works"):
        for version in work.get("versions"):
            item = embedded.get(f"{base}work/{work.key}/{version.key}")
            assert item is not None, version.label
            assert item["name"] == version.get("title")
            assert item["@type"] in ("ScholarlyArticle", "Chapter", "Book")
            assert item["datePublished"] == str(version.get("date") or version.get("year"))
            for field in ("authors", "editors"):
                expected = [f"{base}person/{agent.person}" for agent in version.get(field, [])]
                actual = [person["@id"] for person in item.get(field[:-1], [])]
                assert actual == expected, f"{version.label} {field}"


def test_works_carry_venue_identifiers_and_code(profile: dict[str, Any]) -> None:
    works = {work["@id"].split("/kg/")[1]: work for work in profile["hasPart"]}
    article = works["work/concept-relevance-propagation/nature-machine-intelligence"]
    issue = article["isPartOf"]
    assert issue["@type"] == "PublicationIssue" and issue["issueNumber"] == "9"
    assert issue["isPartOf"]["volumeNumber"] == "5"
    assert issue["isPartOf"]["isPartOf"]["name"] == "Nature Machine Intelligence"
    assert article["pagination"] == "1006–1019"
    code = {link["codeRepository"] for link in article["citation"]}
    assert "https://github.com/maxdreyer/crp-human-study" in code
    preprint = works["work/concept-relevance-propagation/arxiv"]
    assert preprint["identifier"] == "arXiv:2206.03208"
    assert preprint["exampleOfWork"]["@id"] == article["exampleOfWork"]["@id"]
    types = {work["@type"] for work in profile["hasPart"]}
    assert types == {"ScholarlyArticle", "Chapter", "Book", "Thesis", "CreativeWork"}


def test_works_are_listed_newest_first(profile: dict[str, Any]) -> None:
    years = [work.get("datePublished", "9999")[:4] for work in profile["hasPart"]]
    dated = [year for year in years if year != "9999"]
    assert dated == sorted(dated, reverse=True)


# --- privacy ----------------------------------------------------------------------------------


def private_values() -> list[str]:
    """The private person fields of data/profile.yaml, read independently of kg."""
    people = yaml.safe_load((DATA / "profile.yaml").read_text(encoding="utf-8"))["people"]
    person = next(p for p in people if p["key"] == "lapuschkin-s")
    values = [str(person[name]) for name in ("birth_date", "birth_place", "telephone", "address")]
    return [*values, person["family"], "483-2754"]


def test_nothing_private_on_the_page_or_in_the_embed(
    page: bytes, profile: dict[str, Any], graph: KnowledgeGraph
) -> None:
    text = page.decode("utf-8")
    embed = json.dumps(profile, ensure_ascii=False)
    for value in private_values():
        assert value not in text, value
        assert value not in embed, value
    for term in ("birthDate", "birthPlace", "nationality", "telephone", "familyNote", "address"):
        assert term not in embed, term
    # Every private literal is absent unless it is also public data ("German" is a language).
    public_literals = {str(o) for _, _, o in graph.triples if isinstance(o, KgLiteral)}
    for _, _, value in graph.private_triples:
        if isinstance(value, KgLiteral) and str(value) not in public_literals:
            assert str(value) not in text and str(value) not in embed, value
    embedded = expand(profile)
    private = [tuple(to_rdflib(term) for term in triple) for triple in graph.private_triples]
    assert private and not [t for t in private if t in embedded]
    private_nodes = {
        to_rdflib(term)
        for triple in graph.private_triples
        for term in triple
        if isinstance(term, IRI) and term.startswith(graph.base) and term != graph.researcher
    }
    assert private_nodes, "birth place and nationality are nodes of their own"
    assert not {term for triple in embedded for term in triple} & private_nodes


# --- escaping ---------------------------------------------------------------------------------


def test_the_script_holds_no_character_that_could_end_it(graph: KnowledgeGraph) -> None:
    block = script_block(graph)
    assert block.startswith('<script type="application/ld+json">\n')
    assert block.endswith("\n</script>")
    inner = block[len('<script type="application/ld+json">') : -len("</script>")]
    assert not re.search(r"[<>&\u2028\u2029]", inner)
    assert json.loads(inner) == jsonld_tree(graph)


def with_hostile_title(data: Path) -> None:
    records = data / "journal-articles.yaml"
    text = records.read_text(encoding="utf-8")
    old = "title: On Pixel-wise Explanations for Non-Linear Classifier Decisions by Layer-wise Relevance Propagation"
    assert old in text
    records.write_text(text.replace(old, f"title: '{HOSTILE}'"), encoding="utf-8")


def test_a_hostile_title_cannot_break_out_of_the_script(data_copy: Path, tmp_path: Path) -> None:
    with_hostile_title(data_copy)
    build(data_copy, tmp_path / "out")
    page = (tmp_path / "out" / "index.html").read_bytes()
    document = lxml.html.document_fromstring(page)
    scripts = document.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"], "no injected script"
    assert not document.xpath("//comment()[contains(., 'alert')]")
    tree = json.loads(scripts[0].text)
    titles = [work["name"] for work in tree["hasPart"]]
    assert HOSTILE in titles, "the title round-trips exactly"
    assert [work["name"] for work in extract(page)[0]["hasPart"]] == titles
    visible = document.xpath("//li[contains(@class, 'pub')]//cite")
    assert HOSTILE in [cite.text_content() for cite in visible], "shown as text on the page"


# --- --into: the markers, byte for byte -------------------------------------------------------


@pytest.fixture(scope="module")
def block(graph: KnowledgeGraph) -> str:
    return script_block(graph)


PAGE = (
    b"<!DOCTYPE html>\r\n<html lang=de><head>\r\n  <meta charset=utf-8>\r\n"
    b"  <title>Gr\xc3\xbc\xc3\x9fe</title>\r\n  </HEAD>\r\n<body>\xe2\x80\x94</body></html>\r\n"
)


def test_into_inserts_the_markers_before_head_and_keeps_every_other_byte(block: str) -> None:
    result = insert_block(PAGE, block)
    at = PAGE.index(b"</HEAD>")
    assert result.startswith(PAGE[:at]) and result.endswith(PAGE[at:])
    inserted = result[at : len(result) - len(PAGE) + at]
    assert inserted.startswith(START + b"\r\n<script") and inserted.endswith(END + b"\r\n  ")
    assert b"\n" not in inserted.replace(b"\r\n", b""), "the page's line endings"
    assert insert_block(result, block) == result, "a second run changes nothing"


def test_into_replaces_only_what_is_between_the_markers(block: str) -> None:
    before = b"<html><head><title>x</title>\n<!-- mine -->"
    after = b"\n<style>p{}</style></head><body><!-- kg:jsonld --></body></html>\n"
    page = before + START + b"old <script>stale</script>" + END + after
    result = insert_block(page, block)
    assert result.startswith(before + START) and result.endswith(END + after)
    assert b"stale" not in result
    assert insert_block(result, block) == result


markerless = st.binary(max_size=200).filter(lambda b: START not in b and END not in b)
no_bom = markerless.filter(lambda b: not b.startswith((b"\xff\xfe", b"\xfe\xff")))


@given(before=no_bom, inside=markerless, after=markerless)
def test_into_keeps_any_bytes_outside_the_markers(
    before: bytes, inside: bytes, after: bytes
) -> None:
    block = '<script type="application/ld+json">\n{"name": "Müller \\u003c"}\n</script>'
    page = before + START + inside + END + after
    result = insert_block(page, block)
    assert result.startswith(before + START) and result.endswith(END + after)
    assert insert_block(result, block) == result


def test_a_page_in_another_charset_gets_ascii_json(block: str) -> None:
    page = b'<html><head><meta charset="iso-8859-1"><title>M\xfcller</title></head></html>'
    result = insert_block(page, block)
    inner = result[result.index(START) + len(START) : result.index(END)]
    assert inner.isascii()
    script = inner.decode("ascii").strip()
    tree = json.loads(script[script.index(">") + 1 : script.rindex("<")])
    assert tree["mainEntity"]["affiliation"]["name"] == "Fraunhofer Heinrich Hertz Institute"
    assert "Technische Universität Berlin" in json.dumps(tree, ensure_ascii=False)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (b"<html><body>no head</body></html>", "has no </head>"),
        (b"<head>" + START + b"</head>", "has 1 <!-- kg:jsonld:start --> and 0"),
        (b"<head>" + START + START + END + b"</head>", "keep exactly one of each"),
        (b"<head>" + END + START + b"</head>", "comes before"),
    ],
)
def test_pages_the_block_cannot_go_into(page: bytes, message: str, block: str) -> None:
    with pytest.raises(EmbedError, match=re.escape(message)):
        insert_block(page, block, "page.html")


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def unvalidated(monkeypatch: pytest.MonkeyPatch, graph: KnowledgeGraph) -> None:
    """Skip the SHACL run (tested elsewhere) so the command tests stay quick."""
    import kg.pipeline

    def mapped(data: Path | str, base: str | None = None) -> KnowledgeGraph:
        assert Path(data) == DATA and base is None
        return graph

    monkeypatch.setattr(kg.pipeline, "validate_data", mapped)


def test_embed_refuses_invalid_records(data_copy: Path) -> None:
    records = data_copy / "profile.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("family_name:", "familyname:", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["embed", "--data", str(data_copy)])
    assert result.exit_code == 1 and result.stdout == ""
    assert re.fullmatch(r"Error: \d+ problems? in the records", result.stderr.splitlines()[-1])


@pytest.mark.usefixtures("unvalidated")
def test_cli_into_twice_rewrites_once_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    target.write_bytes(PAGE)
    target.chmod(0o640)
    runner = CliRunner()
    first = runner.invoke(cli, ["embed", "--data", str(DATA), "--into", str(target)])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == "" and first.stderr.strip() == f"{target}: updated"
    written = target.read_bytes()
    second = runner.invoke(cli, ["embed", "--data", str(DATA), "--into", str(target)])
    assert second.exit_code == 0 and second.stderr.strip() == f"{target}: unchanged"
    assert target.read_bytes() == written
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["index.html"], "no temp files"
    assert extract(written)[0]["@type"] == "ProfilePage"


@pytest.mark.usefixtures("unvalidated")
def test_cli_prints_the_block_and_the_publications_variant(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["embed", "--data", str(DATA), "--page", "publications"])
    assert result.exit_code == 0, result.stderr
    items = extract(f"<html><head>{result.stdout}</head></html>")
    assert len(items) > 80 and all(item["@context"] == "https://schema.org" for item in items)
    assert {item["@type"] for item in items} >= {"ScholarlyArticle", "Chapter", "Book"}
    out = tmp_path / "embed.html"
    written = CliRunner().invoke(cli, ["embed", "--data", str(DATA), "--out", str(out)])
    assert written.exit_code == 0 and written.stdout.strip() == str(out)
    assert extract(f"<html><head>{out.read_text(encoding='utf-8')}</head></html>")[0]["@type"] == (
        "ProfilePage"
    )


@pytest.mark.usefixtures("unvalidated")
def test_cli_errors(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body>no head</body></html>")
    runner = CliRunner()
    result = runner.invoke(cli, ["embed", "--data", str(DATA), "--into", str(page)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {page} has no </head>")
    both = runner.invoke(cli, ["embed", "--out", "x.html", "--into", str(page)])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_the_profile_page_holds_only_the_researchers_own_works(data_copy: Path) -> None:
    """In an institute's data the homepage of one researcher lists their works, not everyone's."""
    from kg import load_graph
    from kg.vocab import SCHEMA

    (data_copy / "others.yaml").write_text(
        """works:
  - key: someone-elses-paper
    versions:
      - key: arxiv
        type: preprint
        title: A Paper the Researcher Did Not Write
        authors: ["Samek W", "Binder A"]
        year: 2024
""",
        encoding="utf-8",
    )
    _, graph = load_graph(data_copy)
    parts = {o for s, p, o in graph.triples if p == SCHEMA.hasPart and s.endswith("/profile")}
    assert f"{graph.base}work/someone-elses-paper/arxiv" not in parts
    assert f"{graph.base}work/audiomnist/arxiv" in parts
    assert "A Paper the Researcher Did Not Write" not in script_block(graph)


def test_a_private_work_of_the_researcher_is_no_part_of_the_profile(data_copy: Path) -> None:
    from kg import load_graph
    from kg.vocab import SCHEMA

    (data_copy / "drafts.yaml").write_text(
        """works:
  - key: unpublished-draft
    visibility: private
    versions:
      - key: arxiv
        type: preprint
        title: A Draft Not Yet Public
        authors: ["Lapuschkin S", "Samek W"]
        year: 2025
""",
        encoding="utf-8",
    )
    _, graph = load_graph(data_copy)
    parts = {o for s, p, o in graph.triples if p == SCHEMA.hasPart and s.endswith("/profile")}
    assert f"{graph.base}work/audiomnist/arxiv" in parts
    assert f"{graph.base}work/unpublished-draft/arxiv" not in parts
    assert any(
        s == f"{graph.base}work/unpublished-draft/arxiv" for s, _, _ in graph.private_triples
    )
    assert "A Draft Not Yet Public" not in script_block(graph)
