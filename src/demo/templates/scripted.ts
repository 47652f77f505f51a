import { esc, longDate, metaCharset } from './html.ts';
import type { Page, SiteArticle, SiteTemplate, SiteView } from './site-template.ts';

// The list exists only once this runs in a browser: the HTML source carries no entry links at all.
const loader = `document.addEventListener('DOMContentLoaded', function () {
  fetch('/api/latest.json', { headers: { accept: 'application/json' } })
    .then(function (res) { return res.json(); })
    .then(function (data) {
      var list = document.getElementById('latest-list');
      data.items.forEach(function (item) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = item.url;
        a.textContent = item.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      document.body.setAttribute('data-latest', 'loaded');
    });
});`;

function shell(view: SiteView, title: string, main: string, script: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
${metaCharset(view.charset)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
</head>
<body>
<header class="app-header"><a class="brand" href="/">${esc(view.siteTitle)}</a><nav><a href="/about">About</a> <a href="/contact">Contact</a></nav></header>
${main}
<div class="sponsor">${esc(view.ad)}</div>
<footer class="app-footer"><p>&copy; 2026 ${esc(view.siteTitle)}</p><p class="hits">${view.counter} readers</p></footer>
${script}
</body>
</html>
`;
}

function homePage(view: SiteView): string {
  const main = `<main id="app"><section class="latest"><h2>Latest News</h2><ul id="latest-list"></ul><noscript>Enable JavaScript to see the latest news.</noscript></section></main>`;
  return shell(view, view.siteTitle, main, `<script>\n${loader}\n</script>`);
}

function articlePage(view: SiteView, article: SiteArticle): string {
  const lead = article.lead ? `<p class="lead">${esc(article.lead)}</p>\n` : '';
  const main = `<main id="app"><article lang="${article.lang}">
<h1>${esc(article.title)}</h1>
<p class="meta">${esc(article.byline ?? 'Newsroom')} &middot; <time datetime="${article.publishedAt}">${longDate(article.publishedAt, article.lang)}</time></p>
${lead}${article.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
</article><p class="back"><a href="/">Back to Latest News</a></p></main>`;
  return shell(view, `${article.title} | ${view.siteTitle}`, main, '');
}

/** A single-page site whose latest list is built by a script from /api/latest.json. */
export const scripted: SiteTemplate = {
  latestLimit: 15,
  charset: 'utf-8',
  charsetInHeader: true,
  listPath: () => '/',
  articlePath: (article) => `/news/${article.slug}`,
  withSession: (path, sessionId) => `${path}?sid=${encodeURIComponent(sessionId)}`,
  route(url, view): Page | null {
    if (url.pathname === '/') return { contentType: 'text/html', body: homePage(view) };
    if (url.pathname === '/api/latest.json') {
      const items = view.latest.map((a) => ({ title: a.title, url: view.href(a), publishedAt: a.publishedAt }));
      return { contentType: 'application/json', body: JSON.stringify({ items }) };
    }
    const match = /^\/news\/([^/]+)$/.exec(url.pathname);
    const article = match && view.articles.find((a) => a.slug === match[1]);
    return article ? { contentType: 'text/html', body: articlePage(view, article) } : null;
  },
};
