import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { guardedAgent } from '../crawlers/guarded-agent.ts';
import { refusalIn } from '../crawlers/refused-address-error.ts';
import { DeliveryError } from './delivery-error.ts';
import { redactWebhookUrls, webhookEndpoint } from './webhook-endpoint.ts';

export interface PostJsonOptions {
  url: string;
  /** The exact JSON body. */
  body: string;
  /** Added to content-type and user-agent (a signature, for Standard Webhooks). */
  headers?: Record<string, string>;
  /** Whole-attempt timeout, reading the answer included. Default 15 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** CIDRs the receiver may be on although private (`network.allow`); any other private address is refused. Default: none. */
  allowNetworks?: readonly string[];
  /** Bytes of the answer's body to keep as text (a rate-limit JSON, an error word); 0 (default) reads and drops it. */
  keepBody?: number;
}

export interface PostAnswer {
  /** Whatever the status: classifying it is the caller's, since receivers differ. */
  status: number;
  headers: IncomingHttpHeaders;
  /** Up to `keepBody` bytes of the answer, decoded as UTF-8; '' when none were kept. */
  body: string;
  durationMs: number;
  /** The URL as it may be shown: scheme and host. */
  endpoint: string;
}

/** How much of an unwanted answer is read before the connection is dropped rather than drained. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * One JSON POST through the guarded agent. Resolves with any HTTP answer; throws a DeliveryError only when there is
 * none: `give-up` when the receiver is at a refused address (no request is sent: the config must change, not the
 * network), `retry` on a timeout or a network error. Redirects are not followed. Errors name the endpoint only:
 * they reach the store, the logs, bull-board and the API, and Slack-style URLs carry their token in the path.
 */
export async function postJson(options: PostJsonOptions): Promise<PostAnswer> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const headers = {
    'content-type': 'application/json',
    'user-agent': options.userAgent ?? 'Vigie-Webhooks/0.1',
    ...options.headers,
  };
  const endpoint = webhookEndpoint(options.url);
  // Our own timer, cleared when the exchange ends: on Node 20 an AbortSignal.timeout() that undici listens to
  // keeps the request, response and body alive (measured ~15 KB per call in the crawl path).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await request(options.url, {
      method: 'POST',
      dispatcher: guardedAgent(options.allowNetworks ?? []),
      headers,
      body: options.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: abort.signal,
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);
    const keep = options.keepBody ?? 0;
    const body = keep > 0 ? await readUpTo(res.body, keep).catch(() => '') : (await res.body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined), '');
    return { status: res.statusCode, headers: res.headers, body, durationMs: Math.round(performance.now() - started), endpoint };
  } catch (err) {
    const refused = refusalIn(err);
    if (refused) throw new DeliveryError(`POST ${endpoint}: ${redactWebhookUrls(refused.message, [options.url])}`, 'give-up', null);
    const reason = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err);
    throw new DeliveryError(`POST ${endpoint}: ${redactWebhookUrls(reason, [options.url])}`, 'retry', null);
  } finally {
    clearTimeout(timer);
  }
}

/** The first `limit` bytes of a body as text; leaving the loop early destroys the rest of the stream. */
async function readUpTo(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}
