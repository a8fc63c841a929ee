# expect: dates are YYYY, YYYY-MM or YYYY-MM-DD
PREFIX schema: <http://schema.org/>
DELETE { ?v schema:datePublished ?d } INSERT { ?v schema:datePublished "2015-13"^^schema:Date }
WHERE { BIND(<https://example.org/kg/work/ordered-authors/patterns> AS ?v) ?v schema:datePublished ?d }
