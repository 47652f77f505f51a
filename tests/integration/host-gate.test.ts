import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, HostGate, type HostTicket } from '../../src/jobs/index.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let prefix: string;
const connections: Redis[] = [];

beforeEach(() => {
  prefix = `vigie-test-${randomBytes(6).toString('hex')}`;
});

afterEach(async () => {
  const [first] = connections;
  if (first) {
    const keys = await first.keys(`${prefix}:*`);
    if (keys.length > 0) await first.del(...keys);
  }
  for (const c of connections.splice(0)) c.disconnect();
});

function gate(options: { crawlHandicapMs?: number; graceMs?: number; holdMs?: number } = {}): HostGate {
  const c = createRedisConnection(REDIS_URL);
  connections.push(c);
  return new HostGate(c, { prefix, ...options });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ran = { ticket: string; wentAt: number } | { ticket: string; merged: true };

/**
 * A job as the processors run it: ask, sleep what it is told, ask again with the same place, until it goes.
 * Resolves once the first ask is answered, with the rest of the job's run.
 */
async function startJob(g: HostGate, t: HostTicket): Promise<{ done: Promise<Ran> }> {
  const first = await g.admit(t);
  return { done: runJob(g, t, first) };
}

async function runJob(g: HostGate, t: HostTicket, first?: Awaited<ReturnType<HostGate['admit']>>): Promise<Ran> {
  for (let a = first; ; a = undefined) {
    a ??= await g.admit(t);
    if (a.kind === 'go') {
      // As the processors do: the request leaves at once, then the job lets go of the host.
      const wentAt = Date.now();
      await g.sent(t.url, t.owner, t.intervalMs);
      await g.release(t.url, t.owner);
      return { ticket: t.ticket, wentAt };
    }
    if (a.kind === 'merged') return { ticket: t.ticket, merged: true };
    await sleep(a.waitMs);
  }
}

const ticket = (id: string, askedAt: number, extra: Partial<HostTicket> = {}): HostTicket => ({
  url: 'https://News.Example.org/a',
  ticket: id,
  owner: id,
  lane: 'article',
  askedAt,
  intervalMs: 200,
  ...extra,
});

describe('HostGate', () => {
  it('serves a crowded host one job per interval, in the order asked, across two connections, with no slot lost', async () => {
    const one = gate();
    const two = gate();
    const t0 = Date.now();
    // 10 jobs ask at once (D = 10 waiting: the old gate stopped serving from D = 4 delayed jobs at 1 s).
    const runs = [];
    // Each has asked before the next one does.
    for (let i = 0; i < 10; i++) runs.push((await startJob(i % 2 ? one : two, ticket(`j${i}`, t0 + i))).done);
    const done = (await Promise.all(runs)) as Array<{ ticket: string; wentAt: number }>;
    const order = [...done].sort((a, b) => a.wentAt - b.wentAt);
    expect(order.map((d) => d.ticket)).toEqual(done.map((d) => d.ticket));
    const gaps = order.slice(1).map((d, i) => d.wentAt - order[i]!.wentAt);
    // Never closer than the interval (Redis's clock decides; a ms of rounding between the two clocks)...
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(199);
    // ...and no slot thrown away: 9 intervals for 10 jobs, plus what timers and round trips add.
    expect(order.at(-1)!.wentAt - order[0]!.wentAt).toBeLessThan(9 * 200 + 400);
  });

  it('puts article jobs before crawls that asked earlier, but not before a crawl that waited past its handicap', async () => {
    const g = gate({ crawlHandicapMs: 5_000 });
    const now = Date.now();
    expect((await g.admit(ticket('busy', now, { intervalMs: 10_000 }))).kind).toBe('go');
    await g.admit(ticket('crawl:old', now - 6_000, { lane: 'crawl', intervalMs: 10_000 }));
    await g.admit(ticket('crawl:recent', now - 1_000, { lane: 'crawl', intervalMs: 10_000 }));
    const article = await g.admit(ticket('article:1', now, { intervalMs: 10_000 }));
    // Ahead of the article: only the crawl that has waited longer than the handicap.
    expect(article).toMatchObject({ kind: 'wait', position: 1 });
    expect(await g.admit(ticket('crawl:recent', now - 1_000, { lane: 'crawl', intervalMs: 10_000 }))).toMatchObject({ kind: 'wait', position: 2 });
  });

  it('tells a second job with the same ticket that it is merged, while the holder keeps its place', async () => {
    const g = gate();
    const now = Date.now();
    expect((await g.admit(ticket('x', now, { intervalMs: 5_000 }))).kind).toBe('go');
    expect(await g.admit({ ...ticket('crawl:src', now, { intervalMs: 5_000, lane: 'crawl' }), owner: 'job-1' })).toMatchObject({ kind: 'wait', position: 0 });
    expect(await g.admit({ ...ticket('crawl:src', now + 10, { intervalMs: 5_000, lane: 'crawl' }), owner: 'job-2' })).toEqual({ kind: 'merged', holder: 'job-1' });
    expect(await g.admit({ ...ticket('crawl:src', now, { intervalMs: 5_000, lane: 'crawl' }), owner: 'job-1' })).toMatchObject({ kind: 'wait', position: 0 });
    const [line] = await g.lines();
    expect(line).toMatchObject({ host: 'news.example.org', waiting: 1, oldestAskedAt: now });
    expect(line!.nextFreeAt).toBeGreaterThan(Date.now() + 4_000);
  });

  it('drops the place of a job that does not come back, and gives it back when the job returns with its first askedAt', async () => {
    const g = gate({ graceMs: 100 });
    const now = Date.now();
    expect((await g.admit(ticket('first', now, { intervalMs: 300 }))).kind).toBe('go');
    await g.release('https://News.Example.org/a', 'first');
    expect(await g.admit(ticket('lost', now + 1, { intervalMs: 300 }))).toMatchObject({ kind: 'wait', position: 0 });
    expect(await g.admit(ticket('next', now + 2, { intervalMs: 300 }))).toMatchObject({ kind: 'wait', position: 1 });
    // `lost` was told to come back in ~300 ms; 100 ms of grace later, `next` is at the head and goes.
    await sleep(450);
    expect((await g.admit(ticket('next', now + 2, { intervalMs: 300 }))).kind).toBe('go');
    await sleep(50);
    // `lost` comes back late: it stands again where its first ask put it, at the head.
    expect(await g.admit(ticket('late', now + 3, { intervalMs: 300 }))).toMatchObject({ kind: 'wait', position: 0 });
    expect(await g.admit(ticket('lost', now + 1, { intervalMs: 300 }))).toMatchObject({ kind: 'wait', position: 0 });
  });

  it('holds the host from the grant until the request has left, then spaces from that moment; a silent holder lapses', async () => {
    const g = gate({ holdMs: 600 });
    const url = 'https://held.example.org/x';
    const now = Date.now();
    expect((await g.admit(ticket('a', now, { url, intervalMs: 100 }))).kind).toBe('go');
    // The interval has passed, but a's request has not left yet (a cold process): b may not go.
    await sleep(250);
    expect(await g.admit(ticket('b', now + 1, { url, intervalMs: 100 }))).toMatchObject({ kind: 'wait', position: 0 });
    // Only the holder can report or let go.
    await g.sent(url, 'b', 100);
    expect((await g.admit(ticket('b', now + 1, { url, intervalMs: 100 }))).kind).toBe('wait');
    await g.sent(url, 'a', 100);
    const sentAt = Date.now();
    // One interval from the request, not from the grant 250 ms earlier.
    const wait = await g.admit(ticket('b', now + 1, { url, intervalMs: 100 }));
    expect(wait.kind).toBe('wait');
    await sleep(Math.max(0, sentAt + 110 - Date.now()));
    expect((await g.admit(ticket('b', now + 1, { url, intervalMs: 100 }))).kind).toBe('go');
    // b's worker dies before its request leaves: the host is free again once the hold lapses.
    expect(await g.admit(ticket('c', now + 2, { url, intervalMs: 100 }))).toMatchObject({ kind: 'wait' });
    await sleep(650);
    expect((await g.admit(ticket('c', now + 2, { url, intervalMs: 100 }))).kind).toBe('go');
  });

  it('with interval 0 lets every job go at once; different hosts never wait for each other', async () => {
    const g = gate();
    const now = Date.now();
    for (let i = 0; i < 5; i++) expect((await g.admit(ticket(`z${i}`, now, { intervalMs: 0 }))).kind).toBe('go');
    expect((await g.admit(ticket('a', now, { url: 'https://a.example.org/', intervalMs: 5_000 }))).kind).toBe('go');
    expect((await g.admit(ticket('b', now, { url: 'https://b.example.org/', intervalMs: 5_000 }))).kind).toBe('go');
    expect((await g.admit(ticket('c', now, { url: 'https://a.example.org:8443/', intervalMs: 5_000 }))).kind).toBe('go');
    expect(await g.admit(ticket('d', now, { url: 'https://A.example.org/other', intervalMs: 5_000 }))).toMatchObject({ kind: 'wait' });
  });

  it('backoff closes a host for every worker; a shorter backoff does not reopen it', async () => {
    const one = gate();
    const two = gate();
    expect(await one.backoff('https://slow.example.org/x', 7_000)).toBe(7_000);
    const a = await two.admit(ticket('y', Date.now(), { url: 'https://slow.example.org/y', intervalMs: 100 }));
    expect(a.kind).toBe('wait');
    expect((a as { waitMs: number }).waitMs).toBeGreaterThan(6_800);
    expect((a as { waitMs: number }).waitMs).toBeLessThanOrEqual(7_000);
    expect(await two.backoff('https://slow.example.org/', 1_000)).toBeGreaterThan(6_800);
    expect((await one.admit(ticket('o', Date.now(), { url: 'https://other.example.org/' }))).kind).toBe('go');
  });

  it('refuses bad options and intervals, naming the field', async () => {
    expect(() => new HostGate(connections[0] ?? createRedisConnection(REDIS_URL), { prefix: '' })).toThrow(/options.prefix/);
    expect(() => gate({ graceMs: -1 })).toThrow(/options.graceMs/);
    expect(() => gate({ holdMs: 0 })).toThrow(/options.holdMs/);
    await expect(gate().admit(ticket('n', Date.now(), { intervalMs: -5 }))).rejects.toThrow(/intervalMs/);
  });
});
