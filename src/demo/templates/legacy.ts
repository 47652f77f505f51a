import { esc, longDate } from './html.ts';
import type { Page, SiteArticle, SiteTemplate, SiteView } from './site-template.ts';

const rubriques = ['« Éditoriaux »', 'Défense', 'Sécurité intérieure', 'Géopolitique', 'Armées', 'Industrie', 'Mémoire', 'Archives'];

function skeleton(view: SiteView, pageTitle: string, content: string): string {
  // Pages of that era declared their charset only here; the server sent a bare text/html.
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=${view.charset}">
<title>${esc(pageTitle)}</title>
<meta name="keywords" content="défense, armées, sécurité, géopolitique, stratégie">
<script language="JavaScript" type="text/javascript">
<!--
function popup(u) { window.open(u, 'pop', 'width=400,height=300'); }
//-->
</script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td colspan="3" bgcolor="#003366" height="80"><a href="/"><img src="/images/titre.gif" width="500" height="80" border="0" alt="${esc(view.siteTitle)}"></a></td></tr>
<tr><td colspan="3" bgcolor="#CCCC99"><font face="Verdana, Arial" size="1">&nbsp;${rubriques.map((r, i) => `<a href="/rubrique.php?r=${i + 1}"><font color="#003366">${esc(r)}</font></a>`).join(' | ')}</font></td></tr>
<tr>
<td width="150" valign="top" bgcolor="#EEEEDD">
<table width="100%" border="0" cellspacing="0" cellpadding="4">
<tr><td><font face="Verdana, Arial" size="1"><b>Derniers articles</b><br>
${view.latest.map((a) => `<a href="${esc(view.href(a))}">${esc(a.title)}</a>`).join('<br>\n')}
</font></td></tr>
<tr><td><font face="Verdana, Arial" size="1"><a href="/archives/">Toutes les archives</a><br><a href="/liens.html">Liens amis</a></font></td></tr>
</table>
</td>
<td width="480" valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="8"><tr><td>
${content}
</td></tr></table>
</td>
<td width="150" valign="top" bgcolor="#EEEEDD">
<table width="100%" border="0" cellspacing="0" cellpadding="4">
<tr><td align="center"><a href="/pub/clic.php?b=3"><img src="/pub/banniere.gif" width="120" height="240" border="0" alt="Publicité"></a><br><font face="Verdana" size="1">${esc(view.ad)}</font></td></tr>
<tr><td align="center"><font face="Verdana" size="1">Vous êtes le <b>${view.counter}</b>e visiteur depuis le 1er janvier 2001</font></td></tr>
</table>
</td>
</tr>
<tr><td colspan="3" bgcolor="#003366" align="center"><font face="Verdana, Arial" size="1" color="#FFFFFF">© ${esc(view.siteTitle)} 2001-2026 - Tous droits réservés - Reproduction interdite sans l’accord de la rédaction<br>
<a href="/contact.html"><font color="#FFFFFF">Nous écrire</font></a> - <a href="/mentions.html"><font color="#FFFFFF">Mentions légales</font></a> - Site optimisé pour une résolution de 800x600</font></td></tr>
</table>
</body>
</html>
`;
}

function articlePage(view: SiteView, article: SiteArticle): string {
  const lead = article.lead ? `<font face="Verdana, Arial" size="2"><i><b>${esc(article.lead)}</b></i></font><br>\n<br>\n` : '';
  const content = `<font face="Verdana, Arial" size="1" color="#666666">${esc(longDate(article.publishedAt, 'fr'))}${article.byline ? ` - par ${esc(article.byline)}` : ''}</font><br>
<font face="Georgia, Times" size="4" color="#003366"><b>${esc(article.title)}</b></font><br>
<br>
${lead}<font face="Verdana, Arial" size="2">
${article.paragraphs.map(esc).join('<br>\n<br>\n')}
</font>
<br><br>
<font face="Verdana" size="1"><a href="javascript:popup('/imprimer.php')">Imprimer</a> | <a href="/envoyer.php">Envoyer à un ami</a> | <a href="/">Retour à l’accueil</a></font>`;
  return skeleton(view, `${view.siteTitle} - ${article.title}`, content);
}

function homePage(view: SiteView): string {
  const top = view.latest.slice(0, 3);
  const content = `<font face="Georgia, Times" size="4" color="#003366"><b>Sélection de la rédaction</b></font><br><br>
${top.map((a) => `<font face="Verdana, Arial" size="2"><b>${esc(a.title)}</b><br>${esc(a.lead ?? a.paragraphs[0] ?? '')} <a href="${esc(view.href(a))}">Lire la suite...</a></font><br><br>`).join('\n')}`;
  return skeleton(view, `${view.siteTitle} - Accueil`, content);
}

/** A 2000s French site: nested tables, <font>, windows-1252 declared only in a meta http-equiv. */
export const legacy: SiteTemplate = {
  latestLimit: 30,
  charset: 'windows-1252',
  charsetInHeader: false,
  listPath: () => '/',
  articlePath: (article) => `/archives/${article.slug}.html`,
  withSession: (path, sessionId) => `${path};jsessionid=${encodeURIComponent(sessionId)}`,
  route(url, view): Page | null {
    if (url.pathname === '/' || url.pathname === '/index.html') return { contentType: 'text/html', body: homePage(view) };
    const match = /^\/archives\/([^/]+)\.html$/.exec(url.pathname);
    const article = match && view.articles.find((a) => a.slug === match[1]);
    return article ? { contentType: 'text/html', body: articlePage(view, article) } : null;
  },
};
