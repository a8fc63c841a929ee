# expect: an article needs at least one author
PREFIX schema: <http://schema.org/>
DELETE { <https://example.org/kg/work/shortcomings/arxiv> schema:author ?a } WHERE { <https://example.org/kg/work/shortcomings/arxiv> schema:author ?a }
