import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore, type NewEntry } from '../../src/store/index.ts';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-relist-'));
  store = new SqliteStore({ path: join(dir, 'vigie.db') });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const entries = (from: number, count: number): NewEntry[] =>
  Array.from({ length: count }, (_, i) => ({ title: `Story ${from + i}`, url: `https://site.test/news/${from + i}`, urlKey: `site.test/news/${from + i}` }));

/** A crawl as check-source records it: entries, then the crawl with what it found. */
function crawl(list: NewEntry[], at: string) {
  const result = store.recordEntries('s', list, at, { listSignature: 'heading:latest', relistJump: 100 });
  const outcome = result.baseline ? 'baseline' : result.relisted ? 'relisted' : result.added.length > 0 ? 'changed' : 'unchanged';
  store.recordCrawl({ sourceId: 's', at, durationMs: 1, status: 200, outcome, entriesFound: list.length, entriesNew: result.added.length, error: null }, 3);
  return result;
}

describe('a jump of new entries on a source with a short list', () => {
  it('records more than 100 new entries at once, on a list of 10, as a silent baseline', () => {
    crawl(entries(0, 10), '2026-05-01T00:00:00Z');
    expect(crawl(entries(5, 10), '2026-05-01T00:01:00Z').added).toHaveLength(5);
    const jump = crawl(entries(1000, 101), '2026-05-01T00:02:00Z');
    expect(jump).toMatchObject({ relisted: true, added: [], jump: { count: 101, usual: 10 } });
    // Silent: none of them waits for an article.
    expect(store.entriesWithoutArticle('s')).toHaveLength(5);
    // Entries after the jump are news again.
    expect(crawl([...entries(1000, 101), ...entries(5000, 1)], '2026-05-01T00:03:00Z').added.map((e) => e.title)).toEqual(['Story 5000']);
  });

  it('keeps a large burst as news when the list is usually long enough for it', () => {
    crawl(entries(0, 20), '2026-05-01T00:00:00Z');
    const burst = crawl(entries(1000, 150), '2026-05-01T00:01:00Z');
    expect(burst.relisted).toBe(false);
    expect(burst.added).toHaveLength(150);
  });

  it('keeps 100 new entries as news, the jump must be more than limits.relistJump', () => {
    crawl(entries(0, 5), '2026-05-01T00:00:00Z');
    expect(crawl(entries(1000, 100), '2026-05-01T00:01:00Z').added).toHaveLength(100);
  });
});
