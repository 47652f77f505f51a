import { isSpaceUnit } from '../config/space-unit.ts';

/**
 * Figures that survive translation, read in each language's own format and written one way: `10 000` (fr) and
 * `10,000` (en) are `10000`; `1,5 milliard` and `1.5 billion` are `1500000000`; `2,3 %` and `2.3%` are `2.3`;
 * `14 juin 2016` and `June 14, 2016` are the date `06-14` and the year `2016`.
 */
export interface TextFigures {
  /** Amounts and counts, normalised, years and dates' days excluded; repeats dropped, in text order. */
  numbers: string[];
  /** Month and day of each date written out (`06-14`), repeats dropped. */
  dates: string[];
  /** Years 1900-2099 written alone or in a date. */
  years: string[];
}

const MONTHS: Record<string, number> = {
  janvier: 1, fevrier: 2, février: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, aout: 8, août: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12, décembre: 12,
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_WORDS = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

const SCALES: Record<string, number> = {
  million: 1e6, millions: 1e6, m: 1e6, mn: 1e6, mln: 1e6,
  milliard: 1e9, milliards: 1e9, md: 1e9, mds: 1e9, mrd: 1e9, billion: 1e9, billions: 1e9, bn: 1e9, b: 1e9,
  trillion: 1e12, trillions: 1e12,
  mille: 1e3, thousand: 1e3, k: 1e3,
};
const SCALE_WORDS = Object.keys(SCALES).sort((a, b) => b.length - a.length).join('|');


// The text is lower-cased first and months are listed with their accents, so ASCII classes stand for letters:
// non-unicode regexes are several times faster, and a letter outside ASCII next to a figure is rare enough.
// Day first ("14 juin", "June 14" below), each maybe a range whose both days are the event's: "du 9 au 19 octobre",
// "9-10 December", "October 9 to 19, 2017".
// Sticky: each is tried only where it can begin (matchesAt), a digit run or a month word before one, rather than
// searched for at every character; the month words' alternation made that search most of textFigures' time.
const DAY_MONTH = new RegExp(`(?<![a-z0-9])(\\d{1,2})(?:er|st|nd|rd|th)?(?:\\s*(?:au|à|a|-|–|et|to|and)\\s*(?:le\\s+)?(\\d{1,2})(?:er|st|nd|rd|th)?)?\\s+(${MONTH_WORDS})\\.?(?:\\s+(\\d{4}))?(?![a-z])`, 'y');
const MONTH_DAY = new RegExp(`\\b(${MONTH_WORDS})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:\\s*(?:-|–|to|and|through)\\s*(\\d{1,2})(?:st|nd|rd|th)?)?(?![a-z0-9])(?:,?\\s+(\\d{4}))?`, 'y');
// Numeric dates: 14/06/2016 (fr, and en outside the US), 2016-06-14.
const NUMERIC_DATE = /(?<![0-9])(?:(\d{1,2})[/.](\d{1,2})[/.](\d{4})|(\d{4})-(\d{2})-(\d{2}))(?![0-9])/y;
const DIGIT = /\d/;
const NOT_DIGIT = /[^\d]/g;
const SPACE = '[ \\u00a0\\u202f]';

/** Reads the figures of a text written in `lang` (`fr` or `en`; anything else is read as English). */
export function textFigures(text: string, lang: string | null): TextFigures {
  const french = lang === 'fr';
  if (!DIGIT.test(text)) return { numbers: [], dates: [], years: [] };
  const folded = text.toLowerCase();
  const starts = digitRuns(folded);
  const used: Array<[number, number]> = [];
  const dates = new Set<string>();
  const years = new Set<string>();
  const found: Found = { used, dates, years };
  for (const m of matchesAt(DAY_MONTH, folded, starts)) {
    const month = MONTHS[m[3]!]!;
    date(found, month, Number(m[1]), m[4], m.index!, m.index! + m[0].length);
    if (m[2]) date(found, month, Number(m[2]), m[4], m.index!, m.index! + m[0].length);
  }
  for (const m of matchesAt(MONTH_DAY, folded, monthsBefore(folded, starts))) {
    if (taken(used, m.index!)) continue;
    const month = MONTHS[m[1]!]!;
    date(found, month, Number(m[2]), m[4], m.index!, m.index! + m[0].length);
    if (m[3]) date(found, month, Number(m[3]), m[4], m.index!, m.index! + m[0].length);
  }
  for (const m of matchesAt(NUMERIC_DATE, folded, starts)) {
    if (taken(used, m.index!)) continue;
    if (m[4]) date(found, Number(m[5]), Number(m[6]), m[4], m.index!, m.index! + m[0].length);
    else date(found, Number(m[2]), Number(m[1]), m[3], m.index!, m.index! + m[0].length);
  }

  const numbers: string[] = [];
  const seen = new Set<string>();
  for (const m of matchesAt(french ? FRENCH_NUMBER : ENGLISH_NUMBER, folded, starts)) {
    const start = m.index!;
    if (taken(used, start)) continue;
    const whole = m[1]!.replace(NOT_DIGIT, '');
    if (m[2] === undefined && m[3] === undefined && isYear(whole) && m[1]!.length === 4) {
      years.add(whole);
      continue;
    }
    let value = Number(`${whole}${m[2] ? `.${m[2]}` : ''}`);
    if (m[3]) value *= SCALES[m[3]]!;
    const key = normalise(value);
    if (!seen.has(key)) {
      seen.add(key);
      numbers.push(key);
    }
  }
  return { numbers, dates: [...dates], years: [...years] };
}

/** The dates and years read so far, and the spans of text they took (a number there is part of a date). */
interface Found {
  used: Array<[number, number]>;
  dates: Set<string>;
  years: Set<string>;
}

function taken(used: ReadonlyArray<[number, number]>, start: number): boolean {
  for (const [a, b] of used) if (start >= a && start < b) return true;
  return false;
}

function date(found: Found, m: number, d: number, y: string | undefined, start: number, end: number): void {
  if (m < 1 || m > 12 || d < 1 || d > 31) return;
  found.dates.add(`${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  if (y && isYear(y)) found.years.add(y);
  found.used.push([start, end]);
}

/** A run of digits with the language's group and decimal separators, then maybe a scale word (million, bn...). */
function numberPattern(group: string, decimal: string): RegExp {
  return new RegExp(`(?<![a-z0-9.,])(\\d{1,3}(?:${group}\\d{3})+|\\d+)(?:${decimal}(\\d+))?(?:${SPACE}?(${SCALE_WORDS})(?![a-z]))?`, 'y');
}
const FRENCH_NUMBER = numberPattern(`(?:${SPACE}|\\.)`, ',');
const ENGLISH_NUMBER = numberPattern(`(?:,|${SPACE})`, '\\.');

/**
 * The matches of a sticky pattern tried at each of `starts` (ascending), skipping those inside the last match: the
 * matches a global search would find, when every match must begin at one of `starts`.
 */
function matchesAt(pattern: RegExp, text: string, starts: readonly number[]): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  let end = 0;
  for (const at of starts) {
    if (at < end) continue;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (m === null) continue;
    found.push(m);
    end = at + m[0].length;
  }
  return found;
}

const DIGITS = /\d+/g;

/** Where each run of digits begins: DAY_MONTH, NUMERIC_DATE and the numbers begin there (a digit after no digit). */
function digitRuns(text: string): number[] {
  const out: number[] = [];
  DIGITS.lastIndex = 0;
  for (let m = DIGITS.exec(text); m !== null; m = DIGITS.exec(text)) out.push(m.index);
  return out;
}

const MONTH_LENGTHS = [...new Set(Object.keys(MONTHS).map((m) => m.length))].sort((a, b) => b - a);
/** `\w`, as `\b` reads it. */
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;

/**
 * Where MONTH_DAY can begin, ascending: a month word at a word boundary, then maybe a dot, then white space and a
 * digit. Found from the digits, which are few, rather than by trying the month words at every word of the text.
 */
function monthsBefore(text: string, starts: readonly number[]): number[] {
  const out: number[] = [];
  for (const p of starts) {
    let k = p - 1;
    if (k < 0 || !isSpaceUnit(text.charCodeAt(k))) continue;
    while (k >= 0 && isSpaceUnit(text.charCodeAt(k))) k--;
    if (k < 0) continue;
    const end = text.charCodeAt(k) === 46 ? k : k + 1;
    for (const n of MONTH_LENGTHS) {
      const at = end - n;
      if (at < 0 || (at > 0 && isWordChar(text.charCodeAt(at - 1)))) continue;
      if (Object.hasOwn(MONTHS, text.slice(at, end))) out.push(at);
    }
  }
  return out;
}

function isYear(digits: string): boolean {
  const n = Number(digits);
  return digits.length === 4 && n >= 1900 && n <= 2099;
}

/** Up to 6 significant digits, no exponent: `1500000000`, `2.3`, `0.75`. */
function normalise(value: number): string {
  // Most figures are whole numbers under a million, which toPrecision(6) leaves as they are.
  if (Number.isInteger(value) && value >= 0 && value < 1e6) return String(value);
  if (!Number.isFinite(value)) return 'inf';
  const rounded = Number(value.toPrecision(6));
  return Number.isInteger(rounded) ? rounded.toFixed(0) : String(rounded);
}
