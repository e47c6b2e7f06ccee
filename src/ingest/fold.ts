/**
 * Folding and the small text facts every extraction rule reads. A folded text has the same length
 * as its original, code unit for code unit, so an index found in the folded text is a range of the
 * original: matching ignores case and accents, typographic apostrophes and hyphens, and unusual
 * spaces, while every range still slices the document as written.
 */

const APOSTROPHES = new Set(['’', '‘', 'ʼ', '´', '`']);
const HYPHENS = new Set(['‐', '‑', '‒', '–']);
const SPACES = new Set(['\u00a0', '\u202f', '\u2009', '\u2007']);
const folded = new Map<string, string>();

/** One code unit folded: lower case, accent dropped; a unit that would change length stays itself. */
function foldUnit(unit: string): string {
  if (APOSTROPHES.has(unit)) return "'";
  if (HYPHENS.has(unit)) return '-';
  if (SPACES.has(unit)) return ' ';
  let out = folded.get(unit);
  if (out === undefined) {
    const bare = unit.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const lower = unit.toLowerCase();
    out = bare.length === 1 ? bare : lower.length === 1 ? lower : unit;
    folded.set(unit, out);
  }
  return out;
}

/** The text case- and accent-folded, one code unit for one. */
export function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldUnit(text[i]!);
  return out;
}

/** Regular-expression alternatives from a comma-separated list of fragments (the list may wrap). */
export const alternatives = (fragments: string): string =>
  fragments
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .join('|');

/** A pattern for any of the listed words or phrases (regular-expression fragments), as whole words. */
export const anyOf = (fragments: string, flags = ''): RegExp =>
  new RegExp(`\\b(?:${alternatives(fragments)})\\b`, flags);

/** A letter or digit: what a name or a number cannot be cut inside of. */
export const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** An upper-case letter, the mark of a proper name in both languages. */
export const isUpper = (c: string | undefined): boolean => c !== undefined && /\p{Lu}/u.test(c);

/** A range of the document and the text it slices. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

export const span = (text: string, start: number, end: number): Span => ({ start, end, text: text.slice(start, end) });

/** True when two ranges share a code unit. */
export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

/**
 * Sentences: ranges ended by `.`, `!` or `?` before a space and a capital, a quote or a paragraph
 * break. A dot inside a number or after a one-letter initial does not end one.
 */
export function sentences(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  const boundary = /([.!?])(["»”’)]?)(\s+)(?=["«“(]?[\p{Lu}\d])|\n\n+/gu;
  for (const m of text.matchAll(boundary)) {
    const before = text.slice(Math.max(0, m.index - 2), m.index);
    if (m[1] === '.' && /(^|\s)\p{Lu}$/u.test(before)) continue;
    const end = m[0].startsWith('\n') ? m.index : m.index + m[1]!.length + m[2]!.length;
    if (end > start) out.push({ start, end });
    start = m.index + m[0].length;
  }
  const last = text.trimEnd().length;
  if (last > start) out.push({ start, end: last });
  return out;
}
