# expect: a position needs exactly one start date
PREFIX schema: <http://schema.org/>
DELETE WHERE { <https://example.org/kg/position/postdoc> schema:startDate ?d }
