// Exact and prefix search on names and aliases: `searchKeys` holds an entity's name and aliases
// case- and accent-folded (maintained by every entity write, src/graph/search.ts). The keyword
// analyzer keeps each key whole, so `oracle` matches the key "oracle" and `sam\ alt*` the key
// "sam altman", in one index lookup.
CREATE FULLTEXT INDEX entity_keys IF NOT EXISTS FOR (n:Entity) ON EACH [n.searchKeys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}};
