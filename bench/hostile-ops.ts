/**
 * The hostile traffic `npm run soak -- --hostile` mixes into the soak: requests a server must
 * refuse with a stable code (over-deep and over-cost queries, too many aliases, forged cursors,
 * documents over MAX_DOCUMENT_BYTES, bad JSON, unknown persisted hashes, over-long lists, bad
 * variables), requests it must serve however many distinct ones arrive (large documents, APQ
 * registrations: the caches' bounds), and clients that send their body slowly or stall.
 *
 * Each kind says which answers it expects (an error code, `OK`, or `HTTP_<status>` for an answer
 * that is not GraphQL JSON); the soak counts every answer by kind and code.
 */
import { createHash } from 'node:crypto';

export interface Answer {
  status: number;
  text: string;
}

/** How a hostile request reaches the server (the soak's HTTP client). */
export interface HostileClient {
  post(body: string, headers?: Record<string, string>): Promise<Answer>;
  /** Sends the headers, then the body in `chunks` pieces `gapMs` apart; `stallAfter` pieces, then waits. */
  slowPost(body: string, options: { chunks: number; gapMs: number; stallAfter?: number }): Promise<Answer>;
}

export interface HostileOp {
  name: string;
  /** Answers that are right for it; anything else is reported, and a bare OK for a refusal fails the soak. */
  expect: readonly string[];
  send(client: HostileClient): Promise<Answer>;
}

const json = (body: Record<string, unknown>) => JSON.stringify(body);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A valid document of about `bytes`, distinct for each `n`: comment lines, then one field. */
const largeDocument = (n: number, bytes: number) =>
  `${`# soak ${n} ${'x'.repeat(60)}\n`.repeat(Math.ceil(bytes / 80))}{ __typename }`;

/** deals → parties, six levels a round: three rounds pass MAX_DEPTH (16). */
function overDeep(): string {
  let inner = 'name';
  for (let i = 0; i < 3; i++) {
    inner = `deals(first: 1) { edges { node { parties(first: 1) { edges { node { ... on Company { ${inner} } } } } } } }`;
  }
  return `{ entity(slug: "openai") { ... on Company { ${inner} } } }`;
}

const OVER_COST =
  '{ companies(first: 100) { edges { node { deals(first: 100) { edges { node { parties(first: 100) { totalCount } } } } } } } }';

const forgedCursors = [
  Buffer.from('{"o":"__proto__","k":[1,2,3]}').toString('base64url'),
  Buffer.from(`{"o":"Company:NAME:ASC","k":["${'z'.repeat(5_000)}"]}`).toString('base64url'),
  'not-base64-at-all!!',
  Buffer.from('{"o":"Company:NAME:ASC","k":[1e400,null]}').toString('base64url'),
];

/** Half its body, then nothing: the server's 30 s request timeout answers 408 and closes. */
export const stalledBody: HostileOp = {
  name: 'stalledBody',
  expect: ['HTTP_408', 'CLOSED'],
  send: (c) => c.slowPost(json({ query: '{ __typename }' }), { chunks: 4, gapMs: 100, stallAfter: 2 }),
};

const BAD_BODIES = [
  '{"query": "{ __typename }"',
  '{"query": 1}',
  '[',
  'null',
  '{"query":"{ a }",}',
  '{"query": {"kind": "Document"}}',
  '{"query": 1, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
];

/** The hostile request for step `n` of the sequence (deterministic). */
export function hostileOp(n: number): HostileOp {
  const kinds: HostileOp[] = [
    {
      name: 'overDeep',
      expect: ['LIMIT_EXCEEDED'],
      send: (c) => c.post(json({ query: overDeep() })),
    },
    {
      name: 'overCost',
      expect: ['LIMIT_EXCEEDED'],
      send: (c) => c.post(json({ query: OVER_COST })),
    },
    {
      name: 'overAliases',
      expect: ['LIMIT_EXCEEDED'],
      send: (c) =>
        c.post(json({ query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }` })),
    },
    {
      name: 'forgedCursor',
      expect: ['INVALID_CURSOR'],
      send: (c) =>
        c.post(
          json({
            query: 'query ($c: String) { companies(first: 5, after: $c) { edges { node { slug } } } }',
            variables: { c: forgedCursors[n % forgedCursors.length] },
          }),
        ),
    },
    {
      name: 'hugeDocument',
      expect: ['LIMIT_EXCEEDED'],
      send: (c) => c.post(json({ query: largeDocument(n, 150_000) })),
    },
    {
      // Distinct each time, under MAX_DOCUMENT_BYTES: parsed and cached, so the caches' byte bounds hold them.
      name: 'largeDistinct',
      expect: ['OK'],
      send: (c) => c.post(json({ query: largeDocument(n, 90_000) })),
    },
    {
      name: 'badJson',
      expect: ['BAD_REQUEST'],
      send: (c) => c.post(BAD_BODIES[n % BAD_BODIES.length]!),
    },
    {
      name: 'unknownPersisted',
      expect: ['PERSISTED_QUERY_NOT_FOUND'],
      send: (c) =>
        c.post(
          json({
            extensions: {
              persistedQuery: { version: 1, sha256Hash: ['__proto__', 'constructor', sha256(`nothing ${n}`)][n % 3] },
            },
          }),
        ),
    },
    {
      // Automatic Persisted Queries: a new document with its hash each time (the APQ store's bound).
      name: 'apqRegister',
      expect: ['OK'],
      send: (c) => {
        const query = largeDocument(n, 5_000);
        return c.post(json({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
      },
    },
    {
      name: 'longList',
      expect: ['LIMIT_EXCEEDED'],
      send: (c) =>
        c.post(
          json({
            query: 'query ($list: [String!]) { companies(filter: { slugs: $list }) { totalCount } }',
            variables: { list: Array.from({ length: 1_001 }, (_, i) => `soak-list-${i}`) },
          }),
        ),
    },
    {
      name: 'badVariables',
      expect: ['BAD_USER_INPUT', 'BAD_REQUEST'],
      send: (c) => {
        const query =
          'query ($s: String!, $n: Int) { entity(slug: $s) { ... on Company { deals(first: $n) { totalCount } } } }';
        const variables = [{ s: 42 }, {}, { s: 'openai', n: 'many' }, { s: 'openai', n: 2 ** 40 }, 'not an object'];
        return c.post(json({ query, variables: variables[n % variables.length] }));
      },
    },
    {
      // Its body in ten pieces over ~2 s: served as any other once it has arrived.
      name: 'slowBody',
      expect: ['OK'],
      send: (c) =>
        c.slowPost(json({ query: '{ companies(first: 3) { edges { node { slug } } } }' }), { chunks: 10, gapMs: 200 }),
    },
  ];
  return kinds[n % kinds.length]!;
}
