// Entities whose existence claim is not in force today carry `HEntity` instead of `Entity`
// (docs/decisions/2026-12-07-claims-storage.md). Reads at a slice find them by id and slug, and
// search them, through these twins of the `Entity` indexes; plain reads never touch them.
CREATE INDEX held_entity_id IF NOT EXISTS FOR (n:HEntity) ON (n.id);
CREATE INDEX held_entity_slug IF NOT EXISTS FOR (n:HEntity) ON (n.slug);
CREATE FULLTEXT INDEX held_entity_search IF NOT EXISTS FOR (n:HEntity) ON EACH [n.name, n.aliases, n.description];
CREATE FULLTEXT INDEX held_entity_keys IF NOT EXISTS FOR (n:HEntity) ON EACH [n.searchKeys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}};
