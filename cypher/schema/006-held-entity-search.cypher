// Entities whose existence claim is not in force today carry `HEntity` instead of `Entity`
// (docs/decisions/2026-12-07-claims-storage.md). A search at a slice reads these twins of the
// `Entity` full-text indexes next to them; plain searches never touch them.
CREATE FULLTEXT INDEX held_entity_search IF NOT EXISTS FOR (n:HEntity) ON EACH [n.name, n.aliases, n.description];
CREATE FULLTEXT INDEX held_entity_keys IF NOT EXISTS FOR (n:HEntity) ON EACH [n.searchKeys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}};
