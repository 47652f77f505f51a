import { datePath, esc, longDate, metaCharset, others, scriptJson } from './html.ts';
import type { Page, SiteArticle, SiteTemplate, SiteView } from './site-template.ts';

const categories = ['Air Power', 'Land Forces', 'Naval', 'Cyber', 'Space', 'Industry', 'Policy'];
const archives = ['November 2026', 'October 2026', 'September 2026', 'August 2026', 'July 2026'];
const tags = ['NATO', 'drones', 'F-35', 'Ukraine', 'Indo-Pacific', 'budget', 'hypersonics', 'mine warfare', 'DARPA', 'missile defense'];
const commenters = ['Mike R.', 'aviation_nerd', 'J. Walters', 'Sandra K.'];

function categoryOf(article: SiteArticle): string {
  return categories[article.id % categories.length] ?? 'News';
}

function header(view: SiteView): string {
  const nav = ['News', ...categories.slice(0, 5), 'Opinion', 'Podcasts', 'Subscribe'];
  return `<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="/" rel="home">${esc(view.siteTitle)}</a></p><p class="site-description">Defense news and analysis</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary"><button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">${nav.map((n) => `<li class="menu-item"><a href="/category/${slugify(n)}/">${esc(n)}</a></li>`).join('')}</ul></nav>
</header>`;
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function sidebar(view: SiteView): string {
  const recent = view.latest.map((a) => `<li><a href="${esc(view.href(a))}">${esc(a.title)}</a></li>`).join('\n');
  return `<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><h2 class="widget-title">Search</h2><form role="search" method="get" class="search-form" action="/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<ul>
${recent}
</ul></section>
<section id="custom_html-3" class="widget widget_custom_html"><div class="ad-slot" data-ad-unit="sidebar-300x250">${esc(view.ad)}</div></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>${categories.map((c, i) => `<li class="cat-item"><a href="/category/${slugify(c)}/">${esc(c)}</a> (${40 + i * 7})</li>`).join('')}</ul></section>
<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>${archives.map((m) => `<li><a href="/${slugify(m)}/">${m}</a></li>`).join('')}</ul></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">${tags.map((t, i) => `<a href="/tag/${slugify(t)}/" class="tag-cloud-link" style="font-size: ${8 + (i % 5) * 3}pt;">${esc(t)}</a>`).join(' ')}</div></section>
<section id="stats-2" class="widget widget_stats"><h2 class="widget-title">Site Stats</h2><ul><li>${view.counter.toLocaleString('en-US')} hits</li></ul></section>
</aside>`;
}

function footer(view: SiteView): string {
  return `<footer id="colophon" class="site-footer">
<div class="footer-widgets">
<section class="widget widget_text"><h2 class="widget-title">About</h2><div class="textwidget"><p>${esc(view.siteTitle)} covers the armed forces, the defense industry and security policy. Independent since 2009.</p></div></section>
<section class="widget widget_nav_menu"><h2 class="widget-title">Company</h2><ul><li><a href="/about/">About Us</a></li><li><a href="/contact/">Contact</a></li><li><a href="/advertise/">Advertise</a></li><li><a href="/privacy-policy/">Privacy Policy</a></li><li><a href="/terms/">Terms of Use</a></li></ul></section>
<section class="widget widget_text"><h2 class="widget-title">Newsletter</h2><div class="textwidget"><p>Get the morning brief in your inbox every weekday.</p><form action="/newsletter/"><input type="email" name="email" placeholder="Email address"><button>Sign up</button></form></div></section>
</div>
<div class="site-info">&copy; 2026 ${esc(view.siteTitle)}. All rights reserved. <span class="sep"> | </span> Proudly powered by <a href="https://wordpress.org/">WordPress</a></div>
</footer>
<div id="cookie-notice" role="dialog" class="cookie-notice-hidden"><div class="cookie-notice-container"><span id="cn-notice-text">We use cookies to ensure that we give you the best experience on our website. If you continue to use this site we will assume that you are happy with it.</span><a href="#" id="cn-accept-cookie" class="cn-button">Ok</a><a href="/privacy-policy/" class="cn-more-info">Privacy policy</a></div></div>`;
}

function document(view: SiteView, head: string, bodyClass: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
${metaCharset(view.charset)}
<meta name="viewport" content="width=device-width, initial-scale=1">
${head}
<link rel="stylesheet" id="theme-style-css" href="/wp-content/themes/newsroom/style.css?ver=2.4.1" media="all">
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<meta name="generator" content="WordPress 6.7.1">
</head>
<body class="${bodyClass}">
<div id="page" class="site">
${header(view)}
<div id="content" class="site-content">
<main id="primary" class="site-main">
${main}
</main>
${sidebar(view)}
</div>
${footer(view)}
</div>
</body>
</html>
`;
}

function articleHead(view: SiteView, article: SiteArticle, canonical: string): string {
  const description = article.lead ?? article.paragraphs[0] ?? '';
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    datePublished: article.publishedAt,
    dateModified: article.publishedAt,
    author: { '@type': 'Person', name: article.byline ?? 'Staff Writer' },
    publisher: { '@type': 'Organization', name: view.siteTitle },
    mainEntityOfPage: canonical,
    articleSection: categoryOf(article),
    inLanguage: article.lang === 'fr' ? 'fr-FR' : 'en-US',
  };
  return `<title>${esc(article.title)} &#8211; ${esc(view.siteTitle)}</title>
<meta name="description" content="${esc(description)}">
<link rel="canonical" href="${esc(canonical)}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:description" content="${esc(description)}">
<meta property="og:url" content="${esc(canonical)}">
<meta property="og:site_name" content="${esc(view.siteTitle)}">
<meta property="article:published_time" content="${article.publishedAt}">
<meta property="article:section" content="${esc(categoryOf(article))}">
<script type="application/ld+json">${scriptJson(ld)}</script>`;
}

function articlePage(view: SiteView, article: SiteArticle, canonical: string): string {
  const author = article.byline ?? 'Staff Writer';
  const lead = article.lead ? `<p class="has-medium-font-size"><strong>${esc(article.lead)}</strong></p>\n` : '';
  const related = others(view.articles, article, 3)
    .map((r) => `<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title"><a href="${esc(view.href(r))}">${esc(r.title)}</a></h4><p class="jp-relatedposts-post-date">${longDate(r.publishedAt, 'en')}</p><p class="jp-relatedposts-post-context">In &quot;${esc(categoryOf(r))}&quot;</p></div>`)
    .join('\n');
  const comments = commenters
    .slice(0, 2 + (article.id % 3))
    .map((name, i) => `<li id="comment-${article.id * 10 + i}" class="comment"><article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">${esc(name)}</b> <span class="says">says:</span></div><div class="comment-metadata"><time datetime="${article.publishedAt}">${longDate(article.publishedAt, 'en')}</time></div></footer><div class="comment-content"><p>${esc(commentText(i))}</p></div><div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-${article.id * 10 + i}">Reply</a></div></article></li>`)
    .join('\n');
  const main = `<article id="post-${article.id}" class="post-${article.id} post type-post status-publish format-standard hentry category-${slugify(categoryOf(article))}">
<header class="entry-header">
<span class="cat-links"><a href="/category/${slugify(categoryOf(article))}/" rel="category tag">${esc(categoryOf(article))}</a></span>
<h1 class="entry-title">${esc(article.title)}</h1>
<div class="entry-meta"><span class="byline">By <span class="author vcard"><a class="url fn n" href="/author/${slugify(author)}/">${esc(author)}</a></span></span> <span class="posted-on"><time class="entry-date published" datetime="${article.publishedAt}">${longDate(article.publishedAt, 'en')}</time></span></div>
</header>
<div class="entry-content">
${lead}${article.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a class="share-twitter" href="/share/x?p=${article.id}">X</a></li><li><a class="share-facebook" href="/share/facebook?p=${article.id}">Facebook</a></li><li><a class="share-linkedin" href="/share/linkedin?p=${article.id}">LinkedIn</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>
${related}
</div>
</div>
<footer class="entry-footer"><span class="tags-links">Tagged <a href="/tag/${slugify(tags[article.id % tags.length] ?? 'news')}/" rel="tag">${esc(tags[article.id % tags.length] ?? 'news')}</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links"><div class="nav-previous"><a href="/" rel="prev">&larr; Back to the latest news</a></div></div></nav>
<div id="comments" class="comments-area">
<h2 class="comments-title">${2 + (article.id % 3)} thoughts on &ldquo;${esc(article.title)}&rdquo;</h2>
<ol class="comment-list">
${comments}
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3><form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published. Required fields are marked *</p><p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment" cols="45" rows="8"></textarea></p><p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p></form></div>
</div>`;
  return document(view, articleHead(view, article, canonical), `post-template-default single single-post postid-${article.id}`, main);
}

function commentText(i: number): string {
  return [
    'Good piece. The procurement timeline is the real story here, and nobody seems to want to talk about it.',
    'I served on one of these units twenty years ago. Glad to see the capability finally getting the funding it deserves.',
    'Source for the cost figures? They look optimistic compared with the last GAO report.',
    'Interesting that allies are moving faster on this than we are.',
  ][i] ?? '';
}

function homePage(view: SiteView): string {
  const posts = view.latest
    .map((a) => `<article id="post-${a.id}" class="post-${a.id} post type-post status-publish hentry">
<header class="entry-header"><h2 class="entry-title"><a href="${esc(view.href(a))}" rel="bookmark">${esc(a.title)}</a></h2><div class="entry-meta"><span class="byline">By ${esc(a.byline ?? 'Staff Writer')}</span> <time class="entry-date published" datetime="${a.publishedAt}">${longDate(a.publishedAt, 'en')}</time></div></header>
<div class="entry-summary"><p>${esc(a.lead ?? a.paragraphs[0] ?? '')} [&hellip;]</p></div>
<footer class="entry-footer"><a class="more-link" href="${esc(view.href(a))}">Continue reading<span class="screen-reader-text"> &ldquo;${esc(a.title)}&rdquo;</span></a></footer>
</article>`)
    .join('\n');
  const head = `<title>${esc(view.siteTitle)} &#8211; Defense news and analysis</title>
<meta property="og:type" content="website">
<meta property="og:title" content="${esc(view.siteTitle)}">
<meta property="og:site_name" content="${esc(view.siteTitle)}">`;
  return document(view, head, 'home blog', `${posts}\n<nav class="navigation pagination"><div class="nav-links"><span class="page-numbers current">1</span><a class="page-numbers" href="/page/2/">2</a><a class="next page-numbers" href="/page/2/">Next</a></div></nav>`);
}

/** An English WordPress news blog: the home page lists posts, every page has a "Recent Posts" widget. */
export const wordpress: SiteTemplate = {
  latestLimit: 10,
  charset: 'utf-8',
  charsetInHeader: true,
  listPath: () => '/',
  articlePath: (article) => `/${datePath(article.publishedAt)}/${article.slug}/`,
  withSession: (path, sessionId) => `${path}?PHPSESSID=${encodeURIComponent(sessionId)}`,
  route(url, view): Page | null {
    if (url.pathname === '/') return { contentType: 'text/html', body: homePage(view) };
    const match = /^\/\d{4}\/\d{2}\/\d{2}\/([^/]+)\/$/.exec(url.pathname);
    const article = match && view.articles.find((a) => a.slug === match[1] && this.articlePath(a) === url.pathname);
    return article ? { contentType: 'text/html', body: articlePage(view, article, `${url.origin}${url.pathname}`) } : null;
  },
};
