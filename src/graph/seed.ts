/** The seed dataset (cypher/seed/stargate.json): loaded on demand, or at start-up into an empty graph. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../neo4j/db.js';
import { loadGraph, type GraphData, type LoadResult } from './bulk-load.js';

export const SEED_FILE = fileURLToPath(new URL('../../cypher/seed/stargate.json', import.meta.url));

/** Read fresh each time: it is small, and edits to the file show up without a restart. */
export function readSeed(file = SEED_FILE): GraphData {
  return JSON.parse(readFileSync(file, 'utf8')) as GraphData;
}

/** Loads (or re-applies) the seed; loading it again changes nothing, timestamps included. */
export function loadSeed(db: Db): Promise<LoadResult> {
  return loadGraph(db, readSeed());
}

/** Loads the seed only into a graph with no entity at all, so it never mixes into real data. */
export async function seedIfEmpty(db: Db): Promise<LoadResult | null> {
  const [row] = await db.read('MATCH (n:Entity) RETURN count(n) > 0 AS any LIMIT 1');
  if (row?.any) return null;
  return loadSeed(db);
}
