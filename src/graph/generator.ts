/**
 * Synthetic graphs in the seed's model and JSON shape, for load tests, benchmarks and paging
 * tests at size. Deterministic: the same options give the same data, byte for byte. Degrees are
 * skewed as in the real market: companies get Zipf-distributed popularity, so a few hubs are
 * party to many deals and most companies to one or two.
 */
import type {
  COMPANY_KINDS,
  DATACENTER_STATUSES,
  DEAL_KINDS,
  PROJECT_STATUSES,
  EntityLabel,
  RelationshipType,
} from './model.js';
import {
  isKebabCase,
  type EntityRecord,
  type GraphData,
  type MentionsRecord,
  type PropertyValue,
  type RelationshipRecord,
  type SourceRecord,
} from './bulk-load.js';
import { addHistory, type GraphDataWithClaims, type HistoryRates } from './generator-history.js';

export interface GenerateOptions {
  /** Number of entities (all kinds together); at least 10. */
  entities: number;
  /** PRNG seed. */
  seed?: number;
  /** Kebab-case prefix of every id and slug (`${prefix}-company-17`), for isolation and cleanup. */
  prefix?: string;
  /** Number of sources with MENTIONS; default one per 25 entities, 0 for none. */
  sources?: number;
  /** Zipf exponent of company popularity: higher is more skewed. */
  zipfExponent?: number;
  /**
   * Adds a claim history (generator-history.ts), optionally with other rates: entity records then
   * leave out the values their claims carry, and relationships are given as claims only. Off,
   * the graph is exactly what it was without it.
   */
  history?: boolean | Partial<HistoryRates>;
}

/** mulberry32: tiny, fast, and good enough for test data (not for anything secret). */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <T extends string>(weights: Readonly<Record<T, number>>): T => {
    const entries = Object.entries(weights) as [T, number][];
    let u = next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of entries) {
      u -= w;
      if (u < 0) return value;
    }
    return entries[entries.length - 1]![0];
  };
  return { next, int, pick, weighted, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof createRandom>;

/**
 * Samples indexes 0..n-1 with probability ∝ 1/rank^s, ranks shuffled so hubs are spread over
 * the index range rather than always being item 0, 1, 2.
 */
export function zipfSampler(n: number, exponent: number, random: Random): () => number {
  const ranks = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (ranks[i]! + 1) ** exponent;
    cumulative[i] = total;
  }
  return () => {
    const u = random.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Share of each kind among the entities; deals take the remainder. */
const SHARES: Record<Exclude<EntityLabel, 'Deal'>, number> = {
  Company: 0.2,
  Person: 0.12,
  Project: 0.03,
  Datacenter: 0.15,
};

const COMPANY_KIND_WEIGHTS: Record<(typeof COMPANY_KINDS)[number], number> = {
  AI_LAB: 15,
  CLOUD_PROVIDER: 20,
  INVESTOR: 25,
  CHIPMAKER: 8,
  ENERGY: 12,
  MEDIA: 5,
  OTHER: 15,
};
const COMPANY_SUFFIX: Record<(typeof COMPANY_KINDS)[number], readonly string[]> = {
  AI_LAB: ['AI', 'Labs', 'Intelligence', 'Research'],
  CLOUD_PROVIDER: ['Cloud', 'Compute', 'Hosting', 'Systems'],
  INVESTOR: ['Capital', 'Ventures', 'Partners', 'Holdings'],
  CHIPMAKER: ['Semiconductor', 'Silicon', 'Micro', 'Devices'],
  ENERGY: ['Energy', 'Power', 'Grid', 'Renewables'],
  MEDIA: ['Media', 'News', 'Press'],
  OTHER: ['Group', 'Industries', 'Works'],
};
const NAME_PARTS = [
  'Nova',
  'Helix',
  'Quanta',
  'Vertex',
  'Atlas',
  'Cirrus',
  'Lumen',
  'Orbit',
  'Strata',
  'Tensor',
  'Aurora',
  'Cobalt',
  'Zenith',
  'Photon',
  'Granite',
  'Meridian',
  'North',
  'Silica',
  'Vector',
  'Kepler',
];
const COUNTRY_WEIGHTS = {
  US: 45,
  CN: 10,
  JP: 6,
  GB: 6,
  FR: 5,
  DE: 5,
  KR: 4,
  TW: 3,
  IN: 4,
  AE: 3,
  SA: 2,
  CA: 3,
  NL: 2,
  IE: 1,
  SG: 1,
} as const;
const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Mira',
  'Omar',
  'Priya',
  'Kenji',
  'Sofia',
  'Lena',
  'Tariq',
  'Chen',
  'Marta',
  'Jonas',
  'Aisha',
  'Diego',
  'Yuki',
  'Noor',
  'Ravi',
  'Elena',
];
const LAST_NAMES = [
  'Okafor',
  'Lindqvist',
  'Tanaka',
  'Moreau',
  'Haddad',
  'Kowalski',
  'Nguyen',
  'Fischer',
  'Iyer',
  'Costa',
  'Park',
  'Rossi',
  'Silva',
  'Mbeki',
  'Novak',
  'Larsen',
  'Singh',
  'Dubois',
  'Weber',
  'Cohen',
];
const LEADER_TITLES = ['Chief Executive Officer', 'Chair', 'Co-founder', 'President', 'Chief Technology Officer'];
const PROJECT_WORDS = [
  'Horizon',
  'Beacon',
  'Summit',
  'Frontier',
  'Keystone',
  'Lighthouse',
  'Pinnacle',
  'Catalyst',
  'Harbor',
  'Skyline',
];
const LOCATIONS = [
  'Abilene, Texas',
  'Council Bluffs, Iowa',
  'Loudoun County, Virginia',
  'Phoenix, Arizona',
  'Columbus, Ohio',
  'Dublin, Ireland',
  'Frankfurt, Germany',
  'Paris, France',
  'Singapore',
  'Tokyo, Japan',
  'Abu Dhabi, UAE',
  'Quebec, Canada',
  'Stavanger, Norway',
  'Johor, Malaysia',
  'Mumbai, India',
];
const PUBLISHERS = [
  'The Daily Ledger',
  'Compute Weekly',
  'Grid & Chips',
  'Le Journal Tech',
  'Asia Infra Review',
  'Datacenter Dispatch',
];
const LANGUAGES = { en: 70, fr: 10, de: 6, ja: 7, zh: 7 } as const;

/** Roles the two sides of each deal kind take on PARTY_TO (see BUYER_ROLES / SELLER_ROLES). */
const DEAL_ROLES: Record<(typeof DEAL_KINDS)[number], readonly [string, string]> = {
  COMPUTE_LEASE: ['lessee', 'lessor'],
  CLOUD_CONTRACT: ['customer', 'provider'],
  INVESTMENT: ['investor', 'recipient'],
  PARTNERSHIP: ['partner', 'partner'],
  OTHER: ['buyer', 'seller'],
};
type DealKind = (typeof DEAL_KINDS)[number];
const DEAL_KIND_WEIGHTS = { COMPUTE_LEASE: 30, CLOUD_CONTRACT: 25, INVESTMENT: 25, PARTNERSHIP: 12, OTHER: 8 } as const;

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2012, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayBetween = (random: Random, fromMs: number, toMs: number) =>
  fromMs + random.int(0, Math.floor((toMs - fromMs) / DAY_MS)) * DAY_MS;

/** Log-uniform amount rounded to two significant digits, like reported figures. */
function money(random: Random, min: number, max: number): number {
  const value = Math.exp(Math.log(min) + random.next() * (Math.log(max) - Math.log(min)));
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / magnitude) * magnitude;
}

/** Entity counts per kind for `n` entities; every kind present, deals take the remainder. */
export function kindCounts(n: number): Record<EntityLabel, number> {
  const company = Math.max(2, Math.floor(n * SHARES.Company));
  const person = Math.max(1, Math.floor(n * SHARES.Person));
  const project = Math.max(1, Math.floor(n * SHARES.Project));
  const datacenter = Math.max(1, Math.floor(n * SHARES.Datacenter));
  return {
    Company: company,
    Person: person,
    Project: project,
    Datacenter: datacenter,
    Deal: n - company - person - project - datacenter,
  };
}

/** What the steps of one generateGraph call share: the PRNG, the counts, and what is made so far. */
interface Generation {
  random: Random;
  counts: Record<EntityLabel, number>;
  prefix: string;
  /** `${prefix}-${kind}-${i}`: every generated id and slug. */
  key: (kind: string, i: number) => string;
  entities: EntityRecord[];
  relationships: RelationshipRecord[];
  /** Adds a relationship unless it loops or was made already; true when added. */
  relate: (type: RelationshipType, from: string, to: string, properties?: Record<string, PropertyValue>) => boolean;
}

/** Company popularity and project popularity (drawn after the people, as the PRNG order requires). */
interface Hubs {
  company: () => number;
  project: () => number;
}

function startGeneration(random: Random, counts: Record<EntityLabel, number>, prefix: string): Generation {
  const relationships: RelationshipRecord[] = [];
  const seen = new Set<string>();
  return {
    random,
    counts,
    prefix,
    key: (kind, i) => `${prefix}-${kind}-${i}`,
    entities: [],
    relationships,
    relate: (type, from, to, properties) => {
      const id = `${from} ${type} ${to}`;
      if (from === to || seen.has(id)) return false;
      seen.add(id);
      relationships.push(properties ? { type, from, to, properties } : { type, from, to });
      return true;
    },
  };
}

function addCompanies(g: Generation): void {
  const { random, key } = g;
  for (let i = 0; i < g.counts.Company; i++) {
    const kind = random.weighted(COMPANY_KIND_WEIGHTS);
    const country = random.weighted(COUNTRY_WEIGHTS);
    g.entities.push({
      id: key('company', i),
      slug: key('company', i),
      label: 'Company',
      name: `${random.pick(NAME_PARTS)}${random.pick(NAME_PARTS).toLowerCase()} ${random.pick(COMPANY_SUFFIX[kind])}`,
      description: `Synthetic ${kind.toLowerCase().replace('_', ' ')} company (${country}).`,
      aliases: [],
      kind,
      country,
    });
  }
}

function addPeople(g: Generation, companyHub: () => number): void {
  const { random, key, counts } = g;
  for (let i = 0; i < counts.Person; i++) {
    const slug = key('person', i);
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    g.entities.push({
      id: slug,
      slug,
      label: 'Person',
      name: `${first} ${last}`,
      description: 'Synthetic executive.',
      aliases: [last],
    });
    // Most people lead one company; a hub company has several leaders (chair, CEO, founders).
    if (random.chance(0.85)) {
      const company = random.chance(0.5) ? companyHub() : random.int(0, counts.Company - 1);
      g.relate('LEADS', slug, key('company', company), {
        title: random.pick(LEADER_TITLES),
        since: iso(dayBetween(random, Date.UTC(2000, 0, 1), Date.UTC(2025, 11, 31))),
      });
    }
  }
}

const PROJECT_STATUS_WEIGHTS = {
  ANNOUNCED: 30,
  IN_PROGRESS: 35,
  STALLED: 10,
  OPERATIONAL: 20,
  CANCELLED: 5,
} satisfies Record<(typeof PROJECT_STATUSES)[number], number>;

function addProjects(g: Generation, hubs: Hubs): void {
  const { random, key, counts } = g;
  const companySlug = () => key('company', hubs.company());
  for (let i = 0; i < counts.Project; i++) {
    const slug = key('project', i);
    const announced = dayBetween(random, EPOCH, Date.UTC(2026, 5, 30));
    const pledged = money(random, 1e8, 5e11);
    g.entities.push({
      id: slug,
      slug,
      label: 'Project',
      name: `Project ${random.pick(PROJECT_WORDS)} ${i}`,
      description: 'Synthetic AI infrastructure programme.',
      aliases: [],
      status: random.weighted(PROJECT_STATUS_WEIGHTS),
      announcedOn: iso(announced),
      pledgedUsd: pledged,
      targetPowerMw: random.int(1, 100) * 50,
    });
    const lead = companySlug();
    g.relate('PARTICIPATES_IN', lead, slug, { role: 'lead' });
    g.relate('ANNOUNCED', lead, slug, { on: iso(announced) });
    if (random.chance(0.4))
      g.relate('ANNOUNCED', key('person', random.int(0, counts.Person - 1)), slug, { on: iso(announced) });
    for (let k = random.int(0, 4); k > 0; k--) {
      const role = random.pick(['financier', 'financier', 'technology', 'operator'] as const);
      const props: Record<string, PropertyValue> = { role };
      if (role === 'financier' && random.chance(0.7)) props.committedUsd = money(random, pledged / 50, pledged / 2);
      g.relate('PARTICIPATES_IN', companySlug(), slug, props);
    }
  }
}

const DATACENTER_STATUS_WEIGHTS = {
  PLANNED: 35,
  UNDER_CONSTRUCTION: 30,
  OPERATIONAL: 35,
} satisfies Record<(typeof DATACENTER_STATUSES)[number], number>;

function addDatacenters(g: Generation, hubs: Hubs): void {
  const { random, key } = g;
  for (let i = 0; i < g.counts.Datacenter; i++) {
    const slug = key('datacenter', i);
    g.entities.push({
      id: slug,
      slug,
      label: 'Datacenter',
      name: `${random.pick(NAME_PARTS)} DC ${i}`,
      description: 'Synthetic datacenter campus.',
      aliases: [],
      status: random.weighted(DATACENTER_STATUS_WEIGHTS),
      location: random.pick(LOCATIONS),
      powerMw: random.int(2, 300) * 5,
      targetDate: iso(dayBetween(random, Date.UTC(2018, 0, 1), Date.UTC(2030, 11, 31))),
    });
    g.relate('OPERATES', key('company', hubs.company()), slug);
    if (random.chance(0.4)) g.relate('PART_OF', slug, key('project', hubs.project()));
  }
}

/** Deal `i`'s own record: a tenth of deals are undisclosed, as in real reporting. */
function dealRecord(g: Generation, i: number): { deal: EntityRecord; kind: DealKind; announced: number } {
  const { random } = g;
  const slug = g.key('deal', i);
  const kind = random.weighted(DEAL_KIND_WEIGHTS satisfies Record<DealKind, number>);
  const announced = dayBetween(random, EPOCH, Date.UTC(2026, 5, 30));
  const starts = announced + random.int(0, 180) * DAY_MS;
  const deal: EntityRecord = {
    id: slug,
    slug,
    label: 'Deal',
    name: `${kind.toLowerCase().replace('_', ' ')} ${i}`,
    description: 'Synthetic deal.',
    aliases: [],
    kind,
    announcedOn: iso(announced),
    startsOn: iso(starts),
  };
  if (random.chance(0.9))
    deal.valueUsd = money(random, kind === 'INVESTMENT' ? 1e6 : 1e7, kind === 'PARTNERSHIP' ? 1e10 : 1e11);
  if (kind === 'COMPUTE_LEASE' || kind === 'CLOUD_CONTRACT')
    deal.endsOn = iso(starts + random.int(1, 10) * 365 * DAY_MS);
  return { deal, kind, announced };
}

/** A deal's parties and links: both sides drawn by popularity, so hubs (big labs, clouds) sign most. */
function relateDeal(g: Generation, hubs: Hubs, made: ReturnType<typeof dealRecord>): void {
  const { random, key } = g;
  const { deal, kind, announced } = made;
  const [buyerRole, sellerRole] = DEAL_ROLES[kind];
  const buyer = hubs.company();
  let seller = hubs.company();
  for (let tries = 0; seller === buyer && tries < 10; tries++) seller = hubs.company();
  if (seller === buyer) seller = (buyer + 1) % g.counts.Company;
  g.relate('PARTY_TO', key('company', buyer), deal.slug, { role: buyerRole });
  g.relate('PARTY_TO', key('company', seller), deal.slug, { role: sellerRole });
  // Investment rounds often have co-investors.
  if (kind === 'INVESTMENT')
    for (let k = random.int(0, 2); k > 0; k--)
      g.relate('PARTY_TO', key('company', hubs.company()), deal.slug, { role: 'investor' });
  if (random.chance(0.25)) g.relate('PART_OF', deal.slug, key('project', hubs.project()));
  if ((kind === 'COMPUTE_LEASE' || kind === 'CLOUD_CONTRACT') && random.chance(0.5)) {
    g.relate('COVERS', deal.slug, key('datacenter', random.int(0, g.counts.Datacenter - 1)));
  }
  if (kind === 'INVESTMENT' && random.chance(0.3)) {
    const on = iso(announced);
    const props: Record<string, PropertyValue> = deal.valueUsd != null ? { amountUsd: deal.valueUsd, on } : { on };
    g.relate('INVESTS_IN', key('company', buyer), key('company', seller), props);
  }
}

function addDeals(g: Generation, hubs: Hubs): void {
  for (let i = 0; i < g.counts.Deal; i++) {
    const made = dealRecord(g, i);
    g.entities.push(made.deal);
    relateDeal(g, hubs, made);
  }
}

/** `count` reports, later ones citing earlier ones, each mentioning two to eight entities. */
function makeSources(g: Generation, hubs: Hubs, count: number): Pick<GraphData, 'sources' | 'mentions'> {
  const { random, key, entities } = g;
  const sources: SourceRecord[] = [];
  const mentions: MentionsRecord[] = [];
  for (let i = 0; i < count; i++) {
    const id = key('source', i);
    const source: SourceRecord = {
      id,
      title: `Report ${i} on AI infrastructure`,
      publisher: random.pick(PUBLISHERS),
      url: `https://news.example.com/${g.prefix}/${i}`,
      publishedOn: iso(dayBetween(random, EPOCH, Date.UTC(2026, 5, 30))),
      language: random.weighted(LANGUAGES),
    };
    if (i > 0 && random.chance(0.3))
      source.cites = [...new Set([key('source', random.int(0, i - 1)), key('source', random.int(0, i - 1))])];
    sources.push(source);
    const mentioned = new Set<string>();
    for (let k = random.int(2, 8); k > 0; k--) {
      mentioned.add(
        random.chance(0.5) ? key('company', hubs.company()) : entities[random.int(0, entities.length - 1)]!.slug,
      );
    }
    mentions.push({ source: id, entities: [...mentioned] });
  }
  return { sources, mentions };
}

/**
 * A graph of `entities` entities. Every step draws from one PRNG in a fixed order (companies,
 * company popularity, people, project popularity, projects, datacenters, deals, sources), so the
 * same options give the same graph: reorder nothing. The history, when asked for, draws from its own
 * PRNG afterwards.
 */
export function generateGraph(
  options: GenerateOptions & { history: true | Partial<HistoryRates> },
): GraphDataWithClaims;
export function generateGraph(options: GenerateOptions): GraphData | GraphDataWithClaims;
export function generateGraph(options: GenerateOptions): GraphData | GraphDataWithClaims {
  const { entities: n, seed = 42, prefix = 'gen', zipfExponent = 1.0 } = options;
  if (!Number.isInteger(n) || n < 10) throw new RangeError('entities must be a whole number of at least 10');
  if (!isKebabCase(prefix)) throw new RangeError(`prefix "${prefix}" must be lower-case kebab-case`);
  const random = createRandom(seed);
  const g = startGeneration(random, kindCounts(n), prefix);
  addCompanies(g);
  const company = zipfSampler(g.counts.Company, zipfExponent, random);
  addPeople(g, company);
  const hubs: Hubs = { company, project: zipfSampler(g.counts.Project, 0.8, random) };
  addProjects(g, hubs);
  addDatacenters(g, hubs);
  addDeals(g, hubs);
  const { sources, mentions } = makeSources(g, hubs, options.sources ?? Math.ceil(n / 25));
  const data = { entities: g.entities, relationships: g.relationships, sources, mentions };
  if (!options.history) return data;
  const rates = options.history === true ? {} : options.history;
  return addHistory(data, { seed, prefix, rates });
}
