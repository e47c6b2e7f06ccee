// Full-text search over what people type: names, aliases, descriptions.
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliases, n.description];
// Keyset paging and sorting of the root connections.
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
CREATE INDEX entity_created_at IF NOT EXISTS FOR (n:Entity) ON (n.createdAt);
CREATE INDEX deal_value IF NOT EXISTS FOR (n:Deal) ON (n.valueUsd);
CREATE INDEX deal_announced_on IF NOT EXISTS FOR (n:Deal) ON (n.announcedOn);
CREATE INDEX project_announced_on IF NOT EXISTS FOR (n:Project) ON (n.announcedOn);
CREATE INDEX source_published_on IF NOT EXISTS FOR (s:Source) ON (s.publishedOn);
CREATE INDEX source_url IF NOT EXISTS FOR (s:Source) ON (s.url);
// Root pages read these in order (name for every kind; numbers once a range filter requires them).
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
CREATE INDEX company_name IF NOT EXISTS FOR (n:Company) ON (n.name);
CREATE INDEX project_name IF NOT EXISTS FOR (n:Project) ON (n.name);
CREATE INDEX datacenter_name IF NOT EXISTS FOR (n:Datacenter) ON (n.name);
CREATE INDEX deal_name IF NOT EXISTS FOR (n:Deal) ON (n.name);
CREATE INDEX project_pledged_usd IF NOT EXISTS FOR (n:Project) ON (n.pledgedUsd);
CREATE INDEX datacenter_power_mw IF NOT EXISTS FOR (n:Datacenter) ON (n.powerMw);
