import { describe, expect, it } from 'vitest';
import { classHint, isFurnitureHeading } from '../../src/extract/hints.ts';
import { isJunkLine } from '../../src/extract/junk-line.ts';
import { stripSiteName } from '../../src/extract/pick-title.ts';
import { detectLang } from '../../src/extract/detect-lang.ts';
import { parseTextDate } from '../../src/extract/text-date.ts';

describe('class and id hints', () => {
  it('marks sure furniture whatever else the class says', () => {
    expect(classHint('comment-content', undefined)).toBe(-2);
    expect(classHint('share-bar', undefined)).toBe(-2);
    expect(classHint(undefined, 'cookie-notice')).toBe(-2);
    expect(classHint('relatedPosts', undefined)).toBe(-2);
    expect(classHint('bloc partage', undefined)).toBe(-2);
    expect(classHint('ad-slot', undefined)).toBe(-2);
  });

  it('lets an article class cancel a weak furniture word', () => {
    expect(classHint('article-body pagination-first', undefined)).toBe(0);
    expect(classHint('entry-content entry-content-read-more', undefined)).toBe(0);
    expect(classHint('sidebar', undefined)).toBe(-1);
    expect(classHint('pied-de-page', undefined)).toBe(-1);
  });

  it('does not read short words inside longer ones', () => {
    expect(classHint('header-reading', undefined)).toBe(0);
    expect(classHint('commentary-text', undefined)).toBe(1);
    expect(classHint('publication', undefined)).toBe(0);
    expect(classHint('story-body', undefined)).toBe(1);
  });
});

describe('furniture headings', () => {
  it('knows French and English section titles of page furniture', () => {
    for (const h of ['Derniers articles', 'À lire aussi', 'Sur le même sujet', 'Les plus lus', 'Related Stories', 'You may also like', 'Leave a Reply', '3 Comments', "DON'T MISS", 'More from Defense News', 'Share this:']) {
      expect(isFurnitureHeading(h), h).toBe(true);
    }
  });

  it('leaves article section titles alone', () => {
    for (const h of ['Les derniers jours du siège', 'Latest satellite images show damage', 'Comments from the minister', 'Background', 'Sharing the burden of defence']) {
      expect(isFurnitureHeading(h), h).toBe(false);
    }
  });
});

describe('furniture lines', () => {
  it('drops labels, bare URLs, caption credits and read-more teasers', () => {
    expect(isJunkLine('Advertisement', 0)).toBe(true);
    expect(isJunkLine('Publicité', 0)).toBe(true);
    expect(isJunkLine('https://example.com/story/123', 0)).toBe(true);
    expect(isJunkLine('Troops at the border (Image: GETTY)', 0)).toBe(true);
    expect(isJunkLine('READ MORE: Navy orders two more frigates', 0.8)).toBe(true);
    expect(isJunkLine('SEAN SPICER ELIMINATED FROM THE SHOW', 1)).toBe(true);
    expect(isJunkLine('[button link="x"]Send us your review[/button]', 0)).toBe(true);
  });

  it('keeps prose, even with links or the same words', () => {
    expect(isJunkLine('Read more about the programme in the annual report, published on Monday.', 0)).toBe(false);
    expect(isJunkLine('The advertisement campaign cost the state 449,000 dollars.', 0)).toBe(false);
    expect(isJunkLine('Get it on Amazon for $39.99', 1)).toBe(false);
    expect(isJunkLine('NATO', 1)).toBe(false);
  });
});

describe('title and language helpers', () => {
  it('strips the site name from a document title', () => {
    expect(stripSiteName('Budget vote delayed | Daily Post', null)).toBe('Budget vote delayed');
    expect(stripSiteName('Daily Post - Budget vote delayed again in the assembly', null)).toBe('Budget vote delayed again in the assembly');
    expect(stripSiteName('Rafale F5 : premier vol - Défense & Stratégie', 'Défense & Stratégie')).toBe('Rafale F5 : premier vol');
    expect(stripSiteName('No separator here', null)).toBe('No separator here');
  });

  it('votes the language from stopwords, and abstains on too little text', () => {
    expect(detectLang('Les militaires sont arrivés dans la ville avec des blindés et des camions pour une mission.')).toBe('fr');
    expect(detectLang('The soldiers arrived in the city with armoured vehicles and trucks for the mission.')).toBe('en');
    expect(detectLang('Die Soldaten sind mit den Fahrzeugen in der Stadt und auf dem Platz angekommen.')).toBe('de');
    expect(detectLang('Los soldados llegaron a la ciudad con los camiones para una misión de paz.')).toBe('es');
    expect(detectLang('Rafale')).toBeNull();
  });
});

describe('dates written out in byline lines', () => {
  it('reads French and English day-month-year and month-day-year forms as ISO dates', () => {
    expect(parseTextDate('Publié le 18 novembre 2026 à 09h30')).toBe('2026-11-18');
    expect(parseTextDate('1er février 2025 - par la rédaction')).toBe('2025-02-01');
    expect(parseTextDate('Nov. 20, 2026 | By Daniel Okafor')).toBe('2026-11-20');
    expect(parseTextDate('Updated 5:27 am CST, Wednesday, November 20, 2019')).toBe('2019-11-20');
  });

  it('returns null without a full date', () => {
    expect(parseTextDate('Posted yesterday by Ann')).toBeNull();
    expect(parseTextDate('12 soldiers in 2026')).toBeNull();
    expect(parseTextDate(null)).toBeNull();
  });
});
