/**
 * Candidate claims: what the rule families propose (deals, datacenters, projects, companies and
 * their leaders), each with its quote, the rule that found it and a confidence that says how
 * strong its cue is. A fact proposed twice is kept once, with its most confident proposal.
 */
import type { Amount } from './amounts.js';
import { claimContext, refKey } from './claim-context.js';
import { companyClaims } from './company-claims.js';
import type { DateSpan } from './dates.js';
import { dealClaims, dealReferences } from './deal-claims.js';
import type { CandidateClaimDraft, GazetteerEntry } from './extract.js';
import type { Mention } from './mentions.js';
import { projectClaims } from './project-claims.js';
import { siteClaims, siteReferences } from './site-claims.js';

/** What a claim states, whatever its quote: equal keys are one fact. */
function factKey(c: CandidateClaimDraft): string {
  if ('relationship' in c) return `${c.relationship} ${refKey(c.from)} ${refKey(c.to)}`;
  return `${refKey(c.subject)}.${c.field} ${JSON.stringify(c.value)}`;
}

export function findClaims(
  text: string,
  language: 'fr' | 'en',
  publishedOn: string,
  found: { mentions: Mention[]; amounts: Amount[]; dates: DateSpan[] },
  gazetteer: GazetteerEntry[],
): CandidateClaimDraft[] {
  const ctx = claimContext(text, language, publishedOn, found, gazetteer);
  const deals = dealReferences(ctx);
  const sites = siteReferences(ctx, deals);
  const usedPower = new Set<number>();
  const proposed = [
    ...dealClaims(ctx, deals),
    ...siteClaims(ctx, sites, usedPower),
    ...projectClaims(ctx, deals, sites, usedPower),
    ...companyClaims(ctx),
  ];
  const best = new Map<string, CandidateClaimDraft>();
  for (const claim of proposed) {
    const key = factKey(claim);
    const kept = best.get(key);
    if (!kept || claim.confidence > kept.confidence) best.set(key, claim);
  }
  return [...best.values()].sort((a, b) => a.quote.start - b.quote.start);
}
