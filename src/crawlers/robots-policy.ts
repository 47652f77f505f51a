import robotsParserModule from 'robots-parser';
import { interceptors, request, type Dispatcher } from 'undici';
import { guardedAgent } from './guarded-agent.ts';

export interface RobotsPolicyOptions {
  /** Sent when fetching robots.txt, and matched against its `User-agent` groups. Required. */
  userAgent: string;
  /** How long a fetched robots.txt is trusted. Default 1 h. */
  ttlMs?: number;
  /** How long an unreachable robots.txt (network error, 5xx) is remembered before trying again. Default 1 min. */
  errorTtlMs?: number;
  /** Timeout of the robots.txt request. Default 10 s. */
  timeoutMs?: number;
  /** Clock, for the cache. Default `Date.now`. */
  now?: () => number;
  /**
   * CIDRs robots.txt may be fetched from although private (`network.allow`); any other private address is refused,
   * redirects included, and robots.txt is then taken as unreachable. Default: none.
   */
  allowNetworks?: readonly string[];
  /** Bytes of robots.txt read (`limits.maxRobotsBytes`); the rest is ignored, as RFC 9309 allows past 500 KiB. Default 500 KB. */
  maxBytes?: number;
}

type Rules = { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined };
// robots-parser is CommonJS whose typings declare an ES default export; at runtime the module itself is the function.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Rules;

/**
 * robots.txt, fetched with our own User-Agent and cached per origin. Crawlee's own check fetches robots.txt
 * with a generated browser User-Agent on every run, which is neither honest nor cheap.
 *
 * A missing robots.txt (4xx) allows everything, as RFC 9309 says. An unreachable one (5xx, network) also allows,
 * briefly cached: the page request that follows then fails with the real error, which is the one users need.
 */
export class RobotsPolicy {
  private readonly cache = new Map<string, { rules: Rules | null; until: number }>();
  /** Fetches in flight, per origin: checks that start together share one request instead of one each. */
  private readonly fetching = new Map<string, Promise<Rules | null>>();
  private readonly options: Required<RobotsPolicyOptions>;
  private readonly dispatcher: Dispatcher;
  /** The product token robots.txt groups are matched against: `Vigie` for `Vigie/0.1 (...)`. */
  readonly agentToken: string;

  constructor(options: RobotsPolicyOptions) {
    if (!options?.userAgent) throw new TypeError('RobotsPolicy: options.userAgent is required');
    this.options = { ttlMs: 3_600_000, errorTtlMs: 60_000, timeoutMs: 10_000, now: Date.now, allowNetworks: [], maxBytes: 500 * 1024, ...options };
    // undici 7 refuses `maxRedirections` unless the dispatcher composes the redirect interceptor. Without it,
    // robots.txt worked only when something had called the global fetch() first (Node's own undici then served as
    // the global dispatcher); in a process that had not, every fetch threw, and every URL was allowed. Each hop
    // goes through the guarded agent, so a robots.txt that redirects to a private address is refused there.
    this.dispatcher = guardedAgent(this.options.allowNetworks).compose(interceptors.redirect({ maxRedirections: 3 }));
    this.agentToken = options.userAgent.split(/[/\s]/)[0]!;
  }

  async isAllowed(url: string): Promise<boolean> {
    const rules = await this.rulesFor(new URL(url).origin);
    return rules?.isAllowed(url, this.agentToken) ?? true;
  }

  /** Crawl-delay asked of us, in ms, if any. */
  async crawlDelayMs(url: string): Promise<number | undefined> {
    const delay = (await this.rulesFor(new URL(url).origin))?.getCrawlDelay(this.agentToken);
    return delay === undefined ? undefined : delay * 1000;
  }

  private async rulesFor(origin: string): Promise<Rules | null> {
    const cached = this.cache.get(origin);
    if (cached && cached.until > this.options.now()) return cached.rules;
    let pending = this.fetching.get(origin);
    if (!pending) {
      pending = this.fetchRules(origin).finally(() => this.fetching.delete(origin));
      this.fetching.set(origin, pending);
    }
    return pending;
  }

  private async fetchRules(origin: string): Promise<Rules | null> {
    const now = this.options.now();
    const robotsUrl = `${origin}/robots.txt`;
    let rules: Rules | null = null;
    let ttl = this.options.ttlMs;
    try {
      const res = await request(robotsUrl, {
        dispatcher: this.dispatcher,
        headers: { 'user-agent': this.options.userAgent, accept: 'text/plain' },
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const text = await readAtMost(res.body, this.options.maxBytes);
      if (res.statusCode >= 200 && res.statusCode < 300) rules = robotsParser(robotsUrl, text);
      else if (res.statusCode >= 500) ttl = this.options.errorTtlMs;
    } catch {
      ttl = this.options.errorTtlMs;
    }
    this.cache.set(origin, { rules, until: now + ttl });
    return rules;
  }
}

/** The body's first `maxBytes` as text; the rest is not read (the connection is dropped). */
async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
