/**
 * Calendar arithmetic on ISO days (`YYYY-MM-DD`, UTC), for resolving dates against a publication
 * day: the periods the annotation rules define (months, calendar quarters and halves, Monday to
 * Sunday weeks, the thirds of a month or a year that early, mid and late name) and steps of days,
 * months and years.
 */

/** A period of whole days, both ends inclusive, with the unit it was named in. */
export interface Period {
  from: string;
  to: string;
  unit: 'day' | 'week' | 'month' | 'quarter' | 'half' | 'year' | 'span';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The ISO day of a year, a month (1–12) and a day; out-of-range parts roll over as in `Date.UTC`. */
export const isoDay = (year: number, month: number, day: number): string => {
  const d = new Date(Date.UTC(year, month - 1, day));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

export const parts = (day: string): [number, number, number] => {
  const [y, m, d] = day.split('-').map(Number);
  return [y!, m!, d!];
};

const lastDayOfMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

export const dayPeriod = (day: string): Period => ({ from: day, to: day, unit: 'day' });

export const monthPeriod = (year: number, month: number): Period => ({
  from: isoDay(year, month, 1),
  to: isoDay(year, month, lastDayOfMonth(year, month)),
  unit: 'month',
});

export const yearPeriod = (year: number): Period => ({
  from: `${pad(year, 4)}-01-01`,
  to: `${pad(year, 4)}-12-31`,
  unit: 'year',
});

/** Calendar quarter 1–4. */
export const quarterPeriod = (year: number, quarter: number): Period => ({
  from: isoDay(year, quarter * 3 - 2, 1),
  to: isoDay(year, quarter * 3, lastDayOfMonth(year, quarter * 3)),
  unit: 'quarter',
});

/** Calendar half 1–2. */
export const halfPeriod = (year: number, half: number): Period => ({
  from: isoDay(year, half * 6 - 5, 1),
  to: isoDay(year, half * 6, lastDayOfMonth(year, half * 6)),
  unit: 'half',
});

/** Days of the week, Monday first. */
const weekdayOf = (day: string) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;

/** The Monday-to-Sunday week `offset` weeks from the one holding `day`. */
export const weekPeriod = (day: string, offset: number): Period => {
  const [y, m, d] = parts(day);
  const monday = d - weekdayOf(day) + offset * 7;
  return { from: isoDay(y, m, monday), to: isoDay(y, m, monday + 6), unit: 'week' };
};

/** The last day before `day` that falls on `weekday` (0 = Monday). */
export const lastWeekday = (day: string, weekday: number): string => {
  const [y, m, d] = parts(day);
  const back = (weekdayOf(day) - weekday + 7) % 7 || 7;
  return isoDay(y, m, d - back);
};

/** `day` moved by whole months, the day of the month kept (or clamped to the month's end). */
export const addMonths = (day: string, months: number): string => {
  const [y, m, d] = parts(day);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const ty = target.getUTCFullYear();
  const tm = target.getUTCMonth() + 1;
  return isoDay(ty, tm, Math.min(d, lastDayOfMonth(ty, tm)));
};

export const addDays = (day: string, days: number): string => {
  const [y, m, d] = parts(day);
  return isoDay(y, m, d + days);
};

/**
 * Early, mid or late part of a month (days 1–10, 11–20, 21–end) or of a year (January–April,
 * May–August, September–December); other periods are kept whole.
 */
export const partOf = (period: Period, part: 'early' | 'mid' | 'late'): Period => {
  const [y, m] = parts(period.from);
  const third = { early: 0, mid: 1, late: 2 }[part];
  if (period.unit === 'month') {
    const from = isoDay(y, m, 1 + third * 10);
    const to = third === 2 ? period.to : isoDay(y, m, 10 + third * 10);
    return { from, to, unit: 'span' };
  }
  if (period.unit === 'year') {
    const first = 1 + third * 4;
    return { from: isoDay(y, first, 1), to: isoDay(y, first + 3, lastDayOfMonth(y, first + 3)), unit: 'span' };
  }
  return period;
};
