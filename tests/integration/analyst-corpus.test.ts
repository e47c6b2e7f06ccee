/**
 * Analyst filters and aggregates on generated data, against hand-written reference Cypher: a
 * seeded generator draws random filters (boolean operators, string matches, ranges, relationship
 * predicates nested two deep); each is answered by the API (planner on and off) and by a
 * reference translator written here in another style (pattern comprehensions and list sizes,
 * not the EXISTS/COUNT subqueries src/graph/filters.ts writes), and the answers must be equal:
 * the matching slugs, totalCount, and every aggregate and group. Planned, a filter with nested
 * aggregates costs one round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let planned: ReturnType<typeof testServer>;
let loaded: ReturnType<typeof testServer>;
const prefix = uniquePrefix('analyst');
let scope: { Company: string[]; Deal: string[] };
let hubs: string[];
/** Deals of each hub company, unfiltered. */
let hubDeals: Map<string, number>;

beforeAll(async () => {
  t = await openTestGraph();
  planned = testServer(t.graph, { ...t.config, debugExtensions: true, readPlanner: true });
  loaded = testServer(t.graph, { ...t.config, debugExtensions: true, readPlanner: false });
  const data = generateGraph({ entities: 900, seed: 23, prefix });
  await loadGraph(t.db, data, { batchSize: 500 });
  scope = {
    Company: data.entities.filter((e) => e.label === 'Company').map((e) => e.slug),
    Deal: data.entities.filter((e) => e.label === 'Deal').map((e) => e.slug),
  };
  const rows = await t.db.read(
    `MATCH (c:Company)-[:PARTY_TO]->() WHERE c.slug STARTS WITH $p RETURN c.slug AS slug, count(*) AS n ORDER BY n DESC, slug LIMIT 6`,
    { p: `${prefix}-` },
  );
  hubs = rows.map((r) => r.slug as string);
  hubDeals = new Map(rows.map((r) => [r.slug as string, Number(r.n)]));
}, 180_000);

afterAll(async () => {
  await deleteByPrefix(t.db, prefix);
  await t.close();
});

// ---------------------------------------------------------------------------------------------
// A seeded generator of filters

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Filter = Record<string, unknown>;
type Label = 'Company' | 'Deal' | 'Person' | 'Project';

class Draw {
  constructor(readonly random: () => number) {}
  int = (lo: number, hi: number) => lo + Math.floor(this.random() * (hi - lo + 1));
  pick = <T>(list: readonly T[]): T => list[this.int(0, list.length - 1)]!;
  chance = (p: number) => this.random() < p;
  some = <T>(list: readonly T[]) =>
    list
      .filter(() => this.chance(0.4))
      .slice(0, 3)
      .concat(this.pick(list));
}

const COMPANY_KINDS = ['AI_LAB', 'CLOUD_PROVIDER', 'INVESTOR', 'CHIPMAKER', 'ENERGY', 'MEDIA', 'OTHER'];
const DEAL_KINDS = ['COMPUTE_LEASE', 'CLOUD_CONTRACT', 'INVESTMENT', 'PARTNERSHIP', 'OTHER'];
const COUNTRIES = ['US', 'CN', 'JP', 'GB', 'FR', 'DE'];
const ROLES = ['lessee', 'lessor', 'customer', 'provider', 'investor', 'recipient', 'partner', 'buyer', 'seller'];
const NAME_BITS = ['nova', 'he', 'qua', 'ver', 'atlas', 'cirrus', 'lu', 'or', 'str', 'tensor', 'cloud', 'lab', 'lease'];
const TITLES = ['Chief', 'Chair', 'founder', 'President', 'Officer'];

function stringMatch(d: Draw, values: readonly string[]): Filter {
  const kind = d.int(0, 3);
  if (kind === 0) return { eq: d.pick(values) };
  if (kind === 1) return { in: d.some(values) };
  if (kind === 2) return { contains: d.pick(NAME_BITS) };
  return { startsWith: d.pick(NAME_BITS).slice(0, 2) };
}

const money = (d: Draw) => Math.round(10 ** (6 + d.random() * 5));
const day = (d: Draw) => `${d.int(2012, 2026)}-${String(d.int(1, 12)).padStart(2, '0')}-01`;

function range(d: Draw, low: string, high: string, value: () => unknown): Filter {
  const which = d.int(0, 2);
  const a = value();
  const b = value();
  const [lo, hi] = (a as number | string) < (b as number | string) ? [a, b] : [b, a];
  return which === 0 ? { [low]: lo } : which === 1 ? { [high]: hi } : { [low]: lo, [high]: hi };
}

/** One leaf or relationship predicate of a `label` filter; `depth` bounds the nesting. */
function clause(d: Draw, label: Label, depth: number): Filter {
  const options: Array<() => Filter> = [
    () => ({ name: stringMatch(d, [`${label} name`]) }),
    () => ({ nameContains: d.pick(NAME_BITS) }),
  ];
  if (label === 'Company') {
    options.push(
      () => ({ kinds: d.some(COMPANY_KINDS) }),
      () => ({ country: d.pick(COUNTRIES) }),
    );
    if (depth > 0) {
      options.push(
        () => ({ deals: { [d.pick(['some', 'none', 'all'])]: edge(d, 'Deal', depth - 1) } }),
        () => ({ deals: { count: range(d, 'gte', 'lte', () => d.int(0, 12)) } }),
        () => ({ leaders: { some: { title: { contains: d.pick(TITLES) } } } }),
        () => ({ investors: { count: { gte: d.int(0, 2) } } }),
      );
    }
  } else if (label === 'Deal') {
    options.push(
      () => ({ kinds: d.some(DEAL_KINDS) }),
      () => ({ valueUsd: range(d, 'gte', 'lte', () => money(d)) }),
      () => ({ announcedOn: range(d, 'from', 'to', () => day(d)) }),
    );
    if (depth > 0) {
      options.push(
        () => ({ parties: { [d.pick(['some', 'none', 'all'])]: edge(d, 'Company', depth - 1) } }),
        () => ({ parties: { count: { gte: d.int(2, 4) } } }),
        () => ({ projects: { count: { lte: d.int(0, 1) } } }),
      );
    }
  }
  return d.pick(options)();
}

function edge(d: Draw, far: 'Deal' | 'Company', depth: number): Filter {
  const out: Filter = {};
  if (d.chance(0.6)) out.role = stringMatch(d, ROLES);
  if (!out.role || d.chance(0.5)) out.node = filter(d, far, depth);
  return out;
}

/** A filter: clauses combined by AND/OR/NOT, at most `depth` relationship hops deep. */
function filter(d: Draw, label: Label, depth: number): Filter {
  const shape = d.int(0, 5);
  if (shape <= 1) return clause(d, label, depth);
  if (shape === 2) return { ...clause(d, label, depth), ...clause(d, label, depth) };
  if (shape === 3) return { OR: [clause(d, label, depth), clause(d, label, depth)] };
  if (shape === 4) return { NOT: clause(d, label, depth) };
  return { AND: [{ NOT: clause(d, label, depth) }, { OR: [clause(d, label, depth), clause(d, label, 0)] }] };
}

// ---------------------------------------------------------------------------------------------
// The reference: the same filter as hand-written Cypher, in another style

const RELATIONS: Record<string, { pattern: (v: string, r: string, m: string) => string; far: Label }> = {
  'Company.deals': { pattern: (v, r, m) => `(${v})-[${r}:PARTY_TO]->(${m}:Deal)`, far: 'Deal' },
  'Company.leaders': { pattern: (v, r, m) => `(${v})<-[${r}:LEADS]-(${m}:Person)`, far: 'Person' },
  'Company.investors': { pattern: (v, r, m) => `(${v})<-[${r}:INVESTS_IN]-(${m}:Company)`, far: 'Company' },
  'Deal.parties': { pattern: (v, r, m) => `(${v})<-[${r}:PARTY_TO]-(${m}:Company)`, far: 'Company' },
  'Deal.projects': { pattern: (v, r, m) => `(${v})-[${r}:PART_OF]->(${m}:Project)`, far: 'Project' },
};

class Reference {
  params: Record<string, unknown> = {};
  private n = 0;
  private p(value: unknown) {
    const name = `ref${this.n++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  match(target: string, m: Filter): string[] {
    const out: string[] = [];
    if (m.eq != null) out.push(`${target} = ${this.p(m.eq)}`);
    if (m.in != null) out.push(`${target} IN ${this.p(m.in)}`);
    if (m.contains != null) out.push(`toLower(${target}) CONTAINS ${this.p(String(m.contains).toLowerCase())}`);
    if (m.startsWith != null)
      out.push(
        `left(toLower(${target}), ${String(m.startsWith).length}) = ${this.p(String(m.startsWith).toLowerCase())}`,
      );
    return out;
  }

  range(target: string, r: Filter, low: string, high: string, wrap = (x: string) => x): string[] {
    const out: string[] = [];
    if (r[low] != null) out.push(`${target} >= ${wrap(this.p(r[low]))}`);
    if (r[high] != null) out.push(`${target} <= ${wrap(this.p(r[high]))}`);
    return out;
  }

  /** True/false for every node: a missing property makes its test false. */
  node(label: Label, f: Filter, v: string): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(f)) {
      if (key === 'name') parts.push(...this.match(`${v}.name`, value as Filter));
      else if (key === 'nameContains') parts.push(`toLower(${v}.name) CONTAINS ${this.p(String(value).toLowerCase())}`);
      else if (key === 'slugs') parts.push(`${v}.slug IN ${this.p(value)}`);
      else if (key === 'kinds') parts.push(`${v}.kind IN ${this.p(value)}`);
      else if (key === 'country') parts.push(`${v}.country = ${this.p(value)}`);
      else if (key === 'valueUsd') parts.push(...this.range(`${v}.valueUsd`, value as Filter, 'gte', 'lte'));
      else if (key === 'announcedOn')
        parts.push(...this.range(`${v}.announcedOn`, value as Filter, 'from', 'to', (x) => `date(${x})`));
      else if (key === 'AND') parts.push(...(value as Filter[]).map((x) => this.node(label, x, v)));
      else if (key === 'OR')
        parts.push(
          `any(x IN [${(value as Filter[]).map((x) => `coalesce(${this.node(label, x, v)}, false)`).join(', ')}] WHERE x)`,
        );
      else if (key === 'NOT') parts.push(`CASE WHEN ${this.node(label, value as Filter, v)} THEN false ELSE true END`);
      else parts.push(...this.relation(`${label}.${key}`, value as Filter, v));
    }
    return parts.length === 0 ? 'true' : parts.map((x) => `coalesce(${x}, false)`).join(' AND ');
  }

  relation(name: string, f: Filter, v: string): string[] {
    const rel = RELATIONS[name]!;
    const r = `${v}r${this.n}`;
    const m = `${v}m${this.n++}`;
    const all = `size([${rel.pattern(v, r, m)} | 1])`;
    const passing = (e: Filter) => `size([${rel.pattern(v, r, m)} WHERE ${this.edge(rel.far, e, r, m)} | 1])`;
    const out: string[] = [];
    if (f.some) out.push(`${passing(f.some as Filter)} > 0`);
    if (f.none) out.push(`${passing(f.none as Filter)} = 0`);
    if (f.all) out.push(`${passing(f.all as Filter)} = ${all}`);
    if (f.count) out.push(...this.range(all, f.count as Filter, 'gte', 'lte'));
    return out;
  }

  edge(far: Label, e: Filter, r: string, m: string): string {
    const parts: string[] = [];
    if (e.role) parts.push(...this.match(`${r}.role`, e.role as Filter));
    if (e.title) parts.push(...this.match(`${r}.title`, e.title as Filter));
    if (e.node) parts.push(this.node(far, e.node as Filter, m));
    return parts.length === 0 ? 'true' : parts.map((x) => `coalesce(${x}, false)`).join(' AND ');
  }
}

interface Expected {
  slugs: string[];
  count: number;
  stats: { sum: number; min: number | null; max: number | null; avg: number | null } | null;
  groups: Array<{ key: string | null; count: number }>;
}

async function reference(label: 'Company' | 'Deal', f: Filter): Promise<Expected> {
  const ref = new Reference();
  const where = ref.node(label, f, 'x');
  const numeric = label === 'Deal' ? 'x.valueUsd' : null;
  const group = label === 'Deal' ? 'x.kind' : 'x.country';
  const params = { ...ref.params, scope: scope[label] };
  const base = `MATCH (x:${label}) WHERE x.slug IN $scope AND ${where}`;
  const [totals] = await t.db.read(
    `${base} WITH x ORDER BY x.name, x.id RETURN collect(x.slug) AS slugs, count(x) AS count${numeric ? `, sum(${numeric}) AS sum, min(${numeric}) AS min, max(${numeric}) AS max, avg(${numeric}) AS avg` : ''}`,
    params,
  );
  const groups = await t.db.read(`${base} RETURN ${group} AS key, count(*) AS count ORDER BY count DESC, key`, params);
  return {
    slugs: totals!.slugs as string[],
    count: Number(totals!.count),
    stats: numeric
      ? {
          sum: Number(totals!.sum),
          min: totals!.min as number | null,
          max: totals!.max as number | null,
          avg: totals!.avg as number | null,
        }
      : null,
    groups: groups.map((g) => ({ key: g.key as string | null, count: Number(g.count) })),
  };
}

// ---------------------------------------------------------------------------------------------

type Answer = {
  edges: Array<{ node: { slug: string } }>;
  totalCount: number;
  aggregate: { count: number; valueUsd?: Expected['stats']; groupBy: Expected['groups'] };
};

function rootQuery(label: 'Company' | 'Deal') {
  const field = label === 'Company' ? 'companies' : 'deals';
  return `query($filter: ${label}Filter!, $scope: [String!]) {
    ${field}(first: 100, filter: { slugs: $scope, AND: [$filter] }) {
      totalCount edges { node { slug } }
      aggregate { count ${label === 'Deal' ? 'valueUsd { sum min max avg }' : ''} groupBy(field: ${label === 'Deal' ? 'KIND' : 'COUNTRY'}, first: 100) { key count } }
    } }`;
}

const close = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null
    ? expect(a ?? null).toBe(b ?? null)
    : expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(b) * 1e-9);

describe('filters and aggregates equal hand-written Cypher, on random filters', () => {
  const CASES: Array<{ label: 'Company' | 'Deal'; seed: number }> = [
    ...Array.from({ length: 22 }, (_, i) => ({ label: 'Company' as const, seed: 100 + i })),
    ...Array.from({ length: 14 }, (_, i) => ({ label: 'Deal' as const, seed: 200 + i })),
  ];

  it(`answers ${CASES.length} random root filters with their aggregates as the reference does, planner on and off`, async () => {
    let nonEmpty = 0;
    let notAll = 0;
    for (const { label, seed } of CASES) {
      const f = filter(new Draw(mulberry32(seed)), label, 2);
      const why = `${label} ${JSON.stringify(f)}`;
      const expected = await reference(label, f);
      const field = label === 'Company' ? 'companies' : 'deals';
      for (const yoga of [planned, loaded]) {
        const res = await gql<Record<string, Answer>>(yoga, rootQuery(label), { filter: f, scope: scope[label] });
        expect(res.errors, why).toBeUndefined();
        const answer = res.data![field]!;
        expect(
          answer.edges.map((e) => e.node.slug),
          why,
        ).toEqual(expected.slugs.slice(0, 100));
        expect(answer.totalCount, why).toBe(expected.count);
        expect(answer.aggregate.count, why).toBe(expected.count);
        expect(answer.aggregate.groupBy, why).toEqual(expected.groups);
        if (expected.stats) {
          close(answer.aggregate.valueUsd!.sum, expected.stats.sum);
          close(answer.aggregate.valueUsd!.min, expected.stats.min);
          close(answer.aggregate.valueUsd!.max, expected.stats.max);
          close(answer.aggregate.valueUsd!.avg, expected.stats.avg);
        }
        if (yoga === planned) expect((res.extensions?.cypher as { roundTrips: number }).roundTrips, why).toBe(1);
      }
      if (expected.count > 0) nonEmpty++;
      if (expected.count < scope[label].length) notAll++;
    }
    // The generator must draw filters that select something and filters that leave something out.
    expect(nonEmpty).toBeGreaterThan(CASES.length / 3);
    expect(notAll).toBeGreaterThan(CASES.length / 2);
  }, 120_000);

  it('answers filtered, grouped relationship aggregates under each hub company as the reference does, in one round trip', async () => {
    let nonEmpty = 0;
    let notAll = 0;
    for (let i = 0; i < 6; i++) {
      const d = new Draw(mulberry32(300 + i));
      const dealFilter = filter(d, 'Deal', 1);
      const ref = new Reference();
      const where = ref.node('Deal', dealFilter, 'x');
      const rows = await t.db.read(
        `UNWIND $hubs AS hub MATCH (c:Company {slug: hub})-[r:PARTY_TO]->(x:Deal) WHERE ${where}
         WITH hub, r.role AS role, count(*) AS n, sum(x.valueUsd) AS total ORDER BY n DESC, role
         RETURN hub, collect({ key: role, count: n }) AS groups, sum(n) AS count, sum(total) AS total`,
        { ...ref.params, hubs },
      );
      const expected = new Map(
        rows.map((r) => [r.hub as string, { count: Number(r.count), total: Number(r.total), groups: r.groups }]),
      );
      const query = `query($hubs: [String!], $f: DealFilter!) { companies(first: 10, filter: { slugs: $hubs }) { edges { node { slug
        deals(filter: $f) { totalCount aggregate { count valueUsd { sum } groupBy(field: ROLE) { key count } } } } } } }`;
      for (const yoga of [planned, loaded]) {
        const res = await gql<{
          companies: {
            edges: Array<{
              node: {
                slug: string;
                deals: {
                  totalCount: number;
                  aggregate: { count: number; valueUsd: { sum: number }; groupBy: unknown[] };
                };
              };
            }>;
          };
        }>(yoga, query, { hubs, f: dealFilter });
        const why = JSON.stringify(dealFilter);
        expect(res.errors, why).toBeUndefined();
        expect(res.data!.companies.edges).toHaveLength(hubs.length);
        for (const { node } of res.data!.companies.edges) {
          const want = expected.get(node.slug) ?? { count: 0, total: 0, groups: [] };
          expect(node.deals.totalCount, why).toBe(want.count);
          expect(node.deals.aggregate.count, why).toBe(want.count);
          close(node.deals.aggregate.valueUsd.sum, want.total);
          expect(node.deals.aggregate.groupBy, why).toEqual(want.groups);
        }
        if (yoga === planned) expect((res.extensions?.cypher as { roundTrips: number }).roundTrips).toBe(1);
        // Loaded: the page, then one batched statement per field of the level (count, aggregate).
        else expect((res.extensions?.cypher as { roundTrips: number }).roundTrips).toBeLessThanOrEqual(3);
      }
      for (const hub of hubs) {
        const count = expected.get(hub)?.count ?? 0;
        if (count > 0) nonEmpty++;
        if (count < hubDeals.get(hub)!) notAll++;
      }
    }
    // Equal answers prove nothing if every filter matched no deal, or every deal: most of the 36
    // (hub, filter) pairs must have matching deals and deals left out (30 and 30 with these seeds).
    expect(nonEmpty).toBeGreaterThan(18);
    expect(notAll).toBeGreaterThan(18);
  }, 120_000);
});
