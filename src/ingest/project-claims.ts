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
  cuesIn,
  describedCompany,
  fieldClaim,
  kindOfMention,
  linkClaim,
  openingCompany,
  openingDescription,
  quoteOf,
  refKey,
  refOf,
  type Sentence,
} from './claim-context.js';
import type { Amount } from './amounts.js';
import type { DealReference } from './deal-claims.js';
import type { CandidateClaimDraft } from './extract.js';
import { anyOf, type Span } from './fold.js';
import type { Mention } from './mentions.js';
import type { SiteReference } from './site-claims.js';

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

const PHASE = /\b(?:tranche|phase|stage|etape)\b/;
const CAPACITY = /\b(?:capacit[ey]|puissance|will have|aura|reach\w*|atteindr\w*|vise|aims?)\b/;
const APPOSITION = /^,\s+(?:a|an|the|un|une|le|la|l')\b[^,;:]*$/;

/**
 * Whether a power figure after a project's name describes it: in the apposition that follows the
 * name (`Stargate UAE, a 1 GW cluster`), or after a capacity word in the same clause.
 */
function describesProject(ctx: ClaimContext, project: Mention, a: Amount): boolean {
  if (project.end > a.start) return false;
  const between = ctx.folded.slice(project.end, a.start);
  if (between.length >= 100) return false;
  return APPOSITION.test(between) || (!/[,;:]/.test(between) && CAPACITY.test(between));
}

/**
 * A power figure (not a plant's, not a first phase's) is the target of the project it describes
 * (`Stargate Italia, un projet ... d'une capacité de 1 GW`), or, in a sentence naming no company,
 * site or plant, of the main project (`l'ensemble devait consommer 10 gigawatts`).
 */
function powerTargets(ctx: ClaimContext, sentence: Sentence, claimed: Set<number>): CandidateClaimDraft[] {
  const main = topicProject(ctx);
  const others = sentence.mentions.some((m) => ['Company', 'Datacenter'].includes(kindOfMention(ctx, m)!));
  const supply = SUPPLY.test(ctx.folded.slice(sentence.start, sentence.end));
  return sentence.amounts.flatMap((a) => {
    const around = ctx.folded.slice(Math.max(sentence.start, a.start - 30), a.end + 30);
    if (a.kind !== 'POWER' || claimed.has(a.start) || PHASE.test(around)) return [];
    const named = projectsIn(ctx, sentence).find((p) => describesProject(ctx, p, a));
    const project = named ?? (main && !others && !supply ? main : undefined);
    if (!project) return [];
    const quote = quoteOf(ctx, sentence, ...(named ? [named] : []), a);
    const rule = named ? 'project-power-described' : 'project-power-target';
    return [fieldClaim(refOf(project), 'targetPowerMw', a.mw, quote, rule, named ? 0.55 : 0.45, a.approximate)];
  });
}

/** A verb of saying announces a project the sentence names for the first time. */
const SAID = /\b(?:said|says|a indique|a declare|a fait savoir)\b/;
const sameEntity = (a: Mention, b: Mention) => refKey(refOf(a)) === refKey(refOf(b));
const ANNOUNCE = /\b(?:presentait|presente|a presente|annonce\w*|announc\w*|unveil\w*|devoil\w*|lanc\w*|launch\w*)\b/;

/** An announcing verb beside a project and a date: the announcement day, and who announced it. */
/** Companies that say or announce: those just before the verb, with the ones listed with them. */
function announcingCompanies(ctx: ClaimContext, sentence: Sentence, cue: Span): Mention[] {
  const companies = sentence.mentions.filter((m) => kindOfMention(ctx, m) === 'Company' && m.end <= cue.start);
  const last = companies.at(-1);
  const between = last && ctx.folded.slice(last.end, cue.start);
  if (!last || /[,;:]/.test(between!) || between!.split(/\s+/).filter(Boolean).length > 3) return [];
  const out = [last];
  for (const c of companies.slice(0, -1).reverse()) {
    if (!/^(?:,\s*|\s+and\s+|\s+et\s+)$/.test(ctx.folded.slice(c.end, out[0]!.start))) break;
    out.unshift(c);
  }
  return out;
}

/**
 * An announcing verb (or a verb of saying, for a project named for the first time) beside a
 * project: its announcement day from the date nearest the verb, and who announced it (the people
 * the sentence names, the companies just before the verb).
 */
function announcements(ctx: ClaimContext, sentence: Sentence): CandidateClaimDraft[] {
  const projects = projectsIn(ctx, sentence);
  const firstNamed = (p: Mention) =>
    p.entity === null && !ctx.mentions.some((m) => m.start < p.start && sameEntity(m, p));
  const cue = cueIn(ctx, sentence, ANNOUNCE) ?? (projects.some(firstNamed) ? cueIn(ctx, sentence, SAID) : undefined);
  if (projects.length === 0 || !cue) return [];
  const project =
    projects.findLast((p) => p.start < cue.start && /^,?\s*$/.test(ctx.folded.slice(p.end, cue.start))) ?? projects[0]!;
  const date = nearest(
    cue,
    sentence.dates.filter((d) => d.from !== null && d.to !== null),
  );
  const out: CandidateClaimDraft[] = [];
  const on = date && (date.from === date.to ? date.from : { from: date.from, to: date.to });
  if (date) {
    const quote = quoteOf(ctx, sentence, date, project);
    out.push(fieldClaim(refOf(project), 'announcedOn', on, quote, 'project-announced', 0.6));
  }
  const people = sentence.mentions.filter((m) => kindOfMention(ctx, m) === 'Person');
  for (const by of [...people, ...announcingCompanies(ctx, sentence, cue)]) {
    const quote = quoteOf(ctx, sentence, by, project);
    out.push(linkClaim('ANNOUNCED', refOf(by), refOf(project), quote, 'project-announced-by', 0.5, on ? { on } : {}));
  }
  return out;
}

/** The item of `list` whose start is closest to `to`'s. */
const nearest = <T extends { start: number }>(to: { start: number }, list: T[]) =>
  list.reduce<T | undefined>(
    (best, x) => (best === undefined || Math.abs(x.start - to.start) < Math.abs(best.start - to.start) ? x : best),
    undefined,
  );

const ROLES: [RegExp, string][] = [
  [anyOf('financ\\w*, fonds, funds, funding, bailleurs?, backer'), 'financier'],
  [
    anyOf('exploitant, exploit(?:e|era|ent|eront|er), operates?, operated, will operate, run, runs, will run'),
    'operator',
  ],
  [
    anyOf(`technolog\\w*, apporter\\w* (?:ses|sa|leurs?) (?:modeles|technologies?|puces),
    (?:provide|bring)s? (?:its|their) (?:models|technology|chips)`),
    'technology',
  ],
  [anyOf('chef de file, lead partner, leads? the project'), 'lead'],
];
/** Words of a company raising money for itself, which is investment in it, not in a project. */
const RAISING = anyOf('raised, raises, raising, a leve, leve, levee de fonds, tour de table, round');
/** An apposition a role word may sit in: `SoftBank, Stargate's main financial backer`. */
const ROLE_APPOSITION = /^,\s+(?:the|a|an|its|le|la|l'|un|une|son|sa|which|who|qui|dont|[\p{L}]+'s)\b[^,;:]*$/u;

/**
 * The companies a role word is about: those just before it with no comma between (or with the word
 * in their apposition), those just after it, or else the company the sentence is about.
 */
function rolePlayers(ctx: ClaimContext, sentence: Sentence, cue: Span): Mention[] {
  const near = sentence.mentions.filter((c) => {
    if (kindOfMention(ctx, c) !== 'Company') return false;
    const before = c.end <= cue.start;
    const gap = before ? ctx.folded.slice(c.end, cue.start) : ctx.folded.slice(cue.end, c.start);
    return gap.length <= 40 && (!/[,;:]/.test(gap) || (before && ROLE_APPOSITION.test(gap)));
  });
  if (near.length > 0) return near;
  const description = openingDescription(ctx, sentence);
  if (description && cue.start < description.end) return [];
  const subject = openingCompany(ctx, sentence) ?? (description && describedCompany(ctx, sentence));
  return subject ? [subject] : [];
}

/**
 * A company beside a financing, operating, technology or lead word takes part, in that role, in
 * the project the sentence names or else the main one. Running a datacenter the sentence names is
 * operating it, not the project; raising money is being invested in.
 */
function participants(ctx: ClaimContext, sentence: Sentence, sites: SiteReference[]): CandidateClaimDraft[] {
  const project = projectsIn(ctx, sentence)[0] ?? topicProject(ctx);
  if (!project || cueIn(ctx, sentence, RAISING)) return [];
  const out: CandidateClaimDraft[] = [];
  for (const [re, role] of ROLES) {
    if (role === 'operator' && sites.some((r) => r.sentence === sentence)) continue;
    for (const cue of cuesIn(ctx, sentence, re)) {
      for (const company of rolePlayers(ctx, sentence, cue)) {
        const quote = quoteOf(ctx, sentence, company, cue);
        const properties = { role };
        out.push(linkClaim('PARTICIPATES_IN', refOf(company), refOf(project), quote, 'project-role', 0.5, properties));
      }
    }
  }
  return out;
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
