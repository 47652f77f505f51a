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
import { SqliteStore, type EventInput } from '../../src/store/index.ts';

/** A store that crashes once at a chosen step of filing an article, as a killed process would stop there. */
class CrashingStore extends SqliteStore {
  crashIn: 'claimStory' | 'createEvent' | null = null;

  override claimStory(articleId: number, title: string, text: string, now: string) {
    this.crash('claimStory');
    return super.claimStory(articleId, title, text, now);
  }

  override createEvent(event: EventInput, now: string) {
    this.crash('createEvent');
    return super.createEvent(event, now);
  }

  private crash(step: 'claimStory' | 'createEvent') {
    if (this.crashIn !== step) return;
    this.crashIn = null;
    throw new Error(`crash in ${step}`);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
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
  const store = new CrashingStore({ path: join(dir, 'vigie.db') });
  const at = '2026-12-01T08:00:00.000Z';
  store.recordEntries('site', [{ title: 'Old', url: 'https://site.example.org/old', urlKey: 'old' }], at);
  const [entry] = store.recordEntries('site', [{ title: 'Frigate launched', url: 'https://site.example.org/frigate', urlKey: 'frigate' }], at).added;
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
  return { deps, store, entryId: entry!.id };
}

describe('readArticle saves the article, its story and its event in one transaction', () => {
  for (const step of ['claimStory', 'createEvent'] as const) {
    it(`a crash in ${step} leaves the entry unread, and the retry alerts exactly once`, async () => {
      const { deps, store, entryId } = setup();
      store.crashIn = step;
      await expect(readArticle(deps, entryId, true)).rejects.toThrow(`crash in ${step}`);
      // Nothing of the attempt stayed: the entry is still an orphan to re-queue, not an article that never alerts.
      expect(store.recentArticles()).toEqual([]);
      expect(store.entriesWithoutArticle('site').map((e) => e.id)).toEqual([entryId]);
      expect(store.deliveries()).toEqual([]);

      const retry = await readArticle(deps, entryId, true);
      expect(retry).toMatchObject({ isNewStory: true });
      expect(retry!.deliveries).toHaveLength(1);
      // A third run (a job that ran again after its commit) finds the same pending delivery and creates none.
      const again = await readArticle(deps, entryId, true);
      expect(again!.deliveries.map((d) => d.msgId)).toEqual(retry!.deliveries.map((d) => d.msgId));
      expect(store.deliveries()).toHaveLength(1);
      expect(store.entriesWithoutArticle('site')).toEqual([]);
      store.close();
    });
  }
});
