# expect: a talk has exactly one kind
PREFIX schema: <http://schema.org/>
DELETE { ?t schema:additionalType ?k } INSERT { ?t schema:additionalType "party" } WHERE { ?t schema:additionalType ?k }
