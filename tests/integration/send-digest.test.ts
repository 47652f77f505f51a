// Digests on both backends, sent for real to loopback receivers (an SMTP server, a Slack-shaped receiver): each
// channel gets one message with the groups of its watchlists; nothing when nothing matched unless sendEmpty; a digest
// retried after a crash sends the same stories once; a match committed late goes in the next digest, never in none.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchlistEvent, type DigestEventBody } from '../../src/alerts/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { deliverWebhook } from '../../src/jobs/use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { digestEventKey, sendDigest } from '../../src/jobs/use-cases/send-digest.ts';
import { digestScheduleKey } from '../../src/jobs/digest-schedules.ts';
import type { Store } from '../../src/store/index.ts';
import { compileWatchlists } from '../../src/watch/compile-watchlists.ts';
import { backends, type TestStore } from '../helpers/stores.ts';
import { smtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.ts';

const CRON = '0 7 * * 1-5';
const TZ = 'Europe/Paris';
// Tuesday 2026-12-01 07:00 in Paris; the tick before it is Monday 07:00 Paris (06:00 UTC).
const DUE = Date.parse('2026-12-01T06:00:00.000Z');
const MONDAY = Date.parse('2026-11-30T06:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const hour = 3_600_000;
const patriot = compileWatchlists([{ id: 'any', terms: ['Patriot', 'Baltic'] }]);

describe.each(backends)('digests on $name', ({ open }) => {
  let opened: TestStore;
  let store: Store;
  let dir: string;
  let smtp: SmtpReceiver;
  let slack: { server: Server; url: string; bodies: string[] };

  beforeEach(async () => {
    opened = await open();
    store = opened.store;
    dir = mkdtempSync(join(tmpdir(), 'vigie-digest-'));
    smtp = await smtpReceiver();
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    slack = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/XX`, bodies };
  });
  afterEach(async () => {
    slack.server.closeAllConnections();
    await new Promise((r) => slack.server.close(r));
    await smtp.close();
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function config(watchlists: unknown[]): Config {
    return loadConfig({
      env: {},
      cwd: dir,
      object: {
        storage: dir,
        network: { allow: ['127.0.0.1/32'] },
        delivery: { timeout: '5s' },
        server: { publicUrl: 'https://vigie.example.org' },
        channels: [
          { id: 'morning-mail', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: smtp.url() } },
          { id: 'air-desk', slack: slack.url },
        ],
        watchlists,
      },
    });
  }

  function deps(cfg: Config, now: number, on: Store = store): UseCaseDeps {
    return { config: cfg, store: on, log: createLogger('silent'), robots: null, browser: null, fetchPages: () => Promise.reject(new Error('no fetch')), now: () => new Date(now) };
  }

  /** What readArticle files for a matching story: the match, and its watchlist.match event (no delivery needed here). */
  async function matched(watchlistId: string, storyId: number, title: string, at: number): Promise<void> {
    const now = iso(at);
    const text = `The whole text of ${title}.\n\nA second paragraph on other matters.\n\nA closing paragraph which a digest does not reprint.`;
    const hits = patriot.match(title, text)[0]!.hits;
    await store.transaction(async (tx) => {
      expect(await tx.recordWatchlistMatch({ watchlistId, storyId, articleId: storyId * 10, hits }, now)).toBe(true);
      const payload = watchlistEvent({
        watchlistId,
        hits,
        source: 'gov',
        story: { id: storyId, copies: [{ source: 'gov', url: `https://gov.example.org/${storyId}` }] },
        entry: { title, url: `https://gov.example.org/${storyId}`, firstSeenAt: now },
        article: { title, text, lang: 'en', publishedAt: now, url: `https://gov.example.org/${storyId}` },
        now,
      });
      await tx.createEvent({ type: 'watchlist.match', dedupeKey: `watchlist.match:${watchlistId}:story:${storyId}`, sourceId: 'gov', storyId, payload, webhooks: [] }, now);
    });
  }

  async function deliverAll(cfg: Config, ids: number[], at: number): Promise<void> {
    for (const id of ids) expect(await deliverWebhook(deps(cfg, at), id)).toBe('delivered');
  }

  const digestOf = (over: object) => ({ cron: CRON, tz: TZ, notify: ["morning-mail"], ...over });

  it('one mail per channel, grouped by watchlist, with the stories matched since the last digest; Slack gets its own watchlists only', async () => {
    const cfg = config([
      { id: 'air-defence', terms: ['Patriot'], digest: digestOf({}) },
      { id: 'baltic', terms: ['Baltic'], digest: { cron: CRON, tz: TZ, notify: ['morning-mail', 'air-desk'] } },
    ]);
    await matched('air-defence', 1, 'Patriot battery sold', MONDAY - hour); // before the first digest's window
    await matched('air-defence', 2, 'Patriot interceptors ordered', MONDAY + hour);
    await matched('baltic', 3, 'Baltic air policing rotation', DUE - hour);
    const result = await sendDigest(deps(cfg, DUE + 1_000), { cron: CRON, tz: TZ }, DUE);
    expect(result.stories).toBe(2);
    expect(result.channels).toEqual(['morning-mail', 'air-desk']);
    await deliverAll(cfg, result.deliveries.map((d) => d.id), DUE + 2_000);

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.text).toContain('Patriot interceptors ordered');
    expect(mail.text).toContain('Baltic air policing rotation');
    expect(mail.text).not.toContain('Patriot battery sold');
    expect(mail.text).not.toContain('which a digest does not reprint');
    expect(mail.text!.indexOf('air-defence')).toBeLessThan(mail.text!.indexOf('baltic'));
    expect(mail.text).toContain('https://vigie.example.org/stories/2');
    expect(slack.bodies).toHaveLength(1);
    expect(slack.bodies[0]).toContain('Baltic air policing rotation');
    expect(slack.bodies[0]).not.toContain('Patriot interceptors ordered');

    const digests = await store.watchlistDigests('air-defence');
    expect(digests).toEqual([expect.objectContaining({ dueAt: iso(DUE), from: iso(MONDAY), stories: 1 })]);

    // The next tick: nothing new, nothing sent; a later match goes in the digest after.
    const next = DUE + 24 * hour;
    expect(await sendDigest(deps(cfg, next), { cron: CRON, tz: TZ }, next)).toMatchObject({ deliveries: [], stories: 0, channels: [] });
    await matched('air-defence', 4, 'Patriot radar upgrade', next + hour);
    const third = next + 24 * hour;
    const r3 = await sendDigest(deps(cfg, third), { cron: CRON, tz: TZ }, third);
    expect(r3).toMatchObject({ stories: 1, channels: ['morning-mail'] });
    await deliverAll(cfg, r3.deliveries.map((d) => d.id), third);
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.text).toContain('Patriot radar upgrade');
    expect(smtp.mails[1]!.text).not.toContain('Patriot interceptors ordered');
    expect(slack.bodies).toHaveLength(1);
    expect((await store.watchlistDigests('air-defence')).map((d) => [d.dueAt, d.from, d.stories])).toEqual([
      [iso(third), iso(next), 1],
      [iso(next), iso(DUE), 0],
      [iso(DUE), iso(MONDAY), 1],
    ]);
  });

  it('sendEmpty: the channel gets a digest saying nothing matched; without it, nothing', async () => {
    const cfg = config([{ id: 'quiet', terms: ['Patriot'], digest: digestOf({ notify: ['air-desk'], sendEmpty: true }) }]);
    const result = await sendDigest(deps(cfg, DUE), { cron: CRON, tz: TZ }, DUE);
    expect(result).toMatchObject({ stories: 0, channels: ['air-desk'] });
    await deliverAll(cfg, result.deliveries.map((d) => d.id), DUE);
    expect(slack.bodies).toHaveLength(1);
    expect(slack.bodies[0]).toContain('0 stories');
    const body = (await store.eventPayloads([digestEventKey(digestScheduleKey(CRON, TZ), 'air-desk', iso(DUE))])).values().next().value as DigestEventBody;
    expect(body.data.groups).toEqual([{ watchlist: { id: 'quiet' }, from: iso(MONDAY), matches: [] }]);
  });

  it('a digest run again for the same scheduled time (a crash after its commit) sends the same stories, once', async () => {
    const cfg = config([{ id: 'air-defence', terms: ['Patriot'], digest: digestOf({}) }]);
    await matched('air-defence', 2, 'Patriot interceptors ordered', DUE - hour);
    const first = await sendDigest(deps(cfg, DUE), { cron: CRON, tz: TZ }, DUE);
    // The process died before enqueueing: the job's retry runs the digest again.
    await matched('air-defence', 5, 'Patriot made after the digest began', DUE + 500);
    const again = await sendDigest(deps(cfg, DUE + 5_000), { cron: CRON, tz: TZ }, DUE);
    expect(again.deliveries.map((d) => d.id)).toEqual(first.deliveries.map((d) => d.id));
    await deliverAll(cfg, again.deliveries.map((d) => d.id), DUE + 6_000);
    // A third run finds nothing left to send.
    expect((await sendDigest(deps(cfg, DUE + 7_000), { cron: CRON, tz: TZ }, DUE)).deliveries).toEqual([]);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.text).toContain('Patriot interceptors ordered');
    expect(smtp.mails[0]!.text).not.toContain('Patriot made after the digest began');
    // The match made meanwhile is the next digest's.
    const next = DUE + 24 * hour;
    const r = await sendDigest(deps(cfg, next), { cron: CRON, tz: TZ }, next);
    await deliverAll(cfg, r.deliveries.map((d) => d.id), next);
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.text).toContain('Patriot made after the digest began');
  });

  it('a crash inside the digest transaction takes nothing: the retry takes the same matches', async () => {
    const cfg = config([{ id: 'air-defence', terms: ['Patriot'], digest: digestOf({}) }]);
    await matched('air-defence', 2, 'Patriot interceptors ordered', DUE - hour);
    const crashing = new Proxy(store, {
      get(target, prop) {
        if (prop === 'transaction') {
          return <T>(fn: (tx: Store) => Promise<T>) =>
            target.transaction(async (tx) => {
              await fn(tx);
              throw new Error('killed before commit');
            });
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(sendDigest(deps(cfg, DUE, crashing), { cron: CRON, tz: TZ }, DUE)).rejects.toThrow('killed before commit');
    expect(await store.watchlistDigests('air-defence')).toEqual([]);
    const retry = await sendDigest(deps(cfg, DUE + 10_000), { cron: CRON, tz: TZ }, DUE);
    expect(retry.stories).toBe(1);
    await deliverAll(cfg, retry.deliveries.map((d) => d.id), DUE + 11_000);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.text).toContain('Patriot interceptors ordered');
  });

  it('a schedule no watchlist has any more sends nothing and takes nothing', async () => {
    const cfg = config([{ id: 'air-defence', terms: ['Patriot'], digest: digestOf({}) }]);
    await matched('air-defence', 2, 'Patriot interceptors ordered', DUE - hour);
    expect(await sendDigest(deps(cfg, DUE), { cron: '0 18 * * *', tz: 'UTC' }, DUE)).toEqual({ deliveries: [], stories: 0, channels: [] });
    expect(await store.watchlistDigests('air-defence')).toEqual([]);
  });
});
