// Watchlists end to end: a fixture site publishes three stories, two matching; Slack-, Teams- and Discord-shaped
// receivers, an SMTP server, a Standard Webhooks channel and a webhook subscribed to watchlist.match, all on loopback,
// each get one message per matching story; a syndicated copy on a second site sends nothing more; the digest comes at
// its cron time with both stories.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo/webhook-receiver.ts';
import { initialStories, stories } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { smtpReceiver } from '../helpers/smtp-receiver.ts';

const sentinel = stories.find((s) => s.slug === 'sentinel-radar-low-rate-production')!;
const baltic = stories.find((s) => s.slug === 'baltic-air-policing-rotation')!;
const darpa = stories.find((s) => s.slug === 'darpa-autonomous-tanker-flight')!;

interface Chat {
  url: string;
  /** Every request, with when it came and what was answered. */
  got: Array<{ at: number; body: string; status: number }>;
  /** Bodies answered 2xx. */
  accepted(): string[];
}

const servers: Server[] = [];
const sites: NewsSite[] = [];
const closers: Array<() => Promise<void>> = [];
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const s of sites.splice(0)) await s.close();
  for (const c of closers.splice(0)) await c();
});

/** A chat service on loopback with a secret path; `answer` picks the status (and headers) of request n (0-based). */
async function chat(answer: (n: number, res: ServerResponse) => number = () => 200): Promise<Chat> {
  const got: Chat['got'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(got.length, res);
      got.push({ at: Date.now(), body: Buffer.concat(chunks).toString('utf8'), status });
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : '{"error":"slow down"}');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0SECRET/B0SECRET/XXsecretXX`,
    got,
    accepted: () => got.filter((g) => g.status === 200).map((g) => g.body),
  };
}

async function site(): Promise<NewsSite> {
  const s = await startNewsSite({ template: 'wordpress', articles: initialStories.filter((a) => a.lang === 'en').slice(0, 6) });
  sites.push(s);
  return s;
}

/** How many of `bodies` name the story titled `title`. */
const about = (bodies: readonly string[], title: string) => bodies.filter((b) => b.includes(title)).length;

describe('watchlist matches sent at once to the configured channels', () => {
  it('two matching stories of three reach each channel once; a syndicated copy sends nothing more; a 429 with Retry-After is honoured', async () => {
    const [gov, wp] = [await site(), await site()];
    const slack = await chat();
    // Teams is busy on its first request: 429, Retry-After 2 s. The retry must wait for it, then arrive once.
    const teams = await chat((n, res) => {
      if (n > 0) return 200;
      res.setHeader('Retry-After', '2');
      return 429;
    });
    const discord = await chat();
    const smtp = await smtpReceiver();
    closers.push(() => smtp.close());
    const channelSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const signed: WebhookReceiver = await startWebhookReceiver({ secret: channelSecret });
    closers.push(() => signed.close());

    harness = await startHarness({
      sources: [
        { id: 'gov', url: gov.listUrl, every: '1s' },
        { id: 'wp', url: wp.listUrl, every: '1s' },
      ],
      events: ['watchlist.match'],
      delivery: { firstRetry: '200ms', maxRetryDelay: '1s' },
      channels: [
        { id: 'air-slack', slack: slack.url },
        { id: 'air-teams', teams: teams.url },
        { id: 'air-discord', discord: discord.url },
        { id: 'air-mail', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: smtp.url() } },
        { id: 'air-hook', webhook: { url: signed.url, secret: channelSecret } },
      ],
      watchlists: [
        { id: 'unrelated', terms: ['Mamba'], notify: ['air-slack'] },
        {
          id: 'air-defence',
          terms: ['Sentinel radar', 'Baltic air policing | air policing', 'intercept'],
          exclude: ['jeu vidéo'],
          notify: ['air-slack', 'air-teams', 'air-discord', 'air-mail', 'air-hook'],
        },
      ],
    });
    const { store, receiver } = harness;
    await harness.until('two baselines', async () => (await store.health()).every((h) => h.baselineAt != null));

    gov.publish(sentinel);
    gov.publish(baltic);
    gov.publish(darpa);
    await harness.until('three stories read', async () => (await store.recentArticles()).filter((a) => a.storyId !== null).length === 3, 25_000);
    const settled = async () => {
      const ds = await store.deliveries({ limit: 1000 });
      return ds.length === 12 && ds.every((d) => d.state === 'delivered');
    };
    await harness.until('12 deliveries delivered (2 stories x 5 channels + 1 webhook)', settled, 30_000);

    const matches = await store.watchlistMatches();
    expect(matches.map((m) => m.watchlistId)).toEqual(['air-defence', 'air-defence']);
    for (const title of [sentinel.title, baltic.title]) {
      expect(about(slack.accepted(), title)).toBe(1);
      expect(about(teams.accepted(), title)).toBe(1);
      expect(about(discord.accepted(), title)).toBe(1);
      expect(smtp.mails.filter((m) => (m.text ?? '').includes(title))).toHaveLength(1);
    }
    for (const bodies of [slack.accepted(), teams.accepted(), discord.accepted(), smtp.mails.map((m) => m.raw)]) {
      expect(bodies).toHaveLength(2);
      expect(about(bodies, darpa.title)).toBe(0);
    }
    // Each message shows the matched words in context.
    expect(slack.accepted().find((b) => b.includes(baltic.title))).toMatch(/Air Policing/);
    expect(smtp.mails.find((m) => (m.text ?? '').includes(sentinel.title))!.text).toMatch(/Sentinel [Rr]adar/);
    expect(smtp.mails[0]!.rcptTo).toEqual(['desk@example.org']);

    // The 429 was honoured: one refused request, its retry at least the 2 s asked for later, then the rest.
    expect(teams.got.map((g) => g.status)).toEqual([429, 200, 200]);
    const refused = teams.got[0]!;
    const refusedTitle = refused.body.includes(sentinel.title) ? sentinel.title : baltic.title;
    const retry = teams.got.slice(1).find((g) => g.body.includes(refusedTitle))!;
    expect(retry.at - refused.at).toBeGreaterThanOrEqual(1_900);

    // The Standard Webhooks endpoints (the webhook subscribed to watchlist.match, and the webhook channel) got the event.
    for (const r of [receiver, signed]) {
      const events = r.delivered().map((d) => d.payload!);
      expect(events.map((e) => e.type)).toEqual(['watchlist.match', 'watchlist.match']);
      const sentinelEvent = events.find((e) => e.data.article?.title === sentinel.title)!;
      expect(sentinelEvent.data.watchlist).toEqual({ id: 'air-defence' });
      expect(sentinelEvent.data.hits.map((h: { term: string }) => h.term)).toEqual(['Sentinel radar']);
      const balticEvent = events.find((e) => e.data.article?.title === baltic.title)!;
      expect(balticEvent.data.hits.map((h: { term: string }) => h.term)).toEqual(['Baltic air policing | air policing', 'intercept']);
      expect(balticEvent.data.hits[0].excerpt.text).toMatch(/Baltic Air Policing/i);
      expect(balticEvent.data.story.copies).toEqual([{ source: 'gov', url: gov.articleUrl(baltic.slug), lang: 'en' }]);
    }

    // The same story syndicated on the second site joins it and sends nothing more.
    wp.publish({ ...baltic, slug: `${baltic.slug}-syndicated` });
    const balticStory = balticEventStory(receiver);
    await harness.until('the syndicated copy joins the story', async () => (await store.storyCopies(balticStory)).length === 2, 25_000);
    // Deliveries are created in the same transaction as the claim: none is pending, none was added.
    expect(await settled()).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await store.watchlistMatches()).toHaveLength(2);
    expect(slack.got).toHaveLength(2);
    expect(teams.got).toHaveLength(3);
    expect(discord.got).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    expect(receiver.received).toHaveLength(2);
    expect(signed.received).toHaveLength(2);
  }, 90_000);
});

describe('the digest, sent by its job scheduler', () => {
  it('at its cron time, one mail with the two matching stories of three; the ticks after, with nothing new, send nothing', async () => {
    const gov = await site();
    const smtp = await smtpReceiver();
    closers.push(() => smtp.close());
    // A daily pattern for one second about 25 s from now (UTC): the stories are published and read well before it.
    const due = new Date(Math.ceil((Date.now() + 25_000) / 1000) * 1000);
    const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
    // A second schedule ticking every 2 s with sendEmpty off: it must send nothing, having no watchlist match.
    harness = await startHarness({
      sources: [{ id: 'gov', url: gov.listUrl, every: '1s' }],
      channels: [{ id: 'morning-mail', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: smtp.url() } }],
      watchlists: [
        { id: 'air-defence', terms: ['Sentinel radar', 'Baltic air policing | air policing'], digest: { cron, tz: 'UTC', notify: ['morning-mail'] } },
        { id: 'never', terms: ['Mamba'], digest: { cron: '*/2 * * * * *', tz: 'UTC', notify: ['morning-mail'] } },
      ],
    });
    const { store } = harness;
    await harness.until('the baseline', async () => (await store.health()).every((h) => h.baselineAt != null));
    gov.publish(sentinel);
    gov.publish(baltic);
    gov.publish(darpa);
    await harness.until('two stories matched', async () => (await store.watchlistMatches()).length === 2, 18_000);
    expect(Date.now()).toBeLessThan(due.getTime());
    expect(smtp.mails).toHaveLength(0);

    await harness.until('the digest mail', async () => smtp.mails.length >= 1, due.getTime() - Date.now() + 15_000);
    const mail = smtp.mails[0]!;
    expect(mail.rcptTo).toEqual(['desk@example.org']);
    expect(mail.headers.get('subject')).toMatch(/digest/i);
    expect(about([mail.text ?? ''], sentinel.title)).toBe(1);
    expect(about([mail.text ?? ''], baltic.title)).toBe(1);
    expect(about([mail.text ?? ''], darpa.title)).toBe(0);
    expect(mail.text).toContain('air-defence');
    const digests = await store.watchlistDigests('air-defence');
    expect(digests.map((d) => [d.dueAt, d.stories])).toEqual([[due.toISOString(), 2]]);
    // The 2-second schedule ran meanwhile, found nothing, and sent nothing; no second mail for the same digest.
    expect((await store.watchlistDigests('never')).length).toBeGreaterThan(3);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(smtp.mails).toHaveLength(1);
  }, 90_000);
});

function balticEventStory(receiver: WebhookReceiver): number {
  return receiver.delivered().find((d) => d.payload!.data.article?.title === baltic.title)!.payload!.data.story.id as number;
}
