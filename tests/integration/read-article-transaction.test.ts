import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import type { PageResult } from '../../src/crawlers/index.ts';
import { readArticle } from '../../src/jobs/use-cases/read-article.ts';
import type { UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { crashingStore, type CrashStep } from '../helpers/crashing-store.ts';
import { backends, type TestStore } from '../helpers/stores.ts';

type Step = CrashStep;

const dirs: string[] = [];
const opened: TestStore[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(open: () => Promise<TestStore>) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-read-tx-'));
  dirs.push(dir);
  const config = loadConfig({
    env: {},
    object: {
      storage: dir,
      sources: [{ id: 'site', url: 'https://site.example.org/' }],
      webhooks: [{ url: 'https://hooks.example.org/a', secret: `whsec_${randomBytes(24).toString('base64')}` }],
    },
  });
  const backend = await open();
  opened.push(backend);
  const plan: { crashIn: Step | null } = { crashIn: null };
  const store = crashingStore(backend.store, plan);
  const at = '2026-12-01T08:00:00.000Z';
  await store.recordEntries('site', [{ title: 'Old', url: 'https://site.example.org/old', urlKey: 'old' }], at);
  const [entry] = (await store.recordEntries('site', [{ title: 'Frigate launched', url: 'https://site.example.org/frigate', urlKey: 'frigate' }], at)).added;
  const html = `<html><head><title>Frigate launched</title></head><body><article><h1>Frigate launched</h1>
    <p>The navy launched its new frigate on Monday at the yard, the first of a class of five ships ordered in 2021.</p>
    <p>Sea trials start next spring, and the ship is due to enter service in two years with a crew of 120.</p></article></body></html>`;
  // No network: the page comes from here.
  const fetchPages = async (requests: Array<{ url: string }>): Promise<PageResult[]> =>
    requests.map((r) => ({
      ok: true as const,
      url: r.url,
      page: { url: r.url, finalUrl: r.url, status: 200, notModified: false, html, charset: 'utf-8', etag: null, lastModified: null, bodyHash: null, bytes: html.length },
    }));
  const deps: UseCaseDeps = { config, store, log: createLogger('silent'), robots: null, browser: null, fetchPages: fetchPages as never, now: () => new Date(at) };
  return { deps, store, plan, entryId: entry!.id };
}

describe.each(backends)('readArticle on $name saves the article, its story and its event in one transaction', ({ open }) => {
  for (const step of ['claimStory', 'createEvent'] as const) {
    it(`a crash in ${step} leaves the entry unread, and the retry alerts exactly once`, async () => {
      const { deps, store, plan, entryId } = await setup(open);
      plan.crashIn = step;
      await expect(readArticle(deps, entryId, true)).rejects.toThrow(`crash in ${step}`);
      // Nothing of the attempt stayed: the entry is still an orphan to re-queue, not an article that never alerts.
      expect(await store.recentArticles()).toEqual([]);
      expect((await store.entriesWithoutArticle('site')).map((e) => e.id)).toEqual([entryId]);
      expect(await store.deliveries()).toEqual([]);

      const retry = await readArticle(deps, entryId, true);
      expect(retry).toMatchObject({ isNewStory: true });
      expect(retry!.deliveries).toHaveLength(1);
      // A third run (a job that ran again after its commit) finds the same pending delivery and creates none.
      const again = await readArticle(deps, entryId, true);
      expect(again!.deliveries.map((d) => d.msgId)).toEqual(retry!.deliveries.map((d) => d.msgId));
      expect(await store.deliveries()).toHaveLength(1);
      expect(await store.entriesWithoutArticle('site')).toEqual([]);
    });
  }
});
