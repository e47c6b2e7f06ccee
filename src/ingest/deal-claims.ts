/**
 * Claims about the known deals. A sentence refers to a deal by its name (`the OpenAI-Oracle
 * deal`), or by a contract word (`contrat`, `agreement`, `louer`, `renting`) near a party that
 * tells the deal apart (`auprès d’Oracle`, `renting Microsoft servers`); a plural (`les contrats
 * qu’OpenAI a conclus avec Oracle et avec CoreWeave`) refers to every deal whose party it names;
 * a contract word alone (`Le contrat ainsi élargi`) refers to the deal last spoken of. In such a
 * sentence an amount is the deal's value unless it is an increment (`l’extension ... pour un
 * montant pouvant atteindre`), an upper bound its end, a lower bound its start (and with a
 * duration, `sur cinq ans`, its end), cue words its kind; a company said not to be a party is
 * excluded from it. Every deal spoken of has its known parties in their roles, and covers its
 * known datacenters when the text speaks of capacity or sites.
 */
import type { Amount } from './amounts.js';
import { addDays, addMonths } from './calendar.js';
import {
  type ClaimContext,
  cuesIn,
  fieldClaim,
  type KnownDeal,
  linkClaim,
  quoteOf,
  recent,
  type Sentence,
} from './claim-context.js';
import type { DateSpan } from './dates.js';
import type { CandidateClaimDraft } from './extract.js';
import { anyOf, type Span } from './fold.js';

/** A sentence's reference to a known deal: the words that make it, and whether they name it. */
export interface DealReference {
  deal: KnownDeal;
  sentence: Sentence;
  at: Span;
  named: boolean;
}

const SINGULAR = {
  fr: /\b(?:contrat|accord|engagement|bail|partie prenante|louer|loue|louent|louera|louait)\b/,
  en: /\b(?:contract|agreement|deal|commitment|lease|rental|party to|rent|rents|renting|rented|leases|leasing)\b/,
};
const PLURAL = {
  fr: /\b(?:contrats|accords|engagements|signataires)\b/,
  en: /\b(?:contracts|agreements|deals|commitments|signatories)\b/,
};
/** Contract words that refer to the deal last spoken of even without a party beside them. */
const STANDALONE = /\b(?:contrat|accord|partie prenante|contract|agreement|deal|party to)\b/;

const distance = (a: { start: number }, b: { start: number }) => Math.abs(a.start - b.start);
const nearest = <T extends { start: number }>(to: { start: number }, list: T[]) =>
  list.reduce<T | undefined>(
    (best, x) => (best === undefined || distance(x, to) < distance(best, to) ? x : best),
    undefined,
  );
/** The reference whose words are closest to `to`. */
const nearestRef = (to: { start: number }, refs: DealReference[]) =>
  refs.reduce((best, r) => (distance(r.at, to) < distance(best.at, to) ? r : best));

/** Every reference to a known deal, in text order. A party is beside a contract word when no comma parts them. */
export function dealReferences(ctx: ClaimContext): DealReference[] {
  const refs: DealReference[] = [];
  const dealOf = (slug: string) => ctx.deals.find((d) => d.slug === slug);
  const byParty = (slug: string | null) => ctx.deals.find((d) => slug !== null && d.distinctive.includes(slug));
  for (const sentence of ctx.sentences) {
    for (const m of sentence.mentions) {
      const deal = m.entity ? dealOf(m.entity) : undefined;
      if (deal) refs.push({ deal, sentence, at: m, named: true });
    }
    const distinctive = sentence.mentions.filter((m) => byParty(m.entity));
    const anyParty = sentence.mentions.some((m) => ctx.deals.some((d) => d.parties.includes(m.entity ?? '')));
    for (const cue of cuesIn(ctx, sentence, SINGULAR[ctx.language])) {
      const linked = distinctive.filter(
        (m) => !/[,;:]/.test(ctx.text.slice(Math.min(m.end, cue.end), Math.max(m.start, cue.start))),
      );
      const party = nearest(cue, linked);
      const earlierParty = ctx.mentions.findLast((m) => m.end <= sentence.start && byParty(m.entity));
      const fallback = refs.at(-1)?.deal ?? (anyParty ? byParty(earlierParty?.entity ?? null) : undefined);
      const standalone = STANDALONE.test(ctx.folded.slice(cue.start, cue.end)) || anyParty;
      const deal = party ? byParty(party.entity) : standalone ? fallback : undefined;
      if (deal) refs.push({ deal, sentence, at: cue, named: false });
    }
    for (const cue of cuesIn(ctx, sentence, PLURAL[ctx.language])) {
      for (const m of distinctive) refs.push({ deal: byParty(m.entity)!, sentence, at: cue, named: false });
    }
  }
  return refs;
}

/** Words before a contract word that make the amount an increment, not the deal's value. */
const INCREMENT = /\b(?:extension|rallonge|additional|further|supplementaire|extra|expansion|elargissement)\b/;
/** Words between the contract word and the amount that make it the deal's whole value again. */
const TOTAL = /\b(?:(?<!pouvant )attei\w+|porte|portant|worth|valued|totals?|totaling|reach(?:es|ed)?|brings?)\b/;
/** Amounts that are not what the deal is worth. */
const NOT_VALUE = /\b(?:chiffre d'affaires|revenue|sales|perte|loss|evaluee?|valuation|capitalisation)\b/;

/** Whether an amount adds to a deal rather than measuring it: an increment word among the three before. */
function isIncrement(ctx: ClaimContext, ref: DealReference, amount: Amount): boolean {
  const before = ctx.folded
    .slice(ref.sentence.start, ref.at.start)
    .split(/[\s']+/)
    .filter(Boolean)
    .slice(-3);
  const between = ctx.folded.slice(ref.at.end, amount.start);
  return INCREMENT.test(before.join(' ')) && !TOTAL.test(between);
}

/** Values, ends and starts of the deals, from a referring sentence's amounts and dates. */
function dealFigures(ctx: ClaimContext, refs: DealReference[]): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  for (const sentence of new Set(refs.map((r) => r.sentence))) {
    const here = refs.filter((r) => r.sentence === sentence);
    for (const amount of sentence.amounts) {
      if (amount.kind !== 'MONEY' || typeof amount.usd !== 'number') continue;
      const ref = nearestRef(amount, here);
      const around = ctx.folded.slice(Math.max(sentence.start, amount.start - 40), amount.end + 20);
      if (isIncrement(ctx, ref, amount) || NOT_VALUE.test(around)) continue;
      const quote = quoteOf(ctx, sentence, ref.at, amount);
      const confidence = ref.named ? 0.8 : 0.6;
      out.push(fieldClaim(ref.deal.slug, 'valueUsd', amount.usd, quote, 'deal-amount', confidence, amount.approximate));
    }
    for (const date of sentence.dates) out.push(...dealDates(ctx, sentence, nearestRef(date, here), date));
  }
  return out;
}

/** A stated duration in years: `sur cinq ans`, `for 15 years`. */
const DURATION = /\b(?:sur|pour|pendant|over|for)\s+(\d+|[a-z]+)\s+(?:ans|annees|years)\b/;
const COUNTS: Record<string, number> = { un: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8 };
Object.assign(COUNTS, { neuf: 9, dix: 10, one: 1, two: 2, three: 3, four: 4, five: 5, seven: 7, eight: 8 });
Object.assign(COUNTS, { nine: 9, ten: 10 });

/** An upper bound ends the deal; a lower bound starts it, and with a stated duration ends it too. */
function dealDates(ctx: ClaimContext, sentence: Sentence, ref: DealReference, date: DateSpan): CandidateClaimDraft[] {
  const quote = quoteOf(ctx, sentence, ref.at, date);
  if (date.from === null && date.to !== null) {
    return [fieldClaim(ref.deal.slug, 'endsOn', date.to, quote, 'deal-upper-bound', 0.6)];
  }
  if (date.to !== null || date.from === null) return [];
  const out = [fieldClaim(ref.deal.slug, 'startsOn', date.from, quote, 'deal-lower-bound', 0.55)];
  const duration = DURATION.exec(ctx.folded.slice(sentence.start, sentence.end));
  const years = duration && (Number(duration[1]) || COUNTS[duration[1]!]);
  if (duration && years) {
    const endsOn = addDays(addMonths(date.from, 12 * years), -1);
    const at = sentence.start + duration.index;
    const span = { start: at, end: at + duration[0].length };
    out.push(fieldClaim(ref.deal.slug, 'endsOn', endsOn, quoteOf(ctx, sentence, span, date), 'deal-duration', 0.5));
  }
  return out;
}

/** Cue words of a deal's kind. */
const KINDS: [RegExp, string][] = [
  [
    /\b(?:louer|loue|louent|rent|renting|rents|rental)\b[^.]{0,30}\b(?:serveurs?|servers?)\b|server rental/,
    'CLOUD_CONTRACT',
  ],
  [/\b(?:contrats? de cloud|cloud (?:contracts?|deals?|agreements?))\b/, 'CLOUD_CONTRACT'],
  [/\b(?:location de capacite|capacite de calcul|compute (?:lease|capacity)|computing capacity)\b/, 'COMPUTE_LEASE'],
  [/\b(?:investissement|investment|funding round|levee de fonds|tour de table)\b/, 'INVESTMENT'],
  [/\b(?:partenariat|partnership)\b/, 'PARTNERSHIP'],
];

/** The kind cue nearest each reference gives its deal's kind. */
function dealKinds(ctx: ClaimContext, refs: DealReference[]): CandidateClaimDraft[] {
  return refs.flatMap((ref) => {
    const found = KINDS.flatMap(([re, kind]) => cuesIn(ctx, ref.sentence, re).map((at) => ({ at, kind })));
    const cue = nearest(
      ref.at,
      found.map((f) => ({ ...f, start: f.at.start })),
    );
    if (!cue) return [];
    const quote = quoteOf(ctx, ref.sentence, ref.at, cue.at);
    return [fieldClaim(ref.deal.slug, 'kind', cue.kind, quote, 'deal-kind-cue', 0.55)];
  });
}

/** Each deal spoken of: its known parties in their roles, and the datacenters it covers. */
function dealLinks(ctx: ClaimContext, refs: DealReference[]): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  const sites = /\b(?:centres? de donnees|datacenters?|data cent(?:er|re)s?|capacit[ey]|campus|sites?)\b/;
  for (const deal of new Set(refs.map((r) => r.deal))) {
    const mine = refs.filter((r) => r.deal === deal);
    const first = mine[0]!;
    for (const [party, role] of [
      [deal.buyer, 'buyer'],
      [deal.seller, 'seller'],
    ] as const) {
      if (!party) continue;
      const said = mine.find((r) => r.sentence.mentions.some((m) => m.entity === party));
      const ref = said ?? first;
      const mention = ref.sentence.mentions.find((m) => m.entity === party);
      const quote = quoteOf(ctx, ref.sentence, ...(mention ? [mention] : []), ref.at);
      out.push(linkClaim('PARTY_TO', party, deal.slug, quote, 'deal-party', said ? 0.7 : 0.5, { role }));
    }
    const covering = mine.find((r) => sites.test(ctx.folded.slice(r.sentence.start, r.sentence.end)));
    if (deal.covers && covering) {
      const quote = quoteOf(ctx, covering.sentence, covering.at);
      out.push(linkClaim('COVERS', deal.slug, deal.covers, quote, 'deal-covers-sites', 0.5));
    }
  }
  return out;
}

const NOT_PARTY =
  anyOf(`n'est pas partie, ne figure (?:\\w+ )?pas parmi les signataires, n'est pas signataire, is not (?:a )?party,
    isn't (?:a )?party, is not among the signatories, not a signatory`);

/** A company said not to be a party is excluded from the deals the sentence refers to. */
function exclusions(ctx: ClaimContext, refs: DealReference[]): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  for (const sentence of new Set(refs.map((r) => r.sentence))) {
    const cue = cuesIn(ctx, sentence, NOT_PARTY)[0];
    if (!cue) continue;
    const before = sentence.mentions.find((m) => m.end <= cue.start && ctx.labels.get(m.entity ?? '') === 'Company');
    const company = before ?? recent(ctx, ['Company'], sentence.start);
    if (!company?.entity) continue;
    for (const deal of new Set(refs.filter((r) => r.sentence === sentence).map((r) => r.deal))) {
      if (deal.parties.includes(company.entity)) continue;
      const quote = quoteOf(
        ctx,
        sentence,
        cue,
        ...refs.filter((r) => r.deal === deal && r.sentence === sentence).map((r) => r.at),
      );
      out.push(fieldClaim(deal.slug, 'excludes', [company.entity], quote, 'deal-not-a-party', 0.65));
    }
  }
  return out;
}

/** Every claim about the known deals. */
export function dealClaims(ctx: ClaimContext, refs: DealReference[]): CandidateClaimDraft[] {
  return [...dealFigures(ctx, refs), ...dealKinds(ctx, refs), ...dealLinks(ctx, refs), ...exclusions(ctx, refs)];
}
