"""The bundled queries: headers, parsing, rows on the bundled data, hand-checked answers.

The expected numbers below were counted by hand from the seed documents
(tests/fixtures/seeds/000_… = the publication list, 001_… = the CV) and data/NOTES.md, not
from the queries' own output.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg import query
from kg.errors import QueryError
from tests.conftest import ROOT

BUNDLED = {q.name: q for q in query.bundled()}
PERSON_QUERIES = sorted(n for n, q in BUNDLED.items() if "name" in {p.name for p in q.params})
HOSTILE = [
    '" } } #',
    'Samek W" ) } UNION { ?person ?p ?name } #',
    'Samek W" } ; DROP ALL ; #',
    "' } INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    '\\" . } #',
    "x\\u0022 } #",
    "x\\\\u0022 } #",
    '"""',
    "'''",
    "line\n# comment\n} } }",
    "<http://example.org/evil>",
    "Samek W\\",
    "\x00\x01\t\r\x7f",
    "Ünïcødé ✓ 𝔘 ‮",
]


@cache
def exported(path: Path) -> Graph:
    """The exported public graph, parsed once per session."""
    graph = Graph()
    graph.parse(path, format="nt")
    return graph


@cache
def answer(path: Path, name: str, params: tuple[tuple[str, str], ...] = ()) -> query.QueryResult:
    """A bundled query's answer on the exported graph, computed once per session."""
    bundled = BUNDLED[name]
    return query.run_local(bundled, exported(path), query.bind(bundled, dict(params)))


@pytest.fixture(scope="session")
def nt(built: Path) -> Path:
    return built / "kg.nt"


def rows(nt: Path, name: str, /, **params: str) -> list[dict[str, str]]:
    """Rows with each value as text, for readable expectations."""
    result = answer(nt, name, tuple(sorted(params.items())))
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


# --- every bundled query --------------------------------------------------------------------


def test_there_is_a_query_for_every_question_of_issue_4() -> None:
    questions = {
        "publication list with ordered authors, venue and year": "publications_list",
        "publications per year by type and position": "publications_per_year",
        "co-authors ranked by joint works": "coauthors_by_joint_works",
        "co-author network edges": "coauthor_network_edges",
        "venues with counts": "venues_by_count",
        "preprints and their published versions": "preprints_and_published_versions",
        "works with code or demos": "works_with_code",
        "career timeline": "career_timeline",
        "talks and lectures by year and kind": "talks_by_year_and_kind",
        "projects active in a year": "projects_active_in_year",
        "patents by family and jurisdiction": "patents_by_family",
        "works of a person by name or variant": "works_by_person",
        "data-quality checks": "quality_checks",
    }
    assert set(questions.values()) <= set(BUNDLED)
    assert {p.name for p in BUNDLED["projects_active_in_year"].params} == {"year"}
    assert {p.name for p in BUNDLED["works_by_person"].params} == {"name"}


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_bundled_query_declares_what_it_answers_and_parses(name: str) -> None:
    bundled = BUNDLED[name]
    assert bundled.text.startswith("#+ summary: "), "the header comes first"
    assert 20 <= len(bundled.summary) <= 220 and "\n" not in bundled.summary
    assert bundled.summary[0].isupper() and bundled.summary.endswith(".")
    assert all(param.default is not None for param in bundled.params), "runs without --param"
    assert bundled.prepared.algebra.name == f"{bundled.form.title()}Query"
    if bundled.form == "SELECT":
        assert bundled.columns, "a SELECT query names its result columns"
        assert "ORDER BY" in bundled.text, "rows come in a total order, the same on every engine"


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_bundled_query_returns_rows_on_the_bundled_data(nt: Path, name: str) -> None:
    result = answer(nt, name, ())
    if result.form == "SELECT":
        assert result.rows, f"{name} returns no rows on the bundled data"
        assert result.variables == list(BUNDLED[name].columns)
    else:
        assert result.graph is not None and len(result.graph) > 0


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_bound_query_text_is_sparql_1_1(name: str) -> None:
    bundled = BUNDLED[name]
    for values in [{}, *({p.name: HOSTILE[0]} for p in bundled.params if p.type == "string")]:
        text = query.with_values(bundled, query.bind(bundled, values))
        pyoxigraph.Store().query(text)  # raises SyntaxError if the text is not SPARQL 1.1


def test_readme_lists_every_query_with_its_summary() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- queries:start -->\n", "<!-- queries:end -->"
    block = readme[readme.index(start) + len(start) : readme.index(end)]
    assert block == query.readme_table(), (
        "README.md's query table is out of date; regenerate it from the headers with "
        "kg.query.readme_table()"
    )


# --- hand-checked answers (counted from the seed documents) ----------------------------------


def test_publications_per_year_match_the_seed_documents(nt: Path) -> None:
    # Items per year in the publication list, plus the CV's preprints that were published
    # later (cv:preprints/1-4 in 2022, cv:preprints/8 in 2018), which are versions of their own.
    per_year: Counter[str] = Counter()
    for row in rows(nt, "publications_per_year"):
        per_year[row["year"]] += int(row["publications"])
    assert dict(per_year) == {
        "2025": 3,
        "2024": 17,
        "2023": 13,
        "2022": 12 + 4,
        "2021": 6,
        "2020": 6,
        "2019": 4,
        "2018": 1 + 1,
        "2017": 4,
        "2016": 9,
        "2015": 1,
        "2014": 1,
    }
    positions: Counter[str] = Counter()
    for row in rows(nt, "publications_per_year"):
        positions[row["position"]] += int(row["publications"])
    # First author: journal 20, 25, 26 and conference 32, 34, 36; editor of book 1; never solo.
    assert positions["first"] == 6
    assert positions["editor"] == 1
    assert positions["solo"] == 0
    assert sum(positions.values()) == 82


def test_publication_counts_do_not_depend_on_the_name_variant(nt: Path) -> None:
    expected = rows(nt, "publications_per_year")
    assert rows(nt, "publications_per_year", name="Bach S") == expected


def test_top_coauthors_match_the_seed_documents(nt: Path) -> None:
    top = rows(nt, "coauthors_by_joint_works")[:3]
    # Samek W is on every work but journal 16, conference 3, 8, 16, 21, 22, 23, preprints 5
    # and 8 (and the edited book, where the researcher is an editor): 77 works - 10 = 67.
    assert [(r["coauthor_name"], r["joint_works"]) for r in top] == [
        ("Wojciech Samek", "67"),
        ("Klaus-Robert Müller", "29"),
        ("Alexander Binder", "26"),
    ]
    assert (top[0]["first_year"], top[0]["last_year"]) == ("2015", "2025")
    assert (top[2]["first_year"], top[2]["last_year"]) == ("2015", "2023")


def test_coauthors_of_another_person(nt: Path) -> None:
    names = [r["coauthor_name"] for r in rows(nt, "coauthors_by_joint_works", name="Samek W")]
    assert names[0] == "Sebastian Lapuschkin"
    assert "Wojciech Samek" not in names


def test_granted_patents_match_the_cv(nt: Path) -> None:
    documents = rows(nt, "patents_by_family")
    assert len(documents) == 1 + 3 + 8
    assert len({row["family"] for row in documents}) == 3
    granted = {row["number"] for row in documents if row["status"] == "granted"}
    assert granted == {
        "CN 107636693",
        "EP 3271863",
        "JP 6725547",
        "KR 102130162",
        "CA 2979579",
        "RU 2703343",
    }


def test_projects_active_in_a_year_match_the_cv(nt: Path) -> None:
    def active(year: str) -> list[str]:
        return [r["project_name"] for r in rows(nt, "projects_active_in_year", year=year)]

    assert sorted(active("2022")) == ["BerDiBa", "DAKI-FWS", "Patho234", "TEMA", "iToBoS"]
    assert active("2019") == ["TraMeExCo"]
    assert active("2026") == ["TEMA"]
    assert active("2027") == []


def test_talks_per_year_match_the_cv(nt: Path) -> None:
    talks = rows(nt, "talks_by_year_and_kind")
    assert Counter(row["year"] for row in talks) == {
        "2022": 3 + 3,
        "2021": 2 + 2,
        "2020": 5 + 1,
        "2019": 5 + 1,
        "2017": 1,
    }
    kinds = Counter(row["kind"] for row in talks)
    assert kinds["keynote"] == 1
    assert kinds["invited-talk"] == 6  # talks 4, 5, 9, 12, 13, 14


def test_preprints_and_their_published_versions_match_the_notes(nt: Path) -> None:
    preprints = rows(nt, "preprints_and_published_versions")
    published = {r["arxiv"]: r["published_type"] for r in preprints if r["status"] == "published"}
    assert published == {
        "2211.17174": "WorkshopPaper",  # pubs:conference/20
        "2211.12486": "ConferencePaper",  # pubs:conference/18
        "2211.11426": "WorkshopPaper",  # pubs:conference/19
        "2206.03208": "JournalArticle",  # pubs:journal/4
        "1807.03418": "JournalArticle",  # pubs:journal/3
    }
    unpublished = [r for r in preprints if r["status"] == "not yet published"]
    assert len(unpublished) == 8  # the list's eight preprints; ICLR 2025 has no version yet
    assert all("published" not in r for r in unpublished)


def test_publication_list_assembles_authors_in_rank_order(nt: Path) -> None:
    listed = {r["version"].rsplit("/work/", 1)[1]: r for r in rows(nt, "publications_list")}
    assert len(listed) == 82
    assert listed["generative-fractional-diffusion-models/neurips-2024"]["authors"] == (
        "Nobis G, Springenberg M, Aversa M, Detzel M, Daems R, Murray-Smith R, Nakajima S, "
        "Lapuschkin S, Ermon S, Birdal T, Oppen M, Knochenhauer C, Oala L, Samek W"
    )
    plos = listed["lrp-pixel-wise-explanations/plos-one"]
    assert plos["authors"] == "Bach S, Binder A, Montavon G, Klauschen F, Müller K-R, Samek W"
    assert (plos["venue"], plos["year"], plos["type"]) == ("PLoS ONE", "2015", "JournalArticle")
    # The journal version changed the author order of the preprint (pubs:journal/3, cv:preprints/8).
    assert listed["audiomnist/journal-of-the-franklin-institute"]["authors"].startswith(
        "Becker S, Vielhaben J, Ackermann M"
    )
    assert listed["audiomnist/arxiv"]["authors"] == (
        "Becker S, Ackermann M, Lapuschkin S, Müller K-R, Samek W"
    )
    assert listed["audiomnist/arxiv"]["venue"] == "arXiv"
    assert listed["xai-2024-proceedings/springer-2024"]["authors"] == (
        "Longo L, Lapuschkin S, Seifert C (eds.)"
    )
    years = [r["year"] for r in rows(nt, "publications_list")]
    assert years == sorted(years, reverse=True)


def test_works_by_person_resolves_name_variants_to_one_person(nt: Path) -> None:
    def versions(name: str) -> set[str]:
        return {r["version"] for r in rows(nt, "works_by_person", name=name)}

    everything = versions("")
    assert len(everything) == 82
    for variant in ["Bach S", "Sebastian Lapuschkin"]:
        assert versions(variant) == everything, variant
    printed = Counter(r["printed_as"] for r in rows(nt, "works_by_person", name="Bach S"))
    # "Bach S" is printed on journal 26, conference 34, 35, 37, chapter 3 and preprint 8.
    assert printed == {"Lapuschkin S": 76, "Bach S": 6}
    assert versions("Samek W") == versions("Wojciech Samek")
    assert versions("Nobody X") == set()


def test_quality_checks_find_what_the_seed_documents_lack(nt: Path) -> None:
    found = rows(nt, "quality_checks")
    checks = Counter(row["check"] for row in found)
    # No pages: journal 5 and 23, conference 1, 2, 16, 22, 28-31, 35, 38; TBA: conference 3, 4, 5, 7.
    assert checks["publication without pages"] == 16
    assert sum("TBA" in r["detail"] for r in found) == 4
    # Neither document prints a DOI: only the 13 preprints (arXiv) and the book (ISBNs) have one.
    assert checks["publication without identifier"] == 82 - 13 - 1
    assert checks["rank gap"] == 0
    initials_only = {r["label"] for r in found if r["check"] == "person known only by initials"}
    assert "Wojciech Samek" not in initials_only and "G Montavon" in initials_only


def test_quality_checks_find_rank_gaps(nt: Path) -> None:
    graph = Graph()
    graph += exported(nt)
    base = "https://lapuschkin.com/kg/work/lrp-pixel-wise-explanations/plos-one/author/"
    rank = URIRef("https://w3id.org/kg-exporter/ns#rank")
    graph.set((URIRef(base + "binder-a"), rank, Literal(7)))  # ranks 1, 3-6, 7
    graph.remove((URIRef(base + "montavon-g"), rank, None))  # and one without rank
    checks = query.run_local(BUNDLED["quality_checks"], graph).rows
    gaps = sorted(str(row["detail"]) for row in checks if str(row["check"]) == "rank gap")
    assert gaps == ["G Montavon has no rank", "author ranks 1 to 7 for 5 people"]


def test_career_timeline_matches_the_cv(nt: Path) -> None:
    timeline = rows(nt, "career_timeline")
    kinds = Counter(row["kind"] for row in timeline)
    assert kinds == {
        "position": 6,
        "education": 4,
        "project": 6,
        "award": 5,
        "first publication": 1,
        "latest publication": 3,
    }
    first = next(row for row in timeline if row["kind"] == "first publication")
    assert first["start"] == "2014" and first["title"].startswith("Detecting Behavioural")
    assert [row["start"] for row in timeline] == sorted(row["start"] for row in timeline)


def test_venues_match_the_seed_documents(nt: Path) -> None:
    venues = {r["venue_name"]: r for r in rows(nt, "venues_by_count")}
    assert venues["arXiv"]["publications"] == "13"
    assert venues["arXiv"]["kind"] == "preprint server"
    assert venues["Pattern Recognition"]["publications"] == "4"  # journal 1, 2, 15, 22
    cvpr_workshops = venues[
        "IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops"
    ]
    assert (cvpr_workshops["kind"], cvpr_workshops["publications"]) == ("workshop", "5")
    assert venues["Lecture Notes in Computer Science"]["kind"] == "book series"


def test_coauthor_network_edges_are_weighted_pairs(nt: Path) -> None:
    edges = rows(nt, "coauthor_network_edges")
    heaviest = edges[0]
    assert {heaviest["source_name"], heaviest["target_name"]} == {
        "Sebastian Lapuschkin",
        "Wojciech Samek",
    }
    assert heaviest["weight"] == "67"
    assert all(r["source"] < r["target"] for r in edges), "each pair once"
    strong = rows(nt, "coauthor_network_edges", min_weight="20")
    assert strong and all(int(r["weight"]) >= 20 for r in strong)


def test_person_graph_describes_one_person(nt: Path) -> None:
    result = answer(nt, "person_graph", (("name", "Samek W"),))
    assert result.graph is not None
    samek = URIRef("https://lapuschkin.com/kg/person/samek-w")
    assert set(result.graph.subjects(URIRef("http://schema.org/author"), samek))
    assert (samek, URIRef("http://schema.org/givenName"), Literal("Wojciech")) in result.graph


# --- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSON_QUERIES)
def test_hostile_names_match_nobody(nt: Path, name: str) -> None:
    # Locally a value never becomes query text (initBindings), so a few show it; the remote
    # tests send every one of them.
    for value in HOSTILE if name == "works_by_person" else HOSTILE[:3]:
        result = answer(nt, name, (("name", value),))
        assert not result.rows and not result.graph, value


def test_parameters_are_typed_rdf_terms() -> None:
    edges = BUNDLED["coauthor_network_edges"]
    assert query.bind(edges, {}) == {"min_weight": Literal(1)}
    assert query.bind(edges, {"min_weight": "+3"})["min_weight"] == Literal(3)
    years = BUNDLED["projects_active_in_year"]
    term = query.bind(years, {"year": "2021"})["year"]
    assert term == Literal(2021) and term.datatype == XSD.integer
    assert query.bind(BUNDLED["works_by_person"], {"name": " } #"})["name"] == Literal(" } #")


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        (
            "projects_active_in_year",
            {"year": "20x1"},
            "parameter 'year' must be a year of four digits, not '20x1'",
        ),
        ("projects_active_in_year", {"year": "2021 } UNION {"}, "must be a year of four digits"),
        (
            "coauthor_network_edges",
            {"min_weight": "two"},
            "parameter 'min_weight' must be an integer, not 'two'",
        ),
        (
            "projects_active_in_year",
            {"yaer": "2021"},
            "unknown parameter 'yaer' for query projects_active_in_year; it takes year",
        ),
        (
            "patents_by_family",
            {"year": "2021"},
            "unknown parameter 'year' for query patents_by_family; it takes no parameters",
        ),
        ("works_by_person", {"name": "\udcff"}, "parameter 'name' is not valid UTF-8 text"),
    ],
)
def test_wrong_parameters_are_usage_errors(name: str, values: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        query.bind(BUNDLED[name], values)
    assert error.value.exit_code == 2


def test_iri_parameters_must_be_writable_iris(tmp_path: Path) -> None:
    file = tmp_path / "about.rq"
    file.write_text(
        "#+ summary: What is said about a node.\n"
        "#+ params: [{name: node, type: iri}]\n"
        "SELECT ?p ?o WHERE { ?node ?p ?o } ORDER BY ?p ?o\n",
        encoding="utf-8",
    )
    about = query.load(file)
    with pytest.raises(QueryError, match="needs --param node=VALUE"):
        query.bind(about, {})
    for bad in ["not an iri", "http://x> } DROP ALL #", "http://x/\\u003E"]:
        with pytest.raises(QueryError, match="must be an absolute IRI"):
            query.bind(about, {"node": bad})
    bound = query.bind(about, {"node": "https://lapuschkin.com/kg/person/samek-w"})
    assert "VALUES (?node) { (<https://lapuschkin.com/kg/person/samek-w>) }" in (
        query.with_values(about, bound)
    )


def test_parse_assignments() -> None:
    assert query.parse_assignments(["name=a=b", "year=2020", "empty="]) == {
        "name": "a=b",
        "year": "2020",
        "empty": "",
    }
    with pytest.raises(QueryError, match="--param takes NAME=VALUE, not 'year'"):
        query.parse_assignments(["year"])
    with pytest.raises(QueryError, match="--param year is given twice"):
        query.parse_assignments(["year=1", "year=2"])


# --- the VALUES block for remote runs ---------------------------------------------------------

SMALL = """\
<urn:a> <urn:knows> <urn:b> .
<urn:a> <urn:name> "A" .
<urn:b> <urn:name> "B {x}" .
<urn:c> <urn:knows> <urn:b> .
<urn:c> <urn:name> "C" .
<urn:b> <urn:age> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""

SHAPES = {
    "select with group by": (
        '#+ params: [{name: who, type: string, default: "B {x}"}]\n'
        "SELECT ?who (COUNT(?fan) AS ?fans) WHERE { ?b <urn:name> ?who . ?fan <urn:knows> ?b }"
        " GROUP BY ?who ORDER BY ?who"
    ),
    "no where keyword, braces in strings, comments and IRIs": (
        '#+ params: [{name: who, type: string, default: "A"}]\n'
        'PREFIX x: <urn:x#>\nSELECT ?s # { not a group\n{ ?s <urn:name> ?who . FILTER(?who != "}{") }'
    ),
    "construct": (
        '#+ params: [{name: who, type: string, default: "C"}]\n'
        "CONSTRUCT { ?s <urn:called> ?who } WHERE { ?s <urn:name> ?who }"
    ),
    "construct without where keyword": (
        '#+ params: [{name: who, type: string, default: "C"}]\n'
        "CONSTRUCT { ?s <urn:called> ?who } { ?s <urn:name> ?who }"
    ),
    "construct where, the short form": (
        '#+ params: [{name: who, type: string, default: "A"}]\n'
        "CONSTRUCT WHERE { ?s <urn:name> ?who }"
    ),
    "ask with $ variable": (
        "#+ params: [{name: age, type: integer, default: 7}]\nASK { ?s <urn:age> $age }"
    ),
    "select with a sub-select and a trailing values clause": (
        "#+ params: [{name: age, type: integer, default: 7}]\n"
        "SELECT ?s ?n WHERE { ?s <urn:age> ?age . { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        " GROUP BY ?s } } ORDER BY ?s VALUES ?n { 2 3 }"
    ),
}


def oxigraph_answer(text: str) -> object:
    store = pyoxigraph.Store()
    store.load(SMALL.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    result = store.query(text)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    if isinstance(result, pyoxigraph.QueryTriples):
        return {tuple(str(term) for term in triple) for triple in result}
    return [[str(value) if value is not None else None for value in row] for row in result]


def rdflib_answer(shape: query.Query, bindings: dict[str, Identifier]) -> object:
    graph = Graph()
    graph.parse(data=SMALL, format="nt")
    result = query.run_local(shape, graph, bindings)
    if result.boolean is not None:
        return result.boolean
    if result.graph is not None:
        return {tuple(term.n3() for term in triple) for triple in result.graph}
    return [[row[v].n3() if v in row else None for v in result.variables] for row in result.rows]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_values_block_binds_like_init_bindings(shape: str) -> None:
    parsed = query.parse(SHAPES[shape], "shape")
    bindings = query.bind(parsed, {})
    text = query.with_values(parsed, bindings)
    assert text.count("VALUES (?") == 1
    expected = rdflib_answer(parsed, bindings)
    assert oxigraph_answer(text) == expected
    assert expected not in ([], set(), False), "the example must select something"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_string_value_stays_one_literal(value: str) -> None:
    echo = query.parse(
        "#+ params: [{name: value, type: string, default: ''}]\n"
        "SELECT ?echo WHERE { BIND(STR(?value) AS ?echo) }",
        "echo",
    )
    text = query.with_values(echo, query.bind(echo, {"value": value}))
    assert [row[0].value for row in pyoxigraph.Store().query(text)] == [value]


# --- malformed query files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#+ summary: [unclosed\nSELECT * {}", "bad.rq:1: the #+ header is not valid YAML"),
        ("#+ summary: x\n#+ colums: [a]\nSELECT * {}", "bad.rq: unknown header key 'colums'"),
        (
            "#+ params: [{name: y, type: date}]\nSELECT * { ?s ?p ?y }",
            "type 'date' is not string, integer, year, iri",
        ),
        (
            "#+ params: [{name: y, type: year, default: 20}]\nSELECT * { ?s ?p ?y }",
            "default of parameter 'y' must be a year",
        ),
        ("#+ params: [{name: y}]\nSELECT * { ?s ?p ?o }", "parameter 'y' is not used as ?y"),
        ("#+ params: [y]\nSELECT * { ?s ?p ?o }", "each parameter needs a name"),
        ("#+ - a list\nSELECT * {}", "the #+ header must be a mapping"),
        ("just text", "bad.rq: not a SPARQL query"),
    ],
)
def test_malformed_headers_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "bad.rq"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as error:
        query.load(file)
    assert message in str(error.value)
    assert error.value.exit_code == 2


def test_malformed_sparql_is_a_usage_error(tmp_path: Path) -> None:
    file = tmp_path / "broken.rq"
    file.write_text("SELECT ?s WHERE { ?s ?p }\n", encoding="utf-8")
    broken = query.load(file)
    with pytest.raises(QueryError, match=r"broken.rq: not a valid SPARQL 1.1 query") as error:
        broken.check()
    assert error.value.exit_code == 2


def test_unknown_query_suggests_the_nearest_name() -> None:
    with pytest.raises(
        QueryError,
        match="unknown query 'coauthor_by_joint_works'; did you mean 'coauthors_by_joint_works'",
    ):
        query.load("coauthor_by_joint_works")
    with pytest.raises(QueryError, match=r"cannot read query file missing\.rq"):
        query.load("missing.rq")


# --- formats --------------------------------------------------------------------------------


def sample() -> query.QueryResult:
    return query.QueryResult(
        "SELECT",
        ["name", "n", "iri", "empty"],
        [
            {"name": Literal('Tab\there, "quoted"'), "n": Literal(12), "iri": URIRef("urn:x")},
            {"name": Literal("Ünï", lang="de"), "n": Literal(3)},
        ],
    )


def test_json_is_sparql_results_json() -> None:
    import json

    document = json.loads(query.format_result(sample(), "json"))
    assert document["head"] == {"vars": ["name", "n", "iri", "empty"]}
    first, second = document["results"]["bindings"]
    assert first == {
        "name": {"type": "literal", "value": 'Tab\there, "quoted"'},
        "n": {"type": "literal", "value": "12", "datatype": str(XSD.integer)},
        "iri": {"type": "uri", "value": "urn:x"},
    }
    assert second["name"] == {"type": "literal", "value": "Ünï", "xml:lang": "de"}


def test_csv_tsv_and_table() -> None:
    assert query.format_result(sample(), "csv") == (
        'name,n,iri,empty\r\n"Tab\there, ""quoted""",12,urn:x,\r\nÜnï,3,,\r\n'
    )
    assert query.format_result(sample(), "tsv") == (
        '?name\t?n\t?iri\t?empty\n"Tab\\there, \\"quoted\\""\t12\t<urn:x>\t\n"Ünï"@de\t3\t\t\n'
    )
    table = query.format_result(sample()).splitlines()
    assert table[0] == "name                 n  iri    empty"
    assert table[2] == 'Tab here, "quoted"  12  urn:x'


def test_graph_results_are_turtle_only() -> None:
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("http://schema.org/name"), Literal("A")))
    result = query.QueryResult("CONSTRUCT", graph=graph)
    assert "schema:name" in query.format_result(result)
    with pytest.raises(QueryError, match="a CONSTRUCT query gives a graph: use --format turtle"):
        query.format_result(result, "csv")
    with pytest.raises(QueryError, match="--format turtle does not fit SELECT results"):
        query.format_result(sample(), "turtle")


def test_a_graph_answer_is_written_as_the_same_graph() -> None:
    from rdflib import BNode
    from rdflib.compare import isomorphic

    name, a, b = URIRef("http://schema.org/name"), URIRef("urn:a"), URIRef("urn:b")
    graph = Graph()
    graph.add((a, name, Literal('Tab\there, "quoted" \\ Ünï')))
    graph.add((a, name, Literal("Ünï", lang="de")))
    graph.add((a, URIRef("urn:n"), Literal(12)))
    graph.add((a, URIRef("urn:d"), Literal("2020-02", datatype=URIRef("http://schema.org/Date"))))
    graph.add((a, URIRef("http://schema.org/author"), b))
    written = query.format_result(query.QueryResult("CONSTRUCT", graph=graph))
    assert written.startswith("@prefix ") and "\n<urn:a>\n" in written  # kg's own writer
    assert isomorphic(Graph().parse(data=written, format="turtle"), graph)
    typed = Graph()  # RDF 1.1: an xsd:string literal is the plain literal, written plain
    typed.add((a, URIRef("urn:s"), Literal("x", datatype=XSD.string)))
    assert query.format_result(query.QueryResult("CONSTRUCT", graph=typed)).endswith(
        '\n<urn:a>\n    <urn:s> "x" .\n'
    )
    graph.add((b, URIRef("http://schema.org/knows"), BNode()))  # kg's writer has no blank nodes
    written = query.format_result(query.QueryResult("CONSTRUCT", graph=graph))
    assert isomorphic(Graph().parse(data=written, format="turtle"), graph)


def test_catalogue_has_the_documented_shape() -> None:
    entries = query.catalogue()
    assert [entry["name"] for entry in entries] == sorted(BUNDLED)
    for entry in entries:
        assert set(entry) == {"name", "summary", "params", "columns"}
        for param in entry["params"]:
            assert set(param) == {"name", "type", "default"}
    years = next(e for e in entries if e["name"] == "projects_active_in_year")
    assert years["params"] == [{"name": "year", "type": "year", "default": "2022"}]


def test_one_query_loads_without_listing_every_bundled_query(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A fresh `kg query run NAME` reads one file: listing the folder cost more than a
    millisecond query's own work. The list is read only to suggest a name."""

    def listing() -> list[object]:
        raise AssertionError("the bundled queries were listed")

    own = tmp_path / "mine.rq"
    own.write_text("SELECT ?s WHERE { ?s ?p ?o }", encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(query, "query_files", listing)
        assert query.load("works_by_person").name == "works_by_person"
        assert query.load(own).name == "mine"
        assert query.load(str(own)).name == "mine"
    with pytest.raises(QueryError, match="did you mean 'works_by_person'"):
        query.load("works_by_persn")
