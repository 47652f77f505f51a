import { parseRetryAfter } from '../config/retry-after.ts';
import { DeliveryError } from './delivery-error.ts';
import { postJson } from './post-json.ts';
import { signWebhook } from './sign-webhook.ts';

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
  const { status, headers, durationMs, endpoint } = await postJson({
    url: options.url,
    body: options.body,
    headers: { ...signWebhook(options.secret, options.msgId, options.body, options.now ?? new Date()) },
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    allowNetworks: options.allowNetworks,
  });
  if (status >= 200 && status < 300) return { status, durationMs };
  const after = parseRetryAfter(headers['retry-after']);
  if (status === 429 || (status === 503 && after !== undefined)) {
    throw new DeliveryError(`POST ${endpoint}: HTTP ${status}`, 'retry-later', status, after);
  }
  if (status >= 300 && status < 400) {
    throw new DeliveryError(`POST ${endpoint}: HTTP ${status} (redirects are not followed)`, 'retry', status);
  }
  throw new DeliveryError(`POST ${endpoint}: HTTP ${status}`, GIVE_UP.has(status) ? 'give-up' : 'retry', status, after);
}
