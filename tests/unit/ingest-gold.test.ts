/**
 * The hand-annotated gold set for document ingestion (tests/fixtures/ingest/, rules in its
 * README.md): the fixtures' integrity, so the set cannot rot silently while the extractor is
 * written against it. Every range slices to its text, every entity is a seed slug or a new entity
 * mentioned in the same document, values have the graph's units and kinds, dates resolve to
 * ordered ISO days; the set keeps its size, its language mix and its four held-out documents, and
 * the seed paraphrase keeps its figures without reusing the seed report's wording.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../fixtures/ingest/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

interface Range {
  start: number;
  end: number;
  text: string;
}
interface NewEntity {
  name: string;
  kind: string;
}
interface Mention extends Range {
  entity: string | null;
  newEntity?: NewEntity;
}
interface Amount extends Range {
  kind: string;
  usd?: number | null;
  mw?: number;
  currency?: string;
  approximate: boolean;
}
interface DateSpan extends Range {
  from: string | null;
  to: string | null;
}
type Ref = string | { new: string };
interface Claim {
  subject?: Ref;
  field?: string;
  value?: unknown;
  relationship?: string;
  from?: Ref;
  to?: Ref;
  properties?: Record<string, unknown>;
  approximate?: boolean;
  validFrom?: string;
  validTo?: string;
  quote: Range;
}
interface Gold {
  document: { title: string; url: string; publisher: string; publishedOn: string; language: string };
  heldOut: boolean;
  mentions: Mention[];
  amounts: Amount[];
  dates: DateSpan[];
  claims: Claim[];
}
interface Doc {
  name: string;
  text: string;
  gold: Gold;
}

const seed = JSON.parse(readFileSync(new URL('../../cypher/seed/stargate.json', import.meta.url), 'utf8')) as {
  entities: { slug: string; label: string; name: string; aliases: string[] }[];
  claims: { citations?: { quote?: string | null }[] }[];
};
const seedKind = new Map(seed.entities.map((e) => [e.slug, e.label]));
/** Case- and accent-folded, as the extractor matches names. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const seedNames = new Map(seed.entities.map((e) => [e.slug, new Set([e.name, ...e.aliases].map(fold))]));
const allSeedNames = new Set([...seedNames.values()].flatMap((names) => [...names]));

const files = readdirSync(dir).sort();
const names = files.filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -'.txt'.length));
const docs: Doc[] = names.map((name) => ({
  name,
  text: read(`${name}.txt`),
  gold: JSON.parse(read(`${name}.json`)) as Gold,
}));

/** The French paraphrase of the July 2025 report the seed cites. */
const PARAPHRASE = '01-stargate-bilan-fr';
const KINDS = ['Person', 'Company', 'Project', 'Datacenter', 'Deal'];
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s: unknown): s is string =>
  typeof s === 'string' && ISO.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** A date field's value: one day, or a period {from, to} with at least one end. */
const datelike = (v: unknown) => {
  if (isDay(v)) return true;
  if (typeof v !== 'object' || v === null) return false;
  const { from, to } = v as { from: unknown; to: unknown };
  return (
    (from === null || isDay(from)) &&
    (to === null || isDay(to)) &&
    (from !== null || to !== null) &&
    !(from && to && from > to)
  );
};
const enumOf =
  (...values: string[]) =>
  (v: unknown) =>
    typeof v === 'string' && values.includes(v);
const FIELDS: Record<string, Record<string, (v: unknown) => boolean>> = {
  Company: {
    kind: enumOf('AI_LAB', 'CLOUD_PROVIDER', 'INVESTOR', 'CHIPMAKER', 'ENERGY', 'MEDIA', 'OTHER'),
    country: (v) => typeof v === 'string' && /^[A-Z]{2}$/.test(v),
  },
  Project: {
    status: enumOf('ANNOUNCED', 'IN_PROGRESS', 'STALLED', 'OPERATIONAL', 'CANCELLED'),
    announcedOn: datelike,
    pledgedUsd: positive,
    firstYearUsd: positive,
    targetPowerMw: positive,
  },
  Datacenter: {
    status: enumOf('PLANNED', 'UNDER_CONSTRUCTION', 'OPERATIONAL'),
    location: (v) => typeof v === 'string' && v.trim() !== '',
    powerMw: positive,
    targetDate: datelike,
  },
  Deal: {
    kind: enumOf('COMPUTE_LEASE', 'CLOUD_CONTRACT', 'INVESTMENT', 'PARTNERSHIP', 'OTHER'),
    valueUsd: positive,
    announcedOn: datelike,
    startsOn: datelike,
    endsOn: datelike,
    excludes: (v) => Array.isArray(v) && v.length > 0 && v.every((s) => seedKind.get(s) === 'Company'),
  },
  Person: {},
};
const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
const RELATIONSHIPS: Record<
  string,
  { from: string[]; to: string[]; properties: Record<string, (v: unknown) => boolean> }
> = {
  LEADS: { from: ['Person'], to: ['Company'], properties: { title: text, since: datelike } },
  ANNOUNCED: { from: ['Person', 'Company'], to: ['Project'], properties: { on: datelike } },
  PARTICIPATES_IN: {
    from: ['Company'],
    to: ['Project'],
    properties: { role: enumOf('lead', 'financier', 'technology', 'operator'), committedUsd: positive },
  },
  PARTY_TO: {
    from: ['Company'],
    to: ['Deal'],
    properties: { role: enumOf('buyer', 'seller', 'investor', 'recipient') },
  },
  PART_OF: { from: ['Datacenter', 'Deal'], to: ['Project'], properties: {} },
  COVERS: { from: ['Deal'], to: ['Datacenter'], properties: {} },
  OPERATES: { from: ['Company'], to: ['Datacenter'], properties: {} },
  INVESTS_IN: { from: ['Company'], to: ['Company'], properties: { amountUsd: positive, on: datelike } },
};

/** Case-folded words without punctuation; apostrophes split words (d’ici → d ici). */
const words = (s: string) =>
  s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** The seed's citation quotes, as words: the only wording of the seed report in the repository. */
const seedQuotes = seed.claims.flatMap((c) => (c.citations ?? []).flatMap((q) => (q.quote ? [words(q.quote)] : [])));
const RUN = 8;
const seedRuns = new Set(
  seedQuotes.flatMap((q) =>
    Array.from({ length: Math.max(0, q.length - RUN + 1) }, (_, i) => q.slice(i, i + RUN).join(' ')),
  ),
);
/**
 * What a text reuses of the seed's quotes: runs of eight words, and whole quotes of five to seven
 * words (shorter ones are names and stock phrases).
 */
const reused = (text: string) => {
  const w = words(text);
  const joined = ` ${w.join(' ')} `;
  const runs = Array.from({ length: Math.max(0, w.length - RUN + 1) }, (_, i) => w.slice(i, i + RUN).join(' '));
  const quotes = seedQuotes.filter((q) => q.length >= 5 && q.length < RUN).map((q) => q.join(' '));
  return [...runs.filter((r) => seedRuns.has(r)), ...quotes.filter((q) => joined.includes(` ${q} `))];
};

const expectRange = (doc: Doc, r: Range, what: string) => {
  expect(Number.isInteger(r.start) && Number.isInteger(r.end), `${doc.name}: ${what} integer range`).toBe(true);
  const inside = r.start >= 0 && r.start < r.end && r.end <= doc.text.length;
  expect(inside, `${doc.name}: ${what} inside the text`).toBe(true);
  expect(doc.text.slice(r.start, r.end), `${doc.name}: ${what} at ${r.start}`).toBe(r.text);
};

describe('ingest gold set', () => {
  it('pairs every .txt with a .json and holds nothing else but the README', () => {
    const json = files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    expect(json).toEqual(names);
    expect(files.filter((f) => !f.endsWith('.txt') && !f.endsWith('.json'))).toEqual(['README.md']);
    for (const name of names) expect(name).toMatch(/^\d{2}-[a-z0-9-]+$/);
  });

  describe.each(names)('%s', (name) => {
    const doc = docs.find((d) => d.name === name)!;
    const { gold, text: body } = doc;
    const newNames = new Set(gold.mentions.flatMap((m) => (m.newEntity ? [m.newEntity.name] : [])));
    const newKind = new Map(gold.mentions.flatMap((m) => (m.newEntity ? [[m.newEntity.name, m.newEntity.kind]] : [])));
    const kindOf = (ref: Ref | undefined) =>
      typeof ref === 'string' ? seedKind.get(ref) : ref && newKind.get(ref.new);

    it('is NFC text with LF lines, blank-line paragraphs and one final newline, 120 to 350 words', () => {
      expect(body.normalize('NFC')).toBe(body);
      expect(body).not.toMatch(/\r|\n{3,}|[ \t]+\n|^\s/);
      expect(body.endsWith('\n') && !body.endsWith('\n\n')).toBe(true);
      const count = body.split(/\s+/).filter(Boolean).length;
      expect(count).toBeGreaterThanOrEqual(120);
      expect(count).toBeLessThanOrEqual(350);
    });

    it('describes its document', () => {
      const d = gold.document;
      expect(d.title.trim()).not.toBe('');
      expect(d.publisher.trim()).not.toBe('');
      expect(d.url).toMatch(/^https:\/\/example\.org\//);
      expect(isDay(d.publishedOn)).toBe(true);
      expect(['fr', 'en']).toContain(d.language);
      expect(typeof gold.heldOut).toBe('boolean');
    });

    it('mentions seed slugs or new entities, on whole names, in order and without overlap', () => {
      expect(gold.mentions.length).toBeGreaterThan(0);
      let previousEnd = 0;
      for (const m of gold.mentions) {
        expectRange(doc, m, `mention ${m.text}`);
        expect(m.start, `${name}: ${m.text} after the previous mention`).toBeGreaterThanOrEqual(previousEnd);
        previousEnd = m.end;
        const whole = !isWordChar(body[m.start - 1]) && !isWordChar(body[m.end]);
        expect(whole, `${name}: ${m.text} is a whole name`).toBe(true);
        expect(m.text).not.toMatch(/^(d|l|qu)[’']|[’']s$/i);
        if (m.entity === null) {
          expect(m.newEntity, `${name}: ${m.text} has a newEntity`).toBeDefined();
          expect(m.newEntity!.name.trim()).not.toBe('');
          expect(KINDS).toContain(m.newEntity!.kind);
          expect(allSeedNames.has(fold(m.newEntity!.name)), `${name}: ${m.text} is not a seed name`).toBe(false);
        } else {
          expect(seedKind.has(m.entity), `${name}: ${m.entity} is a seed slug`).toBe(true);
          expect(seedNames.get(m.entity)!.has(fold(m.text)), `${name}: ${m.text} is a name of ${m.entity}`).toBe(true);
          expect(m.newEntity).toBeUndefined();
        }
      }
      // One new entity, one kind.
      for (const m of gold.mentions) if (m.newEntity) expect(newKind.get(m.newEntity.name)).toBe(m.newEntity.kind);
    });

    it('gives amounts in positive USD or megawatts, other currencies named', () => {
      for (const a of gold.amounts) {
        expectRange(doc, a, `amount ${a.text}`);
        expect(a.text).toMatch(/\d/);
        expect(typeof a.approximate).toBe('boolean');
        if (a.kind === 'MONEY') {
          if (a.usd === null) expect(a.currency).toMatch(/^(?!USD)[A-Z]{3}$/);
          else expect(positive(a.usd), `${name}: ${a.text} usd`).toBe(true);
          expect(a.mw).toBeUndefined();
        } else {
          expect(a.kind).toBe('POWER');
          expect(positive(a.mw), `${name}: ${a.text} mw`).toBe(true);
          expect(a.usd).toBeUndefined();
        }
      }
    });

    it('resolves dates to ISO days with from <= to', () => {
      for (const d of gold.dates) {
        expectRange(doc, d, `date ${d.text}`);
        expect(d.from === null || isDay(d.from), `${name}: ${d.text} from`).toBe(true);
        expect(d.to === null || isDay(d.to), `${name}: ${d.text} to`).toBe(true);
        expect(d.from !== null || d.to !== null, `${name}: ${d.text} has an end`).toBe(true);
        if (d.from && d.to) expect(d.from <= d.to, `${name}: ${d.text} ordered`).toBe(true);
      }
    });

    it('states claims on known or mentioned entities, in the graph model, with short quotes', () => {
      const ref = (r: Ref | undefined, what: string) => {
        if (typeof r === 'string') expect(seedKind.has(r), `${name}: ${what} ${r} is a seed slug`).toBe(true);
        else expect(r && newNames.has(r.new), `${name}: ${what} ${JSON.stringify(r)} is a new entity here`).toBe(true);
      };
      for (const c of gold.claims) {
        expectRange(doc, c.quote, `quote of ${JSON.stringify(c).slice(0, 80)}`);
        expect(words(c.quote.text).length, `${name}: quote "${c.quote.text}"`).toBeLessThanOrEqual(15);
        if (c.approximate !== undefined) expect(typeof c.approximate).toBe('boolean');
        for (const v of [c.validFrom, c.validTo]) if (v !== undefined) expect(isDay(v)).toBe(true);
        if (c.validFrom && c.validTo) expect(c.validFrom <= c.validTo).toBe(true);
        if (c.relationship === undefined) {
          ref(c.subject, 'subject');
          const fields = FIELDS[kindOf(c.subject)!]!;
          const check = fields[c.field!];
          expect(check, `${name}: ${c.field} is a field of ${kindOf(c.subject)}`).toBeDefined();
          expect(check!(c.value), `${name}: ${c.field} = ${JSON.stringify(c.value)}`).toBe(true);
        } else {
          const rule = RELATIONSHIPS[c.relationship];
          expect(rule, `${name}: ${c.relationship} is a relationship`).toBeDefined();
          ref(c.from, 'from');
          ref(c.to, 'to');
          expect(rule!.from, `${name}: ${c.relationship} from`).toContain(kindOf(c.from));
          expect(rule!.to, `${name}: ${c.relationship} to`).toContain(kindOf(c.to));
          for (const [key, value] of Object.entries(c.properties ?? {})) {
            expect(rule!.properties[key], `${name}: ${c.relationship}.${key}`).toBeDefined();
            const valid = rule!.properties[key]!(value);
            expect(valid, `${name}: ${c.relationship}.${key} = ${JSON.stringify(value)}`).toBe(true);
          }
        }
      }
    });
  });

  it('has at least ten documents, at least four of them French', () => {
    expect(docs.length).toBeGreaterThanOrEqual(10);
    expect(docs.filter((d) => d.gold.document.language === 'fr').length).toBeGreaterThanOrEqual(4);
  });

  it('holds out exactly four documents, at least two of them French, named in the README', () => {
    const held = docs.filter((d) => d.gold.heldOut);
    expect(held).toHaveLength(4);
    expect(held.filter((d) => d.gold.document.language === 'fr').length).toBeGreaterThanOrEqual(2);
    const readme = read('README.md');
    for (const d of held) expect(readme).toContain(d.name);
  });

  describe('the seed paraphrase', () => {
    const doc = docs.find((d) => d.name === PARAPHRASE);

    it('is a French tuning document of July 2025', () => {
      expect(doc).toBeDefined();
      expect(doc!.gold.document.language).toBe('fr');
      expect(doc!.gold.document.publishedOn).toMatch(/^2025-07-/);
      expect(doc!.gold.heldOut).toBe(false);
    });

    it("carries the report's figures", () => {
      const money = doc!.gold.amounts.filter((a) => a.kind === 'MONEY');
      for (const usd of [500e9, 100e9, 30e9]) {
        expect(
          money.some((a) => a.usd === usd && !a.approximate),
          `${usd} USD`,
        ).toBe(true);
      }
      expect(
        money.some((a) => a.usd === 28e9 && a.approximate),
        'a little over 28e9 USD',
      ).toBe(true);
      expect(doc!.gold.amounts.some((a) => a.kind === 'POWER' && a.mw === 10_000)).toBe(true);
    });

    it("records the report's facts as claims", () => {
      const field = (subject: string, name: string, value: unknown) =>
        expect.objectContaining({ subject, field: name, value });
      const link = (relationship: string, from: string, to: string) =>
        expect.objectContaining({ relationship, from, to });
      expect(doc!.gold.claims).toEqual(
        expect.arrayContaining([
          field('stargate', 'announcedOn', '2025-01-21'),
          field('stargate', 'pledgedUsd', 500e9),
          field('stargate', 'firstYearUsd', 100e9),
          field('stargate', 'targetPowerMw', 10_000),
          field('stargate-first-datacenter', 'targetDate', '2025-12-31'),
          field('openai-oracle-datacenter-deal', 'valueUsd', 30e9),
          field('openai-microsoft-server-rental', 'valueUsd', 28e9),
          field('openai-microsoft-server-rental', 'endsOn', '2028-12-31'),
          field('openai-oracle-datacenter-deal', 'excludes', ['softbank']),
          field('openai-coreweave-datacenter-deal', 'excludes', ['softbank']),
          link('ANNOUNCED', 'donald-trump', 'stargate'),
          link('ANNOUNCED', 'sam-altman', 'stargate'),
          link('PARTICIPATES_IN', 'softbank', 'stargate'),
        ]),
      );
    });

    it("reuses no wording of the seed's citation quotes", () => {
      // The check itself finds a copied quote.
      const longest = seedQuotes.reduce((a, b) => (b.length > a.length ? b : a), []);
      expect(longest.length).toBeGreaterThanOrEqual(RUN);
      expect(reused(`Selon le rapport, ${longest.join(' ')}.`)).not.toEqual([]);
      expect(reused(doc!.text)).toEqual([]);
    });
  });
});
