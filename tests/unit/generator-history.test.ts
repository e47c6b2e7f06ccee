import { describe, expect, it } from 'vitest';
import { generateGraph } from '../../src/graph/generator.js';
import { HISTORY_WINDOW, type ClaimRecord } from '../../src/graph/generator-history.js';
import { KIND_PROPERTIES, RELATIONSHIPS } from '../../src/graph/model.js';
import { validateGraphData } from '../../src/graph/record-rules.js';

const OPTIONS = { entities: 4_000, seed: 7, prefix: 'unit' } as const;
const plain = generateGraph(OPTIONS);
const withHistory = generateGraph({ ...OPTIONS, history: true });
const claims = withHistory.claims;
/** A day after the whole history: "today" for the winner of every value. */
const TODAY = '2026-12-31';

const validOn = (c: ClaimRecord, day: string) =>
  (c.validFrom === null || c.validFrom <= day) && (!c.validTo || day < c.validTo);
const overlap = (a: ClaimRecord, b: ClaimRecord) =>
  (a.validTo === undefined || b.validFrom === null || b.validFrom < a.validTo) &&
  (b.validTo === undefined || a.validFrom === null || a.validFrom < b.validTo);

/** Value claims grouped by `subject field`. */
function valueClaimsByField(): Map<string, ClaimRecord[]> {
  const byField = new Map<string, ClaimRecord[]>();
  for (const c of claims) {
    if (c.kind !== 'VALUE') continue;
    const key = `${c.subject} ${c.field}`;
    byField.set(key, [...(byField.get(key) ?? []), c]);
  }
  return byField;
}
const byField = valueClaimsByField();
const relationshipClaims = claims.filter((c) => c.kind === 'RELATIONSHIP');
const relationshipClaimById = new Map(relationshipClaims.map((c) => [c.id, c]));

/** The graph's sourced values as `subject field` → value, subjects as the claims name them. */
function plainValues(): Map<string, string | number> {
  const values = new Map<string, string | number>();
  for (const e of plain.entities)
    for (const field of Object.keys(KIND_PROPERTIES[e.label]))
      if (e[field] != null) values.set(`${e.slug} ${field}`, e[field] as string | number);
  plain.relationships.forEach((r, i) => {
    const claim = relationshipClaims[i]!;
    for (const field of Object.keys(RELATIONSHIPS[r.type].properties))
      if (r.properties?.[field] != null) values.set(`${claim.id} ${field}`, r.properties[field] as string | number);
  });
  return values;
}
const values = plainValues();

describe('generateGraph with history', () => {
  it('leaves the graph without history exactly as it was, and is deterministic per seed', () => {
    expect(JSON.stringify(generateGraph({ ...OPTIONS, history: false }))).toBe(JSON.stringify(plain));
    expect(JSON.stringify(generateGraph({ ...OPTIONS, history: true }))).toBe(JSON.stringify(withHistory));
    expect(JSON.stringify(generateGraph({ ...OPTIONS, seed: 8, history: true }).claims)).not.toBe(
      JSON.stringify(claims),
    );
    expect(withHistory.entities.map((e) => [e.id, e.slug, e.label, e.name])).toEqual(
      plain.entities.map((e) => [e.id, e.slug, e.label, e.name]),
    );
    expect(withHistory.sources).toEqual(plain.sources);
    expect(withHistory.mentions).toEqual(plain.mentions);
  });

  it('gives every entity one existence claim and every relationship one relationship claim', () => {
    const existence = claims.filter((c) => c.kind === 'ENTITY').map((c) => c.subject);
    expect(existence).toEqual(plain.entities.map((e) => e.slug));
    expect(relationshipClaims.map((c) => [c.subject, c.type, c.object])).toEqual(
      plain.relationships.map((r) => [r.from, r.type, r.to]),
    );
    const ids = claims.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.startsWith('clm-unit-')).toBe(true);
  });

  it('makes the winner today of every sourced value the value the graph has without history', () => {
    expect(values.size).toBeGreaterThan(10_000);
    expect([...byField.keys()].sort()).toEqual([...values.keys()].sort());
    const wrong = [...values].filter(([key, value]) => {
      const valid = byField.get(key)!.filter((c) => validOn(c, TODAY) && c.retractedAt === undefined);
      return valid.sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))[0]?.value !== value;
    });
    expect(wrong).toEqual([]);
  });

  it('leaves out of the records the values their claims carry, and the relationships', () => {
    const flat = withHistory.entities.flatMap((e) =>
      Object.keys(KIND_PROPERTIES[e.label]).filter((field) => e[field] !== undefined),
    );
    expect(flat).toEqual([]);
    expect(withHistory.relationships).toEqual([]);
    expect(() => validateGraphData(withHistory)).not.toThrow();
  });

  it('dates every claim inside the window, records it after it starts, retracts after recording', () => {
    const firstDay = new Map(claims.filter((c) => c.kind === 'ENTITY').map((c) => [c.subject, c.validFrom!]));
    const problems: string[] = [];
    const check = (ok: boolean, c: ClaimRecord, rule: string) => {
      if (!ok) problems.push(`${c.id}: ${rule}`);
    };
    for (const c of claims) {
      check(c.validFrom! >= HISTORY_WINDOW.from && c.validFrom! <= HISTORY_WINDOW.to, c, 'validFrom in the window');
      check(c.recordedAt.slice(0, 10) >= c.validFrom!, c, 'recorded after it starts');
      check(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(c.recordedAt), c, 'recordedAt is an instant');
      check(c.recordedAt < '2026-10-01', c, 'recorded before October 2026');
      if (c.validTo !== undefined) check(c.validTo > c.validFrom! && c.validTo <= HISTORY_WINDOW.to, c, 'validTo');
      if (c.retractedAt !== undefined) {
        check(c.retractedAt > c.recordedAt && c.retractedAt < '2026-10-01', c, 'retracted after recorded');
        check(Boolean(c.retractReason), c, 'a retraction has a reason');
      }
      if (c.kind === 'RELATIONSHIP') {
        check(c.validFrom! >= firstDay.get(c.subject)!, c, 'starts after its from end');
        check(c.validFrom! >= firstDay.get(c.object!)!, c, 'starts after its to end');
      }
      if (c.kind === 'VALUE') {
        const start = relationshipClaimById.get(c.subject)?.validFrom ?? firstDay.get(c.subject);
        check(start !== undefined && c.validFrom! >= start, c, 'a value starts after its subject');
      }
    }
    expect(problems).toEqual([]);
  });

  it('changes a few percent of values, the old claim closed on the day the new one starts', () => {
    let changed = 0;
    for (const [key, fieldClaims] of byField) {
      const closed = fieldClaims.filter((c) => c.validTo !== undefined);
      const abutting = closed.filter((old) => fieldClaims.some((next) => next.validFrom === old.validTo));
      if (abutting.length === 0) continue;
      changed++;
      const [old] = abutting;
      const next = fieldClaims.find((c) => c.validFrom === old!.validTo)!;
      expect(next.value, key).not.toBe(old!.value);
      expect(next.validTo, key).toBeUndefined();
      expect(next.value, key).toBe(values.get(key));
    }
    expect(changed / values.size).toBeGreaterThan(0.03);
    expect(changed / values.size).toBeLessThan(0.05);
  });

  it('keeps about one value in a hundred in conflict: overlapping, other value, recorded at another time', () => {
    let disputed = 0;
    for (const fieldClaims of byField.values()) {
      const conflicts = fieldClaims.filter((a, i) =>
        fieldClaims.some((b, j) => i < j && overlap(a, b) && a.value !== b.value && a.recordedAt !== b.recordedAt),
      );
      if (conflicts.length > 0) disputed++;
    }
    expect(disputed / values.size).toBeGreaterThan(0.005);
    expect(disputed / values.size).toBeLessThan(0.015);
  });

  it('ends about 3% of relationships and retracts about 2%, with a reason', () => {
    const ended = relationshipClaims.filter((c) => c.validTo !== undefined).length / relationshipClaims.length;
    const retracted = relationshipClaims.filter((c) => c.retractedAt !== undefined).length / relationshipClaims.length;
    expect(ended).toBeGreaterThan(0.02);
    expect(ended).toBeLessThan(0.04);
    expect(retracted).toBeGreaterThan(0.013);
    expect(retracted).toBeLessThan(0.027);
    expect(claims.filter((c) => c.kind !== 'RELATIONSHIP' && c.retractedAt !== undefined)).toEqual([]);
  });

  it('cites only sources that already mention what a claim is about, so loading adds no MENTIONS', () => {
    const mentioned = new Set(plain.mentions.flatMap((m) => m.entities.map((slug) => `${m.source} ${slug}`)));
    const about = (c: ClaimRecord): string[] => {
      const relationship = c.kind === 'RELATIONSHIP' ? c : relationshipClaimById.get(c.subject);
      return relationship ? [relationship.subject, relationship.object!] : [c.subject];
    };
    const unmentioned = claims.filter((c) =>
      c.citations.some((x) => about(c).some((slug) => !mentioned.has(`${x.source} ${slug}`))),
    );
    expect(unmentioned).toEqual([]);
    const cited = (kind: ClaimRecord['kind']) => {
      const ofKind = claims.filter((c) => c.kind === kind);
      return ofKind.filter((c) => c.citations.length > 0).length / ofKind.length;
    };
    // Sources mention few entities, and both ends of a relationship seldom.
    expect(cited('ENTITY')).toBeGreaterThan(0.1);
    expect(cited('VALUE')).toBeGreaterThan(0.05);
    expect(cited('RELATIONSHIP')).toBeGreaterThan(0.002);
    const unsourced = generateGraph({ ...OPTIONS, entities: 200, sources: 0, history: true });
    expect(unsourced.claims.every((c) => c.citations.length === 0)).toBe(true);
  });

  it('takes other rates: none gives one open claim per value and relationship', () => {
    const none = { changed: 0, conflicts: 0, ended: 0, retracted: 0 };
    const quiet = generateGraph({ ...OPTIONS, entities: 500, history: none });
    const small = generateGraph({ ...OPTIONS, entities: 500 });
    const valueCount =
      small.entities.reduce((n, e) => n + Object.keys(KIND_PROPERTIES[e.label]).filter((f) => e[f] != null).length, 0) +
      small.relationships.reduce((n, r) => n + Object.values(r.properties ?? {}).filter((v) => v != null).length, 0);
    expect(quiet.claims.length).toBe(small.entities.length + small.relationships.length + valueCount);
    expect(quiet.claims.every((c) => c.validTo === undefined && c.retractedAt === undefined)).toBe(true);
  });
});
