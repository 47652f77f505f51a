import { esc, longDate, metaCharset, others } from './html.ts';
import type { Page, SiteArticle, SiteTemplate, SiteView } from './site-template.ts';

const megaMenu: readonly [string, readonly string[]][] = [
  ['News', ['Releases', 'Advisories', 'Transcripts', 'Speeches', 'Feature Stories', 'Photos', 'Videos']],
  ['Spotlights', ['Indo-Pacific', 'European Security', 'Space Force', 'Suicide Prevention', 'Military Families']],
  ['About', ['Leadership', 'Organization', 'History', 'Budget', 'Unified Combatant Commands']],
  ['Contact', ['Public Affairs', 'Media Inquiries', 'FOIA', 'Inspector General']],
];

const agencies = [
  'Department of the Army', 'Department of the Navy', 'Department of the Air Force', 'U.S. Marine Corps', 'U.S. Space Force',
  'National Guard Bureau', 'Defense Logistics Agency', 'Defense Information Systems Agency', 'Defense Threat Reduction Agency',
  'Missile Defense Agency', 'National Geospatial-Intelligence Agency', 'Defense Health Agency', 'DARPA', 'Defense Intelligence Agency',
  'Defense Counterintelligence and Security Agency', 'Defense Contract Management Agency', 'Defense Commissary Agency',
];
const policies = ['Accessibility/Section 508', 'Privacy & Security', 'No FEAR Act', 'Open Government', 'Plain Writing', 'Link Disclaimer', 'Vulnerability Disclosure Policy', 'Web Policy', 'USA.gov', 'Inspector General Hotline'];

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function chrome(view: SiteView, title: string, main: string, rail: string): string {
  const menu = megaMenu
    .map(([top, items]) => `<li class="dropdown"><a href="/${slugify(top)}/" class="dropdown-toggle" aria-haspopup="true">${esc(top)}</a><div class="mega-menu"><ul>${items.map((i) => `<li><a href="/${slugify(top)}/${slugify(i)}/">${esc(i)}</a></li>`).join('')}</ul></div></li>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
${metaCharset(view.charset)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/Portals/_default/skins/gov/css/site.min.css">
</head>
<body class="gov-site">
<a class="skip-to-main" href="#main-content">Skip to main content (Press Enter).</a>
<div class="usa-banner"><p>An official website of the United States government. <button class="banner-toggle">Here's how you know</button></p></div>
<header class="site-header" role="banner">
<a class="logo" href="/"><img src="/images/seal.svg" alt="${esc(view.siteTitle)} seal"><span class="site-name">${esc(view.siteTitle)}</span></a>
<form class="site-search" action="/Search/" role="search"><label for="q" class="sr-only">Search</label><input id="q" name="q" type="search" placeholder="Search"><button type="submit">Search</button></form>
<nav class="mega-nav" aria-label="Main"><ul class="nav">
${menu}
</ul></nav>
</header>
<div class="container">
<div class="row">
<main id="main-content" class="col-main" role="main">
${main}
</main>
<aside class="col-rail" aria-label="Latest News">
${rail}
<div class="rail-ad promo-box">${esc(view.ad)}</div>
<div class="visitor-count">Page visits this month: ${view.counter}</div>
</aside>
</div>
</div>
<footer class="site-footer">
<div class="footer-agencies"><h2>Military Departments &amp; Agencies</h2><ul>${agencies.map((a) => `<li><a href="/Agencies/${slugify(a)}/">${esc(a)}</a></li>`).join('')}</ul></div>
<div class="footer-connect"><h2>Connect with us</h2><ul><li><a href="/social/facebook">Facebook</a></li><li><a href="/social/x">X</a></li><li><a href="/social/instagram">Instagram</a></li><li><a href="/social/youtube">YouTube</a></li><li><a href="/social/linkedin">LinkedIn</a></li></ul></div>
<div class="footer-resources"><h2>Resources</h2><ul><li><a href="/Resources/Careers/">Careers</a></li><li><a href="/Resources/Military-Discounts/">Military Discounts</a></li><li><a href="/Resources/Veterans/">Veterans</a></li><li><a href="/Resources/Transition/">Transition Assistance</a></li><li><a href="/Resources/Contracts/">Contracts</a></li><li><a href="/Resources/Small-Business/">Small Business Programs</a></li></ul></div>
<div class="footer-policies"><ul>${policies.map((p) => `<li><a href="/Policies/${slugify(p)}/">${esc(p)}</a></li>`).join('')}</ul></div>
<p class="footer-disclaimer">The appearance of hyperlinks does not constitute endorsement by the ${esc(view.siteTitle)} of non-government websites or the information, products or services contained therein.</p>
<p class="footer-address">1400 Defense Pentagon, Washington, DC 20301-1400</p>
</footer>
</body>
</html>
`;
}

function latestRail(view: SiteView): string {
  return `<section class="latest-news"><h2 class="rail-title">Latest News</h2><ul class="rail-list">
${view.latest.map((a) => `<li class="rail-item"><span class="rail-date">${longDate(a.publishedAt, 'en')}</span> <a class="rail-headline" href="${esc(view.href(a))}">${esc(a.title)}</a></li>`).join('\n')}
</ul><a class="more" href="/News/Stories/">More Stories</a></section>`;
}

function articlePage(view: SiteView, article: SiteArticle, canonical: string): string {
  const lead = article.lead ? `<p><strong>${esc(article.lead)}</strong></p>\n` : '';
  const related = others(view.articles, article, 3)
    .map((r) => `<li><a href="${esc(view.href(r))}">${esc(r.title)}</a></li>`)
    .join('');
  const main = `<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/News/">News</a></li><li><a href="/News/Stories/">Stories</a></li><li aria-current="page">${esc(article.title)}</li></ol></nav>
<article class="news-article">
<header class="article-header">
<p class="category">News Story</p>
<h1 class="maintitle">${esc(article.title)}</h1>
<p class="byline">By ${esc(article.byline ?? 'Staff')}, ${esc(view.siteTitle)}</p>
<p class="date"><time datetime="${article.publishedAt}">${longDate(article.publishedAt, 'en')}</time></p>
<div class="share-bar" aria-label="Share"><a class="share-facebook" href="/share/facebook?u=${encodeURIComponent(canonical)}">Facebook</a><a class="share-x" href="/share/x?u=${encodeURIComponent(canonical)}">X</a><a class="share-email" href="mailto:?subject=${encodeURIComponent(article.title)}">Email</a><a class="share-print" href="javascript:window.print()">Print</a></div>
</header>
<div class="body">
${lead}${article.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
</div>
<section class="related-stories"><h2>Related Stories</h2><ul>${related}</ul></section>
</article>`;
  return chrome(view, `${article.title} > ${view.siteTitle} > Article View`, main, latestRail(view));
}

function homePage(view: SiteView): string {
  const [hero, ...rest] = view.latest;
  const main = hero
    ? `<section class="hero"><h1 class="hero-title"><a href="${esc(view.href(hero))}">${esc(hero.title)}</a></h1><p>${esc(hero.lead ?? hero.paragraphs[0] ?? '')}</p></section>
<section class="features"><h2>Featured</h2><div class="cards">${rest.slice(0, 3).map((a) => `<div class="card"><a href="${esc(view.href(a))}">${esc(a.title)}</a></div>`).join('')}</div></section>`
    : '<section class="hero"></section>';
  return chrome(view, view.siteTitle, main, latestRail(view));
}

/** A U.S. government news site: mega-menu, breadcrumb, share bar, a "Latest News" rail and a very long footer. */
export const gov: SiteTemplate = {
  latestLimit: 12,
  charset: 'utf-8',
  charsetInHeader: true,
  listPath: () => '/',
  articlePath: (article) => `/News/Stories/Article/Article/${article.id}/${article.slug}/`,
  withSession: (path, sessionId) => `${path}?sid=${encodeURIComponent(sessionId)}`,
  route(url, view): Page | null {
    if (url.pathname === '/') return { contentType: 'text/html', body: homePage(view) };
    const match = /^\/News\/Stories\/Article\/Article\/(\d+)\/([^/]+)\/$/.exec(url.pathname);
    const article = match && view.articles.find((a) => a.id === Number(match[1]) && a.slug === match[2]);
    return article ? { contentType: 'text/html', body: articlePage(view, article, `${url.origin}${url.pathname}`) } : null;
  },
};
