/**
 * The W3C Reconciliation API's shapes (src/identity/reconcile-service.ts), without a database:
 * how a batch's queries and property values are read, which are refused and which left out, and
 * how candidates, types and properties are given back.
 */
import { describe, expect, it } from 'vitest';
import {
  candidateOf,
  kindOfType,
  MATCH_RULE,
  parseQueryBatch,
  serviceManifest,
  suggestProperties,
  suggestTypes,
} from '../../src/identity/reconcile-service.js';
import type { EntityRow } from '../../src/graph/entities.js';

const one = (query: unknown) => parseQueryBatch(JSON.stringify({ q0: query }))[0]!;

/** The BAD_USER_INPUT or LIMIT_EXCEEDED a batch is refused with. */
function refusal(text: string) {
  try {
    parseQueryBatch(text);
  } catch (error) {
    const { extensions, message } = error as { extensions: Record<string, unknown>; message: string };
    return { code: extensions.code, message };
  }
  throw new Error(`accepted ${text.slice(0, 80)}`);
}
const refused = (query: unknown) => refusal(JSON.stringify({ q0: query }));

describe('reading a query', () => {
  it('takes a name, types by label or kind in any case, and a limit held within 1 to 25', () => {
    expect(one({ query: '  Open AI ', type: ['company', 'PERSON', 'Company'], limit: 100 })).toMatchObject({
      key: 'q0',
      name: 'Open AI',
      kinds: ['Company', 'Person'],
      limit: 25,
      hopeless: false,
    });
    expect(one({ query: 'x', type: [], limit: 0 })).toMatchObject({ kinds: null, limit: null });
    expect(one({ query: 'x', type_strict: 'any' }).kinds).toBeNull();
    expect(kindOfType('datacenter')).toBe('Datacenter');
    expect(kindOfType('Organization')).toBeNull();
  });

  it('reads property values as text, numbers, entities {id, name} and lists of them', () => {
    const q = one({
      query: 'OpenAI',
      properties: [
        { pid: 'country', v: { id: 'us', name: 'United States' } },
        { pid: 'related', v: ['Sam Altman', { id: 'microsoft' }, { id: 'Q42', name: 'Douglas Adams' }, 12] },
        { pid: 'wikidata', v: 'q2283' },
        { pid: 'identifier', v: ['TICKER:nasdaq:msft', 'DOMAIN:Example.COM.'] },
      ],
    });
    expect(q.country).toBe('US');
    expect(q.related).toEqual([
      { name: 'Sam Altman', id: null },
      { name: null, id: 'microsoft' },
      { name: 'Douglas Adams', id: null },
      { name: '12', id: null },
    ]);
    expect(q.identifiers).toEqual([
      { scheme: 'WIKIDATA', value: 'Q2283' },
      { scheme: 'TICKER', value: 'NASDAQ:MSFT' },
      { scheme: 'DOMAIN', value: 'example.com' },
    ]);
  });

  it('leaves out what a cell gives that its property cannot be, and answers a too-long name with nothing', () => {
    const q = one({
      query: 'OpenAI',
      properties: [
        { pid: 'country', v: ['USA', '', 'United States'] },
        { pid: 'LEI', v: ['nope', 'HWUPKR0MPOU8FGXBT394'] },
        { pid: 'identifier', v: ['openai.com', 'ISIN:US0000000000'] },
        { pid: 'related', v: ['  ', 'y'.repeat(301), { id: 'Not A Slug' }] },
      ],
    });
    expect(q).toMatchObject({ country: null, identifiers: [{ scheme: 'LEI' }], related: [] });
    expect(one({ query: 'x'.repeat(301) }).hopeless).toBe(true);
    // A query of properties alone is a query (0.2).
    expect(one({ properties: [{ pid: 'DOMAIN', v: 'openai.com' }] })).toMatchObject({ name: '', hopeless: false });
  });

  it('refuses a batch of the wrong shape, naming the query', () => {
    expect(refusal('nope')).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^queries is not JSON/),
    });
    expect(refusal('"q0"').code).toBe('BAD_USER_INPUT');
    expect(refusal(JSON.stringify({ '': { query: 'x' } })).code).toBe('BAD_USER_INPUT');
    expect(refusal(JSON.stringify({ ['k'.repeat(201)]: { query: 'x' } })).code).toBe('BAD_USER_INPUT');
    for (const query of [
      null,
      [],
      { query: '   ' },
      { properties: [] },
      { query: 'x', properties: {} },
      { query: 'x', type: 7 },
      { query: 'x', type: Array(11).fill('Company') },
      { query: 'x', limit: 1.5 },
      { query: 'x', limit: -1 },
      { query: 'x', properties: [{ pid: 'country' }] },
      { query: 'x', properties: [{ pid: 'country', v: null }] },
      { query: 'x', properties: [{ pid: 'country', v: { name: 'France' } }] },
      {
        query: 'x',
        properties: [
          { pid: 'country', v: 'US' },
          { pid: 'country', v: 'FR' },
        ],
      },
      { query: 'x', properties: Array(21).fill({ pid: 'country', v: 'US' }) },
      { query: 'x', properties: [{ pid: 'related', v: Array(21).fill('a') }] },
      {
        query: 'x',
        properties: [
          { pid: 'related', v: Array(11).fill('a') },
          { pid: 'related', v: Array(10).fill('b') },
        ],
      },
    ])
      expect(refused(query), JSON.stringify(query)).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/^queries\.q0/),
      });
    const identifiers = Array.from({ length: 21 }, (_, i) => `d${i}.example`);
    expect(
      refused({
        query: 'x',
        properties: [
          { pid: 'DOMAIN', v: identifiers.slice(0, 20) },
          { pid: 'DOMAIN', v: ['e.example'] },
        ],
      }).code,
    ).toBe('BAD_USER_INPUT');
  });

  it('refuses more than 100 queries with LIMIT_EXCEEDED, and takes 100', () => {
    const batch = (n: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i}`, { query: 'x' }])));
    expect(parseQueryBatch(batch(100))).toHaveLength(100);
    expect(refusal(batch(101))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});

describe('answers', () => {
  const entity = {
    id: 'e1',
    slug: 'openai',
    name: 'OpenAI',
    description: null,
    aliases: [],
    createdAt: null,
    updatedAt: null,
    label: 'Company',
  } satisfies EntityRow;

  it('gives a candidate its slug, kind, score on 0-100 and one feature per reason on that scale', () => {
    expect(
      candidateOf({
        entity,
        score: 0.943,
        match: true,
        reasons: [
          { kind: 'SIMILAR_SPELLING', detail: 'x', weight: 0.94 },
          { kind: 'SAME_COUNTRY', detail: 'US', weight: 0.03 },
          { kind: 'OTHER_IDENTIFIER', detail: 'y', weight: -0.3 },
        ],
      }),
    ).toEqual({
      id: 'openai',
      name: 'OpenAI',
      type: [{ id: 'Company', name: 'Company' }],
      score: 94.3,
      match: true,
      features: [
        { id: 'SIMILAR_SPELLING', value: 94 },
        { id: 'SAME_COUNTRY', value: 3 },
        { id: 'OTHER_IDENTIFIER', value: -30 },
      ],
    });
    expect(MATCH_RULE).toEqual({ score: 90, margin: 20 });
  });

  it('builds the manifest on its base, and says how to authenticate only when reads need it', () => {
    const m = serviceManifest({ base: 'https://g.example', authRequired: false });
    expect(m.identifierSpace).toBe('https://g.example/entity/');
    expect('authentication' in m).toBe(false);
    expect(serviceManifest({ base: 'https://g.example', authRequired: true })).toHaveProperty(
      'authentication.in',
      'header',
    );
  });

  it('suggests types and properties whose id or a word of whose name the prefix starts', () => {
    expect(suggestTypes('DATA').map((t) => t.id)).toEqual(['Datacenter']);
    expect(suggestTypes('  ').map((t) => t.id)).toHaveLength(5);
    expect(suggestProperties('ent').map((p) => p.id)).toEqual(['related', 'LEI']);
    expect(suggestProperties('SCHEME').map((p) => p.id)).toEqual(['identifier']);
  });
});
