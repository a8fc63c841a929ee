# expect: a journal issue is part of exactly one volume or journal
PREFIX frbr: <http://purl.org/vocab/frbr/core#>
DELETE WHERE { <https://example.org/kg/venue/patterns/volume/10/issue/7> frbr:partOf ?v }
