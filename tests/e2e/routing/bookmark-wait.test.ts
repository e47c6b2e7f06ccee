/**
 * A read that sends a bookmark waits until the server answering it has applied that transaction.
 * On a cluster that server is a follower behind the leader; here, on a Neo4j of this file's own
 * reached through `neo4j://` (Community serves a routing table for itself), the same wait is seen
 * by asking for the transaction after the newest one: the read can only answer once the next write
 * commits, and then answers what that write wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalNeo4j, startLocalNeo4j } from '../../../src/neo4j/local-server.js';
import { openTestGraph, post, serverEnv, testServer, type TestGraph } from '../../utils/graph.js';

const KEY = 'bookmark-wait-writer-key-0123456789ab';
const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-bookmark-wait-'));
let server: LocalNeo4j | undefined;
let a: TestGraph;
let b: TestGraph;
let replicaA: ReturnType<typeof testServer>;
let replicaB: ReturnType<typeof testServer>;

beforeAll(async () => {
  server = await startLocalNeo4j({ dataDir, heap: '512m', pageCache: '64m', mode: 'attached' });
  const env = {
    ...serverEnv(server),
    NEO4J_URI: server.uri.replace(/^bolt:/, 'neo4j:'),
    API_KEYS: `${KEY}:write+read`,
    QUERY_TIMEOUT_MS: '60000',
  };
  a = await openTestGraph(env);
  b = await openTestGraph(env);
  replicaA = testServer(a.graph, a.config);
  replicaB = testServer(b.graph, b.config);
}, 300_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function postTo(replica: ReturnType<typeof testServer>, query: string, headers: Record<string, string> = {}) {
  const { headers: answered, body } = await post<Record<string, { name: string } | null>>(replica, query, headers);
  return { bookmark: answered.get('x-stargraph-bookmark'), body };
}

/**
 * A Neo4j 5 bookmark `ahead` transactions after `bookmark`. Its bytes are PackStream: a list
 * marker, the database's 16-byte id (as `CC 10` bytes), the transaction id as an integer, then the
 * rest. Only this test makes one: a client sends back what it was given.
 */
function bookmarkAhead(bookmark: string, ahead: number): string {
  const bytes = Buffer.from(bookmark.slice('FB:'.length), 'base64');
  if (bytes[1] !== 0xcc || bytes[2] !== 0x10) throw new Error(`not the bookmark layout this test knows: ${bookmark}`);
  const at = 19;
  const marker = bytes[at]!;
  let tx: bigint;
  let width: number;
  if (marker < 0x80) [tx, width] = [BigInt(marker), 1];
  else if (marker === 0xc8) [tx, width] = [BigInt(bytes.readInt8(at + 1)), 2];
  else if (marker === 0xc9) [tx, width] = [BigInt(bytes.readInt16BE(at + 1)), 3];
  else if (marker === 0xca) [tx, width] = [BigInt(bytes.readInt32BE(at + 1)), 5];
  else if (marker === 0xcb) [tx, width] = [bytes.readBigInt64BE(at + 1), 9];
  else throw new Error(`not the bookmark layout this test knows: ${bookmark}`);
  const next = tx + BigInt(ahead);
  const encoded = Buffer.alloc(9);
  encoded[0] = 0xcb;
  encoded.writeBigInt64BE(next, 1);
  return `FB:${Buffer.concat([bytes.subarray(0, at), encoded, bytes.subarray(at + width)]).toString('base64')}`;
}

const readName = (slug: string) => `{ entity(slug: "${slug}") { name } }`;
const rename = (slug: string, name: string) =>
  `mutation { upsertCompany(input: { slug: "${slug}", name: "${name}" }) { name } }`;
const auth = { authorization: `Bearer ${KEY}` };

describe('a read with a bookmark, through neo4j:// routing', () => {
  it('waits for the transaction it names, then answers what it wrote', async () => {
    const first = await postTo(replicaA, rename('wait-co', 'One'), auth);
    expect(first.body.errors).toBeUndefined();
    expect(first.bookmark).toMatch(/^FB:/);
    // The bookmark as given is already reached: the read answers at once, as of that write.
    const now = await postTo(replicaB, readName('wait-co'), { 'x-stargraph-bookmark': first.bookmark! });
    expect(now.body.data?.entity?.name).toBe('One');

    // The next transaction does not exist yet: the read waits for it...
    let answered = false;
    const waiting = postTo(replicaB, readName('wait-co'), {
      'x-stargraph-bookmark': bookmarkAhead(first.bookmark!, 1),
    }).finally(() => (answered = true));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(answered).toBe(false);
    // ...which is this write, on the other replica.
    const second = await postTo(replicaA, rename('wait-co', 'Two'), auth);
    expect(second.body.data?.upsertCompany?.name).toBe('Two');
    const read = await waiting;
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data?.entity?.name).toBe('Two');
  }, 120_000);
});
