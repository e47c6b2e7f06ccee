/**
 * Money and power figures written with digits. The range starts at the currency sign or code when
 * there is one (`$`, `US$`, `€`, `NOK`), otherwise at the number, and ends after the scale word and
 * the unit or currency words (`milliards de dollars`, `bn`, `d’euros`, `GW`); a qualifier before
 * the number stays outside but makes the figure approximate, one glued after it (`et quelques`)
 * is inside. Money is in US dollars when the text says dollars or implies them (a bare
 * `30 milliards` takes the currency of the figures around it); other currencies keep their ISO
 * code and no dollar value. Power is in megawatts. A comma before three digits is a thousands
 * separator in English (`1,400`) and a decimal comma in French (`1,2 GW`).
 */
import { alternatives, fold, type Span } from './fold.js';

export interface Amount extends Span {
  kind: 'MONEY' | 'POWER';
  usd?: number | null;
  currency?: string;
  mw?: number;
  approximate: boolean;
}

const CODES = alternatives('usd, eur, gbp, nok, sek, dkk, chf, cad, aud, aed, sar, jpy, cny, inr');
const SIGN = `(?:(?<signed>us|c|ca|a|au|hk|s)?\\$|€|£|¥|(?<code>${CODES}) ?)`;
const NUMBER = String.raw`(?<number>\d{1,3}(?:[ .,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)`;
const SCALE = `(?<scale>${alternatives(`
  mille milliards, milliards?, millions?, billions?, trillions?, thousand, mds?, mln, bn, tn, mn, md, k, b, m`)})`;
const CURRENCY_WORDS = `(?<currency>${alternatives(`
  (?:(?:canadian|australian|us|american) )?dollars?(?: americains| us| canadiens| australiens)?, euros?,
  livres?(?: sterling)?, pounds?(?: sterling)?, yens?, yuans?, renminbi,
  couronnes?(?: norvegiennes| suedoises| danoises)?, kroner, kronor, krone, dirhams?, riyals?, francs? suisses,
  roupies, rupees, ${CODES}, \\$, €`)})`;
/** A power unit, not an energy one (`MWh`, `gigawatt-hours`). */
const WATTS = alternatives('gigawatts?, megawatts?, kilowatts?, terawatts?, gw, mw, kw, tw');
const POWER_UNIT = `(?<power>${WATTS})(?![-\\s]?h(?:ours?|eures?)?\\b)`;
const GLUED_WORDS = alternatives('et quelques, et des poussieres, and change, or more, ou plus, et plus');
const GLUED = `(?<glued>(?: (?:${GLUED_WORDS})|-plus))?`;

/** A figure: an optional sign, a number, an optional scale, then currency words or a power unit. */
const FIGURE = new RegExp(
  String.raw`(?<![\p{L}\p{N}$€£.,])(?:${SIGN})?${NUMBER}(?:(?<space> ?-?)${SCALE}\b)?` +
    String.raw`(?:(?: (?:de |d')?| ?)${CURRENCY_WORDS}\b|(?: ?-?)${POWER_UNIT}\b)?${GLUED}`,
  'gu',
);

/** A qualifier just before a figure that makes it inexact or a bound. */
const QUALIFIER = new RegExp(
  `(?:^|[\\s(])(?:${alternatives(`
    about, around, roughly, approximately, approx\\.?, some, nearly, almost, close to, up to, as much as, more than,
    over, well over, a little over, a little more than, just over, just under, under, less than, at least, at most,
    past, beyond, exceeds?, exceeded, exceeding, surpass\\w*, tops?, topped, topping, upwards? of, north of,
    in excess of, an estimated, estimated, environ, pres de, presque, pouvant atteindre, pouvant aller jusqu'a,
    jusqu'a, plus de, moins de, au moins, au plus, quelque, autour de, de l'ordre de, a peu pres, quasiment,
    depasser, depasse, depassent, depassera, depasserait, depasseraient, franchir, au-dela de, pas loin de`)}) $`,
);

/**
 * What may follow a bare `30 milliards` for it to be money: in French anything but `de` (which
 * introduces what is counted: `2 milliards de paramètres`); in English punctuation or a small
 * word, not a noun (`2 billion parameters`).
 */
const MONEY_FOLLOWER = {
  fr: /^(?!\s+(?:de|d')\b)/,
  en: new RegExp(
    `^(?:\\s*(?:[.,;:!?)]|$)|\\s+(?:${alternatives(`
      in, for, to, on, by, over, from, and, or, with, this, according, raised, invested, committed, pledged`)})\\b)`,
  ),
};

const SCALES: Record<string, number> = {
  'mille milliards': 1e12,
  trillion: 1e12,
  tn: 1e12,
  billion: 1e9,
  bn: 1e9,
  b: 1e9,
  milliard: 1e9,
  md: 1e9,
  mds: 1e9,
  million: 1e6,
  mn: 1e6,
  mln: 1e6,
  m: 1e6,
  thousand: 1e3,
  k: 1e3,
};
const POWER_FACTORS: Record<string, number> = { t: 1e6, g: 1e3, m: 1, k: 1e-3 };

/** The value of a written number: `,` (English) or `.` (French) before exactly three digits groups them. */
function parseNumber(written: string, language: 'fr' | 'en'): number {
  const plain = written.replace(/[ \u00a0\u202f]/g, '');
  const grouping = language === 'en' ? /,(?=\d{3}(?!\d))/g : /\.(?=\d{3}(?!\d))/g;
  return Number(plain.replace(grouping, '').replace(',', '.'));
}

/** The scale a scale word multiplies by: French `billion` is 10¹². */
const scaleOf = (word: string | undefined, language: 'fr' | 'en') => {
  if (word === undefined) return 1;
  const singular = word.replace(/s$/, '') || word;
  if (language === 'fr' && singular === 'billion') return 1e12;
  return SCALES[word] ?? SCALES[singular] ?? 1;
};

/** The ISO code of written currency words or a sign; null when nothing names a currency. */
function currencyOf(groups: Record<string, string | undefined>, written: string): string | null {
  const words = groups.currency;
  if (groups.code) return groups.code.toUpperCase();
  if (groups.signed)
    return { us: 'USD', c: 'CAD', ca: 'CAD', a: 'AUD', au: 'AUD', hk: 'HKD', s: 'SGD' }[groups.signed]!;
  if (written.startsWith('$')) return words && /canad/.test(words) ? 'CAD' : 'USD';
  if (written.startsWith('€')) return 'EUR';
  if (written.startsWith('£')) return 'GBP';
  if (written.startsWith('¥')) return 'JPY';
  if (!words) return null;
  const table: [RegExp, string][] = [
    [/canad/, 'CAD'],
    [/austral/, 'AUD'],
    [/dollar|usd|\$/, 'USD'],
    [/euro|eur|€/, 'EUR'],
    [/livre|pound|gbp/, 'GBP'],
    [/yen|jpy/, 'JPY'],
    [/yuan|renminbi|cny/, 'CNY'],
    [/suedoise|kronor|sek/, 'SEK'],
    [/danoise|dkk/, 'DKK'],
    [/couronne|krone|nok/, 'NOK'],
    [/dirham|aed/, 'AED'],
    [/riyal|sar/, 'SAR'],
    [/franc|chf/, 'CHF'],
    [/roupie|rupee|inr/, 'INR'],
  ];
  return table.find(([re]) => re.test(words))?.[1] ?? words.toUpperCase();
}

/** A figure as found, before bare sums take their currency from their neighbours. */
interface Figure extends Amount {
  implied: boolean;
}

function figureAt(text: string, folded: string, m: RegExpExecArray, language: 'fr' | 'en'): Figure | null {
  const g = m.groups as Record<string, string | undefined>;
  const start = m.index;
  const end = start + m[0].length;
  const base = { start, end, text: text.slice(start, end) };
  const approximate = QUALIFIER.test(folded.slice(Math.max(0, start - 30), start)) || g.glued !== undefined;
  const value = parseNumber(g.number!, language);
  if (g.power) {
    if (g.scale) return null;
    const mw = Math.round(value * POWER_FACTORS[g.power[0]!]! * 1000) / 1000;
    return { ...base, kind: 'POWER', mw, approximate, implied: false };
  }
  const currency = currencyOf(g, m[0]);
  const glyphScale = g.scale !== undefined && g.scale.length <= 2 && g.scale !== 'bn' && g.scale !== 'mn';
  if (glyphScale && (currency === null || g.space !== '')) return null;
  if (currency === null && (!g.scale || !MONEY_FOLLOWER[language].test(folded.slice(end)))) return null;
  const amount = Math.round(value * scaleOf(g.scale, language));
  const money = { ...base, kind: 'MONEY' as const, approximate, implied: currency === null };
  if (currency === null || currency === 'USD') return { ...money, usd: amount };
  return { ...money, usd: null, currency };
}

/** Every money and power figure of the text, in text order. */
export function findAmounts(text: string, language: 'fr' | 'en'): Amount[] {
  const folded = fold(text);
  const figures = [...folded.matchAll(FIGURE)].flatMap((m) => figureAt(text, folded, m, language) ?? []);
  const explicit = figures.filter((f) => f.kind === 'MONEY' && !f.implied);
  return figures.map(({ implied, ...amount }) => {
    if (!implied) return amount;
    const before = explicit.filter((f) => f.start < amount.start).at(-1);
    const source = before ?? explicit[0];
    if (!source || source.currency === undefined) return amount;
    return { ...amount, usd: null, currency: source.currency };
  });
}
