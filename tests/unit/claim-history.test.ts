import { describe, expect, it } from 'vitest';
import { RELATIONSHIPS } from '../../src/graph/model.js';
import { generateWriteHistory, writeRequest, type Write } from '../utils/claim-history.js';
import { ClaimReference } from '../utils/claim-reference.js';

const TODAY = '2026-12-07';
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);
/** Commit instants a second apart from midnight of TODAY. */
const instants = (writes: readonly Write[]) => writes.map((_, i) => Date.parse(`${TODAY}T00:00:00Z`) + (i + 1) * 1000);

describe('generateWriteHistory', () => {
  it('is deterministic per seed', () => {
    const options = { seed: 5, today: TODAY };
    expect(generateWriteHistory(options)).toEqual(generateWriteHistory(options));
    expect(generateWriteHistory({ ...options, seed: 6 })).not.toEqual(generateWriteHistory(options));
  });

  it('writes on at most 30 entities, with unique names, and refuses more', () => {
    const history = generateWriteHistory({ seed: 1, entities: 30, writes: 100, today: TODAY });
    expect(history.entities).toHaveLength(30);
    expect(new Set(history.entities.map((e) => e.name)).size).toBe(30);
    expect(() => generateWriteHistory({ seed: 1, entities: 31 })).toThrow(RangeError);
  });

  it('uses every kind of write, dates absent, null and explicit, citations and ends', () => {
    const writes = SEEDS.flatMap((seed) => generateWriteHistory({ seed, today: TODAY }).writes);
    const ops = new Set(writes.map((w) => w.op));
    expect(ops).toEqual(new Set(['upsert', 'connect', 'disconnect', 'retractClaim', 'deleteEntity']));
    const args = writes.flatMap((w) => (w.op === 'upsert' || w.op === 'connect' ? [w.claim] : []));
    expect(args.some((a) => a.validFrom === undefined)).toBe(true);
    expect(args.some((a) => a.validFrom === null)).toBe(true);
    expect(args.some((a) => typeof a.validFrom === 'string')).toBe(true);
    expect(args.some((a) => typeof a.validTo === 'string')).toBe(true);
    expect(args.some((a) => (a.citations ?? []).length > 0)).toBe(true);
    expect(writes.some((w) => w.op === 'upsert' && Object.values(w.values).includes(null))).toBe(true);
    expect(writes.some((w) => w.op === 'disconnect' && w.validTo !== undefined)).toBe(true);
  });

  it('connects only the kinds the model allows, and only entities already written and not deleted', () => {
    for (const seed of SEEDS) {
      const history = generateWriteHistory({ seed, today: TODAY });
      const label = new Map(history.entities.map((e) => [e.slug, e.label]));
      const written = new Set<string>();
      const deleted = new Set<string>();
      for (const w of history.writes) {
        if (w.op === 'upsert') {
          expect(deleted.has(w.slug)).toBe(false);
          written.add(w.slug);
        } else if (w.op === 'connect') {
          expect(RELATIONSHIPS[w.type].from as readonly string[]).toContain(label.get(w.from));
          expect(RELATIONSHIPS[w.type].to as readonly string[]).toContain(label.get(w.to));
          for (const end of [w.from, w.to]) expect(written.has(end) && !deleted.has(end)).toBe(true);
        } else if (w.op === 'deleteEntity') deleted.add(w.slug);
      }
    }
  });

  it('replays without refusal, and makes conflicts, closings and retractions happen', () => {
    let conflicts = 0;
    let closed = 0;
    let retracted = 0;
    for (const seed of SEEDS) {
      const { writes } = generateWriteHistory({ seed, today: TODAY });
      const reference = ClaimReference.replay(writes, instants(writes));
      for (const [i, w] of writes.entries()) {
        if (w.op !== 'retractClaim') continue;
        // A retraction names a claim asserted when it was written: it is the one that retracted it.
        expect(reference.claimOf(w.target)?.retractedAt).toBe(instants(writes)[i]);
      }
      conflicts += reference.claims.filter((c) => reference.conflicts(c).length > 0).length;
      closed += reference.claims.filter((c) => c.validTo !== null).length;
      retracted += reference.claims.filter((c) => c.retractedAt !== null).length;
    }
    expect(conflicts).toBeGreaterThan(10);
    expect(closed).toBeGreaterThan(20);
    expect(retracted).toBeGreaterThan(20);
  });

  it('names only entities in force today when asked', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const { writes } = generateWriteHistory({ seed, today: TODAY, inForceEndsOnly: true });
      const times = instants(writes);
      const reference = new ClaimReference();
      const now = { asOf: TODAY, knownAt: Number.POSITIVE_INFINITY };
      for (const [i, w] of writes.entries()) {
        const named =
          w.op === 'connect' || w.op === 'disconnect' ? [w.from, w.to] : w.op === 'deleteEntity' ? [w.slug] : [];
        for (const slug of named) expect(reference.exists(slug, now), `${seed} #${i} ${slug}`).toBe(true);
        reference.apply(w, times[i]!);
      }
    }
  });

  it('keeps out of default histories the writes the rules leave open', () => {
    for (const seed of SEEDS) {
      const { writes } = generateWriteHistory({ seed, today: TODAY });
      const times = instants(writes);
      const reference = new ClaimReference();
      for (const [i, w] of writes.entries()) {
        if (w.op === 'disconnect') {
          const endsOn = w.validTo ?? TODAY;
          const ended = reference
            .relationshipClaims(w.from, w.type, w.to)
            .filter((c) => c.validTo === null || c.validTo > endsOn);
          expect(ended.every((c) => c.validFrom === null || c.validFrom < endsOn)).toBe(true);
        }
        if (w.op === 'upsert') {
          const closesAt = w.claim.validFrom === undefined ? TODAY : w.claim.validFrom;
          for (const [field, value] of Object.entries(w.values)) {
            if (value !== null) continue;
            expect(closesAt).not.toBe(null);
            const open = reference.openClaims(w.slug, field);
            expect(open.every((c) => c.validFrom === null || c.validFrom < closesAt!)).toBe(true);
          }
        }
        reference.apply(w, times[i]!);
      }
    }
  });
});

describe('writeRequest', () => {
  it('sends each write as its public mutation, with only the claim arguments it gives', () => {
    const history = generateWriteHistory({ seed: 2, today: TODAY });
    const requests = history.writes.map((w) => writeRequest(w, (ref) => `claim-of-${ref.write}`));
    const upsert = history.writes.findIndex((w) => w.op === 'upsert' && w.claim.validFrom === undefined);
    expect(requests[upsert]!.variables.input).not.toHaveProperty('validFrom');
    const retract = history.writes.findIndex((w) => w.op === 'retractClaim');
    const target = history.writes[retract] as Extract<Write, { op: 'retractClaim' }>;
    expect(requests[retract]!.variables).toEqual({ id: `claim-of-${target.target.write}`, reason: target.reason });
    for (const [i, w] of history.writes.entries()) {
      const field = w.op === 'upsert' ? `upsert${w.label}` : w.op;
      expect(requests[i]!.query).toContain(`${field}(`);
    }
  });
});
