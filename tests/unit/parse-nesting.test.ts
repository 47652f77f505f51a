import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { findLatest } from '../../src/extract/extract-latest.ts';
import { MAX_NESTING, parseHtml } from '../../src/extract/parse-html.ts';
import { readPage } from '../../src/extract/read-page.ts';

/** Wall time of a synchronous call: all of it blocks the event loop. */
function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

function depthOf(doc: ReturnType<typeof parseHtml>): number {
  let deepest = 0;
  doc('*').each((_, el) => {
    let depth = 0;
    for (let p = el.parent; p; p = p.parent) depth++;
    deepest = Math.max(deepest, depth);
  });
  return deepest;
}

describe('parse cost of deeply nested pages', () => {
  // About 1.1 MB each. Before the cap, parsing the <div> page alone took 5.8 s on this machine (7.2 s for <header>).
  for (const tag of ['div', 'header']) {
    it(`parses and reads 100,000 nested <${tag}>s in well under 1 s, as fast as the same tags side by side`, () => {
      const deep = `<html><body>${`<${tag}>Latest `.repeat(100_000)}</body></html>`;
      const flat = `<html><body>${`<${tag}>Latest </${tag}>`.repeat(100_000)}</body></html>`;
      expect(deep.length).toBeGreaterThan(1_000_000);
      const parsed = timed(() => parseHtml(deep));
      const latest = timed(() => findLatest(parsed.value, { url: 'http://site.test/' }));
      const read = timed(() => readPage(deep, { url: 'http://site.test/' }));
      const flatParse = timed(() => parseHtml(flat));
      // Measured 50-80 ms to parse and 150-200 ms to read on a quiet machine, 450-650 ms and 450-1000 ms on a loaded
      // one; depth no longer matters, so the deep page parses about as fast as the flat one.
      expect(parsed.ms + latest.ms).toBeLessThan(1000);
      expect(read.ms).toBeLessThan(1000);
      expect(parsed.ms).toBeLessThan(3 * flatParse.ms + 100);
      expect(depthOf(parsed.value)).toBeLessThanOrEqual(MAX_NESTING + 1);
      // The elements unwrapped leave their text in place.
      expect((parsed.value.root().text().match(/Latest/g) ?? []).length).toBe(100_000);
    });
  }

  it('leaves a page under the cap exactly as cheerio parses it', () => {
    const html =
      '<!doctype html><html><head><title>T &amp; co</title></head><body><div id=a><p>one<p>two<ul><li>x<li>y</ul>' +
      '<br/><img src=i.png alt="A &quot;b&quot;"><svg><path d="M0"/></svg><table><tr><td>c</table></div>' +
      `${'<div>'.repeat(200)}deep${'</div>'.repeat(200)}</body></html>`;
    expect(parseHtml(html).html()).toBe(load(html, { xml: { xmlMode: false, decodeEntities: true } }).html());
  });

  it('takes another cap from limits.maxNesting', () => {
    const html = `<body>${'<div>'.repeat(1000)}text${'</div>'.repeat(1000)}</body>`;
    expect(parseHtml(html, { maxNesting: 64 })('div').length).toBeLessThanOrEqual(64);
    expect(parseHtml(html, { maxNesting: 512 })('div').length).toBeGreaterThan(MAX_NESTING);
  });

  it('keeps the innermost structure past the cap, and what follows the nesting outside it', () => {
    const list = '<h2>Latest News</h2><ul><li><a href="/a/1">One story here</a></li></ul>';
    const html = `<body>${'<div>'.repeat(MAX_NESTING * 4)}${list}${'</div>'.repeat(MAX_NESTING * 4)}<p id="after">after</p></body>`;
    const doc = parseHtml(html);
    expect(doc('ul > li > a').attr('href')).toBe('/a/1');
    expect(doc('div').length).toBeLessThanOrEqual(MAX_NESTING);
    expect(doc('#after').parent().is('body')).toBe(true);
    expect(findLatest(doc, { url: 'http://site.test/' }).entries).toEqual([{ title: 'One story here', url: 'http://site.test/a/1' }]);
  });
});
