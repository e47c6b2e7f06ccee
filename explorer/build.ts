/**
 * Builds the explorer into explorer/dist when it is missing or older than its sources or the
 * schema (`--force` always builds). Run by `npm start` (prestart), `npm run build:explorer` and
 * the test suite's global setup, so `npm install && npm start` serves a current explorer and
 * the bundle is never committed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');
const BUILT = join(HERE, 'dist', 'index.html');
const GENERATED = join(HERE, 'src', 'graphql-env.d.ts');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return path === GENERATED ? 0 : stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function explorerIsCurrent(): boolean {
  if (!existsSync(BUILT)) return false;
  const sources = Math.max(
    newestMtime(join(HERE, 'src')),
    newestMtime(join(HERE, 'index.html')),
    newestMtime(join(HERE, 'review.html')),
    newestMtime(join(HERE, 'vite.config.ts')),
    newestMtime(join(ROOT, 'schema', 'schema.graphql')),
  );
  return statSync(BUILT).mtimeMs >= sources;
}

function run(command: string, args: string[]): void {
  const bin = join(ROOT, 'node_modules', '.bin', command);
  const result = spawnSync(bin, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`explorer build: ${command} ${args.join(' ')} failed (exit ${result.status})`);
}

export function buildExplorer({
  force = false,
  log = console.log,
}: {
  force?: boolean;
  log?: (m: string) => void;
} = {}): boolean {
  if (!force && explorerIsCurrent()) return false;
  if (!force && !existsSync(join(ROOT, 'node_modules', '.bin', 'vite'))) {
    // Installed without dev dependencies: serve the API anyway; /explorer says how to build it.
    log('The explorer is not built and its build tools (dev dependencies) are not installed; /explorer will say so.');
    return false;
  }
  const started = Date.now();
  log('Building the explorer (explorer/dist)...');
  const tsconfig = join('explorer', 'tsconfig.json');
  // Types of every document from the printed schema; then the documents checked against it.
  run('gql-tada', ['generate', 'output', '--tsconfig', tsconfig]);
  run('gql-tada', ['check', '--tsconfig', tsconfig, '--fail-on-warn']);
  run('tsc', ['-p', tsconfig]);
  run('vite', ['build', '--config', join('explorer', 'vite.config.ts')]);
  log(`Explorer built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildExplorer({ force: process.argv.includes('--force') });
}
