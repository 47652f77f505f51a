import { request } from 'undici';
import { guardedAgent } from '../crawlers/guarded-agent.ts';
import { refusalIn } from '../crawlers/refused-address-error.ts';
import { parseRetryAfter } from '../config/retry-after.ts';
import { DeliveryError } from './delivery-error.ts';
import { signWebhook } from './sign-webhook.ts';
import { redactWebhookUrls, webhookEndpoint } from './webhook-endpoint.ts';

export interface SendWebhookOptions {
  url: string;
  /** Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** `webhook-id`: the same on every attempt of one delivery. */
  msgId: string;
  /** The exact JSON body. */
  body: string;
  /** Whole-attempt timeout. Default 15 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Clock, for the signature's timestamp. Default `new Date()`. */
  now?: Date;
  /** CIDRs the receiver may be on although private (`network.allow`); any other private address is refused. Default: none. */
  allowNetworks?: readonly string[];
}

export interface SendResult {
  status: number;
  durationMs: number;
}

/** Statuses where the receiver told us the request itself is wrong or the endpoint is gone: retrying cannot help. */
const GIVE_UP = new Set([400, 410, 413, 422]);

/**
 * One signed POST. Resolves on a 2xx only; otherwise throws a DeliveryError whose fate is `retry`,
 * `retry-later` (429 or 503 with Retry-After) or `give-up`. Redirects are not followed: a webhook that moved
 * must be reconfigured, not silently sent elsewhere. A receiver at a refused address (loopback, private...) is a
 * `give-up`: the config must change, not the network.
 */
export async function sendWebhook(options: SendWebhookOptions): Promise<SendResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const headers = {
    'content-type': 'application/json',
    'user-agent': options.userAgent ?? 'Vigie-Webhooks/0.1',
    ...signWebhook(options.secret, options.msgId, options.body, options.now ?? new Date()),
  };
  let status: number;
  let retryAfter: string | string[] | undefined;
  // Our own timer, cleared when the exchange ends: on Node 20 an AbortSignal.timeout() that undici listens to
  // keeps the request, response and body alive (measured ~15 KB per call in the crawl path).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  // Errors name the endpoint only: they reach the store, the logs, bull-board and the API.
  const endpoint = webhookEndpoint(options.url);
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
    status = res.statusCode;
    retryAfter = res.headers['retry-after'];
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
  } catch (err) {
    const refused = refusalIn(err);
    if (refused) throw new DeliveryError(`POST ${endpoint}: ${redactWebhookUrls(refused.message, [options.url])}`, 'give-up', null);
    const reason = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err);
    throw new DeliveryError(`POST ${endpoint}: ${redactWebhookUrls(reason, [options.url])}`, 'retry', null);
  } finally {
    clearTimeout(timer);
  }
  const durationMs = Math.round(performance.now() - started);
  if (status >= 200 && status < 300) return { status, durationMs };
  const after = parseRetryAfter(retryAfter);
  if (status === 429 || (status === 503 && after !== undefined)) {
    throw new DeliveryError(`POST ${endpoint}: HTTP ${status}`, 'retry-later', status, after);
  }
  if (status >= 300 && status < 400) {
    throw new DeliveryError(`POST ${endpoint}: HTTP ${status} (redirects are not followed)`, 'retry', status);
  }
  throw new DeliveryError(`POST ${endpoint}: HTTP ${status}`, GIVE_UP.has(status) ? 'give-up' : 'retry', status, after);
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}
