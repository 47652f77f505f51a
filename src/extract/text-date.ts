const MONTHS: Record<string, number> = {
  jan: 1, january: 1, janvier: 1, janv: 1, feb: 2, february: 2, fev: 2, fevr: 2, fevrier: 2, mar: 3, march: 3, mars: 3,
  apr: 4, april: 4, avr: 4, avril: 4, may: 5, mai: 5, jun: 6, june: 6, juin: 6, jul: 7, july: 7, juil: 7, juillet: 7,
  aug: 8, august: 8, aout: 8, sep: 9, sept: 9, september: 9, septembre: 9, oct: 10, october: 10, octobre: 10,
  nov: 11, november: 11, novembre: 11, dec: 12, december: 12, decembre: 12,
};

const DAY_MONTH_YEAR = /\b(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-zéèêûô]{3,9})\.?\s+(\d{4})\b/i;
const MONTH_DAY_YEAR = /\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/i;

function monthOf(word: string): number | undefined {
  return MONTHS[word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')];
}

function iso(year: number, month: number, day: number): string | null {
  if (year < 1990 || year > 2100 || day < 1 || day > 31) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A calendar date written out in a French or English byline line ("14 novembre 2026", "Nov. 20, 2026"),
 * as an ISO date without time: the line gives no zone, and guessing one would be wrong half the time.
 */
export function parseTextDate(text: string | null): string | null {
  if (!text) return null;
  const dmy = DAY_MONTH_YEAR.exec(text);
  if (dmy) {
    const month = monthOf(dmy[2]!);
    if (month) return iso(Number(dmy[3]), month, Number(dmy[1]));
  }
  const mdy = MONTH_DAY_YEAR.exec(text);
  if (mdy) {
    const month = monthOf(mdy[1]!);
    if (month) return iso(Number(mdy[3]), month, Number(mdy[2]));
  }
  return null;
}
