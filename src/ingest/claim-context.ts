/**
 * What the claim rules read: the text cut into sentences, each with its mentions, amounts and
 * dates; the most recent mention of a kind before a point (what `le groupe`, `il` or `the
 * company` refers to); and what the gazetteer's own names say about the known deals and
 * datacenters (`OpenAI server rental from Microsoft`: its parties, who sells; `Oracle datacenters
 * for OpenAI`: who operates them for whom; `Stargate's first datacenter`: its project).
 */
import type { Amount } from './amounts.js';
import type { DateSpan } from './dates.js';
import type { CandidateClaimDraft, EntityRef, GazetteerEntry } from './extract.js';
import { alternatives, fold, isWordChar, sentences, type Span, span } from './fold.js';
import { AUXILIARY } from './kinds.js';
import type { EntityKind, Mention } from './mentions.js';

export interface Sentence {
  start: number;
  end: number;
  index: number;
  mentions: Mention[];
  amounts: Amount[];
  dates: DateSpan[];
}

/** A known deal, as its names describe it. */
export interface KnownDeal {
  slug: string;
  parties: string[];
  /** Its parties that no other known deal has: what tells it apart in a sentence. */
  distinctive: string[];
  buyer?: string;
  seller?: string;
  /** The known datacenters it pays for. */
  covers?: string;
}

/** A known datacenter, as its name describes it. */
export interface KnownDatacenter {
  slug: string;
  operator?: string;
  client?: string;
  project?: string;
}

export interface ClaimContext {
  text: string;
  folded: string;
  language: 'fr' | 'en';
  publishedOn: string;
  sentences: Sentence[];
  mentions: Mention[];
  labels: Map<string, EntityKind>;
  deals: KnownDeal[];
  datacenters: KnownDatacenter[];
}

/** The claim reference of a mention: its slug, or its new entity's name. */
export const refOf = (m: Mention): EntityRef => m.entity ?? { new: m.newEntity!.name };

/** The kind of entity a mention names. */
export const kindOfMention = (ctx: ClaimContext, m: Mention): EntityKind | undefined =>
  m.entity ? ctx.labels.get(m.entity) : m.newEntity?.kind;

/** A stable text for a reference, to compare and deduplicate. */
export const refKey = (r: EntityRef): string => (typeof r === 'string' ? r : `new:${fold(r.new)}`);

/** The known companies whose names occur in a folded name, in order of occurrence. */
function companiesIn(name: string, companies: GazetteerEntry[]): { slug: string; at: number }[] {
  const found: { slug: string; at: number }[] = [];
  for (const c of companies) {
    for (const n of c.names.map(fold)) {
      const at = name.indexOf(n);
      if (at >= 0 && !isWordChar(name[at - 1]) && !isWordChar(name[at + n.length])) {
        found.push({ slug: c.slug, at });
        break;
      }
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

/** Known datacenters: `X datacenters for Y` is operated by X for Y; a project's name makes it part of it. */
function knownDatacenters(gazetteer: GazetteerEntry[]): KnownDatacenter[] {
  const companies = gazetteer.filter((e) => e.label === 'Company');
  const projects = gazetteer.filter((e) => e.label === 'Project');
  return gazetteer
    .filter((e) => e.label === 'Datacenter')
    .map((dc) => {
      const name = fold(dc.names[0]!);
      const found = companiesIn(name, companies);
      const forAt = name.indexOf(' for ');
      const client = found.find((c) => forAt >= 0 && c.at > forAt)?.slug;
      const operator = found.find((c) => c.slug !== client)?.slug;
      const project = projects.find((p) => p.names.some((n) => name.includes(fold(n))))?.slug;
      return { slug: dc.slug, operator, client, project };
    });
}

/** Known deals: their parties from their names; the one after `from`, or the operator, sells. */
function knownDeals(gazetteer: GazetteerEntry[], datacenters: KnownDatacenter[]): KnownDeal[] {
  const companies = gazetteer.filter((e) => e.label === 'Company');
  const deals = gazetteer
    .filter((e) => e.label === 'Deal')
    .map((deal) => {
      const names = deal.names.map(fold);
      const parties = [...new Set(names.flatMap((n) => companiesIn(n, companies).map((c) => c.slug)))];
      const covered = datacenters.find(
        (dc) => dc.operator && dc.client && parties.includes(dc.operator) && parties.includes(dc.client),
      );
      const fromAt = names.map((n) => ({ n, at: n.indexOf(' from ') })).find((x) => x.at >= 0);
      const sellerFrom = fromAt && companiesIn(fromAt.n.slice(fromAt.at), companies)[0]?.slug;
      const seller = sellerFrom ?? covered?.operator;
      const buyer = seller ? parties.find((p) => p !== seller) : undefined;
      return { slug: deal.slug, parties, distinctive: [] as string[], buyer, seller, covers: covered?.slug };
    });
  for (const deal of deals) {
    deal.distinctive = deal.parties.filter((p) => !deals.every((other) => other.parties.includes(p)));
  }
  return deals;
}

export function claimContext(
  text: string,
  language: 'fr' | 'en',
  publishedOn: string,
  found: { mentions: Mention[]; amounts: Amount[]; dates: DateSpan[] },
  gazetteer: GazetteerEntry[],
): ClaimContext {
  const inside = <R extends { start: number }>(s: { start: number; end: number }, list: R[]) =>
    list.filter((x) => s.start <= x.start && x.start < s.end);
  const cut = sentences(text).map((s, index) => ({
    ...s,
    index,
    mentions: inside(s, found.mentions),
    amounts: inside(s, found.amounts),
    dates: inside(s, found.dates),
  }));
  const datacenters = knownDatacenters(gazetteer);
  return {
    text,
    folded: fold(text),
    language,
    publishedOn,
    sentences: cut,
    mentions: found.mentions,
    labels: new Map(gazetteer.map((e) => [e.slug, e.label])),
    deals: knownDeals(gazetteer, datacenters),
    datacenters,
  };
}

/** The last mention of one of `kinds` that ends before `before`, optionally within a sentence range. */
export function recent(ctx: ClaimContext, kinds: EntityKind[], before: number, after = 0): Mention | undefined {
  return ctx.mentions.findLast((m) => m.end <= before && m.start >= after && kinds.includes(kindOfMention(ctx, m)!));
}

/** The company a sentence opens with: its first mention, within its first two words, if a company. */
export function openingCompany(ctx: ClaimContext, sentence: Sentence): Mention | undefined {
  const first = sentence.mentions[0];
  const early = first && ctx.folded.slice(sentence.start, first.start).split(/\s+/).filter(Boolean).length <= 1;
  return early && kindOfMention(ctx, first) === 'Company' ? first : undefined;
}

const COMPANY_NOUN =
  alternatives(`groupe, societe, entreprise, fournisseur, company, group, firm, provider, energeticien,
  editeur, fonds, fund, constructeur, operateur, operator, utility, developpeur, developer, start-up, startup,
  chipmaker, fabricant`);
/** A sentence opening on a company noun and two more words at most: `Le groupe japonais`, `L'énergéticien`. */
const OPENING = new RegExp(`^(?:le|la|l'|the)\\s*(?:\\S+\\s+){0,3}?(?:${COMPANY_NOUN})\\b(?:\\s+[^\\s,.;:]+){0,2}`);

/**
 * The description a sentence opens with when it stands for a company (`Le groupe japonais ne
 * figure pas`), not when it is a clause (`The money will fund`) or names its company itself (`The
 * chipmaker Nvidia`).
 */
export function openingDescription(ctx: ClaimContext, sentence: Sentence): Span | undefined {
  const opening = OPENING.exec(ctx.folded.slice(sentence.start, sentence.end));
  if (!opening || AUXILIARY.test(opening[0])) return undefined;
  const end = sentence.start + opening[0].length;
  return sentence.mentions.some((m) => m.start < end) ? undefined : span(ctx.text, sentence.start, end);
}

/**
 * The company a sentence-opening description stands for: of the companies the sentence before
 * names, the last new one (a text describes the party its readers may not know), or else the last
 * company named.
 */
export function describedCompany(ctx: ClaimContext, sentence: Sentence): Mention | undefined {
  const before = ctx.sentences[sentence.index - 1]?.mentions.filter((m) => kindOfMention(ctx, m) === 'Company') ?? [];
  return before.findLast((m) => m.entity === null) ?? recent(ctx, ['Company'], sentence.start);
}

/** The company a sentence is about: the one it opens with, or its opening description's, or the last named. */
export function subjectOf(ctx: ClaimContext, sentence: Sentence): Mention | undefined {
  const opener = openingCompany(ctx, sentence);
  if (opener) return opener;
  return openingDescription(ctx, sentence) ? describedCompany(ctx, sentence) : recent(ctx, ['Company'], sentence.start);
}

/** The first match of a folded pattern inside a range, as a span of the text. */
export function cueIn(ctx: ClaimContext, range: { start: number; end: number }, pattern: RegExp): Span | undefined {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (const m of ctx.folded.slice(range.start, range.end).matchAll(re)) {
    const start = range.start + m.index;
    return span(ctx.text, start, start + m[0].length);
  }
  return undefined;
}

/** Every match of a folded pattern inside a range, as spans of the text. */
export function cuesIn(ctx: ClaimContext, range: { start: number; end: number }, pattern: RegExp): Span[] {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  return [...ctx.folded.slice(range.start, range.end).matchAll(re)].map((m) =>
    span(ctx.text, range.start + m.index, range.start + m.index + m[0].length),
  );
}

/** Words of a quote: at most this many carry one fact. */
const QUOTE_WORDS = 15;

/**
 * The quote for pieces of one fact: the shortest span of the sentence that covers them, widened to
 * whole words; when that runs over fifteen words, the last pieces alone.
 */
export function quoteOf(ctx: ClaimContext, sentence: Sentence, ...pieces: { start: number; end: number }[]) {
  const inSentence = pieces.filter((p) => p.start >= sentence.start && p.end <= sentence.end);
  let parts = inSentence.length > 0 ? inSentence : [sentence];
  for (;;) {
    let start = Math.min(...parts.map((p) => p.start));
    let end = Math.max(...parts.map((p) => p.end));
    while (start > sentence.start && isWordChar(ctx.text[start - 1])) start--;
    while (end < sentence.end && isWordChar(ctx.text[end])) end++;
    const quote = span(ctx.text, start, end);
    if (parts.length === 1 || quote.text.split(/\s+/).length <= QUOTE_WORDS) return quote;
    parts = parts.slice(1);
  }
}

/** A field claim draft. */
export const fieldClaim = (
  subject: EntityRef,
  field: string,
  value: unknown,
  quote: Span,
  rule: string,
  confidence: number,
  approximate?: boolean,
): CandidateClaimDraft => ({
  subject,
  field,
  value,
  quote,
  rule,
  confidence,
  ...(approximate ? { approximate } : {}),
});

/** A relationship claim draft. */
export const linkClaim = (
  relationship: string,
  from: EntityRef,
  to: EntityRef,
  quote: Span,
  rule: string,
  confidence: number,
  properties?: Record<string, unknown>,
): CandidateClaimDraft => ({
  relationship,
  from,
  to,
  ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
  quote,
  rule,
  confidence,
});
