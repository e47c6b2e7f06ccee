/**
 * Duplicate suggestions: pairs of live entities of one kind that are likely the same, scored by the
 * reconciliation name rules (identity/reconcile.ts) and their shared neighbours.
 *
 * Comparing every pair is quadratic, so pairs are only compared within blocks: entities whose
 * names (or aliases) share their core key (folded, legal forms and spacing aside), their words in
 * any order, or, for typing slips, the first four letters of the core key with a length within
 * two. A block larger than MAX_BLOCK (a word every name shares) is skipped: it says nothing.
 */
import type { Db } from '../neo4j/db.js';
import type { EntityLabel } from '../graph/model.js';
import { entityProjection, toEntityRow, type EntityRow } from '../graph/entities.js';
import { coreTokens, nameMatch, type ReconcileReason } from './reconcile.js';

export interface DuplicatePair {
  a: EntityRow;
  b: EntityRow;
  score: number;
  reasons: ReconcileReason[];
}

/** Entities in one block at most; above it the block is not compared. */
const MAX_BLOCK = 50;
/** Least name score a pair needs to be suggested: one typing slip, or closer. */
const MIN_SCORE = 0.9;

/** The block keys of a name: its core key, its sorted words, and its slip block. */
function blockKeys(name: string): string[] {
  const core = coreTokens(name);
  const compact = core.join('');
  if (compact.length < 3) return [];
  const keys = [`c:${compact}`, `w:${[...core].sort().join(' ')}`];
  // Slips: same first four letters; lengths grouped in pairs so one slip stays within a block or its neighbour.
  const bucket = Math.floor(compact.length / 2);
  for (const b of [bucket, bucket + 1]) keys.push(`s:${compact.slice(0, 4)}:${b}`);
  return keys;
}

/** The best name rule between two entities, over their names and aliases. */
function bestMatch(a: EntityRow, b: EntityRow) {
  let best: ReturnType<typeof nameMatch> = null;
  for (const x of [a.name, ...a.aliases]) {
    for (const [y, isAlias] of [[b.name, false] as const, ...b.aliases.map((al) => [al, true] as const)]) {
      const m = nameMatch(x, y, isAlias);
      if (m && (!best || m.score > best.score)) best = m;
    }
  }
  return best;
}

/** Best score first, then by the pair's slugs: one order for equal scores. */
const bestFirst = (p: DuplicatePair, q: DuplicatePair) =>
  q.score - p.score || p.a.slug.localeCompare(q.a.slug) || p.b.slug.localeCompare(q.b.slug);

/** The `first` most likely duplicate pairs among live entities of `label`, best first. */
export async function duplicateCandidates(db: Db, label: EntityLabel, first: number): Promise<DuplicatePair[]> {
  const rows = await db.read(`MATCH (n:${label}) RETURN ${entityProjection('n')} AS entity`);
  const entities = rows.map((r) => toEntityRow(r.entity));
  const blocks = new Map<string, number[]>();
  entities.forEach((e, i) => {
    for (const name of [e.name, ...e.aliases]) {
      for (const key of blockKeys(name)) {
        const block = blocks.get(key) ?? [];
        if (block.at(-1) !== i) block.push(i);
        blocks.set(key, block);
      }
    }
  });
  const pairs = new Map<string, DuplicatePair>();
  for (const block of blocks.values()) {
    if (block.length < 2 || block.length > MAX_BLOCK) continue;
    for (let x = 0; x < block.length; x++) {
      for (let y = x + 1; y < block.length; y++) {
        const [a, b] = [entities[block[x]!]!, entities[block[y]!]!].sort((p, q) => p.slug.localeCompare(q.slug)) as [
          EntityRow,
          EntityRow,
        ];
        const key = `${a.id}\u0000${b.id}`;
        if (pairs.has(key)) continue;
        const m = bestMatch(a, b);
        if (!m || m.score < MIN_SCORE) continue;
        pairs.set(key, { a, b, score: m.score, reasons: [{ kind: m.kind, detail: m.detail, weight: m.score }] });
      }
    }
  }
  const ranked = [...pairs.values()].sort(bestFirst);
  const top = ranked.slice(0, first * 2);
  if (top.length > 0) {
    const shared = await db.read(
      `UNWIND $pairs AS pair
       MATCH (a:Entity {id: pair[0]}), (b:Entity {id: pair[1]})
       RETURN pair, COLLECT { MATCH (a)--(m:Entity)--(b) RETURN DISTINCT m.name LIMIT 5 } AS names`,
      { pairs: top.map((p) => [p.a.id, p.b.id]) },
    );
    const byPair = new Map(shared.map((r) => [(r.pair as string[]).join('\u0000'), r.names as string[]]));
    for (const p of top) {
      const names = byPair.get(`${p.a.id}\u0000${p.b.id}`) ?? [];
      if (names.length === 0) continue;
      const lift = Math.min(0.1, 0.05 * names.length);
      p.score = Math.min(1, Math.round((p.score + lift) * 1000) / 1000);
      p.reasons.push({ kind: 'SHARED_NEIGHBOURS', detail: names.join(', '), weight: lift });
    }
  }
  return top.sort(bestFirst).slice(0, first);
}
