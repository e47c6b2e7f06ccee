/**
 * The typed client example (examples/typed-client): its documents are checked against the
 * printed schema and its code type-checked, as a user of the API would build it, and it reads a
 * company's deals from a real server over HTTP. A document asking for a field the schema lacks,
 * or code reading a field its fragment did not select, fails the check.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed, SEED_FILE } from '../../src/graph/seed.js';
import { openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'typed-client');
const TSCONFIG = join(EXAMPLE, 'tsconfig.json');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = promisify(execFile);

/** Exit code and output of a command run in the project. */
async function exitOf(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const check = () => exitOf(bin('gql-tada'), ['check', '--tsconfig', TSCONFIG, '--fail-on-warn']);
const typecheck = () => exitOf(bin('tsc'), ['-p', TSCONFIG]);

/** The example's own functions; imported once its types are generated (the root type check leaves examples/ out). */
interface Example {
  companyDeals(
    url: string,
    variables: { slug: string; first?: number },
  ): Promise<{ entity: { deals?: { totalCount: number } } | null }>;
  dealLines(result: unknown): string[];
}
let example: Example;
let t: TestGraph;
let http: Server;
let url: string;

beforeAll(async () => {
  // The types of every document, from the printed schema (gitignored, as in the explorer).
  const generated = await exitOf(bin('gql-tada'), ['generate', 'output', '--tsconfig', TSCONFIG]);
  expect(generated.code, generated.output).toBe(0);
  example = (await import(join(EXAMPLE, 'client.ts'))) as Example;
  t = await openTestGraph();
  await loadSeed(t.db);
  const yoga = testServer(t.graph, t.config);
  http = createHttpServer(yoga);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => http?.close(resolve));
  await t?.close();
});

describe('the typed client example', () => {
  it("passes the documents' check against the schema and the type check", async () => {
    const documents = await check();
    expect(documents.code, documents.output).toBe(0);
    const types = await typecheck();
    expect(types.code, types.output).toBe(0);
  }, 120_000);

  it('fails both checks when a document or the code leaves the schema', async () => {
    const broken = join(EXAMPLE, 'broken.ts');
    try {
      writeFileSync(
        broken,
        `import { graphql } from './client.js';
export const Bad = graphql(\`query Bad { entity(slug: "openai") { name notAField } }\`);
`,
      );
      const documents = await check();
      expect(documents.code).not.toBe(0);
      expect(documents.output).toMatch(/notAField/);
      // The selection masking the example relies on: reading an unselected field does not compile.
      writeFileSync(
        broken,
        `import { readFragment, type FragmentOf } from 'gql.tada';
import { PartyFields } from './client.js';
export const country = (p: FragmentOf<typeof PartyFields>) => readFragment(PartyFields, p).country;
`,
      );
      const types = await typecheck();
      expect(types.code).not.toBe(0);
      expect(types.output).toMatch(/country/);
    } finally {
      rmSync(broken, { force: true });
    }
  }, 180_000);

  it("reads a company's deals, biggest first, with their parties through fragments", async () => {
    // Expected from the seed file itself: OpenAI's open PARTY_TO claims and each deal's value.
    type Claim = { kind: string; subject: string; type?: string; object?: string; field?: string; value?: number };
    const claims = (JSON.parse(readFileSync(SEED_FILE, 'utf8')) as { claims: Claim[] }).claims;
    const deals = claims.filter((c) => c.kind === 'RELATIONSHIP' && c.type === 'PARTY_TO' && c.subject === 'openai');
    const value = (slug: string) => claims.find((c) => c.subject === slug && c.field === 'valueUsd')?.value ?? -1;
    const expected = deals.map((c) => c.object!).sort((a, b) => value(b) - value(a) || (a < b ? 1 : -1));
    expect(expected.length).toBeGreaterThan(1);

    const result = await example.companyDeals(url, { slug: 'openai', first: 10 });
    expect(result.entity?.deals?.totalCount).toBe(expected.length);
    const lines = example.dealLines(result);
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(expected);
    // Each line names OpenAI among the parties, read through the nested fragment.
    for (const line of lines) expect(line).toMatch(/parties: .*OpenAI/);
    expect(lines[0]).toMatch(/^\$30\.0bn/);
  }, 60_000);
});
