import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  visit,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { schema } from '../../src/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { openTestGraph, type testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

/*
 * Operations generated from the schema itself with a seeded generator: random fields and
 * selections, arguments of the wrong type, huge and negative numbers, long and odd Unicode,
 * Lucene and Cypher syntax in every string, deep and wide nesting, many aliases, IDs and cursors
 * that are not ours, bad variables, malformed JSON and HTTP. Every answer is checked: no 5xx
 * (but the documented 503 OVERLOADED), no Cypher text, no stack trace, every error coded, and
 * the graph unchanged by everything refused.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? 20261126);
const OPERATIONS = Number(process.env.HOSTILE_OPERATIONS ?? 2000);

/** mulberry32: small, seeded, good enough to pick test cases reproducibly. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Gen = ReturnType<typeof generator>;

const prefix = uniquePrefix('hx');
const marker = prefix.replace('-', ''); // ends up in every generated string, so a leak is findable

// Injection payloads. None contains our own Cypher's tell-tales (":Entity", "$rows", "Neo."), so
// finding those in an answer means the server leaked its own statement, not an echo of ours.
const PAYLOADS = [
  "' OR 1=1 //",
  "x'}) MATCH (n) DETACH DELETE n //",
  '"}) RETURN 1 UNION MATCH (m) RETURN m //',
  '` MATCH (a) SET a.pwned = true //',
  '\\u0027; CALL dbms.shutdown() //',
  'name:(a OR b)^10 AND -c~2 +d*',
  '"phrase with \\"quotes\\"" AND field:[* TO *]',
  '*',
  '?',
  '~',
  '/.*/',
  'a AND OR NOT',
  '((((((((((',
  ')))',
  '{!func}',
  '\\',
  '',
  ' ',
  '\u0000\u0001\u0002',
  '\u202e\u2066 rtl override',
  'ﬁ ß İ ǅ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧨🔥 👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301\u0301 Z̷̧̛̖̰͚̞͂̅͐a̵̧̹͌l̶̙̗̈g̴͖̒o̷',
  '\ud800 lone surrogate',
  '\uffff\ufffe',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '%s%n%x',
  '../../../../etc/passwd',
  'NaN',
  '-0',
  '1e309',
  'null',
  'undefined',
  'true',
  '[object Object]',
];

/** Big things (long strings, long lists) allowed in the operation being built: a few, not a bomb. */
let bigLeft = 0;

function hostileString(g: Gen): string {
  const r = g.next();
  let s: string;
  if (r < 0.1 && bigLeft-- > 0)
    s = g.pick(['a', 'é', '🧨', "'", '"', '\\', ' ', 'MATCH ', '*']).repeat(g.pick([1000, 10_000, 60_000]));
  else if (r < 0.8) s = g.pick(PAYLOADS);
  else
    s = Array.from({ length: g.int(20) }, () =>
      String.fromCodePoint(
        g.pick([0x20 + g.int(95), 0x80 + g.int(0x700), 0x1f300 + g.int(300), 0xd800 + g.int(0x800)]),
      ),
    ).join('');
  return g.chance(0.8) ? `${s} ${marker}` : s;
}

interface Fixtures {
  slugs: string[];
  ids: string[];
}

function hostileId(g: Gen, fixtures: Fixtures | undefined): string {
  const r = g.next();
  if (fixtures && r < 0.2) return g.pick([...fixtures.slugs, ...fixtures.ids]); // ours: reads only
  if (r < 0.35)
    return encodeGlobalID(g.pick(['Company', 'Person', 'Deal', 'Source', 'User', 'Query', '']), hostileString(g));
  if (r < 0.45) return Buffer.from(hostileString(g)).toString('base64');
  if (r < 0.55) return g.pick(['UXVlcnk6MQ==', 'Q29tcGFueTo=', 'OjpfOjo=', '====', 'bm90IG91cnM']);
  return hostileString(g);
}

const INTS = [0, 1, -1, 7, 100, 101, 1000, -1000, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 53), 1e15];
const FLOATS = [0, -0, 0.5, -1.5, 1e308, -1e308, 1e-300, 5e-324, 2 ** 53 + 1, 123456789.123];

/** A JSON value for an input type; `wrong` makes it the wrong type now and then. */
function inputValue(type: GraphQLInputType, g: Gen, fixtures: Fixtures | undefined, depth = 0): unknown {
  if (g.chance(0.04)) return g.pick([null, 'wrong', 42, true, [], {}, { nested: { deep: [1, 'x'] } }]);
  if (isNonNullType(type)) return inputValue(type.ofType, g, fixtures, depth);
  if (isListType(type)) {
    const scalarItems =
      !isInputObjectType(getNamedType(type.ofType)) &&
      !isListType(isNonNullType(type.ofType) ? type.ofType.ofType : type.ofType);
    const n = scalarItems && g.chance(0.05) && bigLeft-- > 0 ? g.pick([500, 5000]) : g.int(4);
    return Array.from({ length: n }, () => inputValue(type.ofType, g, fixtures, depth + 1));
  }
  if (isEnumType(type))
    return g.chance(0.85) ? g.pick(type.getValues()).name : g.pick(['NOT_A_VALUE', 'lowercase', '', 'DEGREE OR 1=1']);
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) ? g.chance(0.9) : g.chance(0.35))
        out[field.name] = inputValue(field.type, g, fixtures, depth + 1);
    }
    if (g.chance(0.05)) out[`unknown_${g.int(9)}`] = hostileString(g);
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return g.pick(INTS);
      case 'Float':
        return g.pick(FLOATS);
      case 'Boolean':
        return g.chance(0.9) ? g.chance(0.5) : 'yes';
      case 'ID':
        return hostileId(g, fixtures);
      case 'Date':
      case 'DateTime':
        return g.pick([
          '2025-07-22',
          '2025-02-30',
          '0000-00-00',
          '99999-01-01',
          '2025-07-22T25:61:00Z',
          hostileString(g),
        ]);
      default:
        return hostileString(g);
    }
  }
  return null;
}

/** A value as a GraphQL literal (for operations that inline arguments instead of variables). */
function literal(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  const named = getNamedType(type);
  if (Array.isArray(value))
    return `[${value.map((v) => literal(v, isListType(type) ? type.ofType : isNonNullType(type) && isListType(type.ofType) ? type.ofType.ofType : type)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? type)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string' && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  return JSON.stringify(value);
}

let aliasCounter = 0;

/** A selection set for an output type, `budget` levels deep at most. */
function selection(
  type: GraphQLNamedType,
  g: Gen,
  fixtures: Fixtures | undefined,
  budget: number,
  vars: VarBag,
): string {
  if (isUnionType(type) || isInterfaceType(type)) {
    const possible = schema.getPossibleTypes(type);
    const parts = ['__typename'];
    if (isInterfaceType(type) && g.chance(0.6))
      parts.push(fieldsOf(type as unknown as GraphQLObjectType, g, fixtures, budget, vars));
    for (let i = 0; i < 1 + g.int(2); i++) {
      const t = g.pick(possible);
      parts.push(`... on ${t.name} { ${fieldsOf(t, g, fixtures, budget, vars)} }`);
    }
    return parts.join(' ');
  }
  if (isObjectType(type)) return fieldsOf(type, g, fixtures, budget, vars);
  return '';
}

function fieldsOf(
  type: GraphQLObjectType,
  g: Gen,
  fixtures: Fixtures | undefined,
  budget: number,
  vars: VarBag,
): string {
  const fields = Object.values(type.getFields());
  const scalars = fields.filter((f) => !isObjectLike(f));
  const objects = fields.filter((f) => isObjectLike(f));
  const chosen: string[] = [];
  const width = g.chance(0.05) ? 40 : 1 + g.int(4);
  for (let i = 0; i < width; i++) {
    const wantObject = budget > 0 && objects.length > 0 && (scalars.length === 0 || g.chance(0.45));
    const field = wantObject ? g.pick(objects) : scalars.length > 0 ? g.pick(scalars) : undefined;
    if (!field) break;
    chosen.push(fieldCall(field, g, fixtures, budget - 1, vars));
  }
  return chosen.length > 0 ? chosen.join(' ') : '__typename';
}

function isObjectLike(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);
  return isObjectType(named) || isInterfaceType(named) || isUnionType(named);
}

interface VarBag {
  defs: string[];
  values: Record<string, unknown>;
  useVariables: boolean;
}

function argText(arg: GraphQLArgument, g: Gen, fixtures: Fixtures | undefined, vars: VarBag): string | undefined {
  if (!isNonNullType(arg.type) && !g.chance(0.55)) return undefined;
  const value = inputValue(arg.type, g, fixtures);
  if (vars.useVariables) {
    const name = `v${vars.defs.length}`;
    // Now and then declare the variable with a type that does not fit the argument.
    const declared = g.chance(0.05) ? g.pick(['Int', 'String!', '[ID]', 'Boolean']) : String(arg.type);
    vars.defs.push(`$${name}: ${declared}`);
    if (!g.chance(0.03)) vars.values[name] = value; // sometimes missing
    return `${arg.name}: $${name}`;
  }
  return `${arg.name}: ${literal(value, arg.type)}`;
}

function fieldCall(
  field: GraphQLField<unknown, unknown>,
  g: Gen,
  fixtures: Fixtures | undefined,
  budget: number,
  vars: VarBag,
): string {
  const args = field.args.map((a) => argText(a, g, fixtures, vars)).filter(Boolean);
  if (g.chance(0.03)) args.push(`bogusArg: ${JSON.stringify(hostileString(g))}`);
  const alias = g.chance(0.15) ? `a${aliasCounter++}: ` : '';
  const sub = isObjectLike(field) ? ` { ${selection(getNamedType(field.type), g, fixtures, budget, vars)} }` : '';
  return `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${sub}`;
}

interface Operation {
  kind: 'query' | 'mutation' | 'raw';
  body: string;
  headers: Record<string, string>;
  method: string;
  /** Which root field(s), for failure messages. */
  label: string;
}

function operation(g: Gen, fixtures: Fixtures): Operation {
  const r = g.next();
  const auth: Record<string, string> = g.chance(0.85)
    ? { authorization: 'Bearer hostile-input-writer-key' }
    : g.chance(0.5)
      ? { authorization: `Bearer ${hostileString(g).slice(0, 200)}` }
      : {};
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  if (r < 0.08) {
    // Malformed HTTP and JSON.
    const bodies = [
      '{"query": "{ __typename }"',
      '{"query": 42}',
      '{"query": null}',
      '[]',
      '[{"query":"{ __typename }"},{"query":"{ __typename }"}]',
      'null',
      '"just a string"',
      '{"query":"{ __typename }","variables":"not an object"}',
      '{"query":"{ __typename }","extensions":[1,2]}',
      '{"query":"{ __typename }","operationName":42}',
      '\u0000\u0001\u0002',
      `{"query":"${'{'.repeat(5000)}"}`,
      '{"query":"mutation { deleteEntity(id: \\"x\\") { deleted } }"}',
      '',
    ];
    const variants: Operation[] = [
      { kind: 'raw', body: g.pick(bodies), headers: json, method: 'POST', label: 'malformed body' },
      {
        kind: 'raw',
        body: '{"query":"{ __typename }"}',
        headers: {
          'content-type': g.pick([
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-7',
            '',
          ]),
        },
        method: 'POST',
        label: 'odd content-type',
      },
      { kind: 'raw', body: '', headers: {}, method: g.pick(['PUT', 'DELETE', 'PATCH']), label: 'odd method' },
      { kind: 'raw', body: '', headers: { accept: 'application/json' }, method: 'GET', label: 'GET without query' },
    ];
    return g.pick(variants);
  }
  bigLeft = 2;
  const mutation = r < 0.35;
  const root = mutation ? schema.getMutationType()! : schema.getQueryType()!;
  const vars: VarBag = { defs: [], values: {}, useVariables: g.chance(0.6) };
  const roots = Object.values(root.getFields());
  const count = g.chance(0.04) ? 40 : 1 + g.int(2); // now and then: many aliased root fields
  const depth = g.chance(0.05) ? 12 : 1 + g.int(4); // now and then: deep nesting
  const calls: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    const field = g.pick(roots);
    labels.push(field.name);
    // Mutations never get our fixtures' IDs or slugs: everything they are sent must be refused.
    calls.push(fieldCall(field, g, mutation ? undefined : fixtures, depth, vars));
  }
  let document = `${mutation ? 'mutation' : 'query'} Hx${vars.defs.length ? `(${vars.defs.join(', ')})` : ''} { ${calls.join(' ')} }`;
  if (g.chance(0.03)) document = document.slice(0, g.int(document.length)); // truncated: a syntax error
  const payload: Record<string, unknown> = { query: document, variables: vars.values };
  if (g.chance(0.03)) payload.variables = g.pick([[], 'x', 42, { v0: { $ne: 1 } }]);
  return {
    kind: mutation ? 'mutation' : 'query',
    body: JSON.stringify(payload),
    headers: { ...json, ...auth },
    method: 'POST',
    label: labels.join(','),
  };
}

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const serverErrors: string[] = [];
let fixtures: Fixtures;

async function fingerprint(): Promise<string> {
  const rows = await t.db.read(
    `MATCH (n) WHERE (n:Entity AND n.slug STARTS WITH $prefix) OR (n:Source AND n.id STARTS WITH $prefix)
     OPTIONAL MATCH (n)-[r]-(m)
     WITH n, collect({type: type(r), other: coalesce(m.slug, m.id), props: properties(r)}) AS rels
     RETURN coalesce(n.slug, n.id) AS key, labels(n) AS labels, properties(n) AS props, rels ORDER BY key`,
    { prefix },
  );
  return JSON.stringify(
    rows.map((r) => ({
      ...r,
      labels: (r.labels as string[]).sort(),
      rels: (r.rels as unknown[]).map((x) => JSON.stringify(x)).sort(),
    })),
  );
}

/** Nodes anywhere that carry this run's marker (written by a hostile request), with the marked strings. */
async function markedNodes(): Promise<Array<{ key: string; values: string[] }>> {
  const rows = await t.db.read(
    `MATCH (n) WHERE n:Entity OR n:Source
     UNWIND keys(n) AS k
     WITH n, n[k] AS v
     UNWIND CASE WHEN v IS :: LIST<ANY> THEN v ELSE [v] END AS x
     WITH n, x WHERE x IS :: STRING AND x CONTAINS $marker
     RETURN elementId(n) AS key, collect(x) AS values`,
    { marker },
  );
  return rows.map((r) => ({ key: r.key as string, values: r.values as string[] }));
}

/** Every string a request sent, in its variables or as a literal in its document. */
function sentStrings(body: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    const payload = JSON.parse(body) as { query?: unknown; variables?: unknown };
    walk(payload.variables);
    if (typeof payload.query === 'string')
      visit(parse(payload.query), { StringValue: (node) => void out.push(node.value) });
  } catch {
    // not JSON or not a document: it was refused before anything ran
  }
  return out;
}

/** Printable ASCII only: the graph may store odd Unicode (lone surrogates) otherwise than it was sent. */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '').trim();

beforeAll(async () => {
  // As deployed: production masks unexpected errors (development shows their details on purpose).
  // Tighter statement timeouts than the defaults: a generated query that explodes is cut (a coded
  // TIMEOUT) in 2-3 s instead of 5-10, which keeps the run short.
  t = await openTestGraph({
    API_KEYS: 'hostile-input-writer-key:write+read',
    NODE_ENV: 'production',
    QUERY_TIMEOUT_MS: '3000',
    TRAVERSAL_TIMEOUT_MS: '2000',
  });
  // The server's own error log, to say why if an unexpected error ever shows up.
  yoga = createServer({
    config: t.config,
    graph: t.graph,
    logger: createLogger('error', (line) => void serverErrors.push(line.slice(0, 2000))),
  });
  await createEntities(t.db, [
    { label: 'Company', slug: `${prefix}-openai`, name: 'Hx OpenAI', props: { kind: 'AI_LAB', country: 'US' } },
    { label: 'Company', slug: `${prefix}-oracle`, name: 'Hx Oracle', props: { kind: 'CLOUD_PROVIDER' } },
    { label: 'Person', slug: `${prefix}-sam`, name: 'Hx Sam' },
    {
      label: 'Project',
      slug: `${prefix}-stargate`,
      name: 'Hx Stargate',
      props: { status: 'ANNOUNCED', pledgedUsd: 5e11 },
    },
    { label: 'Deal', slug: `${prefix}-lease`, name: 'Hx Lease', props: { kind: 'COMPUTE_LEASE', valueUsd: 3e10 } },
  ]);
  await relate(t.db, 'PARTY_TO', [[`${prefix}-openai`, `${prefix}-lease`, { role: 'buyer' }]]);
  await relate(t.db, 'LEADS', [[`${prefix}-sam`, `${prefix}-openai`, { title: 'CEO' }]]);
  const slugs = ['openai', 'oracle', 'sam', 'stargate', 'lease'].map((s) => `${prefix}-${s}`);
  const labels = ['Company', 'Company', 'Person', 'Project', 'Deal'];
  fixtures = { slugs, ids: slugs.map((s, i) => encodeGlobalID(labels[i]!, s)) };
});

afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  // What a mutation with valid input wrote (see the test): this run's marker is in it.
  await t.db.write(
    `MATCH (n) WHERE (n:Entity OR n:Source) AND any(k IN keys(n) WHERE n[k] IS :: STRING AND n[k] CONTAINS $marker) DETACH DELETE n`,
    { marker },
  );
  await t.close();
});

// Our own statements' tell-tales, a stack frame, or a driver error leaking through.
const LEAKS = [
  /:Entity\b/,
  /\$rows\b/,
  /\bUNWIND \$/,
  /Neo\.(ClientError|TransientError|DatabaseError)/,
  /Neo4jError/,
  /\n\s+at \S+ \(/,
  /\bat .+\.(ts|js):\d+:\d+/,
  /node_modules/,
  /"stack"/,
  /originalError/,
];

describe('hostile input, generated from the schema', () => {
  it(`answers ${OPERATIONS} generated operations safely and leaves the graph as it was`, async () => {
    const before = await fingerprint();
    expect(await markedNodes()).toEqual([]);
    const acceptedStrings: string[] = [];
    const g = generator(SEED);
    const problems: string[] = [];
    const codes = new Map<string, number>();
    let accepted = 0;
    const started = performance.now();
    const slow: Array<[number, string]> = [];
    const run = async (op: Operation) => {
      const opStarted = performance.now();
      const res = await yoga.fetch('http://stargraph.test/graphql', {
        method: op.method,
        headers: op.headers,
        body: op.method === 'GET' || op.method === 'HEAD' ? undefined : op.body,
      });
      const text = await res.text();
      slow.push([performance.now() - opStarted, `${op.label} ${text.slice(0, 150)} ${op.body.slice(0, 600)}`]);
      const where = `${op.kind} ${op.label} → ${res.status}: ${text.slice(0, 300)}\n  sent: ${op.body.slice(0, 300)}`;
      if (res.status >= 500) {
        const overloaded = res.status === 503 && text.includes('"OVERLOADED"');
        if (!overloaded) problems.push(`5xx: ${where}`);
      }
      for (const leak of LEAKS) if (leak.test(text)) problems.push(`leak ${leak}: ${where}`);
      let body:
        | {
            data?: Record<string, unknown> | null;
            errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
          }
        | undefined;
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // Only non-GraphQL refusals (405 and the like) may answer without a JSON body.
        if (res.status < 400 || res.status === 400) problems.push(`not JSON: ${where}`);
        return;
      }
      for (const error of body?.errors ?? []) {
        const code = error.extensions?.code;
        if (typeof code !== 'string') problems.push(`uncoded error "${error.message.slice(0, 200)}": ${where}`);
        else if (code === 'INTERNAL_SERVER_ERROR' || error.message === 'Unexpected error.')
          problems.push(`unexpected error: ${where}`);
        codes.set(String(code), (codes.get(String(code)) ?? 0) + 1);
      }
      // A mutation may be answered without errors only when it asks for nothing (an empty
      // importGraph); the graph checks below prove nothing was written.
      if (op.kind === 'mutation' && !body?.errors?.length) {
        accepted++;
        acceptedStrings.push(...sentStrings(op.body).map(printable));
      }
    };
    // A few at a time, as real clients would be.
    let made = 0;
    const workers = Array.from({ length: 4 }, async () => {
      while (made < OPERATIONS) {
        made++;
        await run(operation(g, fixtures));
      }
    });
    await Promise.all(workers);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[hostile] ${OPERATIONS} operations (seed ${SEED}) in ${seconds.toFixed(1)} s; error codes: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`,
    );
    if (process.env.HOSTILE_SLOWEST)
      for (const [ms, what] of slow.sort((a, b) => b[0] - a[0]).slice(0, 8))
        console.log(`[hostile] ${ms.toFixed(0)} ms ${what}`);
    expect(problems.slice(0, 10), `server log:\n${serverErrors.slice(0, 5).join('\n')}`).toEqual([]);
    expect(accepted).toBeLessThan(OPERATIONS / 100);
    expect(await fingerprint()).toBe(before);
    // A generated input can be valid by chance (an addSource with a title and nothing else) and
    // is then rightly written; anything else marked was written by a refused request.
    const writtenByRefused = (await markedNodes()).filter(
      (n) => !n.values.some((v) => acceptedStrings.includes(printable(v))),
    );
    expect(writtenByRefused).toEqual([]);
    // The server still serves.
    const health = await yoga.fetch('http://stargraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ entity(slug: "${prefix}-openai") { name } }` }),
    });
    expect(await health.json()).toEqual({ data: { entity: { name: 'Hx OpenAI' } } });
  }, 400_000); // ~30-60 s on an idle 2-core machine; generous for a loaded one
});
