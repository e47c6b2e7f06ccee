/**
 * Merging two entities that are one (SPEC section 2a, "Identity"), and undoing it.
 *
 * `mergeEntities(keep, merge)`, one transaction, both entities locked in id order:
 * - every claim asserted about the merged entity is retracted ("merged into <slug>") and stated
 *   again about the kept one: a value as a new claim with the same value, validity, citations
 *   and confidence (or, when the kept entity asserts the same value over an overlapping period,
 *   as citations added to that claim); a relationship likewise, with the other end unchanged, and
 *   its property values after it; a relationship between the two is dropped. The merged
 *   entity's existence claim lends its citations to the kept one's;
 * - its MENTIONS, identifiers, name and aliases (as aliases) go to the kept entity;
 * - the merged node stays, held back, as a redirect (`redirectTo`): its slug and global ID
 *   resolve to the kept entity, answers saying `redirectedFrom`;
 * - a `(:EntityMerge)` record says who merged what, when and why, and holds what undoing needs.
 * Because claims are retracted and recorded, never rewritten, a read `knownAt` before the merge
 * sees two entities, and one between the merge and its undo sees one.
 *
 * `unmergeEntities(mergeId)` retracts what the merge stated ("merge undone"), gives the claims of
 * the kept entity back the citations they had, states every claim of the merged entity again as it
 * was, and moves its MENTIONS, identifiers and aliases back: today's graph is what it was before
 * the merge (claim ids and recording times aside: those are the history, and it keeps both steps).
 */
import { randomUUID } from 'node:crypto';
import { badInput, ErrorCode, notFound, StargraphError } from '../errors.js';
import type { Row, Run } from '../neo4j/db.js';
import { materialize } from '../claims/materialize.js';
import { HELD_ENTITY, heldType } from '../claims/model.js';
import { noteClaimChanges } from '../claims/journal.js';
import { overlaps, sameValue, type Citation } from '../claims/rules.js';
import { citationLists, claimProperties, newClaimId, plainValue } from '../claims/store.js';
import { claimRow, type ClaimRow } from '../claims/read.js';
import { RELATIONSHIPS, type EntityLabel, type EntityRelationshipType, type PropertyType } from '../graph/model.js';
import { searchKeysOf } from '../graph/search.js';
import { entitySpec, toGraphProperties } from '../graph/write-statements.js';

/** A claim's content: what it says, without its id or recording times. */
type ClaimContent = Omit<ClaimRow, 'id' | 'recordedAt' | 'retractedAt' | 'retractReason' | 'closedAt'>;

/** A relationship claim with its property values. */
interface RelationshipContent extends ClaimContent {
  values: ClaimContent[];
}

/** What undoing a merge needs, kept on its record as JSON. */
interface UndoState {
  /** Every claim the merge retracted about the merged entity (its relationships with their values). */
  existence: ClaimContent | null;
  values: ClaimContent[];
  relationships: RelationshipContent[];
  /** Claims the merge created about the kept entity (ids). */
  created: string[];
  /** Claims of the kept entity the merge added citations to: their citations before. */
  cited: Array<{ id: string; citations: Citation[] }>;
  /** Sources that MENTIONed the merged entity; those whose MENTIONS of the kept one the merge made. */
  mentions: string[];
  mentionsMade: string[];
  identifiers: string[];
  keepAliases: string[];
  keepIdentifiers: string[];
}

export interface MergeRow {
  id: string;
  keep: string;
  merged: string;
  keepSlug: string;
  mergedSlug: string;
  reason: string | null;
  by: string;
  at: string;
  undoneAt: string | null;
  undoneBy: string | null;
}

const content = (c: ClaimRow): ClaimContent => ({
  kind: c.kind,
  subject: c.subject,
  object: c.object ?? null,
  type: c.type ?? null,
  field: c.field ?? null,
  value: c.value ?? null,
  validFrom: c.validFrom,
  validTo: c.validTo,
  citations: c.citations,
  confidence: c.confidence ?? null,
});

const interval = (c: { validFrom: string | null; validTo: string | null }) => ({ from: c.validFrom, to: c.validTo });

/** Citations of `onto` with those of `more` it lacks added, in order. */
function withCitations(onto: readonly Citation[], more: readonly Citation[]): Citation[] {
  const key = (c: Citation) => `${c.source}\u0000${c.quote ?? ''}\u0000${c.locator ?? ''}`;
  const seen = new Set(onto.map(key));
  return [...onto, ...more.filter((c) => !seen.has(key(c)))];
}

/** Locks both entities in id order and reads them; NOT_FOUND or BAD_USER_INPUT when they cannot merge. */
async function lockPair(run: Run, keep: string, merge: string): Promise<[Row, Row]> {
  const rows = await run(
    `UNWIND $ids AS id
     MATCH (n:Entity|${HELD_ENTITY} {id: id})
     SET n._lock = true REMOVE n._lock
     RETURN n.id AS id, n.slug AS slug, n.name AS name, coalesce(n.aliases, []) AS aliases,
            coalesce(n.identifiers, []) AS identifiers, n.claimId AS claimId, n:Entity AS live,
            n.redirectTo AS redirectTo, [l IN labels(n) WHERE NOT l IN ['Entity', '${HELD_ENTITY}']][0] AS kind`,
    { ids: [keep, merge].sort() },
  );
  const k = rows.find((r) => r.id === keep);
  const m = rows.find((r) => r.id === merge);
  if (!k) throw notFound('keep: no such entity', { path: ['keep'] });
  if (!m) throw notFound('merge: no such entity', { path: ['merge'] });
  if (!k.live || !m.live)
    throw badInput(`Only entities in the graph today merge (${!k.live ? k.slug : m.slug} is not)`, { path: ['merge'] });
  if (String(k.kind).replace(/^H/, '') !== String(m.kind).replace(/^H/, ''))
    throw badInput(`A ${String(m.kind)} cannot merge into a ${String(k.kind)}`, { path: ['merge'] });
  return [k, m];
}

/** Asserted claims about entity `id`: its existence, values, relationships (with their values). */
async function assertedAbout(run: Run, id: string) {
  const rows = await run(
    `CALL () {
       MATCH (c:Claim {subject: $id}) RETURN c
       UNION MATCH (c:Claim {object: $id}) RETURN c
     }
     WITH c WHERE c.retractedAt IS NULL
     RETURN ${claimRow('c')} AS claim,
       CASE WHEN c.kind = 'RELATIONSHIP' THEN COLLECT {
         MATCH (v:Claim {subject: c.id}) WHERE v.retractedAt IS NULL RETURN ${claimRow('v')}
       } ELSE [] END AS values`,
    { id },
  );
  const claims = rows.map((r) => ({ claim: r.claim as ClaimRow, values: (r.values as ClaimRow[]) ?? [] }));
  return {
    existence: claims.find((c) => c.claim.kind === 'ENTITY')?.claim ?? null,
    values: claims.filter((c) => c.claim.kind === 'VALUE').map((c) => c.claim),
    relationships: claims.filter((c) => c.claim.kind === 'RELATIONSHIP'),
  };
}

/** Retracts claims by id, with a reason; notes each for the change log. */
async function retract(run: Run, ids: readonly string[], reason: string, now: string): Promise<void> {
  if (ids.length === 0) return;
  await run(
    `UNWIND $ids AS id MATCH (c:Claim {id: id}) WHERE c.retractedAt IS NULL
     SET c.retractedAt = datetime($now), c.retractReason = $reason`,
    { ids, now, reason },
  );
  noteClaimChanges(ids.map((claimId) => ({ claimId, change: 'RETRACTED', on: now.slice(0, 10), at: now })));
}

/** Creates claims as stated (recorded now), values typed by `spec` (dates as Neo4j dates); returns their ids. */
async function createAs(
  run: Run,
  claims: ReadonlyArray<{ c: ClaimContent; spec?: Record<string, PropertyType> }>,
  now: string,
) {
  const made = claims.map(({ c, spec }) =>
    claimProperties({
      id: newClaimId(),
      kind: c.kind,
      subject: c.subject,
      ...(c.object !== null ? { object: c.object } : {}),
      ...(c.type !== null && c.kind === 'RELATIONSHIP' ? { type: c.type } : {}),
      ...(c.field !== null
        ? { field: c.field, value: toGraphProperties(spec ?? {}, { [c.field]: c.value })[c.field] }
        : {}),
      interval: interval(c),
      citations: c.citations,
      confidence: c.confidence,
    }),
  );
  if (made.length === 0) return [];
  await run('UNWIND $claims AS props CREATE (c:Claim) SET c = props, c.recordedAt = datetime($now)', {
    claims: made,
    now,
  });
  noteClaimChanges(made.map((p) => ({ claimId: String(p.id), change: 'RECORDED', on: now.slice(0, 10), at: now })));
  return made.map((p) => String(p.id));
}

/**
 * States relationship claims: each a claim and a held-back relationship between its ends, which
 * `materialize` brings live (with page keys) when it holds today; then its property values.
 * Returns the new relationship claims' ids.
 */
async function createRelationships(run: Run, relationships: readonly RelationshipContent[], now: string) {
  const ids: string[] = [];
  for (const r of relationships) {
    const [id] = await createAs(run, [{ c: r }], now);
    await run(
      `MATCH (a:Entity|${HELD_ENTITY} {id: $from}) MATCH (b:Entity|${HELD_ENTITY} {id: $to}) MATCH (c:Claim {id: $id})
       CREATE (a)-[x:${heldType(r.type as EntityRelationshipType)}]->(b)
       SET x.claimId = c.id, x.validFrom = c.validFrom, x.validTo = c.validTo, x.recordedAt = c.recordedAt,
           x.createdAt = datetime($now), x.updatedAt = datetime($now)`,
      { from: r.subject, to: r.object, id, now },
    );
    const spec = RELATIONSHIPS[r.type as EntityRelationshipType].properties;
    const values = await createAs(
      run,
      r.values.map((v) => ({ c: { ...v, subject: id! }, spec })),
      now,
    );
    ids.push(id!, ...values);
  }
  return ids;
}

const relationshipsTouched = (rs: ReadonlyArray<{ claimId: string; type: string }>) =>
  rs.map((r) => ({ claimId: r.claimId, type: r.type as EntityRelationshipType }));

/**
 * Merges `merge` into `keep` (ids). Returns the merge record. Fails BAD_USER_INPUT for an entity
 * into itself, of another kind, or not in the graph today.
 */
export async function mergeEntities(
  run: Run,
  keep: string,
  merge: string,
  reason: string | null,
  by: string,
  now: string,
): Promise<MergeRow> {
  if (keep === merge) throw badInput('An entity cannot merge into itself', { path: ['merge'] });
  const [k, m] = await lockPair(run, keep, merge);
  const label = String(k.kind);
  const about = await assertedAbout(run, merge);
  const because = `merged into ${String(k.slug)}`;
  const mine = await assertedAbout(run, keep);
  const undo: UndoState = {
    existence: about.existence ? content(about.existence) : null,
    values: about.values.map(content),
    relationships: about.relationships.map((r) => ({ ...content(r.claim), values: r.values.map(content) })),
    created: [],
    cited: [],
    mentions: [],
    mentionsMade: [],
    identifiers: (m.identifiers as string[]) ?? [],
    keepAliases: (k.aliases as string[]) ?? [],
    keepIdentifiers: (k.identifiers as string[]) ?? [],
  };
  await retract(
    run,
    [
      ...(about.existence ? [about.existence.id] : []),
      ...about.values.map((c) => c.id),
      ...about.relationships.flatMap((r) => [r.claim.id, ...r.values.map((v) => v.id)]),
    ],
    because,
    now,
  );

  // Citations the kept entity's claims gain, by claim id (their citations before, once).
  const cites = new Map<string, { before: Citation[]; after: Citation[] }>();
  const cite = (claim: ClaimRow, more: readonly Citation[]) => {
    const entry = cites.get(claim.id) ?? { before: claim.citations, after: claim.citations };
    entry.after = withCitations(entry.after, more);
    cites.set(claim.id, entry);
  };
  if (about.existence && mine.existence) cite(mine.existence, about.existence.citations);

  const newValues: Array<{ c: ClaimContent; spec: Record<string, PropertyType> }> = [];
  for (const v of about.values) {
    const same = mine.values.find(
      (x) =>
        x.field === v.field &&
        sameValue(plainValue(x.value), plainValue(v.value)) &&
        overlaps(interval(x), interval(v)),
    );
    if (same) cite(same, v.citations);
    else newValues.push({ c: { ...content(v), subject: keep }, spec: entitySpec(label as EntityLabel) });
  }
  undo.created.push(...(await createAs(run, newValues, now)));

  const newRelationships: RelationshipContent[] = [];
  for (const r of about.relationships) {
    const c = r.claim;
    const from = c.subject === merge ? keep : c.subject;
    const to = c.object === merge ? keep : c.object;
    if (from === to) continue; // between the two: nothing left to relate
    const same = mine.relationships.find(
      (x) =>
        x.claim.type === c.type &&
        x.claim.subject === from &&
        x.claim.object === to &&
        overlaps(interval(x.claim), interval(c)),
    );
    if (same) cite(same.claim, c.citations);
    else
      newRelationships.push({
        ...content(c),
        subject: from,
        object: to,
        values: r.values.map(content),
      });
  }
  undo.created.push(...(await createRelationships(run, newRelationships, now)));

  undo.cited = [...cites].map(([id, { before }]) => ({ id, citations: before }));
  await run('UNWIND $cites AS x MATCH (c:Claim {id: x.id}) SET c += x.lists', {
    cites: [...cites].map(([id, { after }]) => ({ id, lists: citationLists(after) })),
  });

  // MENTIONS, identifiers, name and aliases go to the kept entity; the merged one redirects.
  const [moved] = await run(
    `MATCH (k:Entity {id: $keep}), (m:Entity|${HELD_ENTITY} {id: $merge})
     CALL (k, m) {
       OPTIONAL MATCH (s:Source)-[r:MENTIONS]->(m)
       WITH k, s, r WHERE s IS NOT NULL
       OPTIONAL MATCH (s)-[had:MENTIONS]->(k)
       WITH k, s, r, had IS NULL AS made
       DELETE r
       MERGE (s)-[:MENTIONS]->(k)
       RETURN collect(s.id) AS mentions, collect(CASE WHEN made THEN s.id END) AS made
     }
     CALL (k, m) {
       OPTIONAL MATCH (i:Identifier {entity: m.id}) SET i.entity = k.id
     }
     WITH k, m, mentions, made
     SET k.aliases = reduce(acc = coalesce(k.aliases, []), a IN [m.name] + coalesce(m.aliases, []) |
           CASE WHEN a = k.name OR a IN acc THEN acc ELSE acc + a END),
         k.identifiers = CASE WHEN size(coalesce(k.identifiers, []) + coalesce(m.identifiers, [])) = 0 THEN null
           ELSE COLLECT { UNWIND coalesce(k.identifiers, []) + coalesce(m.identifiers, []) AS key
                          RETURN DISTINCT key ORDER BY key } END,
         k.updatedAt = datetime($now)
     SET k.searchKeys = ${searchKeysOf('k')}
     REMOVE m.identifiers
     SET m.redirectTo = k.id, m.mergeId = $mergeId
     RETURN mentions, made`,
    { keep, merge, now, mergeId: 'pending' },
  );
  undo.mentions = (moved?.mentions as string[]) ?? [];
  undo.mentionsMade = (moved?.made as string[]) ?? [];

  await materialize(
    run,
    {
      entities: [keep, merge],
      relationships: relationshipsTouched(
        (
          await run(
            `UNWIND $ids AS id MATCH (c:Claim {id: id}) WHERE c.kind = 'RELATIONSHIP' RETURN c.id AS claimId, c.type AS type`,
            { ids: [...undo.created, ...about.relationships.map((r) => r.claim.id)] },
          )
        ).map((r) => ({ claimId: String(r.claimId), type: String(r.type) })),
      ),
    },
    now,
  );

  const id = `merge-${randomUUID()}`;
  const [record] = await run(
    `MATCH (m:Entity|${HELD_ENTITY} {id: $merge}) SET m.mergeId = $id
     CREATE (x:EntityMerge {id: $id, keep: $keep, merged: $merge, keepSlug: $keepSlug, mergedSlug: $mergedSlug,
       reason: $reason, by: $by, at: datetime($now), undo: $undo})
     RETURN ${MERGE_ROW('x')} AS merge`,
    {
      id,
      keep,
      merge,
      keepSlug: k.slug,
      mergedSlug: m.slug,
      reason,
      by,
      now,
      undo: JSON.stringify(undo),
    },
  );
  return record!.merge as MergeRow;
}

export const MERGE_ROW = (x: string) =>
  `${x} { .id, .keep, .merged, .keepSlug, .mergedSlug, .reason, .by, .undoneBy,` +
  ` at: toString(${x}.at), undoneAt: toString(${x}.undoneAt) }`;

/**
 * Undoes merge `mergeId` (see the module's rule). NOT_FOUND for no such merge; CONFLICT when it
 * was undone already, or when either entity has since been purged or merged again.
 */
export async function unmergeEntities(run: Run, mergeId: string, by: string, now: string): Promise<MergeRow> {
  const [found] = await run(
    `MATCH (x:EntityMerge {id: $id}) SET x._lock = true REMOVE x._lock
     RETURN ${MERGE_ROW('x')} AS merge, x.undo AS undo`,
    { id: mergeId },
  );
  if (!found) throw notFound(`mergeId: no merge "${mergeId.slice(0, 100)}"`, { path: ['mergeId'] });
  const merge = found.merge as MergeRow;
  if (merge.undoneAt)
    throw new StargraphError(ErrorCode.CONFLICT, `The merge ${mergeId} was undone already`, { path: ['mergeId'] });
  const [k, m] = await run(
    `UNWIND $ids AS id OPTIONAL MATCH (n:Entity|${HELD_ENTITY} {id: id}) SET n._lock = true REMOVE n._lock
     RETURN id, n IS NOT NULL AS present, n.redirectTo AS redirectTo, n.mergeId AS mergeId,
       [l IN labels(n) WHERE NOT l IN ['Entity', '${HELD_ENTITY}']][0] AS kind ORDER BY id`,
    { ids: [merge.keep, merge.merged] },
  ).then((rows) => [rows.find((r) => r.id === merge.keep)!, rows.find((r) => r.id === merge.merged)!]);
  if (!k?.present || !m?.present || m.mergeId !== mergeId || m.redirectTo !== merge.keep)
    throw new StargraphError(
      ErrorCode.CONFLICT,
      `The merge ${mergeId} cannot be undone: one of its entities was purged or merged again since`,
      { path: ['mergeId'] },
    );
  const label = String(k.kind).replace(/^H(?=[A-Z][a-z])/, '');
  const undo = JSON.parse(String(found.undo)) as UndoState;
  const because = 'merge undone';

  // What the merge stated about the kept entity goes; its claims get their citations back.
  await retract(run, undo.created, because, now);
  await run('UNWIND $cites AS x MATCH (c:Claim {id: x.id}) SET c += x.lists', {
    cites: undo.cited.map((c) => ({ id: c.id, lists: citationLists(c.citations) })),
  });

  // The merged entity's claims, stated again as they were.
  const [existence] = undo.existence ? await createAs(run, [{ c: undo.existence }], now) : [];
  await createAs(
    run,
    undo.values.map((c) => ({ c, spec: entitySpec(label as EntityLabel) })),
    now,
  );
  const relationships = await createRelationships(run, undo.relationships, now);
  await run(
    `MATCH (k:Entity|${HELD_ENTITY} {id: $keep}), (m:Entity|${HELD_ENTITY} {id: $merge})
     SET m.claimId = coalesce($existence, m.claimId)
     REMOVE m.redirectTo, m.mergeId
     SET m.identifiers = CASE WHEN size($identifiers) = 0 THEN null ELSE $identifiers END,
         k.identifiers = CASE WHEN size($keepIdentifiers) = 0 THEN null ELSE $keepIdentifiers END,
         k.aliases = $keepAliases, k.updatedAt = datetime($now)
     SET k.searchKeys = ${searchKeysOf('k')}
     WITH k, m
     CALL (m) { UNWIND $identifiers AS key MATCH (i:Identifier {key: key}) SET i.entity = m.id }
     CALL (k, m) {
       UNWIND $mentions AS source MATCH (s:Source {id: source}) MERGE (s)-[:MENTIONS]->(m)
     }
     CALL (k) {
       UNWIND $mentionsMade AS source MATCH (s:Source {id: source})-[r:MENTIONS]->(k) DELETE r
     }`,
    {
      keep: merge.keep,
      merge: merge.merged,
      existence: existence ?? null,
      identifiers: undo.identifiers,
      keepIdentifiers: undo.keepIdentifiers,
      keepAliases: undo.keepAliases,
      mentions: undo.mentions,
      mentionsMade: undo.mentionsMade,
      now,
    },
  );
  const touched = await run(
    `UNWIND $ids AS id MATCH (c:Claim {id: id}) WHERE c.kind = 'RELATIONSHIP' RETURN c.id AS claimId, c.type AS type`,
    { ids: [...undo.created, ...relationships] },
  );
  await materialize(
    run,
    {
      entities: [merge.keep, merge.merged],
      relationships: relationshipsTouched(touched.map((r) => ({ claimId: String(r.claimId), type: String(r.type) }))),
    },
    now,
  );
  const [row] = await run(
    `MATCH (x:EntityMerge {id: $id}) SET x.undoneAt = datetime($now), x.undoneBy = $by RETURN ${MERGE_ROW('x')} AS merge`,
    { id: mergeId, now, by },
  );
  return row!.merge as MergeRow;
}

/**
 * Where an entity that was merged away now is: the live entity its redirect leads to (following
 * up to 5 merges in a row), by the merged one's slug or id; null when `key` names no redirect.
 */
export async function redirectTarget(
  read: (cypher: string, params: Row) => Promise<Row[]>,
  by: 'slug' | 'id',
  key: string,
): Promise<{ id: string; slug: string } | null> {
  let next: string | null = key;
  let field: 'slug' | 'id' = by;
  for (let hop = 0; next && hop <= 5; hop++) {
    const [n] = await read(
      `MATCH (n:Entity|${HELD_ENTITY} {${field}: $key})
       RETURN n.id AS id, n.slug AS slug, n:Entity AS live, n.redirectTo AS next ORDER BY live DESC LIMIT 1`,
      { key: next },
    );
    if (!n) return null;
    if (n.live) return hop === 0 ? null : { id: String(n.id), slug: String(n.slug) };
    next = (n.next as string | null) ?? null;
    field = 'id';
  }
  return null;
}

/**
 * Writes by slug never make a second entity where a merge left a redirect: a slug that names a
 * merged-away entity (and no live one) is a CONFLICT naming the entity it was merged into.
 */
export async function refuseMergedSlugs(
  run: Run,
  slugs: readonly string[],
  path: ReadonlyArray<string | number>,
): Promise<void> {
  if (slugs.length === 0) return;
  const [redirect] = await run(
    `UNWIND $slugs AS slug
     MATCH (m:${HELD_ENTITY} {slug: slug}) WHERE m.redirectTo IS NOT NULL AND NOT EXISTS { MATCH (:Entity {slug: slug}) }
     MATCH (k:Entity|${HELD_ENTITY} {id: m.redirectTo})
     RETURN slug, k.slug AS keep LIMIT 1`,
    { slugs },
  );
  if (!redirect) return;
  throw new StargraphError(
    ErrorCode.CONFLICT,
    `The slug "${String(redirect.slug)}" was merged into "${String(redirect.keep)}": write to that one, or undo the merge`,
    { path: [...path], redirectTo: redirect.keep },
  );
}
