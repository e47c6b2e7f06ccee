/**
 * Mentions: where the text names an entity. Known entities are found by their names and aliases,
 * folded, longest name first, never nested; a possessive or an elided article stays outside the
 * range because a name must start and end at a word's edge. Every other proper name of an
 * organisation, person, project or site becomes a new-entity mention (see `names.ts`).
 */
import type { GazetteerEntry } from './extract.js';
import { fold, isWordChar, type Span } from './fold.js';
import { FUNCTION_WORDS, TITLES } from './lexicon.js';
import { newEntityMentions } from './names.js';
import { PLACES } from './places.js';

export type EntityKind = GazetteerEntry['label'];

export interface Mention extends Span {
  entity: string | null;
  newEntity?: { name: string; kind: EntityKind };
}

/** A known entity's name, folded, with its entity. */
interface NameForm {
  folded: string;
  entry: GazetteerEntry;
}

/** Every name and alias of the gazetteer, longest first, so the longest name wins. */
function nameForms(gazetteer: GazetteerEntry[]): NameForm[] {
  const forms = gazetteer.flatMap((entry) => entry.names.map((name) => ({ folded: fold(name), entry })));
  return forms.sort((a, b) => b.folded.length - a.folded.length);
}

/** Known entities named in the text: at word edges, the longest name at each place, never nested. */
function knownMentions(text: string, folded: string, forms: NameForm[]): Mention[] {
  const out: Mention[] = [];
  for (let i = 0; i < text.length; i++) {
    if (isWordChar(text[i - 1]) || !isWordChar(text[i])) continue;
    const form = forms.find((f) => folded.startsWith(f.folded, i) && !isWordChar(text[i + f.folded.length]));
    if (!form) continue;
    const end = i + form.folded.length;
    out.push({ start: i, end, text: text.slice(i, end), entity: form.entry.slug });
    i = end - 1;
  }
  return out;
}

/** A capitalised word that could continue a name: not a function word, title or known name. */
const NAME_WORD = /^(\p{Lu}[\p{L}\p{N}]*(?:-\p{Lu}[\p{L}\p{N}]*)*)/u;
const continuesName = (word: string) => !FUNCTION_WORDS.has(fold(word)) && !TITLES.has(fold(word));

/**
 * Programmes named after a known project or company are new projects, and the longer name wins:
 * a project's name followed by a capitalised word (`Stargate UAE`), or a name followed by `for`
 * and a capitalised word that is no place and no known entity (`OpenAI for Countries`).
 */
function programmes(text: string, mentions: Mention[], kindOf: Map<string, EntityKind>): Mention[] {
  return mentions.map((m, k) => {
    const rest = text.slice(m.end);
    const joiner = kindOf.get(m.entity!) === 'Project' ? / (?=\p{Lu})/uy : / for (?=\p{Lu})/uy;
    if (!joiner.test(rest)) return m;
    const word = NAME_WORD.exec(rest.slice(joiner.lastIndex))?.[1];
    if (word === undefined || !continuesName(word)) return m;
    if (joiner.source.includes('for') && PLACES.has(fold(word))) return m;
    const end = m.end + joiner.lastIndex + word.length;
    const next = mentions[k + 1];
    if (next !== undefined && next.start < end) return m;
    const name = text.slice(m.start, end);
    return { start: m.start, end, text: name, entity: null, newEntity: { name, kind: 'Project' } };
  });
}

/** Every mention in the text, known and new, in text order. */
export function findMentions(text: string, gazetteer: GazetteerEntry[], language: 'fr' | 'en'): Mention[] {
  const folded = fold(text);
  const kindOf = new Map(gazetteer.map((e) => [e.slug, e.label]));
  const known = programmes(text, knownMentions(text, folded, nameForms(gazetteer)), kindOf);
  const found = [...known, ...newEntityMentions(text, folded, known, language)];
  return found.sort((a, b) => a.start - b.start);
}
