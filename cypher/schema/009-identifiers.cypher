// External identifiers (WIKIDATA, LEI, TICKER, DOMAIN, CRUNCHBASE): one node per scheme and value,
// `key` = 'SCHEME:value', naming the entity that holds it by id. The constraint makes an identifier
// belong to one entity at most, even under concurrent writes.
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE;
CREATE INDEX identifier_entity IF NOT EXISTS FOR (i:Identifier) ON (i.entity);
