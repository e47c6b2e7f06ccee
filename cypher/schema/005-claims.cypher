// Claims (docs/decisions/2026-12-07-claims-storage.md): one node per claim, found by id; an entity's
// or relationship's history by (subject, field); relationship claims by their far end; the change
// log by the dates a claim starts, ends, is recorded and retracted.
CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (c:Claim) REQUIRE c.id IS UNIQUE;
CREATE INDEX claim_subject_field IF NOT EXISTS FOR (c:Claim) ON (c.subject, c.field);
CREATE INDEX claim_object IF NOT EXISTS FOR (c:Claim) ON (c.object);
CREATE INDEX claim_valid_from IF NOT EXISTS FOR (c:Claim) ON (c.validFrom);
CREATE INDEX claim_valid_to IF NOT EXISTS FOR (c:Claim) ON (c.validTo);
CREATE INDEX claim_recorded_at IF NOT EXISTS FOR (c:Claim) ON (c.recordedAt);
CREATE INDEX claim_retracted_at IF NOT EXISTS FOR (c:Claim) ON (c.retractedAt);
// Entities whose existence claim is not in force today are held back as HEntity: reads asOf a
// date find them by id and slug.
CREATE INDEX hentity_id IF NOT EXISTS FOR (n:HEntity) ON (n.id);
CREATE INDEX hentity_slug IF NOT EXISTS FOR (n:HEntity) ON (n.slug);
