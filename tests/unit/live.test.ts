import { describe, expect, it } from 'vitest';
import { boundedQueue } from '../../src/live/bounded-queue.js';
import {
  derivedTypeNames,
  entityChange,
  importedChange,
  invalidationsFor,
  changeMatcher,
  relationshipChange,
  type ChangeFilter,
  type GraphChangeEvent,
} from '../../src/live/changes.js';
import type { EntityRow } from '../../src/graph/entities.js';
import { selectableTypes } from '../../src/plugins/use-live-cache.js';
import { schema } from '../../src/schema/index.js';

const row = (label: EntityRow['label'], slug: string): EntityRow => ({
  id: `${slug}-id`,
  slug,
  name: slug,
  label,
  description: null,
  aliases: [],
  createdAt: null,
  updatedAt: null,
});

describe('boundedQueue', () => {
  it('hands over values in order, then ends with the overflow error once more than max wait', async () => {
    let closed = 0;
    const q = boundedQueue<number>({ max: 2, overflowError: () => new Error('too slow'), onClose: () => closed++ });
    q.push(1);
    q.push(2);
    expect(q.size).toBe(2);
    expect(await q.next()).toEqual({ value: 1, done: false });
    q.push(3);
    q.push(4); // 2 and 3 wait: full, so 4 overflows
    expect(q.size).toBe(0);
    await expect(q.next()).rejects.toThrow('too slow');
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it('resolves a waiting reader directly and closes on return()', async () => {
    let closed = 0;
    const q = boundedQueue<string>({ max: 1, overflowError: () => new Error('x'), onClose: () => closed++ });
    const pending = q.next();
    q.push('a');
    expect(await pending).toEqual({ value: 'a', done: false });
    await q.return!();
    q.push('ignored');
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});

describe('changeMatcher', () => {
  const matchesFilter = (event: GraphChangeEvent, filter: ChangeFilter) => changeMatcher(filter)(event);
  const co = row('Company', 'acme');
  const person = row('Person', 'ada');
  it('matches an entity change by kind and slug, a relationship by either endpoint', () => {
    expect(matchesFilter(entityChange('CREATED', co), {})).toBe(true);
    expect(matchesFilter(entityChange('CREATED', co), { kinds: ['PERSON'] })).toBe(false);
    expect(matchesFilter(entityChange('CREATED', co), { kinds: ['COMPANY'], slugs: ['acme'] })).toBe(true);
    expect(matchesFilter(entityChange('CREATED', co), { slugs: ['other'] })).toBe(false);
    const rel = relationshipChange(
      'CONNECTED',
      { id: 'r', type: 'LEADS', from: person.id, to: co.id, properties: {} },
      person,
      co,
    );
    expect(matchesFilter(rel, { slugs: ['ada'] })).toBe(true);
    expect(matchesFilter(rel, { kinds: ['DEAL'] })).toBe(false);
  });
  it('matches an import on its kinds and on any slug', () => {
    const zero = { entities: 0, sources: 0, relationships: 0 };
    const imported = importedChange({ total: zero, created: zero, updated: zero }, ['Deal'], false);
    expect(matchesFilter(imported, { kinds: ['DEAL'] })).toBe(true);
    expect(matchesFilter(imported, { kinds: ['PERSON'] })).toBe(false);
    expect(matchesFilter(imported, { slugs: ['anything'] })).toBe(true);
  });
});

describe('invalidationsFor', () => {
  const derived = derivedTypeNames(Object.keys(schema.getTypeMap()));
  it('treats connections, paths and statistics as derived, single entities and sources not', () => {
    expect(derived).toEqual(
      expect.arrayContaining(['QueryCompaniesConnection', 'PageInfo', 'Path', 'DealStats', 'SearchHit']),
    );
    for (const single of ['Company', 'Person', 'Source', 'Entity', 'Node', 'Query'])
      expect(derived).not.toContain(single);
  });
  it('drops the entity by global ID and kind, derived types, and null lookups only on create', () => {
    const co = row('Company', 'acme');
    const updated = invalidationsFor(entityChange('UPDATED', co), ['Path']);
    expect(updated).toEqual(
      expect.arrayContaining([
        { typename: 'Company', id: expect.any(String) },
        { typename: 'Company' },
        { typename: 'Path' },
      ]),
    );
    expect(updated).not.toContainEqual({ typename: 'Entity' });
    expect(invalidationsFor(entityChange('CREATED', co), [])).toContainEqual({ typename: 'Entity' });
  });
});

describe('selectableTypes', () => {
  it('lists every composite type a document can select, through fragments too', () => {
    const types = selectableTypes(
      schema,
      '{ entity(slug: "x") { name ... on Company { dealStats { count } } } companies { totalCount } }',
    );
    expect(types).toEqual(expect.arrayContaining(['Entity', 'Company', 'DealStats', 'QueryCompaniesConnection']));
  });
});
