/** Import file formats and progress output (no database). */
import { describe, expect, it } from 'vitest';
import { Progress, formatDuration } from '../../src/import/progress.js';
import { z } from 'zod';
import { checkRelationshipProperties, isCalendarDate } from '../../src/graph/write-input.js';
import { validateRecord } from '../../src/graph/record-rules.js';
import { csvField, csvRowToRecord, parseCsvFields } from '../../src/import/records.js';

describe('validateRecord', () => {
  it('accepts each record type', () => {
    expect(
      validateRecord({ type: 'entity', label: 'Company', slug: 'openai', name: 'OpenAI', kind: 'AI_LAB' }),
    ).toMatchObject({ label: 'Company' });
    expect(
      validateRecord({
        type: 'source',
        id: 'src-1',
        title: 'T',
        url: 'https://example.org',
        publishedOn: '2025-07-22',
      }),
    ).toMatchObject({ id: 'src-1' });
    expect(
      validateRecord({
        type: 'relationship',
        relationship: 'INVESTS_IN',
        from: 'a',
        to: 'b',
        properties: { amountUsd: 1e9, on: '2025-01-01' },
      }),
    ).toMatchObject({
      properties: { amountUsd: 1e9 },
    });
    expect(validateRecord({ type: 'mention', source: 'src-1', entity: 'openai' })).toMatchObject({ entity: 'openai' });
  });

  it.each([
    [{ type: 'entity', label: 'Company', slug: 'OpenAI', name: 'x' }, /slug/],
    [{ type: 'entity', label: 'Planet', slug: 'x', name: 'x' }, /label must be one of/],
    [{ type: 'entity', label: 'Person', slug: 'x', name: 'x', kind: 'AI_LAB' }, /Unrecognized key/],
    [{ type: 'entity', label: 'Company', slug: 'x', name: 'x', kind: 'BANK' }, /kind/],
    [{ type: 'entity', label: 'Project', slug: 'x', name: 'x', announcedOn: '2025-02-30' }, /announcedOn/],
    [{ type: 'entity', label: 'Deal', slug: 'x', name: 'x', valueUsd: -1 }, /valueUsd: must not be negative/],
    [{ type: 'source', id: 'src', title: 'T', url: 'ftp://x.org' }, /url/],
    [{ type: 'relationship', relationship: 'MENTIONS', from: 'a', to: 'b' }, /relationship/],
    [
      { type: 'relationship', relationship: 'OPERATES', from: 'a', to: 'b', properties: { role: 'x' } },
      /Unrecognized key/,
    ],
    [{ type: 'entity', label: 'Project', slug: 'x', name: 'x', announcedOn: '2025-13-01' }, /announcedOn/],
    [{ type: 'relationship', relationship: 'toString', from: 'a', to: 'b' }, /relationship: must be one of/],
    [{ type: 'relationship', relationship: 'constructor', from: 'a', to: 'b' }, /relationship: must be one of/],
    [{ type: 'relationship', relationship: '__proto__', from: 'a', to: 'b' }, /relationship/],
    [{ type: 'mention', source: 'src' }, /entity/],
    [[1, 2], /expected an object/],
  ])('refuses %j', (value, message) => {
    expect(() => validateRecord(value)).toThrow(message);
  });
});

describe('inherited names are not relationship types', () => {
  it('a CSV row with relationship "toString" or "constructor" is invalid, not a crash', () => {
    for (const relationship of ['toString', 'constructor', 'hasOwnProperty']) {
      const record = csvRowToRecord({ type: 'relationship', relationship, from: 'a', to: 'b' });
      expect(() => validateRecord(record)).toThrow(/relationship: must be one of/);
      expect(() => csvRowToRecord({ type: 'relationship', relationship, from: 'a', to: 'b', title: 'CEO' })).toThrow(
        /column title does not belong/,
      );
    }
  });

  it('checkRelationshipProperties ignores them (the type check reports them)', () => {
    const schema = z
      .object({ type: z.string(), properties: z.unknown() })
      .superRefine((v, ctx) => checkRelationshipProperties(v.type, v.properties, ctx, ['properties']));
    expect(() => schema.parse({ type: 'toString', properties: { title: 'x' } })).not.toThrow();
    expect(schema.safeParse({ type: 'LEADS', properties: { nope: 1 } }).success).toBe(false);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2025-02-28', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-02-30', false],
    ['2025-04-31', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-1-01', false],
    ['2025/01/01', false],
  ])('%s → %s', (value, ok) => {
    expect(isCalendarDate(value)).toBe(ok);
  });
});

describe('CSV', () => {
  it('splits quoted fields', () => {
    expect(parseCsvFields('a,"b, c","say ""hi""",,"x\ny"')).toEqual(['a', 'b, c', 'say "hi"', '', 'x\ny']);
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField(['a', 'b'])).toBe('a|b');
  });

  it('turns rows into records: typed numbers, lists, relationship properties', () => {
    expect(
      csvRowToRecord({
        type: 'entity',
        label: 'Project',
        slug: 'p',
        name: 'P',
        pledgedUsd: '5e11',
        aliases: 'a|b',
        role: '',
      }),
    ).toEqual({
      type: 'entity',
      label: 'Project',
      slug: 'p',
      name: 'P',
      pledgedUsd: 5e11,
      aliases: ['a', 'b'],
    });
    expect(
      csvRowToRecord({ type: 'relationship', relationship: 'LEADS', from: 'a', to: 'b', title: 'CEO', name: '' }),
    ).toEqual({
      type: 'relationship',
      relationship: 'LEADS',
      from: 'a',
      to: 'b',
      properties: { title: 'CEO' },
    });
    expect(() => csvRowToRecord({ type: 'entity', label: 'Person', slug: 'p', name: 'P', kind: 'AI_LAB' })).toThrow(
      /column kind does not belong/,
    );
    expect(() =>
      csvRowToRecord({ type: 'relationship', relationship: 'INVESTS_IN', from: 'a', to: 'b', amountUsd: 'lots' }),
    ).toThrow(/not a number/);
  });
});

describe('Progress', () => {
  it('prints plain lines with rate and ETA when not a TTY', () => {
    const lines: string[] = [];
    const progress = new Progress('importing', 1000, { isTTY: false, write: (s: string) => lines.push(s) }, 0, 0);
    progress.update(500);
    expect(lines[0]).toMatch(/^importing: 50\.0% 500\/1,000 rows · [\d,]+ rows\/s · ETA [\d:?]+\n$/);
  });

  it('draws a bar on a TTY', () => {
    const out: string[] = [];
    const progress = new Progress('importing', 100, { isTTY: true, columns: 100, write: (s: string) => out.push(s) });
    progress.update(100);
    expect(out[0]).toMatch(/\r.*importing \[█+\] 100\.0% 100\/100 rows/);
  });

  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('?');
  });
});
