import { describe, expect, it } from 'vitest';
import type { ClaimArgs, Write } from '../utils/claim-history.js';
import { ClaimReference, type ReadTime } from '../utils/claim-reference.js';

const NOW = Number.POSITIVE_INFINITY;
const at = (asOf: string, knownAt: number | string = NOW): ReadTime => ({
  asOf,
  knownAt: typeof knownAt === 'number' ? knownAt : Date.parse(knownAt),
});
const report = { source: 'report', quote: '500 milliards', locator: '¶3' };

const upsert = (
  label: Extract<Write, { op: 'upsert' }>['label'],
  slug: string,
  values: Record<string, string | number | null> = {},
  claim: ClaimArgs = {},
  name = slug[0]!.toUpperCase() + slug.slice(1),
): Write => ({ op: 'upsert', label, slug, name, values, claim });
const connect = (
  type: Extract<Write, { op: 'connect' }>['type'],
  from: string,
  to: string,
  properties: Record<string, string | number | null> = {},
  claim: ClaimArgs = {},
): Write => ({ op: 'connect', type, from, to, properties, claim });

/** Replays `[instant, write]` pairs. */
const replay = (steps: [string, Write][]) =>
  ClaimReference.replay(
    steps.map(([, w]) => w),
    steps.map(([t]) => t),
  );

/** The seed's story, as writes: announced in January 2025, stalled by the report of July. */
const STARGATE: [string, Write][] = [
  ['2025-01-22T09:00:00Z', upsert('Company', 'openai', { country: 'US' }, { validFrom: null })],
  ['2025-01-22T09:01:00Z', upsert('Company', 'softbank', { country: 'JP' }, { validFrom: null })],
  ['2025-01-22T09:02:00Z', upsert('Company', 'oracle', { country: 'US' }, { validFrom: null })],
  [
    '2025-01-22T09:03:00Z',
    upsert(
      'Project',
      'stargate',
      { status: 'ANNOUNCED', pledgedUsd: 500e9 },
      { validFrom: '2025-01-21', citations: [report] },
    ),
  ],
  [
    '2025-01-22T09:04:00Z',
    connect('PARTICIPATES_IN', 'openai', 'stargate', { role: 'lead' }, { validFrom: '2025-01-21' }),
  ],
  [
    '2025-01-22T09:05:00Z',
    connect('PARTICIPATES_IN', 'softbank', 'stargate', { role: 'financier' }, { validFrom: '2025-01-21' }),
  ],
  ['2025-07-02T08:00:00Z', upsert('Deal', 'oracle-deal', { valueUsd: 30e9 }, { validFrom: '2025-07-01' })],
  [
    '2025-07-02T08:01:00Z',
    connect('PARTY_TO', 'oracle', 'oracle-deal', { role: 'seller' }, { validFrom: '2025-07-01' }),
  ],
  ['2025-07-02T08:02:00Z', upsert('Project', 'stargate', { status: 'STALLED' }, { validFrom: '2025-07-01' })],
];

describe('ClaimReference on the Stargate story', () => {
  const reference = replay(STARGATE);

  it('has no Stargate before its announcement, and OpenAI (no date given) at any date', () => {
    expect(reference.exists('stargate', at('2024-12-31'))).toBe(false);
    expect(reference.exists('stargate', at('2025-01-21'))).toBe(true);
    expect(reference.exists('openai', at('1990-01-01'))).toBe(true);
    expect(reference.entitiesOf('Project', at('2024-12-31')).slugs).toEqual([]);
  });

  it('changes the status on the report date, closing the old claim there', () => {
    expect(reference.value('stargate', 'status', at('2025-03-01'))).toBe('ANNOUNCED');
    expect(reference.value('stargate', 'status', at('2025-06-30'))).toBe('ANNOUNCED');
    expect(reference.value('stargate', 'status', at('2025-07-01'))).toBe('STALLED');
    const history = reference.claimsAbout('stargate', 'status');
    expect(history.map((c) => [c.value, c.validFrom, c.validTo])).toEqual([
      ['STALLED', '2025-07-01', null],
      ['ANNOUNCED', '2025-01-21', '2025-07-01'],
    ]);
    expect(reference.conflicts(history[0]!)).toEqual([]);
  });

  it('answers as known at an earlier instant: before the change was recorded, still ANNOUNCED', () => {
    const before = at('2025-07-15', '2025-07-02T07:00:00Z');
    expect(reference.value('stargate', 'status', before)).toBe('ANNOUNCED');
    expect(reference.value('stargate', 'status', at('2025-07-15'))).toBe('STALLED');
    // Before the deal was recorded it is not there, even at a date it was valid on.
    expect(reference.exists('oracle-deal', at('2025-07-15', '2025-07-01T00:00:00Z'))).toBe(false);
    // Where validTo has no time of its own, the later closing shows at every knownAt.
    const inPlace = ClaimReference.replay(
      STARGATE.map(([, w]) => w),
      STARGATE.map(([t]) => t),
      { closings: 'in-place' },
    );
    expect(inPlace.value('stargate', 'status', before)).toBe(null);
    expect(inPlace.value('stargate', 'status', at('2025-03-01', '2025-07-02T07:00:00Z'))).toBe('ANNOUNCED');
  });

  it('keeps the citations of a claim, and lists relationships with their property values', () => {
    expect(reference.claimsAbout('stargate', 'pledgedUsd')[0]!.citations).toEqual([report]);
    const participants = reference.related('stargate', 'PARTICIPATES_IN', 'IN', at('2025-03-01'));
    expect(participants.map((p) => [p.slug, p.properties])).toEqual([
      ['openai', { role: 'lead' }],
      ['softbank', { role: 'financier' }],
    ]);
    expect(reference.related('oracle', 'PARTY_TO', 'OUT', at('2025-03-01'))).toEqual([]);
    expect(reference.related('oracle', 'PARTY_TO', 'OUT', at('2025-07-15')).map((r) => r.slug)).toEqual([
      'oracle-deal',
    ]);
  });

  it('finds paths only over relationships valid at the date', () => {
    expect(reference.shortestPath('openai', 'softbank', at('2025-03-01'))).toBe(2);
    expect(reference.shortestPath('openai', 'oracle', at('2025-07-15'))).toBe(null);
    expect(reference.shortestPath('openai', 'openai', at('2025-07-15'))).toBe(0);
    expect(reference.shortestPath('openai', 'softbank', at('2024-12-31'))).toBe(null);
  });

  it('lets a correction recorded later leave the earlier knownAt answer unchanged, and keeps the conflict', () => {
    const corrected = replay([
      ...STARGATE,
      ['2026-12-07T10:00:00Z', upsert('Project', 'stargate', { pledgedUsd: 400e9 }, { validFrom: '2025-01-21' })],
    ]);
    expect(corrected.value('stargate', 'pledgedUsd', at('2025-03-01'))).toBe(400e9);
    expect(corrected.value('stargate', 'pledgedUsd', at('2025-03-01', '2026-12-06T00:00:00Z'))).toBe(500e9);
    const [newer, older] = corrected.claimsAbout('stargate', 'pledgedUsd');
    expect([newer!.value, older!.value]).toEqual([400e9, 500e9]);
    // Same validFrom, another value: both kept, each the other's conflict, neither closed.
    expect(corrected.conflicts(older!)).toEqual([newer]);
    expect([newer!.validTo, older!.validTo]).toEqual([null, null]);
  });
});

describe('ClaimReference writing rules', () => {
  it('adds the citations of the same value again to the existing claim, once', () => {
    const other = { source: 'wsj', locator: '¶1' };
    const reference = replay([
      [
        '2025-01-01T00:00:00Z',
        upsert('Project', 'p', { status: 'ANNOUNCED' }, { validFrom: '2024-06-15', citations: [report] }),
      ],
      [
        '2025-01-02T00:00:00Z',
        upsert('Project', 'p', { status: 'ANNOUNCED' }, { validFrom: '2025-01-01', citations: [report, other] }),
      ],
    ]);
    const [claim, ...rest] = reference.claimsAbout('p', 'status');
    expect(rest).toEqual([]);
    expect(claim!.validFrom).toBe('2024-06-15');
    expect(claim!.citations).toEqual([report, other]);
  });

  it('ends up the same whichever order two dated values are written in', () => {
    const a = upsert('Project', 'p', { status: 'ANNOUNCED' }, { validFrom: '2024-01-01' });
    const b = upsert('Project', 'p', { status: 'STALLED' }, { validFrom: '2025-01-01' });
    const intervals = (first: Write, second: Write) =>
      replay([
        ['2025-02-01T00:00:00Z', first],
        ['2025-02-02T00:00:00Z', second],
      ])
        .claimsAbout('p', 'status')
        .map((c) => [c.value, c.validFrom, c.validTo])
        .sort();
    expect(intervals(a, b)).toEqual([
      ['ANNOUNCED', '2024-01-01', '2025-01-01'],
      ['STALLED', '2025-01-01', null],
    ]);
    expect(intervals(b, a)).toEqual(intervals(a, b));
  });

  it('starts a write without validFrom on its UTC date, and null validFrom always', () => {
    const reference = replay([
      ['2025-03-10T23:30:00Z', upsert('Company', 'c', { country: 'US' })],
      ['2025-03-11T00:30:00Z', upsert('Company', 'd', { country: 'FR' }, { validFrom: null })],
    ]);
    expect(reference.exists('c', at('2025-03-09'))).toBe(false);
    expect(reference.exists('c', at('2025-03-10'))).toBe(true);
    expect(reference.value('d', 'country', at('1900-01-01'))).toBe('FR');
  });

  it('closes the open claim with null at the write date', () => {
    const reference = replay([
      ['2025-01-01T00:00:00Z', upsert('Datacenter', 'dc', { powerMw: 100 }, { validFrom: '2024-01-01' })],
      ['2025-05-05T12:00:00Z', upsert('Datacenter', 'dc', { powerMw: null })],
    ]);
    expect(reference.value('dc', 'powerMw', at('2025-05-04'))).toBe(100);
    expect(reference.value('dc', 'powerMw', at('2025-05-05'))).toBe(null);
    expect(reference.claimsAbout('dc', 'powerMw').map((c) => c.validTo)).toEqual(['2025-05-05']);
  });

  it('keeps a different value over a closed period as a conflict: it wins inside, the open one outside', () => {
    const reference = replay([
      ['2025-01-01T00:00:00Z', upsert('Company', 'c', { kind: 'AI_LAB' }, { validFrom: '2024-01-01' })],
      [
        '2025-01-02T00:00:00Z',
        upsert('Company', 'c', { kind: 'INVESTOR' }, { validFrom: '2024-06-15', validTo: '2024-11-05' }),
      ],
    ]);
    expect(reference.value('c', 'kind', at('2024-07-01'))).toBe('INVESTOR');
    expect(reference.value('c', 'kind', at('2024-12-01'))).toBe('AI_LAB');
    expect(reference.value('c', 'kind', at('2024-07-01', '2025-01-01T12:00:00Z'))).toBe('AI_LAB');
    const [closed, open] = reference.claimsAbout('c', 'kind');
    expect(open!.validTo).toBe(null);
    expect(reference.conflicts(open!)).toEqual([closed]);
  });

  it('closes a new value that starts before an open one at that one start', () => {
    const reference = replay([
      ['2025-01-01T00:00:00Z', upsert('Deal', 'd', { valueUsd: 500 }, { validFrom: '2025-01-01' })],
      ['2025-01-02T00:00:00Z', upsert('Deal', 'd', { valueUsd: 250 }, { validFrom: '2024-06-15' })],
    ]);
    expect(reference.claimsAbout('d', 'valueUsd').map((c) => [c.value, c.validFrom, c.validTo])).toEqual([
      [250, '2024-06-15', '2025-01-01'],
      [500, '2025-01-01', null],
    ]);
  });

  it('ends a relationship with disconnect (at the write date by default); a later connect makes a new claim', () => {
    const steps: [string, Write][] = [
      ['2025-01-01T00:00:00Z', upsert('Company', 'a', {}, { validFrom: null })],
      ['2025-01-01T00:01:00Z', upsert('Company', 'b', {}, { validFrom: null })],
      ['2025-01-01T00:02:00Z', connect('INVESTS_IN', 'a', 'b', { amountUsd: 100 }, { validFrom: '2024-01-01' })],
      ['2025-03-01T10:00:00Z', { op: 'disconnect', type: 'INVESTS_IN', from: 'a', to: 'b' }],
      ['2025-04-01T10:00:00Z', connect('INVESTS_IN', 'a', 'b', { amountUsd: 250 })],
    ];
    const reference = replay(steps);
    expect(reference.related('a', 'INVESTS_IN', 'OUT', at('2025-02-28')).map((r) => r.properties)).toEqual([
      { amountUsd: 100 },
    ]);
    expect(reference.related('a', 'INVESTS_IN', 'OUT', at('2025-03-01'))).toEqual([]);
    // As known before the disconnect, it had not ended.
    expect(reference.related('a', 'INVESTS_IN', 'OUT', at('2025-03-01', '2025-03-01T09:00:00Z'))).toHaveLength(1);
    const later = reference.related('b', 'INVESTS_IN', 'IN', at('2025-04-01'));
    expect(later.map((r) => [r.slug, r.properties])).toEqual([['a', { amountUsd: 250 }]]);
    expect(reference.openRelationships()).toHaveLength(1);
  });

  it('shortens with disconnect a relationship that was to end later, and never ends one before it starts', () => {
    const steps: [string, Write][] = [
      ['2025-01-01T00:00:00Z', upsert('Company', 'a', {}, { validFrom: null })],
      ['2025-01-01T00:01:00Z', upsert('Company', 'b', {}, { validFrom: null })],
      ['2025-01-01T00:02:00Z', connect('INVESTS_IN', 'a', 'b', {}, { validFrom: '2024-01-01', validTo: '2026-06-30' })],
      ['2025-01-01T00:03:00Z', connect('INVESTS_IN', 'b', 'a', {}, { validFrom: '2025-12-31' })],
      ['2025-03-01T00:00:00Z', { op: 'disconnect', type: 'INVESTS_IN', from: 'a', to: 'b', validTo: '2025-01-21' }],
      ['2025-03-01T00:01:00Z', { op: 'disconnect', type: 'INVESTS_IN', from: 'b', to: 'a', validTo: '2025-07-01' }],
    ];
    const reference = replay(steps);
    const [ab] = reference.relationshipClaims('a', 'INVESTS_IN', 'b');
    expect([ab!.validFrom, ab!.validTo]).toEqual(['2024-01-01', '2025-01-21']);
    expect(reference.related('a', 'INVESTS_IN', 'OUT', at('2025-06-01'))).toEqual([]);
    // As known before the disconnect, it held until 2026-06-30.
    expect(reference.related('a', 'INVESTS_IN', 'OUT', at('2025-06-01', '2025-02-01T00:00:00Z'))).toHaveLength(1);
    // Ending before its start closes it where it starts: it holds on no day.
    const [ba] = reference.relationshipClaims('b', 'INVESTS_IN', 'a');
    expect([ba!.validFrom, ba!.validTo]).toEqual(['2025-12-31', '2025-12-31']);
    expect(reference.related('b', 'INVESTS_IN', 'OUT', at('2026-01-01'))).toEqual([]);
  });

  it('retracts a claim: still there for a knownAt before, gone after; retracting twice keeps the first', () => {
    const steps: [string, Write][] = [
      ['2025-01-01T00:00:00Z', upsert('Project', 'p', { status: 'ANNOUNCED', pledgedUsd: 100 }, { validFrom: null })],
      [
        '2025-01-02T00:00:00Z',
        { op: 'retractClaim', target: { write: 0, kind: 'VALUE', field: 'pledgedUsd' }, reason: 'typo' },
      ],
      [
        '2025-01-03T00:00:00Z',
        { op: 'retractClaim', target: { write: 0, kind: 'VALUE', field: 'pledgedUsd' }, reason: 'again' },
      ],
    ];
    const reference = replay(steps);
    expect(reference.value('p', 'pledgedUsd', at('2025-01-01', '2025-01-01T12:00:00Z'))).toBe(100);
    expect(reference.value('p', 'pledgedUsd', at('2025-01-01'))).toBe(null);
    expect(reference.value('p', 'status', at('2025-01-01'))).toBe('ANNOUNCED');
    const claim = reference.claimOf({ write: 0, kind: 'VALUE', field: 'pledgedUsd' })!;
    expect([claim.retractedAt, claim.retractReason]).toEqual([Date.parse('2025-01-02T00:00:00Z'), 'typo']);
  });

  it('deletes an entity by retracting its existence, its relationships and its values', () => {
    const steps: [string, Write][] = [
      ['2025-01-01T00:00:00Z', upsert('Company', 'a', { country: 'US' }, { validFrom: null })],
      ['2025-01-01T00:01:00Z', upsert('Deal', 'd', { valueUsd: 100 }, { validFrom: null })],
      ['2025-01-01T00:02:00Z', connect('PARTY_TO', 'a', 'd', { role: 'buyer' }, { validFrom: null })],
      ['2025-02-01T00:00:00Z', { op: 'deleteEntity', slug: 'a' }],
    ];
    const reference = replay(steps);
    const before = at('2025-01-15', '2025-01-15T00:00:00Z');
    expect(reference.exists('a', before)).toBe(true);
    expect(reference.related('d', 'PARTY_TO', 'IN', before).map((r) => r.slug)).toEqual(['a']);
    expect(reference.exists('a', at('2025-01-15'))).toBe(false);
    expect(reference.related('d', 'PARTY_TO', 'IN', at('2025-01-15'))).toEqual([]);
    expect(
      reference.claims
        .filter((c) => c.retractedAt !== null)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(['ENTITY', 'RELATIONSHIP', 'VALUE']);
    expect(() => reference.apply(upsert('Company', 'a'), '2025-03-01T00:00:00Z')).toThrow(/deleted/);
  });

  it('refuses writes out of commit order', () => {
    const reference = new ClaimReference();
    reference.apply(upsert('Company', 'a'), '2025-01-01T00:00:01Z');
    expect(() => reference.apply(upsert('Company', 'b'), '2025-01-01T00:00:01Z')).toThrow(/increasing/);
  });
});

describe('ClaimReference reads', () => {
  const steps: [string, Write][] = [
    ['2025-01-01T00:00:00Z', upsert('Project', 'p1', { pledgedUsd: 100, status: 'ANNOUNCED' }, {}, 'Beta')],
    ['2025-01-01T00:00:01Z', upsert('Project', 'p2', { pledgedUsd: 250, status: 'STALLED' }, {}, 'Alpha')],
    ['2025-01-01T00:00:02Z', upsert('Project', 'p3', { pledgedUsd: 500 }, {}, 'Gamma')],
    ['2025-01-01T00:00:03Z', upsert('Project', 'p4', { pledgedUsd: 1000 }, { validFrom: '2025-06-01' }, 'Delta')],
  ];
  const reference = replay(steps);

  it('pages the entities of a kind by name, with first and after', () => {
    const time = at('2025-07-01');
    expect(reference.entitiesOf('Project', time).slugs).toEqual(['p2', 'p1', 'p4', 'p3']);
    expect(reference.entitiesOf('Project', time, { first: 2 })).toEqual({ slugs: ['p2', 'p1'], hasNextPage: true });
    expect(reference.entitiesOf('Project', time, { first: 2, after: 'p1' })).toEqual({
      slugs: ['p4', 'p3'],
      hasNextPage: false,
    });
    expect(reference.entitiesOf('Project', at('2025-01-01')).slugs).toEqual(['p2', 'p1', 'p3']);
  });

  it('counts, filters and sums at a date', () => {
    expect(reference.count('Project', at('2025-01-01'))).toBe(3);
    expect(reference.count('Project', at('2025-07-01'))).toBe(4);
    expect(reference.count('Project', at('2025-07-01'), { field: 'status', equals: 'STALLED' })).toBe(1);
    expect(reference.sum('Project', 'pledgedUsd', at('2025-01-01'))).toBe(850);
    expect(reference.sum('Project', 'pledgedUsd', at('2025-07-01'), { field: 'pledgedUsd', min: 300 })).toBe(1500);
    expect(reference.count('Project', at('2024-12-31'))).toBe(0);
  });
});
