# expect: a patent family needs at least one document
PREFIX frbr: <http://purl.org/vocab/frbr/core#>
DELETE WHERE { <https://example.org/kg/patent/relevance> frbr:realization ?d }
