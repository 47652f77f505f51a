import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { checkSource } from '../../src/jobs/use-cases/check-source.ts';
import { openStore, useCaseDeps } from '../../src/monitor.ts';
import { LOOPBACK_ALLOWED } from '../helpers/harness.ts';

const links = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `<li><a href="/${prefix}/${1000 + i}-story-number-${i}">Story number ${i} of the ${prefix} block today</a></li>`).join('');

let page = '';
let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = mkdtempSync(join(tmpdir(), 'vigie-check-'));
  const config = loadConfig({ env: {}, object: { storage: dir, sources: [{ id: 'site', url }], crawl: { respectRobotsTxt: false }, network: { allow: LOOPBACK_ALLOWED } } });
  const store = await openStore(config);
  const deps = await useCaseDeps(config, store, createLogger('silent'));
  return { deps, source: config.sources[0]!, store };
}

describe('checkSource', () => {
  it('treats a list found another way (heading gone, another block picked) as a new baseline, not as news', async () => {
    const { deps, source, store } = await setup();
    page = `<html><body><main><p>Intro text of the page, long enough to be prose and not a list.</p></main>
      <aside><h2>Derniers articles</h2><ul>${links('latest', 8)}</ul></aside></body></html>`;
    expect((await checkSource(deps, source)).outcome).toBe('baseline');

    page = page.replace('</ul>', `${links('latest-extra', 1)}</ul>`);
    const normal = await checkSource(deps, source);
    expect(normal.outcome).toBe('changed');
    expect(normal.added.map((e) => e.title)).toEqual(['Story number 0 of the latest-extra block today']);

    // A redesign drops the heading: the fallback now picks a different block whose entries are all unseen.
    page = `<html><body><main><p>Intro text of the page, long enough to be prose and not a list.</p></main>
      <section class="popular"><ul>${links('popular', 10)}</ul></section></body></html>`;
    const switched = await checkSource(deps, source);
    expect(switched.outcome).toBe('relisted');
    expect(switched.added).toEqual([]);
    expect((await store.recentCrawls({ sourceId: 'site', limit: 1 }))[0]!.error).toMatch(/new baseline/);

    // From then on, that block is followed like any list.
    page = page.replace('<ul>', `<ul>${links('popular-new', 1)}`);
    const after = await checkSource(deps, source);
    expect(after.outcome).toBe('changed');
    expect(after.added).toHaveLength(1);
    await store.close();
  });

  it('gives up with the source and field named when the configured selector is not valid CSS', async () => {
    const { deps, source, store } = await setup();
    page = '<html><body><ul><li><a href="/a/1">One</a></li></ul></body></html>';
    const bad = { ...source, latest: { selector: 'ul >>> li' } };
    await expect(checkSource(deps, bad)).rejects.toMatchObject({ fate: 'give-up', message: expect.stringContaining('sources "site".latest.selector') });
    await store.close();
  });
});
