/**
 * Import records (src/import/records.ts) beyond import-records.test.ts: the CSV header contract,
 * each row type, typed cells, and the exact one-line problems an import report shows.
 */
import { describe, expect, it } from 'vitest';
import { RecordError, validateRecord } from '../../src/graph/record-rules.js';
import { CSV_COLUMNS, csvField, csvRowToRecord } from '../../src/import/records.js';

function problem(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RecordError);
    return (e as Error).message;
  }
  throw new Error('expected a RecordError');
}

describe('CSV_COLUMNS', () => {
  it('is every column the README documents for a CSV header, each once', () => {
    expect(CSV_COLUMNS).toEqual([
      'type',
      // entities
      'label',
      'id',
      'slug',
      'name',
      'description',
      'aliases',
      'identifiers',
      'kind',
      'country',
      'status',
      'announcedOn',
      'pledgedUsd',
      'targetPowerMw',
      'location',
      'powerMw',
      'targetDate',
      'valueUsd',
      'startsOn',
      'endsOn',
      // sources
      'title',
      'publisher',
      'url',
      'publishedOn',
      'language',
      'cites',
      // relationships and their properties
      'relationship',
      'from',
      'to',
      'since',
      'on',
      'role',
      'committedUsd',
      'amountUsd',
      // mentions
      'source',
      'entity',
    ]); // prettier-ignore
  });
});

describe('validateRecord: problems as report lines', () => {
  it.each([null, 'entity', 42, [{ type: 'entity' }]])('refuses %j: expected an object', (value) => {
    expect(problem(() => validateRecord(value))).toBe('expected an object');
  });

  it('an unknown type or label names the choices', () => {
    expect(problem(() => validateRecord({ type: 'edge' }))).toBe(
      'type must be one of entity, source, relationship, mention',
    );
    expect(problem(() => validateRecord({ slug: 'x' }))).toBe(
      'type must be one of entity, source, relationship, mention',
    );
    expect(problem(() => validateRecord({ type: 'entity', label: 'Planet', slug: 'x', name: 'x' }))).toBe(
      'label must be one of Person, Company, Project, Datacenter, Deal',
    );
  });

  it('joins the problems with "; ", each after its field', () => {
    expect(problem(() => validateRecord({ type: 'entity', label: 'Company', slug: 'Open AI', name: ' ' }))).toBe(
      'slug: must be lower-case kebab-case, e.g. sam-altman; name: must not be empty',
    );
  });

  it('gives at most five problems', () => {
    const message = problem(() =>
      validateRecord({
        type: 'entity',
        label: 'Deal',
        slug: 'X',
        name: ' ',
        valueUsd: -1,
        announcedOn: 'x',
        startsOn: 'y',
        endsOn: 'z',
      }),
    );
    expect(message.split('; ')).toHaveLength(5);
  });

  it('a problem of the whole record has no field before it', () => {
    expect(problem(() => validateRecord({ type: 'mention', source: 'src-1', entity: 'openai', extra: 1 }))).toBe(
      "Unrecognized key(s) in object: 'extra'",
    );
  });

  it('a source may cite up to 1,000 sources, each a valid id', () => {
    const cites = Array.from({ length: 1000 }, (_, i) => `src-${i}`);
    expect(validateRecord({ type: 'source', id: 'src-a', title: 'T', cites })).toEqual({
      type: 'source',
      id: 'src-a',
      title: 'T',
      cites,
    });
    expect(
      problem(() => validateRecord({ type: 'source', id: 'src-a', title: 'T', cites: [...cites, 'src-1000'] })),
    ).toMatch(/^cites: /);
    expect(problem(() => validateRecord({ type: 'source', id: 'src-a', title: 'T', cites: ['bad id'] }))).toMatch(
      /^cites\.0: /,
    );
    expect(problem(() => validateRecord({ type: 'source', title: 'T' }))).toMatch(/^id: /);
  });

  it('returns each record with its type and only its own fields', () => {
    expect(
      validateRecord({ type: 'entity', label: 'Person', id: 'p-1', slug: 'sam-altman', name: ' Sam Altman ' }),
    ).toEqual({
      type: 'entity',
      label: 'Person',
      id: 'p-1',
      slug: 'sam-altman',
      name: 'Sam Altman',
    });
    expect(validateRecord({ type: 'relationship', relationship: 'OPERATES', from: 'a', to: 'b' })).toEqual({
      type: 'relationship',
      relationship: 'OPERATES',
      from: 'a',
      to: 'b',
      properties: {},
    });
    expect(validateRecord({ type: 'mention', source: 'src-1', entity: 'openai' })).toEqual({
      type: 'mention',
      source: 'src-1',
      entity: 'openai',
    });
  });
});

describe('csvRowToRecord', () => {
  it('an entity row takes id and description; lists split on | with blanks dropped', () => {
    expect(
      csvRowToRecord({
        type: 'entity',
        label: 'Company',
        id: 'c-1',
        slug: 'openai',
        name: 'OpenAI',
        description: 'Lab',
        aliases: 'Open AI| OAI ||',
      }),
    ).toEqual({
      type: 'entity',
      label: 'Company',
      id: 'c-1',
      slug: 'openai',
      name: 'OpenAI',
      description: 'Lab',
      aliases: ['Open AI', 'OAI'],
    });
  });

  it('an entity row with an unknown label says so', () => {
    expect(problem(() => csvRowToRecord({ type: 'entity', label: 'Planet', slug: 'x' }))).toBe(
      'label must be one of Person, Company, Project, Datacenter, Deal',
    );
  });

  it('a source row keeps its own columns, cites as a list', () => {
    const row = {
      type: 'source',
      id: 'src-1',
      title: 'T',
      publisher: 'P',
      url: 'https://x.org',
      publishedOn: '2025-07-22',
      language: 'fr',
      cites: 'src-0|src-9',
    };
    expect(csvRowToRecord(row)).toEqual({ ...row, cites: ['src-0', 'src-9'] });
    expect(problem(() => csvRowToRecord({ type: 'source', id: 'src-1', from: 'a' }))).toBe(
      'column from does not belong on a source row',
    );
  });

  it('a mention row takes source and entity only', () => {
    expect(csvRowToRecord({ type: 'mention', source: 'src-1', entity: 'openai', name: '' })).toEqual({
      type: 'mention',
      source: 'src-1',
      entity: 'openai',
    });
    expect(problem(() => csvRowToRecord({ type: 'mention', source: 'src-1', entity: 'openai', name: 'x' }))).toBe(
      'column name does not belong on a mention row',
    );
  });

  it('a row of no known type says which types there are', () => {
    expect(problem(() => csvRowToRecord({ type: 'edge', from: 'a' }))).toBe(
      'type must be one of entity, source, relationship, mention',
    );
    expect(problem(() => csvRowToRecord({ from: 'a' }))).toBe(
      'type must be one of entity, source, relationship, mention',
    );
  });

  it('number cells: blank and non-numbers refused, the cell quoted in at most 40 characters', () => {
    const row = (valueUsd: string) => ({ type: 'entity', label: 'Deal', slug: 'd', name: 'D', valueUsd });
    expect(csvRowToRecord(row('1.5e9'))).toMatchObject({ valueUsd: 1.5e9 });
    expect(csvRowToRecord(row('0'))).toMatchObject({ valueUsd: 0 });
    expect(problem(() => csvRowToRecord(row('  ')))).toBe('"  " is not a number');
    expect(problem(() => csvRowToRecord(row('x'.repeat(50))))).toBe(`"${'x'.repeat(40)}" is not a number`);
  });
});

describe('csvField', () => {
  it.each([
    [undefined, ''],
    [null, ''],
    [0, '0'],
    [false, 'false'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    [['a', 'b,c'], '"a|b,c"'],
  ])('%j → %j', (value, cell) => {
    expect(csvField(value)).toBe(cell);
  });
});
