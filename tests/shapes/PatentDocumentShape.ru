# expect: a patent document's status is 'published' or 'granted'
PREFIX schema: <http://schema.org/>
DELETE { ?d schema:creativeWorkStatus ?s } INSERT { ?d schema:creativeWorkStatus "pending" }
WHERE { ?d schema:creativeWorkStatus ?s ; schema:exampleOfWork <https://example.org/kg/patent/relevance> }
