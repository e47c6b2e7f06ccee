/**
 * The extractor behind `ingestDocument`: from a news item's text, its language, its publication
 * day and the gazetteer of known entities, the mentions, money and power amounts and dates
 * it holds, each with its character range. Pure: no database, no clock, no
 * network; the same input gives the same extraction.
 */
import { type Amount, findAmounts } from './amounts.js';
import { type DateSpan, findDates } from './dates.js';
import { overlaps } from './fold.js';
import { findMentions, type Mention } from './mentions.js';

export interface GazetteerEntry {
  slug: string;
  label: 'Person' | 'Company' | 'Project' | 'Datacenter' | 'Deal';
  /** The name first, then the aliases. */
  names: string[];
}

export interface ExtractInput {
  text: string;
  language: 'fr' | 'en';
  /** `YYYY-MM-DD`: relative dates resolve against it. */
  publishedOn: string;
  gazetteer: GazetteerEntry[];
}

export interface Extraction {
  mentions: Mention[];
  amounts: Amount[];
  dates: DateSpan[];
}

export function extract(input: ExtractInput): Extraction {
  const mentions = findMentions(input.text, input.gazetteer, input.language);
  const amounts = findAmounts(input.text, input.language);
  const dates = findDates(input.text, input.publishedOn).filter((d) => !amounts.some((a) => overlaps(a, d)));
  return { mentions, amounts, dates };
}
