import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BoilerplateArticle {
  slug: string;
  title: string;
  paragraphs: string[];
}

/**
 * A paragraph every article page carries inside its body, after the text: prose, in the article's own container,
 * so the generic extractor cannot tell it from the article. Only a template learned from other pages removes it.
 */
export const HOUSE_NOTE =
  'La rédaction rappelle que les analyses publiées dans cette rubrique engagent leurs seuls auteurs et ne reflètent pas nécessairement la position du comité éditorial, qui se réserve le droit de les compléter.';

const MENU = ['Accueil', 'Défense', 'Industrie', 'Espace', 'Cyber', 'Marine', 'Aéronautique', 'Agenda', 'Contact'];

export interface BoilerplateSite {
  url: string;
  /** The page whose latest list is watched. */
  listUrl: string;
  /** Requests, robots.txt aside, in arrival order: path and arrival time (epoch ms). */
  readonly requests: Array<{ path: string; at: number }>;
  /** Paths of the article pages requested, in arrival order. */
  articleRequests(): string[];
  articlePath(slug: string): string;
  articleUrl(slug: string): string;
  /** The article page's HTML, as the site serves it. */
  articleHtml(slug: string): string;
  /** While on, article pages answer 500 (the list still answers). */
  failArticles(on: boolean): void;
  /** Puts an article at the top of the latest list. */
  publish(article: BoilerplateArticle): void;
  close(): Promise<void>;
}

/**
 * A news site whose pages share heavy boilerplate: a menu, a sidebar with the latest list, a footer, and a house
 * note inside every article body. The home page lists the articles, newest first.
 */
export async function startBoilerplateSite(initial: readonly BoilerplateArticle[]): Promise<BoilerplateSite> {
  const articles = [...initial];
  const requests: Array<{ path: string; at: number }> = [];
  let failing = false;
  const articlePath = (slug: string) => `/articles/${slug}.html`;
  const latestList = () =>
    `<div class="sidebar"><h2>Derniers articles</h2><ul>${articles.map((a) => `<li><a href="${articlePath(a.slug)}">${a.title}</a></li>`).join('')}</ul></div>`;
  const shell = (title: string, main: string) => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title} – Veille Défense</title></head><body>
<div class="top"><a href="/">Veille Défense</a> <span>Le quotidien de la défense européenne</span></div>
<ul class="menu">${MENU.map((m) => `<li><a href="/rubrique/${m.toLowerCase()}">${m}</a></li>`).join('')}</ul>
<div class="page">${main}${latestList()}</div>
<div class="footer"><p>Veille Défense, 12 rue des Archives, 75003 Paris. Directeur de la publication : Jean Martin.</p><p><a href="/mentions">Mentions légales</a> · <a href="/abonnement">Abonnement</a> · <a href="/rss">RSS</a></p></div>
</body></html>`;
  const articleHtml = (slug: string) => {
    const a = articles.find((x) => x.slug === slug);
    if (!a) throw new Error(`no article ${slug}`);
    return shell(
      a.title,
      `<div class="content"><h1>${a.title}</h1>${a.paragraphs.map((p) => `<p>${p}</p>`).join('')}<p>${HOUSE_NOTE}</p></div>`,
    );
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    requests.push({ path, at: Date.now() });
    const slug = /^\/articles\/([a-z0-9-]+)\.html$/.exec(path)?.[1];
    if (slug && failing) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end('server error');
    }
    const html = path === '/' ? shell('Accueil', '<div class="content"><h1>À la une</h1></div>') : slug && articles.some((a) => a.slug === slug) ? articleHtml(slug) : null;
    if (html === null) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<p>not found</p>');
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    listUrl: `${url}/`,
    requests,
    articleRequests: () => requests.map((r) => r.path).filter((p) => p.startsWith('/articles/')),
    articlePath,
    articleUrl: (slug) => `${url}${articlePath(slug)}`,
    articleHtml,
    failArticles: (on) => void (failing = on),
    publish: (a) => void articles.unshift(a),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const WORDS = 'armée marine frégate contrat industrie programme satellite drone budget ministère livraison essai flotte radar missile coopération'.split(' ');

/** `n` articles with distinct titles and 3-5 distinct paragraphs each (deterministic). */
export function boilerplateArticles(n: number, from = 0): BoilerplateArticle[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const w = (j: number) => WORDS[(i * 7 + j * 3) % WORDS.length]!;
    const paragraphs = Array.from({ length: 3 + (i % 3) }, (_, j) =>
      `Paragraphe ${j + 1} de l'article ${i} : le ${w(j)} du ${w(j + 1)} avance selon le calendrier prévu, a indiqué le ${w(j + 2)} en charge du dossier ${i}-${j}. Les premières livraisons de ${w(j + 3)} sont attendues avant la fin de l'année, après une série d'essais en mer et à terre.`,
    );
    return { slug: `article-${i}`, title: `Article ${i} : le ${w(0)} et le ${w(1)} en question`, paragraphs };
  });
}
