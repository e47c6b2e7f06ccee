/**
 * The ingestDocument extractor (src/ingest/) against the hand-annotated gold set
 * (tests/fixtures/ingest/): precision and recall per category on the held-out documents (the
 * issue's bar for mentions and amounts) and on the tuning documents (floors a little under what
 * the rules reach, so a regression fails), the seed paraphrase's figures as claims with their
 * quotes, the phrasings the annotation rules name, and the scoring itself. Held-out documents are
 * only ever scored in aggregate: no message here lists what a rule missed in them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Category, evaluate, type Score, summarize } from '../../src/ingest/evaluate.js';
import { type CandidateClaimDraft, type ExtractInput, extract, type GazetteerEntry } from '../../src/ingest/extract.js';
import { loadGoldSet } from '../../src/ingest/gold-set.js';

const seed = JSON.parse(readFileSync(new URL('../../cypher/seed/stargate.json', import.meta.url), 'utf8')) as {
  entities: { slug: string; label: GazetteerEntry['label']; name: string; aliases?: string[] }[];
};
const gazetteer: GazetteerEntry[] = seed.entities.map((e) => ({
  slug: e.slug,
  label: e.label,
  names: [e.name, ...(e.aliases ?? [])],
}));

const docs = loadGoldSet().map((doc) => {
  const extraction = extract({ text: doc.text, language: doc.language, publishedOn: doc.publishedOn, gazetteer });
  return { doc, extraction, evaluation: evaluate(doc.gold, extraction) };
});
const heldOut = summarize(docs.filter((d) => d.doc.heldOut).map((d) => d.evaluation));
const tuning = summarize(docs.filter((d) => !d.doc.heldOut).map((d) => d.evaluation));
const rounded = (s: Score) => `precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`;

const run = (text: string, language: ExtractInput['language'] = 'en', publishedOn = '2025-07-02') =>
  extract({ text, language, publishedOn, gazetteer });

describe('the extractor on the held-out documents', () => {
  it('holds out four documents', () => {
    expect(docs.filter((d) => d.doc.heldOut)).toHaveLength(4);
  });

  it.each<Category>(['mentions', 'amounts'])('finds %s with precision >= 0.95 and recall >= 0.9', (category) => {
    const score = heldOut[category];
    expect(score.precision, rounded(score)).toBeGreaterThanOrEqual(0.95);
    expect(score.recall, rounded(score)).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps its date and claim scores', () => {
    expect(heldOut.dates.precision, rounded(heldOut.dates)).toBeGreaterThanOrEqual(0.9);
    expect(heldOut.dates.recall, rounded(heldOut.dates)).toBeGreaterThanOrEqual(0.9);
    expect(heldOut.claims.precision, rounded(heldOut.claims)).toBeGreaterThanOrEqual(0.55);
    expect(heldOut.claims.recall, rounded(heldOut.claims)).toBeGreaterThanOrEqual(0.33);
  });
});

describe('the extractor on the tuning documents', () => {
  const floors: Record<Category, [number, number]> = {
    mentions: [0.97, 0.97],
    amounts: [0.97, 0.97],
    dates: [0.97, 0.97],
    claims: [0.95, 0.95],
  };
  it.each(Object.entries(floors))('keeps %s above its floors', (category, [precision, recall]) => {
    const score = tuning[category as Category];
    expect(score.precision, rounded(score)).toBeGreaterThanOrEqual(precision);
    expect(score.recall, rounded(score)).toBeGreaterThanOrEqual(recall);
  });
});

describe('every extraction', () => {
  it.each(docs.map((d) => [d.doc.name, d] as const))('%s: ranges slice the text, claims quote it', (_, d) => {
    const { text } = d.doc;
    const all = [...d.extraction.mentions, ...d.extraction.amounts, ...d.extraction.dates];
    for (const x of all) expect(text.slice(x.start, x.end)).toBe(x.text);
    const newNames = new Set(d.extraction.mentions.flatMap((m) => (m.newEntity ? [m.newEntity.name] : [])));
    const known = new Set(gazetteer.map((e) => e.slug));
    const valid = (r: string | { new: string }) => (typeof r === 'string' ? known.has(r) : newNames.has(r.new));
    for (const c of d.extraction.claims) {
      expect(text.slice(c.quote.start, c.quote.end)).toBe(c.quote.text);
      expect(c.quote.text.split(/\s+/).length).toBeLessThanOrEqual(15);
      expect(c.rule).not.toBe('');
      expect(c.confidence).toBeGreaterThan(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
      if ('relationship' in c) expect(valid(c.from) && valid(c.to)).toBe(true);
      else expect(valid(c.subject)).toBe(true);
    }
  });
});

describe('the seed paraphrase (01)', () => {
  const paraphrase = docs.find((d) => d.doc.name === '01-stargate-bilan-fr')!;
  const field = (subject: string, name: string) =>
    paraphrase.extraction.claims.filter(
      (c): c is CandidateClaimDraft & { subject: string; field: string; value: unknown } =>
        'field' in c && c.subject === subject && c.field === name,
    );

  it.each([
    ['stargate', 'pledgedUsd', 500e9, '500 milliards de dollars'],
    ['stargate', 'firstYearUsd', 100e9, '100 milliards de dollars'],
    ['openai-oracle-datacenter-deal', 'valueUsd', 30e9, '30 milliards de dollars'],
    ['openai-microsoft-server-rental', 'valueUsd', 28e9, '28 milliards de dollars'],
    ['openai-microsoft-server-rental', 'endsOn', '2028-12-31', '2028'],
    ['stargate', 'targetPowerMw', 10_000, '10 gigawatts'],
  ])('proposes %s.%s = %s, quoting the figure', (subject, name, value, figure) => {
    const claims = field(subject, name);
    expect(claims.map((c) => c.value)).toEqual([value]);
    expect(claims[0]!.quote.text).toContain(figure);
  });

  it('says the rental figure is a little over, not exact', () => {
    expect(field('openai-microsoft-server-rental', 'valueUsd')[0]!.approximate).toBe(true);
  });
});

describe('phrasings the annotation rules name', () => {
  it('finds names without possessives or elisions, with either apostrophe, in any case', () => {
    const { mentions } = run("OpenAI's deal, d’OpenAI, qu'OpenAI, Softbank, SoftBank-backed, President Trump.", 'fr');
    expect(mentions.map((m) => [m.text, m.entity])).toEqual([
      ['OpenAI', 'openai'],
      ['OpenAI', 'openai'],
      ['OpenAI', 'openai'],
      ['Softbank', 'softbank'],
      ['SoftBank', 'softbank'],
      ['President Trump', 'donald-trump'],
    ]);
  });

  it('lets the longest name win: programmes named after a known name are new projects', () => {
    const { mentions } = run('OpenAI for Countries began with Stargate UAE, after the OpenAI-Oracle deal.');
    expect(mentions.map((m) => m.entity ?? m.newEntity)).toEqual([
      { name: 'OpenAI for Countries', kind: 'Project' },
      { name: 'Stargate UAE', kind: 'Project' },
      'openai-oracle-datacenter-deal',
    ]);
  });

  it('reads money with its currency, scale and qualifiers', () => {
    const { amounts } = run('It raised $1.2bn, then US$40 billion, about €3 billion and more than $28 billion.');
    expect(amounts.map((a) => [a.text, a.usd, a.currency, a.approximate])).toEqual([
      ['$1.2bn', 1.2e9, undefined, false],
      ['US$40 billion', 40e9, undefined, false],
      ['€3 billion', null, 'EUR', true],
      ['$28 billion', 28e9, undefined, true],
    ]);
    const french = run('Il verse 500 milliards de dollars, plus de 30 milliards et 28 milliards et quelques.', 'fr');
    expect(french.amounts.map((a) => [a.text, a.usd, a.approximate])).toEqual([
      ['500 milliards de dollars', 500e9, false],
      ['30 milliards', 30e9, true],
      ['28 milliards et quelques', 28e9, true],
    ]);
  });

  it('reads power in megawatts, with a decimal comma in French and a thousands comma in English', () => {
    expect(run('10 gigawatts, 1.2 GW, 300 MW and 1,400 megawatts but not 8 TWh.').amounts.map((a) => a.mw)).toEqual([
      10_000, 1200, 300, 1400,
    ]);
    expect(run('Il vise 1,2 GW.', 'fr').amounts.map((a) => a.mw)).toEqual([1200]);
  });

  it('resolves dates and bounds against the publication day', () => {
    const french = run("Le 21 janvier 2025, puis d'ici à la fin de l'année, jusqu'en 2028 et l'an dernier.", 'fr');
    expect(french.dates.map((d) => [d.text, d.from, d.to])).toEqual([
      ['Le 21 janvier 2025', '2025-01-21', '2025-01-21'],
      ["d'ici à la fin de l'année", null, '2025-12-31'],
      ["jusqu'en 2028", null, '2028-12-31'],
      ["l'an dernier", '2024-01-01', '2024-12-31'],
    ]);
    const english = run('In January 2025, through 2028, next year, on Tuesday, mid-2026, for 15 years.');
    expect(english.dates.map((d) => [d.text, d.from, d.to])).toEqual([
      ['January 2025', '2025-01-01', '2025-01-31'],
      ['through 2028', null, '2028-12-31'],
      ['next year', '2026-01-01', '2026-12-31'],
      ['Tuesday', '2025-07-01', '2025-07-01'],
      ['mid-2026', '2026-05-01', '2026-08-31'],
    ]);
  });
});

describe('scoring', () => {
  const gold = {
    mentions: [
      { start: 0, end: 6, text: 'OpenAI', entity: 'openai' },
      { start: 11, end: 17, text: 'Crusoe', entity: null, newEntity: { name: 'Crusoe', kind: 'Company' as const } },
    ],
    amounts: [],
    dates: [],
    claims: [],
  };

  it('matches mentions on exact range and entity, and counts the rest on either side', () => {
    const found = {
      mentions: [
        { start: 0, end: 6, text: 'OpenAI', entity: 'openai' },
        {
          start: 11,
          end: 17,
          text: 'Crusoe',
          entity: null,
          newEntity: { name: 'Crusoe', kind: 'Datacenter' as const },
        },
      ],
      amounts: [],
      dates: [],
      claims: [],
    };
    const result = evaluate(gold, found);
    expect([result.mentions.truePositives, result.mentions.falsePositives, result.mentions.falseNegatives]).toEqual([
      1, 1, 1,
    ]);
    expect(result.amounts.truePositives + result.amounts.falsePositives + result.amounts.falseNegatives).toBe(0);
  });

  it('micro-averages: sums the counts of all documents before dividing', () => {
    const perfect = evaluate(gold, { ...gold, mentions: gold.mentions, amounts: [], dates: [], claims: [] });
    const empty = evaluate(gold, { mentions: [], amounts: [], dates: [], claims: [] });
    const total = summarize([perfect, empty, empty]);
    expect(total.mentions.precision).toBe(1);
    expect(total.mentions.recall).toBeCloseTo(2 / 6);
  });
});
