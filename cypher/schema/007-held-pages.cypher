// A root page at a slice is cut from live and held-back entities, each in index order
// (src/plan/root-page.ts): the held-back kinds get the (name, id) and (createdAt, id) indexes the
// live ones have in 004. Held-back entities are few, so these cost writes little.
CREATE INDEX held_person_name_id IF NOT EXISTS FOR (n:HPerson) ON (n.name, n.id);
CREATE INDEX held_company_name_id IF NOT EXISTS FOR (n:HCompany) ON (n.name, n.id);
CREATE INDEX held_project_name_id IF NOT EXISTS FOR (n:HProject) ON (n.name, n.id);
CREATE INDEX held_datacenter_name_id IF NOT EXISTS FOR (n:HDatacenter) ON (n.name, n.id);
CREATE INDEX held_deal_name_id IF NOT EXISTS FOR (n:HDeal) ON (n.name, n.id);
CREATE INDEX held_person_created_at_id IF NOT EXISTS FOR (n:HPerson) ON (n.createdAt, n.id);
CREATE INDEX held_company_created_at_id IF NOT EXISTS FOR (n:HCompany) ON (n.createdAt, n.id);
CREATE INDEX held_project_created_at_id IF NOT EXISTS FOR (n:HProject) ON (n.createdAt, n.id);
CREATE INDEX held_datacenter_created_at_id IF NOT EXISTS FOR (n:HDatacenter) ON (n.createdAt, n.id);
CREATE INDEX held_deal_created_at_id IF NOT EXISTS FOR (n:HDeal) ON (n.createdAt, n.id);
// By a sourced value (valueUsd...), a page at a slice reads settled live entities from the value's
// index and the others from their claims, in value order: only claims of a value that changes
// over time carry `unsettledField` (src/claims/materialize.ts), so this index holds just those.
CREATE INDEX claim_unsettled_value IF NOT EXISTS FOR (c:Claim) ON (c.unsettledField, c.value);
