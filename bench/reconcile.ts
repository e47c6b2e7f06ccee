/**
 * Reconciliation quality and latency on a running server: how often `reconcile` puts the right
 * entity first, how often `match: true` is right and how often it is given, and the time per query.
 *
 *   npx tsx bench/reconcile.ts --url http://127.0.0.1:4000/graphql --token <write key> --queries 1000 --seed 42
 *
 * Start the server on the graph to measure first (e.g. one made by `npm run generate -- --entities
 * 100000 --history`, production mode, RESPONSE_CACHE_TTL_MS=0). Everything goes through GraphQL:
 * 1. reads every company, person and project name (root pages of 100), to sample from and to
 *    know which names the graph holds more than once;
 * 2. samples `--queries` entities (seeded: companies mostly, some people and projects) and plants,
 *    for `--planted` of those whose name is unique, a second entity whose name is a near-duplicate
 *    (upsert with the write token, slugs under `rbench-<run>-`), purged by id at the end;
 * 3. asks for each sampled entity one variant of its name (exact, case, accents, legal form,
 *    reordered words, one typo, two typos), with its kind, and `--negatives` names made of random
 *    syllables that exist nowhere;
 * 4. sends them one per request (after `--warmup` requests of other names), then in batches of
 *    `--batch`, and prints a Markdown report: accuracy per variant class, latency.
 *
 * With `--profile-data-dir DIR` (the server's local Neo4j data directory) it also captures the
 * candidate statement of one typo query as src/identity/reconcile.ts builds it, runs it under
 * PROFILE and times its three candidate branches alone, over Bolt.
 */
import { seededRandom } from '../src/graph/algorithms.js';
import neo4j from 'neo4j-driver';
import { reconcile, type ReconcileQuery } from '../src/identity/reconcile.js';
import type { Db } from '../src/neo4j/db.js';
import { localNeo4jCredentials, runningServer } from '../src/neo4j/local-server.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const URL_ = arg('url') ?? 'http://127.0.0.1:4000/graphql';
const TOKEN = arg('token');
const QUERIES = Number(arg('queries') ?? 1000);
const SEED = Number(arg('seed') ?? 42);
const PLANTED = Number(arg('planted') ?? 100);
const NEGATIVES = Number(arg('negatives') ?? 100);
const BATCH = Number(arg('batch') ?? 10);
const WARMUP = Number(arg('warmup') ?? 100);
const PROFILE_DIR = arg('profile-data-dir');
/** Share of the sampled companies drawn among names several companies hold. */
const SHARED_SHARE = Number(arg('shared-share') ?? 0.2);
/** Leave the planted entities in the graph (default: purge them and check none is left). */
const KEEP = process.argv.includes('--keep');

// ---------------------------------------------------------------------------------------------
// GraphQL

interface GqlResult<T> {
  data?: T;
  errors?: Array<{ message: string }>;
  extensions?: { cypher?: { dbTimeMs: number } };
}

async function gql<T>(query: string, variables: Record<string, unknown> = {}, write = false): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (write || TOKEN) headers.authorization = `Bearer ${TOKEN}`;
  const response = await fetch(URL_, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const json = (await response.json()) as GqlResult<T>;
  if (json.errors?.length) throw new Error(JSON.stringify(json.errors).slice(0, 400));
  return json.data as T;
}

type Kind = 'COMPANY' | 'PERSON' | 'PROJECT';
const ROOT: Record<Kind, string> = { COMPANY: 'companies', PERSON: 'people', PROJECT: 'projects' };
const UPSERT: Record<Kind, string> = { COMPANY: 'upsertCompany', PERSON: 'upsertPerson', PROJECT: 'upsertProject' };
const INPUT: Record<Kind, string> = {
  COMPANY: 'UpsertCompanyInput',
  PERSON: 'UpsertPersonInput',
  PROJECT: 'UpsertProjectInput',
};

interface Entity {
  id: string;
  slug: string;
  name: string;
  kind: Kind;
}

/** Every entity of a kind, by name pages of 100. */
async function readAll(kind: Kind): Promise<Entity[]> {
  const out: Entity[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Record<
      string,
      { edges: Array<{ node: Omit<Entity, 'kind'> }>; pageInfo: { endCursor: string; hasNextPage: boolean } }
    > = await gql(
      `query ($after: String) { ${ROOT[kind]}(first: 100, after: $after) {
        edges { node { id slug name } } pageInfo { endCursor hasNextPage } } }`,
      { after },
    );
    const connection = page[ROOT[kind]]!;
    for (const e of connection.edges) out.push({ ...e.node, kind });
    if (!connection.pageInfo.hasNextPage) return out;
    after = connection.pageInfo.endCursor;
  }
}

const RECONCILE = `query ($q: [ReconcileQuery!]!) { reconcile(queries: $q) {
  candidates { score match entity { id name } reasons { kind } } } }`;

interface Candidate {
  score: number;
  match: boolean;
  entity: { id: string; name: string };
  reasons: Array<{ kind: string }>;
}

async function ask(queries: Query[]): Promise<{ ms: number; answers: Candidate[][] }> {
  const started = performance.now();
  const data = await gql<{ reconcile: Array<{ candidates: Candidate[] }> }>(RECONCILE, {
    q: queries.map((q) => ({ name: q.name, kind: q.kind })),
  });
  return { ms: performance.now() - started, answers: data.reconcile.map((r) => r.candidates) };
}

// ---------------------------------------------------------------------------------------------
// Names and their variants (seeded)

/** The project's seeded generator (mulberry32), with the picks the bench needs. */
function prng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  return { next, int, pick, shuffle };
}
type Prng = ReturnType<typeof prng>;

/** The bench's own folding (not the server's): case, accents, punctuation. */
const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const CLASSES = ['exact', 'case', 'accents', 'legal', 'reorder', 'typo1', 'typo2'] as const;
type VariantClass = (typeof CLASSES)[number];
const LEGAL = [' Inc.', ' Corp.', ' SA', ' Ltd', ' GmbH', ' LLC'];
const ACCENTS: Record<string, string> = {
  a: 'á',
  e: 'é',
  i: 'í',
  o: 'ó',
  u: 'ü',
  A: 'Á',
  E: 'É',
  I: 'Í',
  O: 'Ó',
  U: 'Ú',
};
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One slip at a letter: substitution, transposition, deletion or insertion. */
function typo(name: string, r: Prng): string {
  const letters = [...name].flatMap((c, i) => (/\p{L}/u.test(c) ? [i] : []));
  const chars = [...name];
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = r.pick(letters);
    const c = chars[i]!;
    const other = () => {
      let x = r.pick([...LETTERS]);
      while (x === c.toLowerCase()) x = r.pick([...LETTERS]);
      return c === c.toUpperCase() ? x.toUpperCase() : x;
    };
    const out = [...chars];
    switch (r.int(4)) {
      case 0:
        out[i] = other();
        break;
      case 1:
        if (!/\p{L}/u.test(chars[i + 1] ?? '') || chars[i + 1]!.toLowerCase() === c.toLowerCase()) continue;
        [out[i], out[i + 1]] = [chars[i + 1]!.toLowerCase(), c.toLowerCase()];
        if (i === 0 || chars[i - 1] === ' ') out[i] = out[i]!.toUpperCase();
        break;
      case 2:
        if (letters.length < 4) continue;
        out.splice(i, 1);
        break;
      default:
        out.splice(i + 1, 0, r.pick([...LETTERS]));
    }
    const result = out.join('');
    if (fold(result) !== fold(name)) return result;
  }
  return `${name}x`;
}

/** Damerau-Levenshtein (optimal string alignment) of two folded names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

function variant(name: string, cls: VariantClass, r: Prng): string {
  switch (cls) {
    case 'exact':
      return name;
    case 'case': {
      const upper = name.toUpperCase();
      return r.next() < 0.5 && upper !== name ? upper : name.toLowerCase();
    }
    case 'accents': {
      const vowels = [...name].flatMap((c, i) => (ACCENTS[c] ? [i] : []));
      const chars = [...name];
      const i = r.pick(vowels);
      chars[i] = ACCENTS[chars[i]!]!;
      return chars.join('');
    }
    case 'legal':
      return name + r.pick(LEGAL);
    case 'reorder': {
      const words = name.split(' ');
      if (words.length === 2) return `${words[1]} ${words[0]}`;
      const rotated = [...words.slice(1), words[0]!];
      return rotated.join(' ');
    }
    case 'typo1':
      return typo(name, r);
    case 'typo2': {
      for (let attempt = 0; attempt < 20; attempt++) {
        const twice = typo(typo(name, r), r);
        if (distance(fold(twice), fold(name)) === 2) return twice;
      }
      return typo(typo(name, r), r);
    }
  }
}

const SYLLABLES =
  'ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu'.split(
    ' ',
  );
const WORDS = ['Systems', 'Capital', 'Labs', 'Energy', 'Group'];

function nonsense(r: Prng): string {
  const word = () => {
    const w = Array.from({ length: 2 + r.int(2) }, () => r.pick(SYLLABLES)).join('') + (r.next() < 0.5 ? 'n' : '');
    return w[0]!.toUpperCase() + w.slice(1);
  };
  // Half alone, half with a word real names use (so the fuzzy branch finds something).
  return r.next() < 0.5 ? `${word()} ${word()}` : `${word()} ${r.pick(WORDS)}`;
}

// ---------------------------------------------------------------------------------------------
// The run

interface Query {
  name: string;
  kind: Kind;
  cls: VariantClass | 'negative';
  /** The entity the name is a variant of (none for negatives). */
  truth?: Entity;
  /** Its name is held by other entities of its kind too: no name can tell them apart. */
  shared: boolean;
  /** A near-duplicate of the truth was planted. */
  planted: boolean;
  /** The variant is, folded, the name of another entity: skipped from the accuracy figures. */
  collides: boolean;
}

const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)} %`);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
};

interface Tally {
  n: number;
  top1: number;
  matched: number;
  right: number;
}
const tally = (): Tally => ({ n: 0, top1: 0, matched: 0, right: 0 });

function score(queries: Query[], answers: Candidate[][], keep: (q: Query) => boolean): Tally {
  const t = tally();
  queries.forEach((q, i) => {
    if (!keep(q) || !q.truth) return;
    const top = answers[i]![0];
    t.n++;
    if (top?.entity.id === q.truth.id) t.top1++;
    if (top?.match) {
      t.matched++;
      if (top.entity.id === q.truth.id) t.right++;
    }
  });
  return t;
}

const row = (label: string, t: Tally) =>
  `| ${label} | ${t.n} | ${pct(t.top1, t.n)} | ${t.matched} | ${pct(t.right, t.matched)} | ${pct(t.right, t.n)} |`;

async function main() {
  if (!TOKEN) throw new Error('--token <write key> is needed to plant the near-duplicates');
  const r = prng(SEED);
  const run = `rbench-${SEED}-${Date.now().toString(36)}`;
  const out: string[] = [];
  const say = (line = '') => {
    out.push(line);
    console.log(line);
  };

  // 1. Every name of the three kinds.
  let started = performance.now();
  const all: Record<Kind, Entity[]> = { COMPANY: [], PERSON: [], PROJECT: [] };
  for (const kind of Object.keys(all) as Kind[]) all[kind] = await readAll(kind);
  const left = Object.values(all)
    .flat()
    .filter((e) => e.slug.startsWith('rbench-'));
  if (left.length > 0) throw new Error(`${left.length} entities of an earlier run are in the graph (rbench-…)`);
  const counts = new Map<string, number>();
  for (const e of Object.values(all).flat())
    counts.set(`${e.kind}:${fold(e.name)}`, (counts.get(`${e.kind}:${fold(e.name)}`) ?? 0) + 1);
  const stats = await gql<{ graphStats: Array<{ label: string; count: number }> }>('{ graphStats { label count } }');
  console.error(
    `read ${Object.values(all).flat().length} names in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  // 2. The sample: 75 % companies, 10 % people, 15 % projects.
  const share: Record<Kind, number> = { COMPANY: 0.75, PERSON: 0.1, PROJECT: 0.15 };
  const sampled: Entity[] = [];
  const pool: Record<Kind, Entity[]> = {
    COMPANY: r.shuffle([...all.COMPANY]),
    PERSON: r.shuffle([...all.PERSON]),
    PROJECT: r.shuffle([...all.PROJECT]),
  };
  const isShared = (e: Entity) => (counts.get(`${e.kind}:${fold(e.name)}`) ?? 0) > 1;
  for (const kind of Object.keys(share) as Kind[]) {
    const want = Math.round(QUERIES * share[kind]);
    // Most generated company names are held by several companies; sample mostly the others, so
    // that most queries have one right answer (SHARED_SHARE of them are namesakes).
    const unique = Math.min(Math.round(want * (1 - SHARED_SHARE)), pool[kind].filter((e) => !isShared(e)).length);
    const picked = [
      ...pool[kind].filter((e) => !isShared(e)).slice(0, unique),
      ...pool[kind].filter(isShared).slice(0, want - unique),
    ];
    if (picked.length < want)
      picked.push(...pool[kind].filter((e) => !picked.includes(e)).slice(0, want - picked.length));
    sampled.push(...picked);
    pool[kind] = pool[kind].filter((e) => !picked.includes(e));
  }
  r.shuffle(sampled);

  // Classes in turn; a legal form only on companies.
  let turn = 0;
  const queries: Query[] = sampled.map((e) => {
    let cls = CLASSES[turn++ % CLASSES.length]!;
    if (cls === 'legal' && e.kind !== 'COMPANY') cls = CLASSES[turn++ % CLASSES.length]!;
    const name = variant(e.name, cls, r);
    const collides = cls !== 'exact' && (counts.get(`${e.kind}:${fold(name)}`) ?? 0) > 0 && fold(name) !== fold(e.name);
    return { name, kind: e.kind, cls, truth: e, shared: isShared(e), planted: false, collides };
  });

  // Planted near-duplicates, for entities whose name is unique.
  const twins: Array<{ id: string; slug: string; name: string; of: Entity; cls: VariantClass }> = [];
  started = performance.now();
  for (const q of queries.filter((q) => !q.shared && !q.collides).slice(0, PLANTED)) {
    const e = q.truth!;
    const classes: VariantClass[] =
      e.kind === 'COMPANY' ? ['typo1', 'accents', 'legal', 'reorder'] : ['typo1', 'accents', 'reorder'];
    let name = e.name;
    let cls: VariantClass = 'typo1';
    for (let attempt = 0; attempt < 20; attempt++) {
      cls = r.pick(classes);
      name = variant(e.name, cls, r);
      // Not the original's text nor the query's, and no other entity's name.
      const other = (counts.get(`${e.kind}:${fold(name)}`) ?? 0) > (fold(name) === fold(e.name) ? 1 : 0);
      if (name !== e.name && name !== q.name && !other) break;
    }
    if (name === e.name || name === q.name) continue;
    const slug = `${run}-${twins.length}`;
    const created = await gql<Record<string, { id: string }>>(
      `mutation ($input: ${INPUT[e.kind]}!) { ${UPSERT[e.kind]}(input: $input) { id } }`,
      { input: { slug, name } },
      true,
    );
    twins.push({ id: created[UPSERT[e.kind]]!.id, slug, name, of: e, cls });
    q.planted = true;
  }
  console.error(`planted ${twins.length} near-duplicates in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  try {
    // Negatives: names nobody has.
    const names = new Set(Object.values(all).flatMap((es) => es.map((e) => fold(e.name))));
    for (let i = 0; i < NEGATIVES; i++) {
      let name = nonsense(r);
      while (names.has(fold(name))) name = nonsense(r);
      queries.push({ name, kind: 'COMPANY', cls: 'negative', shared: false, planted: false, collides: false });
    }
    r.shuffle(queries);

    // Warm-up on names of entities not in the sample.
    const warm = [...pool.COMPANY.slice(0, WARMUP)].map(
      (e, i): Query => ({
        name: variant(e.name, CLASSES[i % CLASSES.length]!, r),
        kind: 'COMPANY',
        cls: 'exact',
        shared: false,
        planted: false,
        collides: false,
      }),
    );
    for (const q of warm) await ask([q]);
    for (let i = 0; i < warm.length; i += BATCH) await ask(warm.slice(i, i + BATCH));

    // 4. One per request, then batches.
    const load = (await import('node:os')).loadavg();
    const single: number[] = [];
    const answers: Candidate[][] = [];
    for (const q of queries) {
      const {
        ms,
        answers: [a],
      } = await ask([q]);
      single.push(ms);
      answers.push(a!);
    }
    const batched: number[] = [];
    const batchAnswers: Candidate[][] = [];
    for (let i = 0; i < queries.length; i += BATCH) {
      const { ms, answers: a } = await ask(queries.slice(i, i + BATCH));
      batched.push(ms);
      batchAnswers.push(...a);
    }
    const loadAfter = (await import('node:os')).loadavg();
    const differ = answers.filter(
      (a, i) => a[0]?.entity.id !== batchAnswers[i]![0]?.entity.id || a[0]?.match !== batchAnswers[i]![0]?.match,
    ).length;

    // 5. The report.
    say(`## Graph`);
    say();
    say(stats.graphStats.map((s) => `${s.label} ${s.count.toLocaleString('en')}`).join(', '));
    for (const kind of Object.keys(all) as Kind[]) {
      const distinct = new Set(all[kind].map((e) => fold(e.name))).size;
      const unique = all[kind].filter((e) => !isShared(e)).length;
      say(
        `- ${kind}: ${all[kind].length} entities, ${distinct} distinct names, ${unique} with a name no other ${kind.toLowerCase()} has`,
      );
    }
    say();
    say(`## Queries`);
    say();
    const positive = queries.filter((q) => q.truth);
    say(
      `${positive.length} variants of sampled names (${sampled.filter((e) => e.kind === 'COMPANY').length} companies, ${sampled.filter((e) => e.kind === 'PERSON').length} people, ${sampled.filter((e) => e.kind === 'PROJECT').length} projects; each query with the entity's kind), ${NEGATIVES} negatives, ${twins.length} planted near-duplicates (${CLASSES.filter(
        (c) => twins.some((t) => t.cls === c),
      )
        .map((c) => `${twins.filter((t) => t.cls === c).length} ${c}`)
        .join(
          ', ',
        )}). ${positive.filter((q) => q.shared).length} sampled names are held by other entities of the kind too (every person's: the generator draws them from 20 × 20 names), ${positive.filter((q) => q.collides).length} variants are another entity's name.`,
    );
    say();
    say(`## Accuracy: names the graph holds once (${positive.filter((q) => !q.shared && !q.collides).length} queries)`);
    say();
    say('| class | queries | top-1 right | match: true | match precision | match recall |');
    say('|---|---|---|---|---|---|');
    const decidable = (q: Query) => !!q.truth && !q.shared && !q.collides;
    for (const cls of CLASSES)
      say(
        row(
          cls,
          score(queries, answers, (q) => decidable(q) && q.cls === cls),
        ),
      );
    say(row('**all**', score(queries, answers, decidable)));
    say(
      row(
        'without a planted twin',
        score(queries, answers, (q) => decidable(q) && !q.planted),
      ),
    );
    say(
      row(
        'with a planted twin',
        score(queries, answers, (q) => decidable(q) && q.planted),
      ),
    );
    for (const kind of Object.keys(all) as Kind[]) {
      say(
        row(
          `${kind.toLowerCase()} only`,
          score(queries, answers, (q) => decidable(q) && q.kind === kind),
        ),
      );
      say(
        row(
          `${kind.toLowerCase()}, no twin, no typo2`,
          score(queries, answers, (q) => decidable(q) && q.kind === kind && !q.planted && q.cls !== 'typo2'),
        ),
      );
    }
    say();
    say(`### The planted pairs, by the twin's class (query classes mixed)`);
    say();
    say('| twin | queries | top-1 right | match: true | match precision | match recall |');
    say('|---|---|---|---|---|---|');
    for (const cls of CLASSES) {
      const of = new Set(twins.filter((t) => t.cls === cls).map((t) => t.of.id));
      if (of.size)
        say(
          row(
            cls,
            score(queries, answers, (q) => decidable(q) && q.planted && of.has(q.truth!.id)),
          ),
        );
    }
    say();
    const sharedQueries = queries.map((q, i) => [q, answers[i]!] as const).filter(([q]) => q.shared && !q.collides);
    say(`## Names held by several entities (${sharedQueries.length} queries)`);
    say();
    say(
      `No name tells these apart, so the right answer is "no match" with the namesakes on top. top-1 = the sampled one: ${sharedQueries.filter(([q, a]) => a[0]?.entity.id === q.truth!.id).length}; top-1 a namesake (same folded name): ${sharedQueries.filter(([q, a]) => a[0] && fold(a[0].entity.name) === fold(q.truth!.name)).length}; match: true ${sharedQueries.filter(([, a]) => a[0]?.match).length} (of which the sampled one: ${sharedQueries.filter(([q, a]) => a[0]?.match && a[0].entity.id === q.truth!.id).length}).`,
    );
    say();
    const negatives = queries.map((q, i) => [q, answers[i]!] as const).filter(([q]) => q.cls === 'negative');
    const topScores = negatives.map(([, a]) => a[0]?.score ?? 0);
    say(`## Negatives (${negatives.length} names that exist nowhere)`);
    say();
    say(
      `match: true ${negatives.filter(([, a]) => a[0]?.match).length}; with any candidate ${negatives.filter(([, a]) => a.length > 0).length}; top score median ${quantile(topScores, 0.5)}, max ${Math.max(...topScores)}.`,
    );
    say();
    say(
      `## Latency (load ${load.map((x) => x.toFixed(2)).join(' ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} after)`,
    );
    say();
    say('| | requests | p50 ms | p95 ms | p99 ms | max ms | per query p50 ms |');
    say('|---|---|---|---|---|---|---|');
    const lat = (label: string, xs: number[], per: number) =>
      say(
        `| ${label} | ${xs.length} | ${quantile(xs, 0.5).toFixed(1)} | ${quantile(xs, 0.95).toFixed(1)} | ${quantile(xs, 0.99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} | ${(quantile(xs, 0.5) / per).toFixed(1)} |`,
      );
    lat('one query per request', single, 1);
    lat(`batches of ${BATCH}`, batched, BATCH);
    for (const cls of [...CLASSES, 'negative'] as const)
      lat(
        `  single, ${cls}`,
        single.filter((_, i) => queries[i]!.cls === cls),
        1,
      );
    say();
    say(`Batched answers whose top candidate or match differs from the single request's: ${differ}.`);
    say();
    say('### Misses (names held once: top-1 not the sampled entity), first 15');
    say();
    let shown = 0;
    queries.forEach((q, i) => {
      if (shown >= 15 || !decidable(q) || !q.truth || answers[i]![0]?.entity.id === q.truth.id) return;
      shown++;
      const a = answers[i]!;
      const at = a.findIndex((c) => c.entity.id === q.truth!.id);
      const twin = twins.find((t) => t.of.id === q.truth!.id);
      say(
        `- ${q.cls} "${q.name}" for "${q.truth.name}"${twin ? ` (twin "${twin.name}")` : ''}: top "${a[0]?.entity.name ?? '—'}" ${a[0]?.score ?? ''} ${a[0]?.reasons.map((x) => x.kind).join('+') ?? ''}; the sampled one ${at < 0 ? 'not among the candidates' : `at ${at + 1} with ${a[at]!.score}`}`,
      );
    });
    say();
    say('### Right on top but no match (names held once), first 15');
    say();
    shown = 0;
    queries.forEach((q, i) => {
      const [top, second] = answers[i]!;
      if (shown >= 15 || !decidable(q) || top?.entity.id !== q.truth?.id || top?.match) return;
      shown++;
      const twin = twins.find((t) => t.of.id === q.truth!.id);
      say(
        `- ${q.cls} "${q.name}" for "${q.truth!.name}"${twin ? ` (twin "${twin.name}")` : ''}: ${top!.score} ${top!.reasons.map((x) => x.kind).join('+')}; second "${second?.entity.name ?? '—'}" ${second?.score ?? ''} ${second?.reasons.map((x) => x.kind).join('+') ?? ''}`,
      );
    });
    say();
    say('### Wrong matches (match: true on another entity)');
    say();
    queries.forEach((q, i) => {
      const top = answers[i]![0];
      if (!top?.match || top.entity.id === q.truth?.id || q.shared) return;
      say(`- ${q.cls} "${q.name}" → "${top.entity.name}" ${top.score} (sampled "${q.truth?.name ?? 'none'}")`);
    });

    if (PROFILE_DIR) {
      const typoQuery =
        queries.find((q) => q.cls === 'typo1' && q.kind === 'COMPANY' && !q.shared) ??
        queries.find((q) => q.cls === 'typo1')!;
      say();
      await profile(typoQuery, say);
    }
  } finally {
    if (!KEEP) {
      for (const t of twins) await gql('mutation ($id: ID!) { purgeEntity(id: $id) { id } }', { id: t.id }, true);
      let still = 0;
      for (const t of twins) {
        const found = await gql<{ entity: unknown }>('query ($slug: String) { entity(slug: $slug) { id } }', {
          slug: t.slug,
        });
        if (found.entity) still++;
      }
      console.error(`purged ${twins.length} planted entities; ${still} left`);
      if (still) process.exitCode = 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PROFILE of the candidate statement (Bolt, the server's local Neo4j)

interface Plan {
  operatorType: string;
  dbHits: number;
  rows: number;
  arguments: Record<string, unknown>;
  children: Plan[];
}

async function profile(q: Query, say: (line?: string) => void) {
  const state = await runningServer(PROFILE_DIR!);
  if (!state) throw new Error(`no local Neo4j running for ${PROFILE_DIR}`);
  const { user, password } = localNeo4jCredentials(PROFILE_DIR!);
  const driver = neo4j.driver(state.uri, neo4j.auth.basic(user, password), { disableLosslessIntegers: true });
  try {
    // The statement and parameters exactly as reconcile() sends them.
    let captured: { cypher: string; params: Record<string, unknown> } | undefined;
    const capture = {
      read: async (cypher: string, params: Record<string, unknown>) => {
        captured = { cypher, params };
        return [];
      },
    } as unknown as Db;
    const query: ReconcileQuery = {
      name: q.name,
      kinds: [q.kind === 'COMPANY' ? 'Company' : q.kind === 'PERSON' ? 'Person' : 'Project'],
    };
    await reconcile(capture, [query]);
    const { cypher, params } = captured!;
    const [qp] = params.queries as Array<Record<string, unknown>>;
    say(`## Where the time goes: "${q.name}" (one typo, for "${q.truth!.name}")`);
    say();
    say(`keys: \`${qp!.keys}\`; text: \`${qp!.text}\``);
    say();
    const session = () => driver.session({ defaultAccessMode: neo4j.session.READ });
    const timed = async (statement: string, p: Record<string, unknown>, n = 30) => {
      const s = session();
      try {
        for (let i = 0; i < 5; i++) await s.run(statement, p);
        const ms: number[] = [];
        let rows = 0;
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          rows = (await s.run(statement, p)).records.length;
          ms.push(performance.now() - t);
        }
        return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), rows };
      } finally {
        await s.close();
      }
    };
    const s = session();
    const result = await s.run(`PROFILE ${cypher}`, params);
    await s.close();
    const plan = result.summary.profile as unknown as Plan;
    const lines: string[] = [];
    const walk = (p: Plan, depth: number) => {
      const detail = String(p.arguments.Details ?? '').slice(0, 110);
      lines.push(`${'  '.repeat(depth)}${p.operatorType} dbHits=${p.dbHits} rows=${p.rows} ${detail}`);
      for (const c of p.children) walk(c, depth + 1);
    };
    walk(plan, 0);
    const total = (p: Plan): number => p.dbHits + p.children.reduce((a, c) => a + total(c), 0);
    say(`PROFILE: ${total(plan)} db hits in all, ${result.records.length} rows. Operators:`);
    say();
    say('```');
    for (const l of lines) say(l);
    say('```');
    say();
    const one = { q: qp, textCandidates: params.textCandidates };
    const parts: Array<[string, string]> = [
      ['the whole statement', cypher],
      [
        'identifiers alone',
        'WITH $q AS q MATCH (i:Identifier) WHERE i.key IN q.identifierKeys MATCH (node:Entity {id: i.entity}) RETURN node.id',
      ],
      [
        'keyword index (entity_keys) alone',
        "WITH $q AS q CALL db.index.fulltext.queryNodes('entity_keys', q.keys, {limit: 20}) YIELD node RETURN node.id",
      ],
      [
        'fuzzy full text (entity_search) alone',
        "WITH $q AS q CALL db.index.fulltext.queryNodes('entity_search', q.text, {limit: $textCandidates}) YIELD node RETURN node.id",
      ],
      [
        'the same with every ~2 as ~1',
        "WITH $q AS q CALL db.index.fulltext.queryNodes('entity_search', replace(q.text, '~2', '~1'), {limit: $textCandidates}) YIELD node RETURN node.id",
      ],
      [
        'the same words without ~ (no fuzzy)',
        "WITH $q AS q CALL db.index.fulltext.queryNodes('entity_search', replace(replace(q.text, '~2', ''), '~1', ''), {limit: $textCandidates}) YIELD node RETURN node.id",
      ],
    ];
    say('| part | p50 ms | p95 ms | rows |');
    say('|---|---|---|---|');
    for (const [label, statement] of parts) {
      const t = label === 'the whole statement' ? await timed(statement, params) : await timed(statement, one);
      say(`| ${label} | ${t.p50.toFixed(2)} | ${t.p95.toFixed(2)} | ${t.rows} |`);
    }
  } finally {
    await driver.close();
  }
}

await main();
