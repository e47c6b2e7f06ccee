/**
 * Claims and time, property-based: random write histories (tests/utils/claim-history.ts) go
 * through the public mutations; random reads at random (asOf, knownAt) through both servers
 * (read planner on and off) must answer what a naive replay of the same writes answers
 * (tests/utils/claim-reference.ts), and the two servers the same. knownAt instants are taken in
 * the gaps between writes, so each write's commit instant is known to the millisecond that matters.
 * CLAIMS_SEEDS=1,2,... runs other histories; CLAIMS_CLOSINGS=in-place reads closings as if they
 * had always been known (see CLOSINGS).
 */
import type { GraphQLInputObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/graph/generator.js';
import { KIND_PROPERTIES, RELATIONSHIPS, TYPED_RELATIONSHIPS, type EntityLabel } from '../../src/graph/model.js';
import {
  HISTORY_DATES,
  generateWriteHistory,
  sourceRequests,
  writeRequest,
  type ClaimRef,
  type WriteHistory,
} from '../utils/claim-history.js';
import { ClaimReference, type ClosingTime, type ReadTime, type ReferenceClaim } from '../utils/claim-reference.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { schema } from '../../src/schema/index.js';

/**
 * How knownAt reads see a validTo set by a later write: the SPEC's reading, 'recorded' (what the
 * graph held at knownAt), which the storage keeps with each closing's `closedAt`.
 */
const CLOSINGS: ClosingTime = (process.env.CLAIMS_CLOSINGS as ClosingTime | undefined) ?? 'recorded';
/**
 * Upserting an entity whose existence ends before today fails on the server so far (the upsert
 * answers with a node that no longer carries its kind label), so histories leave such writes out.
 */
const ENDING_ENTITIES = false;
/** What the API takes so far: reads and writes it does not take yet are left out (and listed as todo). */
const PATHS_AT_A_TIME = schema
  .getQueryType()!
  .getFields()
  .shortestPath!.args.some((a) => a.name === 'asOf');
const DISCONNECT_VALID_TO = Object.hasOwn(
  (schema.getType('DisconnectInput') as GraphQLInputObjectType).getFields(),
  'validTo',
);

const SEEDS = (process.env.CLAIMS_SEEDS ?? '1,2,3').split(',').map(Number);
const READS_PER_HISTORY = 30;
const ROOT_FIELDS: Record<EntityLabel, string> = {
  Person: 'people',
  Company: 'companies',
  Project: 'projects',
  Datacenter: 'datacenters',
  Deal: 'deals',
};
/** A numeric field per kind to sum, and a filter on it. */
const SUMMED: Partial<Record<EntityLabel, string>> = { Project: 'pledgedUsd', Datacenter: 'powerMw', Deal: 'valueUsd' };
/** The orderBy field of each summed value. */
const VALUE_ORDER: Partial<Record<EntityLabel, string>> = {
  Project: 'PLEDGED_USD',
  Datacenter: 'POWER_MW',
  Deal: 'VALUE_USD',
};

const NOT_FOUND = 'NOT_FOUND';
const KEY = 'claims-property-key-01';
const AS_WRITER = { authorization: `Bearer ${KEY}` };

let t: TestGraph;
let planned: ReturnType<typeof testServer>;
let loaded: ReturnType<typeof testServer>;
const prefixes: string[] = [];

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${KEY}:write+read` });
  planned = testServer(t.graph, { ...t.config, readPlanner: true });
  loaded = testServer(t.graph, { ...t.config, readPlanner: false });
}, 120_000);

afterAll(async () => {
  for (const prefix of prefixes) {
    await t.db.write(
      `MATCH (n:Entity|HEntity) WHERE n.slug STARTS WITH $p
       OPTIONAL MATCH (c:Claim) WHERE c.subject = n.id OR c.object = n.id
       OPTIONAL MATCH (v:Claim) WHERE v.subject = c.id
       DETACH DELETE v, c, n`,
      { p: `${prefix}-` },
    );
    await t.db.write('MATCH (s:Source) WHERE s.id STARTS WITH $p DETACH DELETE s', { p: `${prefix}-` });
  }
  await t.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function must(query: string, variables: Record<string, unknown>) {
  const answer = await gql(planned, query, variables, AS_WRITER);
  if (answer.errors) throw new Error(`${JSON.stringify(answer.errors)} for ${query} ${JSON.stringify(variables)}`);
  return answer.data!;
}

/**
 * The server's id of the value claim about an entity the reference knows as `claim`, matched on
 * what it says (the history retracts entities' values only: see retractable).
 */
async function serverClaimId(claim: ReferenceClaim, reference: ClaimReference): Promise<string> {
  const existence = reference.claimsAbout(claim.subject).find((c) => c.kind === 'ENTITY')!;
  const data = await must(
    `query ($s: String!, $f: String, $asOf: Date) {
      entity(slug: $s, asOf: $asOf) { claims(field: $f) { id value validFrom retractedAt } } }`,
    { s: claim.subject, f: claim.field, asOf: existence.validFrom ?? '1900-01-01' },
  );
  const claims =
    (
      data.entity as {
        claims: Array<{ id: string; value: unknown; validFrom: string | null; retractedAt: string | null }>;
      } | null
    )?.claims ?? [];
  const match = claims.find(
    (c) =>
      c.retractedAt === null &&
      c.validFrom === claim.validFrom &&
      JSON.stringify(c.value) === JSON.stringify(claim.value),
  );
  if (!match) throw new Error(`no server claim like ${JSON.stringify(claim)} among ${JSON.stringify(claims)}`);
  return match.id;
}

/** Runs a history through the API; returns the reference replayed at the commit instants and the gaps. */
async function writeHistory(history: WriteHistory) {
  for (const request of sourceRequests(history)) await must(request.query, request.variables);
  const reference = new ClaimReference({ closings: CLOSINGS });
  const gaps: number[] = [];
  let previous = Date.now();
  for (const write of history.writes) {
    await sleep(3);
    gaps.push(Math.floor((previous + Date.now()) / 2));
    let target: string | undefined;
    if (write.op === 'retractClaim') {
      const claim = reference.claimOf(write.target)!;
      target = await serverClaimId(claim, reference);
    }
    const request = writeRequest(write, (_: ClaimRef) => target!);
    await must(request.query, request.variables);
    previous = Date.now();
    reference.apply(write, previous);
  }
  gaps.push(previous + 1);
  return { reference, gaps };
}

interface Read {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  expected: unknown;
  pick: (d: never) => unknown;
  /** A root connection to read to its end, page by page (edges joined). */
  pages?: string;
}

type Connection = {
  totalCount: number;
  edges: unknown[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

/** Runs a read on one server, following pages when it has them; the data, or the errors. */
async function run(server: ReturnType<typeof testServer>, read: Read) {
  const answer = await gql(server, read.query, read.variables, AS_WRITER);
  if (answer.errors || !read.pages) return answer;
  const connection = (answer.data as Record<string, Connection>)[read.pages]!;
  for (let guard = 0; connection.pageInfo.hasNextPage && guard < 20; guard++) {
    const next = await gql(server, read.query, { ...read.variables, after: connection.pageInfo.endCursor }, AS_WRITER);
    if (next.errors) return next;
    const page = (next.data as Record<string, Connection>)[read.pages]!;
    connection.edges.push(...page.edges);
    connection.pageInfo = page.pageInfo;
  }
  return answer;
}

/** A random read at a random time, with what the reference answers. */
function randomRead(
  random: ReturnType<typeof createRandom>,
  history: WriteHistory,
  reference: ClaimReference,
  gaps: number[],
  today: string,
): Read {
  const asOf = random.chance(0.15) ? today : random.pick([...HISTORY_DATES, '2023-06-01', '2026-09-01']);
  const knownAt = random.chance(0.3) ? Number.POSITIVE_INFINITY : random.pick(gaps);
  const time: ReadTime = { asOf, knownAt };
  const at = { asOf, knownAt: Number.isFinite(knownAt) ? new Date(knownAt).toISOString() : null };
  const slugs = history.entities.map((e) => e.slug);
  const entity = random.pick(history.entities);
  const kind = random.int(0, PATHS_AT_A_TIME ? 4 : 3);
  if (kind === 0 && SUMMED[entity.label] && random.chance(0.5)) {
    // Every page by a sourced value, three at a time, over a range of it: the values in order at
    // the slice (the page is cut from settled, changing and held-back values: root-page.ts).
    const label = entity.label;
    const field = ROOT_FIELDS[label];
    const value = SUMMED[label]!;
    const where = { field: value, min: random.pick([0, 250, 500]) };
    const expected = reference.entitiesOf(label, time, { where }).slugs;
    return {
      name: `pages of ${label} by ${value} >= ${where.min}`,
      query: `query ($slugs: [String!], $min: Float, $after: String, $asOf: Date, $knownAt: DateTime) {
        ${field}(first: 3, after: $after, filter: { slugs: $slugs, ${value}: { gte: $min } },
          orderBy: { field: ${VALUE_ORDER[label]}, direction: DESC }, asOf: $asOf, knownAt: $knownAt) {
          edges { node { slug ${value} } } pageInfo { hasNextPage endCursor } } }`,
      variables: { slugs, min: where.min, ...at },
      expected: {
        values: expected.map((slug) => reference.value(slug, value, time)).sort((a, b) => Number(b) - Number(a)),
        slugs: [...expected].sort(),
      },
      pages: field,
      pick: (d: Record<string, { edges: { node: Record<string, unknown> & { slug: string } }[] }>) => ({
        values: d[field]!.edges.map((e) => e.node[value]),
        slugs: d[field]!.edges.map((e) => e.node.slug).sort(),
      }),
    };
  }
  if (kind === 0) {
    // Every page of a kind, three at a time (the driver follows endCursor): slugs in order, and the total.
    const label = entity.label;
    const field = ROOT_FIELDS[label];
    return {
      name: `pages of ${label}`,
      query: `query ($slugs: [String!], $after: String, $asOf: Date, $knownAt: DateTime) {
        ${field}(first: 3, after: $after, filter: { slugs: $slugs }, asOf: $asOf, knownAt: $knownAt) {
          totalCount edges { node { slug } } pageInfo { hasNextPage endCursor } } }`,
      variables: { slugs, ...at },
      expected: { slugs: reference.entitiesOf(label, time).slugs, total: reference.count(label, time) },
      pages: field,
      pick: (d: Record<string, { totalCount: number; edges: { node: { slug: string } }[] }>) => ({
        slugs: d[field]!.edges.map((e) => e.node.slug),
        total: d[field]!.totalCount,
      }),
    };
  }
  if (kind === 1) {
    const fields = Object.keys(KIND_PROPERTIES[entity.label]);
    const selection = fields.length > 0 ? `... on ${entity.label} { ${fields.join(' ')} }` : '';
    const expected = reference.exists(entity.slug, time)
      ? Object.fromEntries([['slug', entity.slug], ...fields.map((f) => [f, reference.value(entity.slug, f, time)])])
      : null;
    return {
      name: `values of ${entity.slug}`,
      query: `query ($s: String!, $asOf: Date, $knownAt: DateTime) { entity(slug: $s, asOf: $asOf, knownAt: $knownAt) { slug ${selection} } }`,
      variables: { s: entity.slug, ...at },
      expected,
      pick: (d: { entity: unknown }) => d.entity,
    };
  }
  if (kind === 2) {
    const typed = TYPED_RELATIONSHIPS.filter((r) => r.parentType === entity.label && r.type !== 'MENTIONS');
    const rel = random.pick(typed);
    if (!rel) return randomRead(random, history, reference, gaps, today);
    const props = Object.keys(RELATIONSHIPS[rel.type].properties);
    const related = reference
      .related(entity.slug, rel.type as never, rel.direction, time)
      .filter((r) => rel.nodeLabel === 'Entity' || reference.entity(r.slug)!.label === rel.nodeLabel);
    return {
      name: `${entity.slug}.${rel.fieldName}`,
      query: `query ($s: String!, $asOf: Date, $knownAt: DateTime) { entity(slug: $s, asOf: $asOf, knownAt: $knownAt) {
        ... on ${entity.label} { ${rel.fieldName}(first: 100) { totalCount edges { ${props.join(' ')} node { slug } } } } } }`,
      variables: { s: entity.slug, ...at },
      expected: reference.exists(entity.slug, time)
        ? related
            .map((r) => ({ slug: r.slug, ...Object.fromEntries(props.map((p) => [p, r.properties[p] ?? null])) }))
            .sort((a, b) => a.slug.localeCompare(b.slug))
        : null,
      pick: (d: {
        entity: Record<string, { edges: Array<Record<string, unknown> & { node: { slug: string } }> }> | null;
      }) =>
        d.entity
          ? d.entity[rel.fieldName]!.edges.map(({ node, ...p }) => ({ slug: node.slug, ...p })).sort((a, b) =>
              a.slug.localeCompare(b.slug),
            )
          : null,
    };
  }
  if (kind === 3) {
    const label = random.pick(Object.keys(SUMMED) as EntityLabel[]);
    const field = SUMMED[label]!;
    const min = random.pick([0, 250, 500]);
    const where = { field, min };
    return {
      name: `sum of ${label}.${field} >= ${min}`,
      query: `query ($slugs: [String!], $min: Float, $asOf: Date, $knownAt: DateTime) {
        ${ROOT_FIELDS[label]}(filter: { slugs: $slugs, ${field}: { gte: $min } }, asOf: $asOf, knownAt: $knownAt) {
          aggregate { count ${field} { sum } } } }`,
      variables: { slugs, min, ...at },
      expected: { count: reference.count(label, time, where), sum: reference.sum(label, field, time, where) },
      pick: (d: Record<string, { aggregate: Record<string, unknown> & { count: number } }>) => {
        const aggregate = d[ROOT_FIELDS[label]]!.aggregate;
        return { count: aggregate.count, sum: (aggregate[field] as { sum: number | null }).sum ?? 0 };
      },
    };
  }
  const other = random.pick(history.entities);
  return {
    name: `shortest path ${entity.slug} → ${other.slug}`,
    query: `query ($a: ID!, $b: ID!, $asOf: Date, $knownAt: DateTime) {
      shortestPath(from: $a, to: $b, maxHops: 6, asOf: $asOf, knownAt: $knownAt) { length } }`,
    variables: { a: entity.slug, b: other.slug, ...at },
    // An end that does not exist at the time is not found, as an unknown slug is.
    expected:
      entity.slug === other.slug
        ? undefined
        : reference.exists(entity.slug, time) && reference.exists(other.slug, time)
          ? reference.shortestPath(entity.slug, other.slug, time, 6)
          : NOT_FOUND,
    pick: (d: { shortestPath: { length: number } | null }) => d.shortestPath?.length ?? null,
  };
}

describe('claims and time on generated write histories', () => {
  for (const seed of SEEDS) {
    it(`answers as the naive replay does, planner on and off (history ${seed})`, async () => {
      const prefix = uniquePrefix(`prop${seed}`);
      prefixes.push(prefix);
      const today = new Date().toISOString().slice(0, 10);
      const history = generateWriteHistory({
        seed,
        prefix,
        today,
        writes: 40,
        entities: 12,
        retractable: 'entity-values',
        disconnectValidTo: DISCONNECT_VALID_TO,
        endingEntities: ENDING_ENTITIES,
      });
      const { reference, gaps } = await writeHistory(history);
      const random = createRandom(seed * 7919);
      const failures: string[] = [];
      for (let i = 0; i < READS_PER_HISTORY; i++) {
        const read = randomRead(random, history, reference, gaps, today);
        if (read.expected === undefined) continue;
        const [a, b] = await Promise.all([run(planned, read), run(loaded, read)]);
        const where = `${read.name} at ${JSON.stringify([read.variables.asOf, read.variables.knownAt])}`;
        const notFound = (x: typeof a) => x.errors?.every((e) => e.extensions?.code === 'NOT_FOUND') === true;
        if (read.expected === NOT_FOUND && notFound(a) && notFound(b)) continue;
        if (a.errors || b.errors) {
          failures.push(`${where}: errors ${JSON.stringify(a.errors ?? b.errors).slice(0, 1500)}`);
          continue;
        }
        const [got, other] = [read.pick(a.data as never), read.pick(b.data as never)];
        if (JSON.stringify(got) !== JSON.stringify(other))
          failures.push(`${where}: planner on ${JSON.stringify(got)} / off ${JSON.stringify(other)}`);
        if (JSON.stringify(got) !== JSON.stringify(read.expected))
          failures.push(`${where}: got ${JSON.stringify(got)}, reference ${JSON.stringify(read.expected)}`);
      }
      expect(failures).toEqual([]);
    }, 240_000);
  }
  if (!PATHS_AT_A_TIME) it.todo('shortest paths at (asOf, knownAt): shortestPath takes no asOf yet');
  if (!DISCONNECT_VALID_TO) it.todo('disconnect with its own validTo: DisconnectInput has none yet');
});
