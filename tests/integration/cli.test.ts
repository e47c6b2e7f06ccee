/**
 * The command line as a user runs it (`src/main.ts <command>` in a child process, its output a
 * pipe as in `npm run generate > log`): usage errors, `query --json` and progress off a terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../src/graph/bulk-load.js';
import { runCli } from '../utils/cli.js';
import { loadSeed } from '../../src/graph/seed.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { openTestGraph, prefixTracker, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
const prefixes = prefixTracker();
const prefix = prefixes.next('cli');
const [person, lab, cloud] = [`${prefix}-person`, `${prefix}-lab`, `${prefix}-cloud`];

beforeAll(async () => {
  t = await openTestGraph();
  await createEntities(t.db, [
    { label: 'Person', slug: person, name: 'Pat Person' },
    { label: 'Company', slug: lab, name: 'Lab Co', props: { kind: 'AI_LAB' } },
    { label: 'Company', slug: cloud, name: 'Cloud Co', props: { kind: 'CLOUD_PROVIDER' } },
  ]);
  await relate(t.db, 'LEADS', [[person, lab, { title: 'CEO' }]]);
  await relate(t.db, 'INVESTS_IN', [[lab, cloud, { amountUsd: 2_000_000_000 }]]);
});

afterAll(async () => {
  for (const p of prefixes.all) {
    await deleteFixtures(t.db, p);
    await deleteByPrefix(t.db, p);
  }
  await t?.close();
});

const query = (args: string[]) => runCli(['query', ...args], { TRAVERSAL_TIMEOUT_MS: '60000' });

describe('npm run query', () => {
  it('prints the answer alone as JSON with --json, and as text without', async () => {
    const [json, text] = await Promise.all([query(['path', person, cloud, '--json']), query(['path', person, cloud])]);
    expect(json.code, json.stderr).toBe(0);
    const path = JSON.parse(json.stdout) as {
      length: number;
      nodes: Array<{ slug: string; __typename: string }>;
      relationships: Array<{ type: string; title: string | null; amountUsd: number | null }>;
    };
    expect(path.length).toBe(2);
    expect(path.nodes.map((n) => [n.__typename, n.slug])).toEqual([
      ['Person', person],
      ['Company', lab],
      ['Company', cloud],
    ]);
    expect(path.relationships.map((r) => [r.type, r.title, r.amountUsd])).toEqual([
      ['LEADS', 'CEO', null],
      ['INVESTS_IN', null, 2_000_000_000],
    ]);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        'Shortest path from Pat Person to Cloud Co (2 hops):',
        `  Pat Person (person, ${person})`,
        '    --LEADS (CEO)-->',
        `  Lab Co (company, ${lab})`,
        '    --INVESTS_IN ($2.0bn)-->',
        `  Cloud Co (company, ${cloud})`,
        '',
      ].join('\n'),
    );
  });

  it('prints JSON null for no answer, and an error on stderr with exit 1 and nothing on stdout', async () => {
    const [none, missing] = await Promise.all([
      query(['path', cloud, person, '--types', 'PARTY_TO', '--json']),
      query(['stats', `${prefix}-nobody`, '--json']),
    ]);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toBeNull();
    expect(missing.code, missing.stderr).toBe(0);
    expect(JSON.parse(missing.stdout)).toBeNull();
    const refused = await query(['neighbors', lab, '--depth', '999', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/depth/);
  });

  it('refuses a bad command line with its usage and exit code 2, before connecting', async () => {
    const bad = await runCli(['query', 'path', person, cloud, '--first', '3'], { NEO4J_URI: 'bolt://127.0.0.1:1' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^path does not take --first\nUsage: npm run query -- <question>/);
  });
});

describe('npm run generate, output not a terminal', () => {
  it('writes progress as whole lines, a final one per label and type, and the result on stdout', async () => {
    const generated = prefixes.next('cli-gen');
    const run = await runCli(['generate', '--entities', '10', '--prefix', generated, '--batch-size', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('\r');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Generated 10 entities, \d+ sources, \d+ relationships in [\d.]+s$/);
    const finals = lines.slice(1);
    expect(finals.length).toBeGreaterThan(2);
    for (const line of finals)
      expect(line).toMatch(/^ {2}(entities|sources|relationships) \w+: 100\.0% .* in [\d.]+s$/);
    // One final line per label or type, and no other line.
    expect(new Set(finals.map((l) => l.split(':')[0])).size).toBe(finals.length);
    expect(run.stdout).toMatch(/^Loaded into \S+ in [\d.]+s: \{"total":\{"entities":10,/);
  });

  it('refuses an unknown flag with its usage and exit code 2', async () => {
    const bad = await runCli(['generate', '--entities', '10', '--verbose']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "Unknown option '--verbose'\nUsage: generate --entities 100000 [--seed N] [--prefix gen] [--batch-size 5000] " +
        '[--concurrency 2] [--sources N] [--history]\n',
    );
  });
});

describe('npm run ingest', () => {
  it('ingests a text file, printing what it found, and refuses a command line without its date', async () => {
    const file = 'tests/fixtures/ingest/01-stargate-bilan-fr.txt';
    const url = `https://example.org/${prefix}/cli-ingest`;
    await loadSeed(t.db);
    const ran = await runCli([
      'ingest',
      file,
      '--title',
      'Stargate, six mois après',
      '--published-on',
      '2025-07-02',
      '--language',
      'fr',
      '--url',
      url,
    ]);
    try {
      expect(ran.code, ran.stderr).toBe(0);
      const [summary, ...lines] = ran.stdout.trim().split('\n');
      expect(summary).toMatch(
        /^Source src-[0-9a-f]{16}: \d+ mentions \(\d+ of entities in the graph, \d+ distinct\), \d+ amounts, \d+ dates, \d+ candidate claims \(\d+ already known\)\.$/,
      );
      // Each candidate on its line, with its status and quote; the pledge among them.
      expect(
        lines.some((l) => /^ {2}KNOWN +stargate\.pledgedUsd = 500000000000 +«.*500 milliards de dollars.*»/.test(l)),
      ).toBe(true);
      const bad = await runCli(['ingest', file, '--title', 'No date']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--published-on is required/);
    } finally {
      const [source] = await t.db.read('MATCH (s:Source {url: $url}) RETURN s.id AS id', { url });
      if (source) {
        await t.db.write('MATCH (c:CandidateClaim {source: $id}) DELETE c', { id: source.id });
        await t.db.write('MATCH (x:SourceText {source: $id}) DELETE x', { id: source.id });
        await t.db.write('MATCH (s:Source {id: $id}) DETACH DELETE s', { id: source.id });
      }
    }
  });
});
