# expect: a project needs exactly one name
PREFIX schema: <http://schema.org/>
DELETE WHERE { <https://example.org/kg/project/tema> schema:name ?n }
