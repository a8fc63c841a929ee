# expect: a person needs exactly one name
PREFIX schema: <http://schema.org/>
INSERT DATA { <https://example.org/kg/person/roe-r> schema:name "Another Name" }
