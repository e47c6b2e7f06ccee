/**
 * Places, in English and French, folded: what a capitalised name may be without being an entity.
 * The annotation rules count no place as a mention (cities, counties, states, countries, regions,
 * a place standing for its government), so the name finder drops these. Countries carry their
 * ISO 3166 code, and so do the nationality adjectives and the cities a company may be "based" in,
 * for the `country` claims.
 */
import { fold } from './fold.js';

/** A comma-separated word list, folded. */
export const folded = (list: string): string[] =>
  list
    .split(',')
    .map((w) => fold(w.trim()))
    .filter(Boolean);

/** Country names (both languages, with their common short forms) by ISO 3166 alpha-2 code. */
const COUNTRIES: Record<string, string> = {
  US: 'United States, United States of America, USA, US, U.S, America, États-Unis, Amérique',
  CA: 'Canada',
  MX: 'Mexico, Mexique',
  BR: 'Brazil, Brésil',
  AR: 'Argentina, Argentine',
  CL: 'Chile, Chili',
  GB: 'United Kingdom, UK, Britain, Great Britain, England, Scotland, Wales, Royaume-Uni, Angleterre, Écosse',
  IE: 'Ireland, Irlande',
  FR: 'France',
  DE: 'Germany, Allemagne',
  NL: 'Netherlands, Pays-Bas, Holland',
  BE: 'Belgium, Belgique',
  LU: 'Luxembourg',
  CH: 'Switzerland, Suisse',
  AT: 'Austria, Autriche',
  IT: 'Italy, Italie',
  ES: 'Spain, Espagne',
  PT: 'Portugal',
  NO: 'Norway, Norvège',
  SE: 'Sweden, Suède',
  DK: 'Denmark, Danemark',
  FI: 'Finland, Finlande',
  IS: 'Iceland, Islande',
  PL: 'Poland, Pologne',
  GR: 'Greece, Grèce',
  TR: 'Turkey, Türkiye, Turquie',
  RU: 'Russia, Russie',
  UA: 'Ukraine',
  IL: 'Israel, Israël',
  AE: 'United Arab Emirates, UAE, Emirates, Émirats arabes unis, Émirats, EAU',
  SA: 'Saudi Arabia, Arabie saoudite',
  QA: 'Qatar',
  KW: 'Kuwait, Koweït',
  BH: 'Bahrain, Bahreïn',
  OM: 'Oman',
  EG: 'Egypt, Égypte',
  MA: 'Morocco, Maroc',
  ZA: 'South Africa, Afrique du Sud',
  NG: 'Nigeria',
  KE: 'Kenya',
  IN: 'India, Inde',
  PK: 'Pakistan',
  CN: 'China, Chine',
  HK: 'Hong Kong',
  TW: 'Taiwan, Taïwan',
  JP: 'Japan, Japon',
  KR: 'South Korea, Korea, Corée du Sud, Corée',
  SG: 'Singapore, Singapour',
  MY: 'Malaysia, Malaisie',
  ID: 'Indonesia, Indonésie',
  TH: 'Thailand, Thaïlande',
  VN: 'Vietnam, Viêt Nam',
  PH: 'Philippines',
  AU: 'Australia, Australie',
  NZ: 'New Zealand, Nouvelle-Zélande',
};

/** US states and Canadian provinces, which are in their country. */
const SUBDIVISIONS: Record<string, string> = {
  US: `Alabama, Alaska, Arizona, Arkansas, California, Californie, Colorado, Connecticut, Delaware, Florida,
    Floride, Georgia, Géorgie, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Louisiane,
    Maine, Maryland, Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada,
    New Hampshire, New Jersey, New Mexico, Nouveau-Mexique, New York, North Carolina, Caroline du Nord,
    North Dakota, Ohio, Oklahoma, Oregon, Pennsylvania, Pennsylvanie, Rhode Island, South Carolina,
    Caroline du Sud, South Dakota, Tennessee, Texas, Utah, Vermont, Virginia, Virginie, Washington,
    West Virginia, Wisconsin, Wyoming`,
  CA: `Quebec, Québec, Ontario, British Columbia, Colombie-Britannique, Alberta, Manitoba, Saskatchewan,
    Nova Scotia, Nouvelle-Écosse, New Brunswick, Nouveau-Brunswick`,
};

/** Cities, with their country: hubs of the industry and capitals. */
const CITIES: Record<string, string> = {
  US: `New York City, San Francisco, Los Angeles, Seattle, Redmond, Austin, Houston, Dallas, San Antonio,
    Abilene, El Paso, Phoenix, Denver, Chicago, Boston, Atlanta, Miami, Palo Alto, Menlo Park, Mountain View,
    Santa Clara, San Jose, Cupertino, Sunnyvale, Silicon Valley, Washington D.C, Ashburn, Reno, Las Vegas,
    Salt Lake City, Columbus, Pittsburgh, Philadelphia, Detroit, Nashville, Memphis, Richmond, Portland,
    Sacramento, San Diego, Oklahoma City, Albuquerque, Midland, Odessa, Amarillo, Lubbock, Fort Worth,
    New Orleans, Baltimore, Minneapolis`,
  CA: 'Montréal, Toronto, Vancouver, Ottawa, Calgary, Edmonton, Winnipeg, Halifax',
  GB: 'London, Londres, Manchester, Edinburgh, Édimbourg, Cambridge, Oxford',
  FR: 'Paris, Lyon, Marseille, Toulouse, Lille, Bordeaux, Nantes, Strasbourg, Grenoble',
  DE: 'Berlin, Munich, Frankfurt, Francfort, Hamburg, Hambourg',
  NL: 'Amsterdam',
  BE: 'Brussels, Bruxelles',
  CH: 'Geneva, Genève, Zurich, Davos',
  IT: 'Rome, Milan',
  ES: 'Madrid, Barcelona, Barcelone',
  NO: 'Oslo, Bergen, Trondheim, Stavanger, Tromsø',
  SE: 'Stockholm',
  DK: 'Copenhagen, Copenhague',
  FI: 'Helsinki',
  IE: 'Dublin',
  AE: 'Abu Dhabi, Dubai, Dubaï',
  SA: 'Riyadh, Riyad',
  QA: 'Doha',
  IL: 'Tel Aviv',
  IN: 'New Delhi, Delhi, Mumbai, Bangalore, Bengaluru, Hyderabad, Chennai',
  CN: 'Beijing, Pékin, Shanghai, Shenzhen, Hangzhou',
  TW: 'Taipei, Hsinchu',
  JP: 'Tokyo, Osaka, Kyoto',
  KR: 'Seoul, Séoul',
  AU: 'Sydney, Melbourne',
  BR: 'São Paulo, Rio de Janeiro',
  AR: 'Buenos Aires',
  ZA: 'Johannesburg',
};

/** Regions and other places that belong to no one country, and seats standing for a government. */
const REGIONS = `Europe, Asia, Asie, Africa, Afrique, Middle East, Moyen-Orient, Gulf, Golfe, Latin America,
  Amérique latine, North America, Amérique du Nord, Scandinavia, Scandinavie, Nordics, Arctic, Arctique,
  Asia-Pacific, Asie-Pacifique, Midwest, Sun Belt, Pacific, Atlantic, Atlantique, Pacifique, Occident,
  White House, Maison-Blanche, Maison Blanche, Kremlin, Élysée, Matignon, Downing Street`;

/** Nationality adjectives and demonyms (English capitalises them), by country. */
const NATIONALITIES: Record<string, string> = {
  US: 'American, Americans, américain, américaine, américains, américaines, Texan, Texans',
  CA: 'Canadian, Canadians, canadien, canadienne, canadiens, Quebecer, québécois, québécoise',
  GB: 'British, Briton, Britons, English, britannique, britanniques',
  FR: 'French, français, française, françaises',
  DE: 'German, Germans, allemand, allemande, allemands',
  NL: 'Dutch, néerlandais, néerlandaise',
  CH: 'Swiss, suisse',
  IT: 'Italian, italien, italienne',
  ES: 'Spanish, espagnol, espagnole',
  NO: 'Norwegian, Norwegians, norvégien, norvégienne, norvégiens, norvégiennes',
  SE: 'Swedish, suédois, suédoise',
  DK: 'Danish, danois, danoise',
  FI: 'Finnish, finlandais, finlandaise',
  IE: 'Irish, irlandais, irlandaise',
  IL: 'Israeli, israélien, israélienne',
  AE: 'Emirati, Emiratis, émirati, émiratie, émiratis',
  SA: 'Saudi, saoudien, saoudienne',
  QA: 'Qatari, qatarie',
  IN: 'Indian, indien, indienne',
  CN: 'Chinese, chinois, chinoise',
  TW: 'Taiwanese, taïwanais, taïwanaise',
  JP: 'Japanese, japonais, japonaise',
  KR: 'Korean, South Korean, coréen, coréenne, sud-coréen, sud-coréenne',
  AU: 'Australian, australien, australienne',
};

/** Demonyms of no one country. */
const NATIONLESS = `European, Europeans, européen, européenne, européens, Arab, arabe, Asian, African, Nordic, Latin,
  Middle Eastern, Scandinavian`;

const valuesOf = (table: Record<string, string>) => Object.values(table).flatMap(folded);

/** Every place name, folded. */
export const PLACES: ReadonlySet<string> = new Set([
  ...valuesOf(COUNTRIES),
  ...valuesOf(SUBDIVISIONS),
  ...valuesOf(CITIES),
  ...folded(REGIONS),
]);

/** Folded nationality adjectives and demonyms, which are not names either. */
export const DEMONYMS: ReadonlySet<string> = new Set([...valuesOf(NATIONALITIES), ...folded(NATIONLESS)]);

const countryIndex = new Map<string, string>();
for (const table of [COUNTRIES, SUBDIVISIONS, CITIES, NATIONALITIES]) {
  for (const [code, names] of Object.entries(table)) {
    for (const name of folded(names)) if (!countryIndex.has(name)) countryIndex.set(name, code);
  }
}

/** The ISO country of a folded place or nationality word, if known. */
export const countryOf = (foldedName: string): string | undefined => countryIndex.get(foldedName);

/** Words that make a place of the capitalised words before them: `Shackelford County`. */
export const PLACE_SUFFIXES: ReadonlySet<string> = new Set(
  folded('County, Parish, Township, City, Province, Valley, Region, Bay, Lake, River, Island, Islands'),
);

/** Words that make a place of a known place after them: `West Texas`. */
export const DIRECTIONS: ReadonlySet<string> = new Set(
  folded('West, East, North, South, Western, Eastern, Northern, Southern, Central, Upper, Lower, Greater'),
);

/** Words that make a place of any capitalised words after them: `Mount Pleasant`, `Fort Worth`. */
export const PLACE_HEADS: ReadonlySet<string> = new Set(
  folded('Mount, Mont, Fort, Port, Lake, Lac, San, Santa, Saint, St, Cape, Cap, Comté, Province, Région, Île'),
);
