/**
 * Random WRITE histories on a small graph, for the property test of claims and time: a sequence
 * of writes as the public write API takes them (upserts with values, connect, disconnect,
 * retractClaim, deleteEntity), each with optional validFrom/validTo/citations/confidence.
 * claim-reference.ts replays such a history naively; the property test sends the same writes to
 * the server and compares reads at random (asOf, knownAt).
 *
 * Deterministic per seed (the project's seeded PRNG; there is no property-testing library in the
 * dependencies). Values come from small domains and dates from a small pool, so the same value
 * again, changes on the same day and overlapping closed periods (conflicts) all happen often.
 * By default the writes stay inside the rules the decision record states: no write names a
 * deleted entity, a null value or a disconnect never ends a claim before it starts, and a
 * retraction names an asserted claim (a replica of the reference tells which).
 */
import { createRandom } from '../../src/graph/generator.js';
import {
  KIND_PROPERTIES,
  RELATIONSHIPS,
  type EntityLabel,
  type EntityRelationshipType,
  type PropertyType,
} from '../../src/graph/model.js';
import { ClaimReference } from './claim-reference.js';

export type ScalarValue = string | number;

export interface CitationInput {
  /** A Source id. */
  source: string;
  quote?: string;
  locator?: string;
}

/** Write-level claim arguments: they apply to every claim the write makes. */
export interface ClaimArgs {
  /** Absent: the write's UTC date; null: always. */
  validFrom?: string | null;
  validTo?: string | null;
  citations?: CitationInput[];
  confidence?: number;
}

/** The claim a write made or touched: its existence/relationship claim, or the claim of one value. */
export interface ClaimRef {
  /** Index of the write in `writes`. */
  write: number;
  kind: 'ENTITY' | 'RELATIONSHIP' | 'VALUE';
  field?: string;
}

export type Write =
  | {
      op: 'upsert';
      label: EntityLabel;
      slug: string;
      name: string;
      /** Sourced values to write; null removes one (closes its open claim). */
      values: Record<string, ScalarValue | null>;
      claim: ClaimArgs;
    }
  | {
      op: 'connect';
      type: EntityRelationshipType;
      from: string;
      to: string;
      properties: Record<string, ScalarValue | null>;
      claim: ClaimArgs;
    }
  | { op: 'disconnect'; type: EntityRelationshipType; from: string; to: string; validTo?: string }
  | { op: 'retractClaim'; target: ClaimRef; reason: string }
  | { op: 'deleteEntity'; slug: string };

export interface WriteHistory {
  seed: number;
  /** Sources to create before the writes (citations name them). */
  sources: { id: string; title: string }[];
  /** Every entity the writes may name, with its label and (fixed) name. */
  entities: { slug: string; label: EntityLabel; name: string }[];
  writes: Write[];
}

export interface HistoryOptions {
  seed: number;
  /** Entities in the pool (at most 30). */
  entities?: number;
  writes?: number;
  /** Kebab-case prefix of every slug and source id. */
  prefix?: string;
  /** The UTC date the writes will be committed on (what an absent validFrom means). */
  today?: string;
  /** Also write what the rules leave open (see claim-reference.ts): nulls and disconnects before a claim starts. */
  edgeCases?: boolean;
  /**
   * Connect, disconnect and delete only entities whose existence is in force today (for a server
   * that finds the ends of those writes among today's entities only).
   */
  inForceEndsOnly?: boolean;
  /** Let some disconnects name their own validTo (false for an API whose disconnect takes none). */
  disconnectValidTo?: boolean;
  /** Which claims retractClaim may name: any value or relationship claim, or entities' values only. */
  retractable?: 'all' | 'entity-values';
  /** Let the upsert that creates an entity give it a validTo (an entity that no longer exists). */
  endingEntities?: boolean;
}

/** Dates explicit validFrom/validTo take: few, so that writes often fall on the same day. */
export const HISTORY_DATES = [
  '2024-01-01',
  '2024-06-15',
  '2024-11-05',
  '2025-01-21',
  '2025-03-01',
  '2025-07-01',
  '2025-07-15',
  '2025-12-31',
  '2026-03-01',
  '2026-06-30',
] as const;

const LABEL_WEIGHTS = { Company: 40, Person: 15, Project: 15, Datacenter: 15, Deal: 15 } as const;
const NAME_WORDS = ['Nova', 'Helix', 'Atlas', 'Orbit', 'Lumen', 'Cobalt', 'Zenith', 'Kepler', 'Strata', 'Vertex'];
const STRING_DOMAINS: Record<string, readonly string[]> = {
  'Company.kind': ['AI_LAB', 'CLOUD_PROVIDER', 'INVESTOR'],
  'Company.country': ['US', 'FR', 'JP'],
  'Project.status': ['ANNOUNCED', 'IN_PROGRESS', 'STALLED'],
  'Datacenter.status': ['PLANNED', 'UNDER_CONSTRUCTION', 'OPERATIONAL'],
  'Datacenter.location': ['Abilene, Texas', 'Paris, France'],
  'Deal.kind': ['COMPUTE_LEASE', 'INVESTMENT'],
  'LEADS.title': ['Chair', 'Chief Executive Officer'],
  'PARTICIPATES_IN.role': ['lead', 'financier'],
  'PARTY_TO.role': ['buyer', 'seller', 'investor'],
};
const NUMBERS = [100, 250, 500, 1_000];
const RETRACT_REASONS = ['misread source', 'duplicate', 'source withdrew it'];

type Random = ReturnType<typeof createRandom>;

/** A value for `field` (of type `type`) from its small domain. */
function valueFor(random: Random, key: string, type: PropertyType): ScalarValue {
  if (type === 'number') return random.pick(NUMBERS);
  if (type === 'date') return random.pick(HISTORY_DATES);
  return random.pick(STRING_DOMAINS[key] ?? ['alpha', 'beta']);
}

/** Write-level validity and citations: absent, always, or a pooled date; now and then an end. */
function claimArgs(random: Random, sources: readonly string[]): ClaimArgs {
  const args: ClaimArgs = {};
  const u = random.next();
  if (u < 0.1) args.validFrom = null;
  else if (u < 0.65) args.validFrom = random.pick(HISTORY_DATES);
  if (random.chance(0.15)) {
    const after = HISTORY_DATES.filter((d) => typeof args.validFrom !== 'string' || d > args.validFrom);
    if (after.length > 0 && args.validFrom !== undefined) args.validTo = random.pick(after);
  }
  if (random.chance(0.6)) args.citations = [{ source: random.pick(sources), locator: `¶${random.int(1, 9)}` }];
  if (random.chance(0.2)) args.confidence = random.pick([0.5, 0.8, 1]);
  return args;
}

/** What the generator knows while it writes: the pool, a replica of the claims, and what was made. */
interface HistoryRun {
  random: Random;
  options: Required<HistoryOptions>;
  history: WriteHistory;
  replica: ClaimReference;
  /** Quarter-second steps after midnight of `today`: the replica's commit instants. */
  instant: number;
  created: Set<string>;
  deleted: Set<string>;
}

const live = (run: HistoryRun) => run.history.entities.filter((e) => !run.deleted.has(e.slug));
/** Entities a connect, disconnect or delete may name: written, not deleted, and (if asked) in force today. */
const nameable = (run: HistoryRun) =>
  live(run).filter(
    (e) =>
      run.created.has(e.slug) &&
      (!run.options.inForceEndsOnly ||
        run.replica.exists(e.slug, { asOf: run.options.today, knownAt: Number.POSITIVE_INFINITY })),
  );
const sourceIds = (run: HistoryRun) => run.history.sources.map((s) => s.id);

function upsertWrite(run: HistoryRun, chosen?: WriteHistory['entities'][number]): Write | undefined {
  const { random } = run;
  const entity = chosen ?? random.pick(live(run));
  if (!entity) return undefined;
  const values: Record<string, ScalarValue | null> = {};
  for (const [field, type] of Object.entries(KIND_PROPERTIES[entity.label] as Record<string, PropertyType>)) {
    if (!random.chance(0.5)) continue;
    values[field] =
      run.created.has(entity.slug) && random.chance(0.1) ? null : valueFor(random, `${entity.label}.${field}`, type);
  }
  const claim = claimArgs(random, sourceIds(run));
  // The upsert that creates an entity gives its existence claim the write's validity.
  if (!run.options.endingEntities && !run.created.has(entity.slug)) delete claim.validTo;
  const nulls = Object.keys(values).filter((field) => values[field] === null);
  if (nulls.length > 0 && !run.options.edgeCases) {
    // A null closes the open claim at the write's validFrom: only after that claim starts.
    const closesAt = claim.validFrom === undefined ? run.options.today : claim.validFrom;
    const endsTooEarly = nulls.some((field) =>
      run.replica.openClaims(entity.slug, field).some((c) => closesAt === null || (c.validFrom ?? '') >= closesAt),
    );
    if (endsTooEarly || closesAt === null || claim.validTo != null) for (const field of nulls) delete values[field];
  }
  run.created.add(entity.slug);
  return { op: 'upsert', label: entity.label, slug: entity.slug, name: entity.name, values, claim };
}

/** Relationship types with their allowed ends among the created, live entities. */
function connectable(run: HistoryRun): { type: EntityRelationshipType; from: string[]; to: string[] }[] {
  const labelled = (labels: readonly string[]) =>
    nameable(run)
      .filter((e) => labels.includes(e.label))
      .map((e) => e.slug);
  return (Object.keys(RELATIONSHIPS) as EntityRelationshipType[])
    .filter((type) => type !== ('MENTIONS' as string) && type !== ('CITES' as string))
    .map((type) => ({ type, from: labelled(RELATIONSHIPS[type].from), to: labelled(RELATIONSHIPS[type].to) }))
    .filter((c) => c.from.length > 0 && c.to.length > 0);
}

function connectWrite(run: HistoryRun): Write | undefined {
  const { random } = run;
  const choice = random.pick(connectable(run));
  if (!choice) return undefined;
  const from = random.pick(choice.from);
  const to = random.pick(choice.to);
  if (from === to) return undefined;
  const properties: Record<string, ScalarValue | null> = {};
  for (const [field, type] of Object.entries(RELATIONSHIPS[choice.type].properties as Record<string, PropertyType>))
    if (random.chance(0.6)) properties[field] = valueFor(random, `${choice.type}.${field}`, type);
  return { op: 'connect', type: choice.type, from, to, properties, claim: claimArgs(random, sourceIds(run)) };
}

function disconnectWrite(run: HistoryRun): Write | undefined {
  const { random } = run;
  const ends = new Set(nameable(run).map((e) => e.slug));
  const open = run.replica.openRelationships().filter((c) => ends.has(c.subject) && ends.has(c.object!));
  const claim = random.pick(open);
  if (!claim) return undefined;
  const write: Write = { op: 'disconnect', type: claim.type!, from: claim.subject, to: claim.object! };
  const later = HISTORY_DATES.filter((d) => claim.validFrom === null || d > claim.validFrom);
  if (run.options.disconnectValidTo && random.chance(0.4) && later.length > 0) write.validTo = random.pick(later);
  const endsOn = write.validTo ?? run.options.today;
  // Every claim of the relationship in force on that day ends then: only after each one starts.
  const ended = run.replica
    .relationshipClaims(write.from, write.type, write.to)
    .filter((c) => c.validTo === null || c.validTo > endsOn);
  if (!run.options.edgeCases && ended.some((c) => c.validFrom !== null && c.validFrom >= endsOn)) return undefined;
  return write;
}

function retractWrite(run: HistoryRun): Write | undefined {
  const { random } = run;
  const refs: ClaimRef[] = [];
  run.history.writes.forEach((w, write) => {
    const all = run.options.retractable === 'all';
    if (w.op === 'connect' && all) refs.push({ write, kind: 'RELATIONSHIP' });
    const values = w.op === 'upsert' ? w.values : w.op === 'connect' && all ? w.properties : {};
    for (const [field, value] of Object.entries(values)) if (value !== null) refs.push({ write, kind: 'VALUE', field });
  });
  const asserted = refs.filter((ref) => {
    const claim = run.replica.claimOf(ref);
    return claim !== undefined && claim.retractedAt === null;
  });
  const target = random.pick(asserted);
  return target && { op: 'retractClaim', target, reason: random.pick(RETRACT_REASONS) };
}

function deleteWrite(run: HistoryRun): Write | undefined {
  const candidates = nameable(run);
  // Keep most of the graph: deletions stop when a third of the pool is gone.
  if (run.deleted.size >= run.history.entities.length / 3) return undefined;
  const entity = run.random.pick(candidates);
  if (!entity) return undefined;
  run.deleted.add(entity.slug);
  return { op: 'deleteEntity', slug: entity.slug };
}

const WRITE_MAKERS = [
  [upsertWrite, 45],
  [connectWrite, 30],
  [disconnectWrite, 9],
  [retractWrite, 10],
  [deleteWrite, 3],
] as const;

function pickMaker(random: Random) {
  let u = random.next() * WRITE_MAKERS.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [maker, weight] of WRITE_MAKERS) {
    u -= weight;
    if (u < 0) return maker;
  }
  return upsertWrite;
}

function entityPool(random: Random, count: number, prefix: string): WriteHistory['entities'] {
  const labels = Object.keys(LABEL_WEIGHTS) as (keyof typeof LABEL_WEIGHTS)[];
  return Array.from({ length: count }, (_, i) => {
    // Every label at least once, then by weight.
    const label = i < labels.length ? labels[i]! : random.weighted(LABEL_WEIGHTS);
    const word = NAME_WORDS[(i * 7) % NAME_WORDS.length]!;
    return {
      slug: `${prefix}-${label.toLowerCase()}-${i}`,
      label,
      name: `${word} ${label} ${String(i).padStart(2, '0')}`,
    };
  });
}

/**
 * A random write history: first an upsert creating each of a few entities, then `writes` writes
 * of every kind. The same options give the same history.
 */
export function generateWriteHistory(options: HistoryOptions): WriteHistory {
  const settings: Required<HistoryOptions> = {
    entities: 12,
    writes: 60,
    prefix: 'hist',
    today: new Date().toISOString().slice(0, 10),
    edgeCases: false,
    inForceEndsOnly: false,
    disconnectValidTo: true,
    retractable: 'all',
    endingEntities: true,
    ...options,
  };
  if (settings.entities > 30 || settings.entities < 5) throw new RangeError('entities must be 5 to 30');
  const random = createRandom(settings.seed);
  const sources = [0, 1, 2].map((i) => ({ id: `${settings.prefix}-source-${i}`, title: `Report ${i}` }));
  const history: WriteHistory = { seed: settings.seed, sources, entities: [], writes: [] };
  history.entities = entityPool(random, settings.entities, settings.prefix);
  const run: HistoryRun = {
    random,
    options: settings,
    history,
    replica: new ClaimReference(),
    instant: Date.parse(`${settings.today}T00:00:00Z`),
    created: new Set(),
    deleted: new Set(),
  };
  const add = (write: Write | undefined) => {
    if (!write) return;
    history.writes.push(write);
    run.instant += 250;
    run.replica.apply(write, run.instant);
  };
  const firstUpserts = Math.ceil(settings.entities / 2);
  for (const entity of history.entities.slice(0, firstUpserts)) add(upsertWrite(run, entity));
  while (history.writes.length < settings.writes + firstUpserts) add(pickMaker(random)(run));
  return history;
}

/** One GraphQL request of a history: the document and its variables. */
export interface GraphQLWrite {
  query: string;
  variables: Record<string, unknown>;
}

const UPSERT_FIELDS: Record<EntityLabel, string> = {
  Person: 'upsertPerson',
  Company: 'upsertCompany',
  Project: 'upsertProject',
  Datacenter: 'upsertDatacenter',
  Deal: 'upsertDeal',
};

/** The write arguments as an input's fields: only those the write gives (absent stays absent). */
function claimInput(args: ClaimArgs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}

/** The requests that create a history's sources (before its writes). */
export function sourceRequests(history: WriteHistory): GraphQLWrite[] {
  return history.sources.map((source) => ({
    query: 'mutation ($input: AddSourceInput!) { addSource(input: $input) { id } }',
    variables: { input: source },
  }));
}

/**
 * The public mutation for a write. `claimIdOf` gives the server's id of the claim a retraction
 * names (the driver finds it, e.g. among `claims(field:)`, by what claim-reference.ts says of it).
 */
export function writeRequest(write: Write, claimIdOf: (ref: ClaimRef) => string): GraphQLWrite {
  switch (write.op) {
    case 'upsert': {
      const field = UPSERT_FIELDS[write.label];
      const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
      const input = { slug: write.slug, name: write.name, ...write.values, ...claimInput(write.claim) };
      return { query: `mutation ($input: ${type}!) { ${field}(input: $input) { id } }`, variables: { input } };
    }
    case 'connect': {
      const { type, from, to, properties } = write;
      const input = { type, from, to, properties, ...claimInput(write.claim) };
      return { query: 'mutation ($input: ConnectInput!) { connect(input: $input) { created } }', variables: { input } };
    }
    case 'disconnect': {
      const { op: _, ...input } = write;
      return {
        query: 'mutation ($input: DisconnectInput!) { disconnect(input: $input) { removed } }',
        variables: { input },
      };
    }
    case 'retractClaim':
      return {
        query: 'mutation ($id: ID!, $reason: String!) { retractClaim(id: $id, reason: $reason) { claim { id } } }',
        variables: { id: claimIdOf(write.target), reason: write.reason },
      };
    case 'deleteEntity':
      return { query: 'mutation ($id: ID!) { deleteEntity(id: $id) { deletedId } }', variables: { id: write.slug } };
  }
}
