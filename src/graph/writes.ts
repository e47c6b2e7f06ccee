/**
 * Writes behind the mutations: upserts by slug, typed relationships, deletes, sources and
 * MENTIONS, and importGraph (one transaction, all or nothing). Each kind of write runs the one
 * statement the bulk loader runs too (write-statements.ts, which states the rules they keep), with
 * a single row; labels and types in Cypher text come only from model.ts, values are parameters.
 *
 * An upsert MERGEs on `slug` (uniqueness constraint, so concurrent upserts of one slug serialise
 * on its lock and leave one node); its `id` is a fresh randomUUID, kept only when it creates.
 */
import { setIdentifiers, type Identifier } from '../identity/identifiers.js';
import { refuseMergedSlugs } from '../identity/merge.js';
import { createHash, randomUUID } from 'node:crypto';
import { ErrorCode, StargraphError, badInput, notFound } from '../errors.js';
import { retrying, type Db, type Row, type Run } from '../neo4j/db.js';
import { writeGraphData, type GraphData, type LoadResult } from './bulk-load.js';
import { GraphDataError, validateGraphData } from './record-rules.js';
import { isKind, sourceProjection, toEntityRow, type KindRow, type SourceRow } from './entities.js';
import type { EntityProperties, Provenance, SourceInput } from './write-input.js';
import { withoutPageKeys } from './page-keys.js';
import {
  RELATIONSHIPS,
  SOURCE_PROPERTIES,
  isEntityLabel,
  type EntityLabel,
  type EntityRelationshipType,
  type RelationshipType,
} from './model.js';
import { UPSERT_SOURCES, entitySpec, linkSources, toGraphProperties, upsertEntities } from './write-statements.js';
import { checkCitedSources, writeEntityClaims, writeRelationshipClaims } from '../claims/write.js';
import { isSourcedProperty } from '../claims/model.js';
import { kindOf } from '../claims/time.js';
import type { ClaimArgs } from '../claims/store.js';
import {
  disconnectClaims,
  purgeEntity as purgeEntityClaims,
  retractClaim,
  retractEntity,
} from '../claims/lifecycle.js';

export interface WriteOutcome<T> {
  value: T;
  created: boolean;
  changed: boolean;
}

/**
 * Big imports and hub deletes may take longer than a read; still bounded. Every write that makes
 * claims takes it too: its statements (claim reads, materialize) are planned on first use, which
 * under load can pass a read's limit once.
 */
const WRITE_TIMEOUT_MS = 120_000;
const CLAIM_WRITE = { timeoutMs: WRITE_TIMEOUT_MS };

/** A stable id for a source without one: the same URL always names the same source. */
export function sourceIdFor(source: SourceInput): string {
  if (source.id) return source.id;
  if (source.url) return `src-${createHash('sha256').update(source.url).digest('hex').slice(0, 16)}`;
  return randomUUID();
}

async function upsertSourceIn(run: Run, source: SourceInput, now: string): Promise<WriteOutcome<SourceRow>> {
  const { id: _ignored, ...rest } = source;
  const [row] = await run(`${UPSERT_SOURCES}\nRETURN created, changed, ${sourceProjection('s')} AS source`, {
    rows: [{ id: sourceIdFor(source), props: toGraphProperties(SOURCE_PROPERTIES, rest) }],
    now,
  });
  return { value: row!.source as SourceRow, created: Boolean(row!.created), changed: Boolean(row!.changed) };
}

/** Resolves provenance to a source id inside the transaction (upserting an inline source). */
async function provenanceSourceId(
  run: Run,
  provenance: Provenance | undefined,
  now: string,
): Promise<string | undefined> {
  if (provenance?.source) return (await upsertSourceIn(run, provenance.source, now)).value.id;
  if (provenance?.sourceId) {
    const [found] = await run('MATCH (s:Source {id: $id}) RETURN s.id AS id', { id: provenance.sourceId });
    if (!found) throw notFound(`No source "${provenance.sourceId.slice(0, 100)}"`, { path: ['input', 'sourceId'] });
    return provenance.sourceId;
  }
  return undefined;
}

/**
 * The claim arguments a write's provenance gives every claim it makes: its citations, plus the
 * provenance source (cited without a quote), its validity and confidence.
 */
async function claimArgsOf(
  run: Run,
  provenance: Provenance | undefined,
  now: string,
): Promise<{ args: ClaimArgs; sourceId?: string }> {
  const sourceId = await provenanceSourceId(run, provenance, now);
  const citations = (provenance?.citations ?? []).map((c) => ({
    source: c.source,
    quote: c.quote ?? null,
    locator: c.locator ?? null,
  }));
  if (sourceId && !citations.some((c) => c.source === sourceId))
    citations.push({ source: sourceId, quote: null, locator: null });
  const args: ClaimArgs = { citations, validTo: provenance?.validTo ?? null, confidence: provenance?.confidence };
  if (provenance && provenance.validFrom !== undefined) args.validFrom = provenance.validFrom;
  await checkCitedSources(run, [args]);
  return { args, sourceId: sourceId ?? citations[0]?.source };
}

/** The source MENTIONS each entity (by id); links it has already stay as they are. */
async function mention(run: Run, sourceId: string | undefined, entityIds: string[]): Promise<void> {
  if (!sourceId || entityIds.length === 0) return;
  await run(linkSources('MENTIONS', 'id'), { rows: entityIds.map((id) => ({ from: sourceId, to: id })) });
}

/** Properties that are not claims (the editorial ones) are written on the node. */
const unsourced = (label: EntityLabel, props: Row): Row =>
  Object.fromEntries(Object.entries(props).filter(([k]) => !isSourcedProperty(label, k)));

export interface EntityUpsert<L extends EntityLabel> {
  label: L;
  /** slug, name and kind properties; undefined keys are left alone, null removes a value. */
  properties: EntityProperties<L>;
  provenance?: Provenance;
  /** Deals only: when given, exactly these companies (by entity id) are its parties. */
  parties?: Array<{ companyId: string; role: string }>;
  /** When given, exactly these external identifiers (canonical, each once). */
  identifiers?: Identifier[];
}

/**
 * Upserts one entity by slug. A slug that already names an entity of another kind is a
 * CONFLICT: kinds are never changed by an upsert.
 */
export async function upsertEntity<L extends EntityLabel>(
  db: Db,
  write: EntityUpsert<L>,
): Promise<WriteOutcome<KindRow<L>>> {
  return retryOnConstraintRace(() => upsertEntityOnce(db, write));
}

/**
 * MERGE on a uniquely constrained property locks the key, so concurrent upserts of one slug
 * serialise; should a create still lose a race (another transaction created the slug, of any
 * kind, between the kind check and the lock), the retry checks again and finds that node.
 * Transient errors (deadlocks) are already retried by the driver's executeWrite.
 */
function retryOnConstraintRace<T>(work: () => Promise<T>): Promise<T> {
  return retrying(work, {
    retryable: (error) => ((error as { code?: string }).code ?? '').includes('ConstraintValidationFailed'),
    attempts: 3,
  });
}

async function upsertEntityOnce<L extends EntityLabel>(
  db: Db,
  write: EntityUpsert<L>,
): Promise<WriteOutcome<KindRow<L>>> {
  const { label } = write;
  const { slug } = write.properties;
  // `label` is an EntityLabel chosen by the mutation (never request text); checked for safety.
  if (!isEntityLabel(label)) throw new Error(`Unknown label ${String(label)}`);
  const props = toGraphProperties(entitySpec(label), write.properties);
  const now = new Date().toISOString();
  return db.writeTransaction(async (run) => {
    const [conflict] = await findKindConflicts(run, [{ slug, label }], 1);
    if (conflict) {
      throw new StargraphError(
        ErrorCode.CONFLICT,
        `The slug "${slug}" already names a ${conflict.existing}; an upsert never changes an entity's kind`,
        { path: ['input', 'slug'], existingKind: conflict.existing },
      );
    }
    await refuseMergedSlugs(run, [slug], ['input', 'slug']);
    const { args } = await claimArgsOf(run, write.provenance, now);
    const [row] = await run(`${upsertEntities(label)}\nRETURN created, changed, n.id AS id`, {
      rows: [{ slug, id: randomUUID(), props: unsourced(label, props) }],
      now,
    });
    const id = String(row!.id);
    await writeEntityClaims(run, [{ id, label, values: props, args }], now);
    if (write.identifiers) await setIdentifiers(run, [{ entity: id, identifiers: write.identifiers }], now);
    if (write.parties) await setDealParties(run, id, write.parties, args, now);
    const [read] = await run(
      `MATCH (n:Entity|HEntity {id: $id})
       RETURN n { .*, label: ${kindOf('n', true)} } AS entity, n.updatedAt = datetime($now) AS stamped`,
      { id, now },
    );
    const entity = toEntityRow(read!.entity);
    if (!isKind(entity, label)) throw new Error(`Entity ${entity.id} is not a ${label} after its own upsert`);
    const created = Boolean(row!.created);
    return { value: entity, created, changed: created || Boolean(row!.changed) || Boolean(read!.stamped) };
  }, CLAIM_WRITE);
}

/** A deal's parties become exactly `parties` (PARTY_TO with its role); the others end today. */
async function setDealParties(
  run: Run,
  dealId: string,
  parties: Array<{ companyId: string; role: string }>,
  args: ClaimArgs,
  now: string,
): Promise<void> {
  const ended = await run(
    `MATCH (c:Company)-[r:PARTY_TO]->(d:Deal {id: $dealId})
     WHERE NOT c.id IN $ids
     RETURN c.id AS companyId`,
    { dealId, ids: parties.map((p) => p.companyId) },
  );
  for (const row of ended) await disconnectClaims(run, 'PARTY_TO', String(row.companyId), dealId, now);
  const writes = parties.map((p) => ({ from: p.companyId, to: dealId, values: { role: p.role }, args }));
  await writeRelationshipClaims(run, 'PARTY_TO', 'id', writes, now);
}

export interface RelationshipWrite {
  type: RelationshipType;
  fromId: string;
  toId: string;
  properties?: Record<string, unknown>;
  provenance?: Provenance;
}

/** Claims one typed relationship between two entities (by id) with its properties. */
export async function connectEntities(
  db: Db,
  write: RelationshipWrite,
): Promise<{ created: boolean; changed: boolean; relationshipId: string; properties: Row; sourceId?: string }> {
  const { type } = write;
  const spec = RELATIONSHIPS[type];
  if (!spec || type === 'MENTIONS' || type === 'CITES') throw badInput(`connect cannot create ${String(type)}`);
  const props = toGraphProperties(spec.properties, write.properties ?? {});
  const now = new Date().toISOString();
  return db.writeTransaction(async (run) => {
    const { args, sourceId } = await claimArgsOf(run, write.provenance, now);
    const relationshipType = type as EntityRelationshipType;
    const [claimed] = await writeRelationshipClaims(
      run,
      relationshipType,
      'id',
      [{ from: write.fromId, to: write.toId, values: props, args }],
      now,
    );
    if (!claimed) throw notFound('One of the endpoints no longer exists or is of the wrong kind');
    const [row] = await run(
      `MATCH (:Entity {id: $fromId})-[r:${type}|H_${type}]->() WHERE r.claimId = $claimId
       RETURN elementId(r) AS relationshipId, properties(r) AS properties, r.updatedAt = datetime($now) AS stamped`,
      { fromId: write.fromId, claimId: claimed.claimId, now },
    );
    return {
      created: claimed.created,
      changed: claimed.created || Boolean(row?.stamped),
      relationshipId: String(row?.relationshipId),
      properties: withoutPageKeys((row?.properties as Row) ?? {}),
      sourceId,
    };
  }, CLAIM_WRITE);
}

/** Ends the typed relationship between two entities today; null when none was in force, else how it was. */
export async function disconnectEntities(
  db: Db,
  type: RelationshipType,
  fromId: string,
  toId: string,
  validTo?: string,
): Promise<{ relationshipId: string; properties: Row } | null> {
  if (!RELATIONSHIPS[type] || type === 'MENTIONS' || type === 'CITES')
    throw badInput(`Unknown relationship type ${String(type)}`);
  const now = new Date().toISOString();
  const removed = await db.writeTransaction(
    (run) => disconnectClaims(run, type as EntityRelationshipType, fromId, toId, now, validTo),
    CLAIM_WRITE,
  );
  return removed && { ...removed, properties: withoutPageKeys(removed.properties) };
}

/** Retracts an entity and every relationship claim touching it; returns how many relationships were in force. */
export async function deleteEntity(db: Db, id: string): Promise<{ relationships: number } | null> {
  const now = new Date().toISOString();
  return db.writeTransaction((run) => retractEntity(run, id, now), { timeoutMs: WRITE_TIMEOUT_MS });
}

/** Retracts one claim (null when there is none): what it was about, for the change events. */
export async function retractClaimById(db: Db, id: string, reason: string): Promise<Row | null> {
  const now = new Date().toISOString();
  return db.writeTransaction((run) => retractClaim(run, id, reason, now), CLAIM_WRITE);
}

/** Deletes an entity, its relationships and every claim about them: null when there is no such entity. */
export async function purgeEntity(db: Db, id: string): Promise<{ claims: number } | null> {
  return db.writeTransaction((run) => purgeEntityClaims(run, id), { timeoutMs: WRITE_TIMEOUT_MS });
}

export interface SourceWrite {
  source: SourceInput;
  /** Entity ids the source MENTIONS (added; existing mentions stay). */
  mentionIds: string[];
  /** Source ids it CITES. */
  citeIds: string[];
}

/** Upserts a source with its MENTIONS and CITES links, in one transaction. */
export async function addSource(db: Db, write: SourceWrite): Promise<WriteOutcome<SourceRow>> {
  const now = new Date().toISOString();
  return db.writeTransaction(async (run) => {
    const outcome = await upsertSourceIn(run, write.source, now);
    const id = outcome.value.id;
    await mention(run, id, write.mentionIds);
    if (write.citeIds.length > 0) {
      const cites = [...new Set(write.citeIds)];
      const [row] = await run(`${linkSources('CITES')}\nRETURN count(*) AS linked`, {
        rows: cites.map((cited) => ({ from: id, to: cited })),
      });
      if (Number(row?.linked ?? 0) < cites.length)
        throw notFound('cites names a source that does not exist', { path: ['input', 'cites'] });
    }
    return outcome;
  });
}

/**
 * Writes entities, sources and relationships in ONE transaction with the bulk loader's
 * statements: any bad row (missing endpoint, wrong kind, kind conflict) rolls everything back.
 */
export async function importGraph(db: Db, data: GraphData): Promise<LoadResult> {
  try {
    // Mentions may name sources already in the graph, so whole-data validation skips them; the
    // MENTIONS statement still fails the transaction when a source or entity is missing.
    validateGraphData({ ...data, mentions: [] });
  } catch (error) {
    if (error instanceof GraphDataError)
      throw badInput(error.message, { issues: error.problems.map((message) => ({ message })) });
    throw error;
  }
  return db.writeTransaction(
    async (run) => {
      try {
        return await writeGraphDataIn(run, data);
      } catch (error) {
        if (error instanceof GraphDataError) {
          throw badInput(`Nothing was imported: ${error.problems.join('; ')}`, {
            issues: error.problems.map((message) => ({ message })),
          });
        }
        throw error;
      }
    },
    { timeoutMs: WRITE_TIMEOUT_MS },
  );
}

/**
 * Writes `data` inside the caller's transaction, as one batch: importGraph and each batch of the
 * import CLI. A slug naming another kind is a CONFLICT before anything is written.
 */
export async function writeGraphDataIn(run: Run, data: GraphData): Promise<LoadResult> {
  await checkKindConflicts(run, data.entities);
  return writeGraphData({ write: run }, data, { batchSize: Number.MAX_SAFE_INTEGER });
}

export interface KindConflict {
  slug: string;
  /** The kind the graph has. */
  existing: string;
  /** The kind the write wanted. */
  wanted: string;
  /** The row's `line`, when the caller gave one (the import CLI). */
  line?: number;
}

/**
 * Rows whose slug already names an entity of another kind in the graph (an upsert or import
 * never changes a kind). The one query for it: the upsert mutations, importGraph and each import
 * batch refuse these, the import CLI's validation pass reports them by line.
 */
export async function findKindConflicts(
  run: Run,
  rows: Array<{ slug: string; label: EntityLabel; line?: number }>,
  limit?: number,
): Promise<KindConflict[]> {
  if (rows.length === 0) return [];
  const found = await run(
    `UNWIND $rows AS row
     MATCH (n:Entity {slug: row.slug}) WHERE NOT row.label IN labels(n)
     RETURN row.slug AS slug, [l IN labels(n) WHERE l <> 'Entity'][0] AS existing, row.label AS wanted, row.line AS line
     ${limit === undefined ? '' : `LIMIT ${Math.max(1, Math.floor(limit))}`}`,
    { rows: rows.map((r) => ({ slug: r.slug, label: r.label, line: r.line ?? null })) },
  );
  return found.map((c) => ({
    slug: String(c.slug),
    existing: String(c.existing),
    wanted: String(c.wanted),
    ...(c.line == null ? {} : { line: Number(c.line) }),
  }));
}

/** Slugs that already name an entity of another kind: CONFLICT, before anything is written. */
async function checkKindConflicts(run: Run, entities: Array<{ slug: string; label: EntityLabel }>): Promise<void> {
  const conflicts = await findKindConflicts(
    run,
    entities.map((e) => ({ slug: e.slug, label: e.label })),
    20,
  );
  if (conflicts.length > 0) {
    throw new StargraphError(
      ErrorCode.CONFLICT,
      `Nothing was imported: ${conflicts.map((c) => `"${c.slug}" is a ${c.existing}, not a ${c.wanted}`).join('; ')}`,
      { conflicts },
    );
  }
}
