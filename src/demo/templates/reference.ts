import { esc, metaCharset } from './html.ts';
import type { Page, SiteArticle, SiteTemplate, SiteView } from './site-template.ts';

/** The two menu bars of the reference page, in its order. */
export const referenceMenus: readonly (readonly string[])[] = [
  ['Éditoriaux', 'Défense', 'Sécurité', 'Terrorisme', 'Zones de conflits', 'Logistique', 'Livres de référence', 'Liens'],
  ['Terre', 'Air', 'Mer', 'Gendarmerie', 'Renseignement', 'Infoguerre', 'Cyber', 'Recherche'],
];

function menus(): string {
  return referenceMenus
    .map((bar, i) => {
      const items = bar.map((label, j) => `<td class="menu-item"><a href="/n_rubrique.php?r=${i * 10 + j + 1}">${esc(label)}</a></td>`);
      return `<table class="menu menu${i + 1}" width="100%"><tr>${items.join('')}</tr></table>`;
    })
    .join('\n');
}

function latestBlock(view: SiteView): string {
  const links = view.latest.map((a) => `<li><a href="${esc(view.href(a))}">${esc(a.title)}</a></li>`);
  return `<div class="derniers">
<h3 class="titre-bloc">Derniers articles</h3>
<ul class="liste-derniers">
${links.join('\n')}
</ul>
</div>`;
}

function layout(view: SiteView, pageTitle: string, bandeau: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
${metaCharset(view.charset)}
<title>${esc(pageTitle)}</title>
<link rel="stylesheet" type="text/css" href="/css/style.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.php">
</head>
<body>
<div id="conteneur">
<div id="entete">
<a href="/"><img src="/images/logo.gif" alt="${esc(view.siteTitle)}" width="468" height="60"></a>
<div class="slogan">Revue d'information sur la défense et la sécurité</div>
</div>
${menus()}
<div id="bandeau"><h2 class="titre-page">${esc(bandeau)}</h2></div>
<table id="corps" width="100%" cellspacing="0" cellpadding="0"><tr>
<td id="colonne-principale" valign="top">
${main}
${latestBlock(view)}
</td>
<td id="colonne-droite" valign="top" width="180">
<div class="bloc-recherche"><form action="/recherche.php" method="get"><input type="text" name="q" size="14"><input type="submit" value="OK"></form></div>
<div class="publicite" id="pub-droite">${esc(view.ad)}</div>
<div class="bloc-lettre"><b>Lettre d'information</b><br><a href="/inscription.php">S'inscrire</a></div>
<div class="compteur">Visiteurs : <span class="compteur-valeur">${view.counter}</span></div>
</td>
</tr></table>
<div id="pied">
<p>Directeur de la publication : Joël-François Dumont</p>
<p>Comité de rédaction : Jacques de Lestapis, Hugues Dumont, François de Vries (Bruxelles), Hans-Ulrich Helfer (Suisse), Michael Hellerforth (Allemagne).</p>
<p>Comité militaire : VAE Guy Labouérie (†), GAA François Mermet (2S), CF Patrice Théry (Asie).</p>
<p class="mentions"><a href="/n_mentions.php">Mentions légales</a> | <a href="/n_contact.php">Contact</a> | <a href="/rss.php">RSS</a></p>
</div>
</div>
</body>
</html>
`;
}

function articlePage(view: SiteView, article: SiteArticle): string {
  const lead = article.lead ? `<p class="chapeau"><b>${esc(article.lead)}</b></p>\n` : '';
  const body = article.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n');
  const main = `<div class="article" lang="${article.lang}">
<h1 class="titre-article">${esc(article.title)}</h1>
${lead}${body}
</div>`;
  return layout(view, `${article.title} - ${view.siteTitle}`, article.title, main);
}

function homePage(view: SiteView): string {
  const top = view.latest[0];
  const main = top
    ? `<div class="une"><h1 class="titre-une"><a href="${esc(view.href(top))}">${esc(top.title)}</a></h1>${top.lead ? `<p>${esc(top.lead)}</p>` : ''}</div>`
    : '<div class="une"></div>';
  return layout(view, view.siteTitle, view.siteTitle, main);
}

/** Modelled on the reference page: a PHP site whose every article page carries the "Derniers articles" list. */
export const reference: SiteTemplate = {
  latestLimit: 50,
  charset: 'utf-8',
  charsetInHeader: true,
  listPath(view) {
    const oldest = view.articles.reduce<SiteArticle | undefined>((min, a) => (min && min.id < a.id ? min : a), undefined);
    return oldest ? this.articlePath(oldest) : '/';
  },
  articlePath: (article) => `/n_index.php?id=${article.id}`,
  withSession: (path, sessionId) => `${path}&PHPSESSID=${encodeURIComponent(sessionId)}`,
  route(url, view): Page | null {
    if (url.pathname === '/' || url.pathname === '/index.php') return { contentType: 'text/html', body: homePage(view) };
    if (url.pathname !== '/n_index.php') return null;
    const id = Number(url.searchParams.get('id'));
    const article = view.articles.find((a) => a.id === id);
    return article ? { contentType: 'text/html', body: articlePage(view, article) } : null;
  },
};
