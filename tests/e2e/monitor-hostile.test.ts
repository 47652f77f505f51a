import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite } from '../../src/demo/news-site.ts';
import type { Logger } from '../../src/jobs/index.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { crawlCount, startHarness, type Harness } from '../helpers/harness.ts';
import { HOSTILE_CASES, startHostileSite, type HostileCase } from '../helpers/hostile-site.ts';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A logger whose lines are kept, parsed. */
function recordingLogger(): { log: Logger; lines: Array<{ level: number; msg: string; source?: string }> } {
  const lines: Array<{ level: number; msg: string; source?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream) as unknown as Logger, lines };
}

/** The error each hostile source's crawl records (a regexp), or the outcome it ends in when it is no error. */
const EXPECTED: Record<HostileCase, { error: RegExp } | { outcome: string }> = {
  'gzip-bomb': { error: /^PageLimitError: .*\/gzip-bomb: body larger than 2 MB once decompressed; stopped reading there \(limits\.maxBodyBytes\)$/ },
  'brotli-bomb': { error: /^PageLimitError: .*\/brotli-bomb: body larger than 2 MB once decompressed/ },
  'huge-body': { error: /^PageLimitError: .*\/huge-body: body larger than 2 MB/ },
  trickle: { error: /^FetchFailedError: fetching .*\/trickle failed: request timed out after 2000 ms$/ },
  'redirect-loop': { error: /^PageLimitError: .*\/redirect-loop: more than 5 redirects \(limits\.maxRedirects\)$/ },
  'redirect-to-loopback': { error: /^RefusedAddressError: sources\[\d+\] \(redirect-to-loopback\): .* redirects to 127\.0\.0\.2, which resolves to 127\.0\.0\.2, a loopback address; allow it with network\.allow$/ },
  'many-links': { outcome: 'baseline' },
  'private-link': { outcome: 'baseline' },
  'nested-divs': { outcome: 'no-list' },
  'binary-as-html': { error: /^NotHtmlError: .*\/binary-as-html is not an HTML page: binary content/ },
  'unknown-charset': { outcome: 'baseline' },
  empty: { error: /^EmptyPageError: .*\/empty answered HTTP 200 with an empty body$/ },
  'endless-stream': { error: /^PageLimitError: .*\/endless-stream: body larger than 2 MB/ },
  'text-plain': { error: /^NotHtmlError: .*\/text-plain is not an HTML page \(Content-Type: text\/plain; charset=utf-8\)$/ },
  json: { error: /^NotHtmlError: .*\/json is not an HTML page \(Content-Type: application\/json\)$/ },
};

describe('hostile pages, end to end', () => {
  it('each hostile source fails on its own limit with a clear error, the worker goes on, and a healthy source alerts exactly once', async () => {
    let secretHits = 0;
    const secret: Server = createServer((_req, res) => void (secretHits++, res.end('secret')));
    await new Promise<void>((resolve) => secret.listen(0, '127.0.0.2', resolve));
    closers.push(() => new Promise((r) => (secret.closeAllConnections(), secret.close(r))));
    const hostile = await startHostileSite({ forbiddenOrigin: `http://127.0.0.2:${(secret.address() as AddressInfo).port}` });
    closers.push(() => hostile.close());
    const healthy = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 12) });
    closers.push(() => healthy.close());
    const { log, lines } = recordingLogger();

    const harness: Harness = await startHarness({
      sources: [{ id: 'healthy', url: healthy.listUrl, every: '1s' }, ...HOSTILE_CASES.map((name) => ({ id: name, url: hostile.url(name), every: '2s' }))],
      crawl: { timeout: '2s', attempts: 1 },
      limits: { maxBodyBytes: '2MB' },
      network: { allow: ['127.0.0.1/32'] },
      log,
    });
    closers.push(() => harness.close());
    const { store, receiver } = harness;

    await harness.until('two crawls of every source', async () => (await Promise.all([...HOSTILE_CASES, 'healthy'].map((name) => crawlCount(store, name)))).every((n) => n >= 2), 40_000);
    for (const name of HOSTILE_CASES) {
      const [last] = await store.recentCrawls({ sourceId: name, limit: 1 });
      const expected = EXPECTED[name];
      if ('error' in expected) {
        expect({ name, outcome: last!.outcome }).toEqual({ name, outcome: 'failed' });
        expect(last!.error, name).toMatch(expected.error);
      } else {
        // Read once; the same bytes again are not modified.
        const outcomes = (await store.recentCrawls({ sourceId: name, limit: 100 })).map((c) => c.outcome);
        expect({ name, outcomes: [...new Set(outcomes)].sort() }).toEqual({ name, outcomes: [expected.outcome, 'not-modified'].sort() });
      }
    }
    // The 10,000-link list: its first 500 entries, in page order, and one warning however many crawls.
    const [manyBaseline] = (await store.recentCrawls({ sourceId: 'many-links', limit: 100 })).slice(-1);
    expect(manyBaseline).toMatchObject({ outcome: 'baseline', entriesFound: 500 });
    const longList = lines.filter((l) => l.level === 40 && /the latest list has 10000 entries; only the first 500 are read \(limits\.maxListEntries\)/.test(l.msg));
    expect(longList).toHaveLength(1);
    // The unknown charset: read, with a warning naming the label.
    expect(lines.some((l) => l.level === 40 && l.msg.includes('crawl unknown-charset: unknown charset "x-klingon"'))).toBe(true);

    // The healthy source alerts, once.
    healthy.publish(toPublish[0]!);
    const [got] = await receiver.waitFor(1, 20_000);
    expect(got!.payload!.data.source).toBe('healthy');
    expect(got!.payload!.data.entry.title).toBe(toPublish[0]!.title);
    const seen = await crawlCount(store, 'healthy');
    await harness.until('three more crawls of the healthy source', async () => (await crawlCount(store, 'healthy')) >= seen + 3, 20_000);
    expect(receiver.received).toHaveLength(1);
    expect(secretHits).toBe(0);
  }, 120_000);
});
