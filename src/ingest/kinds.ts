/**
 * A new entity's kind, from the words around its mentions. Each mention scores the kinds by its
 * cues: a given name or a title makes a person; a company word ending the name (`Energy`,
 * `Journal`), a describing noun beside it (`the regional utility`, `la société`) or `analysts at`
 * makes a company; a site noun beside it (`the Fairwater campus`, `baptisé`, `a campus in`) makes a
 * datacenter; `projet`/`project` before it makes a project. A mention may also score as a place
 * (`à Beauharnois`, `X, Wisconsin`, `Houston-based`): a name whose place score beats every kind is
 * no entity at all. Without any cue, an organisation is the likeliest thing a name is.
 */
import { alternatives, sentences } from './fold.js';
import { COMPANY_NOUNS, COMPANY_WORDS, GIVEN_NAMES, PERSON_ROLES, SITE_WORDS } from './lexicon.js';
import type { EntityKind } from './mentions.js';
import type { Candidate } from './names.js';
import { PLACES } from './places.js';

export type Evidence = Record<EntityKind | 'Place', number>;

const none = (): Evidence => ({ Person: 0, Company: 0, Project: 0, Datacenter: 0, Deal: 0, Place: 0 });

/** Folded words of a phrase; apostrophes and hyphens split them (`openai's` → `openai`, `s`). */
const wordsOf = (phrase: string) => phrase.split(/[\s'’,-]+/).filter(Boolean);

/** Whether a phrase holds one of the words or phrases (up to three words) of a list. */
const holds = (list: ReadonlySet<string>, phrase: string) => {
  const words = wordsOf(phrase);
  return words.some((_, i) => [1, 2, 3].some((n) => list.has(words.slice(i, i + n).join(' '))));
};

/** The apposition after a name (`, patron d'OpenAI,`): its first six words. */
const apposition = (right: string) => {
  const m = /^,\s+([^,.;:()]*)/.exec(right);
  return m ? wordsOf(m[1]!).slice(0, 6).join(' ') : '';
};

/**
 * An apposition that describes with an article, up to a comma or a relative pronoun and at most
 * eight words: `, a Houston-based power developer,`, `, a campus in Shackelford County that`.
 */
const description = (right: string) => wordsOf(describingPhrase(right) ?? '').join(' ');

/** The describing apposition at the start of `right` (folded), comma included, or null. */
export function describingPhrase(right: string): string | null {
  const m = DESCRIPTION.exec(right);
  return m && wordsOf(m[1]!).length <= 8 ? m[0] : null;
}
const DESCRIPTION = new RegExp(
  `^,\\s+((?:${alternatives("a, an, the, its, their, un, une, le, la, l', les, son, sa, ses, leur")})\\b` +
    `(?:[^,.;:()]|[.,](?=\\d))*?)` +
    `(?=\\s(?:${alternatives('that, which, who, whose, qui, que, dont, where')})\\b|[,.](?!\\d)|[;:()]|$)`,
);

/** A noun phrase ending just before a name: `The state's grid operator, `, `la société `. */
const NOUN_PHRASE_END =
  /(?:^|\s)((?:the|a|an|le|la|l'|un|une|its|son|sa|leur|their)\s+(?:[^\s,]+\s+){0,2}?)([^\s,']+),?\s*$/;
/** Verbs that make a phrase a clause, not a description: `the money will fund X`. */
export const AUXILIARY = /\b(?:will|would|can|could|has|have|had|is|are|was|were|a|ont|est|sont|va|vont|doit|peut)\b/;

const PERSON_LEFT = /(?:dirige|dirigee|preside|presidee|fonde|fondee|led|headed|chaired|founded|run) (?:par|by) $/;
const LEADER_OF = /(?:le groupe|la societe|l'entreprise|la firme|la start-up|le fonds) de $/;
const ANALYSTS_AT = /(?:analysts?|economists?|strategists?|researchers?|analystes?|economistes?) (?:at|from|chez) $/;
const POWERED_BY = /(?:alimente|alimentee|alimentes|alimentees|powered|supplied|fourni|fournie) (?:par|by) $/;
const SITE_RIGHT = /^ (?:campus|site|data ?cent(?:er|re)s?|datacenters?|facility)\b/;
const SITE_LEFT = /(?:campus|site|centre de donnees|data cent(?:er|re)|datacenter)(?: de| d')? ?$/;
const NAMED = /(?:baptise|baptisee|nomme|nommee|denomme|appele|appelee|named|dubbed|called|known as) $/;
const PROJECT_LEFT = /(?:projet|project|programme|program|initiative) $/;
const PLACE_LEFT = /(?:^|[\s'])(?:near|outside|pres de|a|au|aux|en|in|dans)\s$/;
/** Verbs that make `à X` a recipient, not a place: `fournit de la puissance de calcul à X`. */
const GIVES_TO =
  /\b(?:lou\w+|vend\w*|fourni\w*|vers\w*|cede\w*|attribu\w*|propos\w*|offr\w*|livr\w*|factur\w*|pret\w*)\b[^,.;]*$/;
const STAKE_IN = /(?:invest\w*|stake|shares|interest|participation|investi\w*) (?:in|dans) $/;
const TOWN_OF =
  /(?:ville|city|town|village|commune|county|comte|region|province|state|etat|municipalite) (?:de |d'|of )?$/;

/** The person cues of one mention. */
function personScore(c: Candidate, left: string, right: string): number {
  let score = c.titled ? 3 : 0;
  if (GIVEN_NAMES.has(c.words[0]!) && c.words.length >= 2 && c.words.length <= 3) score += 3;
  if (holds(PERSON_ROLES, apposition(right))) score += 3;
  const before = wordsOf(left.slice(left.search(/[^.;:]*$/))).slice(-4);
  const roleBefore = before.some((w) => PERSON_ROLES.has(w));
  if ((roleBefore && /,\s$/.test(left)) || PERSON_ROLES.has(before.at(-1) ?? '')) score += 3;
  if (PERSON_LEFT.test(left) || LEADER_OF.test(left)) score += 3;
  return score;
}

/** The company cues of one mention. */
function companyScore(c: Candidate, left: string, right: string, written: string): number {
  let score = 0;
  if (c.words.length >= 2 && COMPANY_WORDS.has(c.words.at(-1)!)) score += 3;
  if (c.words.length === 1 && /^\p{Lu}{2,}$/u.test(written)) score += 2;
  const described = description(right);
  if (holds(COMPANY_NOUNS, described) && !holds(SITE_WORDS, described)) score += 3;
  const nounPhrase = NOUN_PHRASE_END.exec(left);
  if (nounPhrase && COMPANY_NOUNS.has(nounPhrase[2]!) && !AUXILIARY.test(nounPhrase[1]!)) score += 3;
  if (ANALYSTS_AT.test(left)) score += 4;
  if (POWERED_BY.test(left)) score += 3;
  else if (/\b(?:by|par) $/.test(left)) score += 1;
  return score;
}

/** The datacenter cues of one mention, given whether its sentence speaks of sites. */
function datacenterScore(left: string, right: string, siteSentence: boolean): number {
  let score = 0;
  if (SITE_RIGHT.test(right) || SITE_LEFT.test(left)) score += 4;
  if (NAMED.test(left) && siteSentence) score += 4;
  if (holds(SITE_WORDS, description(right))) score += 4;
  if (/\bat $/.test(left) && siteSentence && !ANALYSTS_AT.test(left)) score += 2;
  return score;
}

/** The place cues of one mention. */
function placeScore(left: string, right: string): number {
  let score = 0;
  if (PLACE_LEFT.test(left) && !STAKE_IN.test(left) && !GIVES_TO.test(left)) score += 2;
  if (TOWN_OF.test(left)) score += 3;
  const after = /^, ((?:[\p{L}-]+ ?){1,3})/u.exec(right);
  if (after && wordsOf(after[1]!).some((_, i, ws) => PLACES.has(ws.slice(0, i + 1).join(' ')))) score += 3;
  if (/^-(?:based|area)\b/.test(right)) score += 3;
  return score;
}

/** What the words around one mention say of its kind. */
export function nameEvidence(text: string, folded: string, c: Candidate): Evidence {
  const sentence = sentences(text).find((s) => s.start <= c.start && c.start < s.end) ?? { start: 0, end: text.length };
  const left = folded.slice(Math.max(sentence.start, c.start - 80), c.start);
  const right = folded.slice(c.end, Math.min(sentence.end, c.end + 100));
  const siteSentence = holds(SITE_WORDS, folded.slice(sentence.start, sentence.end));
  const evidence = none();
  evidence.Person = personScore(c, left, right);
  evidence.Company = companyScore(c, left, right, text.slice(c.start, c.end));
  evidence.Datacenter = datacenterScore(left, right, siteSentence);
  evidence.Project = PROJECT_LEFT.test(left) ? 4 : 0;
  evidence.Place = placeScore(left, right);
  return evidence;
}

/** The kind all of an entity's mentions point to, or null when they point to a place. */
export function kindOf(evidence: Evidence[]): EntityKind | null {
  const total = none();
  for (const e of evidence) for (const k of Object.keys(total) as (keyof Evidence)[]) total[k] += e[k];
  const kinds: EntityKind[] = ['Person', 'Datacenter', 'Project', 'Company'];
  const best = kinds.reduce((a, b) => (total[b] > total[a] ? b : a));
  if (total.Place > total[best]) return null;
  return total[best] > 0 ? best : 'Company';
}
