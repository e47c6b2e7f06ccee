/**
 * New entities: the proper names the gazetteer does not hold. A name is a run of capitalised
 * words (hyphen compounds whole: `Rivière-Noire`), cut at known mentions, products, months and
 * units; a sentence's first word counts only if the document also capitalises it elsewhere. Places
 * are not entities (by the place lists, `X County`, `Mount X`, `X, Texas`, `X-based`, `near X`).
 * A later short form (`Brazos Peak`, `Intrator`) carries the full name it abbreviates, and each new
 * entity gets one kind, from the evidence around all its mentions (see `kinds.ts`).
 */
import { alternatives, isUpper, isWordChar, sentences } from './fold.js';
import { type Evidence, kindOf, nameEvidence } from './kinds.js';
import {
  CALENDAR_WORDS,
  COMMON_CAPITALISED,
  COMPANY_WORDS,
  FUNCTION_WORDS,
  openingWords,
  PRODUCTS,
  TITLES,
} from './lexicon.js';
import type { EntityKind, Mention } from './mentions.js';
import { DEMONYMS, DIRECTIONS, PLACE_HEADS, PLACE_SUFFIXES, PLACES } from './places.js';

interface Word {
  start: number;
  end: number;
  folded: string;
  /** Capitalised, without digits, and not part of a known mention. */
  capital: boolean;
  /** The first word of its sentence. */
  initial: boolean;
}

/** A run of capitalised words that may name a new entity. */
export interface Candidate {
  start: number;
  end: number;
  words: string[];
  /** Preceded by a title (`President`, `Sheikh`): a person. */
  titled: boolean;
}

const ELISIONS = new Set(['l', 'd', 'qu', 'j', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
/** Words that end a name without being part of one. */
const isBreaker = (w: string) => PRODUCTS.has(w) || CALENDAR_WORDS.has(w) || DEMONYMS.has(w) || TITLES.has(w);

/** The text's words: hyphen compounds of capitalised parts joined, elided articles dropped. */
function textWords(text: string, folded: string, known: Mention[]): Word[] {
  const pieces = [...text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
  const starts = sentences(text).map((s) => s.start);
  const words: Word[] = [];
  for (let k = 0; k < pieces.length; k++) {
    const start = pieces[k]!.start;
    let end = pieces[k]!.end;
    if (text[end] === "'" || text[end] === '’') {
      if (ELISIONS.has(folded.slice(start, end)) && isWordChar(text[end + 1])) continue;
    }
    while (pieces[k + 1]?.start === end + 1 && /[-&]/.test(text[end]!) && isUpper(text[end + 1]))
      end = pieces[++k]!.end;
    const inKnown = known.some((m) => m.start < end && start < m.end);
    const capital = isUpper(text[start]) && !/\p{N}/u.test(text.slice(start, end)) && !inKnown;
    const initial = /^["«“(\s]*$/u.test(text.slice(sentenceStart(starts, start), start));
    words.push({ start, end, folded: folded.slice(start, end), capital, initial });
  }
  return words;
}

/** Where the sentence holding `at` starts, among the sentences' starts in text order. */
const sentenceStart = (starts: number[], at: number) => starts.findLast((s) => s <= at) ?? 0;

/** Lower-case words inside a name, between capitalised ones: `Tahnoon bin Zayed`, `Bank of America`. */
const PARTICLES = new Set([
  'bin',
  'ben',
  'ibn',
  'bint',
  'al',
  'el',
  'van',
  'von',
  'der',
  'den',
  'da',
  'di',
  'del',
  'of',
]);
/** What may separate two words of one name. */
const joins = (gap: string) => gap === ' ' || gap === ' & ' || (/^ \S+ $/.test(gap) && PARTICLES.has(gap.trim()));

/** Runs of capitalised words joined by spaces, `&` or particles, cut at breakers; leading titles noted. */
function runs(text: string, words: Word[]): { words: Word[]; titled: boolean }[] {
  const out: { words: Word[]; titled: boolean }[] = [];
  let run: Word[] = [];
  let titled = false;
  const close = () => {
    if (run.length > 0) out.push({ words: run, titled });
    run = [];
    titled = false;
  };
  for (const [k, w] of words.entries()) {
    const previous = run.at(-1);
    if (!w.capital) {
      const next = words[k + 1];
      const inside = previous && next?.capital && joins(text.slice(previous.end, next.start));
      if (!inside) close();
      titled = titled && inside === true;
      continue;
    }
    if (previous && !joins(text.slice(previous.end, w.start))) close();
    if (isBreaker(w.folded)) {
      close();
      titled = TITLES.has(w.folded);
      continue;
    }
    run.push(w);
  }
  close();
  return out;
}

/** True when a run of folded words is a place rather than an entity. */
function isPlace(words: string[]): boolean {
  const whole = words.join(' ');
  if (PLACES.has(whole)) return true;
  if (words.length < 2) return false;
  if (PLACE_HEADS.has(words[0]!) || PLACE_SUFFIXES.has(words.at(-1)!)) return true;
  return DIRECTIONS.has(words[0]!) && PLACES.has(words.slice(1).join(' '));
}

/** True when a lone capitalised word is a common one: listed, or written in lower case elsewhere. */
function isCommonWord(word: string, folded: string, text: string): boolean {
  const listed = [COMMON_CAPITALISED, COMPANY_WORDS, FUNCTION_WORDS, DIRECTIONS].some((list) => list.has(word));
  if (listed) return true;
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu');
  return [...folded.matchAll(re)].some((m) => !isUpper(text[m.index]));
}

/**
 * What makes a sentence's lone first word a name: a name coordinated with it, a description or a
 * relative clause after it (`Nvidia, dont les puces`), or a verb of saying (`Crusoe said`).
 */
const DESCRIBING_WORDS = alternatives(`a, an, the, un, une, le, la, l['’], its, son, sa,
  dont, qui, which, who, whose`);
const NAME_FOLLOWS = new RegExp(
  `^(?: (?:et|and|&) \\p{Lu}|, (?:${DESCRIBING_WORDS}) ` +
    `| (?:${alternatives('said, says, told, announced, a annoncé, a indiqué, a déclaré')})\\b)`,
  'u',
);

/**
 * A run that opens a sentence with a function word of the text's language loses that word, unless
 * the whole run also appears inside a sentence (`Sur Energy`).
 */
function withoutOpeningWord(r: { words: Word[]; titled: boolean }, inside: Set<string>, language: 'fr' | 'en') {
  const [first] = r.words;
  if (!first?.initial || !openingWords(language).has(first.folded)) return r;
  if (r.words.length > 1 && inside.has(r.words.map((w) => w.folded).join(' '))) return r;
  return { ...r, words: r.words.slice(1).map((w) => ({ ...w, initial: false })) };
}

/** The candidates: runs that are no place, no common word, and no unconfirmed sentence opener. */
function candidates(text: string, folded: string, known: Mention[], language: 'fr' | 'en'): Candidate[] {
  const words = textWords(text, folded, known);
  const all = runs(text, words);
  const inside = new Set(all.filter((r) => !r.words[0]!.initial).map((r) => r.words.map((w) => w.folded).join(' ')));
  const found = all.map((r) => withoutOpeningWord(r, inside, language)).filter((r) => r.words.length > 0);
  const confirmed = new Set(found.flatMap((r) => r.words.filter((w) => !w.initial).map((w) => w.folded)));
  const out: Candidate[] = [];
  for (const r of found) {
    const names = r.words.map((w) => w.folded);
    if (isPlace(names)) continue;
    if (names.length === 1) {
      const [w] = r.words as [Word];
      if (isCommonWord(w.folded, folded, text)) continue;
      const shaped = /\p{Lu}.*\p{Lu}/u.test(text.slice(w.start, w.end));
      if (w.initial && !confirmed.has(w.folded) && !shaped && !NAME_FOLLOWS.test(text.slice(w.end))) continue;
    }
    out.push({ start: r.words[0]!.start, end: r.words.at(-1)!.end, words: names, titled: r.titled });
  }
  return out;
}

/** The longest other candidate a candidate abbreviates (its first or last words), or itself. */
function fullForm(c: Candidate, all: Candidate[]): Candidate {
  let best = c;
  for (const other of all) {
    if (other.words.length <= best.words.length) continue;
    const head = other.words.slice(0, c.words.length).join(' ');
    const tail = other.words.slice(-c.words.length).join(' ');
    const own = c.words.join(' ');
    if (head === own || tail === own) best = other;
  }
  return best;
}

/** New-entity mentions: candidates grouped under their full names, each group given one kind. */
export function newEntityMentions(text: string, folded: string, known: Mention[], language: 'fr' | 'en'): Mention[] {
  const found = candidates(text, folded, known, language);
  const groups = new Map<string, { name: string; members: Candidate[]; evidence: Evidence[] }>();
  for (const c of found) {
    const full = fullForm(c, found);
    const key = full.words.join(' ');
    const group = groups.get(key) ?? { name: text.slice(full.start, full.end), members: [], evidence: [] };
    group.members.push(c);
    group.evidence.push(nameEvidence(text, folded, c));
    groups.set(key, group);
  }
  const out: Mention[] = [];
  for (const { name, members, evidence } of groups.values()) {
    const kind: EntityKind | null = kindOf(evidence);
    if (kind === null) continue;
    for (const c of members) {
      out.push({
        start: c.start,
        end: c.end,
        text: text.slice(c.start, c.end),
        entity: null,
        newEntity: { name, kind },
      });
    }
  }
  return out;
}
