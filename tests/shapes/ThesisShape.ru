# expect: a thesis names the degree it was written for
PREFIX schema: <http://schema.org/>
DELETE WHERE { <https://example.org/kg/thesis/phd> schema:inSupportOf ?d }
