/** External identifiers (SPEC section 2a, "Identity"): their GraphQL types. */
import type { IDENTIFIER_SCHEMES, Identifier } from '../identity/identifiers.js';
import type { IdentifierInput } from '../graph/write-input.js';
import { builder } from './builder.js';

export const IdentifierSchemeEnum = builder.enumType('IdentifierScheme', {
  description: 'Registries an entity may be known by.',
  values: {
    WIKIDATA: { value: 'WIKIDATA', description: 'A Wikidata item id (Q2283).' },
    LEI: { value: 'LEI', description: 'A Legal Entity Identifier (ISO 17442), 20 characters.' },
    TICKER: { value: 'TICKER', description: 'A listing as EXCHANGE:SYMBOL (NASDAQ:MSFT).' },
    DOMAIN: { value: 'DOMAIN', description: 'A web domain (openai.com).' },
    CRUNCHBASE: { value: 'CRUNCHBASE', description: 'A Crunchbase permalink (openai).' },
  } satisfies Record<(typeof IDENTIFIER_SCHEMES)[number], unknown>,
});

/** Where a person can look an identifier up, when the scheme has one public address for it. */
function identifierUrl({ scheme, value }: Identifier): string | null {
  switch (scheme) {
    case 'WIKIDATA':
      return `https://www.wikidata.org/wiki/${value}`;
    case 'LEI':
      return `https://search.gleif.org/#/record/${value}`;
    case 'DOMAIN':
      return `https://${value}`;
    case 'CRUNCHBASE':
      return `https://www.crunchbase.com/organization/${value}`;
    default:
      return null;
  }
}

export const IdentifierRef = builder.objectRef<Identifier>('Identifier').implement({
  description: 'An external identifier: unique per scheme and value across the graph.',
  fields: (t) => ({
    scheme: t.field({ type: IdentifierSchemeEnum, resolve: (id) => id.scheme }),
    value: t.exposeString('value', {
      description: 'Canonical: Wikidata ids and tickers upper case, domains lower case.',
    }),
    url: t.string({
      nullable: true,
      description: 'Where to look it up (null for tickers).',
      resolve: (id) => identifierUrl(id),
    }),
  }),
});

export const IdentifierInputRef = builder.inputRef<IdentifierInput>('IdentifierInput').implement({
  description: "An external identifier; the value is checked by its scheme's rule and stored canonical.",
  fields: (t) => ({
    scheme: t.field({ type: IdentifierSchemeEnum, required: true }),
    value: t.string({ required: true }),
  }),
});
