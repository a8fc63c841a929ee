# expect: ranks must run 1..n without gaps or repeats
PREFIX kg: <https://w3id.org/kg-exporter/ns#>
DELETE { <https://example.org/kg/work/shortcomings/arxiv/author/doe-j> kg:rank ?r }
INSERT { <https://example.org/kg/work/shortcomings/arxiv/author/doe-j> kg:rank 3 }
WHERE { <https://example.org/kg/work/shortcomings/arxiv/author/doe-j> kg:rank ?r }
