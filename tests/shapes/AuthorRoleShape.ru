# expect: an authorship is held by exactly one person
PREFIX pro: <http://purl.org/spar/pro/>
DELETE WHERE { <https://example.org/kg/work/shortcomings/arxiv/author/roe-r> pro:isHeldBy ?p }
