/** Small DOM and formatting helpers shared by the explorer's panels. */
import type { Kind } from './graph-view.js';

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'dataset'>> & {
  dataset?: Record<string, string>;
};

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  { dataset, ...props }: Props<K> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  if (dataset) Object.assign(element.dataset, dataset);
  element.append(...children);
  return element;
}

export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export const usd = (v: number) =>
  v >= 1e9
    ? `$${(v / 1e9).toLocaleString('en-US', { maximumFractionDigits: 1 })} billion`
    : `$${v.toLocaleString('en-US')}`;

export function kindBadge(kind: Kind): HTMLElement {
  return el('span', { className: `badge k-${kind.toLowerCase()}` }, kind.charAt(0) + kind.slice(1).toLowerCase());
}

/** How the panels name each sourced field (the claim's `field`). */
export const FIELD_LABELS: Record<string, string> = {
  kind: 'Kind',
  country: 'Country',
  status: 'Status',
  announcedOn: 'Announced',
  pledgedUsd: 'Pledged',
  targetPowerMw: 'Target power',
  location: 'Location',
  powerMw: 'Power',
  targetDate: 'Target date',
  valueUsd: 'Value',
  startsOn: 'Starts',
  endsOn: 'Ends',
  role: 'Role',
  title: 'Title',
  since: 'Since',
  on: 'On',
  committedUsd: 'Committed',
  amountUsd: 'Amount',
};

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field;

/** A property's value as a reader wants it: money in dollars, power in MW, the rest as is. */
export function propertyText(field: string, value: unknown): string {
  if (typeof value === 'number' && field.endsWith('Usd')) return usd(value);
  if (typeof value === 'number' && field.endsWith('Mw')) return `${value.toLocaleString('en-US')} MW`;
  return String(value);
}

// --- dates: ISO "YYYY-MM-DD" strings, always read as UTC days ---------------------------------

const DAY_MS = 86_400_000;

/** Today's UTC date: what a read without `asOf` means. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** "1 March 2025". */
export function longDate(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "21 Jan 2025". */
export function shortDate(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "2025-07-02 00:00 UTC". */
export function instantText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "from 2025-01-21 until 2025-07-01", "since 2025-01-21", "until …", "always". */
export function validityText(validFrom: string | null | undefined, validTo: string | null | undefined): string {
  if (validFrom && validTo) return `from ${validFrom} until ${validTo}`;
  if (validFrom) return `since ${validFrom}`;
  if (validTo) return `until ${validTo}`;
  return 'always (no dates given)';
}

/** Whether [validFrom, validTo) holds on `day` (ISO); open ends hold. */
export function validOn(
  day: string,
  validFrom: string | null | undefined,
  validTo: string | null | undefined,
): boolean {
  return (!validFrom || validFrom <= day) && (!validTo || day < validTo);
}
