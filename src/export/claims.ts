/**
 * The claims behind an exported neighbourhood: each node's existence claim, each relationship's
 * claim, and the claim of each sourced value at the export's slice (the newest recorded of the
 * value claims held then, as a time read takes it; today, as known now, for a plain export).
 * One statement: claims by id through their unique constraint, value claims through the
 * `Claim(subject, field)` index.
 */
import { CLAIM_COPY_KEYS } from '../claims/model.js';
import { heldAt, timeParams, utcToday, type TimeSlice } from '../claims/time.js';
import type { Db, Row } from '../neo4j/db.js';

/** One citation of a claim: the source's id, the quote and where in the source (null: none). */
export interface ExportedCitation {
  source: string;
  quote: string | null;
  locator: string | null;
}

/** A claim as exports show it: its id, validity, transaction time, confidence and citations. */
export interface ExportedClaim {
  claimId: string;
  /** `YYYY-MM-DD`; null: open (always, or still). Half-open: valid on D when validFrom <= D < validTo. */
  validFrom: string | null;
  validTo: string | null;
  /** ISO instants. */
  recordedAt: string | null;
  retractedAt: string | null;
  confidence: number | null;
  citations: ExportedCitation[];
}

/** The names of an exported claim's fields, in column order (GraphML keys, CSV columns). */
export const CLAIM_COLUMNS = [
  'claimId',
  'validFrom',
  'validTo',
  'recordedAt',
  'retractedAt',
  'confidence',
  'citations',
] as const satisfies ReadonlyArray<keyof ExportedClaim>;
export type ClaimColumn = (typeof CLAIM_COLUMNS)[number];

/** A value claim as read: its claim, the field it sets and the value it gives. */
export interface ValueClaim extends ExportedClaim {
  subject: string;
  field: string;
  value: unknown;
}

/** The properties a `Claim` node gives an export. */
export const CLAIM_PROJECTION =
  '.id, .kind, .subject, .object, .type, .field, .value, .validFrom, .validTo, .recordedAt, .retractedAt, .closedAt, ' +
  '.retractReason, .confidence, .citeSources, .citeQuotes, .citeLocators';

/** Parallel citation lists (`''` = none) as citations. */
export function citationsOf(row: Row): ExportedCitation[] {
  const sources = (row.citeSources as string[] | null) ?? [];
  const quotes = (row.citeQuotes as string[] | null) ?? [];
  const locators = (row.citeLocators as string[] | null) ?? [];
  return sources.map((source, i) => ({ source, quote: quotes[i] || null, locator: locators[i] || null }));
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** A `Claim` node's projection as an exported claim. */
export function exportedClaimOf(row: Row): ExportedClaim {
  return {
    claimId: String(row.id),
    validFrom: text(row.validFrom),
    validTo: text(row.validTo),
    recordedAt: text(row.recordedAt),
    retractedAt: text(row.retractedAt),
    confidence: typeof row.confidence === 'number' ? row.confidence : null,
    citations: citationsOf(row),
  };
}

/**
 * The claim a node or relationship carries copies of, when no `Claim` node answers for it
 * (graphs written before claims, or by hand): its copies and no citation. Null without `claimId`.
 */
export function copiedClaimOf(properties: Row): ExportedClaim | null {
  if (properties.claimId === null || properties.claimId === undefined) return null;
  return {
    claimId: String(properties.claimId),
    validFrom: text(properties.validFrom),
    validTo: text(properties.validTo),
    recordedAt: text(properties.recordedAt),
    retractedAt: text(properties.retractedAt),
    confidence: null,
    citations: [],
  };
}

/** A record's properties without its claim's copies (they go under `claim`). */
export function withoutClaimCopies(properties: Row): Row {
  const copies: ReadonlySet<string> = new Set(CLAIM_COPY_KEYS);
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !copies.has(key)));
}

const CLAIMS_AT = `
CALL () {
  UNWIND $claimIds AS claimId
  MATCH (c:Claim {id: claimId})
  RETURN collect(c { ${CLAIM_PROJECTION} }) AS own
}
CALL () {
  UNWIND $subjects AS subject
  MATCH (vc:Claim {subject: subject})
  WHERE vc.field IS NOT NULL AND ${heldAt('vc')}
  WITH subject, vc ORDER BY vc.recordedAt DESC, vc.id DESC
  WITH subject, vc.field AS field, collect(vc)[0] AS winner
  RETURN collect(winner { ${CLAIM_PROJECTION} }) AS values
}
RETURN own, values`;

export interface ClaimsAt {
  /** Claims by id. */
  own: Map<string, ExportedClaim>;
  /** Value claims held at the slice, by subject (entity id or relationship claim id), then field. */
  values: Map<string, Map<string, ValueClaim>>;
}

/**
 * The claims `claimIds` and the value claims of `subjects` held at `time` (null: today, as known
 * now). One round trip.
 */
export async function claimsAt(
  db: Db,
  claimIds: readonly string[],
  subjects: readonly string[],
  time: TimeSlice | null,
  run: Parameters<Db['read']>[2] = {},
): Promise<ClaimsAt> {
  const slice = time ?? { asOf: utcToday(), knownAt: new Date().toISOString() };
  const [row] = await db.read(
    CLAIMS_AT,
    { claimIds: [...new Set(claimIds)], subjects: [...new Set(subjects)], ...timeParams(slice) },
    run,
  );
  const own = new Map<string, ExportedClaim>();
  for (const c of (row?.own as Row[] | undefined) ?? []) own.set(String(c.id), exportedClaimOf(c));
  const values = new Map<string, Map<string, ValueClaim>>();
  for (const v of (row?.values as Row[] | undefined) ?? []) {
    const subject = String(v.subject);
    if (!values.has(subject)) values.set(subject, new Map());
    values.get(subject)!.set(String(v.field), {
      ...exportedClaimOf(v),
      subject,
      field: String(v.field),
      value: v.value ?? null,
    });
  }
  return { own, values };
}
