// Ingested documents and their review (src/ingest/documents.ts): one text per source and one
// node per candidate, also when the same document is ingested twice at once; the review queue
// reads candidates by source and status.
CREATE CONSTRAINT source_text_source IF NOT EXISTS FOR (t:SourceText) REQUIRE t.source IS UNIQUE;
CREATE CONSTRAINT candidate_claim_id IF NOT EXISTS FOR (c:CandidateClaim) REQUIRE c.id IS UNIQUE;
CREATE INDEX candidate_claim_source IF NOT EXISTS FOR (c:CandidateClaim) ON (c.source, c.status);
CREATE INDEX candidate_claim_status IF NOT EXISTS FOR (c:CandidateClaim) ON (c.status);
// Merges (src/identity/merge.ts) by id, and an entity's merges by either side.
CREATE CONSTRAINT entity_merge_id IF NOT EXISTS FOR (x:EntityMerge) REQUIRE x.id IS UNIQUE;
CREATE INDEX entity_merge_keep IF NOT EXISTS FOR (x:EntityMerge) ON (x.keep);
CREATE INDEX entity_merge_merged IF NOT EXISTS FOR (x:EntityMerge) ON (x.merged);
