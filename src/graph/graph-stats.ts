/** Counts per kind: the smallest real question the graph answers; also a smoke test. */
import type { Db } from '../neo4j/db.js';
import { ENTITY_LABELS } from './model.js';

const LABELS = ['Entity', ...ENTITY_LABELS, 'Source'] as const;

/** One count per known label, answered from Neo4j's count store, not by scanning nodes. */
export async function countByLabel(db: Db): Promise<Array<{ label: string; count: number }>> {
  const [row] = await db.read(`RETURN ${LABELS.map((l) => `COUNT { (:${l}) } AS ${l}`).join(', ')}`);
  return LABELS.map((label) => ({ label, count: Number(row?.[label] ?? 0) }));
}
