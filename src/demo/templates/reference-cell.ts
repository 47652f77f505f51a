import { esc } from './html.ts';
import { reference, referenceMenus } from './reference.ts';
import type { Page, SiteArticle, SiteTemplate, SiteView } from './site-template.ts';

/**
 * The reference page as its site really draws it: a table whose centre cell holds everything as siblings (the
 * rubric, the title in a `<p class="titre">`, the date line "2016-06-14 — Author", the paragraphs as
 * `<br><br>`-separated text in a `<font>`, print and mail links, then the "Derniers articles" list as
 * `<a>…</a><br>` lines), in windows-1252, with no <h1> and no date metadata.
 */
function menus(): string {
  return referenceMenus
    .map((bar, i) => `<tr><td class="menu${i + 1}">${bar.map((label, j) => `<a href="/n_rubrique.php?r=${i * 10 + j + 1}" class="menu">${esc(label)}</a>`).join(' | ')}</td></tr>`)
    .join('\n');
}

function dateLine(article: SiteArticle): string {
  return `${article.publishedAt.slice(0, 10)} — ${esc(article.byline ?? 'La rédaction')}`;
}

function layout(view: SiteView, pageTitle: string, centre: string): string {
  const latest = view.latest.map((a) => `<a href="${esc(view.href(a))}" class="lien">${esc(a.title)}</a>`).join('<br>\n');
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=${view.charset}">
<title>${esc(pageTitle)}</title>
<link rel="stylesheet" href="/style.css" type="text/css">
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">
<table width="100%" border="0" cellspacing="0" cellpadding="2">
${menus()}
</table>
<table width="100%" border="0" cellspacing="0" cellpadding="6"><tr>
<td width="150" valign="top" class="gauche"><a href="/"><img src="/images/logo.gif" alt="${esc(view.siteTitle)}" border="0"></a><br><br><form action="/recherche.php"><input type="text" name="q" size="12"><input type="submit" value="OK"></form></td>
<td valign="top" class="centre">
${centre}
<br><b>Derniers articles</b><br>
${latest}
</td>
<td width="130" valign="top" class="droite">${esc(view.ad)}<br><br>Visiteurs : ${view.counter}</td>
</tr></table>
<table width="100%"><tr><td class="pied"><font size="1">Directeur de la publication : Joël-François Dumont<br>
Comité de rédaction : Jacques de Lestapis, Hugues Dumont, François de Vries (Bruxelles)<br>
<a href="/n_mentions.php">Mentions légales</a> | <a href="/n_contact.php">Contact</a></font></td></tr></table>
</body>
</html>
`;
}

function articlePage(view: SiteView, article: SiteArticle): string {
  const paragraphs = [...(article.lead ? [`<b>${esc(article.lead)}</b>`] : []), ...article.paragraphs.map(esc)];
  const centre = `<span class="rubrique">${article.lang === 'fr' ? 'Défense' : 'Defence'}</span><br>
<p class="titre">${esc(article.title)}</p>
<span class="date">${dateLine(article)}</span><br><br>
<font face="Verdana, Arial" size="2">${paragraphs.join('<br><br>\n')}</font>
<br><br><a href="/n_imprimer.php?id=${article.id}"><img src="/images/imprimer.gif" alt="Imprimer" border="0"></a> <a href="mailto:?subject=${encodeURIComponent(article.title)}"><img src="/images/envoyer.gif" alt="Envoyer" border="0"></a><br>`;
  return layout(view, `${view.siteTitle} - ${article.title}`, centre);
}

/** The reference site's URLs (`/n_index.php?id=`, PHPSESSID, the oldest article's page as the list), its own cell layout. */
export const referenceCell: SiteTemplate = {
  ...reference,
  charset: 'windows-1252',
  charsetInHeader: false,
  route(url, view): Page | null {
    if (url.pathname !== '/n_index.php') return null;
    const id = Number(url.searchParams.get('id'));
    const article = view.articles.find((a) => a.id === id);
    return article ? { contentType: 'text/html', body: articlePage(view, article) } : null;
  },
};
