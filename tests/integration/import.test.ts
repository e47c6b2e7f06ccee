/**
 * The import CLI's engine on the real Neo4j: idempotent, resumable after a crash, all-or-nothing on
 * invalid rows; and the CLI itself as a process: formats by name or --format, --skip-invalid.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, type GraphData } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { exportGraphData } from '../../src/import/export-file.js';
import { importFile, type ImportOptions } from '../../src/import/import-file.js';
import { runCli } from '../utils/cli.js';
import { openTestGraph, prefixTracker, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let dir: string;
const prefixes = prefixTracker();
const newPrefix = prefixes.next;

beforeAll(async () => {
  t = await openTestGraph(); // migrate() tolerates concurrent twins, no retry needed
  dir = mkdtempSync(join(tmpdir(), 'stargraph-import-'));
});

afterAll(async () => {
  for (const prefix of prefixes.all) await deleteByPrefix(t.db, prefix);
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const quiet = (options: ImportOptions = {}): ImportOptions => ({
  progress: false,
  checkpointDir: join(dir, 'checkpoints'),
  ...options,
});

/** Nodes and relationships under a prefix (ids of generated data start with it). */
async function counts(prefix: string) {
  const [nodes] = await t.db.read(
    'MATCH (n) WHERE (n:Entity OR n:Source) AND n.id STARTS WITH $p RETURN count(n) AS n',
    { p: `${prefix}-` },
  );
  const [rels] = await t.db.read(
    'MATCH (a)-[r]->(b) WHERE (a:Entity OR a:Source) AND a.id STARTS WITH $p AND b.id STARTS WITH $p RETURN count(r) AS n',
    { p: `${prefix}-` },
  );
  return { nodes: Number(nodes!.n), relationships: Number(rels!.n) };
}

function expected(data: GraphData) {
  return {
    nodes: data.entities.length + data.sources.length,
    relationships:
      data.relationships.length +
      data.mentions.reduce((n, m) => n + m.entities.length, 0) +
      data.sources.reduce((n, s) => n + (s.cites?.length ?? 0), 0),
  };
}

/** What the first `lines` records of a JSON Lines file write, counted from the file itself. */
function writtenByLines(file: string, lines: number) {
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, lines)
    .map((l) => JSON.parse(l) as { type: string; cites?: string[] });
  expect(records).toHaveLength(lines);
  const nodes = records.filter((r) => r.type === 'entity' || r.type === 'source').length;
  const relationships =
    records.filter((r) => r.type === 'relationship' || r.type === 'mention').length +
    records.reduce((n, r) => n + (r.type === 'source' ? (r.cites?.length ?? 0) : 0), 0);
  return { nodes, relationships };
}

async function generatedFile(label: string, entities: number, ext: 'ndjson' | 'csv' = 'ndjson') {
  const prefix = newPrefix(label);
  const data = generateGraph({ entities, seed: 7, prefix });
  const file = join(dir, `${prefix}.${ext}`);
  const records = await exportGraphData(data, file, ext);
  return { prefix, data, file, records };
}

describe('importing a generated file', () => {
  it('twice gives the same counts as once, and the second run changes nothing', { timeout: 180_000 }, async () => {
    const { prefix, data, file, records } = await generatedFile('imp-twice', 400);
    const first = await importFile(t.db, file, quiet({ batchSize: 500 }));
    expect(first).toMatchObject({ aborted: false, invalidCount: 0, records, written: records });
    expect(first.batches).toBe(Math.ceil(records / 500));
    expect(await counts(prefix)).toEqual(expected(data));
    expect(first.created.entities).toBe(data.entities.length);

    const second = await importFile(t.db, file, quiet({ batchSize: 500 }));
    expect(second.resumedAfterLine).toBe(0);
    expect(second.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(second.updated).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(await counts(prefix)).toEqual(expected(data));
    // A finished import leaves no checkpoint behind.
    expect(existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')) : []).toEqual([]);
  });

  it('as CSV gives the same graph as JSON Lines', { timeout: 180_000 }, async () => {
    const { prefix, data, file, records } = await generatedFile('imp-csv', 200, 'csv');
    const report = await importFile(t.db, file, quiet());
    expect(report).toMatchObject({ format: 'csv', invalidCount: 0, written: records });
    expect(await counts(prefix)).toEqual(expected(data));
    // Dates from CSV cells are Neo4j dates, like those from JSON Lines.
    const dated = data.entities.filter((e) => e.label === 'Project' && e.announcedOn != null).length;
    expect(dated).toBeGreaterThan(0);
    const types = await t.db.read(
      'MATCH (n:Project) WHERE n.id STARTS WITH $p AND n.announcedOn IS NOT NULL RETURN DISTINCT valueType(n.announcedOn) AS type, count(*) AS n',
      { p: `${prefix}-` },
    );
    expect(types.map((r) => [String(r.type), r.n])).toEqual([['DATE NOT NULL', dated]]);
  });
});

describe('a crash part-way', () => {
  it('resumes from the last committed batch and ends with exactly the right counts', { timeout: 180_000 }, async () => {
    const { prefix, data, file, records } = await generatedFile('imp-crash', 300);
    const crash = new Error('simulated crash');
    let checkpointLine = 0;
    await expect(
      importFile(
        t.db,
        file,
        quiet({
          batchSize: 150,
          afterBatch: (batches, checkpoint) => {
            checkpointLine = checkpoint.lastLine;
            if (batches === 2) throw crash;
          },
        }),
      ),
    ).rejects.toBe(crash);
    // Two committed batches of 150: exactly the file's first 300 records are in the graph.
    expect(checkpointLine).toBe(300);
    expect(await counts(prefix)).toEqual(writtenByLines(file, 300));
    expect(records).toBeGreaterThan(300);

    const resumed = await importFile(t.db, file, quiet({ batchSize: 150 }));
    expect(resumed.resumedAfterLine).toBe(checkpointLine);
    expect(resumed.written).toBe(records - 300);
    expect(await counts(prefix)).toEqual(expected(data));
  });

  it('of the CLI (SIGKILL after a checkpoint) and a re-run end with exactly the right counts', {
    timeout: 240_000,
  }, async () => {
    const { prefix, data, file } = await generatedFile('imp-kill', 300);
    const checkpoints = join(dir, 'cli-checkpoints');
    const run = (env: Record<string, string> = {}) =>
      runCli(['import', file, '--batch-size', '150', '--checkpoint-dir', checkpoints], env);
    const killed = await run({ STARGRAPH_IMPORT_CRASH_AFTER_BATCHES: '2' });
    expect(killed.signal).toBe('SIGKILL');
    expect(readdirSync(checkpoints)).toHaveLength(1);
    // Killed after its second checkpoint: exactly the first 300 records were written.
    expect(await counts(prefix)).toEqual(writtenByLines(file, 300));

    const rerun = await run();
    expect(rerun.stderr).toContain('Resumed after line 300');
    expect(rerun.code).toBe(0);
    expect(await counts(prefix)).toEqual(expected(data));
    expect(readdirSync(checkpoints)).toHaveLength(0);
  });
});

describe('invalid records', () => {
  function writeLines(name: string, lines: unknown[]): string {
    const file = join(dir, name);
    writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    return file;
  }

  it('are reported by line and by default nothing is written; --skip-invalid writes the rest', async () => {
    const p = newPrefix('imp-bad');
    const file = writeLines(`${p}.ndjson`, [
      { type: 'entity', label: 'Company', id: `${p}-co`, slug: `${p}-co`, name: 'Co', kind: 'AI_LAB' }, // 1 ok
      { type: 'entity', label: 'Person', id: `${p}-ceo`, slug: `${p}-ceo`, name: 'CEO' }, // 2 ok
      { type: 'entity', label: 'Company', id: `${p}-bad`, slug: 'Not Kebab', name: 'Bad' }, // 3 bad slug
      '{"type": "entity", oops', // 4 bad JSON
      { type: 'planet', name: 'x' }, // 5 unknown type
      { type: 'relationship', relationship: 'LEADS', from: `${p}-ceo`, to: `${p}-co`, properties: { title: 'CEO' } }, // 6 ok
      { type: 'relationship', relationship: 'LEADS', from: `${p}-co`, to: `${p}-ceo` }, // 7 wrong kinds
      { type: 'relationship', relationship: 'OPERATES', from: `${p}-co`, to: `${p}-nowhere` }, // 8 missing endpoint
      { type: 'relationship', relationship: 'PARTICIPATES_IN', from: `${p}-co`, to: `${p}-later` }, // 9 defined later
      { type: 'entity', label: 'Project', id: `${p}-later`, slug: `${p}-later`, name: 'Later', pledgedUsd: 1e9 }, // 10 ok
      { type: 'entity', label: 'Deal', id: `${p}-neg`, slug: `${p}-neg`, name: 'Neg', valueUsd: -5 }, // 11 negative money
      { type: 'entity', label: 'Person', id: `${p}-ceo2`, slug: `${p}-ceo`, name: 'Again' }, // 12 duplicate slug
      { type: 'relationship', relationship: 'LEADS', from: `${p}-ceo`, to: `${p}-co`, properties: { role: 'x' } }, // 13 wrong property
      { type: 'source', id: `${p}-src`, title: 'S', url: 'not-a-url' }, // 14 bad url
      { type: 'mention', source: `${p}-nosrc`, entity: `${p}-co` }, // 15 unknown source
    ]);
    const report = await importFile(t.db, file, quiet());
    expect(report.aborted).toBe(true);
    expect(report.written).toBe(0);
    expect(report.invalid.map((p) => p.line)).toEqual([3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 15]);
    expect(report.invalid.find((x) => x.line === 9)!.error).toMatch(/defined later, on line 10/);
    expect(report.invalid.find((x) => x.line === 7)!.error).toMatch(/LEADS cannot start at a Company/);
    expect((await counts(p)).nodes).toBe(0);

    const skipped = await importFile(t.db, file, quiet({ skipInvalid: true }));
    expect(skipped).toMatchObject({ aborted: false, invalidCount: 11, written: 4 });
    expect(await counts(p)).toEqual({ nodes: 3, relationships: 1 });
  });

  it('an entity whose slug is another kind in the graph is invalid (and, skipped, takes its relationships with it)', async () => {
    const p = newPrefix('imp-kind');
    const first = writeLines(`${p}-a.ndjson`, [
      { type: 'entity', label: 'Person', id: `${p}-x`, slug: `${p}-x`, name: 'X' },
    ]);
    await importFile(t.db, first, quiet());
    const second = writeLines(`${p}-b.ndjson`, [
      { type: 'entity', label: 'Company', id: `${p}-x2`, slug: `${p}-x`, name: 'X as a company' },
      { type: 'entity', label: 'Project', id: `${p}-proj`, slug: `${p}-proj`, name: 'Proj' },
      { type: 'relationship', relationship: 'PARTICIPATES_IN', from: `${p}-x`, to: `${p}-proj` },
    ]);
    const aborted = await importFile(t.db, second, quiet());
    expect(aborted.invalid.map((x) => x.line)).toEqual([1]);
    expect(aborted.invalid[0]!.error).toMatch(/already names a Person/);
    const skipped = await importFile(t.db, second, quiet({ skipInvalid: true }));
    expect(skipped.invalid.map((x) => x.line)).toEqual([1, 3]);
    expect(skipped.written).toBe(1);
    expect(await counts(p)).toEqual({ nodes: 2, relationships: 0 });
  });

  it('a mention or cite listed twice is valid and written once (no false "missing endpoint" in the write pass)', async () => {
    const p = newPrefix('imp-dupm');
    const mention = { type: 'mention', source: `${p}-src`, entity: `${p}-co` };
    const file = writeLines(`${p}.ndjson`, [
      { type: 'entity', label: 'Company', id: `${p}-co`, slug: `${p}-co`, name: 'Co' },
      { type: 'source', id: `${p}-src`, title: 'S' },
      { type: 'source', id: `${p}-src2`, title: 'S2', cites: [`${p}-src`, `${p}-src`] },
      mention,
      mention,
    ]);
    const report = await importFile(t.db, file, quiet());
    expect(report).toMatchObject({ aborted: false, invalidCount: 0, written: 5, batches: 1 });
    expect(report.created).toEqual({ entities: 1, sources: 2, relationships: 2 });
    expect(await counts(p)).toEqual({ nodes: 3, relationships: 2 });
    // Across batches too (each line its own batch), and again: nothing new.
    const again = await importFile(t.db, file, quiet({ batchSize: 1 }));
    expect(again).toMatchObject({ invalidCount: 0, written: 5, batches: 5 });
    expect(again.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(await counts(p)).toEqual({ nodes: 3, relationships: 2 });
  });

  it('an entity id already used (in the file, or in the graph by another slug) is reported by line, not a constraint error', async () => {
    const p = newPrefix('imp-ids');
    const first = writeLines(`${p}-a.ndjson`, [
      { type: 'entity', label: 'Person', id: `${p}-taken`, slug: `${p}-owner`, name: 'Owner' },
    ]);
    expect(await importFile(t.db, first, quiet())).toMatchObject({ aborted: false, written: 1 });
    const second = writeLines(`${p}-b.ndjson`, [
      { type: 'entity', label: 'Person', id: `${p}-taken`, slug: `${p}-other`, name: 'Other' }, // 1 id of another slug in the graph
      { type: 'entity', label: 'Company', id: `${p}-co`, slug: `${p}-co`, name: 'Co' }, // 2 ok
      { type: 'entity', label: 'Company', id: `${p}-co`, slug: `${p}-co2`, name: 'Co 2' }, // 3 id used on line 2
      { type: 'relationship', relationship: 'LEADS', from: `${p}-other`, to: `${p}-co` }, // 4 names the skipped entity
    ]);
    const aborted = await importFile(t.db, second, quiet());
    expect(aborted.aborted).toBe(true);
    expect(aborted.invalid.map((x) => x.line)).toEqual([1, 3]);
    expect(aborted.invalid[0]!.error).toMatch(new RegExp(`id ${p}-taken is already the id of ${p}-owner`));
    expect(aborted.invalid[1]!.error).toMatch(/was already used on line 2/);
    const skipped = await importFile(t.db, second, quiet({ skipInvalid: true }));
    expect(skipped.invalid.map((x) => x.line)).toEqual([1, 3, 4]);
    expect(skipped).toMatchObject({ aborted: false, written: 1 });
    expect(await counts(p)).toEqual({ nodes: 2, relationships: 0 });
    // The entity that has the id may name it again: an existing entity keeps its id anyway.
    const third = writeLines(`${p}-c.ndjson`, [
      { type: 'entity', label: 'Person', id: `${p}-taken`, slug: `${p}-owner`, name: 'Owner again' },
    ]);
    expect(await importFile(t.db, third, quiet())).toMatchObject({ aborted: false, invalidCount: 0, written: 1 });
    const [owner] = await t.db.read('MATCH (n:Entity {id: $id}) RETURN n.slug AS slug, n.name AS name', {
      id: `${p}-taken`,
    });
    expect(owner).toEqual({ slug: `${p}-owner`, name: 'Owner again' });
  });

  it('CSV: quoted fields with commas and newlines, lists, numbers; line numbers of multi-line rows', async () => {
    const p = newPrefix('imp-csvq');
    const file = join(dir, `${p}.csv`);
    writeFileSync(
      file,
      `${[
        'type,label,id,slug,name,description,aliases,kind,pledgedUsd,relationship,from,to,role,committedUsd',
        `entity,Company,${p}-co,${p}-co,"Co, Inc.","Line one\nline two",Co|The Co,AI_LAB,,,,,,`,
        `entity,Project,${p}-pr,${p}-pr,Project,,,,5e11,,,,,`,
        `relationship,,,,,,,,,PARTICIPATES_IN,${p}-co,${p}-pr,lead,1000000`,
        `relationship,,,,,,,,,PARTICIPATES_IN,${p}-pr,${p}-co,lead,abc`,
      ].join('\n')}\n`,
    );
    const report = await importFile(t.db, file, quiet({ skipInvalid: true }));
    expect(report.invalid.map((x) => x.line)).toEqual([6]);
    const [co] = await t.db.read(
      'MATCH (n:Company {slug: $s}) RETURN n.name AS name, n.description AS d, n.aliases AS aliases',
      { s: `${p}-co` },
    );
    expect(co).toEqual({ name: 'Co, Inc.', d: 'Line one\nline two', aliases: ['Co', 'The Co'] });
    const [rel] = await t.db.read(
      'MATCH (:Company {slug: $s})-[r:PARTICIPATES_IN]->() RETURN r.role AS role, r.committedUsd AS usd',
      { s: `${p}-co` },
    );
    expect(rel).toEqual({ role: 'lead', usd: 1_000_000 });
  });
  it('external identifiers: stored canonical from JSON Lines and CSV, a bad or repeated one reported by line', async () => {
    const p = newPrefix('imp-ids');
    const file = writeLines(`${p}.ndjson`, [
      {
        type: 'entity',
        label: 'Company',
        id: `${p}-a`,
        slug: `${p}-a`,
        name: 'A',
        identifiers: [`DOMAIN:A.${p}.example`],
      }, // 1 ok
      {
        type: 'entity',
        label: 'Company',
        id: `${p}-b`,
        slug: `${p}-b`,
        name: 'B',
        identifiers: ['WIKIDATA:not-an-id'],
      }, // 2 bad
      {
        type: 'entity',
        label: 'Company',
        id: `${p}-c`,
        slug: `${p}-c`,
        name: 'C',
        identifiers: [`DOMAIN:a.${p}.example`],
      }, // 3 A's
    ]);
    const report = await importFile(t.db, file, quiet({ skipInvalid: true }));
    expect(report.invalid.map((x) => x.line)).toEqual([2, 3]);
    expect(report.invalid.find((x) => x.line === 2)!.error).toMatch(
      /WIKIDATA value "not-an-id" is not a Wikidata item id/,
    );
    expect(report.invalid.find((x) => x.line === 3)!.error).toMatch(new RegExp(`is also ${p}-a's`));

    const csv = join(dir, `${p}.csv`);
    writeFileSync(
      csv,
      `type,label,id,slug,name,identifiers\nentity,Company,${p}-d,${p}-d,D,ticker:nyse:dd|DOMAIN:d.${p}.example\n`,
    );
    expect((await importFile(t.db, csv, quiet())).invalidCount).toBe(0);
    const stored = await t.db.read(
      `MATCH (n:Company) WHERE n.slug IN $slugs
       RETURN n.slug AS slug, n.identifiers AS ids, COLLECT { MATCH (i:Identifier {entity: n.id}) RETURN i.key } AS nodes
       ORDER BY slug`,
      { slugs: [`${p}-a`, `${p}-d`] },
    );
    expect(stored.map((r) => ({ ...r, nodes: [...(r.nodes as string[])].sort() }))).toEqual([
      { slug: `${p}-a`, ids: [`DOMAIN:a.${p}.example`], nodes: [`DOMAIN:a.${p}.example`] },
      {
        slug: `${p}-d`,
        ids: [`DOMAIN:d.${p}.example`, 'TICKER:NYSE:DD'],
        nodes: [`DOMAIN:d.${p}.example`, 'TICKER:NYSE:DD'],
      },
    ]);
  });
});

describe('the import CLI (src/main.ts import, a child process)', () => {
  const cli = (args: string[]) => runCli(['import', ...args, '--checkpoint-dir', join(dir, 'cli-checkpoints')]);
  // Ids under the prefix, so afterAll's deleteByPrefix removes them.
  const company = (p: string, x: string) => ({
    type: 'entity',
    label: 'Company',
    id: `${p}-${x}`,
    slug: `${p}-${x}`,
    name: `Co ${x}`,
  });
  const slugsUnder = async (p: string) =>
    (await t.db.read('MATCH (n:Entity) WHERE n.slug STARTS WITH $p RETURN n.slug AS slug ORDER BY slug', { p })).map(
      (r) => r.slug as string,
    );

  // Each run is a process that starts tsx and opens the graph: tens of seconds on a loaded machine.
  it('knows .jsonl by its name, and takes --format for a name that says nothing', { timeout: 240_000 }, async () => {
    const p = newPrefix('imp-cli-fmt');
    const jsonl = join(dir, `${p}.jsonl`);
    writeFileSync(jsonl, `${[company(p, 'a'), company(p, 'b')].map((r) => JSON.stringify(r)).join('\n')}\n`);
    const csvText = join(dir, `${p}-csv.txt`);
    writeFileSync(csvText, `type,label,id,slug,name,kind\nentity,Company,${p}-c,${p}-c,Co c,AI_LAB\n`);
    const ndjsonData = join(dir, `${p}.data`);
    writeFileSync(ndjsonData, `${JSON.stringify(company(p, 'd'))}\n`);

    const [byName, csv, ndjson, unknown] = await Promise.all([
      cli([jsonl]),
      cli([csvText, '--format', 'csv']),
      cli([ndjsonData, '--format', 'ndjson']),
      cli([csvText]),
    ]);
    for (const run of [byName, csv, ndjson]) {
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ invalid: 0 });
    }
    expect(JSON.parse(byName.stdout)).toMatchObject({ records: 2, written: 2 });
    expect(JSON.parse(csv.stdout)).toMatchObject({ records: 1, written: 1 });
    const [kind] = await t.db.read('MATCH (n:Company {slug: $s}) RETURN n.kind AS kind', { s: `${p}-c` });
    expect(kind?.kind).toBe('AI_LAB'); // read as CSV columns, not as one JSON line
    expect(await slugsUnder(p)).toEqual([`${p}-a`, `${p}-b`, `${p}-c`, `${p}-d`]);
    // Without --format a name that says nothing is refused before anything is read.
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Cannot tell the format of .*-csv\.txt from its name\nUsage: import /);
  });

  it('refuses a file with invalid records, writing nothing; --skip-invalid writes the rest and reports them', {
    timeout: 240_000,
  }, async () => {
    const p = newPrefix('imp-cli-skip');
    const file = join(dir, `${p}.ndjson`);
    writeFileSync(
      file,
      `${[
        JSON.stringify(company(p, 'good')),
        JSON.stringify({ type: 'entity', label: 'Company', slug: 'Not Kebab', name: 'Bad' }),
        JSON.stringify({ type: 'relationship', relationship: 'INVESTS_IN', from: `${p}-good`, to: `${p}-nowhere` }),
        JSON.stringify(company(p, 'fine')),
      ].join('\n')}\n`,
    );
    const refused = await cli([file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /2 invalid record\(s\) in .*; nothing was written \(fix them, or pass --skip-invalid\)/,
    );
    expect(refused.stderr).toMatch(/^ {2}line 2: /m);
    expect(refused.stderr).toMatch(/^ {2}line 3: .*nowhere/m);
    expect(JSON.parse(refused.stdout)).toMatchObject({ records: 4, invalid: 2, written: 0 });
    expect(await slugsUnder(p)).toEqual([]);

    const skipped = await cli([file, '--skip-invalid']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/^Skipped 2 invalid record\(s\):\n {2}line 2: .*\n {2}line 3: /m);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ records: 4, invalid: 2, written: 2 });
    expect(await slugsUnder(p)).toEqual([`${p}-fine`, `${p}-good`]);
  });
});
