/**
 * Trusted documents: the manifest of operations the project's own clients send (GraphiQL's
 * example tabs and, when it exists, the explorer's documents), as `{ "<sha256 of the document
 * text>": "<document>" }`, the hash Automatic Persisted Queries use too.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';

export type Manifest = Record<string, string>;

export const documentHash = (document: string) => createHash('sha256').update(document).digest('hex');

/** Reads and checks a manifest: every value must parse and hash to its key. */
export function readManifest(file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`PERSISTED_OPERATIONS_FILE ${file}: ${(error as Error).message} (run npm run persisted:build)`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`PERSISTED_OPERATIONS_FILE ${file}: expected an object of hash → document`);
  for (const [hash, document] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof document !== 'string' || documentHash(document) !== hash) {
      throw new Error(
        `PERSISTED_OPERATIONS_FILE ${file}: the entry ${hash.slice(0, 12)}… is not the sha256 of its document`,
      );
    }
  }
  return raw as Manifest;
}

/** `.graphql` files under `dir` (recursively), each one document. */
function graphqlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : graphqlFiles(path);
      return name.endsWith('.graphql') ? [path] : [];
    });
}

/**
 * The manifest of the documents under `dirs` (missing folders are skipped, so an explorer that
 * does not exist yet adds nothing). Each file's text is hashed exactly as a client sends it.
 */
export function buildManifest(dirs: string[]): { manifest: Manifest; files: string[] } {
  const manifest: Manifest = {};
  const files = dirs.flatMap(graphqlFiles);
  for (const file of files) {
    const document = readFileSync(file, 'utf8');
    parse(document); // a broken document fails the build, not a client
    manifest[documentHash(document)] = document;
  }
  return { manifest, files };
}
