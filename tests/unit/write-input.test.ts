/**
 * What a write may contain (src/graph/write-input.ts), rule by rule: each value at the edge of
 * a rule, and the message a client or an import report then shows.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  amountSchema,
  checkRelationshipProperties,
  connectableTypeSchema,
  dateSchema,
  endpointAllowed,
  endpointProblem,
  entityPropertiesSchema,
  isCalendarDate,
  isKebabCase,
  relationshipPropertiesSchema,
  slugSchema,
  sourceIdSchema,
  sourcePropertiesSchema,
  urlSchema,
  valueProblem,
} from '../../src/graph/write-input.js';

/** The messages of a refused value (empty when it is accepted). */
const problems = (schema: z.ZodTypeAny, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe('isKebabCase', () => {
  it.each(['sam-altman', 'a1', 'stargate-2025', 'x'])('accepts %s', (v) => expect(isKebabCase(v)).toBe(true));
  it.each(['Sam-Altman', 'a--b', '-a', 'a-', 'a b', 'sam_altman', 'sam-altman!', '!sam', ''])('refuses %j', (v) =>
    expect(isKebabCase(v)).toBe(false),
  );
});

describe('isCalendarDate', () => {
  it.each(['x2025-01-01', '2025-01-01x', '2025-01-01T00:00:00Z', ' 2025-01-01'])(
    'refuses %j (the whole string must be a date)',
    (v) => expect(isCalendarDate(v)).toBe(false),
  );
});

describe('scalar rules', () => {
  it('slugs: kebab-case, at most 200 characters', () => {
    expect(problems(slugSchema, 'a'.repeat(200))).toEqual([]);
    expect(problems(slugSchema, 'a'.repeat(201))).toEqual(['must be at most 200 characters']);
    expect(problems(slugSchema, 'OpenAI')).toEqual(['must be lower-case kebab-case, e.g. sam-altman']);
  });

  it('dates: the shape first, then the calendar', () => {
    expect(problems(dateSchema, '2025-07-22')).toEqual([]);
    expect(problems(dateSchema, '22/07/2025')).toEqual(['must be an ISO date (YYYY-MM-DD)']);
    expect(problems(dateSchema, '2025-02-30')).toEqual(['is not a calendar date']);
  });

  it('amounts: finite and not negative, zero allowed', () => {
    expect(problems(amountSchema, 0)).toEqual([]);
    expect(problems(amountSchema, 500e9)).toEqual([]);
    expect(problems(amountSchema, -1)).toEqual(['must not be negative']);
    expect(problems(amountSchema, Infinity)).toEqual(['must be a finite number']);
  });

  it('URLs: absolute and http(s) only', () => {
    expect(problems(urlSchema, 'https://example.org/a')).toEqual([]);
    expect(problems(urlSchema, 'HTTP://example.org')).toEqual([]);
    expect(problems(urlSchema, 'http://example.org')).toEqual([]);
    expect(problems(urlSchema, 'example.org')).toContain('must be an absolute URL');
    expect(problems(urlSchema, 'ftp://example.org')).toEqual(['must be an http(s) URL']);
    expect(problems(urlSchema, 'ftp://example.org/?next=https://x.org')).toEqual(['must be an http(s) URL']);
  });

  it('source ids: printable, bounded, starting with a letter or digit', () => {
    expect(problems(sourceIdSchema, 'src-1:a.b_c')).toEqual([]);
    expect(problems(sourceIdSchema, 'S'.repeat(200))).toEqual([]);
    expect(problems(sourceIdSchema, '')).toContain('is required');
    expect(problems(sourceIdSchema, 'S'.repeat(201))).toEqual(['must be at most 200 characters']);
    for (const bad of ['-src', 'src 1', 'src/1', '.src']) {
      expect(problems(sourceIdSchema, bad)).toEqual(['may hold letters, digits, ".", "_", ":" and "-"']);
    }
  });
});

describe('entityPropertiesSchema', () => {
  it('has the common properties and exactly the kind-specific ones of each label', () => {
    const keys = (label: Parameters<typeof entityPropertiesSchema>[0]) =>
      Object.keys(entityPropertiesSchema(label).shape).sort();
    expect(keys('Person')).toEqual(['aliases', 'description', 'name', 'slug']);
    expect(keys('Company')).toEqual(['aliases', 'country', 'description', 'kind', 'name', 'slug']);
    expect(keys('Deal')).toEqual([
      'aliases',
      'announcedOn',
      'description',
      'endsOn',
      'kind',
      'name',
      'slug',
      'startsOn',
      'valueUsd',
    ]);
  });

  it('trims names and refuses blank or overlong text', () => {
    const company = entityPropertiesSchema('Company');
    expect(company.parse({ slug: 'openai', name: '  OpenAI ' }).name).toBe('OpenAI');
    expect(problems(company, { slug: 'openai', name: '   ' })).toEqual(['must not be empty']);
    expect(problems(company, { slug: 'openai', name: 'x'.repeat(501) })).toEqual(['must be at most 500 characters']);
    expect(problems(company, { slug: 'openai', name: 'x', description: 'd'.repeat(10_000) })).toEqual([]);
    expect(problems(company, { slug: 'openai', name: 'x', description: 'd'.repeat(10_001) })).toEqual([
      'must be at most 10000 characters',
    ]);
    expect(problems(company, { slug: 'openai', name: 'x', description: 5 })).toHaveLength(1);
  });

  it.each([
    ['Company', { kind: 'BANK' }, 'must be one of AI_LAB, CLOUD_PROVIDER, INVESTOR, CHIPMAKER, ENERGY, MEDIA, OTHER'],
    ['Project', { status: 'DONE' }, 'must be one of ANNOUNCED, IN_PROGRESS, STALLED, OPERATIONAL, CANCELLED'],
    ['Datacenter', { status: 'BUILT' }, 'must be one of PLANNED, UNDER_CONSTRUCTION, OPERATIONAL'],
    ['Deal', { kind: 'LOAN' }, 'must be one of COMPUTE_LEASE, CLOUD_CONTRACT, INVESTMENT, PARTNERSHIP, OTHER'],
  ] as const)('%s refuses an unknown enumerated value %j', (label, value, message) => {
    const schema = entityPropertiesSchema(label);
    expect(problems(schema, { slug: 'x', name: 'x', ...value })).toEqual([message]);
  });

  it('checks each property by its type; null (remove) and absent are both fine', () => {
    const project = entityPropertiesSchema('Project');
    const base = { slug: 'stargate', name: 'Stargate' };
    expect(problems(project, { ...base, status: 'ANNOUNCED', announcedOn: '2025-01-21', pledgedUsd: 500e9 })).toEqual(
      [],
    );
    expect(problems(project, { ...base, status: null, announcedOn: null, pledgedUsd: null, aliases: null })).toEqual(
      [],
    );
    expect(problems(project, { ...base, announcedOn: '2025-02-30' })).toEqual(['is not a calendar date']);
    expect(problems(project, { ...base, pledgedUsd: '500e9' })).toHaveLength(1);
    expect(problems(project, { ...base, pledgedUsd: -5 })).toEqual(['must not be negative']);
    expect(problems(entityPropertiesSchema('Datacenter'), { ...base, location: '' })).toEqual(['must not be empty']);
  });

  it('aliases: a list of at most 100 non-empty texts', () => {
    const person = entityPropertiesSchema('Person');
    const base = { slug: 'sam-altman', name: 'Sam Altman' };
    expect(person.parse({ ...base, aliases: [' Sam '] })).toEqual({ ...base, aliases: ['Sam'] });
    expect(problems(person, { ...base, aliases: Array(100).fill('a') })).toEqual([]);
    expect(problems(person, { ...base, aliases: Array(101).fill('a') })).toEqual(['must have at most 100 items']);
    expect(problems(person, { ...base, aliases: ['a', ' '] })).toEqual(['must not be empty']);
    expect(problems(person, { ...base, aliases: 'Sam' })).toHaveLength(1);
  });
});

describe('sourcePropertiesSchema', () => {
  const base = { title: 'A report' };
  it.each(['fr', 'en', 'eng', 'en-US', 'zh-Hant'])('accepts the language %s', (language) =>
    expect(problems(sourcePropertiesSchema, { ...base, language })).toEqual([]),
  );
  it.each(['french', 'EN', 'f', 'Xfr', 'fr!', 'en-', 'en-U', 'en-USAXX', 'en-12'])(
    'refuses the language %j',
    (language) =>
      expect(problems(sourcePropertiesSchema, { ...base, language })).toEqual([
        'must be an ISO 639-1 code such as fr or en-US',
      ]),
  );
});

describe('relationship types and properties', () => {
  it('connect takes entity relationship types only, and says where MENTIONS and CITES go', () => {
    expect(problems(connectableTypeSchema, 'LEADS')).toEqual([]);
    const [message] = problems(connectableTypeSchema, 'MENTIONS');
    expect(message).toBe(
      'must be one of LEADS, ANNOUNCED, PARTICIPATES_IN, PARTY_TO, PART_OF, COVERS, OPERATES, INVESTS_IN (MENTIONS and CITES are written with addSource)',
    );
  });

  it("each type's properties schema allows only its own keys, and is built once per type", () => {
    const leads = relationshipPropertiesSchema('LEADS');
    expect(leads.parse({ title: 'CEO', since: '2019-03-01' })).toEqual({ title: 'CEO', since: '2019-03-01' });
    expect(leads.safeParse({ amountUsd: 5 }).success).toBe(false);
    expect(leads.safeParse({ since: '2019-02-30' }).success).toBe(false);
    expect(relationshipPropertiesSchema('LEADS')).toBe(leads);
    expect(relationshipPropertiesSchema('INVESTS_IN')).not.toBe(leads);
  });

  const checked = z
    .object({ type: z.unknown(), properties: z.unknown() })
    .superRefine((v, ctx) => checkRelationshipProperties(v.type, v.properties, ctx, ['input', 'properties']));
  const issues = (type: unknown, properties: unknown) => {
    const parsed = checked.safeParse({ type, properties });
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('checkRelationshipProperties names the unknown key, at its path, with the keys allowed', () => {
    expect(issues('LEADS', { title: 'CEO', since: '2019-03-01' })).toEqual([]);
    expect(issues('LEADS', { title: 'CEO', amountUsd: 5 })).toEqual([
      { path: 'input.properties.amountUsd', message: 'LEADS has only the properties title, since' },
    ]);
    expect(issues('OPERATES', { role: 'x' })).toEqual([
      { path: 'input.properties.role', message: 'OPERATES has no properties' },
    ]);
  });

  it('checkRelationshipProperties checks the values, at their path', () => {
    expect(issues('INVESTS_IN', { amountUsd: -1 })).toEqual([
      { path: 'input.properties.amountUsd', message: 'must not be negative' },
    ]);
    expect(issues('LEADS', { since: '2019-02-30' })).toEqual([
      { path: 'input.properties.since', message: 'is not a calendar date' },
    ]);
  });

  it('checkRelationshipProperties leaves alone: undefined values, no properties, and names that are no type', () => {
    expect(issues('LEADS', { title: undefined, nope: undefined })).toEqual([]);
    expect(issues('LEADS', null)).toEqual([]);
    expect(issues('LEADS', undefined)).toEqual([]);
    expect(issues('toString', { nope: 1 })).toEqual([]);
  });
});

describe('valueProblem', () => {
  it('is undefined for a valid value', () => {
    expect(valueProblem(amountSchema, 5)).toBeUndefined();
  });

  it('says which type was expected, "a list" for arrays', () => {
    expect(valueProblem(amountSchema, 'five')).toBe(' must be a number');
    expect(valueProblem(z.array(z.string()), 'a')).toBe(' must be a list');
  });

  it("gives the schema's own message otherwise, after the index of the bad item", () => {
    expect(valueProblem(amountSchema, -1)).toBe(' must not be negative');
    expect(valueProblem((entityPropertiesSchema('Person').shape as z.ZodRawShape).aliases!, ['a', ' '])).toBe(
      '[1] must not be empty',
    );
  });
});

describe('relationship endpoints', () => {
  it('endpointAllowed follows the model', () => {
    expect(endpointAllowed('LEADS', 'from', 'Person')).toBe(true);
    expect(endpointAllowed('LEADS', 'from', 'Company')).toBe(false);
    expect(endpointAllowed('LEADS', 'to', 'Company')).toBe(true);
    expect(endpointAllowed('PART_OF', 'from', 'Deal')).toBe(true);
  });

  it('endpointProblem says which end and which kinds are allowed', () => {
    expect(endpointProblem('LEADS', 'from', 'Company')).toBe('LEADS cannot start at a Company (allowed: Person)');
    expect(endpointProblem('PART_OF', 'to', 'Deal')).toBe('PART_OF cannot end at a Deal (allowed: Project)');
    expect(endpointProblem('PART_OF', 'from', 'Person')).toBe(
      'PART_OF cannot start at a Person (allowed: Datacenter, Deal)',
    );
  });
});
