import type { NewsArticle } from './news-site.ts';

/** Written for the demo: short, invented, plausible. The demo publishes them first, then generated ones. */
export const demoPool: readonly Omit<NewsArticle, 'publishedAt'>[] = [
  {
    slug: 'demo-norway-cold-response-drones',
    lang: 'en',
    byline: 'Demo Newsroom',
    title: 'Allied Troops Test Cold-Weather Drones in Northern Norway',
    lead: 'Soldiers from five NATO nations spent two weeks above the Arctic Circle testing how small reconnaissance drones cope with temperatures below minus 30 degrees.',
    paragraphs: [
      'Batteries were the main problem. Crews found that flight times fell by almost half in the coldest hours, and several units began carrying spare packs inside their jackets to keep them warm until launch.',
      'Norwegian instructors also showed visiting troops how to hide from enemy drones in open snowfields, using white netting, terrain and the long shadows of the polar winter.',
      'Officials said the lessons would feed into a common set of cold-weather requirements that allies hope to use in future drone purchases.',
    ],
  },
  {
    slug: 'demo-fregate-mer-rouge-escorte',
    lang: 'fr',
    byline: 'Rédaction de démonstration',
    title: 'Mer Rouge : une frégate française escorte un convoi de porte-conteneurs',
    lead: 'Une frégate multi-missions a escorté pendant trois jours un convoi de sept navires marchands entre le golfe d’Aden et le canal de Suez.',
    paragraphs: [
      'L’équipage a détecté deux drones à l’approche du convoi lors de la deuxième nuit. Ils ont été suivis au radar puis se sont éloignés sans qu’il soit nécessaire d’ouvrir le feu.',
      'Les armateurs saluent une présence rassurante, mais rappellent que le détour par le cap de Bonne-Espérance reste privilégié par une partie du trafic, au prix de dix jours de mer supplémentaires.',
      'La mission européenne de protection du trafic maritime doit être prolongée d’un an lors du prochain conseil des ministres de l’Union.',
    ],
  },
  {
    slug: 'demo-guard-cyber-teams-elections',
    lang: 'en',
    byline: 'Demo Newsroom',
    title: 'National Guard Cyber Teams Help States Harden Voting Systems',
    lead: 'National Guard cyber units in 14 states have finished assessments of county election networks ahead of next year’s primaries.',
    paragraphs: [
      'The teams looked for outdated software, weak passwords and misconfigured remote access, the most common ways attackers break into local government systems.',
      'Guard officials stressed that their soldiers do not touch voting machines or tally results. Their role is limited to advising election officials and checking the networks around them.',
      'Several states have asked for the assessments to be repeated every year, and a bill in Congress would provide federal funding for the work.',
    ],
  },
  {
    slug: 'demo-caesar-production-cadence',
    lang: 'fr',
    byline: 'Rédaction de démonstration',
    title: 'Canons Caesar : la cadence de production atteint douze pièces par mois',
    lead: 'L’industriel chargé de la production du canon automoteur Caesar annonce avoir atteint une cadence de douze pièces par mois, trois fois plus qu’il y a deux ans.',
    paragraphs: [
      'Cette accélération a été rendue possible par la constitution de stocks de composants critiques, comme les tubes et les châssis, commandés avant même la signature des contrats.',
      'Les sous-traitants ont dû suivre. Plusieurs petites entreprises de mécanique de précision ont embauché et investi dans de nouvelles machines pour répondre à la demande.',
      'Les commandes en cours, françaises et étrangères, assurent l’activité de l’usine jusqu’en 2029 au moins.',
    ],
  },
  {
    slug: 'demo-space-debris-tracking-radar',
    lang: 'en',
    byline: 'Demo Newsroom',
    title: 'New Radar in Australia Begins Tracking Objects in Deep Space',
    lead: 'A ground-based radar built to track satellites and debris in geosynchronous orbit began operations in Western Australia this week.',
    paragraphs: [
      'The site is the first of three planned with allies, the others in the United Kingdom and the United States, which together will cover the whole geosynchronous belt around the clock.',
      'Operators said the radar can follow objects as small as a shoebox at distances of more than 36,000 kilometers, even in bad weather that blinds optical telescopes.',
      'Space officials say the network is needed because several countries are now testing satellites able to approach and inspect other spacecraft.',
    ],
  },
  {
    slug: 'demo-service-sante-armees-recrutement',
    lang: 'fr',
    byline: 'Rédaction de démonstration',
    title: 'Le service de santé des armées ouvre 300 postes d’infirmiers',
    lead: 'Le service de santé des armées lance une campagne de recrutement de 300 infirmiers, destinés aux hôpitaux militaires et aux antennes médicales des régiments.',
    paragraphs: [
      'Les candidats devront suivre une formation militaire de plusieurs semaines avant leur affectation, puis une préparation spécifique à la médecine de l’avant pour ceux qui partiront en opération.',
      'Le service peine à fidéliser ses personnels soignants, attirés par le secteur civil. Une prime de fidélisation a été créée cette année pour les contrats de plus de cinq ans.',
      'Les premiers recrutés prendront leurs fonctions au printemps.',
    ],
  },
];

const enForces = ['The Navy', 'The Army', 'The Air Force', 'The Marine Corps', 'The Space Force', 'NATO', 'The Coast Guard'];
const enSystems: readonly [string, string][] = [
  ['Counter-Drone Radar', 'a counter-drone radar'],
  ['Unmanned Surface Vessel', 'an unmanned surface vessel'],
  ['Precision Strike Missile', 'a long-range precision strike missile'],
  ['Satellite Terminal', 'a tactical satellite terminal'],
  ['Air Defense Battery', 'a mobile air defense battery'],
  ['Autonomous Supply Truck', 'an autonomous resupply truck'],
  ['Mine-Hunting Sonar', 'a mine-hunting sonar'],
  ['Jamming Pod', 'an electronic jamming pod'],
  ['Tilt-Rotor Aircraft', 'a tilt-rotor transport aircraft'],
];
const enActions: readonly [string, string][] = [
  ['Tests', 'completed the first field test of'],
  ['Buys', 'placed a follow-on order for'],
  ['Deploys', 'deployed'],
  ['Begins Trials of', 'began operational trials of'],
  ['Certifies', 'certified'],
  ['Delays', 'postponed the fielding of'],
];
const places = ['Norway', 'Guam', 'Poland', 'the Red Sea', 'Alaska', 'Romania', 'Djibouti', 'the Philippines', 'Estonia', 'Hawaii', 'Lithuania'];
const enOfficers = ['Col. Dana Reyes', 'Capt. Oliver Grant', 'Maj. Gen. Lisa Hammond', 'Cmdr. Aaron Patel', 'Brig. Gen. Samuel Ortiz'];
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const frForces = ['L’armée de Terre', 'La Marine nationale', 'L’armée de l’Air et de l’Espace', 'La gendarmerie', 'La DGA', 'Le commandement de la cyberdéfense'];
const frSystems: readonly [string, string][] = [
  ['un radar anti-drones', 'radar anti-drones'],
  ['un drone de surveillance', 'drone de surveillance'],
  ['un missile antichar', 'missile antichar'],
  ['un brouilleur tactique', 'brouilleur tactique'],
  ['un véhicule blindé léger', 'véhicule blindé léger'],
  ['un sonar remorqué', 'sonar remorqué'],
  ['un système de défense sol-air', 'système de défense sol-air'],
];
const frActions: readonly [string, string][] = [
  ['teste', 'a achevé les premiers essais d’'],
  ['commande', 'a passé commande d’'],
  ['déploie', 'a déployé'],
  ['qualifie', 'a qualifié'],
];
const frPlaces = ['en Estonie', 'à Djibouti', 'en Roumanie', 'en Guyane', 'au Sahel', 'en Nouvelle-Calédonie', 'à Mourmelon', 'au large de Brest', 'à Canjuers'];
const frOfficers = ['le colonel Arnaud Petit', 'le capitaine de frégate Julie Martin', 'le général Bruno Lefèvre', 'le lieutenant-colonel Nadia Benali'];
const frMonths = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** A well-mixed index, so that what one slot picks says nothing about the others. */
function mix(n: number, salt: number): number {
  let h = Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

const pick = <T>(list: readonly T[], n: number, salt: number): T => list[mix(n, salt) % list.length] as T;

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A made-up article for the n-th slot, the same for the same n. Slots are picked independently among several
 * sentence variants, so two generated articles share little text and a deduplicator treats them as different stories.
 */
export function generatedArticle(n: number, publishedAt: string): NewsArticle {
  return n % 3 === 2 ? generatedFrench(n, publishedAt) : generatedEnglish(n, publishedAt);
}

function generatedEnglish(n: number, publishedAt: string): NewsArticle {
  const force = pick(enForces, n, 1);
  const [systemTitle, system] = pick(enSystems, n, 2);
  const [actionTitle, action] = pick(enActions, n, 3);
  const place = pick(places, n, 4);
  const officer = pick(enOfficers, n, 5);
  const count = 6 + (mix(n, 50) % 40);
  const cost = 40 + (mix(n, 51) % 900);
  const month = pick(months, n, 6);
  const title = `${force.replace(/^The /, '')} ${actionTitle} ${systemTitle} in ${place}`;
  const lead = pick(
    [
      `${force} ${action} ${system} in ${place}, officials said, the first step of a program that could involve ${count} units.`,
      `Crews in ${place} are working with ${system} after ${force.replace(/^The /, 'the ')} ${action} the system this month.`,
      `In ${place}, ${force.replace(/^The /, 'the ')} ${action} ${system}, a move commanders say answers a need identified during exercises last ${month}.`,
    ],
    n,
    13,
  );
  const paragraphs = [
    pick(
      [
        `The effort is expected to cost about ${cost} million dollars over five years. ${officer}, who oversees the work, said the unit would report its findings before ${month}.`,
        `${officer} told reporters that ${count} soldiers and sailors had been trained on the equipment so far, with more classes planned before ${month}.`,
        `Budget documents put the price of the first lot at ${cost} million dollars, a figure auditors have asked the program to justify in detail.`,
        `According to ${officer}, the hardest part has been maintenance in ${place}, where spare parts take weeks to arrive.`,
      ],
      n,
      14,
    ),
    pick(
      [
        `The unit in ${place} expects to run the equipment through ${count * 3} hours of trials, including night operations and work alongside allied forces.`,
        `Officials described ${system} as part of a wider push to field cheaper systems in larger numbers, after lessons drawn from the war in Ukraine.`,
        `Industry has struggled to keep up. The prime contractor said it would open a second production line and hire about ${count * 10} workers.`,
        `Training has been the bottleneck: instructors from ${place} have rewritten the course twice, cutting it from ${count} weeks to ${Math.max(2, count >> 2)}.`,
        `Lawmakers added ${cost >> 1} million dollars to the program last year, more than the service had requested, citing threats to bases abroad.`,
        `The first units arrived in ${place} by sea, and setting them up took ${1 + (mix(n, 57) % 9)} days, longer than planners had assumed.`,
      ],
      n,
      21,
    ),
    pick(
      [
        `Allies are following the work closely. Several of them operate in ${place} and have asked to take part in the next round of trials.`,
        `Critics in Congress argue that the money would be better spent on munitions, but supporters say the capability fills a gap seen in recent conflicts.`,
        `Engineers reported ${2 + (mix(n, 54) % 6)} minor faults during the first weeks, none of which stopped the equipment from completing its tasks.`,
        `The schedule slipped by ${1 + (mix(n, 55) % 5)} months earlier this year because of supplier delays, a common problem across defense programs.`,
      ],
      n,
      15,
    ),
    pick(
      [
        `A decision on full-rate production is expected in ${month}.`,
        `The next milestone, a live-fire demonstration, is planned for ${month} in ${place}.`,
        `Officials said they would share more results after a review in ${month}.`,
      ],
      n,
      16,
    ),
  ];
  return { slug: `demo-${n}-${slugify(title)}`, title, lead, paragraphs, lang: 'en', publishedAt, byline: 'Demo Newsroom' };
}

function generatedFrench(n: number, publishedAt: string): NewsArticle {
  const force = pick(frForces, n, 7);
  const [systemTitle, system] = pick(frSystems, n, 8);
  const [actionTitle, action] = pick(frActions, n, 9);
  const place = pick(frPlaces, n, 10);
  const officer = pick(frOfficers, n, 11);
  const count = 4 + (mix(n, 52) % 30);
  const cost = 15 + (mix(n, 53) % 400);
  const month = pick(frMonths, n, 12);
  const title = `${force} ${actionTitle} ${systemTitle} ${place}`;
  const verb = action.endsWith('’') ? `${action}un ${system}` : `${action} un ${system}`;
  const lead = pick(
    [
      `${force} ${verb} ${place}, une première étape d’un programme qui pourrait porter sur ${count} exemplaires.`,
      `${place.charAt(0).toUpperCase()}${place.slice(1)}, ${force.charAt(0).toLowerCase()}${force.slice(1)} ${verb}, une décision attendue depuis les exercices ${/^[aeiou]/.test(month) ? 'd’' : 'de '}${month} dernier.`,
    ],
    n,
    17,
  );
  const paragraphs = [
    pick(
      [
        `Le coût de l’opération est estimé à ${cost} millions d’euros. Selon ${officer}, les premiers retours des unités sont encourageants.`,
        `${officer.charAt(0).toUpperCase()}${officer.slice(1)} indique que ${count} militaires ont déjà été formés, et que d’autres stages sont prévus d’ici ${month}.`,
        `La maintenance reste le point délicat ${place}, où les pièces détachées mettent plusieurs semaines à arriver, reconnaît ${officer}.`,
      ],
      n,
      18,
    ),
    pick(
      [
        `Les unités concernées ${place} doivent accumuler ${count * 3} heures d’utilisation, de jour comme de nuit, avant une évaluation complète.`,
        `Ce choix s’inscrit dans une volonté d’acquérir des équipements moins coûteux et en plus grand nombre, à la lumière de la guerre en Ukraine.`,
        `L’industriel a annoncé l’embauche d’environ ${count * 10} salariés et l’ouverture d’une seconde ligne de production.`,
        `La formation a été revue à deux reprises, passant de ${count} à ${Math.max(2, count >> 2)} semaines, pour suivre le rythme des livraisons.`,
        `Les premiers matériels sont arrivés par voie maritime et leur mise en œuvre a demandé ${1 + (mix(n, 58) % 9)} jours, plus que prévu.`,
      ],
      n,
      22,
    ),
    pick(
      [
        `Plusieurs pays alliés suivent ces travaux de près et souhaitent participer à la prochaine campagne d’essais.`,
        `Les industriels concernés ont dû augmenter leurs cadences, non sans difficultés chez certains sous-traitants.`,
        `Le calendrier a glissé de ${1 + (mix(n, 56) % 4)} mois en raison de retards de livraison, un problème fréquent dans les programmes d’armement.`,
      ],
      n,
      19,
    ),
    pick(
      [`Une décision sur la suite du programme est attendue en ${month}.`, `Un nouveau point d’étape est prévu en ${month}.`],
      n,
      20,
    ),
  ];
  return { slug: `demo-${n}-${slugify(title)}`, title, lead, paragraphs, lang: 'fr', publishedAt, byline: 'Rédaction de démonstration' };
}
