/**
 * Dates and periods, resolved against the publication day. A time phrase is read from the folded
 * text's tokens: days, months, years, quarters, halves, weekdays, early/mid/late parts, relative
 * units (`next year`, `l’an dernier`, `the current quarter`), spans from publication (`the next
 * three years`, `within 18 months`) and bounds around any of them (`through 2028`, `d’ici à la fin
 * de l’année`, `since 2019`, `entre 2025 et 2028`). The range holds the bound's words and the
 * phrase's determiners (the, le, la, l’, cette, next, last) but not a preposition that only
 * locates (in, on, at, en, au, à). An upper bound keeps only its period's end, a lower bound only
 * its start. Durations alone (`for 15 years`) and vague horizons (`à terme`) are no dates.
 */
import {
  addDays,
  addMonths,
  dayPeriod,
  halfPeriod,
  isoDay,
  lastWeekday,
  monthPeriod,
  type Period,
  partOf,
  parts,
  quarterPeriod,
  weekPeriod,
  yearPeriod,
} from './calendar.js';
import { fold, isUpper, type Span } from './fold.js';

export interface DateSpan extends Span {
  from: string | null;
  to: string | null;
}

interface Token {
  start: number;
  end: number;
  word: string;
}

/** A phrase read from token `i` up to token `end` (exclusive). */
interface Reading {
  end: number;
  period: Period;
}

const MONTHS: Record<string, number> = {};
for (const [i, names] of [
  'janvier january',
  'fevrier february',
  'mars march',
  'avril april',
  'mai may',
  'juin june',
  'juillet july',
  'aout august',
  'septembre september',
  'octobre october',
  'novembre november',
  'decembre december',
].entries()) {
  for (const name of names.split(' ')) MONTHS[name] = i + 1;
}
/** English month names that are also common words, read as months only when capitalised. */
const AMBIGUOUS_MONTHS = new Set(['may', 'march', 'august']);
const WEEKDAYS: Record<string, number> = {};
for (const [i, names] of [
  'lundi monday',
  'mardi tuesday',
  'mercredi wednesday',
  'jeudi thursday',
  'vendredi friday',
  'samedi saturday',
  'dimanche sunday',
].entries()) {
  for (const name of names.split(' ')) WEEKDAYS[name] = i;
}
const NUMBER_WORDS: Record<string, number> = {};
for (const [i, names] of [
  'one un une',
  'two deux',
  'three trois',
  'four quatre',
  'five cinq',
  'six',
  'seven sept',
  'eight huit',
  'nine neuf',
  'ten dix',
  'eleven onze',
  'twelve douze',
].entries()) {
  for (const name of names.split(' ')) NUMBER_WORDS[name] = i + 1;
}
const ORDINALS: Record<string, number> = {
  first: 1,
  '1st': 1,
  premier: 1,
  '1er': 1,
  second: 2,
  '2nd': 2,
  deuxieme: 2,
  '2e': 2,
  '2eme': 2,
  third: 3,
  '3rd': 3,
  troisieme: 3,
  '3e': 3,
  '3eme': 3,
  fourth: 4,
  '4th': 4,
  quatrieme: 4,
  '4e': 4,
  '4eme': 4,
};
const DETERMINERS = new Set(['the', 'le', 'la', 'cette', 'ce', 'cet', 'les']);

/** Reads time phrases from a text's tokens, against the day it was published. */
class Reader {
  readonly year: number;

  constructor(
    readonly tokens: Token[],
    readonly text: string,
    readonly publishedOn: string,
  ) {
    this.year = parts(publishedOn)[0];
  }

  word(i: number): string {
    return this.tokens[i]?.word ?? '';
  }

  /** The index after `words` when they are the tokens at `i`, else -1; `|` separates alternatives. */
  match(i: number, ...words: string[]): number {
    let j = i;
    for (const w of words) {
      if (!w.split('|').includes(this.word(j))) return -1;
      j++;
    }
    return j;
  }

  /** The index after an elided article (`l'`, `d'`) or a determiner at `i`, or `i`. */
  determiner(i: number): number {
    if (this.word(i + 1) === "'" && ['l', 'd'].includes(this.word(i))) return i + 2;
    return DETERMINERS.has(this.word(i)) ? i + 1 : i;
  }

  month(i: number): number | undefined {
    const w = this.word(i);
    const n = MONTHS[w];
    if (n === undefined) return undefined;
    if (AMBIGUOUS_MONTHS.has(w) && !isUpper(this.text[this.tokens[i]!.start])) return undefined;
    return n;
  }

  yearAt(i: number): number | undefined {
    const w = this.word(i);
    return /^(?:19|20)\d{2}$/.test(w) ? Number(w) : undefined;
  }

  count(i: number): number | undefined {
    const w = this.word(i);
    return /^\d{1,3}$/.test(w) ? Number(w) : NUMBER_WORDS[w];
  }

  /** True when tokens `i` and `i + 1` touch, as in `q3` or `mid-2026`. */
  glued(i: number): boolean {
    return this.tokens[i]!.end === this.tokens[i + 1]?.start;
  }
}

/**
 * `21 janvier 2025`, `le mardi 9 septembre`, `January 21, 2025`, `June`, `janvier 2024`, `janvier dernier`,
 * `last January`, `2025`.
 */
function calendarDate(r: Reader, i: number): Reading | null {
  let j = r.determiner(i);
  if (WEEKDAYS[r.word(j)] !== undefined && /^\d/.test(r.word(j + 1))) j++;
  const day = /^(\d{1,2})(?:er|st|nd|rd|th)?$/.exec(r.word(j)) ?? (r.word(j) === 'premier' ? ['', '1'] : null);
  const dayMonth = day ? r.month(j + 1) : undefined;
  if (day && dayMonth !== undefined && Number(day[1]) <= 31) {
    const year = r.yearAt(j + 2);
    const d = isoDay(year ?? r.year, dayMonth, Number(day[1]));
    return { end: j + (year ? 3 : 2), period: dayPeriod(d) };
  }
  const month = r.month(i);
  if (month !== undefined) {
    const dayAfter = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(r.word(i + 1));
    if (dayAfter && Number(dayAfter[1]) <= 31) {
      const comma = r.word(i + 2) === ',' ? 1 : 0;
      const year = r.yearAt(i + 2 + comma);
      const end = year ? i + 3 + comma : i + 2;
      return { end, period: dayPeriod(isoDay(year ?? r.year, month, Number(dayAfter[1]))) };
    }
    const year = r.yearAt(i + 1);
    if (year) return { end: i + 2, period: monthPeriod(year, month) };
    const offset = OFFSET_AFTER[r.word(i + 1)];
    if (offset !== undefined) return { end: i + 2, period: monthPeriod(nearestYear(r, month, offset), month) };
    return { end: i + 1, period: monthPeriod(r.year, month) };
  }
  const offset = { last: -1, next: 1 }[r.word(i)];
  const named = r.month(i + 1);
  if (offset !== undefined && named !== undefined) {
    return { end: i + 2, period: monthPeriod(nearestYear(r, named, offset), named) };
  }
  const year = r.yearAt(i);
  return year ? { end: i + 1, period: yearPeriod(year) } : null;
}

/** The year of the last (offset -1) or next (+1) such month strictly before or after publication's. */
function nearestYear(r: Reader, month: number, offset: number): number {
  const published = parts(r.publishedOn)[1];
  if (offset < 0) return month < published ? r.year : r.year - 1;
  return month > published ? r.year : r.year + 1;
}

/** The last such weekday before publication: `mardi`, `on Tuesday`. */
function weekday(r: Reader, i: number): Reading | null {
  const j = r.determiner(i);
  const day = WEEKDAYS[r.word(j)];
  return day === undefined ? null : { end: j + 1, period: dayPeriod(lastWeekday(r.publishedOn, day)) };
}

/** A year named relatively or absolutely after `of`/`de`: `2026`, `the year`, `next year`, `l'année`. */
function yearOf(r: Reader, i: number): Reading | null {
  const year = r.yearAt(i);
  if (year) return { end: i + 1, period: yearPeriod(year) };
  const relative = relativeUnit(r, i);
  if (relative?.period.unit === 'year') return relative;
  const j = r.determiner(i);
  if (['year', 'annee', 'an'].includes(r.word(j))) return { end: j + 1, period: yearPeriod(r.year) };
  return null;
}

/** Quarters and halves: `the first half of 2026`, `Q3`, `le troisième trimestre 2025`, `H1 2026`. */
function quarterOrHalf(r: Reader, i: number): Reading | null {
  const j = r.determiner(i);
  let n = ORDINALS[r.word(j)];
  let k = j + 1;
  let unit = r.word(k);
  if (n === undefined && /^[qhts]$/.test(r.word(j)) && r.glued(j) && /^[1-4]$/.test(r.word(j + 1))) {
    n = Number(r.word(j + 1));
    unit = { q: 'quarter', t: 'quarter', h: 'half', s: 'half' }[r.word(j)]!;
    k = j + 1;
  }
  if (n === undefined || !['quarter', 'half', 'trimestre', 'semestre'].includes(unit)) return null;
  const quarter = unit === 'quarter' || unit === 'trimestre';
  if (!quarter && n > 2) return null;
  let end = k + 1;
  let year = r.year;
  const of = r.match(end, 'of|de|du') >= 0 ? end + 1 : end;
  const named = yearOf(r, of);
  if (named) {
    year = parts(named.period.from)[0];
    end = named.end;
  }
  return { end, period: quarter ? quarterPeriod(year, n) : halfPeriod(year, n) };
}

const DAY_WORDS: Record<string, number> = { today: 0, yesterday: -1, hier: -1, tomorrow: 1, demain: 1 };
const UNITS: Record<string, Period['unit']> = {
  week: 'week',
  semaine: 'week',
  month: 'month',
  mois: 'month',
  quarter: 'quarter',
  trimestre: 'quarter',
  year: 'year',
  an: 'year',
  annee: 'year',
};
const OFFSET_BEFORE: Record<string, number> = { next: 1, last: -1, this: 0, current: 0, coming: 1, previous: -1 };
const OFFSET_AFTER: Record<string, number> = {
  prochain: 1,
  prochaine: 1,
  dernier: -1,
  derniere: -1,
  passe: -1,
  passee: -1,
  precedent: -1,
  precedente: -1,
};

/** `next year`, `the current quarter`, `l'an dernier`, `la semaine prochaine`, `cette année`, `hier`. */
function relativeUnit(r: Reader, i: number): Reading | null {
  const day = r.match(i, 'aujourd', "'", 'hui') > 0 ? 0 : DAY_WORDS[r.word(i)];
  if (day !== undefined) {
    return {
      end: day === 0 && r.word(i) === 'aujourd' ? i + 3 : i + 1,
      period: dayPeriod(addDays(r.publishedOn, day)),
    };
  }
  if (['cette', 'ce', 'cet'].includes(r.word(i)) && UNITS[r.word(i + 1)]) {
    const end = r.match(i + 2, '-', 'ci') > 0 ? i + 4 : i + 2;
    return { end, period: unitPeriod(r.publishedOn, UNITS[r.word(i + 1)]!, 0) };
  }
  const j = r.determiner(i);
  const before = OFFSET_BEFORE[r.word(j)];
  if (before !== undefined && UNITS[r.word(j + 1)]) {
    return { end: j + 2, period: unitPeriod(r.publishedOn, UNITS[r.word(j + 1)]!, before) };
  }
  const unit = UNITS[r.word(j)];
  if (!unit || j === i) return null;
  const after = OFFSET_AFTER[r.word(j + 1)];
  if (after !== undefined) return { end: j + 2, period: unitPeriod(r.publishedOn, unit, after) };
  if (r.match(j + 1, 'en', 'cours') > 0) return { end: j + 3, period: unitPeriod(r.publishedOn, unit, 0) };
  return null;
}

/** The calendar unit holding `day`, moved by `offset` units. */
function unitPeriod(day: string, unit: Period['unit'], offset: number): Period {
  const [y, m] = parts(day);
  if (unit === 'week') return weekPeriod(day, offset);
  if (unit === 'month') {
    const [ty, tm] = parts(addMonths(isoDay(y, m, 1), offset));
    return monthPeriod(ty, tm);
  }
  if (unit === 'quarter') {
    const q = Math.floor((m - 1) / 3) + offset;
    return quarterPeriod(y + Math.floor(q / 4), (((q % 4) + 4) % 4) + 1);
  }
  return yearPeriod(y + offset);
}

const PARTS: Record<string, 'early' | 'mid' | 'late'> = {
  early: 'early',
  mid: 'mid',
  late: 'late',
  debut: 'early',
  mi: 'mid',
  fin: 'late',
};
const PARTS_OF: Record<string, 'early' | 'mid' | 'late'> = {
  start: 'early',
  beginning: 'early',
  middle: 'mid',
  end: 'late',
};

/** What a part is taken of: a month (with its year), a year, or a relative or current month or year. */
function partTarget(r: Reader, i: number): Reading | null {
  const month = r.month(i);
  if (month !== undefined) {
    const year = r.yearAt(i + 1);
    return { end: year ? i + 2 : i + 1, period: monthPeriod(year ?? r.year, month) };
  }
  const year = yearOf(r, i);
  if (year) return year;
  const relative = relativeUnit(r, i);
  if (relative?.period.unit === 'month') return relative;
  const j = r.determiner(i);
  if (['month', 'mois'].includes(r.word(j)) && j > i)
    return { end: j + 1, period: unitPeriod(r.publishedOn, 'month', 0) };
  return null;
}

/** `early July`, `mid-2026`, `the end of 2025`, `la fin octobre`, `fin 2025`, `la fin de l'année`. */
function partPhrase(r: Reader, i: number): Reading | null {
  const j = r.determiner(i);
  let part = PARTS[r.word(j)];
  let k = j + 1;
  if (part === undefined) {
    part = PARTS_OF[r.word(j)];
    if (part === undefined || r.word(j + 1) !== 'of') return null;
    k = j + 2;
  } else {
    if (r.word(k) === '-') k++;
    if (['de', 'du'].includes(r.word(k))) k++;
    else if (r.match(k, 'd', "'") > 0 && r.word(k + 2) !== 'ici') k += 2;
  }
  if (r.word(k - 1) === 'du') {
    if (['mois', 'month'].includes(r.word(k)))
      return { end: k + 1, period: partOf(unitPeriod(r.publishedOn, 'month', 0), part) };
  }
  const target = partTarget(r, k);
  return target ? { end: target.end, period: partOf(target.period, part) } : null;
}

const SPAN_UNITS: Record<string, 'years' | 'months' | 'weeks' | 'days'> = {
  years: 'years',
  year: 'years',
  ans: 'years',
  annees: 'years',
  months: 'months',
  month: 'months',
  mois: 'months',
  weeks: 'weeks',
  week: 'weeks',
  semaines: 'weeks',
  days: 'days',
  day: 'days',
  jours: 'days',
};

/** The day `n` units after (or before, when negative) publication. */
function shifted(r: Reader, n: number, unit: 'years' | 'months' | 'weeks' | 'days'): string {
  if (unit === 'years') return addMonths(r.publishedOn, 12 * n);
  if (unit === 'months') return addMonths(r.publishedOn, n);
  return addDays(r.publishedOn, unit === 'weeks' ? 7 * n : n);
}

/** A span from publication: `the next three years`, `les cinq prochaines années`, `the past 12 months`. */
function spanFromPublication(r: Reader, i: number): Reading | null {
  const j = r.determiner(i);
  const direction = { next: 1, coming: 1, past: -1, last: -1 }[r.word(j)];
  const n = r.count(j + 1);
  let unit = SPAN_UNITS[r.word(j + 2)];
  let end = j + 3;
  let sign = direction;
  if (direction === undefined) {
    const frenchN = r.count(j);
    sign = { prochaines: 1, prochains: 1, dernieres: -1, derniers: -1 }[r.word(j + 1)];
    unit = SPAN_UNITS[r.word(j + 2)];
    if (frenchN === undefined || sign === undefined || !unit) return null;
    return spanOf(r, frenchN * sign, unit, end);
  }
  if (n === undefined || !unit || sign === undefined) return null;
  end = j + 3;
  return spanOf(r, n * sign, unit, end);
}

function spanOf(r: Reader, n: number, unit: 'years' | 'months' | 'weeks' | 'days', end: number): Reading {
  const other = shifted(r, n, unit);
  const [from, to] = n >= 0 ? [r.publishedOn, other] : [other, r.publishedOn];
  return { end, period: { from, to, unit: 'span' } };
}

/** A time phrase without a bound: the longest reading at `i`. */
function point(r: Reader, i: number): Reading | null {
  const readings = [calendarDate, weekday, quarterOrHalf, relativeUnit, partPhrase, spanFromPublication]
    .map((read) => read(r, i))
    .filter((x): x is Reading => x !== null);
  return readings.reduce<Reading | null>((best, x) => (best === null || x.end > best.end ? x : best), null);
}

/** A bounded or unbounded time phrase: its end and its resolved ends. */
interface Found {
  end: number;
  from: string | null;
  to: string | null;
}

const UPPER = [['through'], ['until'], ['till'], ['by'], ['before'], ['no', 'later', 'than'], ['avant']];
const UPPER_FR = [
  ['jusqu', "'", 'en|au|a'],
  ['d', "'", 'ici', 'a|au'],
  ['d', "'", 'ici'],
];
const LOWER = [['since'], ['from'], ['as', 'of'], ['starting', 'in|from'], ['starting'], ['beginning', 'in']];
const LOWER_FR = [['depuis'], ['a', 'partir', 'de'], ['a', 'partir', 'd', "'"]];

/** The index after the first of `prefixes` found at `i`, or -1. */
const prefixAt = (r: Reader, i: number, prefixes: string[][]) =>
  prefixes.reduce((found, p) => (found >= 0 ? found : r.match(i, ...p)), -1);

/** `within 18 months`, `d'ici 18 mois`: from publication to N units later. */
function within(r: Reader, i: number): Found | null {
  const j = prefixAt(r, i, [['within'], ['d', "'", 'ici']]);
  const n = j < 0 ? undefined : r.count(j);
  const unit = SPAN_UNITS[r.word(j + 1)];
  if (n === undefined || !unit) return null;
  const span = spanOf(r, n, unit, j + 2).period;
  return { end: j + 2, from: span.from, to: span.to };
}

/** `entre 2025 et 2028`, `between 2025 and 2028`, `from 2025 to 2028`, `de 2025 à 2028`. */
function between(r: Reader, i: number): Found | null {
  const opener = r.word(i);
  const joiners = { entre: 'et', between: 'and', from: 'to|through|until', de: 'a' }[opener];
  if (!joiners) return null;
  const first = point(r, i + 1);
  if (!first || r.match(first.end, joiners) < 0) return null;
  const second = point(r, first.end + 1);
  if (!second) return null;
  if (opener === 'de' && first.period.unit !== 'year' && first.period.unit !== 'month') return null;
  return { end: second.end, from: first.period.from, to: second.period.to };
}

/** A bound (`through 2028`, `depuis 1992`, `dès 2026`, `d'ici à la fin de l'année`) or a plain phrase. */
function bounded(r: Reader, i: number): Found | null {
  const range = between(r, i) ?? within(r, i);
  if (range) return range;
  const upper = prefixAt(r, i, [...UPPER, ...UPPER_FR]);
  const upperPoint = upper >= 0 ? point(r, upper) : null;
  if (upperPoint) return { end: upperPoint.end, from: null, to: upperPoint.period.to };
  const isDes = r.word(i) === 'des' && r.text.slice(r.tokens[i]!.start, r.tokens[i]!.end).toLowerCase() === 'dès';
  const lower = isDes ? i + 1 : prefixAt(r, i, [...LOWER, ...LOWER_FR]);
  const lowerPoint = lower >= 0 ? point(r, lower) : null;
  if (lowerPoint) return { end: lowerPoint.end, from: lowerPoint.period.from, to: null };
  const plain = point(r, i);
  return plain && { end: plain.end, from: plain.period.from, to: plain.period.to };
}

/** Every date and period of the text, resolved against `publishedOn`, in text order. */
export function findDates(text: string, publishedOn: string): DateSpan[] {
  const folded = fold(text);
  const tokens = [...folded.matchAll(/\d+(?:er|eme|e|st|nd|rd|th)?|\p{L}+|[^\s\p{L}\p{N}]/gu)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    word: m[0],
  }));
  const r = new Reader(tokens, text, publishedOn);
  const out: DateSpan[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const found = bounded(r, i);
    if (!found) continue;
    const start = tokens[i]!.start;
    const end = tokens[found.end - 1]!.end;
    out.push({ start, end, text: text.slice(start, end), from: found.from, to: found.to });
    i = found.end - 1;
  }
  return out;
}
