/**
 * The example operations GraphiQL offers (schema/examples/), run on a graph that holds the seed
 * and nothing else, each checked for what it is about: its entities and values, written out
 * from the seed (cypher/seed/stargate.json) by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOperations, graphiqlTabs } from '../../src/schema/examples.js';
import { loadSeed } from '../../src/graph/seed.js';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/neo4j/local-server.js';
import { gql, openTestGraph, serverEnv, testServer, type TestGraph } from '../utils/graph.js';

// A Neo4j of this file's own: root connections, search and rankings see the whole graph, and the
// shared test database holds other files' data, so only a seed-only graph has known answers.
const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-examples-'));
let server: LocalNeo4j | undefined;
let t: TestGraph | undefined;
let yoga: ReturnType<typeof testServer>;

beforeAll(async () => {
  server = await startLocalNeo4j({ dataDir, heap: '512m', pageCache: '64m', mode: 'attached' });
  // A fresh Neo4j plans every example's statements cold; on a busy machine that alone can pass
  // the 5 s traversal timeout. Timeouts have their own tests; these are about the answers.
  t = await openTestGraph({ ...serverEnv(server), TRAVERSAL_TIMEOUT_MS: '60000', QUERY_TIMEOUT_MS: '60000' });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
  // A second Neo4j starts in ~35 s on an idle two-core machine; allow for a busy one.
}, 300_000);

afterAll(async () => {
  await t?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Edges<N, E = object> = { edges: Array<E & { node: N }> };
type Named = { name: string };
// Answers are checked field by field below.
type Data = any;

const names = (c: Edges<Named>) => c.edges.map((e) => e.node.name);
const sorted = <T>(xs: T[]) => [...xs].sort();

const REPORT = "Stargate's slow start (French news report, July 2025)";
const WSJ = "Wall Street Journal reporting on Stargate's progress";
const ORACLE_DEAL = 'OpenAI and Oracle datacenter agreement';
const MICROSOFT_DEAL = 'OpenAI server rental from Microsoft';
const COREWEAVE_DEAL = 'OpenAI and CoreWeave datacenter agreement';

/** What each example must answer on the seed, by file name. */
const CHECKS: Record<string, (data: Data) => void | Promise<void>> = {
  '01-graph-stats': (d) => {
    expect(d.graphStats).toEqual([
      { label: 'Entity', count: 14 },
      { label: 'Person', count: 2 },
      { label: 'Company', count: 5 },
      { label: 'Project', count: 1 },
      { label: 'Datacenter', count: 3 },
      { label: 'Deal', count: 3 },
      { label: 'Source', count: 2 },
    ]);
  },

  '02-who-is-behind-stargate': (d) => {
    const e = d.entity;
    expect(e).toMatchObject({
      name: 'Stargate',
      status: 'STALLED',
      announcedOn: '2025-01-21',
      pledgedUsd: 500e9,
      // The $100bn first-year plan held until the report (example 20 reads it in March).
      firstYearUsd: null,
      targetPowerMw: 10_000,
    });
    expect(sorted(e.announcedBy.edges.map((x: Data) => `${x.node.__typename} ${x.node.name} ${x.on}`))).toEqual([
      'Person Donald Trump 2025-01-21',
      'Person Sam Altman 2025-01-21',
    ]);
    expect(sorted(e.participants.edges.map((x: Data) => `${x.node.name} ${x.node.kind} ${x.role}`))).toEqual([
      'OpenAI AI_LAB lead',
      'SoftBank INVESTOR financier',
    ]);
    expect(sorted(e.sources.map((s: Data) => s.title))).toEqual(sorted([REPORT, WSJ]));
  },

  '03-openai-deals-and-counterparties': (d) => {
    expect(d.entity.name).toBe('OpenAI');
    expect(d.entity.deals.totalCount).toBe(3);
    const deals = Object.fromEntries(
      d.entity.deals.edges.map((x: Data) => [
        x.node.name,
        {
          role: x.role,
          kind: x.node.kind,
          valueUsd: x.node.valueUsd,
          endsOn: x.node.endsOn,
          parties: sorted(x.node.parties.edges.map((p: Data) => `${p.node.name} ${p.role}`)),
        },
      ]),
    );
    expect(deals).toEqual({
      [ORACLE_DEAL]: {
        role: 'customer',
        kind: 'COMPUTE_LEASE',
        valueUsd: 30e9,
        endsOn: null,
        parties: ['OpenAI customer', 'Oracle provider'],
      },
      [MICROSOFT_DEAL]: {
        role: 'lessee',
        kind: 'CLOUD_CONTRACT',
        valueUsd: 28e9,
        endsOn: '2028-12-31',
        parties: ['Microsoft lessor', 'OpenAI lessee'],
      },
      [COREWEAVE_DEAL]: {
        role: 'customer',
        kind: 'COMPUTE_LEASE',
        valueUsd: null,
        endsOn: null,
        parties: ['CoreWeave provider', 'OpenAI customer'],
      },
    });
  },

  '04-money-by-company': (d) => {
    expect(d.deals.totalCount).toBe(3);
    // Biggest first; the CoreWeave deal has no disclosed value.
    expect(
      d.deals.edges.map((x: Data) => [
        x.node.name,
        x.node.valueUsd,
        sorted(x.node.parties.edges.map((p: Data) => `${p.node.name} ${p.role}`)),
      ]),
    ).toEqual([
      [ORACLE_DEAL, 30e9, ['OpenAI customer', 'Oracle provider']],
      [MICROSOFT_DEAL, 28e9, ['Microsoft lessor', 'OpenAI lessee']],
      [COREWEAVE_DEAL, null, ['CoreWeave provider', 'OpenAI customer']],
    ]);
  },

  '05-page-through-companies': async (d) => {
    expect(d.companies.totalCount).toBe(5);
    expect(d.companies.edges.map((x: Data) => x.node)).toEqual([
      { name: 'CoreWeave', kind: 'CLOUD_PROVIDER', country: 'US' },
      { name: 'Microsoft', kind: 'CLOUD_PROVIDER', country: 'US' },
    ]);
    expect(d.companies.pageInfo.hasNextPage).toBe(true);
    // Follow the example's own advice: its endCursor as $after gives the next pages.
    const example = exampleOperations().find((e) => e.name === '05-page-through-companies')!;
    const seen = names(d.companies);
    let after = d.companies.pageInfo.endCursor;
    for (let page = 0; page < 5 && after; page++) {
      const next = await gql<Data>(yoga, example.query, { ...example.variables, after });
      expect(next.errors).toBeUndefined();
      seen.push(...names(next.data.companies));
      after = next.data.companies.pageInfo.hasNextPage ? next.data.companies.pageInfo.endCursor : null;
    }
    expect(seen).toEqual(['CoreWeave', 'Microsoft', 'OpenAI', 'Oracle', 'SoftBank']);
  },

  '06-who-leads-what': (d) => {
    const people = d.people.edges.map((x: Data) => ({
      name: x.node.name,
      leads: x.node.leads.edges.map((l: Data) => `${l.title} of ${l.node.name}`),
      announced: x.node.announced.edges.map((a: Data) => `${a.node.name} on ${a.on}`),
    }));
    expect(people).toEqual([
      { name: 'Donald Trump', leads: [], announced: ['Stargate on 2025-01-21'] },
      { name: 'Sam Altman', leads: ['Chief Executive Officer of OpenAI'], announced: ['Stargate on 2025-01-21'] },
    ]);
  },

  '07-search': (d) => {
    // "oracle": the company by its exact name, then the name that starts with it, then the
    // full-text hits (the Oracle deal, and SoftBank whose description names Oracle).
    expect(d.search.map((h: Data) => [h.match, h.entity.slug])).toEqual([
      ['EXACT', 'oracle'],
      ['PREFIX', 'oracle-openai-datacenters'],
      ['TEXT', 'openai-oracle-datacenter-deal'],
      ['TEXT', 'softbank'],
    ]);
    // Suggestions for "ora": names starting with it, shortest first.
    expect(d.suggestions.map((h: Data) => h.entity.slug)).toEqual(['oracle', 'oracle-openai-datacenters']);
  },

  '08-datacenters': (d) => {
    const sites = Object.fromEntries(
      d.datacenters.edges.map((x: Data) => [
        x.node.name,
        {
          status: x.node.status,
          targetDate: x.node.targetDate,
          operators: names(x.node.operators),
          deals: names(x.node.deals),
          projects: names(x.node.projects),
        },
      ]),
    );
    expect(sites).toEqual({
      "Stargate's first datacenter": {
        status: 'PLANNED',
        targetDate: '2025-12-31',
        operators: [],
        deals: [],
        projects: ['Stargate'],
      },
      'Oracle datacenters for OpenAI': {
        status: 'PLANNED',
        targetDate: null,
        operators: ['Oracle'],
        deals: [ORACLE_DEAL],
        projects: [],
      },
      'CoreWeave datacenters for OpenAI': {
        status: 'PLANNED',
        targetDate: null,
        operators: ['CoreWeave'],
        deals: [COREWEAVE_DEAL],
        projects: [],
      },
    });
  },

  '09-everything-around-openai': (d) => {
    expect(d.entity.relationships.totalCount).toBe(5);
    expect(
      sorted(
        d.entity.relationships.edges.map(
          (x: Data) => `${x.direction} ${x.type} ${x.role ?? x.title} ${x.node.__typename} ${x.node.name}`,
        ),
      ),
    ).toEqual(
      sorted([
        'IN LEADS Chief Executive Officer Person Sam Altman',
        'OUT PARTICIPATES_IN lead Project Stargate',
        `OUT PARTY_TO customer Deal ${ORACLE_DEAL}`,
        `OUT PARTY_TO customer Deal ${COREWEAVE_DEAL}`,
        `OUT PARTY_TO lessee Deal ${MICROSOFT_DEAL}`,
      ]),
    );
  },

  '10-sources-and-what-they-support': (d) => {
    const sources = Object.fromEntries(d.sources.edges.map((x: Data) => [x.node.title, x.node]));
    expect(Object.keys(sources).sort()).toEqual(sorted([REPORT, WSJ]));
    const report = sources[REPORT];
    expect(report).toMatchObject({ language: 'fr', publishedOn: '2025-07-01' });
    expect(report.cites.edges.map((x: Data) => x.node)).toEqual([{ title: WSJ, publisher: 'The Wall Street Journal' }]);
    // The report supports every seed entity.
    expect(report.mentions.totalCount).toBe(14);
    expect(report.mentions.edges).toHaveLength(14);
    expect(names(report.mentions)).toEqual(
      expect.arrayContaining([
        'Donald Trump',
        'Sam Altman',
        'OpenAI',
        'SoftBank',
        'Oracle',
        'CoreWeave',
        'Microsoft',
        'Stargate',
      ]),
    );
    const wsj = sources[WSJ];
    expect(wsj).toMatchObject({ publisher: 'The Wall Street Journal', language: 'en' });
    expect(wsj.cites.edges).toEqual([]);
    expect(sorted(names(wsj.mentions))).toEqual(
      sorted(['OpenAI', 'Oracle', 'Stargate', ORACLE_DEAL, "Stargate's first datacenter"]),
    );
  },

  '11-cloud-providers': (d) => {
    expect(d.companies.totalCount).toBe(3);
    const providers = Object.fromEntries(
      d.companies.edges.map((x: Data) => [
        x.node.name,
        {
          deals: x.node.deals.edges.map((e: Data) => [e.role, e.node.name, e.node.valueUsd]),
          datacenters: names(x.node.datacenters),
        },
      ]),
    );
    expect(providers).toEqual({
      CoreWeave: { deals: [['provider', COREWEAVE_DEAL, null]], datacenters: ['CoreWeave datacenters for OpenAI'] },
      Microsoft: { deals: [['lessor', MICROSOFT_DEAL, 28e9]], datacenters: [] },
      Oracle: { deals: [['provider', ORACLE_DEAL, 30e9]], datacenters: ['Oracle datacenters for OpenAI'] },
    });
  },

  '12-big-deals': (d) => {
    // At least $25bn: Oracle's $30bn and Microsoft's $28bn, not the undisclosed CoreWeave deal.
    expect(
      sorted(d.deals.edges.map((x: Data) => `${x.node.name} ${x.node.kind} ${x.node.valueUsd} ${x.node.endsOn}`)),
    ).toEqual([
      `${ORACLE_DEAL} COMPUTE_LEASE 30000000000 null`,
      `${MICROSOFT_DEAL} CLOUD_CONTRACT 28000000000 2028-12-31`,
    ]);
  },

  '13-path-from-trump-to-coreweave': (d) => {
    const shortest = d.shortestPath;
    expect(shortest.length).toBe(4);
    expect(shortest.nodes.map((n: Data) => `${n.__typename} ${n.name}`)).toEqual([
      'Person Donald Trump',
      'Project Stargate',
      'Company OpenAI',
      `Deal ${COREWEAVE_DEAL}`,
      'Company CoreWeave',
    ]);
    expect(shortest.relationships.map((r: Data) => `${r.from.slug} ${r.type} ${r.to.slug} ${r.role}`)).toEqual([
      'donald-trump ANNOUNCED stargate null',
      'openai PARTICIPATES_IN stargate lead',
      'openai PARTY_TO openai-coreweave-datacenter-deal customer',
      'coreweave PARTY_TO openai-coreweave-datacenter-deal provider',
    ]);
    // Every simple path of at most 5 hops, shortest first.
    const paths = d.paths.map((p: Data) => `${p.length}: ${p.nodes.map((n: Data) => n.slug).join(' > ')}`);
    expect(paths[0]).toBe('4: donald-trump > stargate > openai > openai-coreweave-datacenter-deal > coreweave');
    expect(sorted(paths.slice(1))).toEqual([
      '5: donald-trump > stargate > openai > openai-coreweave-datacenter-deal > coreweave-openai-datacenters > coreweave',
      '5: donald-trump > stargate > sam-altman > openai > openai-coreweave-datacenter-deal > coreweave',
    ]);
  },

  '14-softbank-money-flow': (d) => {
    expect(d.moneyFlows.map((p: Data) => p.nodes.map((n: Data) => `${n.__typename} ${n.name}`))).toEqual([
      ['Company SoftBank', 'Project Stargate'],
      ['Company SoftBank', 'Project Stargate', "Datacenter Stargate's first datacenter"],
    ]);
    expect(d.moneyFlows[1].relationships.map((r: Data) => `${r.from.slug} ${r.type} ${r.to.slug} ${r.role}`)).toEqual([
      'softbank PARTICIPATES_IN stargate financier',
      'stargate-first-datacenter PART_OF stargate null',
    ]);
  },

  '15-neighbourhood-and-rankings': (d) => {
    const n = d.neighborhood;
    expect(n.truncated).toBe(false);
    expect(n.nodes[0].slug).toBe('openai');
    expect(sorted(n.nodes.map((x: Data) => x.slug))).toEqual(
      sorted([
        'openai',
        'sam-altman',
        'stargate',
        'openai-oracle-datacenter-deal',
        'openai-microsoft-server-rental',
        'openai-coreweave-datacenter-deal',
      ]),
    );
    expect(n.nodes[0].dealStats).toEqual({
      count: 3,
      totalValueUsd: 58e9,
      asBuyer: { count: 3, totalValueUsd: 58e9 },
      asSeller: { count: 0, totalValueUsd: 0 },
    });
    expect(n.relationships).toHaveLength(6);
    expect(d.aroundStargate.map((r: Data) => [r.entity.name, r.score])).toEqual([
      ['OpenAI', 58e9],
      ['Oracle', 30e9],
      ['Microsoft', 28e9],
    ]);
    // Degrees counted by hand from the seed; ties by name.
    expect(d.mostConnected.map((r: Data) => [r.entity.__typename, r.entity.name, r.score])).toEqual([
      ['Company', 'OpenAI', 5],
      ['Project', 'Stargate', 5],
      ['Deal', COREWEAVE_DEAL, 3],
      ['Deal', ORACLE_DEAL, 3],
      ['Company', 'CoreWeave', 2],
    ]);
    expect(d.commonNeighbors).toEqual([{ name: 'Stargate' }]);
  },

  '16-big-deals-with-oracle': (d) => {
    // The Oracle deal ($30bn) has OpenAI and Oracle as parties; the Microsoft and CoreWeave deals are not with Oracle.
    expect(sorted(names(d.companies))).toEqual(['OpenAI', 'Oracle']);
    for (const e of d.companies.edges) {
      expect(e.node.deals.edges.map((x: Data) => [x.node.name, x.node.valueUsd])).toEqual([[ORACLE_DEAL, 30e9]]);
    }
    const roles = Object.fromEntries(d.companies.edges.map((e: Data) => [e.node.name, e.node.deals.edges[0].role]));
    expect(roles).toEqual({ OpenAI: 'customer', Oracle: 'provider' });
  },

  '17-openai-commitments-by-role': (d) => {
    const a = d.entity.deals.aggregate;
    expect(a.count).toBe(3);
    expect(a.valueUsd).toEqual({ sum: 58e9, max: 30e9 });
    // Customer of Oracle ($30bn) and CoreWeave (undisclosed), lessee of Microsoft ($28bn).
    expect(a.byRole).toEqual([
      { key: 'customer', count: 2, valueUsd: { sum: 30e9 } },
      { key: 'lessee', count: 1, valueUsd: { sum: 28e9 } },
    ]);
    expect(a.byKind).toEqual([
      { key: 'COMPUTE_LEASE', count: 2 },
      { key: 'CLOUD_CONTRACT', count: 1 },
    ]);
  },

  '18-cloud-providers-without-big-deals': (d) => {
    // Oracle's deal is $30bn; Microsoft's $28bn and CoreWeave's (no value) pass "none over $29bn".
    expect(sorted(names(d.smaller))).toEqual(['CoreWeave', 'Microsoft']);
    expect(
      sorted(d.others.edges.map((e: Data) => `${e.node.name} ${e.node.country} ${e.node.deals.totalCount}`)),
    ).toEqual(['OpenAI US 3', 'SoftBank JP 0']);
    expect(d.others.aggregate).toEqual({
      count: 2,
      groupBy: [
        { key: 'AI_LAB', count: 1 },
        { key: 'INVESTOR', count: 1 },
      ],
    });
  },

  '19-communities-and-centrality': (d) => {
    // The whole seed (14 entities, 78 pairs of others per entity) is within 3 hops of Stargate.
    // Betweenness as networkx's betweenness_centrality computes it on the seed: OpenAI lies on
    // 61 of the 78 pairs' shortest paths, Stargate on 33, each datacenter deal on 22.
    expect(d.brokers.map((r: Data) => [r.entity.name, r.score])).toEqual([
      ['OpenAI', expect.closeTo(61 / 78, 10)],
      ['Stargate', expect.closeTo(33 / 78, 10)],
      [COREWEAVE_DEAL, expect.closeTo(22 / 78, 10)],
      [ORACLE_DEAL, expect.closeTo(22 / 78, 10)],
    ]);
    // Within 2 hops OpenAI and Stargate are symmetric (Sam Altman and four single links each): a tie, by name.
    expect(d.pagerank.map((r: Data) => r.entity.name)).toEqual(['OpenAI', 'Stargate', 'Sam Altman']);
    expect(d.pagerank[0].score).toBe(d.pagerank[1].score);
    const communities: Array<{ size: number; entities: Array<{ slug: string }> }> = d.communities;
    expect(communities.flatMap((c) => c.entities.map((e) => e.slug))).toHaveLength(14);
    expect(communities.map((c) => c.size)).toEqual([...communities.map((c) => c.size)].sort((a, b) => b - a));
    const of = (slug: string) => communities.findIndex((c) => c.entities.some((e) => e.slug === slug));
    expect(of('openai-oracle-datacenter-deal')).toBe(of('oracle'));
    expect(of('oracle-openai-datacenters')).toBe(of('oracle'));
    expect(of('openai-coreweave-datacenter-deal')).toBe(of('coreweave'));
    expect(of('coreweave-openai-datacenters')).toBe(of('coreweave'));
    expect(of('oracle')).not.toBe(of('coreweave'));
  },
  '20-stargate-through-time': (d) => {
    // The report: announced on 21 January 2025 with $500bn; stalled by its publication, 1 July.
    expect(d.before).toBeNull();
    expect(d.march).toEqual({ status: 'ANNOUNCED', firstYearUsd: 100e9 });
    // By July the $100bn first year had shrunk to one datacenter, with no figure.
    expect(d.july).toEqual({ status: 'STALLED', targetPowerMw: 10_000, firstYearUsd: null });
    const [pledge] = d.stargate.pledge;
    expect(pledge).toMatchObject({ value: 500e9, validFrom: '2025-01-21' });
    expect(pledge.citations.map((c: Data) => c.quote).join(' ')).toContain('500 milliards');
    const statuses = new Map(d.stargate.statuses.map((c: Data) => [c.value, c]));
    expect(statuses.get('ANNOUNCED')).toMatchObject({ validFrom: '2025-01-21', validTo: '2025-07-01', conflicts: [] });
    expect(statuses.get('STALLED')).toMatchObject({ validFrom: '2025-07-01', validTo: null, conflicts: [] });
  },
  '21-what-changed-in-2025': (d) => {
    const entries = d.changesBetween.map((c: Data) => `${c.on} ${c.change} ${c.claim.kind} ${c.claim.field ?? ''}`);
    expect(entries).toContain('2025-01-21 STARTED ENTITY ');
    expect(entries).toContain('2025-07-01 ENDED VALUE status');
    expect(entries).toContain('2025-07-01 STARTED VALUE status');
    // Oldest first.
    const days = d.changesBetween.map((c: Data) => c.on);
    expect(days).toEqual([...days].sort());
    const [value] = d.deal.claims;
    expect(value.value).toBe(30e9);
    expect(value.citations.map((c: Data) => c.source.publisher)).toContain('The Wall Street Journal');
  },
  '22-reconcile-names': (d) => {
    expect(d.reconcile.map((r: Data) => [r.name, r.match?.slug, r.candidates[0].reasons[0].kind])).toEqual([
      ['Open AI', 'openai', 'EXACT_ALIAS'],
      ['Oracle Corp', 'oracle', 'LEGAL_FORM'],
      ['Sam Altmann', 'sam-altman', 'SIMILAR_SPELLING'],
    ]);
    expect(d.microsoft.name).toBe('Microsoft');
    expect(d.microsoft.identifiers).toContainEqual({
      scheme: 'WIKIDATA',
      value: 'Q2283',
      url: 'https://www.wikidata.org/wiki/Q2283',
    });
    for (const pair of d.duplicateCandidates) expect(pair.score).toBeGreaterThanOrEqual(0.9);
  },
};

describe('schema/examples', () => {
  const examples = exampleOperations();

  it("the README's analyst query answers what its comments say", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Analyst queries'));
    const query = /```graphql\n([\s\S]*?)```/.exec(section)![1]!;
    const { data, errors } = await gql<Data>(yoga, query);
    expect(errors).toBeUndefined();
    expect(sorted(names(data.companies))).toEqual(['OpenAI', 'Oracle']);
    const deals = data.entity.deals;
    expect(deals.edges.map((e: Data) => e.node.valueUsd)).toEqual([30e9, 28e9, null]);
    expect(deals.aggregate).toEqual({
      count: 3,
      valueUsd: { sum: 58e9, max: 30e9 },
      groupBy: [
        { key: 'customer', count: 2, valueUsd: { sum: 30e9 } },
        { key: 'lessee', count: 1, valueUsd: { sum: 28e9 } },
      ],
    });
    expect(data.entity.bigDeals.totalCount).toBe(1);
    // OpenAI: three deals, an AI lab in the US.
    expect(data.companies2.aggregate).toEqual({ count: 1, groupBy: [{ key: 'US', count: 1 }] });
  });

  it('has a dozen operations, offered as GraphiQL tabs, each with a check here', () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
    expect(graphiqlTabs()).toHaveLength(examples.length);
    expect(examples.map((e) => e.name).sort()).toEqual(Object.keys(CHECKS).sort());
  });

  for (const example of examples) {
    it(`${example.name} answers on the seed graph what it is about`, async () => {
      const body = await gql<Data>(yoga, example.query, example.variables);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      const check = CHECKS[example.name];
      expect(check, `no check for ${example.name}`).toBeDefined();
      await check!(body.data);
    });
  }
});
