# expect: a work needs exactly one title
PREFIX schema: <http://schema.org/>
DELETE { <https://example.org/kg/work/ordered-authors> schema:name ?n } WHERE { <https://example.org/kg/work/ordered-authors> schema:name ?n }
