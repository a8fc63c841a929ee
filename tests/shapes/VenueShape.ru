# expect: a venue needs exactly one name
PREFIX schema: <http://schema.org/>
DELETE WHERE { <https://example.org/kg/venue/patterns> schema:name ?n }
