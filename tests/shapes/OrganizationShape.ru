# expect: an organization needs exactly one name
PREFIX schema: <http://schema.org/>
DELETE WHERE { <https://example.org/kg/organization/uni> schema:name ?n }
