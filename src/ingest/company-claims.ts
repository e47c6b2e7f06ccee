/**
 * Claims about companies and the people who lead them. A person's title beside a company makes
 * a LEADS claim (`Sam Altman, patron d’OpenAI`, `Brad Smith, Microsoft's president`, `Sa
 * directrice générale, Safra Catz`), and so do `dirigé par X` and `le groupe de X`, whose company
 * is the one last named. Titles are recorded in English. Buying shares or holding a stake makes
 * INVESTS_IN (`acquis ... d’actions CoreWeave`, `premier actionnaire d’OpenAI`). A describing
 * phrase next to a company, or opening a sentence about the last one named, gives its kind
 * (`the regional utility`, `Le fournisseur de cloud`, `alimenté par X`) and its country (`Le groupe
 * japonais`, `a Houston-based developer`).
 */
import {
  type ClaimContext,
  cuesIn,
  describedCompany,
  fieldClaim,
  kindOfMention,
  linkClaim,
  openingCompany,
  openingDescription,
  quoteOf,
  recent,
  refKey,
  refOf,
  type Sentence,
} from './claim-context.js';
import type { CandidateClaimDraft } from './extract.js';
import { alternatives, anyOf, span } from './fold.js';
import { AUXILIARY, describingPhrase } from './kinds.js';
import type { Mention } from './mentions.js';
import { countryOf } from './places.js';

const TITLES: [RegExp, string][] = [
  [
    anyOf(`chief executive(?: officer)?, ceo, patron(?:ne)?, pdg, president-directeur general, directeur general,
      directrice generale`),
    'Chief Executive Officer',
  ],
  [/\b(?:chief financial officer|cfo|directeur financier|directrice financiere)\b/, 'Chief Financial Officer'],
  [/\b(?:chief operating officer|coo)\b/, 'Chief Operating Officer'],
  [/\b(?:chief technology officer|cto|directeur technique|directrice technique)\b/, 'Chief Technology Officer'],
  [/\b(?:chairman|chairwoman|president du conseil|presidente du conseil)\b/, 'Chairman'],
  [/\b(?:president|presidente)\b/, 'President'],
];
const titleIn = (phrase: string) => TITLES.find(([re]) => re.test(phrase));

const isCompany = (ctx: ClaimContext) => (m: Mention) => kindOfMention(ctx, m) === 'Company';

/** A title beside a person: in the apposition after the name, or just before it. */
function titledLeaders(ctx: ClaimContext, sentence: Sentence, person: Mention): CandidateClaimDraft[] {
  const companies = sentence.mentions.filter(isCompany(ctx));
  const after = /^,\s+[^,.;:()]*/.exec(ctx.folded.slice(person.end, sentence.end));
  const beforeText = /[^,.;:()]*,?\s*$/.exec(ctx.folded.slice(sentence.start, person.start))![0];
  const windows = [
    after && { start: person.end, end: person.end + after[0].length },
    { start: person.start - beforeText.length, end: person.start },
  ];
  for (const w of windows) {
    if (!w) continue;
    const title = titleIn(ctx.folded.slice(w.start, w.end));
    if (!title) continue;
    const named = companies.find((c) => c.start >= w.start && c.end <= w.end);
    const possessive = /\b(?:sa|son|ses|its|his|her|their|leur)\s+\S+/.test(ctx.folded.slice(w.start, w.end));
    const company = named ?? (possessive ? recent(ctx, ['Company'], person.start) : undefined);
    if (!company) continue;
    const quote = quoteOf(ctx, sentence, person, span(ctx.text, w.start, w.end));
    return [linkClaim('LEADS', refOf(person), refOf(company), quote, 'leader-title', 0.65, { title: title[1] })];
  }
  return [];
}

const LED_BY = /\b(?:dirigee? par|presidee? par|led by|headed by|run by|chaired by)\s+$/;
const COMPANY_OF = /\b(?:le groupe|la societe|l'entreprise|la firme|la start-up|the company) d[e']\s*$/;

/**
 * `dirigé par X`, `le groupe de X`: X leads the company a sentence-opening description stands for
 * (`L'énergéticien, dirigé par X`), or the one X already leads, or the company last named.
 */
function impliedLeaders(ctx: ClaimContext, sentence: Sentence, person: Mention, led: Map<string, Mention>) {
  const before = ctx.folded.slice(sentence.start, person.start);
  const cue = LED_BY.exec(before) ?? COMPANY_OF.exec(before);
  if (!cue) return [];
  const opening = openingDescription(ctx, sentence);
  const openingOnly = opening && /^,?\s*$/.test(before.slice(opening.end - sentence.start, cue.index));
  const described = openingOnly ? describedCompany(ctx, sentence) : undefined;
  const company =
    described ?? led.get(person.entity ?? person.newEntity!.name) ?? recent(ctx, ['Company'], person.start);
  if (!company) return [];
  const quote = quoteOf(ctx, sentence, span(ctx.text, sentence.start + cue.index, person.start), person);
  return [linkClaim('LEADS', refOf(person), refOf(company), quote, 'leader-implied', 0.5)];
}

function leaders(ctx: ClaimContext): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  const led = new Map<string, Mention>();
  for (const sentence of ctx.sentences) {
    for (const person of sentence.mentions.filter((m) => kindOfMention(ctx, m) === 'Person')) {
      const titled = titledLeaders(ctx, sentence, person);
      for (const claim of titled) {
        const company = sentence.mentions.find((m) => 'to' in claim && refOf(m) === claim.to);
        if (company) led.set(person.entity ?? person.newEntity!.name, company);
      }
      out.push(...titled, ...(titled.length === 0 ? impliedLeaders(ctx, sentence, person, led) : []));
    }
  }
  return out;
}

const HOLDS = anyOf(
  'actionnaire, shareholder, stake in, participation (?:dans|au capital), invest(?:ed|s|it|i)? (?:in|dans)',
);
const BUYS = /\b(?:acquis|achete|bought|acquired)\b[^.]{0,60}?\b(?:actions|shares|participation|stake)\b/;

/** Shares bought or a stake held: the holder invests in the company named after the words. */
function investments(ctx: ClaimContext): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  for (const sentence of ctx.sentences) {
    const companies = sentence.mentions.filter(isCompany(ctx));
    for (const cue of [...cuesIn(ctx, sentence, BUYS), ...cuesIn(ctx, sentence, HOLDS)]) {
      const target = companies.find((c) => c.start >= cue.end - 1 && c.start - cue.end < 40);
      const holder = companies.findLast((c) => c.end <= cue.start) ?? recent(ctx, ['Company'], cue.start);
      if (!target || !holder || refOf(target) === refOf(holder) || holder.entity === target.entity) continue;
      const paid = sentence.amounts.find((a) => a.kind === 'MONEY' && a.start >= cue.start && a.end <= target.start);
      const properties = typeof paid?.usd === 'number' ? { amountUsd: paid.usd } : {};
      const quote = quoteOf(ctx, sentence, holder, cue, target);
      out.push(linkClaim('INVESTS_IN', refOf(holder), refOf(target), quote, 'investor-shares', 0.55, properties));
    }
  }
  return out;
}

const RAISES = anyOf(`raised, raises, raising, a leve, leve, levee de fonds, tour de table, funding round,
  financing round, round`);
/** Words before a round's investors: `led by`, `with participation from`, `aux côtés de`. */
const INVESTORS_BEFORE = new RegExp(
  `(?:${alternatives(`led by, mene par, menee par, emmene par, pilote par, participation (?:from|de|d'), alongside,
    aux cotes de, backed by, including, joined by`)})\\s+$`,
);
const LIST_JOIN = /^(?:,\s*|\s+and\s+|\s+et\s+|,\s+and\s+)$/;
/** A company's own part in a round told in a later sentence: `X invested $1 billion`, `X joined the round`. */
const TOOK_PART = anyOf('invested, a investi, investit, joined the round, participated, a participe, contributed, put');

/** The investors a round's sentence lists after `led by` or `participation from`, in a chain. */
function investorsListed(ctx: ClaimContext, sentence: Sentence, after: number): Mention[] {
  const out: Mention[] = [];
  for (const c of sentence.mentions.filter((m) => isCompany(ctx)(m) && m.start > after)) {
    const anchored = INVESTORS_BEFORE.test(ctx.folded.slice(sentence.start, c.start));
    const chained = out.length > 0 && LIST_JOIN.test(ctx.folded.slice(out.at(-1)!.end, c.start));
    if (anchored || chained) out.push(c);
  }
  return out;
}

/**
 * A funding round: the company raising it (the company its sentence opens with) receives from the
 * investors listed after `led by`, `participation from`; in a later sentence a company that
 * `invested` or `joined the round` invests in the last round's company.
 */
function rounds(ctx: ClaimContext): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  let raiser: Mention | undefined;
  for (const sentence of ctx.sentences) {
    const opener = openingCompany(ctx, sentence);
    const cue = cuesIn(ctx, sentence, RAISES)[0];
    if (cue && opener) {
      raiser = opener;
      for (const c of investorsListed(ctx, sentence, cue.end)) {
        const quote = quoteOf(ctx, sentence, opener, cue, c);
        out.push(linkClaim('INVESTS_IN', refOf(c), refOf(opener), quote, 'investor-round', 0.55));
      }
      continue;
    }
    const took = cuesIn(ctx, sentence, TOOK_PART)[0];
    if (!took || !opener || !raiser || refKey(refOf(opener)) === refKey(refOf(raiser))) continue;
    if (/^\s+(?:in|dans)\b/.test(ctx.folded.slice(took.end))) continue;
    const paid = sentence.amounts.find((a) => a.kind === 'MONEY' && a.start >= took.end && a.start - took.end < 5);
    const properties = typeof paid?.usd === 'number' ? { amountUsd: paid.usd } : {};
    const quote = quoteOf(ctx, sentence, opener, took, ...(paid ? [paid] : []));
    out.push(linkClaim('INVESTS_IN', refOf(opener), refOf(raiser), quote, 'investor-round-share', 0.5, properties));
  }
  return out;
}

const KIND_NOUNS: [RegExp, string][] = [
  [
    anyOf(`utility, power (?:developer|producer|company), energy (?:company|group|developer), energeticien,
      producteur d'electricite, fournisseur d'electricite`),
    'ENERGY',
  ],
  [/\b(?:cloud (?:provider|company|customer)|fournisseur de cloud|hyperscaler)\b/, 'CLOUD_PROVIDER'],
  [/\b(?:chipmaker|chip (?:designer|maker)|fabricant de puces|fondeur)\b/, 'CHIPMAKER'],
  [
    anyOf(`investment (?:firm|fund|group), fund, fonds, asset manager, private equity, venture capital, investor,
      investisseur`),
    'INVESTOR',
  ],
  [/\b(?:newspaper|quotidien|news agency|agence de presse)\b/, 'MEDIA'],
  [/\b(?:ai lab|laboratoire d'ia|ai start-?up|start-?up d'ia)\b/, 'AI_LAB'],
];
/** A sentence opening on a company noun and two more words at most: `Le groupe japonais`, `Le fournisseur de cloud`. */
/** A describing phrase just before a name: `La start-up britannique Fluidstack`, `the regional utility X`. */
const BEFORE_NAME = /(?:^|[\s,;:(])((?:le|la|l'|les|the|a|an|un|une)\s+(?:[\p{L}'-]+\s+){1,4})$/u;

/** The country a phrase names: a nationality, or a place before `-based` (`Buenos Aires-based`). */
function countryIn(words: string): string | undefined {
  const based = /((?:[\p{L}]+ ){0,2}[\p{L}]+)-based\b/u.exec(words);
  if (based) {
    const names = based[1]!.split(' ');
    const found = names.map((_, i) => countryOf(names.slice(i).join(' '))).find(Boolean);
    if (found) return found;
  }
  return words
    .split(/[\s']+/)
    .map((w) => countryOf(w))
    .find(Boolean);
}

/** Kind and country from one describing phrase about a company. */
function described(ctx: ClaimContext, sentence: Sentence, company: Mention, phrase: { start: number; end: number }) {
  const out: CandidateClaimDraft[] = [];
  const words = ctx.folded.slice(phrase.start, phrase.end);
  const kind = KIND_NOUNS.find(([re]) => re.test(words));
  const quote = quoteOf(ctx, sentence, company, phrase);
  if (kind) out.push(fieldClaim(refOf(company), 'kind', kind[1], quote, 'company-described', 0.55));
  const country = countryIn(words);
  if (country) out.push(fieldClaim(refOf(company), 'country', country, quote, 'company-described', 0.5));
  return out;
}

/** What a company does, said right after its name, that gives its kind. */
const DOES: [RegExp, string][] = [
  [/^'s (?:\w+ )?cloud customer/, 'CLOUD_PROVIDER'],
  [
    new RegExp(
      `^,? (?:qui )?(?:${alternatives('fournit, fournira, fournissent, provides, will provide, sells')})` +
        `(?: deja| already)? (?:de la |des |du |the |its )?` +
        `(?:${alternatives('puissance de calcul, capacite de calcul, computing capacity, compute, cloud')})`,
    ),
    'CLOUD_PROVIDER',
  ],
  [
    new RegExp(
      `^,? (?:qui )?(?:${alternatives('fournit, fournira, va fournir, supplies, will supply, provides')})` +
        `(?: de)? (?:${alternatives("l'electricite, electricity, l'energie, electric power")})`,
    ),
    'ENERGY',
  ],
];
const POWERED_BY = /(?:alimentee?s?|powered|supplied) (?:par|by) $/;

/** The describing phrases and deeds around one company mention. */
function aroundCompany(ctx: ClaimContext, sentence: Sentence, company: Mention): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  const right = ctx.folded.slice(company.end, sentence.end);
  const left = ctx.folded.slice(sentence.start, company.start);
  const apposition = describingPhrase(right);
  if (apposition)
    out.push(...described(ctx, sentence, company, { start: company.end, end: company.end + apposition.length }));
  const before = BEFORE_NAME.exec(left);
  const phrase = before ? ctx.text.slice(company.start - before[1]!.length, company.start) : '';
  const clause =
    before && (/\s\p{Lu}/u.test(phrase) || AUXILIARY.test(before[1]!) || /\b(?:et|and)\b/.test(before[1]!));
  if (before && !clause) {
    out.push(...described(ctx, sentence, company, { start: company.start - phrase.length, end: company.start }));
  }
  for (const [re, kind] of DOES) {
    const deed = re.exec(right);
    if (!deed) continue;
    const quote = quoteOf(ctx, sentence, company, { start: company.end, end: company.end + deed[0].length });
    out.push(fieldClaim(refOf(company), 'kind', kind, quote, 'company-deed', 0.5));
  }
  if (POWERED_BY.test(left)) {
    const quote = quoteOf(ctx, sentence, { start: company.start - 15, end: company.start }, company);
    out.push(fieldClaim(refOf(company), 'kind', 'ENERGY', quote, 'company-powers', 0.5));
  }
  return out;
}

/** Describing phrases: next to a company, or opening a sentence about the last company named. */
function descriptions(ctx: ClaimContext): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  for (const sentence of ctx.sentences) {
    for (const company of sentence.mentions.filter(isCompany(ctx))) out.push(...aroundCompany(ctx, sentence, company));
    const opening = openingDescription(ctx, sentence);
    const last = opening && describedCompany(ctx, sentence);
    if (opening && last) {
      out.push(...described(ctx, sentence, last, opening));
    }
  }
  return out;
}

/** Every claim about companies and their leaders. */
export function companyClaims(ctx: ClaimContext): CandidateClaimDraft[] {
  return [...leaders(ctx), ...investments(ctx), ...rounds(ctx), ...descriptions(ctx)];
}
