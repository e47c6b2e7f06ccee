/**
 * The closed word lists the name finder reads, folded: words that are capitalised without being
 * names (function words at a sentence's start, titles, months, acronyms of units and trades,
 * products), and the words that tell a new entity's kind (given names for people, the last word
 * of a company's name, the nouns that describe a site).
 */
import { folded } from './places.js';

const set = (list: string): ReadonlySet<string> => new Set(folded(list));

/** Words that start English sentences and are never a name's first word. */
const FUNCTION_WORDS_EN = set(`
  the, a, an, this, that, these, those, it, its, in, on, at, by, for, from, to, with, as, and, but, or, if,
  when, while, after, before, since, during, under, over, much, many, most, some, all, both, each, every,
  neither, either, no, not, one, two, three, four, five, we, our, they, their, he, she, his, her, i, you,
  there, here, what, which, who, whom, whose, how, why, where, also, yet, still, meanwhile, however,
  according, last, next, early, late, so, such, other, another, more, less, few, like, unlike, once, then,
  than, now, today, only, even, just, already, instead, despite, although, though, because, until, about,
  among, between, without, within, through, across, against, around, near, beyond, behind, into, onto,
  afterwards, overall, together, rest, part, several, half`);

/** Words that start French sentences and are never a name's first word. */
const FUNCTION_WORDS_FR = set(`
  le, la, les, l, un, une, des, du, de, d, ce, cet, cette, ces, son, sa, ses, leur, leurs, il, elle, ils,
  elles, on, nous, vous, je, selon, lors, au, aux, en, dans, pour, par, avec, sans, sous, sur, chez, entre,
  depuis, apres, avant, pendant, mais, ou, et, donc, or, ni, car, si, quand, alors, ainsi, pourtant,
  toutefois, cependant, aucun, aucune, chaque, plusieurs, tous, toutes, tout, toute, certains, certaines,
  autre, autres, meme, deja, encore, desormais, enfin, puis, qui, que, quoi, dont, comme, a, y, c, ca,
  cela, ceci, voici, voila, outre, face, grace, malgre, parmi, vers, pres, loin, plus, moins, tres, bien,
  peu, notre, votre, mon, ma, mes, ton, ta, tes, quant, seul, seule, seuls, hier, demain, jusqu, lorsque,
  puisque, tandis, celui, celle, ceux, celles, total, finalement, neanmoins, surtout, notamment, ensuite,
  reste, moitie, tiers, quart`);

/** Function words of either language: never inside a name. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([...FUNCTION_WORDS_EN, ...FUNCTION_WORDS_FR]);

/** The words a sentence in `language` may start with that are never a name's first word. */
export const openingWords = (language: 'fr' | 'en'): ReadonlySet<string> =>
  language === 'en' ? FUNCTION_WORDS_EN : FUNCTION_WORDS_FR;

/** Titles and forms of address, which precede a name without being part of it. */
export const TITLES = set(`
  President, Président, Présidente, CEO, Chief, Executive, Officer, Chairman, Chairwoman, Director,
  Directeur, Directrice, Minister, Ministre, Secretary, Secrétaire, Governor, Gouverneur, Senator, Sénateur,
  Sénatrice, Representative, Mayor, Maire, Mr, Mrs, Ms, Dr, M, Mme, Sir, Lord, Sheikh, Cheikh, Prince,
  Princess, King, Queen, Roi, Reine, Emir, Émir, CFO, COO, CTO, PDG, DG, Founder, Fondateur, Fondatrice,
  Co-founder, Cofondateur, Judge, Juge, Commissioner, Commissaire, Analyst, Analyste, Professor, Professeur`);

/** Months and weekdays, capitalised in English and at a sentence's start. */
export const CALENDAR_WORDS = set(`
  January, February, March, April, May, June, July, August, September, October, November, December,
  Jan, Feb, Mar, Apr, Jun, Jul, Aug, Sep, Sept, Oct, Nov, Dec, Monday, Tuesday, Wednesday, Thursday, Friday,
  Saturday, Sunday, janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre,
  décembre, lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche, Christmas, Noël`);

/** Capitalised words that name no one on their own: units, acronyms, institutions in general. */
export const COMMON_CAPITALISED = set(`
  AI, IA, AGI, GPU, GPUs, CPU, CPUs, TPU, TPUs, IPO, MW, GW, TW, KW, MWh, GWh, TWh, USD, EUR, CEO, CFO, PDG,
  ESG, R&D, LLM, LLMs, API, APIs, SaaS, IT, TI, HPC, PPA, FAQ, OK, NB, PS, Bourse, Stock, Exchange, État,
  États, Etat, Etats, State, States, Gouvernement, Government, Congress, Congrès, Senate, Sénat, Parliament,
  Parlement, Cabinet, Administration, Internet, Web, Cloud, Tech, Data, Campus, Project, Projet, Phase`);

/** Products and models, which the rules do not count as mentions. */
export const PRODUCTS = set(`
  ChatGPT, GPT, Sora, Codex, DALL-E, Azure, Copilot, Bing, Windows, Office, Gemini, Bard, Claude, Llama,
  Grok, Blackwell, Hopper, Grace, Rubin, Vera, Instinct, Trainium, Inferentia, Graviton, Xeon, Epyc,
  iPhone, Android, OCI, AWS`);

/** The last words of a company's name. */
export const COMPANY_WORDS = set(`
  Energy, Energies, Énergie, Power, Électricité, Electric, Utilities, Utility, Gas, Solar, Wind, Nuclear,
  Capital, Partners, Group, Groupe, Holdings, Holding, Inc, Corp, Corporation, Company, Co, Ltd, LLC, plc, SA,
  SAS, AG, GmbH, NV, AB, ASA, AS, Technologies, Technology, Tech, Systems, Networks, Network, Investments,
  Investment, Bank, Banque, Fund, Funds, Ventures, Management, Asset, Assets, Advisors, Associates, Securities,
  Financial, Finance, Journal, Times, Post, News, Press, Media, Médias, Tribune, Gazette, Herald, Labs, Lab,
  Laboratories, Cloud, Computing, Compute, Semiconductor, Semiconductors,
  Solutions, Infrastructure, Infrastructures, Industries, International, Global, Telecom, Telecoms,
  Communications, Robotics, Software, Data, Digital, Research, Motors, Airlines, Foundation, Fondation, AI, IA,
  Authority, Agency, Agence, Council, Conseil, Commission, Institute, Institut, University, Université,
  Department, Ministry, Ministère, Trust, Services, Industrie, Énergies, Mining, Platforms`);

/** Nouns that describe a datacenter site, around its name. */
export const SITE_WORDS = set(`
  campus, site, sites, datacenter, datacenters, data center, data centers, data centre, centre de données,
  centre de donnees, centres de données, center, facility, facilities, complex, complexe, hub, cluster,
  supercomputer, supercalculateur, buildings, bâtiments, installation, installations`);

/** Nouns that describe a company, in an apposition or before its name. */
export const COMPANY_NOUNS = set(`
  company, companies, firm, group, developer, utility, operator, provider, supplier, maker, manufacturer,
  startup, start-up, fund, investor, investors, bank, lender, newspaper, paper, agency, regulator, giant,
  conglomerate, chipmaker, designer, builder, owner, insurer, carrier, consultancy, broker, producer,
  société, entreprise, groupe, fonds, opérateur, fournisseur, fabricant, constructeur, développeur,
  promoteur, éditeur, banque, journal, quotidien, start-up, géant, investisseur, énergéticien, filiale,
  partenaire, partner, subsidiary, exploitant, gestionnaire, spécialiste, acteur, opérateur`);

/** Common given names, in the languages the news of the trade names people in. */
export const GIVEN_NAMES = set(`
  Sam, Donald, Michael, Masayoshi, Larry, Safra, Satya, Brad, Elon, Jensen, Lisa, Sundar, Mark, Sarah, Kevin,
  Greg, Mira, Ilya, Andy, Jeff, Bill, Steve, Tim, Dario, Demis, Mustafa, Arthur, Nick, Pat, Matt, Thomas,
  Clay, Mike, Peter, Vinod, Reid, Marc, Ben, Josh, Cathie, Ray, Ken, Stephen, Warren, Chase, Jamie, Jack,
  James, John, Robert, William, David, Richard, Joseph, Charles, Daniel, Matthew, Anthony, Steven, Paul,
  Andrew, Joshua, Kenneth, Brian, George, Timothy, Ronald, Edward, Jason, Jeffrey, Ryan, Jacob, Gary,
  Nicholas, Eric, Jonathan, Justin, Scott, Brandon, Benjamin, Samuel, Gregory, Alexander, Frank, Patrick,
  Raymond, Dennis, Jerry, Tyler, Aaron, Adam, Nathan, Henry, Douglas, Zachary, Kyle, Noah, Ethan, Jeremy,
  Walter, Christian, Keith, Roger, Terry, Sean, Gerald, Carl, Harold, Dylan, Lawrence, Jordan, Jesse, Bryan,
  Bruce, Gabriel, Joe, Logan, Alan, Albert, Wayne, Randy, Vincent, Mary, Patricia, Jennifer, Linda,
  Elizabeth, Barbara, Susan, Jessica, Karen, Nancy, Betty, Sandra, Margaret, Ashley, Kimberly, Emily, Donna,
  Michelle, Carol, Amanda, Melissa, Deborah, Stephanie, Rebecca, Sharon, Laura, Cynthia, Amy, Kathleen,
  Angela, Brenda, Emma, Anna, Pamela, Nicole, Samantha, Katherine, Christine, Helen, Rachel, Janet, Maria,
  Catherine, Heather, Diane, Olivia, Julie, Victoria, Ruth, Lauren, Kelly, Christina, Joan, Andrea, Hannah,
  Megan, Jacqueline, Martha, Teresa, Gloria, Sara, Ann, Anne, Kathryn, Sophia, Julia, Grace, Diana, Natalie,
  Gina, Chris, Christopher, Howard, Jay, Kamala, Joe, Marco, Rishi, Keir, Ursula, Emmanuel, Giorgia,
  Narendra, Olaf, Friedrich, Justin, Jonas, Erna, Jean, Pierre, Jacques, Xavier, François, Bernard,
  Nicolas, Olivier, Laurent, Philippe, Sébastien, Stéphane, Julien, Antoine, Thierry, Frédéric, Alexandre,
  Clara, Sophie, Isabelle, Nathalie, Valérie, Sandrine, Caroline, Élisabeth, Agnès, Bruno, Michel, Alain,
  Henri, Hervé, Marie, Claire, Camille, Léa, Louis, Hugo, Martin, Benoît, Guillaume, Jérôme, Yann, Yves,
  Gérard, Didier, Denis, Christophe, Cédric, Arnaud, Mathieu, Maxime, Rémi, Aurélie, Céline, Émilie, Hélène,
  Lars, Erik, Ola, Ingrid, Kari, Anders, Morten, Nils, Per, Jan, Kjell, Øyvind, Magnus, Henrik, Sven, Knut,
  Bjørn, Astrid, Sigrid, Mohammed, Mohamed, Muhammad, Ahmed, Ali, Omar, Khalid, Hassan, Abdullah, Abdulla,
  Hamad, Rashid, Faisal, Saeed, Mansour, Khaldoon, Karim, Youssef, Fatima, Layla, Hiroshi, Takeshi, Akira,
  Yoshihiro, Junichi, Kenji, Yuki, Satoshi, Mukesh, Gautam, Ratan, Nandan, Arvind, Rajesh, Anil, Sanjay,
  Priya, Wei, Jun, Ming, Lei, Li, Zhang, Hock, Lip-Bu, Tae, Jae, Min, Alex, Max, Leo, Oscar, Felix, Simon,
  Tom, Dan, Rob, Bob, Jim, Jon, Ted, Fred, Ed, Al, Liz, Kate, Meg, Jen, Beth, Sue, Fidji, Bret, Brannin,
  Jakub, Clem, Kai, Luca, Marcus, Ian, Neil, Colin, Graham, Rupert, Hamish, Craig, Gavin, Dominic, Oliver`);

/** Folded title words that, after a name and a comma, make it a person (`Sam Altman, patron d’...`). */
export const PERSON_ROLES = set(`
  patron, patronne, président, présidente, directeur, directrice, fondateur, fondatrice, cofondateur, PDG,
  ministre, porte-parole, analyste, dirigeant, dirigeante, chief, CEO, president, chairman, chairwoman,
  director, founder, co-founder, cofounder, head, minister, spokesman, spokeswoman, spokesperson, analyst,
  executive, secretary, governor, senator, mayor, maire, gouverneur, économiste, economist, boss`);
