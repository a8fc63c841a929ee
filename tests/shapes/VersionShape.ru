# expect: a version realizes exactly one work
PREFIX frbr: <http://purl.org/vocab/frbr/core#>
INSERT DATA { <https://example.org/kg/work/ordered-authors/patterns> frbr:realizationOf <https://example.org/kg/work/shortcomings> }
