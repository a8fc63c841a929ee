# expect: a journal volume is part of exactly one journal
PREFIX frbr: <http://purl.org/vocab/frbr/core#>
DELETE { <https://example.org/kg/venue/patterns/volume/10> frbr:partOf ?j }
INSERT { <https://example.org/kg/venue/patterns/volume/10> frbr:partOf <https://example.org/kg/venue/cvpr> }
WHERE { <https://example.org/kg/venue/patterns/volume/10> frbr:partOf ?j }
