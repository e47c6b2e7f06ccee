import { describe, expect, it } from 'vitest';
import {
  mergeCitations,
  overlaps,
  planDisconnect,
  planRelationshipWrite,
  planValueWrite,
  type AssertedClaim,
} from '../../src/claims/rules.js';

const claim = (id: string, value: unknown, validFrom: string | null, validTo: string | null = null): AssertedClaim => ({
  id,
  value,
  validFrom,
  validTo,
  recordedAt: `2025-01-0${id.length}T00:00:00.000Z`,
  citations: [],
});

describe('claim rules', () => {
  it('intervals are half-open and null is unbounded', () => {
    expect(overlaps({ from: '2025-01-01', to: '2025-07-01' }, { from: '2025-07-01', to: null })).toBe(false);
    expect(overlaps({ from: '2025-01-01', to: '2025-07-02' }, { from: '2025-07-01', to: null })).toBe(true);
    expect(overlaps({ from: null, to: null }, { from: '1990-01-01', to: '1990-01-02' })).toBe(true);
    expect(overlaps({ from: '2025-01-01', to: '2025-01-01' }, { from: null, to: null })).toBe(false);
  });

  it('the same value again cites the claim it overlaps and creates nothing', () => {
    const plan = planValueWrite([claim('a', 500e9, '2025-01-21')], 500e9, { from: '2025-07-01', to: null });
    expect(plan).toEqual({ cite: 'a', close: [], create: null });
  });

  it('a later value closes the open claim where it starts', () => {
    const plan = planValueWrite([claim('a', 'ANNOUNCED', '2025-01-21')], 'STALLED', { from: '2025-07-01', to: null });
    expect(plan.close).toEqual([{ id: 'a', validTo: '2025-07-01' }]);
    expect(plan.create).toEqual({ from: '2025-07-01', to: null });
  });

  it('an earlier value written later ends where the newer claim starts (history in any order)', () => {
    const plan = planValueWrite([claim('a', 'STALLED', '2025-07-01')], 'ANNOUNCED', { from: '2025-01-21', to: null });
    expect(plan.close).toEqual([]);
    expect(plan.create).toEqual({ from: '2025-01-21', to: '2025-07-01' });
  });

  it('a different value on the same day is a conflict: both stay', () => {
    const plan = planValueWrite([claim('a', 1, '2025-07-01')], 2, { from: '2025-07-01', to: null });
    expect(plan).toEqual({ cite: null, close: [], create: { from: '2025-07-01', to: null } });
  });

  it('a different value overlapping a closed claim is a conflict', () => {
    const plan = planValueWrite([claim('a', 1, '2025-01-01', '2025-12-31')], 2, { from: '2025-06-01', to: null });
    expect(plan).toEqual({ cite: null, close: [], create: { from: '2025-06-01', to: null } });
  });

  it('removing a value closes the open claim, never before its start', () => {
    expect(planValueWrite([claim('a', 1, '2025-01-01')], null, { from: '2025-03-01', to: null }).close).toEqual([
      { id: 'a', validTo: '2025-03-01' },
    ]);
    expect(planValueWrite([claim('a', 1, '2025-05-01')], null, { from: '2025-03-01', to: null }).close).toEqual([
      { id: 'a', validTo: '2025-05-01' },
    ]);
  });

  it('a relationship overlapping an asserted one is the same relationship; after it ended, a new one', () => {
    expect(planRelationshipWrite([claim('r', null, '2024-01-01')], { from: '2025-01-01', to: null }).cite).toBe('r');
    const ended = [claim('r', null, '2024-01-01', '2024-06-01')];
    expect(planRelationshipWrite(ended, { from: '2025-01-01', to: null })).toEqual({
      cite: null,
      close: [],
      create: { from: '2025-01-01', to: null },
    });
  });

  it('disconnect ends only what is still in force that day', () => {
    const claims = [claim('old', null, '2020-01-01', '2021-01-01'), claim('now', null, '2024-01-01')];
    expect(planDisconnect(claims, '2025-07-01')).toEqual([{ id: 'now', validTo: '2025-07-01' }]);
  });

  it('citations merge once each', () => {
    const a = { source: 's1', quote: 'q', locator: null };
    expect(mergeCitations([a], [a, { source: 's1', quote: 'q', locator: '¶2' }])).toHaveLength(2);
  });
});
