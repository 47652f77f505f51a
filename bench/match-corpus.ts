/**
 * The watchlist benchmark's inputs, built from a seed: French and English defence articles of 300-800 words
 * that name real systems, programmes, places and companies (spelled the ways the press spells them: plurals,
 * SAMP-T for SAMP/T, F35 for F-35, accents dropped, capitals), and watchlists of real and made-up terms.
 */
import type { WatchlistSpec } from '../src/watch/compile-watchlists.ts';
import { cap, int, pick, rng, type Rng } from './seeded-random.ts';


/** Real terms as an analyst would write them: aliases after `|`. */
export const REAL_TERMS = [
  // air defence
  'SAMP/T | SAMP-T | Mamba', 'Patriot | PAC-3', 'IRIS-T SLM | IRIS-T', 'NASAMS', 'Aster 30 | Aster-30', 'Aster 15',
  'S-400 | Triumf', 'S-300', 'Pantsir', 'Skyranger', 'Gepard', 'Mistral 3', 'VL MICA', 'CAMM | Sea Ceptor', 'THAAD',
  'Iron Dome | Dôme de fer', 'Arrow 3', 'défense sol-air | ground-based air defence | GBAD',
  'défense antimissile | missile defence | missile defense', 'European Sky Shield | ESSI', 'Ground Master 400 | GM400',
  // combat air
  'Rafale', 'Rafale F4', 'Rafale F5', 'Eurofighter | Typhoon', 'F-35A | F-35B | F-35C', 'F-35 | JSF', 'Gripen E | Gripen',
  'F-16 | Viper', 'Su-57', 'Su-35', 'J-20', 'SCAF | FCAS | Future Combat Air System', 'GCAP | Tempest', 'Mirage 2000',
  'KF-21', 'B-21 Raider',
  // transport, ISR, drones
  'A400M | Atlas', 'C-130J', 'MRTT | Phénix', 'Reaper | MQ-9', 'Eurodrone', 'Patroller', 'AWACS', 'E-7 Wedgetail',
  'Global Hawk', 'Bayraktar TB2',
  // missiles
  'Storm Shadow | SCALP', 'Meteor', 'Exocet', 'Taurus KEPD 350 | Taurus', 'ATACMS', 'HIMARS', 'Tomahawk', 'Kinzhal',
  'Iskander', 'Shahed | Geran', 'missile hypersonique | hypersonic missile', 'missile de croisière | cruise missile',
  'missile balistique | ballistic missile',
  // land
  'CAESAR | Caesar MkII', 'Leopard 2A8 | Leopard 2', 'char Leclerc | Leclerc tank', 'Abrams', 'Challenger 3', 'VBCI',
  'Griffon', 'Jaguar EBRC', 'Serval', 'Boxer', 'CV90', 'PzH 2000', 'K9 Thunder | K9', 'Archer', 'Bradley', 'T-90',
  'T-72', 'obus de 155 mm | 155mm shell | 155 mm shell', 'MGCS | Main Ground Combat System',
  // naval
  'FDI | frégate de défense et d’intervention', 'FREMM', 'SNA | sous-marin nucléaire d’attaque', 'Suffren',
  'porte-avions | aircraft carrier', 'PANG | porte-avions de nouvelle génération', 'Charles de Gaulle', 'Type 26',
  'Type 31', 'Constellation class', 'Virginia class', 'AUKUS', 'Barracuda', 'Scorpène', 'guerre des mines | mine countermeasures',
  'corvette', 'frégate | frigate', 'destroyer',
  // places
  'Ukraine', 'Kyiv | Kiev', 'Kharkiv', 'Crimée | Crimea', 'mer Noire | Black Sea', 'mer Baltique | Baltic Sea',
  'Lituanie | Lithuania', 'Estonie | Estonia', 'Lettonie | Latvia', 'Pologne | Poland', 'Roumanie | Romania',
  'Taïwan | Taiwan', 'mer de Chine méridionale | South China Sea', 'Sahel', 'Mali', 'Niger', 'Djibouti',
  'mer Rouge | Red Sea', 'Houthis', 'Indo-Pacifique | Indo-Pacific', 'Arctique | Arctic', 'Kaliningrad',
  'trouée de Suwałki | Suwałki gap',
  // organisations and industry
  'OTAN | NATO', 'DGA | Direction générale de l’armement', 'MBDA', 'Thales', 'Safran', 'Dassault Aviation', 'Naval Group',
  'KNDS', 'Airbus Defence and Space', 'Rheinmetall', 'Leonardo', 'BAE Systems', 'Lockheed Martin', 'Raytheon | RTX',
  'Saab', 'Hanwha', 'Kongsberg', 'Fonds européen de la défense | European Defence Fund', 'LPM | loi de programmation militaire',
  'Agence européenne de défense | European Defence Agency',
  // topics
  'Baltic air policing | police du ciel balte', 'dissuasion nucléaire | nuclear deterrence',
  'guerre électronique | electronic warfare', 'cyberdéfense | cyber defence', 'munition rôdeuse | loitering munition',
  'lutte anti-drones | counter-drone | C-UAS', 'satellite militaire | military satellite', 'économie de guerre | war economy',
  'exportations d’armement | arms exports',
];

const EXCLUDES = ['jeu vidéo | video game', 'film | movie', 'simulation', 'football', 'New England Patriots', 'exposition | museum'];

const SYLLABLES = ['kar', 'vel', 'os', 'trin', 'me', 'ri', 'del', 'an', 'tha', 'lor', 'vik', 'sen', 'dra', 'mor', 'zan', 'tel', 'qui', 'bor', 'ne', 'sa', 'lu', 'gar', 'hel', 'pri'];
const KINDS_EN = ['radar', 'missile', 'drone', 'frigate', 'satellite', 'rocket launcher', 'corvette', 'interceptor'];
const KINDS_FR = ['radar', 'missile', 'drone', 'frégate', 'satellite', 'lance-roquettes', 'corvette', 'intercepteur'];

/** A made-up programme: a name, and terms naming it the ways watchlists do. */
interface Programme {
  name: string;
  code: string;
  kind: number;
}

function programme(r: Rng, taken: Set<string>): Programme {
  for (;;) {
    let name = '';
    const n = int(r, 2, 3);
    for (let i = 0; i < n; i++) name += pick(r, SYLLABLES);
    const code = `${String.fromCharCode(65 + int(r, 0, 25))}${String.fromCharCode(65 + int(r, 0, 25))}-${int(r, 10, 999)}${r() < 0.4 ? String.fromCharCode(65 + int(r, 0, 25)) : ''}`;
    if (taken.has(name) || taken.has(code)) continue;
    taken.add(name);
    taken.add(code);
    return { name: cap(name), code, kind: int(r, 0, KINDS_EN.length - 1) };
  }
}

function programmeTerm(r: Rng, p: Programme): string {
  const k = r();
  if (k < 0.3) return `${p.name} | ${p.code}`;
  if (k < 0.55) return `projet ${p.name} | Project ${p.name}`;
  if (k < 0.8) return `${KINDS_FR[p.kind]} ${p.name} | ${p.name} ${KINDS_EN[p.kind]}`;
  return p.code;
}

export interface Article {
  lang: 'en' | 'fr';
  title: string;
  text: string;
}

export interface MatchCorpus {
  watchlists: WatchlistSpec[];
  articles: Article[];
  words: number;
}

// Places and companies: some are watchlist terms too, most are not, as in the press.
const PLACES_FR = [
  'en Ukraine', 'en mer Baltique', 'à Kyiv', 'en Pologne', 'à Brest', 'à Toulon', 'à Mourmelon', 'au camp de Canjuers',
  'à Bourges', 'à Istres', 'à Lorient', 'à Cherbourg', 'à Mont-de-Marsan', 'à Évreux', 'à Biscarrosse', 'en Finlande',
  'en Allemagne', 'à Saint-Dizier', 'à Landivisiau', 'en Guyane',
];
const PLACES_EN = [
  'in Ukraine', 'over the Baltic Sea', 'in Poland', 'at Ramstein', 'at Fort Bliss', 'at White Sands', 'in Norfolk',
  'at Eglin Air Force Base', 'in Scotland', 'in Finland', 'at Nellis', 'in San Diego', 'in Germany', 'in Sweden',
  'at Yuma Proving Ground', 'in Huntsville', 'at Lakenheath', 'in Bavaria', 'off Hawaii', 'in Japan',
];
const ORGS = [
  'la DGA', 'MBDA', 'Thales', 'Arquus', 'Exail', 'Eurenco', 'Hensoldt', 'Diehl Defence', 'Patria', 'Fincantieri',
  'Navantia', 'Babcock', 'General Dynamics', 'Northrop Grumman', 'Elbit Systems', 'Nammo', 'Milrem', 'Sagem', 'Turgis Gaillard', 'CMN',
];
const PEOPLE = ['le général Martin', 'l’amiral Vandier', 'Sébastien Lecornu', 'Boris Pistorius', 'Mark Rutte', 'Pete Hegseth', 'General Cavoli', 'Admiral Radakin'];

const FR_SENTENCES: Array<(a: string, b: string, r: Rng) => string> = [
  (a, b, r) => `Le ministère des Armées a confirmé la commande de ${int(r, 2, 40)} ${a} supplémentaires, livrables d’ici ${int(r, 2026, 2032)}.`,
  (a, b, r) => `Selon ${pick(r, PEOPLE)}, le ${a} « a démontré sa fiabilité » lors des essais menés ${pick(r, PLACES_FR)}.`,
  (a, b, r) => `Les industriels, dont ${pick(r, ORGS)}, estiment que la cadence de production du ${a} pourrait doubler.`,
  (a, b, r) => `Le ${a} et le ${b} seront intégrés dans une même architecture de commandement ${pick(r, PLACES_FR)}.`,
  (a, b, r) => `Un contrat de ${int(r, 80, 900)} millions d’euros a été notifié par la DGA pour le soutien du ${a}.`,
  (a, b, r) => `Plusieurs ${a} ont été déployés ${pick(r, PLACES_FR)} dans le cadre d’une mission de réassurance de l’OTAN.`,
  (a, b, r) => `La livraison du ${a} a pris ${int(r, 2, 18)} mois de retard, selon un rapport parlementaire publié mardi.`,
  (a, b) => `Les premiers retours d’expérience montrent que le ${a} complète utilement le ${b}.`,
];
const EN_SENTENCES: Array<(a: string, b: string, r: Rng) => string> = [
  (a, b, r) => `The Pentagon awarded a $${int(r, 1, 9)}.${int(r, 1, 9)} billion contract for ${int(r, 2, 120)} more ${a} to be delivered by ${int(r, 2026, 2032)}.`,
  (a, b, r) => `According to ${pick(r, PEOPLE)}, the ${a} "performed as expected" during trials ${pick(r, PLACES_EN)}.`,
  (a, b, r) => `Industry executives at ${pick(r, ORGS)} said production of the ${a} could double within two years.`,
  (a, b, r) => `The ${a} will be networked with the ${b} under a single command-and-control architecture ${pick(r, PLACES_EN)}.`,
  (a, b, r) => `Several ${a} were deployed ${pick(r, PLACES_EN)} as part of NATO's reassurance measures.`,
  (a, b, r) => `Deliveries of the ${a} have slipped by ${int(r, 2, 18)} months, a government audit found on Tuesday.`,
  (a, b) => `Early lessons show the ${a} works best alongside the ${b}, officials said.`,
  (a, b, r) => `Analysts at ${pick(r, ['RUSI', 'IISS', 'CSIS', 'the IFRI', 'the FRS'])} noted that the ${a} remains in short supply.`,
];
const FR_FILLER = [
  'Le calendrier précis n’a pas été communiqué.',
  'Les discussions se poursuivent avec les partenaires européens sur le financement de ces programmes.',
  'La question des stocks de munitions reste au cœur des préoccupations des états-majors.',
  'Le Parlement doit examiner le texte à l’automne, dans un contexte budgétaire contraint.',
  'Cette décision s’inscrit dans la montée en puissance prévue par la loi de programmation militaire.',
  'Les syndicats du site ont salué une annonce qui sécurise plusieurs centaines d’emplois.',
  'Interrogé, le cabinet du ministre n’a pas souhaité commenter les montants évoqués.',
  'Les exercices conjoints se sont déroulés sur trois semaines, de jour comme de nuit.',
  'La coopération franco-allemande sur ce dossier reste marquée par des désaccords industriels.',
  'Les armées ont tiré de nombreux enseignements du conflit en cours à l’est de l’Europe.',
];
const EN_FILLER = [
  'The exact schedule has not been disclosed.',
  'Talks with European partners on funding continue.',
  'Ammunition stockpiles remain a top concern for military planners.',
  'Lawmakers are expected to take up the bill in the fall amid tight budgets.',
  'The decision is part of a broader buildup planned under the current defense budget.',
  'Union representatives welcomed an announcement that secures several hundred jobs.',
  'A spokesperson for the ministry declined to comment on the figures.',
  'The joint exercises ran for three weeks, day and night.',
  'Industrial disagreements continue to weigh on the Franco-German cooperation.',
  'Militaries have drawn many lessons from the ongoing war in eastern Europe.',
];

/** A term written the ways the press writes it: one alias, maybe plural, another hyphen, no accents, capitals. */
function spell(r: Rng, term: string): string {
  const aliases = term.split('|').map((a) => a.trim());
  let s = pick(r, aliases);
  const k = r();
  if (k < 0.25 && /[a-z]$/.test(s)) s = `${s}s`;
  else if (k < 0.35) s = s.replace('/', '-');
  else if (k < 0.45) s = s.replace(/-(\d)/, '$1').replace(/(\p{L})-(\p{L})/u, '$1 $2');
  else if (k < 0.52) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  else if (k < 0.55) s = s.toUpperCase();
  return s;
}

export function buildMatchCorpus(o: { seed: number; articles: number; watchlists: number; termsPerList: number }): MatchCorpus {
  const r = rng(o.seed);
  const taken = new Set<string>();
  const programmes: Programme[] = [];
  for (let i = 0; i < o.watchlists * o.termsPerList; i++) programmes.push(programme(r, taken));

  // Watchlists: a few widely shared real terms each, the rest programme-specific, as desks follow.
  const watchlists: WatchlistSpec[] = [];
  let next = 0;
  for (let w = 0; w < o.watchlists; w++) {
    const terms = new Set<string>();
    const real = int(r, 0, 2);
    while (terms.size < real) terms.add(pick(r, REAL_TERMS));
    while (terms.size < o.termsPerList) terms.add(programmeTerm(r, programmes[next++ % programmes.length] as Programme));
    const spec: WatchlistSpec = { id: `list-${w}`, terms: [...terms] };
    if (r() < 0.3) spec.exclude = [pick(r, EXCLUDES), ...(r() < 0.3 ? [pick(r, EXCLUDES)] : [])];
    watchlists.push(spec);
  }

  const articles: Article[] = [];
  let words = 0;
  for (let i = 0; i < o.articles; i++) {
    const lang = r() < 0.5 ? 'fr' : 'en';
    const cast = Array.from({ length: int(r, 2, 5) }, () => pick(r, REAL_TERMS));
    // One article in five names a programme some watchlist follows.
    if (r() < 0.2) {
      const p = pick(r, programmes);
      cast.push(r() < 0.5 ? p.name : r() < 0.5 ? p.code.replace('-', '') : `${lang === 'fr' ? KINDS_FR[p.kind] : KINDS_EN[p.kind]} ${p.name}`);
    }
    const target = int(r, 300, 800);
    const sentences: string[] = [];
    let count = 0;
    while (count < target) {
      const s =
        r() < 0.45
          ? pick(r, lang === 'fr' ? FR_FILLER : EN_FILLER)
          : pick(r, lang === 'fr' ? FR_SENTENCES : EN_SENTENCES)(spell(r, pick(r, cast)), spell(r, pick(r, cast)), r);
      sentences.push(s);
      count += s.split(/\s+/).length;
    }
    if (r() < 0.03) sentences.splice(int(r, 0, sentences.length), 0, lang === 'fr' ? 'Le jeu vidéo reprend ces systèmes.' : 'A video game now features these systems.');
    const paragraphs: string[] = [];
    for (let s = 0; s < sentences.length; ) {
      const n = int(r, 2, 5);
      paragraphs.push(sentences.slice(s, s + n).join(' '));
      s += n;
    }
    const lead = spell(r, pick(r, cast));
    const title =
      lang === 'fr'
        ? pick(r, [`${cap(lead)} : la DGA accélère les livraisons`, `Le ${lead} déployé ${pick(r, PLACES_FR)}`, `Nouveau contrat pour le ${lead}`])
        : pick(r, [`${cap(lead)} deliveries speed up`, `${cap(lead)} deployed ${pick(r, PLACES_EN)}`, `New contract for the ${lead}`]);
    words += count;
    articles.push({ lang, title, text: paragraphs.join('\n\n') });
  }
  return { watchlists, articles, words };
}
