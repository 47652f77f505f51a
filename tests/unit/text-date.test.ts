import { describe, expect, it } from 'vitest';
import { findTextDates, parseTextDate } from '../../src/extract/text-date.ts';

/** The single date found in `text`, or a failure listing what was found. */
function only(text: string, lang?: string): string {
  const found = findTextDates(text, lang);
  expect(found.map((d) => d.value), text).toHaveLength(1);
  return found[0]!.value;
}

describe('findTextDates: numeric dates', () => {
  it('reads year-first dates, with or without a byline after them', () => {
    expect(only('2016-06-14 — Auteur')).toBe('2016-06-14');
    expect(only('2016-06-14')).toBe('2016-06-14');
    expect(only('2016/06/14')).toBe('2016-06-14');
  });

  it('reads day-first dates with slashes, dots or dashes', () => {
    expect(only('Publié le 14/06/2016')).toBe('2016-06-14');
    expect(only('14.06.2016')).toBe('2016-06-14');
    expect(only('14-06-2016')).toBe('2016-06-14');
    expect(only('le 03/04/2016')).toBe('2016-04-03');
  });

  it('reads month-first only when day-first is impossible, or when an en hint meets an ambiguous date', () => {
    expect(only('06/14/2016')).toBe('2016-06-14');
    expect(only('Posted on 06/14/2016', 'en')).toBe('2016-06-14');
    expect(only('03/04/2016', 'en')).toBe('2016-03-04');
    expect(only('03/04/2016', 'en-US')).toBe('2016-03-04');
    // British English and dotted dates stay day-first.
    expect(only('03/04/2016', 'en-GB')).toBe('2016-04-03');
    expect(only('03.04.2016', 'en')).toBe('2016-04-03');
    // An en hint does not turn an unambiguous day-first date around.
    expect(only('14/06/2016', 'en')).toBe('2016-06-14');
    expect(only('03/04/2016', 'fr')).toBe('2016-04-03');
  });
});

describe('findTextDates: month names', () => {
  it('reads French day-month-year forms, with weekday, prefixes, 1er and any case or accents', () => {
    expect(only('14 juin 2016')).toBe('2016-06-14');
    expect(only('Le mardi 14 juin 2016')).toBe('2016-06-14');
    expect(only('1er juin 2016')).toBe('2016-06-01');
    expect(only('1ᵉʳ juin 2016')).toBe('2016-06-01');
    expect(only('Mis à jour le 3 AOÛT 2016')).toBe('2016-08-03');
    expect(only('Publié le 9 Décembre 2016')).toBe('2016-12-09');
    expect(only('9 decembre 2016')).toBe('2016-12-09');
  });

  it('reads abbreviated months, with or without a dot', () => {
    expect(only('14 janv. 2016')).toBe('2016-01-14');
    expect(only('14 déc. 2016')).toBe('2016-12-14');
    expect(only('14 dec 2016')).toBe('2016-12-14');
    expect(only('14 fév 2016')).toBe('2016-02-14');
    expect(only('14 févr. 2016')).toBe('2016-02-14');
    expect(only('14 juil. 2016')).toBe('2016-07-14');
    expect(only('14 avr. 2016')).toBe('2016-04-14');
  });

  it('reads English month-day-year and day-month-year forms', () => {
    expect(only('June 14, 2016')).toBe('2016-06-14');
    expect(only('Published June 14th, 2016')).toBe('2016-06-14');
    expect(only('14 June 2016')).toBe('2016-06-14');
    expect(only('14th of June 2016')).toBe('2016-06-14');
    expect(only('Jun. 14, 2016')).toBe('2016-06-14');
    expect(only('Sept. 3, 2016')).toBe('2016-09-03');
    expect(only('Updated Sep 3 2016')).toBe('2016-09-03');
    expect(only('Posted on Tuesday, June 14, 2016')).toBe('2016-06-14');
  });

  it('treats non-breaking and narrow non-breaking spaces as spaces', () => {
    expect(only('14\u00a0juin\u00a02016 à\u00a010h30')).toBe('2016-06-14T10:30');
    expect(only('14\u202fjuin\u202f2016')).toBe('2016-06-14');
  });
});

describe('findTextDates: time and zone', () => {
  it('adds a time written with no zone as a local time, never as UTC', () => {
    expect(only('mardi 14 juin 2016 à 10h30')).toBe('2016-06-14T10:30');
    expect(only('14 juin 2016, 10:30')).toBe('2016-06-14T10:30');
    expect(only('14 juin 2016 à 10 h 30')).toBe('2016-06-14T10:30');
    expect(only('14 juin 2016 à 9h')).toBe('2016-06-14T09:00');
    expect(only('14/06/2016 à 10h30')).toBe('2016-06-14T10:30');
    expect(only('2016-06-14 10:30')).toBe('2016-06-14T10:30');
    expect(only('2016-06-14T10:30:00')).toBe('2016-06-14T10:30');
  });

  it('reads am and pm, and refuses hours that cannot be', () => {
    expect(only('Tuesday, June 14, 2016 10:30 AM')).toBe('2016-06-14T10:30');
    expect(only('June 14, 2016 12:05 a.m.')).toBe('2016-06-14T00:05');
    expect(only('June 14, 2016 12:05 PM')).toBe('2016-06-14T12:05');
    expect(only('June 14, 2016 at 3 pm')).toBe('2016-06-14T15:00');
    expect(only('June 14, 2016 13:30 PM')).toBe('2016-06-14');
    expect(only('14 juin 2016 à 25h30')).toBe('2016-06-14');
    expect(only('14 juin 2016 à 10h75')).toBe('2016-06-14');
  });

  it('takes no bare number after a date for a time', () => {
    expect(only('14 juin 2016, 10 morts')).toBe('2016-06-14');
    expect(only('14 juin 2016 à 10 hommes')).toBe('2016-06-14');
    expect(only('June 14, 2016 - 3 killed')).toBe('2016-06-14');
    expect(only('June 14, 2016 10.30 am')).toBe('2016-06-14');
  });

  it('gives an instant, in UTC, only when the text writes a zone', () => {
    expect(only('14 juin 2016, 10:30 CET')).toBe('2016-06-14T09:30:00.000Z');
    expect(only('14 juin 2016 à 10h30 CEST')).toBe('2016-06-14T08:30:00.000Z');
    expect(only('June 14, 2016 10:30 UTC')).toBe('2016-06-14T10:30:00.000Z');
    expect(only('June 14, 2016 10:30 GMT')).toBe('2016-06-14T10:30:00.000Z');
    expect(only('June 14, 2016 10:30 a.m. EDT')).toBe('2016-06-14T14:30:00.000Z');
    expect(only('14/06/2016 10:30 +02:00')).toBe('2016-06-14T08:30:00.000Z');
    expect(only('2016-06-14T10:30:00+02:00')).toBe('2016-06-14T08:30:00.000Z');
    expect(only('2016-06-14T10:30:00Z')).toBe('2016-06-14T10:30:00.000Z');
    expect(only('Publié le 1er juin 2016, 10:30 UTC+2')).toBe('2016-06-01T08:30:00.000Z');
    // The instant may fall on another UTC day; `date` keeps the day the page wrote.
    const late = findTextDates('15 juin 2016 à 00h30 CEST')[0]!;
    expect(late.value).toBe('2016-06-14T22:30:00.000Z');
    expect(late.date).toBe('2016-06-15');
  });

  it('ignores a word after the time that is not a zone', () => {
    expect(only('14 juin 2016 à 10h30 par Jean Dupont')).toBe('2016-06-14T10:30');
    expect(only('June 14, 2016 10:30 AM By Ann Lee')).toBe('2016-06-14T10:30');
    expect(only('June 14, 2016 10:30 UTC+30')).toBe('2016-06-14T10:30');
  });
});

describe('findTextDates: what is not a date', () => {
  it('rejects impossible dates', () => {
    expect(findTextDates('31/02/2016')).toEqual([]);
    expect(findTextDates('29 février 2015')).toEqual([]);
    expect(findTextDates('2016-13-01')).toEqual([]);
    expect(findTextDates('June 31, 2016')).toEqual([]);
    expect(findTextDates('14/14/2016', 'en')).toEqual([]);
    expect(only('29 février 2016')).toBe('2016-02-29');
  });

  it('rejects years outside 1990-2100', () => {
    expect(findTextDates('14 juin 1989')).toEqual([]);
    expect(findTextDates('14/06/2101')).toEqual([]);
    expect(findTextDates('0001-01-01')).toEqual([]);
    expect(only('1 janvier 1990')).toBe('1990-01-01');
    expect(only('31/12/2100')).toBe('2100-12-31');
  });

  it('rejects bare years, day-month without year, ranges and other numbers', () => {
    expect(findTextDates('En 2016, la Marine a commandé des drones.')).toEqual([]);
    expect(findTextDates('Rendez-vous le 14 juin au salon')).toEqual([]);
    expect(findTextDates('See you on June 14 in Paris')).toEqual([]);
    expect(findTextDates('la loi de programmation 2016-2017')).toEqual([]);
    expect(findTextDates('14/06/2016-2017')).toEqual([]);
    expect(findTextDates('10 000 soldats déployés')).toEqual([]);
    expect(findTextDates('le F-35A 2016 et le F-16 Block 70')).toEqual([]);
    expect(findTextDates('Tél. : 01.23.45.67.89 ou +33 1 23 45 67 89')).toEqual([]);
    expect(findTextDates('Call 1-800-12-2016 now')).toEqual([]);
    expect(findTextDates('ISBN 978-2016-06-14-7')).toEqual([]);
    expect(findTextDates('ISBN 978-2-07-036024-5')).toEqual([]);
    expect(findTextDates('version 3.14.06.2016')).toEqual([]);
    expect(findTextDates('12 soldiers in 2026')).toEqual([]);
  });
});

describe('findTextDates: several dates', () => {
  it('returns each date in order of appearance, with its index and length in the original text', () => {
    const text = 'Mis à jour le 15 juin 2016 à 8h05 — publié le 14/06/2016. Voir aussi June 1, 2016.';
    const found = findTextDates(text);
    expect(found.map((d) => d.value)).toEqual(['2016-06-15T08:05', '2016-06-14', '2016-06-01']);
    expect(found.map((d) => text.slice(d.index, d.index + d.length))).toEqual(['15 juin 2016 à 8h05', '14/06/2016', 'June 1, 2016']);
  });

  it('keeps indexes right after accented and non-breaking characters', () => {
    const text = 'Été\u00a0: « publié » le 1er déc. 2016, puis 2016-12-03';
    const found = findTextDates(text);
    expect(found.map((d) => text.slice(d.index, d.index + d.length))).toEqual(['1er déc. 2016', '2016-12-03']);
  });
});

describe('parseTextDate', () => {
  it('gives the calendar date of the first date written, or null', () => {
    expect(parseTextDate('Publié le 18 novembre 2026 à 09h30, mis à jour le 19 novembre 2026')).toBe('2026-11-18');
    expect(parseTextDate('Updated 5:27 am CST, Wednesday, November 20, 2019')).toBe('2019-11-20');
    expect(parseTextDate('03/04/2016', 'en')).toBe('2016-03-04');
    expect(parseTextDate('03/04/2016')).toBe('2016-04-03');
    expect(parseTextDate('Posted yesterday by Ann')).toBeNull();
    expect(parseTextDate(null)).toBeNull();
  });
});
