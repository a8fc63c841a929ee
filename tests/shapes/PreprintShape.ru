# expect: an arXiv id looks like 2211.12486
PREFIX fabio: <http://purl.org/spar/fabio/>
DELETE { ?p fabio:hasArXivId ?id } INSERT { ?p fabio:hasArXivId "abs/2211.12486" } WHERE { ?p fabio:hasArXivId ?id }
