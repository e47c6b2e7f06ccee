/**
 * The command line as a user runs it (`src/main.ts <command>` in a child process, its output a
 * pipe as in `npm run generate > log`): usage errors, `query --json` and progress off a terminal.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../src/graph/bulk-load.js';
import { runCli } from '../utils/cli.js';
import { loadSeed } from '../../src/graph/seed.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { openTestGraph, prefixTracker, testServer, type TestGraph } from '../utils/graph.js';

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

/**
 * Every test here runs the CLI as child processes, each starting tsx and opening the graph:
 * seconds when quiet, past a minute when the suite loads both cores.
 */
const CHILD_PROCESSES = { timeout: 240_000 };

const query = (args: string[]) => runCli(['query', ...args], { TRAVERSAL_TIMEOUT_MS: '60000' });

describe('npm run query', CHILD_PROCESSES, () => {
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

describe('npm run query: each question as the README shows it', CHILD_PROCESSES, () => {
  const q = prefixes.next('cliq');
  const [boss, alpha, beta, lease, small, proj, dc] = ['boss', 'alpha', 'beta', 'lease', 'small', 'proj', 'dc'].map(
    (x) => `${q}-${x}`,
  ) as [string, string, string, string, string, string, string];

  /**
   * boss -LEADS-> alpha -INVESTS_IN-> beta; alpha (buyer) and beta (seller) PARTY_TO lease ($10bn),
   * beta (seller) PARTY_TO small ($3bn); beta -PARTICIPATES_IN {committedUsd}-> proj <-PART_OF- dc.
   */
  beforeAll(async () => {
    await createEntities(t.db, [
      { label: 'Person', slug: boss, name: 'Kay Boss' },
      { label: 'Company', slug: alpha, name: 'Alpha Lab', props: { kind: 'AI_LAB' } },
      { label: 'Company', slug: beta, name: 'Beta Cloud', props: { kind: 'CLOUD_PROVIDER' } },
      { label: 'Deal', slug: lease, name: 'Big Lease', props: { kind: 'COMPUTE_LEASE', valueUsd: 10e9 } },
      { label: 'Deal', slug: small, name: 'Small Deal', props: { kind: 'COMPUTE_LEASE', valueUsd: 3e9 } },
      { label: 'Project', slug: proj, name: 'Proj One' },
      { label: 'Datacenter', slug: dc, name: 'DC One' },
    ]);
    await relate(t.db, 'LEADS', [[boss, alpha, { title: 'CEO' }]]);
    await relate(t.db, 'INVESTS_IN', [[alpha, beta, { amountUsd: 2e9 }]]);
    await relate(t.db, 'PARTY_TO', [
      [alpha, lease, { role: 'buyer' }],
      [beta, lease, { role: 'seller' }],
      [beta, small, { role: 'seller' }],
    ]);
    await relate(t.db, 'PARTICIPATES_IN', [[beta, proj, { committedUsd: 5e9 }]]);
    await relate(t.db, 'PART_OF', [[dc, proj, {}]]);
  });

  const label = (name: string, type: string, slug: string) => `${name} (${type}, ${slug})`;
  const [BOSS, ALPHA, BETA, LEASE] = [
    label('Kay Boss', 'person', boss),
    label('Alpha Lab', 'company', alpha),
    label('Beta Cloud', 'company', beta),
    label('Big Lease', 'deal', lease),
  ];

  it('paths, neighbors (and its alias neighbours), common', async () => {
    const [paths, neighbors, neighbours, common] = await Promise.all([
      query(['paths', boss, beta, '--max-hops', '5', '--first', '3']),
      query(['neighbors', alpha, '--depth', '1']),
      query(['neighbours', alpha, '--depth', '1', '--json']),
      query(['common', alpha, beta]),
    ]);
    expect(paths.code, paths.stderr).toBe(0);
    // Both simple paths, shortest first; an arrow against a path's direction points back.
    expect(paths.stdout).toBe(
      [
        '1. 2 hops',
        `   ${BOSS}`,
        '     --LEADS (CEO)-->',
        `   ${ALPHA}`,
        '     --INVESTS_IN ($2.0bn)-->',
        `   ${BETA}`,
        '2. 3 hops',
        `   ${BOSS}`,
        '     --LEADS (CEO)-->',
        `   ${ALPHA}`,
        '     --PARTY_TO (role buyer)-->',
        `   ${LEASE}`,
        '     <--PARTY_TO (role seller)--',
        `   ${BETA}`,
        '',
      ].join('\n'),
    );

    expect(neighbors.code, neighbors.stderr).toBe(0);
    const [title, ...edges] = neighbors.stdout.trimEnd().split('\n');
    expect(title).toBe(`${ALPHA}: 3 neighbours`);
    expect(edges.sort()).toEqual(
      [
        '  Alpha Lab --INVESTS_IN ($2.0bn)--> Beta Cloud',
        '  Alpha Lab --PARTY_TO (role buyer)--> Big Lease',
        '  Beta Cloud --PARTY_TO (role seller)--> Big Lease',
        '  Kay Boss --LEADS (CEO)--> Alpha Lab',
      ].sort(),
    );

    expect(neighbours.code, neighbours.stderr).toBe(0);
    const sub = JSON.parse(neighbours.stdout) as {
      truncated: boolean;
      nodes: Array<{ slug: string }>;
      relationships: Array<{ type: string; from: { slug: string }; to: { slug: string } }>;
    };
    expect(sub.truncated).toBe(false);
    expect(sub.nodes[0]!.slug).toBe(alpha);
    expect(sub.nodes.map((n) => n.slug).sort()).toEqual([alpha, beta, boss, lease].sort());
    expect(sub.relationships).toHaveLength(4);

    expect(common.code, common.stderr).toBe(0);
    expect(common.stdout).toBe(`Neighbours of both ${alpha} and ${beta}:\n  ${LEASE}\n`);
  });

  it('rank, money, stats', async () => {
    const [rank, documented, money, stats, person] = await Promise.all([
      query(['rank', 'deal-value', '--kinds', 'company', '--within', alpha, '--depth', '2']),
      query(['rank', 'deal-value', '--kinds', 'company', '--first', '10', '--json']),
      query(['money', alpha]),
      query(['stats', beta]),
      query(['stats', boss]),
    ]);
    expect(rank.code, rank.stderr).toBe(0);
    // Beta's two deals ($10bn + $3bn) before Alpha's one; deals themselves are not companies.
    expect(rank.stdout).toBe(
      [`Ranked by deal-value (company) around ${alpha}:`, `  1.    $13bn  ${BETA}`, `  2.    $10bn  ${ALPHA}`, ''].join(
        '\n',
      ),
    );

    // The README's line over the whole shared graph: at most ten companies, largest first.
    expect(documented.code, documented.stderr).toBe(0);
    const ranked = JSON.parse(documented.stdout) as Array<{ score: number; entity: { __typename: string } }>;
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked.length).toBeLessThanOrEqual(10);
    expect(ranked.every((r) => r.entity.__typename === 'Company')).toBe(true);
    expect(ranked.map((r) => r.score)).toEqual(ranked.map((r) => r.score).sort((a, b) => b - a));

    expect(money.code, money.stderr).toBe(0);
    // The project its money reaches, then the datacenter part of that project, nearest first.
    expect(money.stdout).toBe(
      [
        'Proj One (project), 2 hops:',
        `   ${ALPHA}`,
        '     --INVESTS_IN ($2.0bn)-->',
        `   ${BETA}`,
        '     --PARTICIPATES_IN (committed $5.0bn)-->',
        `   ${label('Proj One', 'project', proj)}`,
        'DC One (datacenter), 3 hops:',
        `   ${ALPHA}`,
        '     --INVESTS_IN ($2.0bn)-->',
        `   ${BETA}`,
        '     --PARTICIPATES_IN (committed $5.0bn)-->',
        `   ${label('Proj One', 'project', proj)}`,
        '     <--PART_OF--',
        `   ${label('DC One', 'datacenter', dc)}`,
        '',
      ].join('\n'),
    );

    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toBe(
      [`${BETA}: 2 deals, $13bn (2 with a known value)`, '  as buyer:  0, $0', '  as seller: 2, $13bn', ''].join('\n'),
    );
    expect(person.code, person.stderr).toBe(0);
    expect(person.stdout).toBe(`${BOSS} is not a company.\n`);
  });

  it('asks a running server with STARGRAPH_URL, and prints its usage for --help', async () => {
    const yoga = testServer(t.graph, t.config);
    const http = createHttpServer(yoga);
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      // No Neo4j at that address: only the server can answer.
      const [remote, help] = await Promise.all([
        runCli(['query', 'stats', beta, '--json'], { STARGRAPH_URL: url, NEO4J_URI: 'bolt://127.0.0.1:1' }),
        runCli(['query', '--help'], { NEO4J_URI: 'bolt://127.0.0.1:1' }),
      ]);
      expect(remote.code, remote.stderr).toBe(0);
      expect(JSON.parse(remote.stdout)).toMatchObject({
        slug: beta,
        dealStats: { count: 2, totalValueUsd: 13e9, asSeller: { count: 2 } },
      });
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run query -- <question>/);
      for (const question of ['path', 'paths', 'neighbors', 'common', 'rank', 'money', 'stats'])
        expect(help.stdout).toMatch(new RegExp(`\\n {2}${question} `));
    } finally {
      await new Promise((ok) => http.close(ok));
      await yoga.dispose();
    }
  });
});

describe('npm run generate, output not a terminal', CHILD_PROCESSES, () => {
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

describe('npm run ingest', CHILD_PROCESSES, () => {
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

describe('npm start (serve) with a bad configuration value', CHILD_PROCESSES, () => {
  it('stops before listening: exit 2 and a message naming each bad variable', async () => {
    const bad = await runCli(['serve'], { PORT: 'four', MAX_PAGE_SIZE: '0', LOG_LEVEL: 'info' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^Invalid configuration:\n/);
    expect(bad.stderr).toMatch(/^ {2}- PORT: /m);
    expect(bad.stderr).toMatch(/^ {2}- MAX_PAGE_SIZE: expected a positive number$/m);
    // It never got as far as serving.
    expect(bad.stderr).not.toContain('stargraph serving');
  });
});
