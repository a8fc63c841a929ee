# expect: a journal article is part of one issue, volume or journal
PREFIX frbr: <http://purl.org/vocab/frbr/core#>
DELETE { <https://example.org/kg/work/ordered-authors/patterns> frbr:partOf ?c } WHERE { <https://example.org/kg/work/ordered-authors/patterns> frbr:partOf ?c }
