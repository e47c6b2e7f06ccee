import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/graph/seed.js';
import { gql, openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
});
afterAll(() => t.close());

async function read<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const body = await gql<T>(yoga, query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

const REPORT = "Stargate's slow start (French news report, July 2025)";

type Edges<E> = { edges: E[] };

describe('the Stargate seed, read back through the API with its sources', () => {
  it('Stargate: pledged total, first-year amount, power target, status, who announced it', async () => {
    const { entity, march } = await read<{
      march: { firstYearUsd: number | null };
      entity: {
        status: string;
        pledgedUsd: number;
        firstYearUsd: number | null;
        targetPowerMw: number;
        announcedOn: string;
        announcedBy: Edges<{ node: { slug: string } }>;
        participants: Edges<{ role: string; node: { slug: string } }>;
        sources: Array<{ title: string }>;
      };
    }>(`{ march: entity(slug: "stargate", asOf: "2025-03-01") { ... on Project { firstYearUsd } }
        entity(slug: "stargate") { ... on Project {
          status pledgedUsd firstYearUsd targetPowerMw announcedOn
          announcedBy(first: 10) { edges { node { slug } } }
          participants(first: 10) { edges { role node { slug } } }
          sources { title } } } }`);
    expect(entity).toMatchObject({ status: 'STALLED', pledgedUsd: 500e9, targetPowerMw: 10_000 });
    // $100bn of it for the first year, as planned at the launch; by July the plan was one
    // datacenter by the end of the year, with no figure.
    expect(march.firstYearUsd).toBe(100e9);
    expect(entity.firstYearUsd).toBeNull();
    expect(entity.announcedOn).toMatch(/^2025-01-/);
    expect(entity.announcedBy.edges.map((e) => e.node.slug).sort()).toEqual(['donald-trump', 'sam-altman']);
    const roles = Object.fromEntries(entity.participants.edges.map((e) => [e.node.slug, e.role]));
    expect(roles).toEqual({ openai: 'lead', softbank: 'financier' });
    expect(entity.sources.map((s) => s.title)).toContain(REPORT);
  });

  it('Sam Altman leads OpenAI', async () => {
    const { entity } = await read<{
      entity: { leads: Edges<{ title: string; node: { slug: string } }>; sources: Array<{ title: string }> };
    }>(
      `{ entity(slug: "sam-altman") { ... on Person { leads(first: 5) { edges { title node { slug } } } } sources { title } } }`,
    );
    expect(entity.leads.edges).toEqual([
      { title: expect.stringMatching(/chief executive/i), node: { slug: 'openai' } },
    ]);
    expect(entity.sources.map((s) => s.title)).toContain(REPORT);
  });

  it('the deals: Oracle $30bn, Microsoft server rental ~$28bn to 2028, CoreWeave; SoftBank in none of them', async () => {
    const { entity } = await read<{
      entity: {
        deals: Edges<{
          role: string;
          node: {
            slug: string;
            valueUsd: number | null;
            endsOn: string | null;
            parties: Edges<{ role: string; node: { slug: string } }>;
            excludedCompanies: Array<{ slug: string }>;
            sources: Array<{ title: string }>;
          };
        }>;
      };
    }>(`{ entity(slug: "openai") { ... on Company { deals(first: 20) { edges { role node { slug ... on Deal {
          valueUsd endsOn parties(first: 5) { edges { role node { slug } } } excludedCompanies { slug } } sources { title } } } } } } }`);
    const deals = entity.deals.edges.map((e) => ({
      counterparties: e.node.parties.edges.map((p) => p.node.slug).filter((s) => s !== 'openai'),
      ...e.node,
    }));
    const withCounterparty = (slug: string) => deals.find((d) => d.counterparties.includes(slug));
    // Three deals, one counterparty each.
    expect(deals.map((d) => d.counterparties).sort()).toEqual([['coreweave'], ['microsoft'], ['oracle']]);
    expect(withCounterparty('oracle')?.valueUsd).toBe(30e9);
    expect(withCounterparty('microsoft')?.valueUsd).toBe(28e9);
    expect(withCounterparty('microsoft')?.endsOn).toBe('2028-12-31');
    // The CoreWeave deal's value was not disclosed.
    expect(withCounterparty('coreweave')).toMatchObject({ slug: 'openai-coreweave-datacenter-deal', valueUsd: null });
    for (const deal of deals) {
      expect(deal.parties.edges.map((p) => p.node.slug)).not.toContain('softbank');
      expect(deal.sources.map((s) => s.title)).toContain(REPORT);
    }
    expect(withCounterparty('oracle')?.excludedCompanies.map((c) => c.slug)).toContain('softbank');
    expect(withCounterparty('coreweave')?.excludedCompanies.map((c) => c.slug)).toContain('softbank');
  });

  it("the datacenter build-out: a first Stargate datacenter planned by year end, and the partners' sites", async () => {
    const { datacenters } = await read<{
      datacenters: Edges<{
        node: {
          slug: string;
          status: string;
          operators: Edges<{ node: { slug: string } }>;
          projects: Edges<{ node: { slug: string } }>;
        };
      }>;
    }>(
      `{ datacenters(first: 20, filter: { slugs: ["stargate-first-datacenter", "oracle-openai-datacenters", "coreweave-openai-datacenters"] }) { edges { node { slug status operators(first: 5) { edges { node { slug } } } projects(first: 5) { edges { node { slug } } } } } } }`,
    );
    expect(datacenters.edges).toHaveLength(3);
    const stargateSites = datacenters.edges.filter((e) =>
      e.node.projects.edges.some((p) => p.node.slug === 'stargate'),
    );
    expect(stargateSites.map((e) => [e.node.slug, e.node.status])).toEqual([['stargate-first-datacenter', 'PLANNED']]);
    const operators = Object.fromEntries(
      datacenters.edges.map((e) => [e.node.slug, e.node.operators.edges.map((o) => o.node.slug)]),
    );
    expect(operators).toEqual({
      'stargate-first-datacenter': [],
      'oracle-openai-datacenters': ['oracle'],
      'coreweave-openai-datacenters': ['coreweave'],
    });
  });

  it('the report cites the Wall Street Journal', async () => {
    const { sources } = await read<{
      sources: Edges<{ node: { title: string; language: string; cites: Edges<{ node: { publisher: string } }> } }>;
    }>(
      `{ sources(first: 10, filter: { titleContains: "slow start" }) { edges { node { title language cites(first: 5) { edges { node { publisher } } } } } } }`,
    );
    const report = sources.edges.find((e) => e.node.title === REPORT)?.node;
    expect(report).toBeDefined();
    if (!report) return;
    expect(report.language).toBe('fr');
    expect(report.cites.edges.map((e) => e.node.publisher)).toContain('The Wall Street Journal');
  });
});
