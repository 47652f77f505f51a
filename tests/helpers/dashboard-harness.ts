import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { CHROMIUM_ARGS } from '../../src/crawlers/browser-fetcher.ts';
import { startNewsSite, type NewsArticle, type NewsSite, type TemplateName } from '../../src/demo/news-site.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo/webhook-receiver.ts';
import { startMonitor, type Monitor } from '../../src/monitor.ts';
import type { Store } from '../../src/store/index.ts';
import { LOOPBACK_ALLOWED, REDIS_URL } from './harness.ts';
import { obliterateQueues } from './wait.ts';

export interface DashboardSiteSpec {
  id: string;
  template: TemplateName;
  articles: readonly NewsArticle[];
  /** The source's schedule: `every` ('2s'), or a `cron` pattern. */
  every?: string;
  cron?: string;
  /** The site's name in its pages. */
  title?: string;
}

export interface DashboardHarness {
  /** The dashboard's origin, e.g. `http://127.0.0.1:40123`. */
  base: string;
  /** VIGIE_TOKEN of the server. */
  token: string;
  config: Config;
  monitor: Monitor;
  store: Store;
  receiver: WebhookReceiver;
  sites: Record<string, NewsSite>;
  close(): Promise<void>;
}

/**
 * A whole monitor (scheduler, workers and the server with a token, so the dashboard's actions work) on real Redis
 * under its own queue prefix, a temp SQLite store, one fixture news site per source and a local webhook receiver.
 * close() stops and removes all of it; a failure while starting closes what had started.
 */
export async function startDashboardHarness(specs: DashboardSiteSpec[]): Promise<DashboardHarness> {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // Keep closing the rest: a leftover server or folder is worse than a swallowed close error.
      }
    }
  };
  try {
    const sites: Record<string, NewsSite> = {};
    for (const spec of specs) {
      const site = await startNewsSite({ template: spec.template, articles: spec.articles, title: spec.title });
      closers.push(() => site.close());
      sites[spec.id] = site;
    }
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await startWebhookReceiver({ secret });
    closers.push(() => receiver.close());
    const storage = mkdtempSync(join(tmpdir(), 'vigie-dashboard-'));
    closers.push(() => rmSync(storage, { recursive: true, force: true }));
    const token = randomBytes(18).toString('base64url');
    const queuePrefix = `{vigie-test-${randomBytes(6).toString('hex')}}`;
    closers.push(() => obliterateQueues(REDIS_URL, queuePrefix));
    const config = loadConfig({
      env: {},
      object: {
        redis: REDIS_URL,
        storage,
        queuePrefix,
        server: { host: '127.0.0.1', port: 0, token },
        crawl: { hostInterval: '10ms', timeout: '5s' },
        network: { allow: LOOPBACK_ALLOWED },
        sources: specs.map((s) => ({ id: s.id, url: sites[s.id]!.listUrl, ...(s.cron ? { cron: s.cron } : { every: s.every }) })),
        webhooks: [{ url: receiver.url, secret, events: ['article.new'] }],
      },
    });
    const monitor = await startMonitor({
      config,
      roles: { scheduler: true, workers: true, server: true },
      log: createLogger(process.env.LOG_LEVEL ?? 'silent'),
    });
    closers.push(() => monitor.close());
    if (!monitor.url) throw new Error('the monitor started no server');
    return { base: monitor.url, token, config, monitor, store: monitor.deps.store, receiver, sites, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Debian's Chromium through playwright-core, with the flags this machine needs (no outside network). Our own
 * dashboard is what it renders, so as root it runs without its sandbox (which root cannot have).
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS], chromiumSandbox: process.getuid?.() !== 0 });
}
