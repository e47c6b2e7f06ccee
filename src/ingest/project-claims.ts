/**
 * Claims about projects. The project a sentence speaks of is one it names, or the one named in
 * the sentence before (`L’engagement affiché : 500 milliards` after `le projet Stargate`); for a
 * power target, the last one named at all (`l’ensemble devait consommer 10 gigawatts`). A money
 * figure beside a pledge word (`engagement`, `pledge`, `commit`) is its pledge, or its first
 * year's budget when the sentence dates it to one year (`engagés en 2025`); a power figure no
 * company, site or plant claims is its target; an announcing verb with a date gives its
 * announcement day and the people who announced it; a financing word beside a company makes that
 * company its financier; `n’a démarré`, `stalled` and the like its status.
 */
import {
  type ClaimContext,
  cueIn,
  fieldClaim,
  kindOfMention,
  linkClaim,
  quoteOf,
  refKey,
  refOf,
  type Sentence,
} from './claim-context.js';
import type { DealReference } from './deal-claims.js';
import { anyOf } from './fold.js';
import type { SiteReference } from './site-claims.js';
import type { CandidateClaimDraft } from './extract.js';
import type { Mention } from './mentions.js';

const projectsIn = (ctx: ClaimContext, sentence: Sentence | undefined) =>
  sentence?.mentions.filter((m) => kindOfMention(ctx, m) === 'Project') ?? [];

/** The document's main project: the one named most often, the first named on a tie. */
function topicProject(ctx: ClaimContext): Mention | undefined {
  const projects = ctx.mentions.filter((m) => kindOfMention(ctx, m) === 'Project');
  const count = (m: Mention) => projects.filter((p) => refKey(refOf(p)) === refKey(refOf(m))).length;
  return projects.reduce<Mention | undefined>(
    (best, m) => (best === undefined || count(m) > count(best) ? m : best),
    undefined,
  );
}

/**
 * The project a sentence speaks of: the one it names, or else one named in the sentence before
 * (the main project if it is among them, the first named otherwise).
 */
function projectOf(ctx: ClaimContext, sentence: Sentence): Mention | undefined {
  const named = projectsIn(ctx, sentence)[0];
  if (named) return named;
  const before = projectsIn(ctx, ctx.sentences[sentence.index - 1]);
  const topic = topicProject(ctx);
  return before.find((m) => topic && refKey(refOf(m)) === refKey(refOf(topic))) ?? before[0];
}

const PLEDGE = /\b(?:engag\w*|pledge\w*|promis\w*|commit\w*|mobilis\w*|consacr\w*|invest\w*)\b/;
const YEAR = /^(\d{4})-01-01$/;

/** Money beside a pledge word: the pledge, or the first year's budget when dated to one year. */
function pledges(ctx: ClaimContext, sentence: Sentence, project: Mention): CandidateClaimDraft[] {
  const cue = cueIn(ctx, sentence, PLEDGE);
  if (!cue) return [];
  const year = sentence.dates.find((d) => d.from && YEAR.test(d.from) && d.to === `${d.from.slice(0, 4)}-12-31`);
  return sentence.amounts.flatMap((a) => {
    if (a.kind !== 'MONEY' || typeof a.usd !== 'number') return [];
    const field = year ? 'firstYearUsd' : 'pledgedUsd';
    const quote = quoteOf(ctx, sentence, cue, a, ...(year ? [year] : []));
    const confidence = sentence.mentions.includes(project) ? 0.7 : 0.55;
    return [fieldClaim(refOf(project), field, a.usd, quote, `project-${field}`, confidence, a.approximate)];
  });
}

const SUPPLY =
  /\b(?:supply|supplies|electricit\w*|generation|plants?|centrales?|solar|gas|wind|grid|reseau|batter\w*)\b/;

/** A power figure in a sentence naming no company and no site: the target of the main project. */
function powerTargets(ctx: ClaimContext, sentence: Sentence, claimed: Set<number>): CandidateClaimDraft[] {
  const project = topicProject(ctx);
  const others = sentence.mentions.some((m) => ['Company', 'Datacenter'].includes(kindOfMention(ctx, m)!));
  if (!project?.entity || others || SUPPLY.test(ctx.folded.slice(sentence.start, sentence.end))) return [];
  return sentence.amounts.flatMap((a) => {
    if (a.kind !== 'POWER' || claimed.has(a.start)) return [];
    const quote = quoteOf(ctx, sentence, a);
    return [fieldClaim(project.entity!, 'targetPowerMw', a.mw, quote, 'project-power-target', 0.45, a.approximate)];
  });
}

/** A verb of saying announces a project the sentence names for the first time. */
const SAID = /\b(?:said|says|a indique|a declare|a fait savoir)\b/;
const sameEntity = (a: Mention, b: Mention) => refKey(refOf(a)) === refKey(refOf(b));
const ANNOUNCE = /\b(?:presentait|presente|a presente|annonce\w*|announc\w*|unveil\w*|devoil\w*|lanc\w*|launch\w*)\b/;

/** An announcing verb beside a project and a date: the announcement day, and who announced it. */
function announcements(ctx: ClaimContext, sentence: Sentence): CandidateClaimDraft[] {
  const project = projectsIn(ctx, sentence)[0];
  if (!project) return [];
  const firstNamed =
    project.entity === null && !ctx.mentions.some((m) => m.start < project.start && sameEntity(m, project));
  const cue = cueIn(ctx, sentence, ANNOUNCE) ?? (firstNamed ? cueIn(ctx, sentence, SAID) : undefined);
  if (!cue) return [];
  const dated = sentence.dates.filter((d) => d.from !== null && d.to !== null);
  const date = dated.reduce<(typeof dated)[number] | undefined>(
    (best, d) => (best === undefined || Math.abs(d.start - cue.start) < Math.abs(best.start - cue.start) ? d : best),
    undefined,
  );
  const out: CandidateClaimDraft[] = [];
  const on = date && (date.from === date.to ? date.from : { from: date.from, to: date.to });
  if (date) {
    out.push(
      fieldClaim(refOf(project), 'announcedOn', on, quoteOf(ctx, sentence, date, project), 'project-announced', 0.6),
    );
  }
  const opener = sentence.mentions[0];
  const saidBy =
    opener &&
    kindOfMention(ctx, opener) === 'Company' &&
    ctx.folded.slice(opener.end, cue.start).split(/\s+/).length <= 4;
  const announcers = sentence.mentions.filter((m) => kindOfMention(ctx, m) === 'Person' || (saidBy && m === opener));
  for (const person of announcers) {
    const quote = quoteOf(ctx, sentence, person, project);
    out.push(
      linkClaim('ANNOUNCED', refOf(person), refOf(project), quote, 'project-announced-by', 0.5, on ? { on } : {}),
    );
  }
  return out;
}

const ROLES: [RegExp, string][] = [
  [/\b(?:financ\w*|fonds|funds|funding|bailleurs?|backer)\b/, 'financier'],
  [/\b(?:exploitant|operator|exploit\w*|operat\w*|run|runs|will run)\b/, 'operator'],
  [/\b(?:technolog\w*)\b/, 'technology'],
  [/\b(?:chef de file|lead partner|leads? the project)\b/, 'lead'],
];

/**
 * The company a sentence opens with (within its first three words) beside a financing (or
 * operating, technology, lead) word takes part, in that role, in the project the sentence names
 * or else the main one; running a datacenter the sentence names is operating it, not the project.
 */
function participants(ctx: ClaimContext, sentence: Sentence, sites: SiteReference[]): CandidateClaimDraft[] {
  const opening = ctx.folded.slice(sentence.start, sentence.end).split(/\s+/).slice(0, 3).join(' ').length;
  const company = sentence.mentions.find(
    (m) => kindOfMention(ctx, m) === 'Company' && m.start < sentence.start + opening,
  );
  const project = projectsIn(ctx, sentence)[0] ?? topicProject(ctx);
  if (!company || !project) return [];
  for (const [re, role] of ROLES) {
    const cue = cueIn(ctx, sentence, re);
    if (!cue || (role === 'operator' && sites.some((r) => r.sentence === sentence))) continue;
    const quote = quoteOf(ctx, sentence, company, cue);
    const claim = linkClaim('PARTICIPATES_IN', refOf(company), refOf(project), quote, 'project-participant', 0.5, {
      role,
    });
    return [claim];
  }
  return [];
}

/** `le Stargate de SoftBank et d'OpenAI`, `SoftBank and OpenAI's Stargate`: the companies take part in it. */
function owners(ctx: ClaimContext, sentence: Sentence): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  const companies = sentence.mentions.filter((m) => kindOfMention(ctx, m) === 'Company');
  for (const project of projectsIn(ctx, sentence)) {
    let end = project.end;
    for (const c of companies.filter((m) => m.start >= project.end)) {
      if (!/^(?: de | d'|,? et de |,? et d'| and |, )$/.test(ctx.folded.slice(end, c.start))) break;
      out.push(
        linkClaim('PARTICIPATES_IN', refOf(c), refOf(project), quoteOf(ctx, sentence, project, c), 'project-of', 0.5),
      );
      end = c.end;
    }
    let start = project.start;
    for (const c of companies.filter((m) => m.end <= project.start).reverse()) {
      if (!/^(?:'s |’s | and |, )$/.test(ctx.folded.slice(c.end, start))) break;
      out.push(
        linkClaim('PARTICIPATES_IN', refOf(c), refOf(project), quoteOf(ctx, sentence, c, project), 'project-of', 0.5),
      );
      start = c.start;
    }
  }
  return out;
}

const STATUSES: [RegExp, string][] = [
  [
    anyOf("n'a demarre, n'ont demarre, au point mort, stalled, has not started, hasn't started, stagne, pietine"),
    'STALLED',
  ],
  [/\b(?:annule|abandonne|cancelled|canceled|scrapped|abandoned)\b/, 'CANCELLED'],
];

function statuses(ctx: ClaimContext, sentence: Sentence): CandidateClaimDraft[] {
  const project = sentence.mentions.find((m) => kindOfMention(ctx, m) === 'Project');
  if (!project) return [];
  return STATUSES.flatMap(([re, status]) => {
    const cue = cueIn(ctx, sentence, re);
    return cue
      ? [fieldClaim(refOf(project), 'status', status, quoteOf(ctx, sentence, cue, project), 'project-status', 0.5)]
      : [];
  });
}

/** Every claim about projects; power figures already claimed by a site are left to it. */
export function projectClaims(
  ctx: ClaimContext,
  deals: DealReference[],
  sites: SiteReference[],
  claimedPower: Set<number>,
): CandidateClaimDraft[] {
  const out: CandidateClaimDraft[] = [];
  for (const sentence of ctx.sentences) {
    const project = projectOf(ctx, sentence);
    const aboutDeal = deals.some((r) => r.sentence === sentence);
    if (project && !aboutDeal) out.push(...pledges(ctx, sentence, project));
    out.push(...participants(ctx, sentence, sites), ...owners(ctx, sentence));
    out.push(...powerTargets(ctx, sentence, claimedPower), ...announcements(ctx, sentence), ...statuses(ctx, sentence));
  }
  return out;
}
