import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config, type ConfigInput } from '../../src/config/index.ts';
import { startWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions } from '../../src/demo/webhook-receiver.ts';
import { createLogger } from '../../src/create-logger.ts';
import type { Logger } from '../../src/jobs/index.ts';
import { startMonitor, type Monitor, type MonitorOptions } from '../../src/monitor.ts';
import { obliterateQueues } from './wait.ts';
import type { Store } from '../../src/store/index.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Where test servers listen. Loopback is refused unless allowed, so tests allow exactly these two hosts. */
export const LOOPBACK_ALLOWED = ['127.0.0.1/32', '::1/128'];

export interface HarnessOptions {
  sources: NonNullable<ConfigInput['sources']>;
  /** Events the receiver's webhook subscribes to. Default ['article.new']. */
  events?: string[];
  respond?: WebhookReceiverOptions['respond'];
  crawl?: Record<string, unknown>;
  /** `limits:` in the config. Default: the config's defaults. */
  limits?: Record<string, unknown>;
  /** Per-host overrides (`hosts:` in the config). */
  hosts?: Record<string, unknown>;
  /** `network:` in the config. Default: loopback allowed (127.0.0.1/32 and ::1/128), where the fixture servers listen. */
  network?: { allow: string[] };
  /** The monitor's logger. Default: pino at LOG_LEVEL, else silent. */
  log?: Logger;
  server?: boolean;
  /** Redis URL. Default REDIS_URL. */
  redis?: string;
  /** `delivery:` and `reconcile:` in the config. Default: theirs. */
  delivery?: Record<string, unknown>;
  reconcile?: Record<string, unknown>;
  /** The resolver of the page fetches' connect-time address check (a test resolver). Default: the system's. */
  lookup?: MonitorOptions['lookup'];
  /** `channels:` and `watchlists:` in the config. Default: none. */
  channels?: ConfigInput['channels'];
  watchlists?: ConfigInput['watchlists'];
}

export interface Harness {
  config: Config;
  monitor: Monitor;
  receiver: WebhookReceiver;
  store: Store;
  secret: string;
  storage: string;
  /** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
  until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A whole monitor against real Redis (own queue prefix), real HTTP sites and a real receiver, cleaned up after. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const receiver = await startWebhookReceiver({ secret, respond: options.respond });
  const storage = mkdtempSync(join(tmpdir(), 'vigie-test-'));
  const config = loadConfig({
    env: {},
    object: {
      redis: options.redis ?? REDIS_URL,
      storage,
      delivery: options.delivery,
      reconcile: options.reconcile,
      queuePrefix: `{vigie-test-${randomBytes(6).toString('hex')}}`,
      server: { host: '127.0.0.1', port: 0 },
      crawl: { hostInterval: '10ms', timeout: '5s', ...options.crawl },
      limits: options.limits,
      hosts: options.hosts,
      network: options.network ?? { allow: LOOPBACK_ALLOWED },
      sources: options.sources,
      webhooks: [{ url: receiver.url, secret, events: options.events ?? ['article.new'] }],
      channels: options.channels,
      watchlists: options.watchlists,
    },
  });
  const monitor = await startMonitor({
    config,
    roles: { scheduler: true, workers: true, server: options.server ?? false },
    log: options.log ?? createLogger(process.env.LOG_LEVEL ?? 'silent'),
    lookup: options.lookup,
  });
  const store = monitor.deps.store;
  return {
    config,
    monitor,
    receiver,
    store,
    secret,
    storage,
    async until(what, predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await monitor.close();
      await obliterateQueues(config.redis, config.queuePrefix);
      await receiver.close();
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

/** Number of crawls recorded for a source so far. */
export async function crawlCount(store: Store, sourceId: string): Promise<number> {
  return (await store.recentCrawls({ sourceId, limit: 10_000 })).length;
}
