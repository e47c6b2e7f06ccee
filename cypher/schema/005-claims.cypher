// Claims (SPEC section 2a): one node per claim, the log every time read and change feed reads.
CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (c:Claim) REQUIRE c.id IS UNIQUE;
// An entity's or relationship's history of one field (Entity.claims, values read asOf).
CREATE INDEX claim_subject_field IF NOT EXISTS FOR (c:Claim) ON (c.subject, c.field);
// Every claim about an entity (existence and relationship claims have no field).
CREATE INDEX claim_subject IF NOT EXISTS FOR (c:Claim) ON (c.subject);
CREATE INDEX claim_object IF NOT EXISTS FOR (c:Claim) ON (c.object);
// The change log (changesBetween) by each of its four dates.
CREATE INDEX claim_valid_from IF NOT EXISTS FOR (c:Claim) ON (c.validFrom);
CREATE INDEX claim_valid_to IF NOT EXISTS FOR (c:Claim) ON (c.validTo);
CREATE INDEX claim_recorded_at IF NOT EXISTS FOR (c:Claim) ON (c.recordedAt);
CREATE INDEX claim_retracted_at IF NOT EXISTS FOR (c:Claim) ON (c.retractedAt);
// Entities held back (not in force today) are found by id and slug in time reads.
CREATE INDEX held_entity_id IF NOT EXISTS FOR (n:HEntity) ON (n.id);
CREATE INDEX held_entity_slug IF NOT EXISTS FOR (n:HEntity) ON (n.slug);
