/**
 * Resume points for the import CLI. A checkpoint names the last line whose batch has COMMITTED;
 * it is written (atomically: temp file + rename) only after the commit, so a crash at any moment
 * leaves either the previous checkpoint or this one, never one ahead of the graph. One checkpoint
 * per file (named by its absolute path); it records the file's size and mtime, and a file edited
 * since (either changed) starts over, saying so, and replaces it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_CHECKPOINT_DIR = '.data/import-checkpoints';

export interface Checkpoint {
  file: string;
  size: number;
  mtimeMs: number;
  /** Every record on lines up to here is in the graph. */
  lastLine: number;
  batches: number;
  rowsWritten: number;
  updatedAt: string;
}

export function checkpointPath(
  file: string,
  dir = DEFAULT_CHECKPOINT_DIR,
): { path: string; identity: Pick<Checkpoint, 'file' | 'size' | 'mtimeMs'> } {
  const absolute = resolve(file);
  const stat = statSync(absolute);
  const identity = { file: absolute, size: stat.size, mtimeMs: stat.mtimeMs };
  // Named by the path alone, so the checkpoint of an edited file is found (and the import can
  // say it starts over) and then replaced, never left behind.
  const key = createHash('sha256').update(identity.file).digest('hex').slice(0, 24);
  return { path: join(dir, `${key}.json`), identity };
}

/** Same file, same size and mtime: the checkpoint applies to the file as it is now. */
export function sameFile(
  checkpoint: Pick<Checkpoint, 'file' | 'size' | 'mtimeMs'>,
  identity: Pick<Checkpoint, 'file' | 'size' | 'mtimeMs'>,
): boolean {
  return (
    checkpoint.file === identity.file && checkpoint.size === identity.size && checkpoint.mtimeMs === identity.mtimeMs
  );
}

export function readCheckpoint(path: string): Checkpoint | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(temp, path);
}

export function clearCheckpoint(path: string): void {
  rmSync(path, { force: true });
}
