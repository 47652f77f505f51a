import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  channelDigest,
  channelMessage,
  DeliveryError,
  DISCORD_LIMITS,
  embedSize,
  sendChannel,
  type Channel,
  type ChannelContent,
  type ChannelMessage,
  type DiscordPayload,
  type SlackPayload,
  type TeamsPayload,
} from '../../src/alerts/index.ts';
import { compileWatchlists } from '../../src/watch/compile-watchlists.ts';
import { smtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.ts';

// Each receiver's URL carries a Slack-style secret path: it must never show in an error.
const SECRET_PATH = '/services/T0SECRET/B0SECRET/XXsecretXX';
const HOSTILE_TITLE = '<script>alert(1)</script> *bold* @everyone <!channel> [click](https://evil.example) SAMP-T';
const ALLOW = ['127.0.0.1/32'];

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
const smtps: SmtpReceiver[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const s of smtps.splice(0)) await s.close();
});

/** A receiver on loopback shaped like a service: `respond` answers each request, after it was read whole. */
async function receiver(respond: (res: ServerResponse, req: Received) => void): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      got.push(r);
      respond(res, r);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET_PATH}`, got };
}

/** The DeliveryError a send must throw; fails the test when it resolves. */
async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => {
      throw new Error('the send resolved, but it should have failed');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  const e = err as DeliveryError;
  for (const part of ['T0SECRET', 'B0SECRET', 'XXsecretXX', '/services']) expect(e.message).not.toContain(part);
  return e;
}

const matcher = compileWatchlists([{ id: 'air-defence', terms: ['SAMP/T | SAMP-T | Mamba', 'Patriot'] }]);
const TEXT = "L'armée de Terre a déployé une batterie SAMP-T près de la frontière.\nDes Patriots américains complètent le dispositif.";

function story(id: number, title = HOSTILE_TITLE): ChannelMessage {
  const [match] = matcher.match(title, TEXT);
  expect(match).toBeDefined();
  return channelMessage({
    storyId: id,
    sourceId: 'european-security',
    title,
    url: `https://news.example.org/a/${id}`,
    lang: 'fr',
    time: '2026-12-01T08:00:00Z',
    publicUrl: 'https://vigie.example.org',
    match: match!,
  });
}

const send = (channel: Channel, content: ChannelContent = story(1)) => sendChannel(channel, content, { allowNetworks: ALLOW, userAgent: 'Vigie-Test/1', timeoutMs: 5_000 });

/** Our own Slack markup (date tokens, `<url|label>` links) removed: whatever `<` or `>` is left came from a stranger. */
const strangerAngles = (mrkdwn: string) => mrkdwn.replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '').replace(/<https?:\/\/[^|>\s]+\|[^>]*>/g, '');

describe('Slack incoming webhook', () => {
  it('gets Block Kit with a text fallback; the hostile title is escaped and the hit is bold', async () => {
    const r = await receiver((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    const result = await send({ kind: 'slack', url: r.url });
    expect(result.status).toBe(200);
    expect(r.got).toHaveLength(1);
    const got = r.got[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe(SECRET_PATH);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Vigie-Test/1');
    const body = JSON.parse(got.body) as SlackPayload;
    expect(typeof body.text).toBe('string');
    expect(body.blocks.length).toBeGreaterThan(0);
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    for (const b of body.blocks) expect(['header', 'section', 'context', 'divider']).toContain(b.type);
    const header = body.blocks.find((b) => b.type === 'header');
    expect(header?.type === 'header' && header.text.type).toBe('plain_text');
    if (header?.type !== 'header') throw new Error('no header block');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(header.text.text).toContain('&lt;!channel&gt;');
    // Every text the message holds: no stranger's `<` reaches Slack's parser, so no <!channel> and no fake link.
    const texts = [body.text, ...body.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : b.type === 'header' ? [b.text.text] : []))];
    for (const t of texts) {
      expect(strangerAngles(t)).not.toMatch(/[<>]/);
      expect(t).not.toContain('<!channel>');
    }
    // mrkdwn: the stranger's *bold* cannot pair; the hit is bold.
    expect(body.text).not.toContain('*bold*');
    const hit = body.blocks.find((b) => b.type === 'section' && b.text.text.startsWith('*SAMP/T'));
    expect(hit?.type === 'section' && hit.text.text).toContain('batterie *SAMP-T* près');
    const patriot = body.blocks.find((b) => b.type === 'section' && b.text.text.startsWith('*Patriot*'));
    expect(patriot?.type === 'section' && patriot.text.text).toContain('Des *Patriots* américains');
    const links = body.blocks.find((b) => b.type === 'section' && b.text.text.includes('Read the original'));
    expect(links?.type === 'section' && links.text.text).toBe('<https://news.example.org/a/1|Read the original>  ·  <https://vigie.example.org/stories/1|Open in Vigie>');
  });

  it('a 429 with Retry-After: 2 is retry-later in 2000 ms', async () => {
    const r = await receiver((res) => res.writeHead(429, { 'retry-after': '2' }).end('rate_limited'));
    const err = await failure(send({ kind: 'slack', url: r.url }));
    expect([err.fate, err.status, err.retryAfterMs]).toEqual(['retry-later', 429, 2000]);
  });

  it('a 500 is a retry', async () => {
    const r = await receiver((res) => res.writeHead(500).end('rollup_error'));
    const err = await failure(send({ kind: 'slack', url: r.url }));
    expect([err.fate, err.status]).toEqual(['retry', 500]);
  });

  it('a 400 gives up, with what Slack said', async () => {
    const r = await receiver((res) => res.writeHead(400).end('invalid_blocks'));
    const err = await failure(send({ kind: 'slack', url: r.url }));
    expect([err.fate, err.status]).toEqual(['give-up', 400]);
    expect(err.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+: HTTP 400 \(invalid_blocks\)$/);
  });

  it('a 404 gives up; a 408 is a retry', async () => {
    const gone = await receiver((res) => res.writeHead(404).end('no_service'));
    expect((await failure(send({ kind: 'slack', url: gone.url }))).fate).toBe('give-up');
    const slow = await receiver((res) => res.writeHead(408).end());
    expect((await failure(send({ kind: 'slack', url: slow.url }))).fate).toBe('retry');
  });

  it('a receiver on a refused address gives up without a request', async () => {
    const r = await receiver((res) => res.writeHead(200).end('ok'));
    const err = await failure(sendChannel({ kind: 'slack', url: r.url }, story(1), { allowNetworks: [] }));
    expect([err.fate, err.status]).toEqual(['give-up', null]);
    expect(err.message).toMatch(/loopback address; allow it with network\.allow/);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.got).toHaveLength(0);
  });
});

/** The fields an Adaptive Card 1.5 requires, for every element type the payload uses; anything else fails. */
function validateCard(payload: TeamsPayload): void {
  expect(payload.type).toBe('message');
  expect(payload.attachments).toHaveLength(1);
  const attachment = payload.attachments[0]!;
  expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
  const card = attachment.content as unknown as Record<string, unknown>;
  expect(card.type).toBe('AdaptiveCard');
  expect(card.version).toBe('1.5');
  expect(Array.isArray(card.body)).toBe(true);
  const action = (a: Record<string, unknown>) => {
    expect(a.type).toBe('Action.OpenUrl');
    expect(typeof a.title).toBe('string');
    expect(String(a.url)).toMatch(/^https?:\/\//);
  };
  const element = (e: Record<string, unknown>): void => {
    switch (e.type) {
      case 'TextBlock':
        expect(typeof e.text).toBe('string');
        return;
      case 'RichTextBlock':
        expect(Array.isArray(e.inlines)).toBe(true);
        for (const run of e.inlines as Array<Record<string, unknown>>) {
          expect(run.type).toBe('TextRun');
          expect(typeof run.text).toBe('string');
          if (run.selectAction) action(run.selectAction as Record<string, unknown>);
        }
        return;
      case 'Container':
        expect(Array.isArray(e.items)).toBe(true);
        for (const item of e.items as Array<Record<string, unknown>>) element(item);
        return;
      default:
        throw new Error(`unexpected card element ${String(e.type)}`);
    }
  };
  for (const e of card.body as Array<Record<string, unknown>>) element(e);
  for (const a of (card.actions as Array<Record<string, unknown>> | undefined) ?? []) action(a);
}

describe('Microsoft Teams Workflows webhook', () => {
  it('gets a message holding an Adaptive Card 1.5; stranger text sits in TextRuns as written; the hit is highlighted', async () => {
    const r = await receiver((res) => res.writeHead(202).end());
    const result = await send({ kind: 'teams', url: r.url });
    expect(result.status).toBe(202);
    const body = JSON.parse(r.got[0]!.body) as TeamsPayload;
    validateCard(body);
    const card = body.attachments[0]!.content;
    // TextRuns are never read as markdown: the title is shown exactly as the page wrote it, nothing to unescape.
    const runs = card.body.flatMap((e) => (e.type === 'RichTextBlock' ? e.inlines : []));
    expect(runs[0]!.text).toBe(HOSTILE_TITLE);
    // A stranger's text never lands in a TextBlock, where markdown would apply.
    for (const e of card.body) if (e.type === 'TextBlock') expect(e.text).not.toContain('script');
    const highlighted = runs.filter((run) => run.highlight);
    expect(highlighted.map((run) => [run.text, run.weight])).toEqual([
      ['SAMP-T', 'Bolder'],
      ['Patriots', 'Bolder'],
    ]);
    expect(card.actions?.map((a) => a.url)).toEqual(['https://news.example.org/a/1', 'https://vigie.example.org/stories/1']);
  });

  it('a digest is a valid card too', async () => {
    const r = await receiver((res) => res.writeHead(202).end());
    await send({ kind: 'teams', url: r.url }, channelDigest({ from: '2026-12-01T07:00:00Z', to: '2026-12-02T07:00:00Z', items: [story(1), story(2, 'Patriot order')] }));
    validateCard(JSON.parse(r.got[0]!.body) as TeamsPayload);
  });

  it('a 429 with Retry-After: 2 is retry-later in 2000 ms; a 502 is a retry', async () => {
    const busy = await receiver((res) => res.writeHead(429, { 'retry-after': '2' }).end());
    const err = await failure(send({ kind: 'teams', url: busy.url }));
    expect([err.fate, err.retryAfterMs]).toEqual(['retry-later', 2000]);
    const down = await receiver((res) => res.writeHead(502).end());
    expect((await failure(send({ kind: 'teams', url: down.url }))).fate).toBe('retry');
  });
});

describe('Discord webhook', () => {
  it('gets an embed within Discord limits, markdown and mentions escaped, pings off, the hit in bold', async () => {
    const r = await receiver((res) => res.writeHead(204).end());
    const result = await send({ kind: 'discord', url: r.url });
    expect(result.status).toBe(204);
    const body = JSON.parse(r.got[0]!.body) as DiscordPayload;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    const embed = body.embeds[0]!;
    expect(embed.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(embed.url).toBe('https://news.example.org/a/1');
    expect(embed.timestamp).toBe('2026-12-01T08:00:00.000Z');
    expect((embed.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed.fields!.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of embed.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
    expect(embedSize(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(embed.title).toBe('\\<script\\>alert\\(1\\)\\</script\\> \\*bold\\* @\u200Beveryone \\<!channel\\> \\[click\\]\\(https://evil.example\\) SAMP-T');
    expect(embed.description).toContain('[Open in Vigie](https://vigie.example.org/stories/1)');
    const hit = embed.fields!.find((f) => f.name === 'SAMP/T \\| SAMP-T \\| Mamba');
    expect(hit?.value).toContain('batterie **SAMP-T** près');
  });

  it('a 429 with { retry_after: 1.5 } is retry-later in 1500 ms, more precise than its Retry-After: 2', async () => {
    const r = await receiver((res) =>
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' }).end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false })),
    );
    const err = await failure(send({ kind: 'discord', url: r.url }));
    expect([err.fate, err.status, err.retryAfterMs]).toEqual(['retry-later', 429, 1500]);
  });

  it('a 400 gives up with Discord\'s error; a 500 is a retry', async () => {
    const bad = await receiver((res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"message": "Invalid Form Body", "code": 50035}'));
    const err = await failure(send({ kind: 'discord', url: bad.url }));
    expect([err.fate, err.status]).toEqual(['give-up', 400]);
    expect(err.message).toContain('Invalid Form Body');
    const down = await receiver((res) => res.writeHead(500).end());
    expect((await failure(send({ kind: 'discord', url: down.url }))).fate).toBe('retry');
  });

  it('a digest of many watchlists and stories stays within the limits of one message', async () => {
    const r = await receiver((res) => res.writeHead(204).end());
    const items: ChannelMessage[] = [];
    for (let i = 0; i < 300; i++) {
      const m = story(i, `${'Patriot '.repeat(40)}${i}`);
      items.push({ ...m, match: { ...m.match!, watchlistId: `list-${i % 15}` } });
    }
    await send({ kind: 'discord', url: r.url }, channelDigest({ from: '2026-12-01T07:00:00Z', to: '2026-12-02T07:00:00Z', items }));
    const body = JSON.parse(r.got[0]!.body) as DiscordPayload;
    expect(body.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
    expect(body.embeds.reduce((n, e) => n + embedSize(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    for (const e of body.embeds) expect((e.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(body.content!.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(body.content).toMatch(/300 stories, .* \(\d+ more not shown here\)$/);
  });
});

describe('email over SMTP', () => {
  const to = ['desk@example.org', 'duty@example.org'];
  const mailTo = (smtp: string): Channel => ({ kind: 'email', smtp, from: 'Vigie <vigie@example.org>', to });

  it('one match: multipart text and HTML, subject, From and To; logged in with the URL\'s credentials', async () => {
    const smtp = await smtpReceiver({ auth: { user: 'vigie', pass: 'p@ss:w/rd' } });
    smtps.push(smtp);
    const result = await sendChannel(mailTo(smtp.url('vigie', 'p@ss:w/rd')), story(1), { allowNetworks: ALLOW, msgId: 'msg_42' });
    expect(result.status).toBe(250);
    expect(result.rejected).toEqual([]);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.user).toBe('vigie');
    expect(mail.mailFrom).toBe('vigie@example.org');
    expect(mail.rcptTo).toEqual(to);
    expect(mail.headers.get('from')).toBe('Vigie <vigie@example.org>');
    expect(mail.headers.get('to')).toBe('desk@example.org, duty@example.org');
    expect(mail.headers.get('subject')).toBe(`[Vigie] air-defence: ${HOSTILE_TITLE}`);
    expect(mail.headers.get('message-id')).toBe('<msg_42@example.org>');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.contentType).toMatch(/^multipart\/alternative;/);
    expect(mail.text).toContain(HOSTILE_TITLE);
    expect(mail.text).toContain('batterie *SAMP-T* près');
    expect(mail.text).toContain('Original: https://news.example.org/a/1');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('batterie <mark style="font-weight:bold">SAMP-T</mark> près');
    expect(mail.html).toContain('<a href="https://vigie.example.org/stories/1">Open in Vigie</a>');
  });

  it('a digest: both stories, grouped by watchlist, in text and HTML', async () => {
    const smtp = await smtpReceiver();
    smtps.push(smtp);
    const a = story(1, 'SAMP-T batteries for the east');
    const b = story(2, 'Patriot order confirmed');
    const digest = channelDigest({ from: '2026-12-01T07:00:00Z', to: '2026-12-02T07:00:00Z', items: [a, b] });
    await sendChannel(mailTo(smtp.url()), digest, { allowNetworks: ALLOW });
    const mail = smtp.mails[0]!;
    expect(mail.headers.get('subject')).toBe('[Vigie] Digest: 2 stories, 2026-12-01 07:00 – 2026-12-02 07:00 UTC');
    expect(mail.contentType).toMatch(/^multipart\/alternative;/);
    expect(mail.text).toContain('== Watchlist air-defence: 2 stories ==');
    expect(mail.text).toContain('* SAMP-T batteries for the east');
    expect(mail.text).toContain('* Patriot order confirmed');
    expect(mail.html).toContain('<a href="https://news.example.org/a/1">SAMP-T batteries for the east</a>');
    expect(mail.html).toContain('<a href="https://news.example.org/a/2">Patriot order confirmed</a>');
  });

  it('an SMTP 451 is a retry, a 550 gives up', async () => {
    const later = await smtpReceiver({ onData: () => Object.assign(new Error('Try again later'), { responseCode: 451 }) });
    smtps.push(later);
    const e1 = await failure(sendChannel(mailTo(later.url()), story(1), { allowNetworks: ALLOW }));
    expect([e1.fate, e1.status]).toEqual(['retry', 451]);
    expect(e1.message).toMatch(/^SMTP smtp:\/\/127\.0\.0\.1:\d+: .*451 Try again later/);
    const never = await smtpReceiver({ onData: () => Object.assign(new Error('Message refused'), { responseCode: 550 }) });
    smtps.push(never);
    const e2 = await failure(sendChannel(mailTo(never.url()), story(1), { allowNetworks: ALLOW }));
    expect([e2.fate, e2.status]).toEqual(['give-up', 550]);
  });

  it('a refused recipient among others is reported, the message is delivered to the rest', async () => {
    const smtp = await smtpReceiver({ onRcpt: (a) => (a === 'duty@example.org' ? 550 : null) });
    smtps.push(smtp);
    const result = await sendChannel(mailTo(smtp.url()), story(1), { allowNetworks: ALLOW });
    expect(result.rejected).toEqual(['duty@example.org']);
    expect(smtp.mails[0]!.rcptTo).toEqual(['desk@example.org']);
  });

  it('a wrong password gives up, and neither the password nor the URL shows', async () => {
    const smtp = await smtpReceiver({ auth: { user: 'vigie', pass: 'right-password' } });
    smtps.push(smtp);
    const url = smtp.url('vigie', 'wrong-secret-pw');
    const err = await failure(sendChannel(mailTo(url), story(1), { allowNetworks: ALLOW }));
    expect([err.fate, err.status]).toEqual(['give-up', 535]);
    expect(err.message).not.toContain('wrong-secret-pw');
    expect(err.message).not.toContain(url);
    expect(err.message).toMatch(/^SMTP smtp:\/\/127\.0\.0\.1:\d+: /);
    expect(smtp.mails).toHaveLength(0);
  });

  it('an SMTP server on a refused address gives up without connecting', async () => {
    const smtp = await smtpReceiver();
    smtps.push(smtp);
    const err = await failure(sendChannel(mailTo(smtp.url('u', 'secret-pw-1')), story(1), { allowNetworks: [] }));
    expect([err.fate, err.status]).toEqual(['give-up', null]);
    expect(err.message).toMatch(/loopback address; allow it with network\.allow/);
    expect(err.message).not.toContain('secret-pw-1');
    expect(smtp.connections).toBe(0);
  });

  it('a server that never greets is a retry within the timeout; a closed port is a retry', async () => {
    const smtp = await smtpReceiver({ silent: true });
    smtps.push(smtp);
    const started = Date.now();
    const err = await failure(sendChannel(mailTo(smtp.url()), story(1), { allowNetworks: ALLOW, timeoutMs: 500 }));
    expect([err.fate, err.status]).toEqual(['retry', null]);
    expect(Date.now() - started).toBeLessThan(2_000);
    const closed = await smtpReceiver();
    const url = closed.url();
    await closed.close();
    const e2 = await failure(sendChannel(mailTo(url), story(1), { allowNetworks: ALLOW }));
    expect([e2.fate, e2.status]).toEqual(['retry', null]);
  });
});
