/** The command line's argument parsing (src/cli/): defaults, and every mistake a usage error. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HelpRequested, parseNoArgs, UsageError } from '../../src/cli/args.js';
import { parseNeighborhoodExportArgs } from '../../src/cli/export.js';
import { GENERATE_USAGE, parseGenerateArgs } from '../../src/cli/generate.js';
import { IMPORT_USAGE, parseImportArgs } from '../../src/cli/import.js';
import { answerQuery, parseQueryArgs, QUERY_USAGE } from '../../src/cli/query.js';

const dir = mkdtempSync(join(tmpdir(), 'stargraph-cli-args-'));
const ndjson = join(dir, 'graph.ndjson');
writeFileSync(ndjson, '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The UsageError `parse` throws: its message and the usage it names. */
function usageError(parse: () => unknown): UsageError {
  try {
    parse();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('generate', () => {
  it('takes the documented defaults (5000 per batch, 2 at once) and leaves seed and prefix to the generator', () => {
    expect(parseGenerateArgs(['--entities', '100'])).toEqual({
      generate: { entities: 100, seed: undefined, prefix: undefined, sources: undefined },
      batchSize: 5000,
      concurrency: 2,
    });
    expect(parseGenerateArgs(['--entities=20', '--seed', '7', '--prefix', 'x', '--batch-size', '0'])).toMatchObject({
      generate: { entities: 20, seed: 7, prefix: 'x' },
      batchSize: 5000,
    });
    expect(parseGenerateArgs(['--entities', '20', '--concurrency', '0']).concurrency).toBe(1);
  });

  it('asks the generator for a claim history only with --history', () => {
    expect(parseGenerateArgs(['--entities', '20', '--history']).generate.history).toBe(true);
    expect(parseGenerateArgs(['--entities', '20']).generate).not.toHaveProperty('history');
  });

  it.each([
    [[], /--entities is required/],
    [['--entities', '9'], /at least 10/],
    [['--entities', 'many'], /--entities must be a whole number/],
    [['--entities', '20', '--seed', '1.5'], /--seed must be a whole number/],
    [['--entities', '20', '--bogus', '1'], /Unknown option '--bogus'/],
    [['--entities'], /argument missing/],
    [['--entities', '20', 'extra'], /Unexpected argument 'extra'/],
  ])('refuses %j', (args, message) => {
    const error = usageError(() => parseGenerateArgs(args));
    expect(error.message).toMatch(message);
    expect(error.usage).toBe(GENERATE_USAGE);
  });
});

describe('import', () => {
  it('reads the file, its format from the name, and the flags', () => {
    expect(parseImportArgs([ndjson])).toEqual({
      file: ndjson,
      options: { format: 'ndjson', batchSize: 2000, skipInvalid: false, resume: true, checkpointDir: undefined },
    });
    expect(
      parseImportArgs(['--skip-invalid', ndjson, '--no-resume', '--format', 'csv', '--checkpoint-dir', dir]),
    ).toEqual({
      file: ndjson,
      options: { format: 'csv', batchSize: 2000, skipInvalid: true, resume: false, checkpointDir: dir },
    });
  });

  it.each([
    [[], /exactly one file/],
    [[ndjson, ndjson], /exactly one file/],
    [[join(dir, 'missing.ndjson')], /No such file/],
    [[ndjson, '--format', 'xml'], /--format must be ndjson or csv/],
    [[ndjson, '--skip-invalid=yes'], /does not take an argument/],
    [[ndjson, '--resume'], /Unknown option '--resume'/],
  ])('refuses %j', (args, message) => {
    const error = usageError(() => parseImportArgs(args));
    expect(error.message).toMatch(message);
    expect(error.usage).toBe(IMPORT_USAGE);
  });
});

describe('export --around', () => {
  it('hands the flags to the endpoint’s checks, repeated --types included', () => {
    const command = parseNeighborhoodExportArgs(['--around', 'openai', '--types', 'LEADS', '--types', 'PARTY_TO']);
    expect(command.parameters).toMatchObject({ around: 'openai', format: 'graphml', types: ['LEADS', 'PARTY_TO'] });
    expect(parseNeighborhoodExportArgs(['--around', 'a', '--format', 'csv', '--out', dir])).toMatchObject({
      csvToDir: true,
      parameters: { part: 'nodes' },
    });
  });

  it.each([
    [['--around', 'a', '--depth', 'two'], /"depth" must be a whole number/],
    [['--around', 'a', '--depth', '1', '--depth', '2'], /more than once/],
    [['--around', 'a', '--format', 'csv', '--out', 'd', '--part', 'nodes'], /drop --part/],
    [['--around', 'a', '--entities', '5'], /Unknown option '--entities'/],
  ])('refuses %j', (args, message) => {
    expect(usageError(() => parseNeighborhoodExportArgs(args)).message).toMatch(message);
  });
});

describe('query', () => {
  it('reads the question, its arguments and its flags in any order', () => {
    const command = parseQueryArgs(['--json', 'paths', 'a', '--max-hops', '5', 'b', '--first=-1']);
    expect(command).toMatchObject({ args: ['a', 'b'], flags: { maxHops: 5, first: -1 }, json: true });
    expect(parseQueryArgs([])).toBeUndefined();
    expect(parseQueryArgs(['help'])).toBeUndefined();
  });

  it.each([
    [['nope'], /Unknown question "nope"/],
    [['toString'], /Unknown question "toString"/],
    [['path', 'a'], /path takes 2 argument/],
    [['path', 'a', 'b', '--first', '3'], /path does not take --first/],
    [['paths', 'a', 'b', '--first', 'ten'], /--first must be a whole number/],
    [['stats', 'openai', '--jsn'], /Unknown option '--jsn'/],
  ])('refuses %j', (args, message) => {
    const error = usageError(() => parseQueryArgs(args));
    expect(error.message).toMatch(message);
    expect(error.usage).toBe(QUERY_USAGE);
  });

  it('sends the schema’s defaults for flags left out, and --json prints the answer alone', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const answer = { length: 0, nodes: [{ __typename: 'Company', slug: 'a', name: 'A' }], relationships: [] };
    const run = async (_query: string, variables: Record<string, unknown>) => {
      sent.push(variables);
      return { shortestPath: answer };
    };
    const json = await answerQuery(run, parseQueryArgs(['path', 'a', 'a', '--json'])!);
    expect(JSON.parse(json)).toEqual(answer);
    const text = await answerQuery(run, parseQueryArgs(['path', 'a', 'a'])!);
    expect(text).toBe('Shortest path from A to A (0 hops):\n  A (company, a)');
    // Written out (SPEC: `shortestPath(maxHops: Int = 6)`), not read from the code it checks.
    expect(sent).toEqual([
      { from: 'a', to: 'a', maxHops: 6, types: undefined },
      { from: 'a', to: 'a', maxHops: 6, types: undefined },
    ]);
  });
});

describe('every command', () => {
  it('answers --help and -h with its usage, and refuses arguments it does not take', () => {
    expect(() => parseGenerateArgs(['--help'])).toThrow(HelpRequested);
    expect(() => parseQueryArgs(['path', '-h'])).toThrow(HelpRequested);
    expect(usageError(() => parseNoArgs(['--port', '1'], 'serve')).message).toMatch(/Unknown option '--port'/);
    expect(usageError(() => parseNoArgs(['now'], 'seed')).message).toMatch(/Unexpected argument 'now'/);
  });
});
