import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/alerts/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { deliverWebhook } from '../../src/jobs/use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { SqliteStore } from '../../src/store/index.ts';

const CREATED = '2026-12-01T08:00:00.000Z';
const after = (ms: number) => new Date(Date.parse(CREATED) + ms);
const HOUR = 3_600_000;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = { type: 'article.new', timestamp: CREATED, data: { source: 'src', entry: { title: 'T', url: 'https://site.example.org/a/1' } } };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** Checked here with node:crypto, without a replay window: the use-case runs on an injected clock. */
  signed: boolean;
}

let dir: string;
let store: SqliteStore;
let server: Server;
let url: string;
let received: Received[];
let answer: { status: number; headers?: Record<string, string> };

const signedWith = (headers: IncomingHttpHeaders, text: string) => {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${text}`).digest('base64');
  return headers['webhook-signature'] === `v1,${mac}`;
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-deliver-'));
  store = new SqliteStore({ path: join(dir, 'vigie.db') });
  received = [];
  answer = { status: 204 };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body: text, signed: signedWith(req.headers, text) });
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function configWith(webhooks: Array<{ url: string }>, delivery: Record<string, unknown> = {}, allow = ['127.0.0.1/32']): Config {
  return loadConfig({ env: {}, cwd: dir, object: { storage: dir, network: { allow }, delivery: { timeout: '2s', ...delivery }, webhooks: webhooks.map((w) => ({ ...w, secret })) } });
}

/** Deps for the use-case with a clock we set; fetching pages is not part of a delivery. */
function depsAt(config: Config, clock: { now: Date }): UseCaseDeps {
  const fetchPages = () => Promise.reject(new Error('a delivery does not fetch pages'));
  return { config, store, log: createLogger('silent'), robots: null, browser: null, fetchPages, now: () => clock.now };
}

async function newDelivery(config: Config): Promise<number> {
  const created = await store.createEvent(
    { type: 'article.new', dedupeKey: `k-${randomBytes(4).toString('hex')}`, sourceId: 'src', storyId: null, payload: body, webhooks: config.webhooks },
    CREATED,
  );
  return created!.deliveries[0]!.id;
}

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    (v) => {
      throw new Error(`resolved with ${String(v)}, but it should have thrown`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('deliverWebhook', () => {
  it('gives up at once on a receiver at a refused address, sends nothing, and logs why', async () => {
    const config = configWith([{ url }], {}, ['127.0.0.2/32']);
    const id = await newDelivery(config);
    const warnings: string[] = [];
    const log = createLogger('silent');
    const deps = { ...depsAt(config, { now: after(1_000) }), log: { ...log, warn: (_o: object, msg?: string) => void warnings.push(msg ?? ''), child: () => log } };
    expect(await deliverWebhook(deps, id)).toBe('gave-up');
    expect(received).toEqual([]);
    // Scheme and host only: a webhook URL's path can be its credential.
    const reason = `POST ${new URL(url).origin}: 127.0.0.1 resolves to 127.0.0.1, a loopback address; allow it with network.allow`;
    expect(await store.attempts(id)).toEqual([expect.objectContaining({ outcome: 'gave-up', status: null, error: reason })]);
    expect(warnings).toEqual([expect.stringContaining(`gave-up, status none, attempt 1`)]);
    expect(warnings[0]).toContain(reason);
  });

  it('delivers a signed body and logs it; a delivered delivery is not sent again', async () => {
    const config = configWith([{ url }]);
    const clock = { now: after(1_000) };
    const id = await newDelivery(config);
    expect(await deliverWebhook(depsAt(config, clock), id)).toBe('delivered');
    expect(received).toHaveLength(1);
    expect(received[0]!.signed).toBe(true);
    expect(JSON.parse(received[0]!.body)).toEqual(body);
    expect(received[0]!.headers['webhook-id']).toBe((await store.getDeliveryWork(id))!.msgId);
    expect(received[0]!.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now.getTime() / 1000)));
    expect(await store.attempts(id)).toEqual([expect.objectContaining({ at: clock.now.toISOString(), status: 204, outcome: 'delivered', error: null })]);

    clock.now = after(2_000);
    expect(await deliverWebhook(depsAt(config, clock), id)).toBe('already-done');
    expect(received).toHaveLength(1);
    expect(await store.attempts(id)).toHaveLength(1);
  });

  it('a paused webhook: the delivery waits (retry-later, nothing sent, no attempt logged); resumed, it is sent', async () => {
    const config = configWith([{ url }]);
    const clock = { now: after(1_000) };
    const id = await newDelivery(config);
    await store.setWebhookPaused(config.webhooks[0]!.id, true, clock.now.toISOString());
    const err = await deliverWebhook(depsAt(config, clock), id).then(
      () => null,
      (e: unknown) => e as Error & { fate?: string; retryAfterMs?: number },
    );
    expect(err?.name).toBe('WebhookPausedError');
    expect(err?.fate).toBe('retry-later');
    expect(err?.retryAfterMs).toBeGreaterThan(0);
    expect(err?.message).toContain(new URL(url).origin);
    expect(err?.message).not.toContain('/hook');
    expect(received).toEqual([]);
    expect(await store.attempts(id)).toEqual([]);
    await store.setWebhookPaused(config.webhooks[0]!.id, false, clock.now.toISOString());
    expect(await deliverWebhook(depsAt(config, clock), id)).toBe('delivered');
    expect(received).toHaveLength(1);
  });

  it('a replayed delivery is sent again, under its webhook-id, with a retry window that starts at the replay', async () => {
    const config = configWith([{ url }], { retryFor: '1h' });
    const id = await newDelivery(config);
    expect(await deliverWebhook(depsAt(config, { now: after(1_000) }), id)).toBe('delivered');
    // Two days later: replayed, then its receiver fails once; within the new window the failure is a retry, not the end.
    await store.replayDelivery(id, after(48 * HOUR).toISOString());
    answer = { status: 503 };
    await rejection(deliverWebhook(depsAt(config, { now: after(48 * HOUR + 1_000) }), id));
    answer = { status: 204 };
    expect(await deliverWebhook(depsAt(config, { now: after(48 * HOUR + 60_000) }), id)).toBe('delivered');
    expect(received.map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(received[0]!.headers['webhook-id']));
    expect((await store.attempts(id)).map((a) => a.outcome)).toEqual(['delivered', 'retry', 'delivered']);
  });

  it('within the retry window, a failed attempt is logged and rethrown for BullMQ to retry', async () => {
    const config = configWith([{ url }]);
    const id = await newDelivery(config);
    answer = { status: 500 };
    const clock = { now: after(HOUR) };
    const err = await rejection(deliverWebhook(depsAt(config, clock), id));
    expect([err.fate, err.status]).toEqual(['retry', 500]);
    clock.now = after(23 * HOUR);
    await rejection(deliverWebhook(depsAt(config, clock), id));
    expect((await store.attempts(id)).map((a) => [a.at, a.status, a.outcome])).toEqual([
      [after(HOUR).toISOString(), 500, 'retry'],
      [after(23 * HOUR).toISOString(), 500, 'retry'],
    ]);
    expect((await store.attempts(id))[0]!.error).toMatch(/HTTP 500/);
    expect(await store.getDeliveryWork(id)).toMatchObject({ state: 'pending', attempts: 2 });

    answer = { status: 200 };
    clock.now = after(23.5 * HOUR);
    expect(await deliverWebhook(depsAt(config, clock), id)).toBe('delivered');
    expect((await store.getDeliveryWork(id))!.state).toBe('delivered');
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(received.map((r) => r.headers['webhook-timestamp'])).size).toBe(3);
    expect(received.every((r) => r.signed && r.body === received[0]!.body)).toBe(true);
  });

  it('a 429 keeps its Retry-After on the rethrown error', async () => {
    const config = configWith([{ url }]);
    const id = await newDelivery(config);
    answer = { status: 429, headers: { 'retry-after': '30' } };
    const deps = depsAt(config, { now: after(1_000) });
    const err = await rejection(deliverWebhook(deps, id));
    expect([err.fate, err.retryAfterMs]).toEqual(['retry-later', 30_000]);
    expect((await store.attempts(id))[0]).toMatchObject({ status: 429, outcome: 'retry' });
  });

  it('past delivery.retryFor, a failed attempt gives up and logs why', async () => {
    const config = configWith([{ url }], { retryFor: '2h' });
    const id = await newDelivery(config);
    answer = { status: 503 };
    const clock = { now: after(2 * HOUR) };
    expect(await deliverWebhook(depsAt(config, clock), id)).toBe('gave-up');
    const [attempt] = await store.attempts(id);
    expect(attempt).toMatchObject({ status: 503, outcome: 'gave-up' });
    expect(attempt!.error).toMatch(/HTTP 503.*retry window of 2 h is over/);
    expect((await store.getDeliveryWork(id))!.state).toBe('failed');
    expect(await store.pendingDeliveries()).toEqual([]);
    expect(await deliverWebhook(depsAt(config, clock), id)).toBe('already-done');
    expect(received).toHaveLength(1);
  });

  it('a receiver that says the request can never succeed (410) gives up at once', async () => {
    const config = configWith([{ url }]);
    const id = await newDelivery(config);
    answer = { status: 410 };
    expect(await deliverWebhook(depsAt(config, { now: after(1_000) }), id)).toBe('gave-up');
    expect(await store.attempts(id)).toEqual([expect.objectContaining({ status: 410, outcome: 'gave-up', error: expect.stringMatching(/HTTP 410/) })]);
  });

  it('a webhook removed from the config gives up with a clear error, sending nothing', async () => {
    const config = configWith([{ url }]);
    const id = await newDelivery(config);
    const withoutIt = configWith([{ url: 'https://elsewhere.example.org/hook' }]);
    expect(await deliverWebhook(depsAt(withoutIt, { now: after(1_000) }), id)).toBe('gave-up');
    expect(received).toHaveLength(0);
    const [attempt] = await store.attempts(id);
    expect(attempt).toMatchObject({ status: null, outcome: 'gave-up' });
    expect(attempt!.error).toContain(config.webhooks[0]!.id);
    expect(attempt!.error).toContain(`(${new URL(url).origin})`);
    expect(attempt!.error).not.toContain('/hook');
    expect(attempt!.error).toMatch(/no longer configured/);
    expect((await store.getDeliveryWork(id))!.state).toBe('failed');
  });
});
