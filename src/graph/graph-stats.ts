/** Counts per kind: the smallest real question the graph answers; also a smoke test. */
import { heldAt, labelAt, timeParams, type TimeSlice } from '../claims/time.js';
import type { Db } from '../neo4j/db.js';
import { ENTITY_LABELS } from './model.js';

const LABELS = ['Entity', ...ENTITY_LABELS, 'Source'] as const;

/**
 * One count per known label, answered from Neo4j's count store, not by scanning nodes. At a
 * slice, the entities held then (live or held back) are counted one by one; sources are not claims.
 */
export async function countByLabel(
  db: Db,
  time: TimeSlice | null = null,
): Promise<Array<{ label: string; count: number }>> {
  const count = (l: (typeof LABELS)[number]) =>
    time && l !== 'Source' ? `COUNT { (n:${labelAt(l, true)}) WHERE ${heldAt('n')} }` : `COUNT { (:${l}) }`;
  const [row] = await db.read(`RETURN ${LABELS.map((l) => `${count(l)} AS ${l}`).join(', ')}`, timeParams(time));
  return LABELS.map((label) => ({ label, count: Number(row?.[label] ?? 0) }));
}
