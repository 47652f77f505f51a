import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { hostOf, loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { fetchPages } from '../../src/crawlers/page-fetcher.ts';
import { RobotsPolicy } from '../../src/crawlers/robots-policy.ts';
import { startNewsSite } from '../../src/demo/news-site.ts';
import { ONCE_CONCURRENCY, runOnce } from '../../src/jobs/run-once.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { initialStories } from '../fixtures/stories.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface TimedSite {
  url: string;
  /** Arrival times of the page requests (robots.txt aside), in the order the site saw them. */
  times(): Promise<number[]>;
}

/**
 * A site on its own thread, so the arrival times it records are not held back while the crawler, on the test's
 * thread, parses a page. Every path but /robots.txt answers one news page with its latest list.
 */
async function site(html: string, robotsTxt: string | null = null): Promise<TimedSite> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const times = [];
     const server = require('node:http').createServer((req, res) => {
       if (req.url === '/robots.txt') {
         res.writeHead(workerData.robotsTxt === null ? 404 : 200, { 'content-type': 'text/plain' });
         return res.end(workerData.robotsTxt ?? 'not found');
       }
       times.push(Date.now());
       res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
       res.end(workerData.html);
     });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
     parentPort.on('message', () => parentPort.postMessage(times));`,
    { eval: true, workerData: { html, robotsTxt } },
  );
  cleanups.push(() => worker.terminate().then(() => undefined));
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    times: () =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('times');
      }),
  };
}

/**
 * Spacing counts from when a request leaves the crawler; the site's clock also counts the time to the socket and
 * the transit, which varied by up to 37 ms on these two shared cores (load 3.5). Every fault this test is for
 * shows far below it: no override or no Crawl-delay gives gaps of a few ms, and spacing counted from when a lane
 * took the source (before a cold crawler took 150 ms to send) gave 93 ms on a 250 ms interval.
 */
const TRANSIT_MS = 50;
const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

describe('vigie start --once spacing', () => {
  it('spaces each host by its own interval or its longer robots.txt Crawl-delay, and a slow host holds up no other', async () => {
    const news = await startNewsSite({ template: 'reference', articles: initialStories.slice(0, 8) });
    const html = await (await fetch(news.listUrl)).text();
    await news.close();
    const slow = await site(html); // hosts.<host>.interval: 200ms
    const delayed = await site(html, 'User-agent: *\nCrawl-delay: 0.4\n'); // configured 0s, Crawl-delay 400 ms
    const free = await site(html); // crawl.hostInterval: 0s
    const pages = (s: TimedSite, n: number) => Array.from({ length: n }, (_, i) => `${s.url}news/${i}`);
    // More sources of the slow host than --once has lanes, and the free host's last: lanes that took sources in
    // config order and then waited for their host would all be waiting on the slow host.
    const urls = [...pages(delayed, 3), ...pages(slow, ONCE_CONCURRENCY + 2), ...pages(free, 5)];
    const storage = mkdtempSync(join(tmpdir(), 'vigie-test-'));
    cleanups.push(() => rmSync(storage, { recursive: true, force: true }));
    const config = loadConfig({
      env: {},
      object: {
        storage,
        crawl: { hostInterval: '0s', timeout: '5s' },
        hosts: { [hostOf(slow.url)]: { interval: '200ms' } },
        network: { allow: ['127.0.0.1/32'] },
        sources: urls.map((url, i) => ({ id: `s${i}`, url })),
      },
    });
    const store = new SqliteStore({ path: join(storage, 'vigie.db') });
    cleanups.push(() => store.close());
    await store.syncSources(config.sources, new Date().toISOString());
    const robots = new RobotsPolicy({ userAgent: config.crawl.userAgent, allowNetworks: config.network.allow });

    const report = await runOnce({ config, store, log: createLogger('silent'), robots, browser: null, fetchPages, now: () => new Date() });

    expect(report.failedSources).toEqual([]);
    expect(report.sources.map((s) => s.outcome)).toEqual(urls.map(() => 'baseline'));
    const [slowTimes, delayedTimes, freeTimes] = [await slow.times(), await delayed.times(), await free.times()];
    expect([slowTimes.length, delayedTimes.length, freeTimes.length]).toEqual([ONCE_CONCURRENCY + 2, 3, 5]);
    expect(Math.min(...gaps(slowTimes))).toBeGreaterThanOrEqual(200 - TRANSIT_MS);
    expect(Math.min(...gaps(delayedTimes))).toBeGreaterThanOrEqual(400 - TRANSIT_MS);
    // The free host is done while the slow one is still on its first slots (lanes taken in config order would
    // have reached it after the slow host's fourth request).
    expect(Math.max(...freeTimes)).toBeLessThan(slowTimes[2]!);
  }, 20_000);
});
