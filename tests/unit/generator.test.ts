import { describe, expect, it } from 'vitest';
import { createRandom, generateGraph, kindCounts, zipfSampler } from '../../src/graph/generator.js';
import { isKebabCase, type GraphData } from '../../src/graph/bulk-load.js';
import { GraphDataError, validateGraphData } from '../../src/graph/record-rules.js';
import { readSeed } from '../../src/graph/seed.js';
import type { EntityLabel } from '../../src/graph/model.js';
import {
  SPEC_COMPANY_KINDS as COMPANY_KINDS,
  SPEC_DEAL_KINDS as DEAL_KINDS,
  SPEC_ENDPOINTS,
} from '../utils/spec-model.js';

describe('generateGraph', () => {
  const small = generateGraph({ entities: 2_000, seed: 7, prefix: 'unit' });

  it('is deterministic: same options, same data; another seed, other data', () => {
    expect(JSON.stringify(generateGraph({ entities: 2_000, seed: 7, prefix: 'unit' }))).toBe(JSON.stringify(small));
    expect(JSON.stringify(generateGraph({ entities: 2_000, seed: 8, prefix: 'unit' }))).not.toBe(JSON.stringify(small));
  });

  it('makes exactly the entities asked for, every kind present, in the stated shares', () => {
    const byLabel = (data: GraphData) => {
      const counts: Record<string, number> = {};
      for (const e of data.entities) counts[e.label] = (counts[e.label] ?? 0) + 1;
      return counts;
    };
    // 20% companies, 12% people, 3% projects, 15% datacenters, the rest deals.
    expect(byLabel(small)).toEqual({ Company: 400, Person: 240, Project: 60, Datacenter: 300, Deal: 1_000 });
    expect(kindCounts(2_000)).toEqual({ Company: 400, Person: 240, Project: 60, Datacenter: 300, Deal: 1_000 });
    // The smallest graph still has every kind (and two companies, so INVESTS_IN can occur).
    expect(byLabel(generateGraph({ entities: 10, seed: 1, prefix: 'tiny' }))).toEqual({
      Company: 2,
      Person: 1,
      Project: 1,
      Datacenter: 1,
      Deal: 5,
    });
  });

  it('gives unique kebab-case slugs and ids under the prefix', () => {
    const slugs = small.entities.map((e) => e.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(new Set(small.entities.map((e) => e.id)).size).toBe(slugs.length);
    for (const e of small.entities) {
      expect(isKebabCase(e.slug)).toBe(true);
      expect(e.slug.startsWith('unit-')).toBe(true);
      expect(e.id.startsWith('unit-')).toBe(true);
    }
    for (const s of small.sources) expect(s.id.startsWith('unit-')).toBe(true);
  });

  it('joins only the kinds the spec allows for each relationship type, and passes validation', () => {
    const labelOf = new Map(small.entities.map((e) => [e.slug, e.label]));
    expect(small.relationships.length).toBeGreaterThan(2_000);
    for (const r of small.relationships) {
      const spec = SPEC_ENDPOINTS[r.type]!;
      expect(spec.from, `${r.type} from`).toContain(labelOf.get(r.from));
      expect(spec.to, `${r.type} to`).toContain(labelOf.get(r.to));
    }
    expect(new Set(small.relationships.map((r) => r.type))).toEqual(
      new Set(['LEADS', 'ANNOUNCED', 'PARTICIPATES_IN', 'PARTY_TO', 'PART_OF', 'COVERS', 'OPERATES', 'INVESTS_IN']),
    );
    expect(small.mentions.length).toBeGreaterThan(0);
    const sourceIds = new Set(small.sources.map((s) => s.id));
    for (const m of small.mentions) {
      expect(sourceIds.has(m.source)).toBe(true);
      for (const slug of m.entities) expect(labelOf.has(slug)).toBe(true);
    }
    expect(() => validateGraphData(small)).not.toThrow();
    // The same data with one relationship of the wrong kinds is refused: the check above is not a no-op.
    const broken = {
      ...small,
      relationships: [...small.relationships, { type: 'LEADS' as const, from: 'unit-company-0', to: 'unit-company-1' }],
    };
    expect(() => validateGraphData(broken)).toThrow(GraphDataError);
  });

  it('uses the model enums and realistic values', () => {
    const companies = small.entities.filter((e) => e.label === 'Company');
    const deals = small.entities.filter((e) => e.label === 'Deal');
    expect(new Set(companies.map((e) => e.kind))).toEqual(new Set(COMPANY_KINDS));
    expect(new Set(deals.map((e) => e.kind))).toEqual(new Set(DEAL_KINDS));
    const valued = deals.filter((e) => e.valueUsd != null);
    expect(valued.length).toBeGreaterThan(deals.length / 2);
    for (const e of valued) expect(e.valueUsd).toBeGreaterThanOrEqual(1e6);
    for (const e of deals) {
      expect(typeof e.announcedOn, e.slug).toBe('string');
      expect(e.announcedOn! <= e.startsOn!, e.slug).toBe(true);
    }
    expect(deals).toHaveLength(1_000);
    for (const deal of deals.slice(0, 100)) {
      expect(
        small.relationships.filter((r) => r.type === 'PARTY_TO' && r.to === deal.slug).length,
      ).toBeGreaterThanOrEqual(2);
    }
  });

  it('has skewed deal degrees: the top 1% of companies hold a large share of PARTY_TO edges', () => {
    const data = generateGraph({ entities: 20_000, seed: 42, prefix: 'skew' });
    const degree = new Map<string, number>();
    for (const r of data.relationships) if (r.type === 'PARTY_TO') degree.set(r.from, (degree.get(r.from) ?? 0) + 1);
    const degrees = data.entities
      .filter((e) => e.label === 'Company')
      .map((e) => degree.get(e.slug) ?? 0)
      .sort((a, b) => b - a);
    const total = degrees.reduce((a, b) => a + b, 0);
    const top = degrees.slice(0, Math.ceil(degrees.length / 100)).reduce((a, b) => a + b, 0);
    // Uniform choice would give the top 1% about 1-2%; Zipf gives tens of percent.
    expect(top / total).toBeGreaterThan(0.25);
    expect(degrees[Math.floor(degrees.length / 2)]).toBeLessThanOrEqual(3);
    expect(degrees[0]).toBeGreaterThan(50 * degrees[Math.floor(degrees.length / 2)]!);
  });

  it('refuses bad sizes and prefixes', () => {
    expect(() => generateGraph({ entities: 5 })).toThrow(RangeError);
    expect(() => generateGraph({ entities: 100, prefix: 'Bad Prefix' })).toThrow(/kebab-case/);
  });
});

describe('createRandom and zipfSampler', () => {
  it('repeat exactly for a seed', () => {
    const a = createRandom(3);
    const b = createRandom(3);
    expect(Array.from({ length: 5 }, a.next)).toEqual(Array.from({ length: 5 }, b.next));
    const za = zipfSampler(100, 1, createRandom(9));
    const zb = zipfSampler(100, 1, createRandom(9));
    expect(Array.from({ length: 50 }, za)).toEqual(Array.from({ length: 50 }, zb));
  });
});

describe('validateGraphData', () => {
  const entity = (slug: string, label: EntityLabel, extra = {}) => ({
    id: `v-${slug}`,
    slug,
    label,
    name: slug,
    ...extra,
  });

  it('accepts the seed file, and refuses it with one bad slug', () => {
    const seed = readSeed();
    expect(() => validateGraphData(seed)).not.toThrow();
    const bad = { ...seed, entities: seed.entities.map((e, i) => (i === 0 ? { ...e, slug: 'Not Kebab' } : e)) };
    expect(() => validateGraphData(bad)).toThrow(/Not Kebab: slug must be lower-case kebab-case/);
  });

  it('names every problem: bad slugs, enums, dates, endpoints and duplicates', () => {
    const data: GraphData = {
      entities: [
        entity('Not-Kebab', 'Company'),
        entity('acme', 'Company', { kind: 'BANK' }),
        entity('acme-deal', 'Deal', { announcedOn: '2025/01/01' }),
        entity('bob', 'Person'),
      ],
      relationships: [
        { type: 'LEADS', from: 'acme', to: 'bob' },
        { type: 'PARTY_TO', from: 'acme', to: 'acme-deal', properties: { role: 'buyer' } },
        { type: 'PARTY_TO', from: 'acme', to: 'acme-deal', properties: { role: 'seller' } },
      ],
      sources: [{ id: 's1', title: 'x', cites: ['s2'] }],
      mentions: [{ source: 's3', entities: ['acme'] }],
    };
    let error: GraphDataError | undefined;
    try {
      validateGraphData(data);
    } catch (e) {
      error = e as GraphDataError;
    }
    expect(error).toBeInstanceOf(GraphDataError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/Not-Kebab: slug must be lower-case kebab-case/);
    expect(text).toMatch(/kind must be one of/);
    expect(text).toMatch(/announcedOn must be an ISO date/);
    expect(text).toMatch(/cannot start at a Company/);
    expect(text).toMatch(/listed twice/);
    expect(text).toMatch(/cites unknown source s2/);
    expect(text).toMatch(/unknown source s3/);
  });

  const problemsOf = (data: GraphData): string[] => {
    try {
      validateGraphData(data);
      return [];
    } catch (e) {
      return (e as GraphDataError).problems;
    }
  };

  it('accepts a MENTIONS or CITES pair listed twice (a no-op, as the loader writes it once)', () => {
    const data: GraphData = {
      entities: [entity('acme', 'Company')],
      relationships: [],
      sources: [
        { id: 's1', title: 'One' },
        { id: 's2', title: 'Two', cites: ['s1', 's1'] },
      ],
      mentions: [
        { source: 's1', entities: ['acme', 'acme'] },
        { source: 's1', entities: ['acme'] },
      ],
    };
    expect(problemsOf(data)).toEqual([]);
  });

  it("checks dates by the calendar and values with the mutations' rules", () => {
    const text = problemsOf({
      entities: [
        entity('p', 'Project', { announcedOn: '2025-02-30', pledgedUsd: -1, status: 'ANNOUNCED' }),
        entity('d', 'Deal', { startsOn: '2024-02-29', aliases: ['ok', ''] }),
      ],
      relationships: [
        { type: 'INVESTS_IN', from: 'x', to: 'y', properties: { on: '2025-04-31', amountUsd: 'lots' as never } },
      ],
      sources: [{ id: 's', title: 'S', publishedOn: '2025-13-01' }],
      mentions: [],
    }).join('\n');
    expect(text).toMatch(/entity p: announcedOn is not a calendar date/);
    expect(text).toMatch(/entity p: pledgedUsd must not be negative/);
    expect(text).not.toMatch(/startsOn/);
    expect(text).toMatch(/entity d: aliases\[1\] must not be empty/);
    expect(text).toMatch(/on is not a calendar date/);
    expect(text).toMatch(/amountUsd must be a number/);
    expect(text).toMatch(/source s: publishedOn is not a calendar date/);
  });

  it('refuses inherited names as relationship types', () => {
    const text = problemsOf({
      entities: [entity('a', 'Company'), entity('b', 'Company')],
      relationships: [{ type: 'toString' as never, from: 'a', to: 'b' }],
      sources: [],
      mentions: [],
    }).join('\n');
    expect(text).toMatch(/type must be an entity relationship type/);
  });
});
