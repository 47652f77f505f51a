import type { Redis } from 'ioredis';
import { hostOf } from '../config/index.ts';

/** Which line a job stands in: article jobs (a user waits for their alert) go before routine re-crawls. */
export type Lane = 'article' | 'crawl';

export interface HostTicket {
  /** A URL on the host the job will request. */
  url: string;
  /** The place in line. One per job, except crawls: `crawl:<source>`, so a source has at most one crawl waiting. */
  ticket: string;
  /** Who holds the place: the job id. Another owner asking with the same ticket is told `merged`. */
  owner: string;
  lane: Lane;
  /** When the job first asked (epoch ms). Kept by the caller across waits, so a job never loses its place. */
  askedAt: number;
  /** Least time between two requests to this host, in ms; 0 turns spacing off. */
  intervalMs: number;
}

/** `go`: the slot is yours now. `wait`: ask again in `waitMs` (`position` jobs are ahead). `merged`: another job holds the ticket. */
export type Admission = { kind: 'go' } | { kind: 'wait'; waitMs: number; position: number } | { kind: 'merged'; holder: string };

export interface HostLine {
  host: string;
  /** Jobs standing in this host's line. */
  waiting: number;
  /** When the longest-waiting of them first asked (epoch ms); null when none waits. */
  oldestAskedAt: number | null;
  /** When the host is next free (epoch ms); null when it is free now. */
  nextFreeAt: number | null;
}

export interface HostGateOptions {
  /** Key prefix, the queues' prefix. Required. */
  prefix: string;
  /**
   * How much later than an article job a crawl counts as having asked, so that article jobs go first on a busy host
   * while a crawl that waited longer than this still goes before newer articles (nothing starves). Default 10 min.
   */
  crawlHandicapMs?: number;
  /**
   * How long past its expected return a place in line is kept for a job that has not come back (a crashed worker,
   * a job that was removed), before the jobs behind it move up. A job that comes back later asks again with its
   * first `askedAt` and so regains its place. Default 10 s.
   */
  graceMs?: number;
  /**
   * How long a granted slot holds the host at most before its request is reported sent (`sent`) or the job lets
   * go (`release`): a worker killed between the two frees the host after this. Default 10 s.
   */
  holdMs?: number;
}

// KEYS: next, line, until, owner, asked, hosts, held. ARGV: ticket, owner, score, askedAt, interval, grace, host, hold.
// A place is consumed only when its job really goes: a job told to wait keeps its place (its score never changes),
// so the host serves one request per interval in the order asked, however many jobs sleep in the meantime. The job
// that goes holds the host until its request has left (a cold process can take a second), so that the interval
// counts from the request, and no later slot can be granted in between.
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function drop(x)
  redis.call('ZREM', KEYS[2], x)
  redis.call('ZREM', KEYS[3], x)
  redis.call('HDEL', KEYS[4], x)
  redis.call('HDEL', KEYS[5], x)
end
for _, x in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do drop(x) end
local ticket = ARGV[1]
local holder = redis.call('HGET', KEYS[4], ticket)
if holder and holder ~= ARGV[2] then return {'merged', 0, 0, holder} end
if not holder then
  redis.call('ZADD', KEYS[2], ARGV[3], ticket)
  redis.call('HSET', KEYS[4], ticket, ARGV[2])
  redis.call('HSET', KEYS[5], ticket, ARGV[4])
  redis.call('SADD', KEYS[6], ARGV[7])
end
local interval = tonumber(ARGV[5])
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local rank = redis.call('ZRANK', KEYS[2], ticket)
local held = interval > 0 and redis.call('PTTL', KEYS[7]) or -2
if nextAt <= now and held < 0 and (rank == 0 or interval == 0) then
  drop(ticket)
  if interval > 0 then
    redis.call('SET', KEYS[1], now + interval, 'PX', interval + 60000)
    redis.call('SET', KEYS[7], ARGV[2], 'PX', tonumber(ARGV[8]))
  end
  return {'go', 0, 0, ''}
end
-- A held host is free about one interval after its request leaves, which is soon: count that interval.
local wait = math.max(nextAt - now, held > 0 and interval or 0, 0) + rank * interval
redis.call('ZADD', KEYS[3], now + wait + tonumber(ARGV[6]), ticket)
return {'wait', wait, rank, ''}
`;

// KEYS: held, next. ARGV: owner, interval, mark. Only the job that holds the host lets it go; with mark = 1 its
// request has just left, and the host is next free one interval from now.
const SENT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[3] == '1' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local wanted = now + tonumber(ARGV[2])
  if wanted > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], wanted, 'PX', tonumber(ARGV[2]) + 60000) end
end
return 1
`;

// KEYS: line, until, owner, asked. ARGV: ticket, owner. Gives up a place (only the holder can).
const LEAVE = `
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
`;

// KEYS: next. ARGV: ms. Pushes the host's next free time to at least now + ms (HTTP 429 / Retry-After).
const BACKOFF = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = now + tonumber(ARGV[1])
if wanted > nextAt then redis.call('SET', KEYS[1], wanted, 'PX', tonumber(ARGV[1]) + 60000) end
return math.max(wanted, nextAt) - now
`;

/**
 * Per-host politeness shared by every worker on one Redis. Each host has a waiting line (a sorted set scored by
 * when each job first asked, article jobs ahead of crawls) and a "next free" time. A job asks; the head of the line
 * goes when the host is free, and that is the only moment a slot is consumed. Everyone else is told how long to
 * wait (its position times the interval), sleeps or is delayed, and asks again holding the same place.
 */
export class HostGate {
  private readonly prefix: string;
  private readonly crawlHandicapMs: number;
  private readonly graceMs: number;
  private readonly holdMs: number;

  constructor(
    private readonly redis: Redis,
    options: HostGateOptions,
  ) {
    if (!options?.prefix) throw new TypeError('HostGate: options.prefix is required');
    this.prefix = options.prefix;
    this.crawlHandicapMs = options.crawlHandicapMs ?? 10 * 60_000;
    this.graceMs = options.graceMs ?? 10_000;
    this.holdMs = options.holdMs ?? 10_000;
    for (const [field, value] of [['crawlHandicapMs', this.crawlHandicapMs], ['graceMs', this.graceMs], ['holdMs', this.holdMs]] as const) {
      if (!(Number.isFinite(value) && value >= 0)) throw new TypeError(`HostGate: options.${field} must be a number >= 0, got ${value}`);
    }
    if (this.holdMs < 1) throw new TypeError(`HostGate: options.holdMs must be at least 1, got ${this.holdMs}`);
  }

  /** Asks for the host's next slot. */
  async admit(t: HostTicket): Promise<Admission> {
    if (!(Number.isFinite(t.intervalMs) && t.intervalMs >= 0)) throw new TypeError(`HostGate.admit: intervalMs must be >= 0, got ${t.intervalMs}`);
    const host = hostOf(t.url);
    const k = this.keys(host);
    const score = t.askedAt + (t.lane === 'crawl' ? this.crawlHandicapMs : 0);
    const [kind, wait, rank, holder] = (await this.redis.eval(
      ADMIT,
      7,
      k.next,
      k.line,
      k.until,
      k.owner,
      k.asked,
      `${this.prefix}:hosts`,
      k.held,
      t.ticket,
      t.owner,
      score,
      t.askedAt,
      Math.round(t.intervalMs),
      this.graceMs,
      host,
      this.holdMs,
    )) as [string, number, number, string];
    if (kind === 'go') return { kind: 'go' };
    if (kind === 'merged') return { kind: 'merged', holder };
    return { kind: 'wait', waitMs: Number(wait), position: Number(rank) };
  }

  /** Gives up a place in line (a job that will not come back for it). */
  async leave(url: string, ticket: string, owner: string): Promise<void> {
    const k = this.keys(hostOf(url));
    await this.redis.eval(LEAVE, 4, k.line, k.until, k.owner, k.asked, ticket, owner);
  }

  /**
   * The request of the job that holds `url`'s host (`owner`) has just left: the host is next free `intervalMs` from
   * now, not from when the slot was granted. A request that left late (a cold crawler, a busy event loop) still gets
   * a full interval after it. Does nothing for a job that does not hold the host.
   */
  async sent(url: string, owner: string, intervalMs: number): Promise<void> {
    const k = this.keys(hostOf(url));
    await this.redis.eval(SENT, 2, k.held, k.next, owner, Math.round(intervalMs), 1);
  }

  /** The job is done with the host it holds (its request went, or never will): the next job may go when due. */
  async release(url: string, owner: string): Promise<void> {
    const k = this.keys(hostOf(url));
    await this.redis.eval(SENT, 2, k.held, k.next, owner, 0, 0);
  }

  /** Keeps every worker off `url`'s host for `ms`; returns how long the host is now closed. */
  async backoff(url: string, ms: number): Promise<number> {
    return Number(await this.redis.eval(BACKOFF, 1, this.keys(hostOf(url)).next, Math.max(1, Math.round(ms))));
  }

  /** Jobs now waiting in `url`'s host line. */
  async waiting(url: string): Promise<number> {
    return this.redis.zcard(this.keys(hostOf(url)).line);
  }

  /** Every host a job has waited for, with its line now (for /metrics, /api and the dashboard). */
  async lines(): Promise<HostLine[]> {
    const hosts = (await this.redis.smembers(`${this.prefix}:hosts`)).sort();
    if (hosts.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const host of hosts) {
      const k = this.keys(host);
      pipeline.zcard(k.line).hvals(k.asked).get(k.next);
    }
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    return hosts.map((host, i) => {
      const [waiting, asked, next] = replies.slice(i * 3, i * 3 + 3).map((r) => r[1]) as [number, string[], string | null];
      const nextAt = next === null ? 0 : Number(next);
      return {
        host,
        waiting: Number(waiting),
        oldestAskedAt: asked.length > 0 ? Math.min(...asked.map(Number)) : null,
        nextFreeAt: nextAt > now ? nextAt : null,
      };
    });
  }

  private keys(host: string) {
    const base = `${this.prefix}:host:${host}`;
    return { next: `${base}:next`, line: `${base}:line`, until: `${base}:until`, owner: `${base}:owner`, asked: `${base}:asked`, held: `${base}:held` };
  }
}
