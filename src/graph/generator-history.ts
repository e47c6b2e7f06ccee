/**
 * A realistic claim history for a generated graph (SPEC section 2a): the `claims` section of an
 * import file, with claim records written verbatim. Every entity gets an existence claim, every
 * relationship a relationship claim and every sourced value a value claim, valid from a day in
 * HISTORY_WINDOW and recorded some days later. A few percent of values changed over time (the
 * old claim closed on the day the new one starts), a few percent of relationships ended or were
 * retracted, and some values are disputed by a second claim (a conflict).
 *
 * The winner today ("today, as known now") of every value is the value the graph has without
 * history, and claims cite only sources that already mention their entities, so plain reads of a
 * graph with history see the same values and sources. Entity records leave out the values their
 * claims carry, and relationships are given by their claims alone (a relationship record would
 * make a second claim when loaded). The history draws from its own PRNG, after the graph, so the
 * graph's own draws do not move.
 */
import { createRandom } from './generator.js';
import { KIND_PROPERTIES, RELATIONSHIPS } from './model.js';
import type { EntityRecord, GraphData, RelationshipRecord } from './bulk-load.js';

/** How often each kind of history event happens (shares of the values or relationships). */
export interface HistoryRates {
  /** Values that had another value before (old claim closed where the new one starts). */
  changed: number;
  /** Values disputed by a second asserted claim with another value over an overlapping period. */
  conflicts: number;
  /** Relationships that ended in the world (`validTo`). */
  ended: number;
  /** Relationships retracted as mistakes (`retractedAt`, `retractReason`). */
  retracted: number;
}

export const DEFAULT_HISTORY_RATES: HistoryRates = { changed: 0.04, conflicts: 0.01, ended: 0.03, retracted: 0.02 };

/** Every generated `validFrom` and `validTo` falls in this window (inclusive). */
export const HISTORY_WINDOW = { from: '2023-01-01', to: '2026-06-30' } as const;
/** A day in the middle of the generated history, for reads `asOf` it. */
export const HISTORY_MIDDLE = '2024-10-01';

import type { CitationRecord } from '../graph/bulk-load.js';
import type { ClaimRecord as LoadedClaim } from '../claims/records.js';

export type { CitationRecord };

/** A claim record as the generator writes it: the loader's, with its times always stated. */
export type ClaimRecord = LoadedClaim & {
  validFrom: string | null;
  validTo?: string;
  recordedAt: string;
  retractedAt?: string;
  citations: CitationRecord[];
};

/** Graph data whose claims are the generator's (a narrower type than any import file's). */
export type GraphDataWithClaims = Omit<GraphData, 'claims'> & { claims: ClaimRecord[] };

const DAY_MS = 86_400_000;
const dayOf = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;
const FIRST_DAY = dayOf(HISTORY_WINDOW.from);
const LAST_DAY = dayOf(HISTORY_WINDOW.to);
/** Nothing is recorded or retracted after this day: the history is over before today. */
const LAST_RECORD_DAY = dayOf('2026-09-30');
const QUARTERS_PER_DAY = 96;
const RETRACT_REASONS = ['misread source', 'duplicate of another report', 'source withdrew the report'];
const QUOTES = ['the company said', 'according to filings', 'people familiar with the plans said', 'announced'];
const CONFIDENCES = [0.6, 0.75, 0.9];
/** Distinct values kept per field as the alternatives a changed or disputed value takes. */
const MAX_ALTERNATIVES = 64;
const NO_CITATIONS: readonly CitationRecord[][] = [];
/** The citations of every uncited claim: one shared empty list, not one per claim. */
const UNCITED: CitationRecord[] = [];

type Random = ReturnType<typeof createRandom>;

/** Date and instant strings are shared: a million-entity history repeats a few thousand of each. */
function stampCache() {
  const days = new Map<number, string>();
  const instants = new Map<number, string>();
  const date = (day: number) => {
    let text = days.get(day);
    if (text === undefined) {
      text = new Date(day * DAY_MS).toISOString().slice(0, 10);
      days.set(day, text);
    }
    return text;
  };
  /** `quarter` counts quarter-hours since the epoch. */
  const instant = (quarter: number) => {
    let text = instants.get(quarter);
    if (text === undefined) {
      text = `${new Date(quarter * (DAY_MS / QUARTERS_PER_DAY)).toISOString().slice(0, 19)}Z`;
      instants.set(quarter, text);
    }
    return text;
  };
  return { date, instant };
}

/** What every step of one history shares. */
interface HistoryRun {
  random: Random;
  rates: HistoryRates;
  prefix: string;
  claims: ClaimRecord[];
  stamps: ReturnType<typeof stampCache>;
  /** Per entity slug, the citation lists of the sources that MENTION it (one shared list per source). */
  citedBy: Map<string, CitationRecord[][]>;
  /** Observed values per `Label.field` or `TYPE.field`: what a changed or disputed value becomes. */
  alternatives: Map<string, (string | number)[]>;
  next: number;
}

/** The next claim's id and citations (one of `cites`, or none); then `addClaim` files it. */
function claimStart(run: HistoryRun, cites: readonly CitationRecord[][]): Pick<ClaimRecord, 'id' | 'citations'> {
  const citations = cites.length > 0 ? cites[Math.floor(run.random.next() * cites.length)]! : UNCITED;
  return { id: `clm-${run.prefix}-${run.next++}`, citations };
}

/** Files a claim, with a confidence now and then. Claims are built as literals of few shapes. */
function addClaim(run: HistoryRun, claim: ClaimRecord): ClaimRecord {
  if (run.random.chance(0.2)) claim.confidence = run.random.pick(CONFIDENCES);
  run.claims.push(claim);
  return claim;
}

function addValueClaim(
  run: HistoryRun,
  on: ValueSubject,
  field: string,
  value: string | number,
  validFrom: string,
  validTo: string | undefined,
  recordedAt: string,
): void {
  const { id, citations } = claimStart(run, on.cites);
  const claim: ClaimRecord = { id, kind: 'VALUE', subject: on.subject, field, value, validFrom, recordedAt, citations };
  if (validTo !== undefined) claim.validTo = validTo;
  addClaim(run, claim);
}

/**
 * Claims cite only sources that already MENTION what they are about (both ends, for a
 * relationship), so loading the history adds no MENTIONS and plain reads see the graph they see
 * without it. One shared citation list per source.
 */
function citationsBySubject(random: Random, data: GraphData): Map<string, CitationRecord[][]> {
  const citedBy = new Map<string, CitationRecord[][]>();
  for (const m of data.mentions) {
    const citation: CitationRecord = { source: m.source, locator: `¶${random.int(1, 40)}` };
    if (random.chance(0.5)) citation.quote = random.pick(QUOTES);
    const list = [citation];
    for (const slug of m.entities) {
      const lists = citedBy.get(slug) ?? [];
      if (!lists.some((l) => l[0]!.source === m.source)) lists.push(list);
      citedBy.set(slug, lists);
    }
  }
  return citedBy;
}

/** A day skewed towards `from` (power > 1), at most `to`. */
const skewedDay = (random: Random, from: number, to: number, power: number) =>
  from + Math.floor(random.next() ** power * (to - from + 1));

/** A recording instant (quarter-hours) some days after `day`, and never after LAST_RECORD_DAY. */
function recordedQuarter(random: Random, day: number, maxDelayDays = 30): number {
  const recordDay = Math.min(day + random.int(0, maxDelayDays), LAST_RECORD_DAY);
  return recordDay * QUARTERS_PER_DAY + random.int(0, QUARTERS_PER_DAY - 1);
}

/** Another value for a field: a number scaled, a date shifted, a string from the observed ones. */
function otherValue(run: HistoryRun, key: string, value: string | number): string | number | undefined {
  const { random } = run;
  if (typeof value === 'number') {
    const scaled = Math.round(value * (0.5 + random.next()));
    return scaled === value ? value + 1 : scaled;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return run.stamps.date(dayOf(value) + (random.chance(0.5) ? 1 : -1) * random.int(1, 365));
  const seen = run.alternatives.get(key) ?? [];
  const others = seen.filter((v) => v !== value);
  return others.length > 0 ? random.pick(others) : undefined;
}

/** The subject of a run of value claims: who they are about, from when, recorded when, until when. */
interface ValueSubject {
  subject: string;
  cites: readonly CitationRecord[][];
  key: string;
  validFrom: number;
  recordedQuarter: number;
  /** Values of a relationship that ended change before it ends. */
  lastDay: number;
}

/**
 * One sourced value as claims: the value itself from the subject's start, and by chance an older
 * value closed where it starts, or a dispute over some period.
 */
function addValue(run: HistoryRun, on: ValueSubject, field: string, value: string | number): void {
  const { random, rates, stamps } = run;
  const draw = random.next();
  const recordedAt = stamps.instant(on.recordedQuarter);
  const room = on.lastDay - on.validFrom;
  const from = stamps.date(on.validFrom);
  if (draw < rates.changed && room >= 2) {
    const older = otherValue(run, `${on.key}.${field}`, value);
    if (older !== undefined) {
      const changedOn = on.validFrom + random.int(1, room - 1);
      const to = stamps.date(changedOn);
      addValueClaim(run, on, field, older, from, to, recordedAt);
      const changedAt = stamps.instant(recordedQuarter(random, changedOn));
      addValueClaim(run, on, field, value, to, undefined, changedAt);
      return;
    }
  }
  addValueClaim(run, on, field, value, from, undefined, recordedAt);
  if (draw >= rates.changed && draw < rates.changed + rates.conflicts && room >= 2) {
    const disputed = otherValue(run, `${on.key}.${field}`, value);
    if (disputed !== undefined) addDispute(run, on, field, disputed);
  }
}

/**
 * A second claim with another value: from the same day but recorded earlier (so the value
 * recorded later still wins), or over a closed period inside the value's, recorded later.
 */
function addDispute(run: HistoryRun, on: ValueSubject, field: string, value: string | number) {
  const { random, stamps } = run;
  const recordedDay = Math.floor(on.recordedQuarter / QUARTERS_PER_DAY);
  if (recordedDay > on.validFrom && random.chance(0.5)) {
    const earlier =
      on.validFrom * QUARTERS_PER_DAY + random.int(0, (recordedDay - on.validFrom) * QUARTERS_PER_DAY - 1);
    addValueClaim(run, on, field, value, stamps.date(on.validFrom), undefined, stamps.instant(earlier));
    return;
  }
  const from = on.validFrom + random.int(0, on.lastDay - on.validFrom - 1);
  const to = from + random.int(1, on.lastDay - from);
  const recorded = Math.max(on.recordedQuarter + QUARTERS_PER_DAY, recordedQuarter(random, from));
  const recordedAt = stamps.instant(Math.min(recorded, (LAST_RECORD_DAY + 1) * QUARTERS_PER_DAY - 1));
  addValueClaim(run, on, field, value, stamps.date(from), stamps.date(to), recordedAt);
}

/** Sourced values present on a record, in the model's field order. */
function sourcedValues(fields: readonly string[], record: Record<string, unknown>): [string, string | number][] {
  const values: [string, string | number][] = [];
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string' || typeof value === 'number') values.push([field, value]);
  }
  return values;
}

const entityFields = (e: EntityRecord) => Object.keys(KIND_PROPERTIES[e.label]);
const relationshipFields = (r: RelationshipRecord) => Object.keys(RELATIONSHIPS[r.type].properties);

/** The distinct values each string field takes in the data (up to MAX_ALTERNATIVES of them). */
function observedValues(data: GraphData): Map<string, (string | number)[]> {
  const sets = new Map<string, Set<string | number>>();
  const observe = (key: string, fields: readonly string[], record: Record<string, unknown>) => {
    for (const [field, value] of sourcedValues(fields, record)) {
      if (typeof value !== 'string') continue;
      const fieldKey = `${key}.${field}`;
      const set = sets.get(fieldKey) ?? new Set();
      sets.set(fieldKey, set);
      if (set.size < MAX_ALTERNATIVES) set.add(value);
    }
  };
  for (const e of data.entities) observe(e.label, entityFields(e), e);
  for (const r of data.relationships) observe(r.type, relationshipFields(r), r.properties ?? {});
  return new Map([...sets].map(([key, set]) => [key, [...set].sort()]));
}

/** Existence and value claims of every entity; returns each entity's first day by slug. */
function addEntityHistory(run: HistoryRun, entities: EntityRecord[]): Map<string, number> {
  const { random, stamps } = run;
  const firstDay = new Map<string, number>();
  for (const e of entities) {
    const validFrom = skewedDay(random, FIRST_DAY, LAST_DAY, 1.5);
    const quarter = recordedQuarter(random, validFrom);
    firstDay.set(e.slug, validFrom);
    const cites = run.citedBy.get(e.slug) ?? NO_CITATIONS;
    const { id, citations } = claimStart(run, cites);
    const [from, recordedAt] = [stamps.date(validFrom), stamps.instant(quarter)];
    addClaim(run, { id, kind: 'ENTITY', subject: e.slug, validFrom: from, recordedAt, citations });
    const on = { subject: e.slug, cites, key: e.label, validFrom, recordedQuarter: quarter, lastDay: LAST_DAY };
    for (const [field, value] of sourcedValues(entityFields(e), e)) addValue(run, on, field, value);
  }
  return firstDay;
}

/** Relationship claims (a few ended or retracted) and their values; starts after both ends exist. */
function addRelationshipHistory(run: HistoryRun, relationships: RelationshipRecord[], firstDay: Map<string, number>) {
  const { random, rates, stamps } = run;
  for (const r of relationships) {
    const start = Math.max(firstDay.get(r.from) ?? FIRST_DAY, firstDay.get(r.to) ?? FIRST_DAY);
    const validFrom = skewedDay(random, start, LAST_DAY, 2);
    const quarter = recordedQuarter(random, validFrom);
    const toCites = run.citedBy.get(r.to);
    const cites = toCites ? (run.citedBy.get(r.from) ?? NO_CITATIONS).filter((l) => toCites.includes(l)) : NO_CITATIONS;
    const { id, citations } = claimStart(run, cites);
    const [from, recordedAt] = [stamps.date(validFrom), stamps.instant(quarter)];
    const claim: ClaimRecord = {
      id,
      kind: 'RELATIONSHIP',
      subject: r.from,
      type: r.type,
      object: r.to,
      validFrom: from,
      recordedAt,
      citations,
    };
    const draw = random.next();
    let lastDay = LAST_DAY;
    if (draw < rates.ended && validFrom < LAST_DAY) {
      lastDay = validFrom + random.int(1, LAST_DAY - validFrom);
      claim.validTo = stamps.date(lastDay);
    } else if (draw >= rates.ended && draw < rates.ended + rates.retracted) {
      const retracted = Math.floor(quarter / QUARTERS_PER_DAY) + random.int(1, 180);
      claim.retractedAt = stamps.instant(Math.min(retracted, LAST_RECORD_DAY) * QUARTERS_PER_DAY + random.int(0, 95));
      claim.retractReason = random.pick(RETRACT_REASONS);
    }
    addClaim(run, claim);
    const on = { subject: claim.id, cites, key: r.type, validFrom, recordedQuarter: quarter, lastDay };
    for (const [field, value] of sourcedValues(relationshipFields(r), r.properties ?? {}))
      addValue(run, on, field, value);
  }
}

/**
 * Entity records without the values their claims now carry, and no relationship records: a
 * relationship record makes a claim of its own when loaded, and its claim is in the file.
 */
function withoutClaimedRecords(data: GraphData): Pick<GraphData, 'entities' | 'relationships'> {
  const entities = data.entities.map((e): EntityRecord => {
    const kept: EntityRecord = { id: e.id, slug: e.slug, label: e.label, name: e.name };
    if (e.description !== undefined) kept.description = e.description;
    if (e.aliases !== undefined) kept.aliases = e.aliases;
    const sourced = new Set(entityFields(e));
    for (const [key, value] of Object.entries(e)) if (!(key in kept) && !sourced.has(key)) kept[key] = value;
    return kept;
  });
  return { entities, relationships: [] };
}

/**
 * `data` with a `claims` section. `seed` seeds the history's own PRNG; `prefix` names the claim
 * ids (`clm-${prefix}-${n}`). Dates and instants are strings: the same inputs give the same file.
 */
export function addHistory(
  data: GraphData,
  options: { seed: number; prefix: string; rates?: Partial<HistoryRates> },
): GraphDataWithClaims {
  const random = createRandom((options.seed ^ 0x5bd1e995) >>> 0);
  const run: HistoryRun = {
    random,
    rates: { ...DEFAULT_HISTORY_RATES, ...options.rates },
    prefix: options.prefix,
    claims: [],
    stamps: stampCache(),
    citedBy: citationsBySubject(random, data),
    alternatives: observedValues(data),
    next: 1,
  };
  const firstDay = addEntityHistory(run, data.entities);
  addRelationshipHistory(run, data.relationships, firstDay);
  return { ...data, ...withoutClaimedRecords(data), claims: run.claims };
}
