// Pages in index order. A page is ordered by a property, then by `id` to break ties; an index on
// (property, id) hands rows over already in that full order, so a page reads about as many index
// entries as it returns, wherever its cursor points and however many nodes share a value (most
// deals of a large graph share a handful of round values). Root pages use them for their
// orderings (relationship pages by name read the page-key indexes of src/graph/page-keys.ts).
// The single-property indexes of 002 stay for filters.
// No root connection lists every kind, and pages of far nodes of any kind expand and sort: the
// (name, id) index over all entities once made here served nothing but cost every entity write.
DROP INDEX entity_name_id IF EXISTS;
CREATE INDEX person_name_id IF NOT EXISTS FOR (n:Person) ON (n.name, n.id);
CREATE INDEX company_name_id IF NOT EXISTS FOR (n:Company) ON (n.name, n.id);
CREATE INDEX project_name_id IF NOT EXISTS FOR (n:Project) ON (n.name, n.id);
CREATE INDEX datacenter_name_id IF NOT EXISTS FOR (n:Datacenter) ON (n.name, n.id);
CREATE INDEX deal_name_id IF NOT EXISTS FOR (n:Deal) ON (n.name, n.id);
CREATE INDEX person_created_at_id IF NOT EXISTS FOR (n:Person) ON (n.createdAt, n.id);
CREATE INDEX company_created_at_id IF NOT EXISTS FOR (n:Company) ON (n.createdAt, n.id);
CREATE INDEX project_created_at_id IF NOT EXISTS FOR (n:Project) ON (n.createdAt, n.id);
CREATE INDEX datacenter_created_at_id IF NOT EXISTS FOR (n:Datacenter) ON (n.createdAt, n.id);
CREATE INDEX deal_created_at_id IF NOT EXISTS FOR (n:Deal) ON (n.createdAt, n.id);
CREATE INDEX deal_value_id IF NOT EXISTS FOR (n:Deal) ON (n.valueUsd, n.id);
CREATE INDEX project_pledged_usd_id IF NOT EXISTS FOR (n:Project) ON (n.pledgedUsd, n.id);
CREATE INDEX datacenter_power_mw_id IF NOT EXISTS FOR (n:Datacenter) ON (n.powerMw, n.id);
