import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { fetchPages } from '../../src/crawlers/index.ts';
import { checkSource } from '../../src/jobs/use-cases/check-source.ts';
import type { UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { SqliteStore } from '../../src/store/index.ts';

const TITLES = ['Frégates : la marine commande deux nouvelles unités', 'Drones : un contrat pour la surveillance des côtes', 'Chars : le programme franco-allemand avance'];
const NEWS = ['Artillery: new shells ordered for the army this year', 'Air defence: radar upgrade approved by parliament', 'Space: a satellite launch is planned for the spring'];

/** One page, two lists: two sources watch the same URL, each its own block. */
function page(french: string[], english: string[]): string {
  const list = (titles: string[], path: string) => titles.map((t, i) => `<li><a href="/${path}/${i + 1}-${t.length}.html">${t}</a></li>`).join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Défense</title></head><body>
<main><h1>Défense</h1><p>${'Actualité de la défense. '.repeat(30)}</p></main>
<aside><h2>Derniers articles</h2><ul>${list(french, 'fr')}</ul></aside>
<aside><h2>Latest News</h2><ul>${list(english, 'en')}</ul></aside></body></html>`;
}

let dir: string;
let store: SqliteStore;
let server: Server;
let html: string;
let url: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-check-source-'));
  store = new SqliteStore({ path: join(dir, 'vigie.db') });
  html = page(TITLES.slice(0, 2), NEWS.slice(0, 2));
  server = createServer((req, res) => {
    const etag = `"${createHash('sha256').update(html).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function deps(config: Config): UseCaseDeps {
  return { config, store, log: createLogger('silent'), robots: null, browser: null, fetchPages, now: () => new Date() };
}

describe('checkSource on sources sharing a URL', () => {
  it('two sources watching one URL each get their baseline and their new entries (validators are per source)', async () => {
    const config = loadConfig({
      env: {},
      cwd: dir,
      object: {
        network: { allow: ['127.0.0.1/32'] },
        sources: [
          { id: 'fr', url, latest: { heading: 'Derniers articles' } },
          { id: 'en', url, latest: { heading: 'Latest News' } },
        ],
      },
    });
    await store.syncSources(config.sources, new Date().toISOString());
    const [fr, en] = config.sources;
    const d = deps(config);

    expect((await checkSource(d, fr!)).outcome).toBe('baseline');
    expect((await checkSource(d, en!)).outcome).toBe('baseline');
    expect((await checkSource(d, fr!)).outcome).toBe('not-modified');

    html = page(TITLES, NEWS);
    const frChange = await checkSource(d, fr!);
    expect(frChange.added.map((e) => e.title)).toEqual([TITLES[2]]);
    const enChange = await checkSource(d, en!);
    expect(enChange.added.map((e) => e.title)).toEqual([NEWS[2]]);
    expect((await checkSource(d, en!)).outcome).toBe('not-modified');
  });
});
