/**
 * What a committed write announces (src/live/changes.ts), without a server: the events' exact
 * shape, which subscribers hear them, and exactly which response-cache entries each one drops.
 * The whole path (publish after commit, Redis, SSE) is checked in tests/e2e/subscriptions.test.ts.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import type { EntityRow } from '../../src/graph/entities.js';
import type { GraphData } from '../../src/graph/bulk-load.js';
import {
  CHANGE_KINDS,
  GRAPH_CHANGED,
  changeMatcher,
  derivedTypeNames,
  entityChange,
  importedChange,
  importedLabels,
  invalidationsFor,
  relationshipChange,
  type ChangedRelationship,
  type GraphChangeEvent,
} from '../../src/live/changes.js';

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

const acme = row('Company', 'acme');
const initech = row('Company', 'initech');
const ada = row('Person', 'ada');
const deal = row('Deal', 'big-deal');
const leads: ChangedRelationship = { id: 'r1', type: 'LEADS', from: ada.id, to: acme.id, properties: { since: 1 } };
const zero = { entities: 0, sources: 0, relationships: 0 };
const counts = {
  total: { ...zero, entities: 3 },
  created: { ...zero, entities: 2 },
  updated: { ...zero, entities: 1 },
};

/** `at` is the moment of the call, as ISO 8601 text; the rest of the event is compared whole. */
function expectStamped(make: () => GraphChangeEvent): Omit<GraphChangeEvent, 'at'> {
  const before = Date.now();
  const { at, ...rest } = make();
  const after = Date.now();
  expect(new Date(at).toISOString()).toBe(at);
  expect(Date.parse(at)).toBeGreaterThanOrEqual(before);
  expect(Date.parse(at)).toBeLessThanOrEqual(after);
  return rest;
}

describe('change events', () => {
  it('name their kinds and topic as subscribers and Redis read them', () => {
    expect(CHANGE_KINDS).toEqual(['CREATED', 'UPDATED', 'DELETED', 'CONNECTED', 'DISCONNECTED', 'IMPORTED']);
    expect(GRAPH_CHANGED).toBe('stargraph:graphChanged');
  });

  it('carry an entity change with the entity, every entity it touched and whether sources changed', () => {
    expect(expectStamped(() => entityChange('UPDATED', acme))).toEqual({
      change: 'UPDATED',
      entity: acme,
      relationship: null,
      counts: null,
      touched: [{ label: 'Company', id: 'acme-id', slug: 'acme' }],
      kinds: [],
      sources: false,
    });
    expect(expectStamped(() => entityChange('DELETED', acme, { also: [ada, deal], sources: true }))).toEqual({
      change: 'DELETED',
      entity: acme,
      relationship: null,
      counts: null,
      touched: [
        { label: 'Company', id: 'acme-id', slug: 'acme' },
        { label: 'Person', id: 'ada-id', slug: 'ada' },
        { label: 'Deal', id: 'big-deal-id', slug: 'big-deal' },
      ],
      kinds: [],
      sources: true,
    });
  });

  it('carry a relationship change with both endpoints touched', () => {
    expect(expectStamped(() => relationshipChange('CONNECTED', leads, ada, acme))).toEqual({
      change: 'CONNECTED',
      entity: null,
      relationship: leads,
      counts: null,
      touched: [
        { label: 'Person', id: 'ada-id', slug: 'ada' },
        { label: 'Company', id: 'acme-id', slug: 'acme' },
      ],
      kinds: [],
      sources: false,
    });
    expect(relationshipChange('DISCONNECTED', leads, ada, acme, { sources: true }).sources).toBe(true);
  });

  it('carry an import batch by its counts and kinds (each kind once), not its entities', () => {
    expect(expectStamped(() => importedChange(counts, ['Deal', 'Company', 'Deal'], true))).toEqual({
      change: 'IMPORTED',
      entity: null,
      relationship: null,
      counts,
      touched: [],
      kinds: ['Deal', 'Company'],
      sources: true,
    });
    expect(importedChange(counts, [], false).sources).toBe(false);
  });

  it("list an import's kinds: its entities' labels, or every kind when it has relationships or mentions", () => {
    const entity = (label: EntityRow['label'], slug: string) =>
      ({ label, slug, name: slug }) as GraphData['entities'][0];
    const data: GraphData = {
      entities: [entity('Deal', 'a'), entity('Person', 'b'), entity('Deal', 'c')],
      relationships: [],
      sources: [{ id: 's', title: 'S', url: 'https://example.org' } as GraphData['sources'][0]],
      mentions: [],
    };
    expect(importedLabels(data)).toEqual(['Deal', 'Person']);
    expect(importedLabels({ ...data, entities: [] })).toEqual([]);
    const all = ['Person', 'Company', 'Project', 'Datacenter', 'Deal'];
    const relationship = { type: 'LEADS', from: 'b', to: 'x' } as GraphData['relationships'][0];
    const mention = { source: 's', entity: 'a' } as unknown as GraphData['mentions'][0];
    expect(importedLabels({ ...data, relationships: [relationship] })).toEqual(all);
    expect(importedLabels({ ...data, mentions: [mention] })).toEqual(all);
  });
});

describe('changeMatcher', () => {
  const hears = (filter: Parameters<typeof changeMatcher>[0], event: GraphChangeEvent) => changeMatcher(filter)(event);
  const connected = relationshipChange('CONNECTED', leads, ada, acme);
  const imported = importedChange(counts, ['Deal', 'Project'], false);

  it('hears everything without a filter, or with empty or null lists', () => {
    // Even an event that lists no entity: without a filter nothing is tested.
    const bare: GraphChangeEvent = { ...entityChange('UPDATED', acme), touched: [] };
    for (const filter of [{}, { kinds: [], slugs: [] }, { kinds: null, slugs: null }]) {
      expect(hears(filter, bare)).toBe(true);
      expect(hears(filter, entityChange('UPDATED', acme))).toBe(true);
      expect(hears(filter, connected)).toBe(true);
      expect(hears(filter, imported)).toBe(true);
    }
  });

  it('hears an entity change by its kind, its slug, or both on the same entity', () => {
    const updated = entityChange('UPDATED', acme);
    expect(hears({ kinds: ['COMPANY'] }, updated)).toBe(true);
    expect(hears({ kinds: ['PERSON', 'DEAL'] }, updated)).toBe(false);
    expect(hears({ kinds: ['PERSON', 'COMPANY'] }, updated)).toBe(true);
    expect(hears({ slugs: ['acme'] }, updated)).toBe(true);
    expect(hears({ slugs: ['initech'] }, updated)).toBe(false);
    expect(hears({ kinds: ['COMPANY'], slugs: ['acme'] }, updated)).toBe(true);
    expect(hears({ kinds: ['COMPANY'], slugs: ['initech'] }, updated)).toBe(false);
    expect(hears({ kinds: ['PERSON'], slugs: ['acme'] }, updated)).toBe(false);
    // Entities it touched besides its own count, each on its own.
    expect(hears({ slugs: ['initech'] }, entityChange('DELETED', acme, { also: [initech] }))).toBe(true);
  });

  it('hears a relationship change when either endpoint matches, kind and slug on one endpoint', () => {
    expect(hears({ slugs: ['ada'] }, connected)).toBe(true);
    expect(hears({ slugs: ['acme'] }, connected)).toBe(true);
    expect(hears({ slugs: ['initech'] }, connected)).toBe(false);
    expect(hears({ kinds: ['PERSON'] }, connected)).toBe(true);
    expect(hears({ kinds: ['COMPANY'] }, connected)).toBe(true);
    expect(hears({ kinds: ['DEAL'] }, connected)).toBe(false);
    expect(hears({ kinds: ['PERSON'], slugs: ['ada'] }, connected)).toBe(true);
    // Company `ada` is neither endpoint: the kind and the slug must hold for the same one.
    expect(hears({ kinds: ['COMPANY'], slugs: ['ada'] }, connected)).toBe(false);
  });

  it('hears an import on any of its kinds, and always on slugs (a batch does not list them)', () => {
    expect(hears({ kinds: ['DEAL'] }, imported)).toBe(true);
    expect(hears({ kinds: ['PROJECT'] }, imported)).toBe(true);
    expect(hears({ kinds: ['COMPANY', 'PERSON'] }, imported)).toBe(false);
    expect(hears({ slugs: ['anything'] }, imported)).toBe(true);
    expect(hears({ kinds: ['DEAL'], slugs: ['anything'] }, imported)).toBe(true);
    expect(hears({ kinds: ['PERSON'], slugs: ['anything'] }, imported)).toBe(false);
  });
});

describe('invalidationsFor', () => {
  const id = (e: EntityRow) => encodeGlobalID(e.label, e.id);

  it('drops each touched entity by global ID and by kind (each once), then the derived types', () => {
    expect(invalidationsFor(entityChange('UPDATED', acme, { also: [initech, ada] }), ['Path', 'PageInfo'])).toEqual([
      { typename: 'Company', id: id(acme) },
      { typename: 'Company' },
      { typename: 'Company', id: id(initech) },
      { typename: 'Person', id: id(ada) },
      { typename: 'Person' },
      { typename: 'Path' },
      { typename: 'PageInfo' },
    ]);
    expect(invalidationsFor(relationshipChange('DISCONNECTED', leads, ada, acme), [])).toEqual([
      { typename: 'Person', id: id(ada) },
      { typename: 'Person' },
      { typename: 'Company', id: id(acme) },
      { typename: 'Company' },
    ]);
    expect(invalidationsFor(entityChange('DELETED', acme), ['Path', 'Path'])).toEqual([
      { typename: 'Company', id: id(acme) },
      { typename: 'Company' },
      { typename: 'Path' },
    ]);
  });

  it('drops null lookups through Entity and Node only when an entity may be new, and sources when written', () => {
    expect(invalidationsFor(entityChange('CREATED', acme), [])).toEqual([
      { typename: 'Company', id: id(acme) },
      { typename: 'Company' },
      { typename: 'Entity' },
      { typename: 'Node' },
    ]);
    expect(invalidationsFor(importedChange(counts, ['Deal', 'Person'], true), ['Path'])).toEqual([
      { typename: 'Deal' },
      { typename: 'Person' },
      { typename: 'Entity' },
      { typename: 'Node' },
      { typename: 'Source' },
      { typename: 'Path' },
    ]);
    expect(invalidationsFor(relationshipChange('CONNECTED', leads, ada, acme, { sources: true }), [])).toEqual([
      { typename: 'Person', id: id(ada) },
      { typename: 'Person' },
      { typename: 'Company', id: id(acme) },
      { typename: 'Company' },
      { typename: 'Source' },
    ]);
    for (const change of ['UPDATED', 'DELETED'] as const) {
      const typenames = invalidationsFor(entityChange(change, acme), []).map((e) => e.typename);
      expect(typenames).not.toContain('Entity');
      expect(typenames).not.toContain('Node');
      expect(typenames).not.toContain('Source');
    }
  });

  it('counts as derived every type but single entities, sources, roots and introspection', () => {
    expect(
      derivedTypeNames([
        '__Schema',
        '__Type',
        'Person',
        'Company',
        'Project',
        'Datacenter',
        'Deal',
        'Source',
        'Entity',
        'Node',
        'Query',
        'Mutation',
        'Subscription',
        'GraphChange',
        'Path',
        'QueryCompaniesConnection',
        'DealStats',
        'Type__',
      ]),
    ).toEqual(['Path', 'QueryCompaniesConnection', 'DealStats', 'Type__']);
  });
});
