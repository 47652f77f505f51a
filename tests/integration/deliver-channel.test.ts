// deliverWebhook for deliveries to channels (the channel's id as the delivery's webhook id): the message built from
// the watchlist.match event, the same attempts log, fates, Retry-After and retry window as webhooks.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelTarget, DeliveryError, watchlistEvent } from '../../src/alerts/index.ts';
import { WebhookPausedError } from '../../src/alerts/webhook-paused-error.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { deliverWebhook } from '../../src/jobs/use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { compileWatchlists } from '../../src/watch/compile-watchlists.ts';

const CREATED = '2026-12-01T08:00:00.000Z';
const after = (ms: number) => new Date(Date.parse(CREATED) + ms);
const SECRET_PATH = '/api/webhooks/123/T0kenSecret';
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const TITLE = 'SAMP/T battery deployed near the border';

let dir: string;
let store: SqliteStore;
let server: Server;
let base: string;
let received: Array<{ headers: IncomingHttpHeaders; body: string }>;
let answer: { status: number; headers?: Record<string, string>; body?: string };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-deliver-channel-'));
  store = new SqliteStore({ path: join(dir, 'vigie.db') });
  received = [];
  answer = { status: 204 };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function configWith(channels: unknown[]): Config {
  return loadConfig({
    env: {},
    cwd: dir,
    object: { storage: dir, network: { allow: ['127.0.0.1/32'] }, delivery: { timeout: '2s', retryFor: '1h' }, server: { publicUrl: 'https://vigie.example.org' }, channels },
  });
}

function depsAt(config: Config, now: Date, warnings: string[] = []): UseCaseDeps {
  const log = createLogger('silent');
  return {
    config,
    store,
    log: { ...log, warn: (_o: object, msg?: string) => void warnings.push(msg ?? ''), child: () => log },
    robots: null,
    browser: null,
    fetchPages: () => Promise.reject(new Error('a delivery does not fetch pages')),
    now: () => now,
  };
}

const matcher = compileWatchlists([{ id: 'air-defence', terms: ['SAMP/T | Mamba', 'Patriot'] }]);

/** A watchlist.match event for story 42 and one delivery to the config's only channel. */
async function newDelivery(config: Config): Promise<{ id: number; payload: ReturnType<typeof watchlistEvent> }> {
  const [match] = matcher.match(TITLE, 'The army deployed a SAMP-T battery near the border on Monday, beside Patriot launchers.');
  const payload = watchlistEvent({
    watchlistId: 'air-defence',
    hits: match!.hits,
    source: 'european-security',
    story: { id: 42, copies: [{ source: 'european-security', url: 'https://news.example.org/samp-t' }] },
    entry: { title: TITLE, url: 'https://news.example.org/samp-t', firstSeenAt: CREATED },
    article: { title: TITLE, text: 'The army deployed…', lang: 'en', publishedAt: CREATED, url: 'https://news.example.org/samp-t' },
    now: CREATED,
  });
  const created = await store.createEvent(
    { type: 'watchlist.match', dedupeKey: 'watchlist.match:air-defence:story:42', sourceId: 'european-security', storyId: 42, payload, webhooks: config.channels.map(channelTarget) },
    CREATED,
  );
  return { id: created!.deliveries[0]!.id, payload };
}

describe('deliverWebhook to channels', () => {
  it('Discord: a 429 with retry_after is retry-later with its wait and logged; the next attempt delivers the embed', async () => {
    const config = configWith([{ id: 'air-discord', discord: `${base}${SECRET_PATH}` }]);
    const { id } = await newDelivery(config);
    answer = { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"You are being rate limited.","retry_after":1.5,"global":false}' };
    const warnings: string[] = [];
    const err = await deliverWebhook(depsAt(config, after(1_000), warnings), id, 1).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ fate: 'retry-later', status: 429, retryAfterMs: 1_500 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^delivery watchlist\\.match to ${base.replace(/[.]/g, '\\.')}: retry, status 429, attempt 1, \\d+ ms`));
    for (const text of [...warnings, (err as Error).message]) expect(text).not.toContain('T0kenSecret');

    answer = { status: 204 };
    expect(await deliverWebhook(depsAt(config, after(3_000)), id, 2)).toBe('delivered');
    expect((await store.attempts(id)).map((a) => [a.outcome, a.status])).toEqual([
      ['retry', 429],
      ['delivered', 204],
    ]);
    expect(received).toHaveLength(2);
    const embed = JSON.parse(received[1]!.body).embeds[0];
    expect(JSON.stringify(embed)).toContain(TITLE);
    expect(JSON.stringify(embed)).toContain('https://vigie.example.org/stories/42');
    expect(JSON.stringify(embed)).toContain('SAMP-T');
    expect((await store.deliveries())[0]!.state).toBe('delivered');
  });

  it('Slack: a 400 gives up at once, the token never in the attempts log', async () => {
    const config = configWith([{ id: 'air-slack', slack: `${base}${SECRET_PATH}` }]);
    const { id } = await newDelivery(config);
    answer = { status: 400, body: `invalid_blocks at ${base}${SECRET_PATH}` };
    expect(await deliverWebhook(depsAt(config, after(1_000)), id, 1)).toBe('gave-up');
    const [attempt] = await store.attempts(id);
    expect(attempt).toMatchObject({ outcome: 'gave-up', status: 400 });
    expect(attempt!.error).toContain('invalid_blocks');
    expect(attempt!.error).not.toContain('T0kenSecret');
    expect(JSON.parse(received[0]!.body).blocks.length).toBeGreaterThan(0);
  });

  it('Teams: a 503 past the retry window gives up, saying so', async () => {
    const config = configWith([{ id: 'air-teams', teams: `${base}${SECRET_PATH}` }]);
    const { id } = await newDelivery(config);
    answer = { status: 503 };
    expect(await deliverWebhook(depsAt(config, after(3_600_000)), id, 9)).toBe('gave-up');
    const [attempt] = await store.attempts(id);
    expect(attempt!.error).toMatch(/retry window of 1 h is over$/);
    expect(JSON.parse(received[0]!.body).attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('a webhook channel gets the event body itself, signed with its secret', async () => {
    const config = configWith([{ id: 'relay', webhook: { url: `${base}/hook`, secret } }]);
    const { id, payload } = await newDelivery(config);
    expect(await deliverWebhook(depsAt(config, after(1_000)), id, 1)).toBe('delivered');
    const [r] = received;
    expect(JSON.parse(r!.body)).toEqual(payload);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`${String(r!.headers['webhook-id'])}.${String(r!.headers['webhook-timestamp'])}.${r!.body}`).digest('base64');
    expect(r!.headers['webhook-signature']).toBe(`v1,${mac}`);
  });

  it('a paused channel waits without an attempt; a channel no longer configured gives up', async () => {
    const config = configWith([{ id: 'air-slack', slack: `${base}${SECRET_PATH}` }]);
    const { id } = await newDelivery(config);
    await store.setWebhookPaused('air-slack', true, CREATED);
    await expect(deliverWebhook(depsAt(config, after(1_000)), id, 1)).rejects.toBeInstanceOf(WebhookPausedError);
    expect(await store.attempts(id)).toEqual([]);
    await store.setWebhookPaused('air-slack', false, CREATED);

    const without = configWith([]);
    expect(await deliverWebhook(depsAt(without, after(2_000)), id, 1)).toBe('gave-up');
    const [attempt] = await store.attempts(id);
    expect(attempt!.error).toMatch(/^webhook air-slack \(http:\/\/127\.0\.0\.1:\d+\) is no longer configured$/);
    expect(received).toEqual([]);
  });
});
