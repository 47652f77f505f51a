import type { Redis } from 'ioredis';

// Reserves the next slot for a host atomically: returns how long the caller must wait before its request.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nextAt)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], start + interval, 'PX', start + interval - now + 60000)
return start - now
`;

// Pushes a host's next slot to at least now + ms (after HTTP 429 / Retry-After).
const BACKOFF = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = now + tonumber(ARGV[1])
if wanted > nextAt then redis.call('SET', KEYS[1], wanted, 'PX', tonumber(ARGV[1]) + 60000) end
return math.max(wanted, nextAt) - now
`;

/**
 * A per-host rate limit shared by every worker on one Redis: requests to one host are spaced by `intervalMs`,
 * and a host that answered 429 is left alone until its Retry-After has passed.
 */
export class HostGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly intervalMs: number,
  ) {
    if (!(intervalMs >= 0)) throw new TypeError(`HostGate: intervalMs must be >= 0, got ${intervalMs}`);
  }

  /** Milliseconds to wait before this request to `url`'s host may go. */
  async reserve(url: string): Promise<number> {
    return Number(await this.redis.eval(RESERVE, 1, this.key(url), this.intervalMs));
  }

  /** Keeps every worker off `url`'s host for `ms`; returns how long the host is now closed. */
  async backoff(url: string, ms: number): Promise<number> {
    return Number(await this.redis.eval(BACKOFF, 1, this.key(url), Math.max(1, Math.round(ms))));
  }

  private key(url: string): string {
    return `${this.prefix}:host:${new URL(url).host.toLowerCase()}`;
  }
}
