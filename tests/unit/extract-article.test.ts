import { describe, expect, it } from 'vitest';
import { pageCounts, pageScore } from '../../bench/metric.ts';
import { extractArticle, type ArticleBody } from '../../src/extract/extract-article.ts';
import { MAX_HTML_LENGTH, parseHtml } from '../../src/extract/parse-html.ts';
import { fixturePage, fixturePages } from '../fixtures/pages/fixture-pages.ts';

function extract(html: string, url?: string, more: { include?: string[]; exclude?: string[] } = {}): ArticleBody {
  return extractArticle(parseHtml(html), { url, ...more });
}

function f1(truth: string, predicted: string): number {
  const s = pageScore(pageCounts(truth, predicted));
  const p = s.precision ?? 0;
  const r = s.recall ?? 0;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

const SAFE_TAGS = new Set(['p', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'a', 'img', 'figure', 'figcaption', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'br']);

function expectSafeHtml(html: string): void {
  for (const m of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    expect(SAFE_TAGS.has(m[1]!.toLowerCase()), `tag ${m[1]}`).toBe(true);
    const attrs = m[2]!;
    expect(attrs).not.toMatch(/\son\w+\s*=/i);
    for (const a of attrs.matchAll(/\s([a-z-]+)=/g)) expect(['href', 'src', 'alt']).toContain(a[1]);
  }
  expect(html).not.toMatch(/javascript:/i);
  for (const m of html.matchAll(/(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^https?:\/\//);
}

describe('extractArticle on the hand-written fixture pages (generic layer)', () => {
  for (const page of fixturePages()) {
    it(`${page.file}: exact title, body close to the hand-written truth, safe HTML`, () => {
      const a = extract(page.html, page.truth.url);
      expect(a.title).toBe(page.truth.title);
      expect(a.lang).toBe(page.truth.lang);
      expect(a.text.startsWith(page.truth.title)).toBe(false);
      const threshold = page.truth.site === 'legacy-1252' ? 0.6 : 0.99;
      expect(f1(page.truth.text, a.text)).toBeGreaterThanOrEqual(threshold);
      expectSafeHtml(a.html);
      if (page.truth.byline) expect(a.byline).toBe(page.truth.byline);
      if (page.truth.publishedAt) expect(a.publishedAt).toBe(page.truth.publishedAt);
      if (page.truth.canonicalUrl) expect(a.canonicalUrl).toBe(page.truth.canonicalUrl);
    });
  }

  it('reference-style page: no menu bars, no second title, no latest list, no publication footer', () => {
    const page = fixturePage('reference-fr.html');
    const a = extract(page.html, page.truth.url);
    for (const furniture of ['Éditoriaux', 'Renseignement', 'Derniers articles', 'Verdun 2016', 'Directeur de la publication', 'Comité de rédaction', 'Publié le', 'stats.track', 'Photo :']) {
      expect(a.text).not.toContain(furniture);
    }
    expect(a.text.split(page.truth.title).length).toBe(1);
    expect(a.text.startsWith('La Marine nationale a conduit')).toBe(true);
    expect(a.text.split('\n\n')).toHaveLength(6);
  });

  it('WordPress page: keeps the list, drops sharing, related posts, comments, widgets and the cookie notice', () => {
    const page = fixturePage('wordpress-en.html');
    const a = extract(page.html, page.truth.url);
    expect(a.text).toContain('engaging mortar rounds in flight,');
    for (const furniture of ['Share this', 'Twitter', 'Laser Stryker Fails', 'Leave a Reply', 'MikeT', 'White Sands is not the same', 'Recent Posts', 'independent newsletter', 'We use cookies', 'Posted on', 'Skip to content', 'Proudly powered']) {
      expect(a.text).not.toContain(furniture);
    }
    expect(a.html).toContain('<ul><li>tracking small drones');
  });

  it('government page: drops share bar, related stories and the long footer, keeps the quote', () => {
    const page = fixturePage('gov-en.html');
    const a = extract(page.html, page.truth.url);
    expect(a.text).toContain('“Every missile we buy starts with a rocket motor');
    expect(a.html).toContain('<blockquote><p>“Every missile');
    for (const furniture of ['Share:', 'LinkedIn', 'Related Stories', 'Scranton', 'official website', 'Hosted by', 'Accessibility', 'Nov. 20, 2026']) {
      expect(a.text).not.toContain(furniture);
    }
  });

  it('windows-1252 table-layout page: accents and cp1252-only characters survive, side column and menus do not', () => {
    const page = fixturePage('legacy-1252-2.html');
    const a = extract(page.html, page.truth.url);
    expect(a.text).toContain('d’euros');
    expect(a.text).toContain('Le porte-hélicoptères amphibie Tonnerre a retrouvé');
    for (const furniture of ['À lire aussi', 'Le renseignement militaire recrute', 'Géopolitique', '© 2026', 'Capitaine de vaisseau']) {
      expect(a.text).not.toContain(furniture);
    }
  });
});

describe('extractArticle metadata', () => {
  it('reads JSON-LD inside @graph and arrays, OpenGraph and a relative canonical link', () => {
    const html = `<html><head>
      <link rel="canonical" href="/a/1">
      <script type="application/ld+json">[{"@type":"Organization","name":"X"},{"@graph":[{"@type":["NewsArticle"],"headline":"Ld headline","datePublished":"2026-03-01T08:00:00+01:00","author":[{"name":"Ann Lee"},{"name":"Bo Chan"}]}]}]</script>
      </head><body><article><h1>Ld headline</h1><p>${'Some article text that is long enough to count as prose, with commas. '.repeat(4)}</p></article></body></html>`;
    const a = extract(html, 'https://news.example/section/page?x=1');
    expect(a.title).toBe('Ld headline');
    expect(a.publishedAt).toBe('2026-03-01T07:00:00.000Z');
    expect(a.byline).toBe('Ann Lee, Bo Chan');
    expect(a.canonicalUrl).toBe('https://news.example/a/1');
  });

  it('falls back to article:published_time, then <time datetime>, and strips the site name from <title>', () => {
    const body = `<p>${'Plain prose for the body of this article, long enough. '.repeat(4)}</p>`;
    const og = extract(`<html><head><title>Budget vote delayed | Daily Post</title><meta property="article:published_time" content="2026-05-02T10:00:00Z"></head><body>${body}</body></html>`);
    expect(og.title).toBe('Budget vote delayed');
    expect(og.publishedAt).toBe('2026-05-02T10:00:00.000Z');
    const time = extract(`<html><head><title>Budget vote delayed - Daily Post</title></head><body><time datetime="2026-05-03">May 3</time>${body}</body></html>`);
    expect(time.publishedAt).toBe('2026-05-03');
    expect(time.title).toBe('Budget vote delayed');
  });

  it('does not take a site-name <h1> for the headline, and decodes entities escaped twice', () => {
    const body = `<p>${'Body text of the story, long enough to be read as prose. '.repeat(4)}</p>`;
    const a = extract(`<html><head><title>Tanks roll out &amp;#8211; again | Army Weekly</title></head><body><h1><a href="/">Army Weekly</a></h1><article>${body}</article></body></html>`);
    expect(a.title).toBe('Tanks roll out – again');
  });

  it('ignores placeholder dates and cleans bylines of agencies and dates', () => {
    const body = `<p>${'Body text of the story, long enough to be read as prose. '.repeat(4)}</p>`;
    const a = extract(`<html><head><meta property="article:published_time" content="0001-01-01T00:00:00Z"><meta name="author" content="Jane Roe | Wire Service"></head><body>${body}</body></html>`);
    expect(a.publishedAt).toBeNull();
    expect(a.byline).toBe('Jane Roe');
    const form = extract(`<html><body>${body}<form><p class="comment-form-author"><label>Name *</label></p></form></body></html>`);
    expect(form.byline).toBeNull();
  });

  it('takes the language from <html lang>, og:locale, an article lang attribute, else a stopword vote', () => {
    const fr = '<p>Les soldats de la brigade sont partis pour une mission de trois mois dans le nord du pays, avec des moyens qui sont encore limités.</p>';
    const en = '<p>The soldiers of the brigade left for a three month mission in the north of the country, with means that are still limited.</p>';
    expect(extract(`<html lang="fr-FR"><body>${en}</body></html>`).lang).toBe('fr');
    expect(extract(`<html><head><meta property="og:locale" content="en_GB"></head><body>${fr}</body></html>`).lang).toBe('en');
    expect(extract(`<html lang="fr"><body><div lang="en">${en}${en}</div></body></html>`).lang).toBe('en');
    expect(extract(`<html><body>${fr}</body></html>`).lang).toBe('fr');
    expect(extract(`<html><body>${en}</body></html>`).lang).toBe('en');
    expect(extract('<html><body><p>12345 67890</p></body></html>').lang).toBeNull();
  });
});

describe('extractArticle edge cases', () => {
  it('returns empty text for an empty body or an empty string, without crashing', () => {
    for (const html of ['', '<html><head><title>Nothing</title></head><body></body></html>', '<!DOCTYPE html>']) {
      const a = extract(html);
      expect(a.text).toBe('');
      expect(a.html).toBe('');
      expect(a.warnings).toEqual([]);
    }
  });

  it('reads a fragment without <html> or <body>, doctype and processing instruction included', () => {
    const a = extract('<!DOCTYPE html><?xml version="1.0"?><p>A fragment of prose with no body element around it, still an article.</p>');
    expect(a.text).toBe('A fragment of prose with no body element around it, still an article.');
  });

  it('finds no article on a page that is only a list of links', () => {
    const items = Array.from({ length: 30 }, (_, i) => `<li><a href="/a/${i}">Headline number ${i} about the armed forces and their budget</a></li>`).join('');
    const a = extract(`<html><body><h1>Latest news</h1><ul>${items}</ul></body></html>`, 'https://x.example/');
    expect(a.text).toBe('');
  });

  it('cuts a page over 5 MB at a tag boundary and says so', () => {
    const article = `<p>${'The opening paragraph of a very long page, with real sentences. '.repeat(5)}</p>`;
    const filler = '<div class="c"><p>Filler paragraph of a huge comment thread, repeated, repeated.</p></div>\n'.repeat(80_000);
    const html = `<html><body><article>${article}</article>${filler}<p>NEVER-REACHED</p></body></html>`;
    expect(html.length).toBeGreaterThan(MAX_HTML_LENGTH);
    const a = extract(html);
    expect(a.warnings).toHaveLength(1);
    expect(a.warnings[0]).toMatch(/5 MB/);
    expect(a.text).not.toContain('NEVER-REACHED');
    expect(a.text).not.toMatch(/<|>/);
  });

  it('copes with broken HTML: unclosed tags, stray end tags, unquoted attributes', () => {
    const html = `<html><body><div class=article><h1>Broken page</h2><p>First paragraph of the story, which never closes its tag and goes on
      <p>Second paragraph, after a stray </span> end tag and an <b>unclosed bold, still prose.
      <p>Third paragraph with <a href=/x>an unquoted link</a> inside it, and more words after.</div></div></td></body>`;
    const a = extract(html, 'https://broken.example/page');
    expect(a.text).toContain('First paragraph of the story');
    expect(a.text).toContain('Second paragraph, after a stray');
    expect(a.text).toContain('Third paragraph with an unquoted link inside it');
    expect(a.html).toContain('<a href="https://broken.example/x">an unquoted link</a>');
  });

  it('survives pathological nesting (thousands of unclosed tags) without overflowing the stack', () => {
    for (const tag of ['div', 'font', 'table']) {
      const nested = `<${tag}>word `.repeat(20_000);
      const html = `<html><body><p>Prose before the nesting starts, with a comma, and several words.</p>${nested}<p>Final sentence of prose after all that nesting, with a comma.</p></body></html>`;
      const a = extractArticle(parseHtml(html));
      // The last paragraph sits 20,000 levels deep, far beyond the recursion limit: it is still read.
      expect(a.text).toContain('Final sentence of prose after all that nesting');
      if (tag === 'font') expect(a.text).toContain('Prose before the nesting starts');
    }
  });

  it('never puts a script inside the body into text or html, nor event handlers or javascript: links', () => {
    const html = `<html><body><article>
      <p onclick="alert(1)">${'Before the script there is a paragraph of ordinary prose. '.repeat(3)}</p>
      <script>document.title = "EVIL-SCRIPT"; alert("EVIL-SCRIPT")</script>
      <noscript>EVIL-NOSCRIPT</noscript><style>.x{color:red}</style>
      <p>After the script, <a href="javascript:alert(2)">a dangerous link</a> and <img src="/i.png" onerror="alert(3)" alt="pic"> more prose to read.</p>
      </article></body></html>`;
    const a = extract(html, 'https://safe.example/');
    expect(a.text).not.toContain('EVIL');
    expect(a.text).not.toContain('color:red');
    expect(a.html).not.toMatch(/EVIL|<script|onerror|onclick|javascript:/i);
    expect(a.text).toContain('After the script, a dangerous link and more prose to read.');
    expect(a.html).toContain('<img src="https://safe.example/i.png" alt="pic">');
    expectSafeHtml(a.html);
  });

  it('reads a data table one row per paragraph and keeps it a table in the HTML', () => {
    const rows = [['Ship', 'Class', 'Commissioned'], ['Bretagne', 'FREMM', '2018'], ['Normandie', 'FREMM', '2020']];
    const table = `<table><thead><tr>${rows[0]!.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows.slice(1).map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    const before = 'The navy lists its frigates below, with the year each one entered service.';
    const after = 'Both ships are based in Brest, and a third one is being refitted in Toulon this year.';
    const a = extract(`<html><body><article><p>${before}</p>${table}<p>${after}</p></article></body></html>`);
    expect(a.text).toBe(`${before}\n\nShip Class Commissioned\n\nBretagne FREMM 2018\n\nNormandie FREMM 2020\n\n${after}`);
    expect(a.html).toContain('<table><tbody><tr><th>Ship</th><th>Class</th><th>Commissioned</th></tr><tr><td>Bretagne</td><td>FREMM</td><td>2018</td></tr>');
    expectSafeHtml(a.html);
  });

  it('keeps the HTML of each paragraph balanced when bold or a link spans several <br> lines', () => {
    const a = extract('<html><body><div><p>Intro paragraph of the page, long enough to be prose, really.</p><p><b>First bold line, with words<br>second bold line, with <a href="https://x.example/">a link<br>broken</a> here.</b></p></div></body></html>');
    expect(a.html).toBe('<p>Intro paragraph of the page, long enough to be prose, really.</p><p><strong>First bold line, with words</strong></p><p><strong>second bold line, with <a href="https://x.example/">a link</a></strong></p><p><strong><a href="https://x.example/">broken</a> here.</strong></p>');
  });

  it('separates paragraphs with a blank line and keeps <br> lines apart', () => {
    const a = extract('<html><body><div><p>First paragraph of text, long enough to be prose here.</p><p>Second line one<br>second line two, both prose-like.</p></div></body></html>');
    expect(a.text).toBe('First paragraph of text, long enough to be prose here.\n\nSecond line one\n\nsecond line two, both prose-like.');
  });
});

describe('extractArticle per-source overrides', () => {
  const html = `<html><body>
    <div class="story"><p>${'The body of the story that the generic layer finds by itself. '.repeat(5)}</p>
    <div class="box-x"><p>Odd promo paragraph that looks like prose, with commas, and is not hinted.</p></div></div>
    <div class="other"><p>Another block the site owner wants, with a sentence or two of text.</p></div>
    </body></html>`;

  it('exclude removes the matched blocks whatever the other layers decide', () => {
    expect(extract(html).text).toContain('Odd promo paragraph');
    const a = extract(html, undefined, { exclude: ['.box-x'] });
    expect(a.text).not.toContain('Odd promo paragraph');
    expect(a.text).toContain('The body of the story');
  });

  it('include reads only the matched blocks', () => {
    const a = extract(html, undefined, { include: ['.other'] });
    expect(a.text).toBe('Another block the site owner wants, with a sentence or two of text.');
  });

  it('include works on inline elements and does not repeat nested matches', () => {
    const page = `<html><body><p>Intro prose of the page, with a comma, long enough.</p><span class="lede">Only this lede is wanted, with its words.</span><div class="a"><div class="a"><p>Nested once, read once.</p></div></div></body></html>`;
    expect(extract(page, undefined, { include: ['span.lede'] }).text).toBe('Only this lede is wanted, with its words.');
    expect(extract(page, undefined, { include: ['.a'] }).text).toBe('Nested once, read once.');
  });

  it('warns about an invalid selector and carries on', () => {
    const a = extract(html, undefined, { exclude: ['[[nope'] });
    expect(a.warnings).toEqual(['invalid CSS selector ignored: [[nope']);
    expect(a.text).toContain('The body of the story');
  });
});
