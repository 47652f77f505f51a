import { describe, expect, it } from 'vitest';
import { extractArticle, type ArticleBody } from '../../src/extract/extract-article.ts';
import { parseHtml } from '../../src/extract/parse-html.ts';

function extract(html: string): ArticleBody {
  return extractArticle(parseHtml(html), { url: 'http://defense.example/n_index.php?id=7100' });
}

const P1 = 'Le ministère des Armées a confirmé mardi la commande de douze canons CAESAR supplémentaires, destinés à remplacer les pièces cédées l’an dernier.';
const P2 = 'Les premiers exemplaires seront livrés à la section technique de l’armée de Terre avant la fin de l’année, puis aux régiments d’artillerie.';
const P3 = 'Selon l’état-major, cette commande maintient la capacité d’appui feu des brigades engagées sur le flanc est de l’Europe.';
const TITLE = 'Artillerie : douze CAESAR de plus pour l’armée de Terre';

const MENU = '<table><tr><td><a href="/a">Éditoriaux</a> | <a href="/b">Défense</a> | <a href="/c">Sécurité</a> | <a href="/d">Terrorisme</a> | <a href="/e">Liens</a></td></tr></table>';
const FOOTER = '<p>Directeur de la publication : Joël-François Dumont</p>';
const titles = ['Verdun 2016 : La légende de la « tranchée des baïonnettes »', 'Carter Opens Second DoD Innovation Hub in Boston', 'Triomphe de St-Cyr : le Vietnam sur les rangs', 'L’amiral Prazuck prend la manœuvre de la Marine'];

/** n latest-list lines drawn as `<a>…</a><br>`, optionally dated ("01/06/2016 - "). */
function listLines(n: number, dated = false): string {
  return Array.from({ length: n }, (_, i) => `${dated ? `${String(1 + (i % 28)).padStart(2, '0')}/06/2016 - ` : ''}<a href="n_index.php?id=${7000 + i}">${titles[i % titles.length]} ${i}</a>`).join('<br>\n');
}

/** The reference layout: one cell holds everything as siblings; `cell` is what goes between the date line and the list. */
function page(cell: string, list: string, options: { dateLine?: string; heading?: string } = {}): string {
  return `<html><head><meta charset="utf-8"><title>Défense - ${TITLE}</title></head><body>${MENU}
<table><tr><td width="150"><img src="logo.gif" alt="logo"></td><td class="centre">
<span class="rubrique">Terre</span><br>
<p class="titre">${TITLE}</p>
<span class="date">${options.dateLine ?? '2016-06-14 — Jean Dupont'}</span><br>
${cell}
<br><a href="imprimer.php"><img src="print.gif" alt="Imprimer"></a> <a href="mailto:?s=x"><img src="mail.gif" alt="Envoyer"></a><br>
${options.heading ?? '<p class="titre2">Derniers articles</p>'}
${list}
</td></tr></table>${FOOTER}</body></html>`;
}

describe('a latest list inside the article’s cell ends the text, it does not cut it', () => {
  it('keeps every <p> sibling before a 50-entry list of <a>…<br> lines', () => {
    const a = extract(page([P1, P2, P3].map((p) => `<p>${p}</p>`).join('\n'), listLines(50)));
    expect(a.text).toBe([P1, P2, P3].join('\n\n'));
    expect(a.title).toBe(TITLE);
  });

  it('keeps <br><br>-separated text written straight into the cell', () => {
    const a = extract(page([P1, P2, P3].join('<br><br>\n'), listLines(50)));
    expect(a.text).toBe([P1, P2, P3].join('\n\n'));
  });

  it('keeps text in <font> before an inline bold heading and dated entries', () => {
    const a = extract(page(`<font face="Verdana" size="2">${[P1, P2].join('<br><br>\n')}</font>`, listLines(30, true), { heading: '<br><b>Derniers articles</b><br>' }));
    expect(a.text).toBe([P1, P2].join('\n\n'));
  });

  it('returns a one-paragraph article whole, whatever the list’s size', () => {
    for (const n of [5, 50]) expect(extract(page(`<p>${P1}</p>`, listLines(n))).text).toBe(P1);
  });

  it('drops a list drawn as <ul> in the same cell', () => {
    const ul = `<ul>${titles.map((t, i) => `<li><a href="/n_index.php?id=${i}">${t}</a></li>`).join('')}</ul>`;
    expect(extract(page(`<p>${P1}</p><p>${P2}</p>`, ul)).text).toBe([P1, P2].join('\n\n'));
  });

  it('drops a "read also" box inside the text and keeps the paragraphs after it', () => {
    const box = '<p><b>Lire aussi</b><br><a href="/1">Un radar de plus pour Brest</a><br><a href="/2">La DGA commande des drones</a><br><a href="/3">Essais en mer pour la FDI</a></p>';
    const a = extract(page(`<p>${P1}</p>${box}<p>${P2}</p><p>${P3}</p>`, listLines(20)));
    expect(a.text).toBe([P1, P2, P3].join('\n\n'));
  });

  it('keeps a dated chronology that the prose goes on after, and cuts dated briefs that end the cell', () => {
    const chronology = '14/05 — Premier tir de qualification à Bourges.<br>21/05 — Deuxième tir, au froid.<br>28/05 — Livraison du premier lot.';
    const a = extract(page(`<p>${P1}</p><p>${chronology}</p><p>${P2}</p>`, listLines(10)));
    expect(a.text).toContain('21/05 — Deuxième tir, au froid.');
    expect(a.text).toContain(P2);
    const briefs = '<p><b>Brèves</b><br>10/06 — La frégate Bretagne a appareillé de Brest.<br>11/06 — Le salon Eurosatory ouvre lundi.<br>12/06 — Un second lot de canons livré.</p>';
    expect(extract(page(`<p>${P1}</p><p>${P2}</p>${briefs}`, '')).text).toBe([P1, P2].join('\n\n'));
  });

  it('reads a two-paragraph post whole when share links and a related list follow it in its own block', () => {
    const post = `<html><head><title>${TITLE} | Blog</title></head><body><nav><a href="/">Home</a> <a href="/a">About</a> <a href="/c">Contact</a></nav>
<div class="post"><h1>${TITLE}</h1><div class="entry"><p>${P1}</p><p>${P2}</p>
<p class="share"><a href="https://facebook.example/share">Facebook</a> <a href="https://x.example/share">X</a> <a href="mailto:?">Email</a></p>
<h3>Related posts</h3><a href="/r1">${titles[0]}</a><br><a href="/r2">${titles[1]}</a><br><a href="/r3">${titles[2]}</a></div></div>
<footer>© 2016 Blog</footer></body></html>`;
    expect(extract(post).text).toBe([P1, P2].join('\n\n'));
  });
});

describe('dates from the visible text, nearest the headline', () => {
  const forms: [string, string][] = [
    ['2016-06-14 — Auteur', '2016-06-14'],
    ['14 juin 2016', '2016-06-14'],
    ['mardi 14 juin 2016 à 10h30', '2016-06-14T10:30'],
    ['Publié le 14/06/2016', '2016-06-14'],
    ['June 14, 2016', '2016-06-14'],
    ['14 June 2016', '2016-06-14'],
  ];
  for (const [line, want] of forms) {
    it(`reads "${line}" under the title`, () => {
      expect(extract(page(`<p>${P1}</p><p>${P2}</p>`, listLines(10, true), { dateLine: line })).publishedAt).toBe(want);
    });
  }

  it('reads a dated line under the text when the top has none', () => {
    const a = extract(page(`<p>${P1}</p><p>${P2}</p><p><i>Publié le 14/06/2016</i></p>`, listLines(10), { dateLine: 'Jean Dupont' }));
    expect(a.publishedAt).toBe('2016-06-14');
    expect(a.text).toBe([P1, P2].join('\n\n'));
  });

  it('never takes a date from the latest list or the footer', () => {
    const a = extract(
      page(`<p>${P1}</p><p>${P2}</p>`, `${listLines(10, true)}<br>© 2003-2016, mis à jour le 15/06/2016`, { dateLine: 'Jean Dupont' }),
    );
    expect(a.publishedAt).toBeNull();
  });

  it('prefers the metadata’s stamp when there is one', () => {
    const html = page(`<p>${P1}</p>`, listLines(5)).replace('<head>', '<head><meta property="article:published_time" content="2016-06-14T08:30:00+02:00">');
    expect(extract(html).publishedAt).toBe('2016-06-14T06:30:00.000Z');
  });
});
