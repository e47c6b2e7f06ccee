/**
 * Claims about datacenters. A sentence refers to a datacenter by its name (`Red Mesa`), by a site
 * noun standing for the last one named (`the campus`, `le site`), by a known datacenter's
 * operator beside capacity or site words (`Oracle will build 4.5 gigawatts of datacenter
 * capacity`, `ses centres de données`), through a deal that covers it (`les contrats ... pour
 * installer des centres de données`, `Il porterait sur 4,5 gigawatts de capacité`), or as a
 * project's one datacenter (`un unique centre de données`). Then, in that sentence: a power
 * figure in the same clause is its power, unless it feeds a plant or a grid; a place after `in`,
 * `near`, `à` or `aux` is its location; building or planning words its status; a date with
 * `come online`, `operational` or `à livrer` its target date; `X is building`, `X runs`,
 * `leased to X` its operator; the project named with `part of`, `campus` or `sites` its project.
 */
import {
  type ClaimContext,
  cueIn,
  cuesIn,
  fieldClaim,
  kindOfMention,
  linkClaim,
  quoteOf,
  recent,
  refOf,
  type Sentence,
  subjectOf,
} from './claim-context.js';
import type { DealReference } from './deal-claims.js';
import type { CandidateClaimDraft, EntityRef } from './extract.js';
import { anyOf, fold, type Span, span } from './fold.js';
import { CALENDAR_WORDS } from './lexicon.js';
import type { Mention } from './mentions.js';
import { PLACES } from './places.js';

/** A sentence's reference to a datacenter. */
export interface SiteReference {
  site: EntityRef;
  sentence: Sentence;
  at: Span;
  rule: string;
}

const SITE_NOUNS = /\b(?:centres? de donnees|datacenters?|data cent(?:er|re)s?|capacit[ey]|campus)\b/;
const ANAPHOR = /\b(?:the|this|le|ce|cet) (?:campus|site|facility|complexe|centre de donnees|datacenter)\b/;
const POSSESSIVE_SITES = /\b(?:ses|its|their|leurs) (?:centres de donnees|datacenters|data cent(?:er|re)s)\b/;
const PRONOUN_START = /^(?:il|elle|it|this|cela|ce|celui-ci)\b/;
const ONE_SITE =
  anyOf(`un (?:unique|seul) centre de donnees, a single (?:datacenter|data center), one (?:datacenter|data center),
    son premier centre de donnees, its first (?:datacenter|data center)`);
/** Words that make a sentence about power supply, not about a datacenter's own capacity. */
const SUPPLY =
  anyOf(`supply, supplies, supplied, suppliers?, fournisseur d'electricite, electricit\\w*, generation, plants?,
    centrales?, solar, gas, wind, grid, reseau, batter\\w*`);

/** Words that make a power figure a phase's, not the datacenter's: `une première tranche de 250 MW`. */
const PHASE = /\b(?:tranche|phase|stage|etape|premier batiment|first building)\b/;

const sentenceText = (ctx: ClaimContext, s: Sentence) => ctx.folded.slice(s.start, s.end);

/** Known datacenters named through their operator or a covering deal. */
function knownSiteReferences(ctx: ClaimContext, sentence: Sentence, deals: DealReference[]): SiteReference[] {
  const text = sentenceText(ctx, sentence);
  const siteWords = cueIn(ctx, sentence, SITE_NOUNS);
  if (!siteWords || SUPPLY.test(text)) return [];
  const out: SiteReference[] = [];
  const possessive = cueIn(ctx, sentence, POSSESSIVE_SITES);
  const owner = possessive && subjectOf(ctx, sentence);
  const named = sentence.mentions.some((m) => kindOfMention(ctx, m) === 'Datacenter');
  for (const dc of ctx.datacenters) {
    if (possessive && owner?.entity === dc.operator) {
      out.push({ site: dc.slug, sentence, at: possessive, rule: 'operator-possessive' });
    } else if (!named && sentence.mentions.some((m) => dc.operator && m.entity === dc.operator)) {
      out.push({ site: dc.slug, sentence, at: siteWords, rule: 'operator-capacity' });
    }
  }
  const previous = ctx.sentences[sentence.index - 1];
  const covering = deals.filter(
    (r) => r.sentence === sentence || (r.sentence === previous && PRONOUN_START.test(text.trimStart())),
  );
  for (const ref of covering) {
    if (ref.deal.covers) out.push({ site: ref.deal.covers, sentence, at: siteWords, rule: 'deal-covers' });
  }
  return out;
}

/** Every reference to a datacenter, in text order. */
export function siteReferences(ctx: ClaimContext, deals: DealReference[]): SiteReference[] {
  const refs: SiteReference[] = [];
  for (const sentence of ctx.sentences) {
    for (const m of sentence.mentions) {
      if (kindOfMention(ctx, m) === 'Datacenter') refs.push({ site: refOf(m), sentence, at: m, rule: 'site-named' });
    }
    for (const at of cuesIn(ctx, sentence, ANAPHOR)) {
      const last = recent(ctx, ['Datacenter'], at.start);
      if (last && !refs.some((r) => r.sentence === sentence && r.at.start <= at.start && at.start < r.at.end)) {
        refs.push({ site: refOf(last), sentence, at, rule: 'site-anaphor' });
      }
    }
    refs.push(...knownSiteReferences(ctx, sentence, deals));
    const one = cueIn(ctx, sentence, ONE_SITE);
    const previous = ctx.sentences[sentence.index - 1];
    const project = recent(ctx, ['Project'], sentence.end, previous?.start ?? sentence.start);
    const dc = ctx.datacenters.find((d) => d.project && d.project === project?.entity);
    if (one && dc && !sentence.mentions.some((m) => kindOfMention(ctx, m) === 'Datacenter')) {
      refs.push({ site: dc.slug, sentence, at: one, rule: 'project-site' });
    }
  }
  return refs;
}

/** The clause of a sentence that holds `at`: cut at `, and`, `;`, `:` and dashes. */
function clauseOf(ctx: ClaimContext, sentence: Sentence, at: number): { start: number; end: number } {
  const cuts = [...ctx.folded.slice(sentence.start, sentence.end).matchAll(/, and |, et |;|:| - | – /g)].map(
    (m) => sentence.start + m.index,
  );
  const start = cuts.findLast((c) => c <= at) ?? sentence.start;
  const end = cuts.find((c) => c > at) ?? sentence.end;
  return { start, end };
}

/**
 * Power figures in a reference's clause, unless fed to or from a plant or only a first phase's;
 * `used` keeps their starts. An upper bound after the figure (`1 GW d'ici à 2028`) is the target date.
 */
function sitePower(ctx: ClaimContext, ref: SiteReference, used: Set<number>): CandidateClaimDraft[] {
  const clause = clauseOf(ctx, ref.sentence, ref.at.start);
  return ref.sentence.amounts.flatMap((a) => {
    if (a.kind !== 'POWER' || a.start < clause.start || a.end > clause.end) return [];
    const around = ctx.folded.slice(Math.max(clause.start, a.start - 25), Math.min(clause.end, a.end + 25));
    const before = ctx.folded.slice(Math.max(clause.start, a.start - 30), a.start);
    if (SUPPLY.test(around) || PHASE.test(before)) return [];
    used.add(a.start);
    const quote = quoteOf(ctx, ref.sentence, ref.at, a);
    const out = [fieldClaim(ref.site, 'powerMw', a.mw, quote, `${ref.rule}-power`, 0.6, a.approximate)];
    const by = ref.sentence.dates.find(
      (d) => d.from === null && d.to !== null && d.start > a.end && d.end <= clause.end,
    );
    if (by)
      out.push(fieldClaim(ref.site, 'targetDate', by.to, quoteOf(ctx, ref.sentence, a, by), 'site-power-by', 0.45));
    return out;
  });
}

const CAPITALISED_WORDS = String.raw`\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)*`;
const PLACE_PHRASE = new RegExp(
  String.raw`(?<![\p{L}])(?:in|near|outside|à|au|aux|dans|près de)\s+(?:the\s+)?((?:plusieurs|several|many)\s+)?` +
    `(${CAPITALISED_WORDS})(,\\s+${CAPITALISED_WORDS})?`,
  'dgu',
);

/**
 * Places a sentence locates something in, as written without their preposition: `near Abilene,
 * Texas` → `Abilene, Texas`. Not an entity, not a month, not where a plant or a farm is.
 */
function placesIn(ctx: ClaimContext, sentence: Sentence): Span[] {
  const out: Span[] = [];
  for (const m of ctx.text.slice(sentence.start, sentence.end).matchAll(PLACE_PHRASE)) {
    const [, several, name, tail] = m;
    const at = m.indices!;
    const start = sentence.start + (several ? at[1]! : at[2]!)[0];
    const tailIsPlace = tail !== undefined && PLACES.has(fold(tail.replace(/^,\s+/, '')));
    const end = sentence.start + (tailIsPlace ? at[3]! : at[2]!)[1];
    const place = span(ctx.text, start, end);
    const taken = sentence.mentions.some((x) => x.start < place.end && place.start < x.end);
    const before = ctx.folded.slice(Math.max(sentence.start, start - 40), start);
    if (taken || CALENDAR_WORDS.has(fold(name!)) || SUPPLY.test(before)) continue;
    out.push(place);
  }
  return out;
}

/** How far (in characters) from its reference a place may be to locate it. */
const PLACE_REACH = 100;

const STATUS: [RegExp, string][] = [
  [
    anyOf(`already rising, is rising, is building, are building, has been building, have been building, being built,
      under construction, en construction, en chantier, est en train de construire, le chantier, chantier de, travaux`),
    'UNDER_CONSTRUCTION',
  ],
  [
    anyOf(`will build, plans to build, is planning, planned, prevoit d'ouvrir, prevoit de construire, a livrer,
      construira, ouvrira, va construire, will open`),
    'PLANNED',
  ],
  [/\b(?:is operational|came online|went live|est operationnel|en service|has opened|a ouvert)\b/, 'OPERATIONAL'],
];
const TARGET =
  anyOf(`come online, be (?:fully )?operational, operational, finished, completed, complete, ready, a livrer, livre,
    ouvrir, ouvrira, open, mise en service, en service, achev\\w*`);

/** The status, target date and location a sentence gives a datacenter it refers to. */
function siteFacts(ctx: ClaimContext, ref: SiteReference, others: SiteReference[]): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  const clause = clauseOf(ctx, ref.sentence, ref.at.start);
  for (const [re, status] of STATUS) {
    const cue = cueIn(ctx, clause.start < ref.at.start ? { ...clause, end: ref.sentence.end } : clause, re);
    if (cue)
      out.push(fieldClaim(ref.site, 'status', status, quoteOf(ctx, ref.sentence, ref.at, cue), 'site-status-cue', 0.5));
  }
  const target = cueIn(ctx, ref.sentence, TARGET);
  const dates = ref.sentence.dates.filter((d) => d.to !== null);
  const date = target && dates.sort((x, y) => Math.abs(x.start - target.end) - Math.abs(y.start - target.end))[0];
  if (target && date) {
    const value = date.from === null || date.from === date.to ? date.to : { from: date.from, to: date.to };
    const quote = quoteOf(ctx, ref.sentence, target, date);
    out.push(fieldClaim(ref.site, 'targetDate', value, quote, 'site-target-date', 0.55));
  }
  if (ref.rule === 'site-anaphor') return out;
  for (const place of placesIn(ctx, ref.sentence)) {
    const gap = (r: SiteReference) => Math.max(r.at.start - place.end, place.start - r.at.end, 0);
    if (gap(ref) > PLACE_REACH || others.some((r) => gap(r) < gap(ref))) continue;
    const quote = quoteOf(ctx, ref.sentence, ref.at, place);
    out.push(fieldClaim(ref.site, 'location', place.text, quote, 'site-location', 0.55));
  }
  return out;
}

const BUILDS =
  anyOf(`is building, are building, has been building, have been building, builds and runs, builds, runs, operates,
    will build, will run, will operate, exploit(?:e|era|ent|eront|ait), construi(?:t|ra|sent|ront), prevoit d'ouvrir,
    ouvrira`);
const RUN_BY = /\b(?:leased to|loue a|operated by|exploite par|run by)\s+$/;
const STANDS_FOR_COMPANY = /^(?:it|l'editeur|le groupe|la societe|l'entreprise|il|elle)$/;

/**
 * `X is building`, `X runs`, `leased to X`, `X, qui ..., exploitera le site`, and a company's own
 * datacenters (`ses centres de données`): the company that operates a datacenter.
 */
function operators(ctx: ClaimContext, ref: SiteReference): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  const companies = ref.sentence.mentions.filter((m) => kindOfMention(ctx, m) === 'Company');
  const owner = ref.rule === 'operator-possessive' && subjectOf(ctx, ref.sentence);
  if (owner) {
    out.push(linkClaim('OPERATES', refOf(owner), ref.site, quoteOf(ctx, ref.sentence, ref.at), 'site-possessive', 0.5));
  }
  for (const c of companies) {
    if (RUN_BY.test(ctx.folded.slice(ref.sentence.start, c.start))) {
      out.push(
        linkClaim('OPERATES', refOf(c), ref.site, quoteOf(ctx, ref.sentence, ref.at, c), 'site-leased-to', 0.55),
      );
    }
  }
  for (const cue of cuesIn(ctx, ref.sentence, BUILDS)) {
    const before = ctx.folded.slice(ref.sentence.start, cue.start).trimEnd();
    const between = (c: Mention) =>
      before
        .slice(c.end - ref.sentence.start)
        .replace(/^,[^,]*,/, '')
        .trim();
    const subject = companies.find((c) => c.end <= cue.start && between(c) === '');
    const word = /(\S+(?: \S+)?)$/.exec(before)?.[1] ?? '';
    const pronoun = STANDS_FOR_COMPANY.test(word) || STANDS_FOR_COMPANY.test(word.split(' ').at(-1)!);
    const company = subject ?? (pronoun ? recent(ctx, ['Company'], cue.start) : undefined);
    if (company) {
      out.push(
        linkClaim('OPERATES', refOf(company), ref.site, quoteOf(ctx, ref.sentence, company, cue), 'site-builder', 0.55),
      );
    }
  }
  return out;
}

const PART_OF = /\b(?:part of|campus|sites?|dans le cadre|sous la banniere|du projet|projet)\b/;

/** The project a datacenter belongs to, named beside it with `part of`, `campus` or `sites`. */
function projects(ctx: ClaimContext, ref: SiteReference): CandidateClaimDraft[] {
  if (ref.rule === 'project-site') {
    const dc = ctx.datacenters.find((d) => d.slug === ref.site)!;
    return [linkClaim('PART_OF', ref.site, dc.project!, quoteOf(ctx, ref.sentence, ref.at), 'project-site', 0.5)];
  }
  const cue = cueIn(ctx, ref.sentence, PART_OF);
  const project = ref.sentence.mentions.find((m) => kindOfMention(ctx, m) === 'Project' && m.entity);
  if (!cue || !project) return [];
  return [
    linkClaim(
      'PART_OF',
      ref.site,
      refOf(project),
      quoteOf(ctx, ref.sentence, ref.at, project),
      'site-of-project',
      0.55,
    ),
  ];
}

/** Every claim about datacenters; the starts of the power figures they take go into `usedPower`. */
export function siteClaims(ctx: ClaimContext, refs: SiteReference[], usedPower: Set<number>): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  for (const ref of refs) {
    const others = refs.filter((r) => r.sentence === ref.sentence);
    out.push(...sitePower(ctx, ref, usedPower), ...siteFacts(ctx, ref, others));
    out.push(...operators(ctx, ref), ...projects(ctx, ref));
  }
  return out;
}
