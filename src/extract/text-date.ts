/**
 * Dates written in the visible text of French and English news pages ("Publié le 14 juin 2016 à 10h30",
 * "2016-06-14 — Auteur", "June 14, 2016 10:30 AM EDT"), for pages that carry no date metadata.
 *
 * Time zones stay honest: a date alone is `YYYY-MM-DD`, a date with a time but no zone is `YYYY-MM-DDTHH:MM`
 * (local to the site, which we do not know), and only a written zone gives an instant, in UTC like
 * `normaliseDate` gives for metadata stamps.
 *
 * Numeric dates with the day and month both ≤ 12 are ambiguous. French and British sites write the day
 * first, so the day comes first unless that is impossible (`06/14/2016`), or the `lang` hint is `en` or
 * `en-US` and the date uses `/` or `-` (US sites write month first; nobody writes `06.14.2016`).
 */

export interface TextDate {
  /** `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` (time without zone), or a UTC instant when the text gives a zone. */
  value: string;
  /** The calendar date as written, `YYYY-MM-DD`, even when `value` is an instant on another UTC day. */
  date: string;
  /** Position and length of the match in the original text, time and zone included. */
  index: number;
  length: number;
}

const MONTHS: Record<string, number> = {
  jan: 1, janv: 1, january: 1, janvier: 1,
  feb: 2, fev: 2, fevr: 2, february: 2, fevrier: 2,
  mar: 3, march: 3, mars: 3,
  apr: 4, avr: 4, april: 4, avril: 4,
  may: 5, mai: 5,
  jun: 6, june: 6, juin: 6,
  jul: 7, juil: 7, july: 7, juillet: 7,
  aug: 8, august: 8, aout: 8,
  sep: 9, sept: 9, september: 9, septembre: 9,
  oct: 10, october: 10, octobre: 10,
  nov: 11, november: 11, novembre: 11,
  dec: 12, december: 12, decembre: 12,
};

/** Hours from UTC. CST/EST… are read as US zones: the English sites that write them are American. */
const ZONES: Record<string, number> = {
  wet: 0, bst: 1, cet: 1, west: 1, cest: 2, eet: 2, eest: 3,
  est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7,
};

// The patterns run on the folded text (lower case, no accents, same length), so indexes map back as is.
// A numeric date may not touch other digits or separators: that keeps out phone numbers, ISBNs, ranges.
const EDGE_BEFORE = String.raw`(?<![\d./-])`;
const EDGE_AFTER = String.raw`(?![\d]|[./-]\d)`;
const ORDINAL = String.raw`(?:er|ᵉʳ|e|st|nd|rd|th)?`;
const PATTERNS: { re: RegExp; read: (m: RegExpExecArray, lang: string | undefined) => Ymd | null }[] = [
  {
    // 2016-06-14, 2016/06/14
    re: new RegExp(String.raw`${EDGE_BEFORE}(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${EDGE_AFTER}`, 'g'),
    read: (m) => ({ y: Number(m[1]), m: Number(m[3]), d: Number(m[4]) }),
  },
  {
    // 14/06/2016, 14.06.2016, 14-06-2016, 06/14/2016
    re: new RegExp(String.raw`${EDGE_BEFORE}(\d{1,2})([-/.])(\d{1,2})\2(\d{4})${EDGE_AFTER}`, 'g'),
    read: (m, lang) => numericDayMonth(Number(m[1]), Number(m[3]), m[2]!, lang, Number(m[4])),
  },
  {
    // 14 juin 2016, 1er juin 2016, 14 janv. 2016, 14th of June 2016
    re: new RegExp(String.raw`(?<![\d.,])\b(\d{1,2})${ORDINAL}\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+(\d{4})${EDGE_AFTER}`, 'g'),
    read: (m) => named(Number(m[3]), m[2]!, Number(m[1])),
  },
  {
    // June 14, 2016, Sept. 3 2016, Jun 14th, 2016
    re: new RegExp(String.raw`\b([a-z]{3,9})\.?\s+(\d{1,2})${ORDINAL},?\s+(\d{4})${EDGE_AFTER}`, 'g'),
    read: (m) => named(Number(m[3]), m[1]!, Number(m[2])),
  },
];

// What may sit between a date and its time: "à", "at", a comma, a dash or bar, or ISO's "T".
const TIME = new RegExp(
  String.raw`(?:t|\s*(?:,|-|–|—|\||@)?\s*(?:(?:a|at|vers)\s+)?)` +
    String.raw`(\d{1,2})(?:\s?h(?:eures?)?\s?(\d{2})?|:(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s?([ap])\.?m\b\.?)?(?!:|(?!z\b)\w)`,
  'y',
);
const ZONE = new RegExp(
  String.raw`(?:\s?(?:(utc|gmt)\s?(?:([+-])(\d{1,2})(?::?(\d{2}))?)?|([a-z]{3,4}))|\s?([+-])(\d{2}):?(\d{2})|(z))(?![\w:+-])`,
  'y',
);

interface Ymd { y: number; m: number; d: number }

function numericDayMonth(a: number, b: number, sep: string, lang: string | undefined, y: number): Ymd | null {
  const monthFirst = b > 12 || (a <= 12 && sep !== '.' && /^en(-us)?$/i.test(lang ?? ''));
  return monthFirst ? { y, m: a, d: b } : { y, m: b, d: a };
}

function named(y: number, word: string, d: number): Ymd | null {
  const m = MONTHS[word];
  return m ? { y, m, d } : null;
}

function valid({ y, m, d }: Ymd): boolean {
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Lower case without accents, one UTF-16 unit for one, so a match's index is valid in the original. */
function fold(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = ch.normalize('NFD')[0]!.toLowerCase();
    out += f.length === ch.length ? f : ch;
  }
  return out;
}

/** The time (and zone) written in `text` right at `at`, after a date, if any. */
function timeAt(text: string, at: number): { hh: number; mm: number; offset: number | null; length: number } | null {
  TIME.lastIndex = at;
  const t = TIME.exec(text);
  if (!t) return null;
  const [, h, hm, cm, , ap] = t;
  // A bare number after a date is a time only with "h" or am/pm: "14 juin 2016, 10 morts" is not one.
  if (hm === undefined && cm === undefined && !ap && !/\dh|\d h/.test(t[0])) return null;
  let hh = Number(h);
  const mm = Number(hm ?? cm ?? 0);
  if (ap) {
    if (hh < 1 || hh > 12) return null;
    hh = (hh % 12) + (ap === 'p' ? 12 : 0);
  }
  if (hh > 23 || mm > 59) return null;
  let length = t[0].length;
  let offset: number | null = null;
  ZONE.lastIndex = at + length;
  const z = ZONE.exec(text);
  if (z) {
    const [, utc, sign, zh, zm, abbr, isoSign, ih, im, zulu] = z;
    if (utc) offset = sign ? (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm ?? 0)) : 0;
    else if (abbr !== undefined && ZONES[abbr] !== undefined) offset = ZONES[abbr]! * 60;
    else if (isoSign) offset = (isoSign === '-' ? -1 : 1) * (Number(ih) * 60 + Number(im));
    else if (zulu) offset = 0;
    // No zone is more than 14 h from UTC: "UTC+30" is not a zone we can trust.
    if (offset !== null && Math.abs(offset) > 14 * 60) offset = null;
    if (offset !== null) length += z[0].length;
  }
  return { hh, mm, offset, length };
}

/** Every date written in `text`, in order of appearance, with the time and zone written right after it. */
export function findTextDates(text: string, lang?: string | null): TextDate[] {
  const folded = fold(text);
  const found: TextDate[] = [];
  for (const { re, read } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      const ymd = read(m, lang ?? undefined);
      if (!ymd || !valid(ymd)) continue;
      const date = `${ymd.y}-${pad(ymd.m)}-${pad(ymd.d)}`;
      const end = m.index + m[0].length;
      const time = timeAt(folded, end);
      let value = date;
      if (time && time.offset === null) value = `${date}T${pad(time.hh)}:${pad(time.mm)}`;
      else if (time) value = new Date(Date.UTC(ymd.y, ymd.m - 1, ymd.d, time.hh, time.mm) - time.offset! * 60_000).toISOString();
      found.push({ value, date, index: m.index, length: m[0].length + (time?.length ?? 0) });
    }
  }
  // Patterns can overlap ("June 14, 2016" inside a longer form): the earliest, then longest, wins.
  found.sort((a, b) => a.index - b.index || b.length - a.length);
  const kept: TextDate[] = [];
  for (const d of found) {
    const last = kept[kept.length - 1];
    if (!last || d.index >= last.index + last.length) kept.push(d);
  }
  return kept;
}

/**
 * The calendar date of the first date written in `text`, `YYYY-MM-DD`. It stays a date even when a time
 * follows: publishedAt from a byline line has been a plain date so far; `findTextDates` gives the time.
 */
export function parseTextDate(text: string | null, lang?: string | null): string | null {
  if (!text) return null;
  return findTextDates(text, lang)[0]?.date ?? null;
}
