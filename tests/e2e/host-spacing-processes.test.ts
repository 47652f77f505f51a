import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite } from '../../src/demo/news-site.ts';
import { QUEUE_NAMES } from '../../src/jobs/index.ts';
import { initialStories } from '../fixtures/stories.ts';
import { tempConfig } from '../helpers/config-file.ts';
import { REDIS_URL } from '../helpers/harness.ts';
import { until } from '../helpers/wait.ts';

const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const INTERVAL_MS = 500;
const SOURCES = Array.from({ length: 20 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

interface Worker {
  child: ChildProcess;
  /** The `crawl <source>: ...` lines this process logged (LOG_LEVEL=info, JSON lines). */
  crawled(): string[];
  output(): string;
}

function startWorker(file: string): Worker {
  const child = spawn(process.execPath, [BIN, 'worker', '--config', file], { env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const crawled = () =>
    out
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string }];
        } catch {
          return [];
        }
      })
      .map((l) => /^crawl (\S+): /.exec(l.msg ?? '')?.[1])
      .filter((s): s is string => s !== undefined);
  return { child, crawled, output: () => out };
}

describe('two worker processes on one Redis', () => {
  // This found that a worker's first request can leave a second after its slot (cold crawler): spacing timed from
  // the grant let the other process's requests land 2-50 ms from it. The job that goes now holds the host until
  // its request has left.
  it("share a host's spacing: no two requests closer than the interval, and the host kept busy", async () => {
    const site = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 10) });
    cleanups.push(() => site.close());
    // Twenty list pages of one host (the home page answers any query string), each crawled once on demand. The
    // cleanup removes the queues and the host gate's keys under the prefix.
    const { file, prefix } = tempConfig(
      cleanups,
      'spacing',
      ['workers: { crawlConcurrency: 4 }', 'sources:', ...SOURCES.map((id) => `  - { id: ${id}, url: "${site.url}?section=${id}", every: 1h }`)],
      `{ hostInterval: ${INTERVAL_MS}ms, timeout: 5s }`,
    );
    const workers = [startWorker(file), startWorker(file)];
    const crawlQueue = new Queue(QUEUE_NAMES.crawl, { connection: { url: REDIS_URL }, prefix });
    cleanups.push(() => crawlQueue.close());
    await until('both worker processes listening on the crawl queue', async () => ((await crawlQueue.getWorkersCount()) >= 2 ? true : undefined), 30_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${workers.map((w) => w.output()).join('\n---\n')}`);
    });

    // All at once: far more work than one request per interval, so the host always has someone waiting.
    await crawlQueue.addBulk(SOURCES.map((sourceId) => ({ name: 'crawl', data: { sourceId }, opts: { jobId: `crawl-${sourceId}-spacing` } })));
    // The list pages; each baseline also asks for a template warm-up, whose article requests come after the crawls.
    const pageRequests = () => site.requests.filter((r) => r.path.startsWith('/?section='));
    await until('one crawl of every source', () => (pageRequests().length >= SOURCES.length ? true : undefined), SOURCES.length * INTERVAL_MS + 20_000).catch((err) => {
      const at = pageRequests().map((r) => r.at);
      throw new Error(`${(err as Error).message}: ${at.length} of ${SOURCES.length} pages requested, at ${at.map((t) => t - at[0]!).join(' ')} ms`);
    });
    await until('every crawl logged', () => (workers.flatMap((w) => w.crawled()).length >= SOURCES.length ? true : undefined), 5_000);
    // A little longer, so a request sent twice would show.
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 2));

    // Each source was crawled once, and both processes did part of the work.
    const perProcess = workers.map((w) => w.crawled());
    expect(perProcess.flat().sort()).toEqual(SOURCES);
    for (const crawled of perProcess) expect(crawled.length).toBeGreaterThan(0);
    const times = pageRequests().map((r) => r.at);
    expect(times).toHaveLength(SOURCES.length);

    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = (times.at(-1)! - times[0]!) / gaps.length;
    const summary = `gaps (ms): ${gaps.join(' ')}; mean ${mean.toFixed(0)}; per process ${perProcess.map((p) => p.length).join(' + ')}`;
    // Never closer than the interval, whichever process sent them (a few ms for clock rounding only).
    expect.soft(Math.min(...gaps), summary).toBeGreaterThanOrEqual(INTERVAL_MS - 5);
    // Warm-up requests included: they go through the same host line.
    const all = site.requests.filter((r) => r.path !== '/robots.txt').map((r) => r.at);
    expect.soft(Math.min(...all.slice(1).map((t, i) => t - all[i]!)), `all requests: ${site.requests.map((r) => r.path).join(' ')}`).toBeGreaterThanOrEqual(INTERVAL_MS - 5);
    // And no slot wasted while work waited: on average close to one request per interval.
    expect.soft(mean, summary).toBeLessThanOrEqual(INTERVAL_MS * 1.25);
  }, 60_000);
});
