import { describe, expect, it } from 'vitest';
import { pageCounts, pageScore } from '../../bench/metric.ts';
import { extractAndLearn, extractArticle } from '../../src/extract/extract-article.ts';
import { parseHtml } from '../../src/extract/parse-html.ts';
import { learnTemplate, MAX_BLOCKS, templateSignatures, type SiteTemplate } from '../../src/extract/site-template.ts';
import { fixturePages } from '../fixtures/pages/fixture-pages.ts';

const legacy = fixturePages().filter((p) => p.truth.site === 'legacy-1252');

/**
 * The legacy pages with a house paragraph under every article: prose the generic layer cannot tell from
 * the article's (its legal lines and dated briefs it now cuts on its own), which only the template knows
 * recurs on every page.
 */
const HOUSE = 'La Lettre des Armées paraît chaque mois depuis 1987. Elle est rédigée par d’anciens officiers et des journalistes spécialisés, qui suivent au plus près la vie des unités et des états-majors.';
const housed = legacy.map((p) => {
  const at = p.html.indexOf('<p><font face="Verdana, Arial" size="2"><b>');
  if (at < 0) throw new Error(`${p.file}: no briefs paragraph to put the house paragraph before`);
  return { ...p, html: `${p.html.slice(0, at)}<p>${HOUSE}</p>${p.html.slice(at)}` };
});

function f1(truth: string, predicted: string): number {
  const s = pageScore(pageCounts(truth, predicted));
  const p = s.precision ?? 0;
  const r = s.recall ?? 0;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** Learns each page in turn, then extracts it with what has been learned so far (itself included). */
function crawl(pages: typeof legacy): { generic: string; learned: string; template: SiteTemplate }[] {
  let template: SiteTemplate | null = null;
  return pages.map((page) => {
    const doc = parseHtml(page.html);
    template = learnTemplate(template, doc);
    return {
      generic: extractArticle(doc, { url: page.truth.url }).text,
      learned: extractArticle(doc, { url: page.truth.url, template }).text,
      template,
    };
  });
}

describe('site template learning', () => {
  it('extractAndLearn gives what learnTemplate then extractArticle give, page after page', () => {
    let separate: SiteTemplate | null = null;
    let together: SiteTemplate | null = null;
    // Twice through the site, so the recurring set both grows and stays as it was from one page to the next.
    for (const page of [...legacy, ...legacy]) {
      separate = learnTemplate(separate, parseHtml(page.html));
      const expected = extractArticle(parseHtml(page.html), { url: page.truth.url, template: separate });
      const got = extractAndLearn(parseHtml(page.html), together, { url: page.truth.url });
      together = got.template;
      expect(got.template).toEqual(separate);
      expect(got.body).toEqual(expected);
    }
    expect(templateSignatures(together).size).toBeGreaterThan(0);
  });

  it('has four pages of one windows-1252 site to learn from', () => {
    expect(legacy).toHaveLength(4);
  });

  it('removes the recurring paragraph that the generic layer keeps', () => {
    const runs = crawl(housed);
    const last = runs[3]!;
    expect(last.generic).toContain(HOUSE);
    expect(last.learned).not.toContain(HOUSE);
    expect(last.learned).toBe(legacy[3]!.truth.text);
  });

  it('makes the fourth page come out cleaner than the first', () => {
    const runs = crawl(housed);
    const first = f1(legacy[0]!.truth.text, runs[0]!.learned);
    const fourth = f1(legacy[3]!.truth.text, runs[3]!.learned);
    expect(first).toBeLessThan(0.9);
    expect(fourth).toBeGreaterThan(0.99);
    expect(fourth).toBeGreaterThan(first);
  });

  it('never removes article text the site does not repeat', () => {
    const runs = crawl(housed);
    runs.forEach((run, i) => {
      for (const paragraph of legacy[i]!.truth.text.split('\n\n')) expect(run.learned).toContain(paragraph);
    });
  });

  it('does not count a page twice when it is learned again', () => {
    const doc = parseHtml(legacy[0]!.html);
    const once = learnTemplate(null, doc);
    const twice = learnTemplate(once, parseHtml(legacy[0]!.html));
    expect(twice).toEqual(once);
    // Three fetches of one article would otherwise make its own paragraphs "recurring".
    const thrice = learnTemplate(twice, doc);
    const text = extractArticle(doc, { url: legacy[0]!.truth.url, template: thrice }).text;
    expect(text).toContain(legacy[0]!.truth.text.split('\n\n')[0]);
  });

  it('is plain JSON that survives a round trip, and learning does not mutate its inputs', () => {
    const doc = parseHtml(legacy[0]!.html);
    const before = doc.html();
    const t1 = learnTemplate(null, doc);
    expect(doc.html()).toBe(before);
    const frozen = JSON.stringify(t1);
    const t2 = learnTemplate(JSON.parse(frozen) as SiteTemplate, parseHtml(legacy[1]!.html));
    expect(JSON.stringify(t1)).toBe(frozen);
    expect(t2.seen).toBe(2);
    expect(templateSignatures(JSON.parse(JSON.stringify(t2)) as SiteTemplate)).toEqual(templateSignatures(t2));
  });

  it('stays bounded however many distinct blocks it sees', () => {
    let template: SiteTemplate | null = null;
    for (let page = 0; page < 12; page++) {
      const items = Array.from({ length: 600 }, (_, i) => `<li>Distinct block ${page}-${i} with words in it</li>`).join('');
      template = learnTemplate(template, parseHtml(`<html><head><title>Page ${page}</title></head><body><ul>${items}</ul></body></html>`));
    }
    expect(Object.keys(template!.blocks).length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(JSON.stringify(template).length).toBeLessThan(100_000);
    expect(template!.recent.length).toBeLessThanOrEqual(30);
  });

  it('forgets a template once a redesign stops showing it', () => {
    let template: SiteTemplate | null = null;
    const words = ['radar', 'frigate', 'budget', 'drone', 'tank', 'missile', 'pilot', 'convoy', 'satellite', 'cyber'];
    // Digits are normalised away in signatures, so each story differs by its words.
    const story = (n: number) => `${words[n % 10]} ${words[Math.floor(n / 10) % 10]} ${words[(n * 7) % 10]}`;
    const page = (n: number, footer: string) =>
      parseHtml(`<html><head><title>Story ${story(n)}</title></head><body><p>A unique story about the ${story(n)} affair, and nothing else at all.</p><div>${footer}</div></body></html>`);
    for (let n = 0; n < 4; n++) template = learnTemplate(template, page(n, 'Old footer line of the site, with an address.'));
    const oldFooter = extractArticle(page(99, 'Old footer line of the site, with an address.'), { template });
    expect(oldFooter.text).not.toContain('Old footer');
    for (let n = 4; n < 30; n++) template = learnTemplate(template, page(n, 'New footer after the redesign, different words.'));
    const later = extractArticle(page(100, 'Old footer line of the site, with an address.'), { template });
    expect(later.text).toContain('Old footer');
  });
});
