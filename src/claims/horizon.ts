/**
 * Today moves without a write: a claim may start or end on a day after it was written. Once per
 * UTC date, the subjects of claims whose `validFrom` or `validTo` fell after the last refresh, up
 * to today, are re-derived (materialize.ts), so today's graph is the claims' today. The last day
 * refreshed is kept on the `(:StargraphMeta {key: 'horizon'})` node; a graph that never had one
 * starts from the day claims arrived, so nothing before it needs a look.
 */
import type { EntityRelationshipType } from '../graph/model.js';
import type { Db } from '../neo4j/db.js';
import { materialize } from './materialize.js';
import { graphDate, utcToday } from './time.js';

const SUBJECTS = `
CALL () {
  MATCH (c:Claim) WHERE c.validFrom > $last AND c.validFrom <= $today RETURN c
  UNION MATCH (c:Claim) WHERE c.validTo > $last AND c.validTo <= $today RETURN c
}
OPTIONAL MATCH (r:Claim {id: c.subject}) WHERE c.kind = 'VALUE' AND r.kind = 'RELATIONSHIP'
RETURN DISTINCT c.kind AS kind, c.subject AS subject, c.id AS id, c.type AS type, r.id AS relationship, r.type AS rtype`;

/** Brings today's graph to `today` (default: the UTC date); returns how many subjects moved. */
export async function refreshHorizon(db: Db, today = utcToday()): Promise<number> {
  // A graph without claims has nothing to move (and an empty graph stays empty).
  const [meta] = await db.write(
    `OPTIONAL MATCH (m:StargraphMeta {key: 'horizon'})
     WITH m WHERE m IS NOT NULL OR EXISTS { MATCH (:Claim) }
     MERGE (h:StargraphMeta {key: 'horizon'}) ON CREATE SET h.day = $today
     RETURN toString(h.day) AS day`,
    { today: graphDate(today) },
  );
  const last = String(meta?.day ?? today);
  if (last >= today) return 0;
  const rows = await db.read(SUBJECTS, { last: graphDate(last), today: graphDate(today) });
  const entities = new Set<string>();
  const relationships = new Map<string, EntityRelationshipType>();
  for (const r of rows) {
    if (r.kind === 'RELATIONSHIP') relationships.set(String(r.id), r.type as EntityRelationshipType);
    else if (r.relationship) relationships.set(String(r.relationship), r.rtype as EntityRelationshipType);
    else entities.add(String(r.subject));
  }
  const now = new Date(`${today}T00:00:00Z`) > new Date() ? `${today}T00:00:00.000Z` : new Date().toISOString();
  await db.writeTransaction(async (run) => {
    await materialize(
      run,
      { entities, relationships: [...relationships].map(([claimId, type]) => ({ claimId, type })) },
      now,
    );
    await run(`MATCH (m:StargraphMeta {key: 'horizon'}) SET m.day = $today`, { today: graphDate(today) });
  });
  return entities.size + relationships.size;
}

/**
 * Refreshes whenever the UTC date changes (checked every minute); opening the graph has already
 * brought it to today.
 */
export function keepHorizon(db: Db, onError: (error: unknown) => void): () => void {
  let day = utcToday();
  const tick = () => {
    const today = utcToday();
    if (today === day) return;
    refreshHorizon(db, today).then(() => {
      day = today;
    }, onError);
  };
  const timer = setInterval(tick, 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
