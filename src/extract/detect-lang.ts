/** Very common short words per language: a cheap vote when the page does not declare its language. */
const STOPWORDS: Record<string, readonly string[]> = {
  fr: ['le', 'la', 'les', 'des', 'est', 'une', 'dans', 'que', 'qui', 'pour', 'pas', 'sur', 'au', 'aux', 'du', 'avec', 'ce', 'sont', 'mais', 'ou', 'nous', 'il', 'elle', 'par', 'été', 'cette', 'leur'],
  en: ['the', 'and', 'of', 'to', 'is', 'in', 'that', 'it', 'for', 'was', 'with', 'on', 'as', 'are', 'this', 'be', 'by', 'have', 'from', 'at', 'not', 'which', 'has', 'were', 'their'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'den', 'mit', 'sich', 'des', 'auf', 'auch', 'ein', 'eine', 'dem', 'zu', 'von', 'wird', 'werden', 'sie', 'im', 'für', 'wie', 'bei', 'oder'],
  es: ['el', 'los', 'las', 'que', 'del', 'por', 'una', 'con', 'para', 'es', 'se', 'lo', 'como', 'más', 'pero', 'sus', 'su', 'al', 'fue', 'este', 'ha', 'son', 'entre', 'también', 'sobre'],
};

const WORDS = /\p{L}+/gu;
const table = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOPWORDS)) {
  for (const w of words) {
    const langs = table.get(w) ?? [];
    langs.push(lang);
    table.set(w, langs);
  }
}

/** Guesses fr/en/de/es from the first few thousand characters; null when the vote is too thin. */
export function detectLang(text: string): string | null {
  const votes = new Map<string, number>();
  let seen = 0;
  for (const m of text.slice(0, 5000).matchAll(WORDS)) {
    const langs = table.get(m[0].toLowerCase());
    if (langs) for (const l of langs) votes.set(l, (votes.get(l) ?? 0) + 1 / langs.length);
    if (++seen > 800) break;
  }
  let best: string | null = null;
  let bestVotes = 0;
  let second = 0;
  for (const [l, v] of votes) {
    if (v > bestVotes) {
      second = bestVotes;
      bestVotes = v;
      best = l;
    } else if (v > second) second = v;
  }
  return bestVotes >= 3 && bestVotes > second * 1.5 ? best : null;
}
