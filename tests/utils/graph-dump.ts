import type { Db } from '../../src/neo4j/db.js';
import { claimRow, type ClaimRow } from '../../src/claims/read.js';
import { ENTITY_RELATIONSHIP_TYPES } from '../../src/graph/model.js';

const TYPES = [...ENTITY_RELATIONSHIP_TYPES, ...ENTITY_RELATIONSHIP_TYPES.map((t) => `H_${t}`)].join('|');

/** What a claim says, without its id or when it was recorded (the history, not the graph). */
const said = (c: ClaimRow) => ({
  field: c.field,
  value: c.value,
  validFrom: c.validFrom,
  validTo: c.validTo,
  confidence: c.confidence,
  citations: [...c.citations].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
});

const sorted = <T>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * Today's graph around entities `slugs`, as a value two graphs can be compared by: each entity's
 * kind, name, aliases, identifiers, the claims it asserts (existence and values), the relationships
 * touching it (type, ends by slug, live or held back, their claims and property claims) and the
 * sources mentioning it. Claim ids and recording times are left out.
 */
export async function dumpAround(db: Db, slugs: readonly string[]) {
  const rows = await db.read(
    `UNWIND $slugs AS slug
     MATCH (n:Entity|HEntity {slug: slug}) WHERE n.redirectTo IS NULL
     RETURN slug, [l IN labels(n) WHERE NOT l IN ['Entity', 'HEntity']][0] AS kind, n.name AS name,
       n.description AS description, coalesce(n.aliases, []) AS aliases, coalesce(n.identifiers, []) AS identifiers,
       COLLECT { MATCH (c:Claim {subject: n.id}) WHERE c.retractedAt IS NULL AND c.kind <> 'RELATIONSHIP'
                 RETURN ${claimRow('c')} } AS claims,
       COLLECT { MATCH (n)-[r:${TYPES}]-(m) MATCH (rc:Claim {id: r.claimId}) WHERE rc.retractedAt IS NULL
                 RETURN { type: type(r), from: startNode(r).slug, to: endNode(r).slug, claim: ${claimRow('rc')},
                          values: COLLECT { MATCH (v:Claim {subject: rc.id}) WHERE v.retractedAt IS NULL RETURN ${claimRow('v')} } } } AS relationships,
       COLLECT { MATCH (s:Source)-[:MENTIONS]->(n) RETURN s.id ORDER BY s.id } AS mentions,
       COLLECT { MATCH (i:Identifier {entity: n.id}) RETURN i.key ORDER BY i.key } AS identifierNodes
     ORDER BY slug`,
    { slugs },
  );
  return rows.map((r) => ({
    slug: r.slug,
    kind: r.kind,
    name: r.name,
    description: r.description,
    aliases: [...(r.aliases as string[])].sort(),
    identifiers: r.identifiers,
    identifierNodes: r.identifierNodes,
    claims: sorted((r.claims as ClaimRow[]).map((c) => ({ kind: c.kind, ...said(c) }))),
    relationships: sorted(
      (r.relationships as Array<{ type: string; from: string; to: string; claim: ClaimRow; values: ClaimRow[] }>).map(
        (x) => ({
          type: x.type,
          from: x.from,
          to: x.to,
          claim: said(x.claim),
          values: sorted(x.values.map(said)),
        }),
      ),
    ),
    mentions: r.mentions,
  }));
}
