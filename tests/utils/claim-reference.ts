/**
 * A NAIVE reference for claims and time: replays a write history (claim-history.ts) in plain
 * TypeScript, one array of claims and linear scans, and answers reads at (asOf, knownAt). It
 * follows SPEC section 2a and the "Writing" rules of the claims-storage decision record, written
 * from the rules and not from the server's code, so the property test compares two independent
 * readings of them.
 *
 * Writing, for one field of one subject (or one relationship between the same two entities):
 * - absent validFrom is the write's UTC date; an explicit null is "always"; validTo absent or
 *   null is open; the interval is half-open [validFrom, validTo);
 * - the same value again, overlapping an asserted claim: its citations are added to that claim
 *   (the newest recorded of several; deduplicated), nothing else changes;
 * - a different value: a new claim. Of two open claims with different values, the one with the
 *   earlier validFrom is closed at the later one's validFrom (so the new claim may be the one
 *   closed); the same validFrom, or an overlap where either is closed, is kept as a conflict;
 * - null: every asserted open claim is closed at the write's validFrom (never before its own
 *   start: one starting later is closed where it starts, so it holds on no day);
 * - connect: an asserted relationship claim overlapping the write's interval takes the citations,
 *   else a new relationship claim; its properties are value claims about that claim's id;
 * - disconnect: every asserted claim of the relationship still in force on validTo (default:
 *   the write's UTC date) is closed there (never before its own start);
 * - retractClaim: sets retractedAt (once); deleteEntity retracts the existence claim, every
 *   relationship claim touching the entity and every value claim about it.
 * Left open by the rules, and kept out of generated histories unless asked: a null or disconnect
 * before a claim starts, a null with validFrom null (both close where the claim starts, as the
 * server's rules do); writes naming a deleted entity (the reference refuses them).
 *
 * Reading at (asOf: a UTC date, knownAt: an instant): a claim is there when valid on asOf
 * (validFrom <= asOf < validTo) and known at knownAt (recordedAt <= knownAt, not retracted by
 * then; a validTo set after knownAt is not seen, unless `closings: 'in-place'`). An entity exists when its existence claim is there; a relationship when its claim is
 * there and both ends exist; a value is the newest recorded of the claims there. Names are
 * editorial (the last written); lists of entities are ordered by name, then slug.
 */
import type { EntityLabel, EntityRelationshipType } from '../../src/graph/model.js';
import type { CitationInput, ClaimArgs, ClaimRef, ScalarValue, Write } from './claim-history.js';

export interface ReferenceClaim {
  /** The reference's own id (`ref-<n>`); the server's ids differ. */
  id: string;
  kind: 'ENTITY' | 'RELATIONSHIP' | 'VALUE';
  /** Entity slug; for a value on a relationship, the relationship claim's id. */
  subject: string;
  type?: EntityRelationshipType;
  object?: string;
  field?: string;
  value?: ScalarValue;
  validFrom: string | null;
  validTo: string | null;
  /** Every validTo the claim has had, with the instant (ms) it was set: the first at recordedAt. */
  endings: { at: number; validTo: string | null }[];
  /** Milliseconds since the epoch. */
  recordedAt: number;
  retractedAt: number | null;
  retractReason?: string;
  confidence?: number;
  citations: CitationInput[];
  /** Index of the write that made it. */
  write: number;
}

/** A read's time: `asOf` a UTC date, `knownAt` an instant in ms (Infinity: as known now). */
export interface ReadTime {
  asOf: string;
  knownAt: number;
}

export interface EntityFilter {
  field: string;
  equals?: ScalarValue;
  min?: number;
  max?: number;
}

export interface RelatedEntity {
  slug: string;
  claimId: string;
  properties: Record<string, ScalarValue>;
}

interface ReferenceEntity {
  slug: string;
  label: EntityLabel;
  name: string;
  existence: ReferenceClaim;
}

/** True when [validFrom, validTo) of `a` and `b` share a day. */
export function overlaps(
  a: Pick<ReferenceClaim, 'validFrom' | 'validTo'>,
  b: Pick<ReferenceClaim, 'validFrom' | 'validTo'>,
): boolean {
  const aBeforeBEnds = b.validTo === null || a.validFrom === null || a.validFrom < b.validTo;
  const bBeforeAEnds = a.validTo === null || b.validFrom === null || b.validFrom < a.validTo;
  return aBeforeBEnds && bBeforeAEnds && !isEmpty(a) && !isEmpty(b);
}

/** A claim closed on the day it starts holds on no day. */
const isEmpty = (c: Pick<ReferenceClaim, 'validFrom' | 'validTo'>) =>
  c.validFrom !== null && c.validTo !== null && c.validTo <= c.validFrom;

/** True when `from` (null: always) is strictly before `day` (null: always, before nothing). */
const startsBefore = (from: string | null, day: string | null) => day !== null && (from === null || from < day);

export const validOn = (c: Pick<ReferenceClaim, 'validFrom' | 'validTo'>, day: string) =>
  (c.validFrom === null || c.validFrom <= day) && (c.validTo === null || day < c.validTo);
export const knownAt = (c: ReferenceClaim, instant: number) =>
  c.recordedAt <= instant && (c.retractedAt === null || c.retractedAt > instant);

const newestFirst = (a: ReferenceClaim, b: ReferenceClaim) => b.recordedAt - a.recordedAt || b.write - a.write;

/**
 * How a read at knownAt sees a validTo set by a later write (a new value closing the old claim,
 * a null, a disconnect): `recorded` (SPEC: what the graph held at knownAt, so the claim is
 * still open then) or `in-place` (the decision record's storage: validTo is a property of the
 * claim, with no time of its own, so every knownAt sees the closing).
 */
export type ClosingTime = 'recorded' | 'in-place';

export class ClaimReference {
  readonly claims: ReferenceClaim[] = [];
  private readonly closings: ClosingTime;
  private readonly entities = new Map<string, ReferenceEntity>();
  /** Per write: the claim it made or touched, by `ENTITY`, `RELATIONSHIP` or `VALUE field`. */
  private readonly touched: Map<string, ReferenceClaim>[] = [];
  private lastInstant = Number.NEGATIVE_INFINITY;

  constructor(options: { closings?: ClosingTime } = {}) {
    this.closings = options.closings ?? 'recorded';
  }

  /** A reference with every write applied, write i committed at `instants[i]`. */
  static replay(
    writes: readonly Write[],
    instants: readonly (number | string | Date)[],
    options: { closings?: ClosingTime } = {},
  ): ClaimReference {
    if (instants.length !== writes.length) throw new RangeError('one instant per write');
    const reference = new ClaimReference(options);
    writes.forEach((write, i) => reference.apply(write, instants[i]!));
    return reference;
  }

  /** Applies the next write, committed at `at` (strictly after the previous write). */
  apply(write: Write, at: number | string | Date): void {
    const instant = typeof at === 'number' ? at : new Date(at).getTime();
    if (!(instant > this.lastInstant)) throw new RangeError('writes must be committed at increasing instants');
    this.lastInstant = instant;
    const index = this.touched.length;
    this.touched.push(new Map());
    const date = new Date(instant).toISOString().slice(0, 10);
    if (write.op === 'upsert') this.upsert(write, index, instant, date);
    else if (write.op === 'connect') this.connect(write, index, instant, date);
    else if (write.op === 'disconnect') this.disconnect(write, instant, date);
    else if (write.op === 'retractClaim') this.retract(write.target, write.reason, instant);
    else this.deleteEntity(write.slug, instant);
  }

  /** The claim write `ref.write` made or touched for `ref`, in its current state. */
  claimOf(ref: ClaimRef): ReferenceClaim | undefined {
    const key = ref.kind === 'VALUE' ? `VALUE ${ref.field}` : ref.kind;
    return this.touched[ref.write]?.get(key);
  }

  /** Asserted open value claims about `subject`'s `field`. */
  openClaims(subject: string, field: string): ReferenceClaim[] {
    return this.asserted((c) => c.kind === 'VALUE' && c.subject === subject && c.field === field && c.validTo === null);
  }

  /** Asserted claims of one relationship (from, type, to). */
  relationshipClaims(from: string, type: EntityRelationshipType, to: string): ReferenceClaim[] {
    return this.asserted((c) => c.kind === 'RELATIONSHIP' && c.subject === from && c.type === type && c.object === to);
  }

  /** Asserted open relationship claims. */
  openRelationships(): ReferenceClaim[] {
    return this.asserted((c) => c.kind === 'RELATIONSHIP' && c.validTo === null);
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  private asserted(match: (c: ReferenceClaim) => boolean): ReferenceClaim[] {
    return this.claims.filter((c) => c.retractedAt === null && match(c));
  }

  private newClaim(
    fields: Omit<ReferenceClaim, 'id' | 'citations' | 'retractedAt' | 'endings'>,
    args: ClaimArgs,
  ): ReferenceClaim {
    const claim: ReferenceClaim = {
      id: `ref-${this.claims.length + 1}`,
      ...fields,
      endings: [{ at: fields.recordedAt, validTo: fields.validTo }],
      retractedAt: null,
      citations: [],
    };
    if (args.confidence !== undefined) claim.confidence = args.confidence;
    addCitations(claim, args.citations);
    this.claims.push(claim);
    return claim;
  }

  private interval(args: ClaimArgs, date: string) {
    return { validFrom: args.validFrom === undefined ? date : args.validFrom, validTo: args.validTo ?? null };
  }

  private liveEntity(slug: string): ReferenceEntity {
    const entity = this.entities.get(slug);
    if (!entity) throw new Error(`no entity ${slug}`);
    if (entity.existence.retractedAt !== null) throw new Error(`write names the deleted entity ${slug}`);
    return entity;
  }

  private upsert(write: Extract<Write, { op: 'upsert' }>, index: number, at: number, date: string): void {
    const touched = this.touched[index]!;
    const interval = this.interval(write.claim, date);
    let entity = this.entities.get(write.slug);
    if (!entity) {
      const existence = this.newClaim(
        { kind: 'ENTITY', subject: write.slug, ...interval, recordedAt: at, write: index },
        write.claim,
      );
      entity = { slug: write.slug, label: write.label, name: write.name, existence };
      this.entities.set(write.slug, entity);
    } else {
      this.liveEntity(write.slug);
      if (entity.label !== write.label) throw new Error(`${write.slug} is a ${entity.label}, not a ${write.label}`);
      addCitations(entity.existence, write.claim.citations);
      entity.name = write.name;
    }
    touched.set('ENTITY', entity.existence);
    for (const [field, value] of Object.entries(write.values))
      this.writeValue({ subject: write.slug, field, value, ...interval }, write.claim, index, at);
  }

  /** One value write: merge, close, conflict or close-by-null, as the module comment states. */
  private writeValue(
    draft: {
      subject: string;
      field: string;
      value: ScalarValue | null;
      validFrom: string | null;
      validTo: string | null;
    },
    args: ClaimArgs,
    index: number,
    at: number,
  ): void {
    const { subject, field, value, validFrom, validTo } = draft;
    const others = this.asserted((c) => c.kind === 'VALUE' && c.subject === subject && c.field === field);
    if (value === null) {
      for (const c of others) if (c.validTo === null) close(c, closingDay(c.validFrom, validFrom), at);
      return;
    }
    const same = others.filter((c) => c.value === value && overlaps(c, { validFrom, validTo })).sort(newestFirst)[0];
    if (same) {
      addCitations(same, args.citations);
      this.touched[index]!.set(`VALUE ${field}`, same);
      return;
    }
    const claim = this.newClaim(
      { kind: 'VALUE', subject, field, value, validFrom, validTo, recordedAt: at, write: index },
      args,
    );
    this.touched[index]!.set(`VALUE ${field}`, claim);
    if (validTo !== null) return;
    for (const c of others) {
      if (c.validTo !== null || c.value === value) continue;
      if (startsBefore(c.validFrom, validFrom)) close(c, validFrom!, at);
      else if (startsBefore(validFrom, c.validFrom) && (claim.validTo === null || c.validFrom! < claim.validTo))
        close(claim, c.validFrom!, at);
    }
  }

  private connect(write: Extract<Write, { op: 'connect' }>, index: number, at: number, date: string): void {
    this.liveEntity(write.from);
    this.liveEntity(write.to);
    const interval = this.interval(write.claim, date);
    const existing = this.asserted(
      (c) =>
        c.kind === 'RELATIONSHIP' &&
        c.subject === write.from &&
        c.type === write.type &&
        c.object === write.to &&
        overlaps(c, interval),
    ).sort(newestFirst)[0];
    let relationship = existing;
    if (relationship) addCitations(relationship, write.claim.citations);
    else {
      const fields = { kind: 'RELATIONSHIP', subject: write.from, type: write.type, object: write.to } as const;
      relationship = this.newClaim({ ...fields, ...interval, recordedAt: at, write: index }, write.claim);
    }
    this.touched[index]!.set('RELATIONSHIP', relationship);
    for (const [field, value] of Object.entries(write.properties))
      this.writeValue({ subject: relationship.id, field, value, ...interval }, write.claim, index, at);
  }

  private disconnect(write: Extract<Write, { op: 'disconnect' }>, at: number, date: string): void {
    const endsOn = write.validTo ?? date;
    const open = this.asserted(
      (c) => c.kind === 'RELATIONSHIP' && c.subject === write.from && c.type === write.type && c.object === write.to,
    );
    for (const c of open) if (c.validTo === null || c.validTo > endsOn) close(c, closingDay(c.validFrom, endsOn), at);
  }

  private retract(ref: ClaimRef, reason: string, at: number): void {
    const claim = this.claimOf(ref);
    if (!claim || claim.retractedAt !== null) return;
    claim.retractedAt = at;
    claim.retractReason = reason;
  }

  private deleteEntity(slug: string, at: number): void {
    const entity = this.liveEntity(slug);
    const about = (c: ReferenceClaim) =>
      c === entity.existence ||
      (c.kind === 'RELATIONSHIP' && (c.subject === slug || c.object === slug)) ||
      (c.kind === 'VALUE' && c.subject === slug);
    for (const c of this.asserted(about)) {
      c.retractedAt = at;
      c.retractReason = 'entity deleted';
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  /** Whether the entity exists at `time`. */
  exists(slug: string, time: ReadTime): boolean {
    const entity = this.entities.get(slug);
    return entity !== undefined && this.there(entity.existence, time);
  }

  /** The entity's label and (editorial) name, whether or not it exists at some time. */
  entity(slug: string): { label: EntityLabel; name: string } | undefined {
    const entity = this.entities.get(slug);
    return entity && { label: entity.label, name: entity.name };
  }

  /** A subject's (entity slug or relationship claim id) value of `field` at `time`; null when none. */
  value(subject: string, field: string, time: ReadTime): ScalarValue | null {
    const there = this.claims.filter(
      (c) => c.kind === 'VALUE' && c.subject === subject && c.field === field && this.there(c, time),
    );
    return there.sort(newestFirst)[0]?.value ?? null;
  }

  /** The entities of `label` that exist at `time`, by name then slug, optionally filtered and paged. */
  entitiesOf(
    label: EntityLabel,
    time: ReadTime,
    page: { first?: number; after?: string; where?: EntityFilter } = {},
  ): { slugs: string[]; hasNextPage: boolean } {
    const { where } = page;
    const all = [...this.entities.values()]
      .filter((e) => e.label === label && this.there(e.existence, time))
      .filter((e) => !where || matches(this.value(e.slug, where.field, time), where))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
      .map((e) => e.slug);
    const start = page.after === undefined ? 0 : all.indexOf(page.after) + 1;
    const end = page.first === undefined ? all.length : start + page.first;
    return { slugs: all.slice(start, end), hasNextPage: end < all.length };
  }

  count(label: EntityLabel, time: ReadTime, where?: EntityFilter): number {
    return this.entitiesOf(label, time, { where }).slugs.length;
  }

  /** Sum of a numeric field over the entities of `label` at `time` that have a value. */
  sum(label: EntityLabel, field: string, time: ReadTime, where?: EntityFilter): number {
    let total = 0;
    for (const slug of this.entitiesOf(label, time, { where }).slugs) {
      const value = this.value(slug, field, time);
      if (typeof value === 'number') total += value;
    }
    return total;
  }

  /** The relationship claims there at `time` (both ends existing). */
  relationshipsAt(time: ReadTime): ReferenceClaim[] {
    return this.claims.filter(
      (c) =>
        c.kind === 'RELATIONSHIP' &&
        this.there(c, time) &&
        this.exists(c.subject, time) &&
        this.exists(c.object!, time),
    );
  }

  /**
   * The entities related to `slug` by `type` (OUT: `slug` is the start) at `time`, by name then
   * slug, with the relationship's property values at `time`. Empty when `slug` does not exist.
   */
  related(slug: string, type: EntityRelationshipType, direction: 'OUT' | 'IN', time: ReadTime): RelatedEntity[] {
    if (!this.exists(slug, time)) return [];
    const near = direction === 'OUT' ? 'subject' : 'object';
    const far = direction === 'OUT' ? 'object' : 'subject';
    return this.relationshipsAt(time)
      .filter((c) => c.type === type && c[near] === slug)
      .map((c) => ({ slug: c[far]!, claimId: c.id, properties: this.propertiesOf(c, time) }))
      .sort((a, b) => {
        const [an, bn] = [this.entities.get(a.slug)!.name, this.entities.get(b.slug)!.name];
        return an < bn ? -1 : an > bn ? 1 : a.slug < b.slug ? -1 : 1;
      });
  }

  /** Hops on the shortest path between two existing entities over relationships there at `time`. */
  shortestPath(from: string, to: string, time: ReadTime, maxHops = Number.POSITIVE_INFINITY): number | null {
    if (!this.exists(from, time) || !this.exists(to, time)) return null;
    const neighbours = new Map<string, Set<string>>();
    const link = (a: string, b: string) => neighbours.set(a, (neighbours.get(a) ?? new Set()).add(b));
    for (const c of this.relationshipsAt(time)) {
      link(c.subject, c.object!);
      link(c.object!, c.subject);
    }
    let frontier = [from];
    const seen = new Set(frontier);
    for (let hops = 0; frontier.length > 0 && hops <= maxHops; hops++) {
      if (frontier.includes(to)) return hops;
      const next: string[] = [];
      for (const slug of frontier) {
        for (const n of neighbours.get(slug) ?? []) {
          if (seen.has(n)) continue;
          seen.add(n);
          next.push(n);
        }
      }
      frontier = next;
    }
    return null;
  }

  /**
   * The claims about an entity known at `knownAt` (default: now), newest recorded first: with a
   * field, that field's value claims; without, the existence claim and every value claim.
   */
  claimsAbout(subject: string, field?: string, known = Number.POSITIVE_INFINITY): ReferenceClaim[] {
    return this.claims
      .filter((c) => c.recordedAt <= known && c.subject === subject && c.kind !== 'RELATIONSHIP')
      .filter((c) => (field === undefined ? true : c.kind === 'VALUE' && c.field === field))
      .sort(newestFirst);
  }

  /** Other claims asserted at `known` on the same field, overlapping, with another value. */
  conflicts(claim: ReferenceClaim, known = Number.POSITIVE_INFINITY): ReferenceClaim[] {
    if (claim.kind !== 'VALUE') return [];
    return this.claims.filter(
      (c) =>
        c !== claim &&
        c.kind === 'VALUE' &&
        c.subject === claim.subject &&
        c.field === claim.field &&
        c.value !== claim.value &&
        knownAt(c, known) &&
        overlaps(c, claim),
    );
  }

  private there(c: ReferenceClaim, time: ReadTime): boolean {
    if (!knownAt(c, time.knownAt)) return false;
    if (this.closings === 'in-place') return validOn(c, time.asOf);
    const known = c.endings.filter((e) => e.at <= time.knownAt);
    return validOn({ validFrom: c.validFrom, validTo: known[known.length - 1]!.validTo }, time.asOf);
  }

  private propertiesOf(relationship: ReferenceClaim, time: ReadTime): Record<string, ScalarValue> {
    const properties: Record<string, ScalarValue> = {};
    const fields = new Set(this.claims.filter((c) => c.subject === relationship.id).map((c) => c.field!));
    for (const field of fields) {
      const value = this.value(relationship.id, field, time);
      if (value !== null) properties[field] = value;
    }
    return properties;
  }
}

/** Sets validTo (on a claim still open, or one being made) at the write's instant. */
function close(claim: ReferenceClaim, day: string, at: number): void {
  claim.validTo = day;
  const last = claim.endings[claim.endings.length - 1]!;
  if (last.at === at) last.validTo = day;
  else claim.endings.push({ at, validTo: day });
}

/** Where a write ending a claim on `day` closes it: never before the claim's own start. */
function closingDay(claimFrom: string | null, day: string | null): string {
  if (day === null) return claimFrom ?? '0001-01-01';
  return claimFrom !== null && claimFrom > day ? claimFrom : day;
}

function addCitations(claim: ReferenceClaim, citations: readonly CitationInput[] | undefined): void {
  for (const citation of citations ?? []) {
    const same = (c: CitationInput) =>
      c.source === citation.source &&
      (c.quote ?? null) === (citation.quote ?? null) &&
      (c.locator ?? null) === (citation.locator ?? null);
    if (!claim.citations.some(same)) claim.citations.push({ ...citation });
  }
}

function matches(value: ScalarValue | null, where: EntityFilter): boolean {
  if (value === null) return false;
  if (where.equals !== undefined && value !== where.equals) return false;
  if (where.min !== undefined && !(typeof value === 'number' && value >= where.min)) return false;
  if (where.max !== undefined && !(typeof value === 'number' && value <= where.max)) return false;
  return true;
}
