/**
 * The hand-annotated gold set (tests/fixtures/ingest/, rules in its README) and the gazetteer the
 * extractor is measured with: the seed's entities, each with its name and aliases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Amount } from './amounts.js';
import type { DateSpan } from './dates.js';
import type { EntityRef, GazetteerEntry } from './extract.js';
import type { Mention } from './mentions.js';

/** A claim as the gold set records it: a fact, maybe approximate or dated, and its quote. */
export type GoldClaim = (
  | { subject: EntityRef; field: string; value: unknown }
  | { relationship: string; from: EntityRef; to: EntityRef; properties?: Record<string, unknown> }
) & {
  quote: { start: number; end: number; text: string };
  approximate?: boolean;
  validFrom?: string;
  validTo?: string;
};

export interface GoldAnnotations {
  mentions: Mention[];
  amounts: Amount[];
  dates: DateSpan[];
  claims: GoldClaim[];
}

export interface GoldDocument {
  name: string;
  text: string;
  language: 'fr' | 'en';
  publishedOn: string;
  heldOut: boolean;
  gold: GoldAnnotations;
}

const GOLD_DIR = new URL('../../tests/fixtures/ingest/', import.meta.url);
const SEED = new URL('../../cypher/seed/stargate.json', import.meta.url);

/** Every gold document, in name order. */
export function loadGoldSet(): GoldDocument[] {
  const names = readdirSync(GOLD_DIR)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -'.txt'.length))
    .sort();
  return names.map((name) => {
    const text = readFileSync(new URL(`${name}.txt`, GOLD_DIR), 'utf8');
    const json = JSON.parse(readFileSync(new URL(`${name}.json`, GOLD_DIR), 'utf8'));
    const { mentions, amounts, dates, claims } = json as GoldAnnotations;
    const { language, publishedOn } = json.document as { language: 'fr' | 'en'; publishedOn: string };
    return {
      name,
      text,
      language,
      publishedOn,
      heldOut: json.heldOut === true,
      gold: { mentions, amounts, dates, claims },
    };
  });
}

/** The seed's entities as a gazetteer: slug, label, and the name before the aliases. */
export function seedGazetteer(): GazetteerEntry[] {
  const seed = JSON.parse(readFileSync(SEED, 'utf8')) as {
    entities: { slug: string; label: GazetteerEntry['label']; name: string; aliases?: string[] }[];
  };
  return seed.entities.map((e) => ({ slug: e.slug, label: e.label, names: [e.name, ...(e.aliases ?? [])] }));
}
