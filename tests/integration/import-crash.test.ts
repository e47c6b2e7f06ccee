/**
 * The import CLI, run as a child process on the real Neo4j, killed (SIGKILL) at the two hard
 * points of a batch: inside its transaction before the commit, and after the commit before the
 * checkpoint. A re-run must end with exactly the file's entities, sources and relationships,
 * none twice. Also: a checkpoint of a file edited since is not used (the import starts over and
 * says so), nor with --no-resume.
 *
 * Expected counts come from the file's own lines (parsed here), not from the importer.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { exportGraphData } from '../../src/import/export-file.js';
import { runCli, type CliResult } from '../utils/cli.js';
import { openTestGraph, prefixTracker, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let dir: string;
const prefixes = prefixTracker();
const BATCH = 150;

beforeAll(async () => {
  t = await openTestGraph({ QUERY_TIMEOUT_MS: '60000' });
  dir = mkdtempSync(join(tmpdir(), 'stargraph-import-crash-'));
});

afterAll(async () => {
  for (const prefix of prefixes.all) await deleteByPrefix(t.db, prefix);
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real CLI (`src/main.ts import`) in a child process. */
function runImport(
  file: string,
  checkpoints: string,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(['import', file, '--batch-size', String(BATCH), '--checkpoint-dir', checkpoints, ...extraArgs], {
    QUERY_TIMEOUT_MS: '60000',
    STARGRAPH_IMPORT_CRASH_AFTER_BATCHES: '',
    STARGRAPH_IMPORT_CRASH_AT: '',
    ...env,
  });
}

/** The JSON summary line the CLI prints on stdout. */
const summaryOf = (run: CliResult) =>
  JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    records: number;
    written: number;
    resumedAfterLine: number;
    startedOver: string | null;
    created: { entities: number; sources: number; relationships: number };
  };

/** What the file holds, counted from its lines: entities, sources, and every relationship it defines. */
function fileCounts(file: string, upToLine = Number.POSITIVE_INFINITY) {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, upToLine);
  const records = lines.map(
    (l) => JSON.parse(l) as { type: string; cites?: string[]; entity?: string; source?: string },
  );
  const entities = records.filter((r) => r.type === 'entity').length;
  const sources = records.filter((r) => r.type === 'source').length;
  const relationshipLines = records.filter((r) => r.type === 'relationship').length;
  const mentions = new Set(records.filter((r) => r.type === 'mention').map((r) => `${r.source}\u0000${r.entity}`)).size;
  const cites = records.filter((r) => r.type === 'source').reduce((n, r) => n + new Set(r.cites ?? []).size, 0);
  return { lines: lines.length, entities, sources, relationships: relationshipLines + mentions + cites };
}

/** What the graph holds under a prefix, and how many of it are duplicates. */
async function graphCounts(prefix: string) {
  const p = `${prefix}-`;
  const [row] = await t.db.read(
    `CALL () { MATCH (n:Entity) WHERE n.id STARTS WITH $p RETURN count(n) AS entities, count(DISTINCT n.slug) AS slugs }
     CALL () { MATCH (s:Source) WHERE s.id STARTS WITH $p RETURN count(s) AS sources, count(DISTINCT s.id) AS sourceIds }
     CALL () {
       MATCH (a)-[r]->(b) WHERE (a:Entity OR a:Source) AND a.id STARTS WITH $p AND b.id STARTS WITH $p
       RETURN count(r) AS relationships, count(DISTINCT [elementId(a), type(r), elementId(b)]) AS distinctTriples
     }
     RETURN entities, slugs, sources, sourceIds, relationships, distinctTriples`,
    { p },
  );
  const r = Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
  return {
    entities: r.entities!,
    sources: r.sources!,
    relationships: r.relationships!,
    duplicates: r.entities! - r.slugs! + (r.sources! - r.sourceIds!) + (r.relationships! - r.distinctTriples!),
  };
}

async function generatedFile(label: string) {
  const prefix = prefixes.next(label);
  // 400 entities: the first batches (150 lines each) hold entities only (entities come first).
  const data = generateGraph({ entities: 400, seed: 11, prefix });
  const file = join(dir, `${prefix}.ndjson`);
  await exportGraphData(data, file, 'ndjson');
  const whole = fileCounts(file);
  expect(whole.entities).toBeGreaterThanOrEqual(2 * BATCH);
  expect(whole.sources).toBeGreaterThan(0);
  expect(whole.relationships).toBeGreaterThan(0);
  return { prefix, file, whole, checkpoints: join(dir, `${prefix}-checkpoints`) };
}

const checkpointIn = (checkpoints: string) => {
  const files = existsSync(checkpoints) ? readdirSync(checkpoints) : [];
  return files.map(
    (f) => JSON.parse(readFileSync(join(checkpoints, f), 'utf8')) as { lastLine: number; batches: number },
  );
};

describe('a crash at a hard point of a batch', () => {
  it('inside the transaction, before its commit: nothing of that batch is in the graph, and a re-run ends exact', {
    timeout: 180_000,
  }, async () => {
    const { prefix, file, whole, checkpoints } = await generatedFile('crash-mid');
    const killed = await runImport(file, checkpoints, [], { STARGRAPH_IMPORT_CRASH_AT: 'written:2' });
    expect(killed.signal).toBe('SIGKILL');
    // Batch 1 committed and checkpointed; batch 2's writes ran but were never committed.
    expect(checkpointIn(checkpoints)).toMatchObject([{ lastLine: BATCH, batches: 1 }]);
    expect(await graphCounts(prefix)).toEqual({ entities: BATCH, sources: 0, relationships: 0, duplicates: 0 });

    const rerun = await runImport(file, checkpoints);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`Resumed after line ${BATCH}`);
    const summary = summaryOf(rerun);
    expect(summary).toMatchObject({
      records: whole.lines,
      written: whole.lines - BATCH,
      resumedAfterLine: BATCH,
      startedOver: null,
    });
    expect(summary.created).toEqual({
      entities: whole.entities - BATCH,
      sources: whole.sources,
      relationships: whole.relationships,
    });
    expect(await graphCounts(prefix)).toEqual({
      entities: whole.entities,
      sources: whole.sources,
      relationships: whole.relationships,
      duplicates: 0,
    });
    expect(checkpointIn(checkpoints)).toEqual([]);
  });

  it('after the commit, before its checkpoint: the batch is written again on re-run, changing nothing, and the end is exact', {
    timeout: 180_000,
  }, async () => {
    const { prefix, file, whole, checkpoints } = await generatedFile('crash-commit');
    const killed = await runImport(file, checkpoints, [], { STARGRAPH_IMPORT_CRASH_AT: 'committed:2' });
    expect(killed.signal).toBe('SIGKILL');
    // The graph is one batch ahead of the checkpoint: batch 2 is in, the checkpoint says batch 1.
    expect(checkpointIn(checkpoints)).toMatchObject([{ lastLine: BATCH, batches: 1 }]);
    expect(await graphCounts(prefix)).toEqual({ entities: 2 * BATCH, sources: 0, relationships: 0, duplicates: 0 });

    const rerun = await runImport(file, checkpoints);
    expect(rerun.code).toBe(0);
    const summary = summaryOf(rerun);
    expect(summary).toMatchObject({ records: whole.lines, written: whole.lines - BATCH, resumedAfterLine: BATCH });
    // Batch 2's entities were already there: re-applied, not created again.
    expect(summary.created).toEqual({
      entities: whole.entities - 2 * BATCH,
      sources: whole.sources,
      relationships: whole.relationships,
    });
    expect(await graphCounts(prefix)).toEqual({
      entities: whole.entities,
      sources: whole.sources,
      relationships: whole.relationships,
      duplicates: 0,
    });
    expect(checkpointIn(checkpoints)).toEqual([]);
  });
});

describe('a checkpoint that does not apply', () => {
  it('of a file edited since: the import starts over from line 1, says so, and leaves no checkpoint', {
    timeout: 180_000,
  }, async () => {
    const { prefix, file, whole, checkpoints } = await generatedFile('edited');
    const killed = await runImport(file, checkpoints, [], { STARGRAPH_IMPORT_CRASH_AFTER_BATCHES: '1' });
    expect(killed.signal).toBe('SIGKILL');
    expect(checkpointIn(checkpoints)).toMatchObject([{ lastLine: BATCH }]);

    // The edit: one more entity at the end (size and mtime change).
    appendFileSync(
      file,
      `${JSON.stringify({ type: 'entity', label: 'Company', id: `${prefix}-late`, slug: `${prefix}-late`, name: 'Late Co' })}\n`,
    );
    const rerun = await runImport(file, checkpoints);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(
      new RegExp(
        `Started over from line 1: a checkpoint of an earlier run \\(after line ${BATCH}\\) was not used because the file changed`,
      ),
    );
    expect(rerun.stderr).not.toContain('Resumed after line');
    const summary = summaryOf(rerun);
    expect(summary).toMatchObject({
      records: whole.lines + 1,
      written: whole.lines + 1,
      resumedAfterLine: 0,
      startedOver: 'file-changed',
    });
    expect(summary.created).toEqual({
      entities: whole.entities + 1 - BATCH,
      sources: whole.sources,
      relationships: whole.relationships,
    });
    expect(await graphCounts(prefix)).toEqual({
      entities: whole.entities + 1,
      sources: whole.sources,
      relationships: whole.relationships,
      duplicates: 0,
    });
    expect(checkpointIn(checkpoints)).toEqual([]);
  });

  it('with --no-resume: the import starts over from line 1, says so, and ends exact', {
    timeout: 180_000,
  }, async () => {
    const { prefix, file, whole, checkpoints } = await generatedFile('no-resume');
    const killed = await runImport(file, checkpoints, [], { STARGRAPH_IMPORT_CRASH_AFTER_BATCHES: '2' });
    expect(killed.signal).toBe('SIGKILL');
    expect(checkpointIn(checkpoints)).toMatchObject([{ lastLine: 2 * BATCH }]);

    const rerun = await runImport(file, checkpoints, ['--no-resume']);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(
      new RegExp(
        `Started over from line 1: a checkpoint of an earlier run \\(after line ${2 * BATCH}\\) was not used because --no-resume was given`,
      ),
    );
    const summary = summaryOf(rerun);
    expect(summary).toMatchObject({
      records: whole.lines,
      written: whole.lines,
      resumedAfterLine: 0,
      startedOver: 'no-resume',
    });
    expect(summary.created).toEqual({
      entities: whole.entities - 2 * BATCH,
      sources: whole.sources,
      relationships: whole.relationships,
    });
    expect(await graphCounts(prefix)).toEqual({
      entities: whole.entities,
      sources: whole.sources,
      relationships: whole.relationships,
      duplicates: 0,
    });
    expect(checkpointIn(checkpoints)).toEqual([]);
  });
});
