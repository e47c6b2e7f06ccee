/**
 * The start-up upgrade of a graph written before claims existed (SPEC section 2a): every entity,
 * every relationship between entities and every sourced value it holds becomes an open claim
 * (no validFrom, no validTo), recorded at the thing's `createdAt`, else its `updatedAt`, else the
 * upgrade's start, with no citation. Entity and relationship properties stay as they are, so a
 * read without `asOf` answers as before; each node and relationship gains its claim's `claimId`
 * and `recordedAt`, as every write sets them (docs/decisions/2026-12-07-claims-storage.md), and
 * its `settled` list: each value has the one claim, recorded with its holder's (materialize.ts).
 *
 * Work is found by `claimId IS NULL`, so the upgrade runs once: a second start counts nothing
 * pending and writes nothing, and an interrupted one resumes where it stopped. An entity or
 * relationship and its value claims are written in one transaction. Each stage (entities, then
 * each relationship type) is one statement: it finds its pending rows in one scan and upgrades them
 * in batches, one transaction and one result row each, and a progress line is logged every
 * `progressEvery` rows as those arrive. Entities go two batches at a time (a row locks only its own
 * node); relationships one at a time (concurrent batches deadlock on shared end nodes). When most
 * claims are yet to be written, the Claim indexes are rebuilt once at the end instead of updated
 * per claim (upgrade-indexes.ts). Two servers starting together may upgrade at once: each row is
 * locked before its `claimId` is read, so the second finds it upgraded and skips it.
 *
 * A property that becomes sourced after a graph was upgraded (`firstYearUsd`, `excludes`) is
 * claimed the same way at the next start (`claimNewlySourced`): each value an upgraded entity
 * holds for it without a claim becomes an open uncited claim recorded with the entity's, and joins
 * its settled list. The `(:StargraphMeta {key: 'sourcedFields'})` node lists the `Label.field`
 * pairs the graph's claims cover, so a start scans only for pairs new to the model.
 */
import neo4j from 'neo4j-driver';
import type { Logger } from '../logger.js';
import { isTransientError, retrying, type Db } from '../neo4j/db.js';
import { dropClaimIndexes, rebuildClaimIndexes } from './upgrade-indexes.js';
import {
  ENTITY_LABELS,
  ENTITY_RELATIONSHIP_TYPES,
  type EntityLabel,
  type EntityRelationshipType,
} from '../graph/model.js';
import { heldLabel, sourcedProperties, sourcedRelationshipProperties } from './model.js';

export interface ClaimsUpgradeOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Rows between two progress lines. */
  progressEvery?: number;
  /** Stop after this many entities and relationships in all (an interrupted upgrade, in tests). */
  limit?: number;
  /** The recording time of what has neither `createdAt` nor `updatedAt`; default: now. */
  startedAt?: Date;
  /**
   * From this many pending entities and relationships (and at least half as many as the claims
   * already stored), the Claim indexes are set aside and rebuilt at the end (upgrade-indexes.ts).
   */
  bulkFrom?: number;
}

export interface ClaimsUpgradeResult {
  entities: number;
  relationships: number;
  values: number;
}

/** One stage's statement over `$limit` rows, answering per batch how many it scanned, upgraded and valued. */
interface Stage {
  name: string;
  /** Counts the rows the stage has left to upgrade. */
  pending: string;
  statement: string;
  params: Record<string, unknown>;
}

/** A new claim id, in Cypher. */
const NEW_CLAIM_ID = `'clm-' + randomUUID()`;

/** When the claims of `x` were recorded: its creation, else its last update, else the upgrade's start. */
const recordedAtOf = (x: string) => `coalesce(${x}.createdAt, ${x}.updatedAt, datetime($startedAt))`;

/**
 * Locks `x` (a node or relationship) before reading its claimId, as `pending`: a concurrent
 * upgrade that got there first has committed, and its claimId is seen.
 */
const lockThenPending = (x: string, carried: string) => `SET ${x}.claimUpgradeLock = true
  WITH ${carried}, ${x}.claimId IS NULL AS pending
  REMOVE ${x}.claimUpgradeLock`;

/** The value claims about `subject` (Cypher), one per name in the list `fields`, valued from `x`. */
const valueClaims = (x: string, subject: string) =>
  `FOREACH (field IN fields | CREATE (:Claim {id: ${NEW_CLAIM_ID}, kind: 'VALUE', subject: ${subject},
    field: field, value: ${x}[field], recordedAt: at}))`;

/**
 * The statement of a stage: its pending rows `row` (found by `match`), collected in one scan, then
 * `body` over each batch of them in a transaction of its own; `body` leaves `pending` (whether the
 * row needed it) and `fields` (the value claims it wrote).
 */
const inBatches = (match: string, row: string, body: string, concurrency: '' | '2 CONCURRENT ') => `${match}
  WITH ${row} LIMIT toInteger($limit)
  WITH collect(${row}) AS pendingRows
  UNWIND range(0, size(pendingRows) - 1, toInteger($batchSize)) AS start
  CALL (pendingRows, start) {
    UNWIND pendingRows[start..start + toInteger($batchSize)] AS ${row}
    ${body}
    RETURN count(*) AS scanned, count(CASE WHEN pending THEN 1 END) AS upgraded,
      coalesce(sum(size(fields)), 0) AS values
  } IN ${concurrency}TRANSACTIONS OF 1 ROW
  RETURN scanned, upgraded, values`;

/** Every entity: its existence claim and one value claim per kind-specific property it holds. */
function entityStage(): Stage {
  const body = `${lockThenPending('n', 'n')}
    WITH n, pending, ${recordedAtOf('n')} AS at,
      CASE WHEN pending THEN [f IN $fieldsByLabel[head([l IN labels(n) WHERE l <> 'Entity'])]
        WHERE n[f] IS NOT NULL] ELSE [] END AS fields
    FOREACH (_ IN CASE WHEN pending THEN [1] ELSE [] END |
      CREATE (c:Claim {id: ${NEW_CLAIM_ID}, kind: 'ENTITY', subject: n.id, recordedAt: at})
      SET n.claimId = c.id, n.recordedAt = at, n.settled = fields)
    ${valueClaims('n', 'n.id')}`;
  return {
    name: 'entities',
    pending: 'MATCH (n:Entity) WHERE n.claimId IS NULL RETURN count(n) AS pending',
    statement: inBatches('MATCH (n:Entity) WHERE n.claimId IS NULL', 'n', body, '2 CONCURRENT '),
    params: {
      fieldsByLabel: Object.fromEntries(ENTITY_LABELS.map((label) => [label, Object.keys(sourcedProperties(label))])),
    },
  };
}

/**
 * Every relationship of `type`: its claim (from its start node to its end node) and one value
 * claim per property it holds, whose subject is the relationship's claim.
 */
function relationshipStage(type: EntityRelationshipType): Stage {
  const body = `WITH startNode(r) AS a, r, endNode(r) AS b
    ${lockThenPending('r', 'a, r, b')}
    WITH a, r, b, pending, ${recordedAtOf('r')} AS at,
      CASE WHEN pending THEN [f IN $fields WHERE r[f] IS NOT NULL] ELSE [] END AS fields
    FOREACH (_ IN CASE WHEN pending THEN [1] ELSE [] END |
      CREATE (c:Claim {id: ${NEW_CLAIM_ID}, kind: 'RELATIONSHIP', subject: a.id, type: $type, object: b.id,
        recordedAt: at})
      SET r.claimId = c.id, r.recordedAt = at, r.settled = fields)
    ${valueClaims('r', 'r.claimId')}`;
  return {
    name: type,
    pending: `MATCH ()-[r:${type}]->() WHERE r.claimId IS NULL RETURN count(r) AS pending`,
    statement: inBatches(`MATCH ()-[r:${type}]->() WHERE r.claimId IS NULL`, 'r', body, ''),
    params: { type, fields: Object.keys(sourcedRelationshipProperties(type)) },
  };
}

/** The stages in order: entities, then each type of relationship between entities. */
export const upgradeStages = (): Stage[] => [entityStage(), ...ENTITY_RELATIONSHIP_TYPES.map(relationshipStage)];

const DEFAULT_BATCH_SIZE = 10_000;
const DEFAULT_PROGRESS_EVERY = 100_000;
const DEFAULT_BULK_FROM = 50_000;

interface Run {
  db: Db;
  logger: Logger;
  batchSize: number;
  progressEvery: number;
  startedAt: string;
  started: number;
  /** Rows still allowed (the `limit` option); Infinity without one. */
  remaining: number;
  result: ClaimsUpgradeResult;
}

/** What one batch did. */
interface Batch {
  scanned: number;
  upgraded: number;
  values: number;
}

const secondsSince = (started: number) => Math.round((performance.now() - started) / 100) / 10;

/**
 * Runs a stage's statement as an auto-commit query (it commits its own batches), handing each
 * batch's row to `onBatch` as soon as the batch is committed: the session fetches one row at a time.
 */
function streamBatches(run: Run, stage: Stage, onBatch: (batch: Batch) => void): Promise<void> {
  const { driver, database } = run.db.graph;
  const session = driver.session({
    database,
    defaultAccessMode: neo4j.session.WRITE,
    fetchSize: 1,
    bookmarkManager: driver.executeQueryBookmarkManager,
  });
  run.db.stats.roundTrips += 1;
  const params = {
    ...stage.params,
    limit: Math.min(run.remaining, Number.MAX_SAFE_INTEGER),
    batchSize: run.batchSize,
    startedAt: run.startedAt,
  };
  return new Promise<void>((resolve, reject) => {
    // Timeout 0: none. A stage of a large graph runs for minutes, past a server's default.
    session.run(stage.statement, params, { timeout: 0 }).subscribe({
      onNext: (row) =>
        onBatch({
          scanned: Number(row.get('scanned')),
          upgraded: Number(row.get('upgraded')),
          values: Number(row.get('values')),
        }),
      onCompleted: () => resolve(),
      onError: reject,
    });
  }).finally(() => session.close());
}

/**
 * Runs a stage, with a progress line every `progressEvery` rows and at its end; retried on a
 * transient failure (a deadlock with another upgrade), as it resumes where it stopped.
 */
async function runStage(run: Run, stage: Stage, pending: number): Promise<void> {
  const progress = { upgraded: 0, values: 0, logged: 0 };
  const log = () => {
    progress.logged = progress.upgraded;
    const { upgraded, values } = progress;
    const seconds = secondsSince(run.started);
    run.logger.info('Upgrading the graph to claims', { stage: stage.name, upgraded, of: pending, values, seconds });
  };
  const onBatch = (batch: Batch) => {
    run.remaining -= batch.scanned;
    progress.upgraded += batch.upgraded;
    progress.values += batch.values;
    run.result[stage.name === 'entities' ? 'entities' : 'relationships'] += batch.upgraded;
    run.result.values += batch.values;
    if (progress.upgraded - progress.logged >= run.progressEvery) log();
  };
  await retrying(() => streamBatches(run, stage, onBatch), {
    retryable: isTransientError,
    attempts: 5,
    delayMs: (attempt) => 100 * attempt,
  });
  if (progress.upgraded > progress.logged) log();
}

/** The stages with rows left to upgrade, with how many. */
async function pendingStages(db: Db): Promise<Array<{ stage: Stage; pending: number }>> {
  const stages = [];
  for (const stage of upgradeStages()) {
    const [row] = await db.read(stage.pending, {}, { timeoutMs: 0 });
    const pending = Number(row?.pending ?? 0);
    if (pending > 0) stages.push({ stage, pending });
  }
  return stages;
}

/** True when most claims are yet to be written: then rebuilding the Claim indexes once costs less. */
async function bulk(db: Db, pendingRows: number, bulkFrom: number): Promise<boolean> {
  if (pendingRows < bulkFrom) return false;
  const [row] = await db.read('MATCH (c:Claim) RETURN count(c) AS claims');
  return pendingRows * 2 >= Number(row?.claims ?? 0);
}

/**
 * The sourced fields every graph upgraded before the `sourcedFields` list was kept has claims
 * for: the model's kind properties then. Frozen, as the list on the graph takes over from it.
 */
const FIRST_SOURCED_FIELDS: Record<EntityLabel, readonly string[]> = {
  Person: [],
  Company: ['kind', 'country'],
  Project: ['status', 'announcedOn', 'pledgedUsd', 'targetPowerMw'],
  Datacenter: ['status', 'location', 'powerMw', 'targetDate'],
  Deal: ['kind', 'valueUsd', 'announcedOn', 'startsOn', 'endsOn'],
};

const sourcedFieldKeys = (fieldsOf: (label: EntityLabel) => readonly string[]): string[] =>
  ENTITY_LABELS.flatMap((label) => fieldsOf(label).map((field) => `${label}.${field}`));

/**
 * The values of `$fields` an upgraded entity of one kind (live or held back) holds without a
 * claim: each becomes an open claim recorded with the entity's, settled on it when it has a
 * settled list (else the settled pass gives it one). The entity is locked before its claims are
 * looked for, so a concurrent start finds the claims this one wrote.
 */
const claimUnclaimedValues = (label: EntityLabel) => `
MATCH (n:${label}|${heldLabel(label)}) WHERE n.claimId IS NOT NULL AND any(f IN $fields WHERE n[f] IS NOT NULL)
CALL (n) {
  SET n.claimUpgradeLock = true
  WITH n, [f IN $fields WHERE n[f] IS NOT NULL AND NOT EXISTS { MATCH (:Claim {subject: n.id, field: f}) }] AS fields
  REMOVE n.claimUpgradeLock
  WITH n, fields, coalesce(n.recordedAt, datetime($startedAt)) AS at
  ${valueClaims('n', 'n.id')}
  SET n.settled = CASE WHEN n.settled IS NULL OR n.recordedAt IS NULL THEN n.settled ELSE n.settled + fields END
  RETURN size(fields) AS claimed
} IN TRANSACTIONS OF 1000 ROWS
RETURN coalesce(sum(claimed), 0) AS values`;

/**
 * Claims the values of properties sourced since the graph's claims were written (see the top of
 * this file); returns how many values it claimed. Writes nothing when the list on the graph is
 * the model's.
 */
async function claimNewlySourced(db: Db, logger: Logger, startedAt: string): Promise<number> {
  const [meta] = await db.read(`OPTIONAL MATCH (m:StargraphMeta {key: 'sourcedFields'}) RETURN m.fields AS fields`);
  const covered = new Set(
    (meta?.fields as string[] | null) ?? sourcedFieldKeys((label) => FIRST_SOURCED_FIELDS[label]),
  );
  const current = sourcedFieldKeys((label) => Object.keys(sourcedProperties(label)));
  if (meta?.fields && current.length === covered.size && current.every((key) => covered.has(key))) return 0;
  let values = 0;
  for (const label of ENTITY_LABELS) {
    const fields = Object.keys(sourcedProperties(label)).filter((field) => !covered.has(`${label}.${field}`));
    if (fields.length === 0) continue;
    const [row] = await db.writeAutoCommit(claimUnclaimedValues(label), { fields, startedAt });
    values += Number(row?.values ?? 0);
  }
  await db.write(`MERGE (m:StargraphMeta {key: 'sourcedFields'}) SET m.fields = $fields`, { fields: current });
  if (values > 0) logger.info('Claimed the values of newly sourced properties', { values });
  return values;
}

/**
 * Upgrades what the graph holds without claims (see the top of this file); returns what it
 * upgraded, all zero on a graph already upgraded.
 */
export async function upgradeToClaims(
  db: Db,
  logger: Logger,
  options: ClaimsUpgradeOptions = {},
): Promise<ClaimsUpgradeResult> {
  const run: Run = {
    db,
    logger,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    progressEvery: options.progressEvery ?? DEFAULT_PROGRESS_EVERY,
    startedAt: (options.startedAt ?? new Date()).toISOString(),
    started: performance.now(),
    remaining: options.limit ?? Number.POSITIVE_INFINITY,
    result: { entities: 0, relationships: 0, values: 0 },
  };
  const stages = await pendingStages(db);
  const pendingRows = stages.reduce((sum, { pending }) => sum + pending, 0);
  run.result.values += await claimNewlySourced(db, logger, run.startedAt);
  if (pendingRows === 0) return run.result;
  const setAside = (await bulk(db, pendingRows, options.bulkFrom ?? DEFAULT_BULK_FROM))
    ? await dropClaimIndexes(db, logger)
    : [];
  try {
    for (const { stage, pending } of stages) if (run.remaining > 0) await runStage(run, stage, pending);
  } finally {
    if (setAside.length > 0) await rebuildClaimIndexes(db, logger, setAside);
  }
  const { entities, relationships, values } = run.result;
  logger.info('Upgraded the graph to claims', { entities, relationships, values, seconds: secondsSince(run.started) });
  return run.result;
}
