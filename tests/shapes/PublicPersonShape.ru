# expect: birth date is private and must not be in a public output
PREFIX schema: <http://schema.org/>
INSERT DATA { <https://example.org/kg/person/doe-j> schema:birthDate "1990-01-02"^^schema:Date }
