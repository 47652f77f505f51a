import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LatestSelectorError, readLatestList } from '../../src/crawlers/latest-list.ts';
import { decodeHtml, sniffHtml } from '../../src/extract/decode-html.ts';
import { ListReader } from '../../src/crawlers/list-reader.ts';

// Real worker threads (running the TypeScript worker through tsx), on the saved pages of the fixture sites.
const dir = join(import.meta.dirname, '../fixtures/sites');
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.html'))
  .sort()
  .map((f) => ({ url: `https://${f.split('-')[0]}.example.org/${f}`, html: readFileSync(join(dir, f), 'latin1') }));

const readers: ListReader[] = [];
const reader = (options: ConstructorParameters<typeof ListReader>[0]) => {
  const r = new ListReader(options);
  readers.push(r);
  return r;
};
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
});

describe('ListReader', () => {
  it('reads on its thread the same lists as the calling thread, in any number at once', async () => {
    const lists = reader({ threads: 1, maxQueued: 100 });
    const got = await Promise.all(pages.map((p) => lists.read(p.html, { url: p.url })));
    expect(got).toEqual(pages.map((p) => readLatestList(p.html, { url: p.url })));
    expect(got.filter((l) => l.entries.length > 0).length).toBeGreaterThan(5);
    expect(lists.stats()).toEqual({ threaded: pages.length, inline: 0 });
  }, 30_000);

  it('decodes sent bytes on its thread: the lists of the pages decoded here, from a view into a larger buffer too', async () => {
    const raw = readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .sort()
      .map((f) => ({ url: `https://${f.split('-')[0]}.example.org/${f}`, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
    // Some saved pages are windows-1252 (no declaration, or a wrong one): the thread must decode as sniffHtml chose.
    expect(new Set(raw.map((p) => sniffHtml(p.bytes).charset)).size).toBeGreaterThan(1);
    const lists = reader({ threads: 1, maxQueued: 100 });
    const got = await Promise.all(
      raw.map((p, i) => {
        // Every other page as a view into a buffer with other bytes around it, as an HTTP client's pool gives.
        if (i % 2 === 0) return lists.read(sniffHtml(p.bytes), { url: p.url });
        const pool = new Uint8Array(p.bytes.length + 100).fill(0x41);
        pool.set(p.bytes, 50);
        return lists.read(sniffHtml(pool.subarray(50, 50 + p.bytes.length)), { url: p.url });
      }),
    );
    expect(got).toEqual(raw.map((p) => readLatestList(decodeHtml(p.bytes).html, { url: p.url })));
    expect(lists.stats()).toEqual({ threaded: raw.length, inline: 0 });
    // Read on the calling thread (no threads), bytes give the same lists.
    const none = reader({ threads: 0 });
    expect(await none.read(sniffHtml(raw[0]!.bytes), { url: raw[0]!.url })).toEqual(got[0]);
  }, 30_000);

  it('reads on the calling thread what does not fit in the queues, and everything with threads: 0', async () => {
    const busy = reader({ threads: 1, maxQueued: 2 });
    const got = await Promise.all(pages.map((p) => busy.read(p.html, { url: p.url })));
    expect(got).toEqual(pages.map((p) => readLatestList(p.html, { url: p.url })));
    expect(busy.stats().threaded).toBe(2);
    expect(busy.stats().inline).toBe(pages.length - 2);

    const none = reader({ threads: 0 });
    await none.read(pages[0]!.html, { url: pages[0]!.url });
    expect(none.stats()).toEqual({ threaded: 0, inline: 1 });
  }, 30_000);

  it('passes options to the thread and gives back an invalid selector as LatestSelectorError', async () => {
    const lists = reader({ threads: 1 });
    const page = pages.find((p) => p.url.includes('wordpress-list'))!;
    const bySelector = await lists.read(page.html, { url: page.url, selector: 'aside' });
    expect(bySelector).toEqual(readLatestList(page.html, { url: page.url, selector: 'aside' }));
    const bad = await lists.read(page.html, { url: page.url, selector: 'div[' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LatestSelectorError);
    expect((bad as Error).message).toMatch(/invalid latest-list selector "div\["/);
    expect(lists.stats().inline).toBe(0);
  }, 30_000);

  it('a thread that dies loses no list: what it held is read on the calling thread, and so is what comes after', async () => {
    const warnings: string[] = [];
    const log = { warn: (_o: object, msg: string) => warnings.push(msg) } as never;
    const lists = reader({ threads: 1, maxQueued: 100, log });
    const pending = pages.map((p) => lists.read(p.html, { url: p.url }));
    await (lists as unknown as { lanes: Array<{ worker: { terminate(): Promise<number> } }> }).lanes[0]!.worker.terminate();
    const got = await Promise.all(pending);
    expect(got).toEqual(pages.map((p) => readLatestList(p.html, { url: p.url })));
    const later = await lists.read(pages[0]!.html, { url: pages[0]!.url });
    expect(later).toEqual(got[0]);
    expect(lists.stats().inline).toBeGreaterThan(1);
    expect(warnings.join('\n')).toMatch(/list reader thread failed: .*its lists are read on the main thread/);
  }, 30_000);

  it('refuses bad options, naming them', () => {
    expect(() => new ListReader({ threads: -1 })).toThrow('ListReader: threads must be an integer >= 0, got -1');
    expect(() => new ListReader({ maxQueued: 0 })).toThrow('ListReader: maxQueued must be an integer >= 1, got 0');
  });
});
