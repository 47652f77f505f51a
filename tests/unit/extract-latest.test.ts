import { readFileSync } from 'node:fs';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { decodeHtml } from '../../src/extract/decode-html.ts';
import { looksLikeArticleUrl } from '../../src/extract/densest-list.ts';
import { extractLatest, findLatest } from '../../src/extract/extract-latest.ts';
import { collapsedLength, collapseWhitespace, foldText, noEntries } from '../../src/extract/link-entries.ts';
import { parseHtml } from '../../src/extract/parse-html.ts';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import type { LatestOptions } from '../../src/extract/extract-latest.ts';
import type { LatestEntry } from '../../src/extract/types.ts';

const fixture = (name: string): string =>
  decodeHtml(readFileSync(new URL(`../fixtures/latest/${name}`, import.meta.url))).html;

/**
 * Runs the extractor on both parsers a page may come through (parse5 via `load`, htmlparser2 via the crawl
 * path's `parseHtml`), checks they agree and that the document was left untouched.
 */
function latest(html: string, options: LatestOptions): LatestEntry[] {
  const results = [load(html), parseHtml(html)].map((doc) => {
    const before = doc.html();
    const entries = extractLatest(doc, options);
    expect(doc.html()).toBe(before);
    return entries;
  });
  expect(results[1]).toEqual(results[0]);
  return results[0]!;
}

const urls = (entries: LatestEntry[]): string[] => entries.map((e) => e.url);

describe('extractLatest on the reference-like page', () => {
  const entries = latest(fixture('european-security.html'), {
    url: 'https://european-security.com/n_index.php?id=7031',
  });

  it('returns the 50 "Derniers articles" links in page order', () => {
    expect(entries).toHaveLength(50);
    expect(entries[0]).toEqual({
      title: 'Verdun 2016 : La légende de la « tranchée des baïonnettes »',
      url: 'https://european-security.com/n_index.php?id=7200',
    });
    expect(entries[49]).toEqual({
      title: 'La lumière du Droit rayonne au bout du chemin',
      url: 'https://european-security.com/n_index.php?id=7151',
    });
  });

  it('decodes entities in titles, drops fragments and keeps absolute links as they are', () => {
    expect(entries[7]?.title).toBe('L’amiral Prazuck prend la manœuvre de la Marine');
    expect(entries[9]?.url).toBe('https://european-security.com/n_index.php?id=7191');
    expect(entries[20]?.url).toBe('https://european-security.com/n_index.php?id=7180');
    expect(entries.map((e) => e.title)).toContain('Océan Indien 2016 : Opérations & Coopération');
  });

  it('leaves out the menus, the article body, the "more" link and the footer', () => {
    const all = urls(entries).join(' ');
    expect(all).not.toMatch(/n_rubrique|n_archives|n_mentions|id=6120|id=5433|mailto|javascript/);
    expect(new Set(urls(entries)).size).toBe(50);
  });
});

describe('extractLatest on an old table layout served as windows-1252', () => {
  const entries = latest(fixture('table-layout-cp1252.html'), {
    url: 'http://www.defense-strategie.example.fr/index.php',
  });

  it('finds the <b>Derniers articles</b><br><a> block and stops at the next bold title', () => {
    expect(entries).toHaveLength(6);
    expect(entries[0]).toEqual({
      title: 'L’amiral prend la manœuvre de la Marine',
      url: 'http://www.defense-strategie.example.fr/article.php?id=431',
    });
    expect(entries[1]?.title).toBe('Éditorial : « Une nation est une âme »');
    expect(entries[3]?.title).toBe('Œuvres sociales : le soutien aux blessés');
    expect(entries[5]).toEqual({
      title: 'La frégate entre dans l’histoire',
      url: 'http://www.defense-strategie.example.fr/article.php?id=426',
    });
    expect(urls(entries).join(' ')).not.toMatch(/archives|rubrique|id=412/);
  });
});

describe('extractLatest on a WordPress post', () => {
  it('returns only the Recent Posts widget, not categories, archives, comments or related posts', () => {
    const entries = latest(fixture('wordpress-recent-posts.html'), {
      url: 'https://defencewatch.example/2026/11/28/sea-drones-reshape-mine-countermeasures/',
    });
    expect(entries).toHaveLength(5);
    expect(entries[0]).toEqual({
      title: 'Army Orders New Bridging Vehicles',
      url: 'https://defencewatch.example/2026/11/30/army-orders-new-bridging-vehicles/',
    });
    expect(entries[4]).toEqual({
      title: 'Frigate Programme Passes Design Review',
      url: 'https://defencewatch.example/2026/11/26/frigate-programme-passes-design-review/',
    });
    expect(urls(entries).join(' ')).not.toMatch(/category|2026\/1[01]\/$|baltic|comment/);
  });
});

describe('extractLatest on a government news page with a Latest News rail', () => {
  const entries = latest(fixture('gov-latest-news.html'), {
    url: 'https://www.defence.example.gov/News/Releases/Release/Article/3984420/secretary-announces-readiness-review/',
  });

  it('takes the rail, resolves links against <base href> and stops at the next heading', () => {
    expect(entries).toHaveLength(4);
    expect(entries[0]).toEqual({
      title: 'Guard Units Train for Winter Storm Response',
      url: 'https://www.defence.example.gov/News/News-Stories/Article/Article/3984410/guard-units-train-for-winter-storm-response/',
    });
    expect(entries[3]).toEqual({
      title: 'Space Command Tests Satellite Link',
      url: 'https://www.defence.example.gov/News/News-Stories/Article/Article/3984351/space-command-tests-satellite-link/',
    });
    expect(urls(entries).join(' ')).not.toMatch(/Spotlights|Latest-News|inspector-general/);
  });

  it('prefers the headline over the image alt for a card linked twice, and leaves query strings alone', () => {
    expect(entries[1]?.title).toBe('Pacific Partners Wrap Up Maritime Exercise');
    expect(entries[2]?.url).toBe(
      'https://www.defence.example.gov/News/News-Stories/Article/Article/3984377/new-recruiting-centers-open-in-five-states/?utm_source=rail&utm_medium=web',
    );
  });
});

describe('extractLatest fallback on a page without a heading', () => {
  it('finds the densest list of article links and ignores menus, tags, intro links and pagination', () => {
    const entries = latest(fixture('no-heading-stream.html'), { url: 'https://defensebrief.example.com/' });
    expect(entries).toHaveLength(8);
    expect(entries[0]).toEqual({
      title: 'French Navy Commissions Third FDI Frigate',
      url: 'https://defensebrief.example.com/2026/11/30/french-navy-commissions-third-fdi-frigate',
    });
    expect(entries[7]).toEqual({
      title: 'Space Surveillance Radar Enters Service',
      url: 'https://defensebrief.example.com/2026/11/27/space-surveillance-radar-enters-service',
    });
    expect(urls(entries).join(' ')).not.toMatch(/category|tag\/|page\/2|artillery|naval-aviation|about/);
  });

  it('finds a stream of cards whose summaries are longer than their headlines', () => {
    const summary = 'The ministry confirmed the order on Monday after two years of trials with three competing designs. '.repeat(3);
    const cards = Array.from({ length: 6 }, (_, i) =>
      `<li><span class="date">30 Nov</span> <a href="/2026/11/30/story-${i}">Headline of story ${i}</a><p>${summary}</p></li>`,
    ).join('');
    const html = `<body><div id="nav"><a href="/a">Home</a></div><ul class="stream">${cards}</ul></body>`;
    const entries = latest(html, { url: 'https://x.example/' });
    expect(entries.map((e) => e.title)).toEqual(Array.from({ length: 6 }, (_, i) => `Headline of story ${i}`));
  });

  it('prefers the story list over a longer recent-comments or category list', () => {
    const stories = Array.from({ length: 4 }, (_, i) => `<li><a href="/2026/11/2${i}/story-slug-${i}">Story number ${i} headline</a></li>`).join('');
    const comments = Array.from({ length: 6 }, (_, i) =>
      `<li class="recentcomments">Reader ${i} on <a href="/2026/11/2${i}/story-slug-${i}#comment-${i}">Story number ${i} headline</a></li>`,
    ).join('');
    const categories = Array.from({ length: 6 }, (_, i) => `<li><a href="/blog/category/long-category-name-${i}/">Long category name ${i}</a></li>`).join('');
    const html = `<body><ul class="stream">${stories}</ul><aside><ul id="recentcomments">${comments}</ul><ul>${categories}</ul></aside></body>`;
    expect(urls(latest(html, { url: 'https://x.example/' }))).toEqual(
      Array.from({ length: 4 }, (_, i) => `https://x.example/2026/11/2${i}/story-slug-${i}`),
    );
  });

  it('does not take running text with an article link in every paragraph for a list', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) =>
      `<p>As the ministry explained at length during the briefing, <a href="/2026/11/2${i}/earlier-story-number-${i}">an earlier story in the series</a> covered the first phase.</p>`,
    ).join('');
    expect(latest(`<body><article><h1>Long read</h1>${paragraphs}</article></body>`, { url: 'https://x.example/' })).toEqual([]);
  });

  it('returns nothing when no list is convincing', () => {
    const html = `<html><body><nav><a href="/a">Home</a><a href="/b">News</a><a href="/c">About</a><a href="/d">Contact</a></nav>
      <article><h1>A single story</h1><p>Text with <a href="/2026/01/02/one-linked-story-here">one linked story here</a>
      and nothing else worth watching on this page at all.</p></article></body></html>`;
    expect(latest(html, { url: 'https://x.example/' })).toEqual([]);
  });
});

describe('extractLatest with a configured heading or selector', () => {
  const custom = fixture('custom-heading.html');

  it('uses the configured heading, folded, before the known ones', () => {
    const entries = latest(custom, { url: 'https://lefil.example.fr/', heading: 'dernieres depeches' });
    expect(entries).toHaveLength(4);
    expect(entries[0]).toEqual({
      title: 'Mali : fin du retrait des derniers personnels',
      url: 'https://lefil.example.fr/depeche/88211',
    });
    expect(entries[3]).toEqual({
      title: 'Sécurité : la gendarmerie renforce ses effectifs',
      url: 'https://lefil.example.fr/depeche/88208',
    });
    expect(entries[2]?.url).toBe('https://lefil.example.fr/depeche/88209?ref=fil');
    expect(latest(custom, { url: 'https://lefil.example.fr/', heading: 'Dernières dépêches' })).toEqual(entries);
  });

  it('falls back to a known heading when none is configured', () => {
    const entries = latest(custom, { url: 'https://lefil.example.fr/' });
    expect(entries).toHaveLength(3);
    expect(entries[0]?.title).toBe('Le porte-avions appareille pour la Méditerranée');
    expect(entries[2]?.url).toBe('https://lefil.example.fr/actualite/2026-11-29-la-dga-commande-des-drones-tactiques');
  });

  it('takes the links inside the selected element', () => {
    const entries = latest(fixture('selector.html'), { url: 'https://navalreview.example/', selector: '#wire' });
    expect(entries).toHaveLength(3);
    expect(entries[0]).toEqual({
      title: 'Submarine Rescue Drill off Norway',
      url: 'https://navalreview.example/wire/1207-submarine-rescue-drill-off-norway',
    });
    expect(entries[2]).toEqual({
      title: 'Shipyard Hires Four Hundred Welders',
      url: 'https://navalreview.example/wire/1205-shipyard-hires-four-hundred-welders',
    });
  });

  it('accepts a selector that matches the links themselves', () => {
    const entries = latest(fixture('selector.html'), { url: 'https://navalreview.example/', selector: '#wire p:first-child a, .col-a li a' });
    expect(entries.map((e) => e.title)).toEqual([
      'Aircraft Carrier Returns After Nine Months',
      'New Tug Fleet for the Naval Base',
      'Submarine Rescue Drill off Norway',
    ]);
  });

  it('names an invalid selector in the error it throws', () => {
    expect(() => extractLatest(load('<p></p>'), { url: 'https://x.example/', selector: 'div[' })).toThrow(
      /invalid latest-list selector "div\["/,
    );
  });

  it('goes on with headings when the selector matches nothing', () => {
    const page = fixture('selector.html');
    const entries = latest(page, { url: 'https://navalreview.example/', selector: '#gone' });
    expect(entries.map((e) => e.title)).toEqual([
      'Aircraft Carrier Returns After Nine Months',
      'New Tug Fleet for the Naval Base',
    ]);
    expect(latest(page, { url: 'https://navalreview.example/' })).toEqual(entries);
  });
});

describe('extractLatest block shapes', () => {
  const url = 'https://site.example/section/page.html';

  it('reads <h2> + <ul> with relative links, skipping javascript:, mailto:, # and "more" links', () => {
    const html = `<body><h2>Latest articles</h2><ul>
      <li><a href="one-story-slug">First story title</a></li>
      <li><a href="#">Top</a></li>
      <li><a href="javascript:void(0)">Share this story</a></li>
      <li><a href="mailto:desk@site.example">Write to the desk</a></li>
      <li><a href="/other/second-story#comments">Second story title</a></li>
      <li><a href="one-story-slug#again">First story, once more</a></li>
      <li><a href="/archive">Read more</a></li></ul>
      <h2>Events</h2><ul><li><a href="/events/1">An event</a></li></ul></body>`;
    expect(latest(html, { url })).toEqual([
      { title: 'First story title', url: 'https://site.example/section/one-story-slug' },
      { title: 'Second story title', url: 'https://site.example/other/second-story' },
    ]);
  });

  it('reads a block whose heading sits in its <header> next to a "View all" link', () => {
    const html = `<body><section class="latest"><header><h2>Latest News</h2><a href="/news">View all</a></header>
      <ul><li><a href="/news/a">Story A headline</a></li><li><a href="/news/b">Story B headline</a></li></ul></section>
      <section><header><h2>Opinion</h2></header><ul><li><a href="/op/c">An opinion piece</a></li></ul></section></body>`;
    expect(urls(latest(html, { url }))).toEqual(['https://site.example/news/a', 'https://site.example/news/b']);
  });

  it('reads a table whose heading has its own row, up to the next title row', () => {
    const html = `<body><table><tr><td><b>Articles récents</b></td></tr>
      <tr><td><a href="art.php?id=9">Neuvième article du site</a></td></tr>
      <tr><td><a href="art.php?id=8">Huitième article du site</a></td></tr>
      <tr><td><b>Liens</b></td></tr><tr><td><a href="https://ailleurs.example/">Un site ami</a></td></tr></table></body>`;
    expect(urls(latest(html, { url: 'https://site.example/index.php' }))).toEqual([
      'https://site.example/art.php?id=9',
      'https://site.example/art.php?id=8',
    ]);
  });

  it('reads a WordPress widget title that is itself a link', () => {
    const html = `<body><div class="widget"><h3 class="widget-title"><a href="/blog">Recent Posts</a></h3>
      <ul><li><a href="/p/1">Post number one</a></li><li><a href="/p/2">Post number two</a></li></ul></div></body>`;
    expect(latest(html, { url })).toHaveLength(2);
  });

  it('does not borrow the next section when the list under the heading is empty', () => {
    const html = `<body><div class="box"><h2>Derniers articles</h2><ul id="js-list"></ul></div>
      <div class="box"><h2>Partenaires</h2><ul><li><a href="https://partner.example/">Partenaire un</a></li>
      <li><a href="https://partner2.example/">Partenaire deux</a></li></ul></div></body>`;
    expect(latest(html, { url })).toEqual([]);
  });

  it('ignores a known heading used as a menu link or a one-off badge', () => {
    const html = `<body><nav><a href="/latest">Latest News</a></nav>
      <div class="card"><span class="badge">Latest</span><a href="/story/only-one">The only story here</a></div>
      <h2>Recent posts</h2><ol><li><a href="/p/10">Tenth post title</a></li></ol></body>`;
    expect(latest(html, { url })).toEqual([{ title: 'Tenth post title', url: 'https://site.example/p/10' }]);
  });

  it('stops before a sibling box that opens with its own title', () => {
    const html = `<body><div class="col"><h2>Latest articles</h2>
      <div class="list"><a href="/a/1">Article one title</a><a href="/a/2">Article two title</a></div>
      <div class="widget"><h2>Archives</h2><ul><li><a href="/2026/10/">October 2026</a></li></ul></div>
      <div class="box"><div class="box-head"><h3>Partners</h3></div><a href="https://p.example/">Partner</a></div></div></body>`;
    expect(urls(latest(html, { url }))).toEqual(['https://site.example/a/1', 'https://site.example/a/2']);
  });

  it('stops at a row shaped like the heading row in a table layout', () => {
    const html = `<body><table><tr><td class="titre">Derniers articles</td></tr>
      <tr><td><a href="art.php?id=3">Troisième article du site</a></td></tr>
      <tr><td><a href="art.php?id=2">Deuxième article du site</a></td></tr>
      <tr><td class="titre">Rubriques</td></tr><tr><td><a href="rub.php?id=1">Marine</a></td></tr></table></body>`;
    expect(urls(latest(html, { url: 'https://site.example/' }))).toEqual([
      'https://site.example/art.php?id=3',
      'https://site.example/art.php?id=2',
    ]);
  });

  it('ignores a known heading that labels a dropdown menu', () => {
    const html = `<body><ul class="mega-menu"><li><span>Latest News</span><ul><li><a href="/news/world">World</a></li>
      <li><a href="/news/europe">Europe</a></li></ul></li></ul>
      <h2>Latest News</h2><ul><li><a href="/a/9">Le neuvième article</a></li></ul></body>`;
    expect(urls(latest(html, { url }))).toEqual(['https://site.example/a/9']);
  });

  it('recognises a heading that carries a count or its own "See all" link', () => {
    const counted = `<body><h2>Latest News (2)</h2><ul><li><a href="/n/1">First news item</a></li><li><a href="/n/2">Second news item</a></li></ul></body>`;
    expect(latest(counted, { url })).toHaveLength(2);
    const linked = `<body><h2 class="block-title">Derniers articles <a href="/archives">Voir tout</a></h2>
      <ul><li><a href="/a/1">Premier article du jour</a></li></ul></body>`;
    expect(latest(linked, { url })).toEqual([{ title: 'Premier article du jour', url: 'https://site.example/a/1' }]);
  });

  it('recognises a heading written as bare text in a longer block', () => {
    const html = `<body><table><tr><td class="col">Rubriques : <a href="/rub/1">Marine</a><br><br>Derniers articles<br>
      <a href="art.php?id=5">Cinquième article du site</a><br><a href="art.php?id=4">Quatrième article du site</a><br>
      <b>Archives</b><br><a href="arch.php?y=2015">Année 2015</a></td></tr></table></body>`;
    const found = findLatest(load(html), { url: 'https://site.example/' });
    expect(found).toMatchObject({ via: 'heading', heading: 'Derniers articles' });
    expect(urls(found.entries)).toEqual(['https://site.example/art.php?id=5', 'https://site.example/art.php?id=4']);
    const small = `<body><td>Derniers articles<br><a href="art.php?id=1">Un</a><br><a href="art.php?id=2">Deux</a></td></body>`;
    expect(findLatest(load(small), { url: 'https://site.example/' }).entries.map((e) => e.title)).toEqual(['Un', 'Deux']);
    const vague = `<body><div>Latest<br><a href="/x/1">Only link here</a></div></body>`;
    expect(findLatest(load(vague), { url: 'https://site.example/' }).via).toBe('none');
  });

  it('recognises a block that names itself with aria-label instead of a visible heading', () => {
    const html = `<body><section aria-label="Latest news"><ul><li><a href="/n/1">First news item</a></li>
      <li><a href="/n/2">Second news item</a></li></ul></section></body>`;
    const found = findLatest(load(html), { url });
    expect(found).toMatchObject({ via: 'heading', heading: 'Latest news' });
    expect(urls(found.entries)).toEqual(['https://site.example/n/1', 'https://site.example/n/2']);
  });

  it('recognises a section title drawn as an image', () => {
    const html = `<body><table><tr><td><img src="/img/titre_derniers.gif" alt="Derniers articles"></td></tr>
      <tr><td><a href="art.php?id=7">Septième article</a><br><a href="art.php?id=6">Sixième article</a></td></tr></table></body>`;
    expect(urls(latest(html, { url: 'https://site.example/' }))).toEqual([
      'https://site.example/art.php?id=7',
      'https://site.example/art.php?id=6',
    ]);
  });

  it('leaves out the category, tag and author links that items carry next to their headline', () => {
    const html = `<body><h2>Latest News</h2><ul>
      <li><a href="/category/naval/">Naval</a> <a href="/2026/11/30/frigate-sails">Frigate sails</a> by <a href="/author/jdoe/" rel="author">J. Doe</a></li>
      <li><a href="/?cat=4">Air</a> <a href="/2026/11/29/tanker-lands">Tanker lands</a> <a href="/topics/refuelling" rel="tag">refuelling</a></li>
      </ul></body>`;
    expect(latest(html, { url }).map((e) => e.title)).toEqual(['Frigate sails', 'Tanker lands']);
  });

  it('reads the usual widget markups: theme widget, page builder, card, definition list', () => {
    const links = '<a href="/p/1">Post number one</a><a href="/p/2">Post number two</a>';
    const pages = [
      `<div class="widget"><div class="widget-title"><h3><span>Recent Posts</span></h3></div><div class="widget-content"><ul><li>${links}</li></ul></div></div>`,
      `<div class="col"><div class="elementor-widget-heading"><div class="elementor-widget-container"><h2 class="elementor-heading-title">Derniers articles</h2></div></div>
        <div class="elementor-widget-posts"><div class="elementor-posts"><article>${links}</article></div></div></div><div class="col"><p>Other column text</p></div>`,
      `<div class="card"><div class="card-header">Latest News</div><ul class="list-group"><li class="list-group-item">${links}</li></ul></div>`,
      `<dl><dt>Articles récents</dt><dd>${links}</dd></dl><dl><dt>Liens</dt><dd><a href="https://ailleurs.example/">Ailleurs</a></dd></dl>`,
    ];
    for (const page of pages) {
      expect(urls(latest(`<body>${page}</body>`, { url })), page).toEqual(['https://site.example/p/1', 'https://site.example/p/2']);
    }
  });

  it('resolves links against a relative <base href>, and keeps file: links for a page read from disk', () => {
    const html = `<head><base href="/fr/"></head><body><h2>Derniers articles</h2><ul><li><a href="a/1">Un article</a></li></ul></body>`;
    expect(urls(latest(html, { url: 'https://site.example/en/page' }))).toEqual(['https://site.example/fr/a/1']);
    expect(urls(latest(html.replace('<base href="/fr/">', ''), { url: 'file:///tmp/page.html' }))).toEqual([
      'file:///tmp/a/1',
    ]);
  });

  it('takes the first <base href> in the document, even in the body, and forgets one taken out of it', () => {
    const html = `<head><base target="_blank"></head><body><base href="/one/"><h2>Derniers articles</h2><ul><li><a href="a/1">Un article</a></li></ul><base href="/two/"></body>`;
    expect(urls(latest(html, { url: 'https://site.example/en/page' }))).toEqual(['https://site.example/one/a/1']);
    const doc = parseHtml(html);
    doc('base[href="/one/"]').remove();
    expect(urls(extractLatest(doc, { url: 'https://site.example/en/page' }))).toEqual(['https://site.example/two/a/1']);
    doc('base').remove();
    expect(urls(extractLatest(doc, { url: 'https://site.example/en/page' }))).toEqual(['https://site.example/en/a/1']);
  });

  it('uses the title attribute or image alt of a link without text', () => {
    const html = `<body><h3>Most recent</h3><div><a href="/v/1" title="Video one title"></a>
      <a href="/v/2"><img src="x.jpg" alt="Video two title"></a></div></body>`;
    expect(latest(html, { url })).toEqual([
      { title: 'Video one title', url: 'https://site.example/v/1' },
      { title: 'Video two title', url: 'https://site.example/v/2' },
    ]);
  });
});

describe('extractLatest link titles', () => {
  const url = 'https://site.example/';

  it('keeps the headline of a card link and drops its date, kicker and hidden helper text', () => {
    const html = `<body><h2>Latest News</h2><ul>
      <li><a href="/n/1"><span class="rail-date">November 30, 2026</span><span class="rail-headline">Radar Upgrade Cleared</span></a></li>
      <li><a href="/n/2"><time datetime="2026-11-29">Nov. 29</time> Tanker Fleet Ready</a></li>
      <li><a href="/n/3"><span class="kicker">Exclusive</span><h3 class="card-title">Frigate Deal Signed</h3><p>Summary of the story.</p></a></li>
      <li><a href="/n/4">Drone Trials<span class="screen-reader-text"> (opens in a new tab)</span></a></li>
      <li><a href="/n/5"><div>Two</div><div>Blocks</div></a></li></ul></body>`;
    expect(latest(html, { url }).map((e) => e.title)).toEqual([
      'Radar Upgrade Cleared',
      'Tanker Fleet Ready',
      'Frigate Deal Signed',
      'Drone Trials',
      'Two Blocks',
    ]);
  });

  it('drops the bullets and arrows old templates put around links, but not closing guillemets', () => {
    const html = `<body><b>Derniers articles</b><br><a href="a.php?id=1">» Le premier titre</a><br>
      <a href="a.php?id=2">• Le deuxième titre ›</a><br><a href="a.php?id=3">La « tranchée des baïonnettes »</a><br>
      <a href="a.php?id=4">- Un tiret devant</a><br><a href="a.php?id=5">F-35 -> la suite</a></body>`;
    expect(latest(html, { url }).map((e) => e.title)).toEqual([
      'Le premier titre',
      'Le deuxième titre',
      'La « tranchée des baïonnettes »',
      'Un tiret devant',
      'F-35 -> la suite',
    ]);
  });

  it('falls back to the whole text when everything in the link is decoration', () => {
    const html = `<body><h2>Latest News</h2><ul><li><a href="/n/1"><span class="date">30 November 2026</span></a></li>
      <li><a href="/n/2"><span class="label">Label-only headline</span></a></li></ul></body>`;
    expect(latest(html, { url }).map((e) => e.title)).toEqual(['30 November 2026', 'Label-only headline']);
  });
});

describe('extractLatest on the demo site templates, as the crawl path reads them', () => {
  async function read(site: NewsSite): Promise<LatestEntry[]> {
    const res = await fetch(site.listUrl);
    const { html } = decodeHtml(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
    return extractLatest(parseHtml(html), { url: site.listUrl });
  }

  for (const template of ['reference', 'legacy', 'wordpress', 'gov'] as const) {
    it(`reads the ${template} template's list exactly, before and after a new article`, async () => {
      const site = await startNewsSite({ template, articles: initialStories });
      try {
        const entries = await read(site);
        expect(entries.length).toBeGreaterThan(3);
        expect(entries).toEqual(site.latestEntries());
        const added = site.publish(toPublish[0]!);
        const next = await read(site);
        expect(next[0]).toEqual({ title: toPublish[0]!.title, url: added });
        expect(next).toEqual(site.latestEntries());
      } finally {
        await site.close();
      }
    });
  }

  it('finds nothing on the scripted template before a browser has run its script', async () => {
    const site = await startNewsSite({ template: 'scripted', articles: initialStories });
    try {
      expect(await read(site)).toEqual([]);
    } finally {
      await site.close();
    }
  });
});

describe('extractLatest on pathological pages', () => {
  it('copes with thousands of unclosed tags, deeper than the call stack', () => {
    // Recursive walks overflowed at about 5,000 levels; parse5 itself gets slow past 6,000 nested divs.
    const depth = 12_000;
    const list = '<h2>Latest News</h2><ul><li><a href="/a/1">One story here</a></li></ul>';
    const url = 'https://x.example/';
    for (const doc of [parseHtml(`<body>${'<font>'.repeat(depth)}${list}</body>`), load(`<body>${'<div>'.repeat(6_000)}${list}</body>`)]) {
      expect(extractLatest(doc, { url })).toEqual([{ title: 'One story here', url: 'https://x.example/a/1' }]);
    }
    const cards = Array.from({ length: 5 }, (_, i) => `<li><a href="/2026/11/2${i}/story-${i}">Headline of story ${i}</a></li>`).join('');
    const stream = parseHtml(`<body>${'<font>'.repeat(depth)}<ul>${cards}</ul></body>`);
    expect(extractLatest(stream, { url })).toHaveLength(5);
  });

  it('returns nothing for an empty document or one without links', () => {
    expect(extractLatest(load(''), { url: 'https://x.example/' })).toEqual([]);
    expect(extractLatest(parseHtml('just text'), { url: 'https://x.example/' })).toEqual([]);
    expect(extractLatest(load('<h2>Latest News</h2>'), { url: 'not a url' })).toEqual([]);
  });
});

describe('findLatest', () => {
  it('tells which rule found the list', () => {
    const page = fixture('selector.html');
    const url = 'https://navalreview.example/';
    expect(findLatest(load(page), { url, selector: '#wire' })).toMatchObject({ via: 'selector' });
    expect(findLatest(load(page), { url })).toMatchObject({ via: 'heading', heading: 'Latest News' });
    expect(findLatest(load(fixture('no-heading-stream.html')), { url })).toMatchObject({ via: 'densest-list' });
    expect(findLatest(load('<p>Nothing here</p>'), { url })).toEqual({ entries: [], via: 'none' });
    const found = findLatest(load(fixture('european-security.html')), { url: 'https://european-security.com/' });
    expect(found.heading).toBe('Derniers articles');
    expect(found.entries).toHaveLength(50);
  });
});

describe('helpers', () => {
  it('foldText folds case, accents, punctuation and whitespace', () => {
    expect(foldText('  À LA   UNE : ')).toBe('a la une');
    expect(foldText('Dernières\u00a0dépêches…')).toBe('dernieres depeches');
    expect(foldText('Latest-News')).toBe('latest news');
  });

  it('foldText reads ASCII as the regular expressions it replaced did', () => {
    const regexFold = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
    const alphabet = 'aZ9 _-:\t\n\x00\x1f.,!()[]{}|~`\'"';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let n = 0; n < 2000; n++) {
      let t = '';
      for (let i = next() % 24; i > 0; i--) t += alphabet[next() % alphabet.length];
      expect(foldText(t)).toBe(regexFold(t));
    }
  });

  it('collapseWhitespace and collapsedLength give what the regular expression gives, and a collapsed text is kept as it is', () => {
    // Every character \s matches, and a few it does not (zero-width space, BOM's neighbours).
    const alphabet = ['a', 'b', ' ', ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u00e9'];
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let n = 0; n < 3000; n++) {
      let t = '';
      for (let i = next() % 12; i > 0; i--) t += alphabet[next() % alphabet.length];
      expect(collapseWhitespace(t)).toBe(t.replace(/\s+/g, ' ').trim());
    }
    for (let n = 0; n < 1000; n++) {
      let t = '';
      for (let i = next() % 12; i > 0; i--) t += alphabet[next() % alphabet.length];
      expect(collapsedLength(t)).toBe(t.replace(/\s+/g, ' ').trim().length);
    }
    const collapsed = 'Un titre déjà propre';
    expect(collapseWhitespace(collapsed)).toBe(collapsed);
  });

  it('looksLikeArticleUrl accepts ids, dates and slugs, and rejects section pages', () => {
    const yes: string[] = ['https://a.example/2026/11/30/x', 'https://a.example/n_index.php?id=7031', 'https://a.example/a/some-long-slug'];
    yes.push('https://a.example/category/naval/12345-frigate-leaves-port');
    const no = [
      'https://a.example/',
      'https://a.example/category/naval/',
      'https://a.example/about',
      'https://a.example/tag/f-35',
      'https://a.example/blog/category/mine-warfare-and-diving/',
      'https://a.example/people/jane-marie-smith',
      'https://a.example/news/page/2',
      'https://a.example/?cat=3',
    ];
    for (const u of yes) expect(looksLikeArticleUrl(new URL(u)), u).toBe(true);
    for (const u of no) expect(looksLikeArticleUrl(new URL(u)), u).toBe(false);
  });
});

describe('noEntries', () => {
  it('is a new empty list each time: a caller may fill the one it got', () => {
    const a = noEntries();
    a.push({ title: 'x', url: 'https://example.org/x' });
    expect(noEntries()).toEqual([]);
    expect(noEntries()).not.toBe(noEntries());
  });

  it('is what a page without any list gives', () => {
    const html = '<html><body><h2>Derniers articles</h2><p>Rien.</p></body></html>';
    expect(findLatest(load(html), { url: 'https://example.org/' }).entries).toEqual([]);
  });
});
