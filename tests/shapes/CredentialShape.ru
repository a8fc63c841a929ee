# expect: a degree is recognized by an organization
PREFIX schema: <http://schema.org/>
DELETE WHERE { <https://example.org/kg/education/phd/credential> schema:recognizedBy ?o }
