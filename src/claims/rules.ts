/**
 * What a write does to the claims already asserted about one field (or one relationship between
 * the same two entities and type): the rules of SPEC section 2a, as a pure function of the
 * claims and the write, so they are tested without a graph and the statements only apply them.
 *
 * Intervals are half-open `[validFrom, validTo)` of `YYYY-MM-DD` days; null `validFrom` is the
 * beginning of time and null `validTo` the end. Values compare as the graph stores them after
 * normalisation (numbers, strings, ISO dates, string lists).
 */

export interface Citation {
  /** A Source id. */
  source: string;
  quote: string | null;
  locator: string | null;
}

/** A claim as a write sees it: asserted (not retracted) claims only. */
export interface AssertedClaim {
  id: string;
  value: unknown;
  validFrom: string | null;
  validTo: string | null;
  recordedAt: string;
  citations: Citation[];
}

/** The interval a write claims: `from` null = always, `to` null = open. */
export interface Interval {
  from: string | null;
  to: string | null;
}

export interface ClaimPlan {
  /** Add the write's citations to this claim (the same value again): nothing else changes. */
  cite: string | null;
  /** Claims closed by the write: their new `validTo`. */
  close: Array<{ id: string; validTo: string }>;
  /** The claim to create, with its interval; null when none. */
  create: Interval | null;
}

const startsBefore = (a: string | null, b: string | null) => (a === null ? b !== null : b !== null && a < b);
const endsAfter = (end: string | null, day: string | null) => end === null || (day !== null && end > day);

/** Whether two half-open intervals share a day. */
export function overlaps(a: Interval, b: Interval): boolean {
  const aStartsBeforeBEnds = b.to === null || (a.from === null ? true : a.from < b.to);
  const bStartsBeforeAEnds = a.to === null || (b.from === null ? true : b.from < a.to);
  const nonEmpty = (i: Interval) => i.from === null || i.to === null || i.from < i.to;
  return aStartsBeforeBEnds && bStartsBeforeAEnds && nonEmpty(a) && nonEmpty(b);
}

/** Values compare by their JSON text (lists in order; dates as ISO text). */
export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const intervalOf = (c: AssertedClaim): Interval => ({ from: c.validFrom, to: c.validTo });

/** The newest recorded of `claims` (null when none). */
const newest = (claims: AssertedClaim[]) =>
  claims.reduce<AssertedClaim | null>((best, c) => (best === null || c.recordedAt > best.recordedAt ? c : best), null);

/**
 * A value write (`value` null: the value is removed):
 * - the same value, overlapping an asserted claim of it: cite that claim;
 * - a different value: of two open claims the one starting earlier is closed where the later
 *   starts (the new claim itself, when it starts earlier); one starting the same day, a bounded
 *   write over an open claim, or an overlapping closed claim, stays beside it as a conflict;
 * - null: every open claim is closed where the write starts (never before its own start).
 */
export function planValueWrite(existing: AssertedClaim[], value: unknown, write: Interval): ClaimPlan {
  const open = existing.filter((c) => c.validTo === null);
  if (value === null) {
    const close = open.map((c) => ({ id: c.id, validTo: closingDay(c.validFrom, write.from) }));
    return { cite: null, close, create: null };
  }
  const same = newest(existing.filter((c) => sameValue(c.value, value) && overlaps(intervalOf(c), write)));
  if (same) return { cite: same.id, close: [], create: null };
  const close: ClaimPlan['close'] = [];
  let to = write.to;
  for (const c of open) {
    if (sameValue(c.value, value)) continue;
    // Only an open write takes over: a bounded one beside an open claim is a conflict.
    if (write.to === null && startsBefore(c.validFrom, write.from)) close.push({ id: c.id, validTo: write.from! });
    else if (startsBefore(write.from, c.validFrom) && endsAfter(to, c.validFrom)) to = c.validFrom;
  }
  return { cite: null, close, create: { from: write.from, to } };
}

/** Where removing a value closes a claim: at the write's start, never before the claim's own. */
function closingDay(claimFrom: string | null, writeFrom: string | null): string {
  if (writeFrom === null) return claimFrom ?? '0001-01-01';
  return claimFrom !== null && claimFrom > writeFrom ? claimFrom : writeFrom;
}

/**
 * A relationship write between two entities: an asserted claim of it overlapping the write is the
 * same relationship (cite it; its properties are value writes on it); otherwise a new one.
 */
export function planRelationshipWrite(existing: AssertedClaim[], write: Interval): ClaimPlan {
  const same = newest(existing.filter((c) => overlaps(intervalOf(c), write)));
  return same ? { cite: same.id, close: [], create: null } : { cite: null, close: [], create: write };
}

/**
 * `disconnect`: every asserted claim of the relationship still in force on `day` ends that day
 * (never before its own start).
 */
export function planDisconnect(existing: AssertedClaim[], day: string): ClaimPlan['close'] {
  return existing
    .filter((c) => endsAfter(c.validTo, day))
    .map((c) => ({ id: c.id, validTo: closingDay(c.validFrom, day) }));
}

/** `citations` added to `onto`, each (source, quote, locator) once. */
export function mergeCitations(onto: readonly Citation[], citations: readonly Citation[]): Citation[] {
  const key = (c: Citation) => JSON.stringify([c.source, c.quote ?? null, c.locator ?? null]);
  const seen = new Set(onto.map(key));
  const merged = [...onto];
  for (const c of citations) {
    if (seen.has(key(c))) continue;
    seen.add(key(c));
    merged.push(c);
  }
  return merged;
}
